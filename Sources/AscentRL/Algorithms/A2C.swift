import AscentEnvironments
import AscentTensor
import Dispatch
import Foundation

/// Advantage Actor-Critic (Mnih et al. 2016, synchronous form), as Stable-Baselines3 runs it:
/// collect `rolloutSteps` steps from every environment, compute n-step (or GAE) advantages,
/// and take one gradient step on
///
///     −E[A · log π(a|s)] − c_H · H[π] + c_V · E[(V(s) − R)²]
///
/// with the gradient norm clipped. The rollout collection is PPO's (``OnPolicyCollector``).
public final class A2C: PolicyGradientRun {
    public static var algorithm: String { "a2c" }
    public static var summary: String { "Advantage Actor-Critic, synchronous (discrete or continuous actions)." }
    public internal(set) var configuration: A2CConfiguration
    public let model: ActorCritic
    let optimizer: any Optimizer
    let collector: OnPolicyCollector
    var progress: PolicyGradientProgress
    private let parameters: [Parameter]

    public init(_ configuration: A2CConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration
        collector = try OnPolicyCollector(environment: c.environment, options: c.environmentOptions, randomization: c.randomization,
                                          count: c.environments, vectorMode: c.vectorMode, normalizeObservations: c.normalizeObservations,
                                          normalizeRewards: c.normalizeRewards, gamma: c.gamma, rolloutSteps: c.rolloutSteps, seed: c.seed)
        var generator = RandomGenerator(seed: c.seed, stream: "a2c-init")
        model = ActorCritic(observationSize: collector.observationSize, head: try ActionHead(collector.environment.actionSpace),
                            hiddenSizes: c.hiddenSizes, activation: c.activation, initialLogStd: c.initialLogStd, generator: &generator)
        optimizer = c.optimizer == "adam"
            ? Adam(model.namedParameters(), learningRate: c.learningRate, epsilon: c.epsilon)
            : RMSprop(model.namedParameters(), learningRate: c.learningRate, alpha: c.rmspropAlpha, epsilon: c.epsilon)
        parameters = model.parameters
        progress = PolicyGradientProgress(actionGenerator: RandomGenerator(seed: c.seed, stream: "a2c-actions"))
    }

    public var updatesDone: Int { progress.updatesDone }

    public func train(untilStep: Int? = nil, callback: (PolicyGradientMetrics) throws -> Bool = { _ in true }) throws {
        let c = configuration, target = untilStep ?? c.totalSteps
        progress.startRow()
        while progress.globalStep < target {
            let start = DispatchTime.now().uptimeNanoseconds
            let fraction = Swift.min(1, Float(progress.globalStep) / Float(c.totalSteps))
            optimizer.learningRate = c.annealLearningRate ? c.learningRate * (1 - fraction) : c.learningRate
            // Separate copies: two inout accesses to `progress` at once would overlap.
            var (generator, step) = (progress.actionGenerator, progress.globalStep)
            let episodes = try collector.collect(model: model, generator: &generator, gamma: c.gamma, lambda: c.gaeLambda, globalStep: &step)
            (progress.actionGenerator, progress.globalStep) = (generator, step)
            progress.episodes.append(contentsOf: episodes)
            try update()
            progress.trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let metrics = progress.finishRow(logInterval: c.logInterval, target: target, learningRate: optimizer.learningRate, model: model) {
                guard try callback(metrics) else { break }
            }
        }
    }

    private func update() throws {
        let c = configuration, buffer = collector.buffer
        let observations = Tensor(shape: [buffer.capacity, buffer.observationSize], buffer.observations)
        let actions = Tensor(shape: [buffer.capacity, buffer.actionSize], buffer.actions)
        var advantages = buffer.advantages
        if c.normalizeAdvantages { advantages = standardized(advantages) }
        let (logProbability, entropy) = model.evaluate(observations, actions: actions)
        let policyLoss = -(Tensor(advantages) * logProbability).mean()
        let valueLoss = model.value(observations).meanSquaredError(Tensor(buffer.returns))
        let loss = policyLoss - entropy * c.entropyCoefficient + valueLoss * c.valueCoefficient
        optimizer.zeroGradients()
        loss.backward()
        try requireFinite([loss.item], "loss", step: globalStep)
        let norm = clipGradientNorm(parameters, maxNorm: c.maxGradientNorm)
        optimizer.step()
        progress.add(policyLoss: policyLoss.item, valueLoss: valueLoss.item, entropy: entropy.item, gradientNorm: norm,
                explainedVariance: PPO.explainedVariance(predicted: buffer.values, targets: buffer.returns))
    }

    func policyInput(_ observation: [Float]) -> [Float] { collector.environment.normalize(observation) }
    var observationNormalization: (mean: [Double], scale: [Double], clip: Double)? { collector.environment.observationNormalization }

    func saveExtra(into writer: inout CheckpointWriter) { collector.save(into: &writer) }

    /// Normaliser statistics and the environments' episodes in progress.
    func restoreExtra(from reader: CheckpointReader) throws {
        try collector.restore(from: reader, freshEpisodeSeed: configuration.seed &+ UInt64(updatesDone) &* 1_000_003)
    }
}

/// (x − mean) / (std + 1e-8), with the unbiased std as PyTorch's: advantage normalisation.
public func standardized(_ values: [Float]) -> [Float] {
    guard values.count > 1 else { return values }
    let mean = values.reduce(0, +) / Float(values.count)
    let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count - 1)).squareRoot()
    return values.map { ($0 - mean) / (std + 1e-8) }
}
