/// What A2C and REINFORCE report after every update (one row of `metrics.csv`).
public struct PolicyGradientMetrics: TrainingMetrics, Equatable {
    public var update = 0
    /// Environment steps so far (all parallel environments together).
    public var globalStep = 0
    public var wallSeconds = 0.0
    public var stepsPerSecond = 0.0
    /// Mean return and length of the episodes that finished during this update's data (NaN if none).
    public var episodeReturn = Double.nan
    public var episodeLength = Double.nan
    public var episodesFinished = 0
    /// −E[A · log π(a|s)].
    public var policyLoss = 0.0
    /// E[(V(s) − R)²] (NaN without a critic).
    public var valueLoss = Double.nan
    public var entropy = 0.0
    /// 1 − Var(R − V) / Var(R) (NaN without a critic).
    public var explainedVariance = Double.nan
    /// Global gradient norm before clipping.
    public var gradientNorm = 0.0
    public var learningRate = 0.0
    /// Mean policy standard deviation (Gaussian policies).
    public var actionStd = Double.nan

    public init() {}

    public static let columns = ["update", "global_step", "wall_seconds", "steps_per_second", "episode_return", "episode_length",
                                 "episodes_finished", "policy_loss", "value_loss", "entropy", "explained_variance",
                                 "gradient_norm", "learning_rate", "action_std"]

    public var values: [Double] {
        [Double(update), Double(globalStep), wallSeconds, stepsPerSecond, episodeReturn, episodeLength, Double(episodesFinished),
         policyLoss, valueLoss, entropy, explainedVariance, gradientNorm, learningRate, actionStd]
    }
}
