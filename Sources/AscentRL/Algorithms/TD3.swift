import AscentEnvironments
import AscentTensor
import Foundation

/// Twin Delayed DDPG (Fujimoto et al. 2018). Every gradient step, on a replay minibatch:
///
/// 1. Critics: a′ = clip(μ′(s′) + clip(N(0, σ̃), −c, c), −1, 1) (target-policy smoothing),
///    y = r + γ (1 − terminated) min_i Q′_i(s′, a′); minimise Σ_i (Q_i(s, a) − y)².
/// 2. Every `policyDelay` steps: actor maximises Q_1(s, μ(s)); then the target actor and
///    critics move toward the online ones by τ.
///
/// Acting adds Gaussian exploration noise to μ(s). Actions are normalised to [−1, 1].
public final class TD3: OffPolicyLearner {
    public static var algorithm: String { "td3" }
    public static var summary: String { "Twin Delayed DDPG (continuous actions)." }
    public internal(set) var configuration: TD3Configuration
    public let actor: MLP
    public let critic1: ContinuousQNetwork, critic2: ContinuousQNetwork
    let targetActor: MLP
    let target1: ContinuousQNetwork, target2: ContinuousQNetwork
    let actorOptimizer: Adam, criticOptimizer: Adam
    let loop: OffPolicyLoop
    /// Exploration noise; target-smoothing noise.
    var actionGenerator: RandomGenerator
    var updateGenerator: RandomGenerator
    private let actionSize: Int

    public init(_ configuration: TD3Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        loop = try OffPolicyLoop(configuration, name: "td3")
        guard case .box(let box) = loop.actionSpace, box.isBounded else {
            throw RLError.unsupportedSpace("TD3 needs a bounded Box action space; \(configuration.environment) has \(loop.actionSpace). For Discrete actions use dqn, ppo, a2c or reinforce.")
        }
        let (o, a, hidden) = (loop.observationSize, box.low.count, configuration.hiddenSizes)
        var generator = RandomGenerator(seed: configuration.seed, stream: "td3-init")
        func makeActor() -> MLP { MLP(sizes: [o] + hidden + [a], activation: .relu, outputActivation: .tanh, generator: &generator) }
        func makeCritic() -> ContinuousQNetwork { ContinuousQNetwork(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator) }
        actor = makeActor(); critic1 = makeCritic(); critic2 = makeCritic()
        targetActor = makeActor(); target1 = makeCritic(); target2 = makeCritic()
        targetActor.copyParameters(from: actor)
        target1.copyParameters(from: critic1)
        target2.copyParameters(from: critic2)
        actorOptimizer = Adam(actor.namedParameters(), learningRate: configuration.learningRate)
        criticOptimizer = Adam(critic1.namedParameters().map { ("critic1." + $0.name, $0.parameter) }
                               + critic2.namedParameters().map { ("critic2." + $0.name, $0.parameter) }, learningRate: configuration.learningRate)
        actionGenerator = RandomGenerator(seed: configuration.seed, stream: "td3-actions")
        updateGenerator = RandomGenerator(seed: configuration.seed, stream: "td3-updates")
        actionSize = a
    }

    /// μ(s) for raw observations, plus Gaussian noise of `noise` standard deviation, clipped to [−1, 1].
    private func act(_ observations: [Float], rows: Int, noise: Float, generator: inout RandomGenerator) throws -> [Float] {
        let mean = withoutGradients { actor(Tensor(shape: [rows, loop.observationSize], observations)) }
        guard mean.isFinite else { throw RLError.nonFinitePolicy }
        guard noise > 0 else { return mean.scalars }
        return mean.scalars.map { Swift.min(Swift.max($0 + noise * generator.normal(), -1), 1) }
    }

    func exploratoryActions() throws -> (stored: [Float], environment: [Float]) {
        let actions = try act(loop.observations, rows: loop.environmentCount, noise: configuration.explorationNoise, generator: &actionGenerator)
        return (actions, loop.scaling.environmentActions(actions))
    }

    public func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float] {
        loop.scaling.environmentActions(try act(observation, rows: 1, noise: deterministic ? 0 : configuration.explorationNoise, generator: &generator))
    }

    /// μ(s) (tanh output), scaled onto the bounds.
    public func exportedPolicy() throws -> ExportedPolicy {
        ExportedPolicy(normalization: nil, layers: ExportedPolicy.layers(of: actor, last: .tanh),
                       output: .scaled(low: loop.scaling.low, high: loop.scaling.high))
    }

    func gradientStep(_ batch: ReplayBuffer.Batch, losses: inout LossAverages) throws {
        let c = configuration
        let target = withoutGradients {
            let smoothing = Tensor.randomNormal([c.batchSize, actionSize], standardDeviation: c.targetPolicyNoise, generator: &updateGenerator)
                .clamped(min: -c.targetNoiseClip, max: c.targetNoiseClip)
            let nextActions = (targetActor(batch.nextObservations) + smoothing).clamped(min: -1, max: 1)
            let nextQ = ContinuousQNetwork.minimum(target1, target2, batch.nextObservations, nextActions)
            return batch.rewards + (1 - batch.terminated) * nextQ * c.gamma
        }
        criticOptimizer.zeroGradients()
        let (criticLoss, meanQ) = ContinuousQNetwork.regress(critic1, critic2, observations: batch.observations, actions: batch.actions,
                                                             toward: target, weight: 1)
        try requireFinite([criticLoss], "critic loss", step: loop.globalStep)
        criticOptimizer.step()
        losses.add("critic", criticLoss)
        losses.add("q", meanQ)

        // `gradientStepsDone` counts completed steps, so this is update number gradientStepsDone + 1.
        guard (loop.gradientStepsDone + 1) % c.policyDelay == 0 else { return }
        let actorLoss = -critic1.frozen(batch.observations, actor(batch.observations)).mean()
        try requireFinite([actorLoss.item], "actor loss", step: loop.globalStep)
        actorOptimizer.zeroGradients()
        actorLoss.backward()
        actorOptimizer.step()
        losses.add("actor", actorLoss.item)
        targetActor.polyakAverage(toward: actor, tau: c.tau)
        target1.polyakAverage(toward: critic1, tau: c.tau)
        target2.polyakAverage(toward: critic2, tau: c.tau)
    }

    func describe(_ metrics: inout OffPolicyMetrics, losses: LossAverages) {
        metrics.learningRate = Double(configuration.learningRate)
    }

    private var modules: [(Module, String)] {
        [(actor, "actor."), (critic1, "critic1."), (critic2, "critic2."), (targetActor, "target_actor."), (target1, "target1."), (target2, "target2.")]
    }

    func saveLearner(into writer: inout CheckpointWriter) {
        for (module, prefix) in modules { writer.add(module, prefix: prefix) }
        writer.add(actorOptimizer, prefix: "actor_optimizer.")
        writer.add(criticOptimizer, prefix: "critic_optimizer.")
        writer.set("rng_actions", actionGenerator)
        writer.set("rng_updates", updateGenerator)
    }

    func loadLearner(from reader: CheckpointReader) throws {
        for (module, prefix) in modules { try reader.load(module, prefix: prefix) }
        try reader.load(actorOptimizer, prefix: "actor_optimizer.")
        try reader.load(criticOptimizer, prefix: "critic_optimizer.")
        actionGenerator = try reader.generator("rng_actions")
        updateGenerator = try reader.generator("rng_updates")
    }
}
