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
public final class A2C: ConfigurableRun {
    public static var algorithm: String { "a2c" }
    public private(set) var configuration: A2CConfiguration
    public let model: ActorCritic
    let optimizer: any Optimizer
    let collector: OnPolicyCollector
    public private(set) var globalStep = 0
    public private(set) var updatesDone = 0
    public private(set) var history: [PolicyGradientMetrics] = []
    var actionGenerator: RandomGenerator
    private var trainingSeconds = 0.0
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
        actionGenerator = RandomGenerator(seed: c.seed, stream: "a2c-actions")
    }

    public var environmentID: String { configuration.environment }
    public var totalSteps: Int { configuration.totalSteps }
    public var configurationJSON: String { configuration.prettyJSON }

    public func train(untilStep: Int? = nil, callback: (PolicyGradientMetrics) throws -> Bool = { _ in true }) throws {
        let c = configuration, target = untilStep ?? c.totalSteps
        var row = MetricsRow(startStep: globalStep, startSeconds: trainingSeconds)
        while globalStep < target {
            let start = DispatchTime.now().uptimeNanoseconds
            let progress = Swift.min(1, Float(globalStep) / Float(c.totalSteps))
            optimizer.learningRate = c.annealLearningRate ? c.learningRate * (1 - progress) : c.learningRate
            row.episodes.append(contentsOf: try collector.collect(model: model, generator: &actionGenerator, gamma: c.gamma,
                                                                 lambda: c.gaeLambda, globalStep: &globalStep))
            try update(&row)
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if globalStep - row.startStep >= c.logInterval || globalStep >= target {
                var metrics = row.metrics(update: updatesDone, globalStep: globalStep, seconds: trainingSeconds)
                metrics.learningRate = Double(optimizer.learningRate)
                if model.logStd != nil { metrics.actionStd = Double(model.clampedLogStd.exp().mean().item) }
                history.append(metrics)
                row = MetricsRow(startStep: globalStep, startSeconds: trainingSeconds)
                guard try callback(metrics) else { break }
            }
        }
    }

    private func update(_ row: inout MetricsRow) throws {
        let c = configuration, buffer = collector.buffer
        let observations = Tensor(shape: [buffer.capacity, buffer.observationSize], buffer.observations)
        let actions = Tensor(shape: [buffer.capacity, buffer.actionSize], buffer.actions)
        var advantages = buffer.advantages
        if c.normalizeAdvantages { advantages = normalized(advantages) }
        let (logProbability, entropy) = model.evaluate(observations, actions: actions)
        let policyLoss = -(Tensor(advantages) * logProbability).mean()
        let valueLoss = (model.value(observations) - Tensor(buffer.returns)).pow(2).mean()
        let loss = policyLoss - entropy * c.entropyCoefficient + valueLoss * c.valueCoefficient
        optimizer.zeroGradients()
        loss.backward()
        try requireFinite([loss.item], "loss", step: globalStep)
        let norm = clipGradientNorm(parameters, maxNorm: c.maxGradientNorm)
        optimizer.step()
        updatesDone += 1
        row.add(policyLoss: policyLoss.item, valueLoss: valueLoss.item, entropy: entropy.item, gradientNorm: norm,
                explainedVariance: PPO.explainedVariance(predicted: buffer.values, targets: buffer.returns))
    }

    public func extendTraining(to totalSteps: Int) throws {
        guard totalSteps > globalStep else {
            throw RLError.invalidHyperparameter(name: "totalSteps", value: "\(totalSteps)", expected: "must exceed the steps already taken (\(globalStep))")
        }
        configuration.totalSteps = totalSteps
    }

    public func evaluate(episodes: Int, deterministic: Bool = true, seed: UInt64? = nil, recordFrames: Bool = false,
                         physicalParameters: [String: Double] = [:]) throws -> (returns: [Double], frames: [RenderFrame]) {
        let seed = seed ?? defaultEvaluationSeed(trainingSeed: configuration.seed)
        var generator = RandomGenerator(seed: seed, stream: "a2c-evaluation")
        return try evaluatePolicy(environment: configuration.environment, options: configuration.environmentOptions,
                                  physicalParameters: physicalParameters, episodes: episodes, seed: seed, recordFrames: recordFrames) {
            let input = Tensor(shape: [1, $0.count], collector.environment.normalize($0))
            return try model.act(input, deterministic: deterministic, generator: &generator).environment
        }
    }

    static let checkpointFormat = "ascent-a2c-checkpoint"

    public func checkpoint() -> SafeTensors {
        var writer = CheckpointWriter(format: Self.checkpointFormat)
        writer.set("configuration", configuration)
        writer.add(model, prefix: "model.")
        writer.add(optimizer, prefix: "optimizer.")
        writer.set("global_step", globalStep)
        writer.set("updates_done", updatesDone)
        writer.set("rng_actions", actionGenerator)
        collector.save(into: &writer)
        writer.set("history", history)
        return writer.file
    }

    public static func restore(from file: SafeTensors) throws -> A2C {
        let reader = try CheckpointReader(file, format: checkpointFormat, what: "A2C")
        let run = try A2C(try reader.configuration(A2CConfiguration.self))
        try reader.load(run.model, prefix: "model.")
        try reader.load(run.optimizer, prefix: "optimizer.")
        run.globalStep = try reader.integer("global_step")
        run.updatesDone = try reader.integer("updates_done")
        run.actionGenerator = try reader.generator("rng_actions")
        run.history = try reader.field("history")
        run.trainingSeconds = run.history.last?.wallSeconds ?? 0
        try run.collector.restore(from: reader)
        try run.collector.restartEpisodes(seed: run.configuration.seed &+ UInt64(run.updatesDone) &* 1_000_003)
        return run
    }
}

/// Averages over the updates of one metrics row (A2C and REINFORCE).
struct MetricsRow {
    let startStep: Int
    let startSeconds: Double
    var episodes = FinishedEpisodes()
    private var sums = (policy: 0.0, value: 0.0, entropy: 0.0, norm: 0.0, explained: 0.0, updates: 0)

    init(startStep: Int, startSeconds: Double) {
        self.startStep = startStep
        self.startSeconds = startSeconds
    }

    mutating func add(policyLoss: Float, valueLoss: Float?, entropy: Float, gradientNorm: Float, explainedVariance: Double) {
        sums.policy += Double(policyLoss)
        sums.value += valueLoss.map(Double.init) ?? .nan
        sums.entropy += Double(entropy)
        sums.norm += Double(gradientNorm)
        sums.explained += explainedVariance
        sums.updates += 1
    }

    func metrics(update: Int, globalStep: Int, seconds: Double) -> PolicyGradientMetrics {
        var m = PolicyGradientMetrics()
        let n = Double(Swift.max(sums.updates, 1))
        m.update = update
        m.globalStep = globalStep
        m.wallSeconds = seconds
        m.stepsPerSecond = Double(globalStep - startStep) / Swift.max(seconds - startSeconds, 1e-9)
        m.episodeReturn = episodes.meanReturn
        m.episodeLength = episodes.meanLength
        m.episodesFinished = episodes.count
        m.policyLoss = sums.policy / n
        m.valueLoss = sums.value / n
        m.entropy = sums.entropy / n
        m.gradientNorm = sums.norm / n
        m.explainedVariance = sums.explained / n
        return m
    }
}

/// (x − mean) / (std + 1e-8), with the unbiased std as PyTorch's.
func normalized(_ values: [Float]) -> [Float] {
    guard values.count > 1 else { return values }
    let mean = values.reduce(0, +) / Float(values.count)
    let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count - 1)).squareRoot()
    return values.map { ($0 - mean) / (std + 1e-8) }
}
