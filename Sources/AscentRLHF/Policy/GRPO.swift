import AscentTensor
import Dispatch
import Foundation

/// Critic-free policy optimisation over groups of responses per prompt, in two variants:
///
/// - GRPO (Shao et al. 2024, DeepSeekMath): a response's advantage is its reward standardised
///   within its group, (rᵢ − mean) / std; a k3 KL penalty to the reference is added to the loss.
/// - RLOO (Ahmadian et al. 2024, "Back to Basics"): the reward first pays the KL,
///   r'ᵢ = rᵢ − β Σₜ (log π − log π_ref), and a response's advantage is r'ᵢ minus the mean of
///   the other k − 1 responses' r' (the leave-one-out baseline: unbiased, no std scaling); no
///   penalty in the loss.
///
/// Either way the advantage applies to every token of the response, and the clipped surrogate
/// is optimised for `epochs` passes over the round's responses (TRL's `num_iterations`).
public struct GRPOConfiguration: Codable, Sendable, Equatable {
    /// The baseline a group's rewards are compared with.
    public enum Baseline: String, Codable, Sendable {
        /// GRPO: the group's mean, the difference divided by the group's standard deviation.
        case groupStandardized
        /// RLOO: the mean of the other responses of the group.
        case leaveOneOut
    }

    /// GRPO or RLOO.
    public var baseline = Baseline.groupStandardized
    public var iterations = 40
    /// Prompts per round; each gets `groupSize` responses.
    public var promptsPerIteration = 8
    public var groupSize = 4
    public var maxNewTokens = 24
    public var epochs = 2
    public var learningRate: Float = 3e-4
    public var clipRange: Float = 0.2
    /// β: of the k3 penalty in the loss (GRPO: log r + 1/r − 1 with r = π/π_ref per token), or
    /// of the sequence KL paid from the reward (RLOO).
    public var klCoefficient: Float = 0.04
    public var maxGradientNorm: Float = 1
    public var temperature: Float = 1
    /// Responses end at the first of these strings (kept in the response), or the end-of-text token.
    public var stopStrings: [String] = []
    public var seed: UInt64 = 1

    public init() {}

    /// RLOO's defaults: the leave-one-out baseline, β = 0.05 on the reward (TRL's `RLOOConfig`).
    public static var rloo: GRPOConfiguration {
        var c = GRPOConfiguration()
        (c.baseline, c.klCoefficient) = (.leaveOneOut, 0.05)
        return c
    }

    /// The method's name, which is also its stage's.
    public var method: String { baseline == .leaveOneOut ? "rloo" : "grpo" }

    public func validate() throws {
        guard iterations > 0, promptsPerIteration > 0, groupSize > 1, maxNewTokens > 0, epochs > 0 else {
            throw RLHFError.invalidInput("iterations, promptsPerIteration, maxNewTokens and epochs must be positive and groupSize at least 2")
        }
        guard learningRate.isFinite, learningRate > 0, clipRange.isFinite, clipRange > 0, klCoefficient.isFinite, klCoefficient >= 0 else {
            throw RLHFError.invalidInput("learningRate and clipRange must be positive, klCoefficient ≥ 0")
        }
    }
}

/// GRPO or RLOO as a resumable loop whose step is one round.
public final class GRPO: RoundLoop {
    struct State: Codable {
        var generator: RandomGenerator
        var history: [LanguagePPOMetrics] = []
    }

    public let setup: LanguageModelOptimization
    public let configuration: GRPOConfiguration
    public var history: [LanguagePPOMetrics] { state.history }
    private let optimizer: Adam
    var state: State

    public init(_ setup: LanguageModelOptimization, configuration: GRPOConfiguration) throws {
        try configuration.validate()
        self.setup = setup
        self.configuration = configuration
        optimizer = Adam(setup.policy.model.trainableParameters(), learningRate: configuration.learningRate, epsilon: 1e-5)
        state = State(generator: RandomGenerator(seed: configuration.seed, stream: "rlhf-\(configuration.method)"))
    }

    var stage: String { configuration.method }
    private(set) lazy var identity = setup.identity(configuration)
    var modules: [String: Module] { ["model": setup.policy.model] }
    var optimizers: [String: Optimizer] { ["model": optimizer] }
    var rounds: Int { configuration.iterations }

    public func iterate() throws -> LanguagePPOMetrics {
        let c = configuration
        let start = DispatchTime.now().uptimeNanoseconds
        let rollout = try setup.rollout(count: c.promptsPerIteration * c.groupSize, groupSize: c.groupSize, maxNewTokens: c.maxNewTokens,
                                        temperature: c.temperature, stopStrings: c.stopStrings, generator: &state.generator)
        let (rows, time) = (rollout.batch.inputs.shape[0], rollout.batch.inputs.shape[1])
        let mask = rollout.batch.mask.scalars
        var rewards = rollout.scores
        if c.baseline == .leaveOneOut {  // the KL is paid from the reward: r − β Σₜ (log π − log π_ref)
            for r in 0..<rows {
                let kl = (0..<time).reduce(Float(0)) { sum, t in
                    let p = r * time + t
                    return sum + mask[p] * (rollout.oldLogProbabilities[p] - rollout.referenceLogProbabilities[p])
                }
                rewards[r] -= c.klCoefficient * kl
            }
        }
        var sequenceAdvantages = [Float](repeating: 0, count: rows)
        var flatGroups = 0
        for group in stride(from: 0, to: rows, by: c.groupSize) {
            let scores = Array(rewards[group..<(group + c.groupSize)])
            let (k, sum) = (Float(scores.count), scores.reduce(0, +))
            let mean = sum / k
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / k).squareRoot()
            if Set(rollout.scores[group..<(group + c.groupSize)]).count == 1 { flatGroups += 1 }
            for i in 0..<c.groupSize {
                sequenceAdvantages[group + i] = c.baseline == .leaveOneOut ? scores[i] - (sum - scores[i]) / (k - 1) : (scores[i] - mean) / (std + 1e-4)
            }
        }
        let advantage = Tensor(shape: [rows, time], sequenceAdvantages.flatMap { Array(repeating: $0, count: time) })
        let old = Tensor(shape: [rows, time], rollout.oldLogProbabilities)
        let reference = Tensor(shape: [rows, time], rollout.referenceLogProbabilities)
        var sums = (policy: 0.0, kl: 0.0, entropy: 0.0, clipped: 0.0)
        let updateStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<c.epochs {
            let (logProbabilities, _, entropy) = setup.policy.evaluate(rollout.batch)
            let ratio = (logProbabilities - old).exp()
            let surrogate = Tensor.maximum(-advantage * ratio, -advantage * ratio.clamped(min: 1 - c.clipRange, max: 1 + c.clipRange))
            let logReferenceRatio = reference - logProbabilities
            let k3 = logReferenceRatio.exp() - logReferenceRatio - 1
            let policyLoss = maskedMean(surrogate, rollout.batch.mask)
            let kl = maskedMean(k3, rollout.batch.mask)
            let loss = c.baseline == .leaveOneOut ? policyLoss : policyLoss + kl * c.klCoefficient
            optimizer.zeroGradients()
            loss.backward()
            guard loss.item.isFinite else { throw RLHFError.invalidInput("the \(c.method.uppercased()) loss became NaN; lower the learning rate") }
            _ = clipGradientNorm(setup.policy.model.parameters, maxNorm: c.maxGradientNorm)
            optimizer.step()
            sums.clipped += Double(zip(ratio.scalars, mask).filter { $1 > 0 && abs($0 - 1) > c.clipRange }.count) / Double(Swift.max(mask.reduce(0, +), 1))
            sums.policy += Double(policyLoss.item); sums.kl += Double(kl.item); sums.entropy += Double(entropy.item)
        }
        let epochs = Double(c.epochs), n = Double(rows)
        var m = LanguagePPOMetrics()
        m.flatGroupFraction = Double(flatGroups) / Double(rows / c.groupSize)
        m.iteration = state.history.count + 1
        m.rewardScore = Double(rollout.scores.reduce(0, +)) / n
        m.judgeScore = rollout.judgeScores.isEmpty ? nil : rollout.judgeScores.reduce(0, +) / n
        (m.kl, m.klK3) = klEstimates(policy: rollout.oldLogProbabilities, reference: rollout.referenceLogProbabilities, mask: mask, responses: rows)
        m.entropy = sums.entropy / epochs
        m.responseLength = Double(rollout.responses.map(\.count).reduce(0, +)) / n
        m.clipFraction = sums.clipped / epochs
        m.policyLoss = sums.policy / epochs
        m.beta = Double(c.klCoefficient)
        m.generationTokensPerSecond = Double(rollout.responses.map(\.count).reduce(0, +)) / rollout.generationSeconds
        m.updateTokensPerSecond = Double(mask.reduce(0, +)) * epochs / (Double(DispatchTime.now().uptimeNanoseconds - updateStart) / 1e9)
        m.samples = Array(rollout.texts.prefix(3))
        m.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        state.history.append(m)
        return m
    }
}
