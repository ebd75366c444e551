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
