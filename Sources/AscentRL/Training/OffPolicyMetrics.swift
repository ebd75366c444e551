/// What SAC, TD3 and DQN report every `logInterval` environment steps (one row of
/// `metrics.csv`). Quantities an algorithm does not have are NaN (TD3 has no entropy
/// coefficient, DQN no actor loss).
public struct OffPolicyMetrics: TrainingMetrics, Equatable {
    public var globalStep = 0
    public var wallSeconds = 0.0
    public var stepsPerSecond = 0.0
    /// Mean return and length of the episodes that finished since the previous row (NaN if none).
    public var episodeReturn = Double.nan
    public var episodeLength = Double.nan
    public var episodesFinished = 0
    /// Gradient steps so far.
    public var gradientSteps = 0
    /// Mean critic (Q) loss over this row's gradient steps.
    public var criticLoss = Double.nan
    /// Mean actor loss over this row's actor updates.
    public var actorLoss = Double.nan
    /// Mean Q estimate of the sampled (state, action) pairs: a rising, diverging value flags overestimation.
    public var qMean = Double.nan
    /// SAC's entropy coefficient α.
    public var entropyCoefficient = Double.nan
    /// SAC's policy entropy estimate −E[log π(a|s)].
    public var entropy = Double.nan
    /// DQN's exploration rate ε.
    public var explorationRate = Double.nan
    public var learningRate = Double.nan

    public init() {}

    public static let columns = ["global_step", "wall_seconds", "steps_per_second", "episode_return", "episode_length",
                                 "episodes_finished", "gradient_steps", "critic_loss", "actor_loss", "q_mean",
                                 "entropy_coefficient", "entropy", "exploration_rate", "learning_rate"]

    public var values: [Double] {
        [Double(globalStep), wallSeconds, stepsPerSecond, episodeReturn, episodeLength, Double(episodesFinished),
         Double(gradientSteps), criticLoss, actorLoss, qMean, entropyCoefficient, entropy, explorationRate, learningRate]
    }
}

/// Running means of one metrics row's losses.
struct LossAverages {
    private var sums: [String: (total: Double, count: Int)] = [:]

    mutating func add(_ name: String, _ value: Float) {
        let current = sums[name] ?? (0, 0)
        sums[name] = (current.total + Double(value), current.count + 1)
    }

    /// The mean of `name` since the last reset (NaN if never added).
    func mean(_ name: String) -> Double {
        guard let entry = sums[name], entry.count > 0 else { return .nan }
        return entry.total / Double(entry.count)
    }

    mutating func reset() { sums = [:] }
}
