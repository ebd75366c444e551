import AscentEnvironments
import AscentTensor
import Dispatch
import Foundation

/// The state every off-policy run keeps besides its networks: the environments, the replay
/// buffer, the current observations, the random streams of the loop and the counters.
final class OffPolicyLoop {
    let environment: any VectorEnvironment
    var replay: ReplayBuffer
    let actionSpace: Space
    /// Normalised [−1, 1] actions ↔ the Box bounds (identity for Discrete).
    let scaling: ActionScaling
    private(set) var observations: [Float]
    var globalStep = 0
    var gradientStepsDone = 0
    var history: [OffPolicyMetrics] = []
    /// The episodes of the last metrics row.
    var lastRowEpisodes = FinishedEpisodes()
    var trainingSeconds = 0.0
    /// Uniform actions before learning starts (kept apart from the policy's noise stream).
    var randomActionGenerator: RandomGenerator
    /// Minibatch indices.
    var samplingGenerator: RandomGenerator
    private let seed: UInt64

    init<C: OffPolicyConfiguration>(_ c: C, name: String) throws {
        environment = try makeTrainingEnvironments(c.environment, options: c.environmentOptions, count: c.environments,
                                                   vectorMode: c.vectorMode, randomization: c.randomization, seed: c.seed)
        actionSpace = environment.actionSpace
        scaling = ActionScaling(actionSpace)
        replay = try ReplayBuffer(capacity: c.bufferSize, observationSize: environment.observationSize,
                                  actionSize: try ActionHead(actionSpace).actionSize)
        randomActionGenerator = RandomGenerator(seed: c.seed, stream: name + "-random-actions")
        samplingGenerator = RandomGenerator(seed: c.seed, stream: name + "-replay")
        seed = c.seed
        observations = try environment.reset(seed: c.seed)
    }

    var environmentCount: Int { environment.count }
    var observationSize: Int { environment.observationSize }

    /// Uniformly random actions for every environment: for Box spaces in the normalised
    /// [−1, 1] form SAC and TD3 store, for Discrete spaces as indices.
    func randomActions() -> [Float] {
        let n = environment.count
        switch actionSpace {
        case .discrete(let count, _):
            return (0..<n).map { _ in Float(randomActionGenerator.integer(below: count)) }
        default:
            return (0..<(n * environment.actionSize)).map { _ in randomActionGenerator.uniform(-1, 1) }
        }
    }

    /// Steps every environment, stores the transitions (with the true final observation of
    /// ended episodes) and returns the episodes that finished.
    func step(stored: [Float], environmentActions: [Float]) throws -> FinishedEpisodes {
        let step = try environment.step(environmentActions)
        globalStep += environment.count
        try requireFinite(step.observations, "observation", step: globalStep)
        try requireFinite(step.rewards.map { Float($0) }, "reward", step: globalStep)
        replay.add(observations: observations, actions: stored, step: step)
        observations = step.observations
        var finished = FinishedEpisodes()
        finished.record(step)
        return finished
    }

    /// Counters, streams, history and the replay buffer (empty unless `transitions`).
    func save(into writer: inout CheckpointWriter, transitions: Bool) {
        let (tensors, metadata) = replay.checkpoint(transitions: transitions)
        writer.add(tensors: tensors, metadata: metadata)
        writer.set("global_step", globalStep)
        writer.set("gradient_steps", gradientStepsDone)
        writer.set("rng_random_actions", randomActionGenerator)
        writer.set("rng_replay", samplingGenerator)
        writer.set("history", history)
        writer.addEnvironments(environment, observations: observations)
    }

    func restore(from reader: CheckpointReader) throws {
        let restored = try ReplayBuffer(checkpoint: reader.file.tensors, metadata: reader.file.metadata)
        guard restored.observationSize == replay.observationSize, restored.actionSize == replay.actionSize else {
            throw RLError.invalidRunDirectory("the replay buffer holds \(restored.observationSize)-value observations and \(restored.actionSize)-value actions; the environment has \(replay.observationSize) and \(replay.actionSize)")
        }
        replay = restored
        globalStep = try reader.integer("global_step")
        gradientStepsDone = try reader.integer("gradient_steps")
        randomActionGenerator = try reader.generator("rng_random_actions")
        samplingGenerator = try reader.generator("rng_replay")
        history = try reader.field("history")
        trainingSeconds = history.last?.wallSeconds ?? 0
        // The episodes in progress, or fresh ones where the environments cannot save their state.
        observations = try reader.restoreEnvironments(environment) ?? environment.reset(seed: seed &+ UInt64(globalStep) &* 1_000_003)
    }
}

/// What an off-policy algorithm supplies; the shared loop (``OffPolicyLearner/train(untilStep:callback:)``)
/// does the rest: random actions until `learningStarts`, then policy actions, replay, and
/// `gradientSteps` updates every `trainFrequency` steps.
protocol OffPolicyLearner: ConfigurableRun where Metrics == OffPolicyMetrics, Configuration: OffPolicyConfiguration {
    var configuration: Configuration { get set }
    var loop: OffPolicyLoop { get }
    /// The networks, optimisers and algorithm-specific state, for checkpoints.
    func saveLearner(into writer: inout CheckpointWriter)
    func loadLearner(from reader: CheckpointReader) throws
    /// Exploration actions for `loop.observations`: the stored form and what the environments receive.
    func exploratoryActions() throws -> (stored: [Float], environment: [Float])
    /// One update from a replay minibatch; adds its losses (`critic`, `actor`, `q`, ...) to `losses`.
    func gradientStep(_ batch: ReplayBuffer.Batch, losses: inout LossAverages) throws
    /// Runs after every environment step (DQN's target updates count environment steps).
    func afterEnvironmentStep()
    /// Adds the algorithm's own quantities (α, ε, learning rate) to a metrics row.
    func describe(_ metrics: inout OffPolicyMetrics, losses: LossAverages)
}

extension OffPolicyLearner {
    public var environmentID: String { configuration.environment }
    public var totalSteps: Int { configuration.totalSteps }
    public var globalStep: Int { loop.globalStep }
    public var history: [OffPolicyMetrics] { loop.history }
    public var lastRowEpisodes: FinishedEpisodes { loop.lastRowEpisodes }
    public var configurationJSON: String { configuration.prettyJSON }

    func afterEnvironmentStep() {}

    /// Trains until `configuration.totalSteps` (or `untilStep`); `callback` receives a metrics
    /// row every `logInterval` steps and returns false to stop.
    public func train(untilStep: Int? = nil, callback: (OffPolicyMetrics) throws -> Bool = { _ in true }) throws {
        try train(untilStep: untilStep, stopRequested: { false }, callback: callback)
    }

    /// ``train(untilStep:callback:)``, closing the row early (a shorter one) once `stopRequested`.
    public func train(untilStep: Int?, stopRequested: () -> Bool, callback: (OffPolicyMetrics) throws -> Bool) throws {
        let c = configuration
        let target = untilStep ?? c.totalSteps
        var losses = LossAverages(), episodes = FinishedEpisodes()
        var rowStart = (step: loop.globalStep, seconds: loop.trainingSeconds)
        while loop.globalStep < target {
            let start = DispatchTime.now().uptimeNanoseconds
            let actions: (stored: [Float], environment: [Float])
            do {
                actions = loop.globalStep < c.learningStarts ? randomActionPair() : try exploratoryActions()
            } catch RLError.nonFinitePolicy {  // diverged during training: say when, as every NaN error does
                throw RLError.nonFinite(quantity: "the policy's output", step: loop.globalStep)
            }
            episodes.append(contentsOf: try loop.step(stored: actions.stored, environmentActions: actions.environment))
            let iteration = loop.globalStep / loop.environmentCount
            if loop.globalStep >= c.learningStarts && iteration % c.trainFrequency == 0 && loop.replay.count > 0 {
                for _ in 0..<c.gradientSteps {
                    try gradientStep(try loop.replay.sample(c.batchSize, generator: &loop.samplingGenerator), losses: &losses)
                    loop.gradientStepsDone += 1
                }
            }
            afterEnvironmentStep()
            loop.trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if loop.globalStep - rowStart.step >= c.logInterval || loop.globalStep >= target || stopRequested() {
                var metrics = OffPolicyMetrics()
                metrics.globalStep = loop.globalStep
                metrics.wallSeconds = loop.trainingSeconds
                metrics.stepsPerSecond = Double(loop.globalStep - rowStart.step) / Swift.max(loop.trainingSeconds - rowStart.seconds, 1e-9)
                metrics.episodeReturn = episodes.meanReturn
                metrics.episodeLength = episodes.meanLength
                metrics.episodesFinished = episodes.count
                metrics.gradientSteps = loop.gradientStepsDone
                metrics.criticLoss = losses.mean("critic")
                metrics.actorLoss = losses.mean("actor")
                metrics.qMean = losses.mean("q")
                describe(&metrics, losses: losses)
                loop.history.append(metrics)
                loop.lastRowEpisodes = episodes
                losses.reset()
                episodes = FinishedEpisodes()
                rowStart = (loop.globalStep, loop.trainingSeconds)
                guard try callback(metrics) else { break }
            }
        }
    }

    /// Uniform random actions in both forms (Box: stored in [−1, 1], scaled onto the bounds).
    private func randomActionPair() -> (stored: [Float], environment: [Float]) {
        let stored = loop.randomActions()
        return (stored, loop.scaling.environmentActions(stored))
    }

    public func extendTraining(to totalSteps: Int) throws {
        try configuration.extend(to: totalSteps, after: loop.globalStep)
    }

    private static var checkpointFormat: String { "ascent-\(algorithm)-checkpoint" }

    /// Networks, optimisers, replay buffer, random streams, counters and the environments'
    /// episodes in progress in one file: resuming continues all of them exactly.
    public func checkpoint() -> SafeTensors { checkpoint(transitions: true) }

    /// The checkpoint with an empty replay buffer: what evaluating the policy needs, a few MB
    /// instead of up to the buffer's size (for HalfCheetah's million transitions, 170 MB).
    /// Resuming from it continues with a fresh buffer.
    public func snapshot() -> SafeTensors { checkpoint(transitions: false) }

    private func checkpoint(transitions: Bool) -> SafeTensors {
        var writer = CheckpointWriter(format: Self.checkpointFormat, environment: configuration.environment)
        writer.set("configuration", configuration)
        saveLearner(into: &writer)
        loop.save(into: &writer, transitions: transitions)
        return writer.file
    }

    public static func restore(from file: SafeTensors) throws -> Self {
        let reader = try CheckpointReader(file, format: checkpointFormat, what: algorithm.uppercased())
        let run = try Self(try reader.configuration(Configuration.self))
        try run.loadLearner(from: reader)
        try run.loop.restore(from: reader)
        return run
    }
}

/// Maps between the normalised actions SAC and TD3 produce (tanh range [−1, 1]) and a Box
/// space's bounds; Discrete actions pass through.
struct ActionScaling {
    let low: [Float], high: [Float]

    init(_ space: Space) {
        if case .box(let box) = space { (low, high) = (box.low, box.high) } else { (low, high) = ([], []) }
    }

    /// a ∈ [−1, 1] → low + (a + 1) / 2 · (high − low), per dimension.
    func environmentActions(_ normalized: [Float]) -> [Float] {
        guard !low.isEmpty else { return normalized }
        return normalized.enumerated().map { i, a in
            let d = i % low.count
            return low[d] + (Swift.min(Swift.max(a, -1), 1) + 1) * 0.5 * (high[d] - low[d])
        }
    }
}
