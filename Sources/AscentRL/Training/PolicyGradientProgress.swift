import AscentEnvironments
import AscentTensor

/// What A2C and REINFORCE count and log: steps, updates, training time, the metrics rows
/// (each averaging the updates of `logInterval` environment steps) and the action stream,
/// with their checkpoint coding.
struct PolicyGradientProgress {
    var globalStep = 0
    var updatesDone = 0
    var history: [PolicyGradientMetrics] = []
    var trainingSeconds = 0.0
    var actionGenerator: RandomGenerator
    /// Episodes that finished since the last row.
    var episodes = FinishedEpisodes()
    /// The episodes of the last finished row.
    private(set) var lastRowEpisodes = FinishedEpisodes()
    private var rowStart = (step: 0, seconds: 0.0)
    private var sums = (policy: 0.0, value: 0.0, entropy: 0.0, norm: 0.0, explained: 0.0, updates: 0)

    init(actionGenerator: RandomGenerator) { self.actionGenerator = actionGenerator }

    /// Records one update's losses (`valueLoss` nil without a critic).
    mutating func add(policyLoss: Float, valueLoss: Float?, entropy: Float, gradientNorm: Float, explainedVariance: Double) {
        updatesDone += 1
        sums.policy += Double(policyLoss)
        sums.value += valueLoss.map(Double.init) ?? .nan
        sums.entropy += Double(entropy)
        sums.norm += Double(gradientNorm)
        sums.explained += explainedVariance
        sums.updates += 1
    }

    /// Closes the current row if `logInterval` steps have passed (or training reached `target`):
    /// appends it to the history and returns it.
    mutating func finishRow(logInterval: Int, target: Int, learningRate: Float, model: ActorCritic) -> PolicyGradientMetrics? {
        guard globalStep - rowStart.step >= logInterval || globalStep >= target else { return nil }
        var m = PolicyGradientMetrics()
        let n = Double(Swift.max(sums.updates, 1))
        m.update = updatesDone
        m.globalStep = globalStep
        m.wallSeconds = trainingSeconds
        m.stepsPerSecond = Double(globalStep - rowStart.step) / Swift.max(trainingSeconds - rowStart.seconds, 1e-9)
        m.episodeReturn = episodes.meanReturn
        m.episodeLength = episodes.meanLength
        m.episodesFinished = episodes.count
        (m.policyLoss, m.valueLoss, m.entropy) = (sums.policy / n, sums.value / n, sums.entropy / n)
        (m.gradientNorm, m.explainedVariance) = (sums.norm / n, sums.explained / n)
        m.learningRate = Double(learningRate)
        if model.logStd != nil { m.actionStd = Double(model.clampedLogStd.exp().mean().item) }
        history.append(m)
        lastRowEpisodes = episodes
        startRow()
        return m
    }

    /// Starts a fresh row at the current step (also when a training call begins).
    mutating func startRow() {
        rowStart = (globalStep, trainingSeconds)
        sums = (0, 0, 0, 0, 0, 0)
        episodes = FinishedEpisodes()
    }

    func save(into writer: inout CheckpointWriter) {
        writer.set("global_step", globalStep)
        writer.set("updates_done", updatesDone)
        writer.set("rng_actions", actionGenerator)
        writer.set("history", history)
    }

    mutating func restore(from reader: CheckpointReader) throws {
        globalStep = try reader.integer("global_step")
        updatesDone = try reader.integer("updates_done")
        actionGenerator = try reader.generator("rng_actions")
        history = try reader.field("history")
        trainingSeconds = history.last?.wallSeconds ?? 0
    }
}

/// What A2C and REINFORCE share beyond their update: an actor-critic model, an optimiser and
/// ``PolicyGradientProgress``; the extension supplies the rest of ``TrainingRun``
/// (evaluation, checkpoints, extending training).
protocol PolicyGradientRun: ConfigurableRun where Metrics == PolicyGradientMetrics {
    var configuration: Configuration { get set }
    var model: ActorCritic { get }
    var optimizer: any Optimizer { get }
    var progress: PolicyGradientProgress { get set }
    /// An observation as the policy sees it (A2C normalises; REINFORCE does not).
    func policyInput(_ observation: [Float]) -> [Float]
    /// The map `policyInput` applies, for exports (nil: none).
    var observationNormalization: (mean: [Double], scale: [Double], clip: Double)? { get }
    /// Algorithm-specific checkpoint contents (A2C's normalisation statistics).
    func saveExtra(into writer: inout CheckpointWriter)
    func restoreExtra(from reader: CheckpointReader) throws
}

extension PolicyGradientRun {
    public var environmentID: String { configuration.environment }
    public var totalSteps: Int { configuration.totalSteps }
    public var configurationJSON: String { configuration.prettyJSON }
    public var globalStep: Int { progress.globalStep }
    public var history: [PolicyGradientMetrics] { progress.history }
    public var lastRowEpisodes: FinishedEpisodes { progress.lastRowEpisodes }

    public func extendTraining(to totalSteps: Int) throws {
        try configuration.extend(to: totalSteps, after: globalStep)
    }

    public func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float] {
        try model.act(Tensor(shape: [1, observation.count], policyInput(observation)), deterministic: deterministic, generator: &generator).environment
    }

    public func exportedPolicy() throws -> ExportedPolicy { model.exportedPolicy(normalization: observationNormalization) }

    private static var checkpointFormat: String { "ascent-\(algorithm)-checkpoint" }

    public func checkpoint() -> SafeTensors {
        var writer = CheckpointWriter(format: Self.checkpointFormat, environment: configuration.environment)
        writer.set("configuration", configuration)
        writer.add(model, prefix: "model.")
        writer.add(optimizer, prefix: "optimizer.")
        progress.save(into: &writer)
        saveExtra(into: &writer)
        return writer.file
    }

    public static func restore(from file: SafeTensors) throws -> Self {
        let reader = try CheckpointReader(file, format: checkpointFormat, what: algorithm.uppercased())
        let run = try Self(try reader.configuration(Configuration.self))
        try reader.load(run.model, prefix: "model.")
        try reader.load(run.optimizer, prefix: "optimizer.")
        try run.progress.restore(from: reader)
        try run.restoreExtra(from: reader)
        return run
    }
}
