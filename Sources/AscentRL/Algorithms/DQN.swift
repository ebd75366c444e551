import AscentEnvironments
import AscentTensor
import Foundation

/// Deep Q-Networks (Mnih et al. 2015) for discrete actions, with the double-DQN option.
/// Every gradient step, on a replay minibatch:
///
///     y = r + γ (1 − terminated) Q′(s′, argmax_a Q(s′, a))   (double DQN)
///     y = r + γ (1 − terminated) max_a Q′(s′, a)              (DQN)
///     minimise Huber(Q(s, a) − y), clip the gradient norm, Adam step.
///
/// Acting is ε-greedy with ε annealed linearly; the target network Q′ follows Q every
/// `targetUpdateInterval` environment steps (hard copy, or Polyak with τ < 1).
public final class DQN: OffPolicyLearner {
    public static var algorithm: String { "dqn" }
    public static var summary: String { "Deep Q-Networks, optionally double (discrete actions)." }
    public internal(set) var configuration: DQNConfiguration
    public let network: DiscreteQNetwork
    let targetNetwork: DiscreteQNetwork
    let optimizer: Adam
    let loop: OffPolicyLoop
    /// ε-greedy draws.
    var actionGenerator: RandomGenerator
    private let actionCount: Int
    private let parameters: [Parameter]

    public init(_ configuration: DQNConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        loop = try OffPolicyLoop(configuration, name: "dqn")
        guard case .discrete(let count, 0) = loop.actionSpace, count > 0 else {
            throw RLError.unsupportedSpace("DQN needs a Discrete action space starting at 0; \(configuration.environment) has \(loop.actionSpace). For continuous actions use sac, td3 or ppo.")
        }
        var generator = RandomGenerator(seed: configuration.seed, stream: "dqn-init")
        network = DiscreteQNetwork(observationSize: loop.observationSize, actionCount: count, hiddenSizes: configuration.hiddenSizes, generator: &generator)
        targetNetwork = DiscreteQNetwork(observationSize: loop.observationSize, actionCount: count, hiddenSizes: configuration.hiddenSizes, generator: &generator)
        targetNetwork.copyParameters(from: network)
        optimizer = Adam(network.namedParameters(), learningRate: configuration.learningRate)
        parameters = network.parameters
        actionGenerator = RandomGenerator(seed: configuration.seed, stream: "dqn-actions")
        actionCount = count
    }

    /// ε-greedy actions for `rows` raw observations.
    private func act(_ observations: [Float], rows: Int, epsilon: Float, generator: inout RandomGenerator) throws -> [Float] {
        let q = withoutGradients { network(Tensor(shape: [rows, loop.observationSize], observations)) }
        guard q.isFinite else { throw RLError.nonFinitePolicy }
        let greedy = q.argmax(alongAxis: 1).scalars
        return (0..<rows).map { r in
            generator.uniform() < epsilon ? Float(generator.integer(below: actionCount)) : Float(greedy[r])
        }
    }

    func exploratoryActions() throws -> (stored: [Float], environment: [Float]) {
        let actions = try act(loop.observations, rows: loop.environmentCount,
                              epsilon: configuration.explorationRate(atStep: loop.globalStep), generator: &actionGenerator)
        return (actions, actions)
    }

    /// Greedy when `deterministic`, else ε-greedy with the final ε.
    public func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float] {
        try act(observation, rows: 1, epsilon: deterministic ? 0 : configuration.finalExploration, generator: &generator)
    }

    /// The greedy action: argmax of Q.
    public func exportedPolicy() throws -> ExportedPolicy {
        ExportedPolicy(normalization: nil, layers: ExportedPolicy.layers(of: network.body), output: .argmax(logSoftmax: false))
    }

    func gradientStep(_ batch: ReplayBuffer.Batch, losses: inout LossAverages) throws {
        let c = configuration, rows = c.batchSize
        let target = withoutGradients {
            let nextQ = targetNetwork(batch.nextObservations)
            let bestNext: Tensor
            if c.doubleDQN {
                let choice = network(batch.nextObservations).argmax(alongAxis: 1).reshaped([rows, 1])
                bestNext = nextQ.gather(alongAxis: 1, indices: choice).reshaped([rows])
            } else {
                bestNext = nextQ.max(alongAxis: 1)
            }
            return batch.rewards + (1 - batch.terminated) * bestNext * c.gamma
        }
        let taken = IntTensor(shape: [rows, 1], batch.actions.scalars.map { Int($0) })
        let q = network(batch.observations).gather(alongAxis: 1, indices: taken).reshaped([rows])
        let loss = Self.huber(q - target).mean()
        optimizer.learningRate = c.learningRate(atStep: loop.globalStep)
        optimizer.zeroGradients()
        loss.backward()
        try requireFinite([loss.item], "Q loss", step: loop.globalStep)
        _ = clipGradientNorm(parameters, maxNorm: c.maxGradientNorm)
        optimizer.step()
        losses.add("critic", loss.item)
        losses.add("q", q.mean().item)
    }

    /// Huber loss with δ = 1 (smooth L1): ½x² for |x| ≤ 1, |x| − ½ beyond, written as
    /// ½ m² + (|x| − m) with m = min(|x|, 1) so the gradient is x inside and sign(x) outside.
    static func huber(_ x: Tensor) -> Tensor {
        let magnitude = x.abs()
        let inside = magnitude.clamped(max: 1)
        return inside * inside * 0.5 + (magnitude - inside)
    }

    func afterEnvironmentStep() {
        if (loop.globalStep / loop.environmentCount) % configuration.targetUpdateInterval == 0 {
            targetNetwork.polyakAverage(toward: network, tau: configuration.tau)
        }
    }

    func describe(_ metrics: inout OffPolicyMetrics, losses: LossAverages) {
        metrics.explorationRate = Double(configuration.explorationRate(atStep: loop.globalStep))
        metrics.learningRate = Double(configuration.learningRate(atStep: loop.globalStep))
    }

    func saveLearner(into writer: inout CheckpointWriter) {
        writer.add(network, prefix: "network.")
        writer.add(targetNetwork, prefix: "target_network.")
        writer.add(optimizer, prefix: "optimizer.")
        writer.set("rng_actions", actionGenerator)
    }

    func loadLearner(from reader: CheckpointReader) throws {
        try reader.load(network, prefix: "network.")
        try reader.load(targetNetwork, prefix: "target_network.")
        try reader.load(optimizer, prefix: "optimizer.")
        actionGenerator = try reader.generator("rng_actions")
    }
}
