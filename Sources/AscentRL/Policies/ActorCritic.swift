import AscentEnvironments
import AscentTensor
import Foundation

/// What kind of actions a policy produces, derived from the environment's action space.
public enum ActionHead: Sendable, Equatable {
    /// A Gaussian over `dimensions` continuous values; the environment's bounds are used
    /// only to clip actions on the way into the environment (or, when squashed, to scale
    /// tanh's (−1, 1) onto them).
    case gaussian(dimensions: Int, low: [Float], high: [Float])
    /// A categorical over `count` actions.
    case categorical(count: Int)

    public init(_ space: Space) throws {
        switch space {
        case .box(let box):
            self = .gaussian(dimensions: box.low.count, low: box.low, high: box.high)
        case .discrete(let count, let start):
            guard start == 0 else { throw RLError.unsupportedSpace("Discrete spaces must start at 0, got start \(start)") }
            self = .categorical(count: count)
        case .tuple:
            throw RLError.unsupportedSpace("tuple action spaces are not supported; use a Box or Discrete action space")
        }
    }

    /// Number of policy-network outputs.
    var outputs: Int {
        switch self {
        case .gaussian(let d, _, _): d
        case .categorical(let n): n
        }
    }

    /// Floats stored per action in buffers.
    public var actionSize: Int {
        switch self {
        case .gaussian(let d, _, _): d
        case .categorical: 1
        }
    }
}

/// Separate actor and critic MLPs (PPO detail 13 and continuous detail 4), with
/// orthogonal initialisation: gain √2 for hidden layers, `policyHeadGain` (0.01) for the
/// actor's output and 1 for the critic's (core detail 2). Continuous policies add a
/// state-independent learned log-std (continuous detail 2).
///
/// Parameters are named `actor.layers.N.weight`, `critic.layers.N.bias`, `logStd`.
public final class ActorCritic: Module {
    public let actor: MLP
    public let critic: MLP
    /// Log standard deviation per action dimension (Gaussian heads only).
    public let logStd: Parameter?
    public let head: ActionHead
    public let squashed: Bool
    /// The log-std is clamped to this range when used, so σ can neither underflow to 0
    /// (log-probabilities of −∞, NaN gradients) nor explode.
    public static let logStdRange: ClosedRange<Float> = -20...2

    public init(observationSize: Int, head: ActionHead, hiddenSizes: [Int] = [64, 64], activation: Activation = .tanh,
                initialLogStd: Float = 0, squashed: Bool = false, policyHeadGain: Float = 0.01,
                generator: inout RandomGenerator) {
        let hidden = WeightInitializer.orthogonal(gain: Float(2).squareRoot())
        actor = MLP(sizes: [observationSize] + hiddenSizes + [head.outputs], activation: activation,
                    hiddenInitializer: hidden, outputInitializer: .orthogonal(gain: policyHeadGain), generator: &generator)
        critic = MLP(sizes: [observationSize] + hiddenSizes + [1], activation: activation,
                     hiddenInitializer: hidden, outputInitializer: .orthogonal(gain: 1), generator: &generator)
        if case .gaussian(let dimensions, _, _) = head {
            logStd = Parameter(.full([dimensions], initialLogStd))
        } else {
            logStd = nil
        }
        self.head = head
        self.squashed = squashed
    }

    /// The critic's value estimates for `[batch, observation]` inputs: `[batch]`.
    public func value(_ observations: Tensor) -> Tensor {
        critic(observations).reshaped([observations.shape[0]])
    }

    /// The clamped log-std (Gaussian heads).
    public var clampedLogStd: Tensor {
        logStd!.value.clamped(min: ActorCritic.logStdRange.lowerBound, max: ActorCritic.logStdRange.upperBound)
    }

    /// Log-probabilities of stored actions (`[batch]`) and the mean entropy (a scalar) under the current policy.
    /// `actions` holds pre-squash Gaussian samples or category indices, `actionSize` per row.
    ///
    /// `meanPerturbation` (same shape as the means) is added to Gaussian means: Robust Policy
    /// Optimization's uniform noise, which keeps the policy from collapsing its exploration.
    public func evaluate(_ observations: Tensor, actions: Tensor, meanPerturbation: Tensor? = nil) -> (logProbability: Tensor, entropy: Tensor) {
        let output = actor(observations)
        switch head {
        case .gaussian:
            let mean = meanPerturbation.map { output + $0 } ?? output
            let distribution = DiagonalGaussian(mean: mean, logStd: clampedLogStd, squashed: squashed)
            return (distribution.logProbability(ofUnsquashed: actions), distribution.entropy())
        case .categorical:
            let distribution = Categorical(logits: output)
            let indices = IntTensor(shape: [actions.shape[0]], actions.scalars.map { Int($0) })
            return (distribution.logProbability(of: indices), distribution.entropy().mean())
        }
    }

    /// Samples (or, deterministically, picks the mean / most likely) actions for a batch of
    /// observations without recording gradients.
    ///
    /// - Returns: `stored` (pre-squash samples or indices, for the buffer), `environment`
    ///   (what the environment receives: clipped to bounds, or squashed and scaled) and
    ///   `logProbability` of the stored actions.
    /// - Throws: ``RLError/nonFinitePolicy`` when the network outputs NaN or infinity (diverged
    ///   training, or a corrupt checkpoint), instead of sampling from a meaningless distribution.
    public func act(_ observations: Tensor, deterministic: Bool, generator: inout RandomGenerator) throws
        -> (stored: [Float], environment: [Float], logProbability: [Float]) {
        try withoutGradients {
            let output = actor(observations)
            guard output.isFinite, logStd?.value.isFinite ?? true else { throw RLError.nonFinitePolicy }
            let rows = observations.shape[0]
            switch head {
            case .gaussian(let dimensions, let low, let high):
                // The update's own distribution and tanh compute the log-probabilities, so the
                // first minibatch of an update sees a probability ratio of exactly 1.
                let logStd = clampedLogStd
                let std = logStd.exp().scalars
                var stored = output.scalars
                if !deterministic {
                    for r in 0..<rows { for d in 0..<dimensions { stored[r * dimensions + d] += std[d] * generator.normal() } }
                }
                let samples = Tensor(shape: output.shape, stored)
                let logProbability = DiagonalGaussian(mean: output, logStd: logStd, squashed: squashed).logProbability(ofUnsquashed: samples).scalars
                let squashedSamples = squashed ? samples.tanh().scalars : stored
                let environment = squashedSamples.enumerated().map { i, u -> Float in
                    let d = i % dimensions
                    if squashed { return low[d] + (u + 1) * 0.5 * (high[d] - low[d]) }
                    return Swift.min(Swift.max(u, low[d]), high[d])  // clip only at the environment boundary
                }
                return (stored, environment, logProbability)
            case .categorical(let count):
                let logProbabilities = output.logSoftmax(alongAxis: -1).scalars
                var chosen = [Float](), chosenLogProbability = [Float]()
                for r in 0..<rows {
                    let row = logProbabilities[(r * count)..<((r + 1) * count)]
                    let index = deterministic
                        ? row.indices.max { row[$0] < row[$1] }! - r * count
                        : generator.categorical(weights: row.map { Foundation.exp($0) })
                    chosen.append(Float(index))
                    chosenLogProbability.append(row[r * count + index])
                }
                return (chosen, chosen, chosenLogProbability)
            }
        }
    }
}

/// Configuration and input problems in the RL layer, each naming what is valid.
public enum RLError: Error, Equatable, CustomStringConvertible {
    case unsupportedSpace(String)
    case invalidHyperparameter(name: String, value: String, expected: String)
    case nonFinite(quantity: String, step: Int)
    case invalidRunDirectory(String)
    case nonFinitePolicy

    public var description: String {
        switch self {
        case .unsupportedSpace(let reason): reason
        case .invalidHyperparameter(let name, let value, let expected): "invalid \(name) = \(value): \(expected)"
        case .nonFinite(let quantity, let step):
            "\(quantity) became NaN or infinite at environment step \(step); training stopped (the last checkpoint is intact). Try a lower learning rate or enable normalisation."
        case .invalidRunDirectory(let reason): reason
        case .nonFinitePolicy:
            "the policy network outputs NaN or infinity: its weights are not finite (diverged training or a corrupt checkpoint)"
        }
    }
}
