import AscentEnvironments
import AscentTensor
import Foundation

/// Soft Actor-Critic (Haarnoja et al. 2018) for continuous actions, as Stable-Baselines3
/// runs it. Every gradient step, on a replay minibatch (s, a, r, s′, terminated):
///
/// 1. α: minimise −log α · (log π(ã|s) + H̄) with ã ~ π(·|s), toward the target entropy H̄.
/// 2. Critics: y = r + γ (1 − terminated) (min_i Q′_i(s′, a′) − α log π(a′|s′)), a′ ~ π(·|s′);
///    minimise ½ Σ_i (Q_i(s, a) − y)².
/// 3. Actor: minimise α log π(ã|s) − min_i Q_i(s, ã), through the reparameterised ã.
/// 4. Targets: Polyak averaging with τ.
///
/// Truncated episodes bootstrap (only `terminated` zeroes the target), from their true final
/// observation.
public final class SAC: OffPolicyLearner {
    public static var algorithm: String { "sac" }
    public static var summary: String { "Soft Actor-Critic (continuous actions)." }
    public internal(set) var configuration: SACConfiguration
    public let actor: SquashedGaussianActor
    public let critic1: ContinuousQNetwork, critic2: ContinuousQNetwork
    let target1: ContinuousQNetwork, target2: ContinuousQNetwork
    /// log α, a one-element parameter.
    public let logEntropyCoefficient: Parameter
    let actorOptimizer: Adam, criticOptimizer: Adam, entropyOptimizer: Adam
    let targetEntropy: Float
    let loop: OffPolicyLoop
    /// Exploration samples; reparameterisation noise of the updates.
    var actionGenerator: RandomGenerator
    var updateGenerator: RandomGenerator
    /// Time-correlated exploration noise when `explorationNoise` is `pink`.
    var pinkNoise: PinkNoise?

    public init(_ configuration: SACConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        loop = try OffPolicyLoop(configuration, name: "sac")
        guard case .box(let box) = loop.actionSpace, box.isBounded else {
            throw RLError.unsupportedSpace("SAC needs a bounded Box action space; \(configuration.environment) has \(loop.actionSpace). For Discrete actions use dqn, ppo, a2c or reinforce.")
        }
        let (o, a, hidden) = (loop.observationSize, box.low.count, configuration.hiddenSizes)
        var generator = RandomGenerator(seed: configuration.seed, stream: "sac-init")
        actor = SquashedGaussianActor(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator)
        critic1 = ContinuousQNetwork(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator)
        critic2 = ContinuousQNetwork(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator)
        target1 = ContinuousQNetwork(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator)
        target2 = ContinuousQNetwork(observationSize: o, actionSize: a, hiddenSizes: hidden, generator: &generator)
        target1.copyParameters(from: critic1)
        target2.copyParameters(from: critic2)
        logEntropyCoefficient = Parameter(Tensor([Foundation.log(configuration.initialEntropyCoefficient)]))
        let lr = configuration.learningRate
        actorOptimizer = Adam(actor.namedParameters(), learningRate: lr)
        criticOptimizer = Adam(critic1.namedParameters().map { ("critic1." + $0.name, $0.parameter) }
                               + critic2.namedParameters().map { ("critic2." + $0.name, $0.parameter) }, learningRate: lr)
        entropyOptimizer = Adam([("log_alpha", logEntropyCoefficient)], learningRate: lr)
        targetEntropy = configuration.targetEntropy ?? -Float(a)
        actionGenerator = RandomGenerator(seed: configuration.seed, stream: "sac-actions")
        updateGenerator = RandomGenerator(seed: configuration.seed, stream: "sac-updates")
        if configuration.explorationNoise == "pink" {
            pinkNoise = PinkNoise(streams: configuration.environments * a, generator: &actionGenerator)
        }
    }

    /// α = exp(log α).
    public var entropyCoefficient: Float { Foundation.exp(logEntropyCoefficient.value.item) }

    func exploratoryActions() throws -> (stored: [Float], environment: [Float]) {
        let input = Tensor(shape: [loop.environmentCount, loop.observationSize], loop.observations)
        let noise = pinkNoise?.next(generator: &actionGenerator)
        let actions = try actor.act(input, deterministic: false, noise: noise, generator: &actionGenerator)
        return (actions, loop.scaling.environmentActions(actions))
    }

    public func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float] {
        loop.scaling.environmentActions(try actor.act(Tensor(shape: [1, observation.count], observation), deterministic: deterministic, generator: &generator))
    }

    /// tanh of the mean head, scaled onto the bounds.
    public func exportedPolicy() throws -> ExportedPolicy {
        ExportedPolicy(normalization: nil, layers: ExportedPolicy.layers(of: actor.body, last: .tanh, outputs: actor.actionSize),
                       output: .scaled(low: loop.scaling.low, high: loop.scaling.high))
    }

    /// One gradient step. Independent work runs in pairs on the two cores: the policy samples
    /// for s (recorded) and s′ (not), then each critic or target network on its own core
    /// (``ContinuousQNetwork/minimum(_:_:_:_:frozen:)``, ``ContinuousQNetwork/regress(_:_:observations:actions:toward:weight:)``).
    func gradientStep(_ batch: ReplayBuffer.Batch, losses: inout LossAverages) throws {
        let c = configuration
        let updatesActor = loop.gradientStepsDone % c.policyFrequency == 0
        let noise = Tensor.randomNormal([c.batchSize, actor.actionSize], generator: &updateGenerator)
        let nextNoise = Tensor.randomNormal([c.batchSize, actor.actionSize], generator: &updateGenerator)
        var policyActions = Tensor(0), logProbability = Tensor(0), nextActions = Tensor(0), nextLogProbability = Tensor(0)
        KernelThreads.concurrently({
            (policyActions, logProbability) = actor.sample(batch.observations, noise: noise)
        }, {
            (nextActions, nextLogProbability) = withoutGradients { actor.sample(batch.nextObservations, noise: nextNoise) }
        })

        if c.autoEntropy && updatesActor {  // 1. α
            let entropyLoss = -(logEntropyCoefficient.value * (logProbability.detached() + targetEntropy)).mean()
            entropyOptimizer.zeroGradients()
            entropyLoss.backward()
            entropyOptimizer.step()
        }
        let alpha = entropyCoefficient

        let target = withoutGradients {  // 2. critics
            let nextQ = ContinuousQNetwork.minimum(target1, target2, batch.nextObservations, nextActions)
            return batch.rewards + (1 - batch.terminated) * (nextQ - nextLogProbability * alpha) * c.gamma
        }
        criticOptimizer.zeroGradients()
        let (criticLoss, meanQ) = ContinuousQNetwork.regress(critic1, critic2, observations: batch.observations, actions: batch.actions,
                                                             toward: target, weight: 0.5)
        try requireFinite([criticLoss], "critic loss", step: loop.globalStep)
        criticOptimizer.step()

        if updatesActor {  // 3. actor
            let policyQ = ContinuousQNetwork.minimum(critic1, critic2, batch.observations, policyActions, frozen: true)
            let actorLoss = (logProbability * alpha - policyQ).mean()
            try requireFinite([actorLoss.item, alpha], "actor loss", step: loop.globalStep)
            actorOptimizer.zeroGradients()
            actorLoss.backward()
            actorOptimizer.step()
            losses.add("actor", actorLoss.item)
            losses.add("entropy", -logProbability.mean().item)
        }
        target1.polyakAverage(toward: critic1, tau: c.tau)  // 4. targets
        target2.polyakAverage(toward: critic2, tau: c.tau)
        losses.add("critic", criticLoss)
        losses.add("q", meanQ)
    }

    func describe(_ metrics: inout OffPolicyMetrics, losses: LossAverages) {
        metrics.entropyCoefficient = Double(entropyCoefficient)
        metrics.entropy = losses.mean("entropy")
        metrics.learningRate = Double(configuration.learningRate)
    }

    private var modules: [(Module, String)] {
        [(actor, "actor."), (critic1, "critic1."), (critic2, "critic2."), (target1, "target1."), (target2, "target2.")]
    }

    func saveLearner(into writer: inout CheckpointWriter) {
        for (module, prefix) in modules { writer.add(module, prefix: prefix) }
        writer.add(tensors: ["log_alpha": logEntropyCoefficient.value.detached()], metadata: [:])
        writer.add(actorOptimizer, prefix: "actor_optimizer.")
        writer.add(criticOptimizer, prefix: "critic_optimizer.")
        writer.add(entropyOptimizer, prefix: "alpha_optimizer.")
        writer.set("rng_actions", actionGenerator)
        writer.set("rng_updates", updateGenerator)
        if let pinkNoise { writer.set("pink_noise", pinkNoise) }
    }

    func loadLearner(from reader: CheckpointReader) throws {
        for (module, prefix) in modules { try reader.load(module, prefix: prefix) }
        guard let alpha = reader.file.tensors["log_alpha"], alpha.shape == [1], alpha.isFinite else {
            throw RLError.invalidRunDirectory("checkpoint tensor 'log_alpha' is missing, not one value, or not finite")
        }
        logEntropyCoefficient.assign(alpha)
        try reader.load(actorOptimizer, prefix: "actor_optimizer.")
        try reader.load(criticOptimizer, prefix: "critic_optimizer.")
        try reader.load(entropyOptimizer, prefix: "alpha_optimizer.")
        actionGenerator = try reader.generator("rng_actions")
        updateGenerator = try reader.generator("rng_updates")
        if let pinkNoise {
            let saved = try reader.field("pink_noise", as: PinkNoise.self)
            guard saved.streams == pinkNoise.streams, saved.octaves == pinkNoise.octaves else {
                throw RLError.invalidRunDirectory("checkpoint 'pink_noise' has \(saved.streams) streams of \(saved.octaves) octaves; the run needs \(pinkNoise.streams) of \(pinkNoise.octaves)")
            }
            self.pinkNoise = saved
        }
    }
}
