/// What one PPO update reports: the debugging signals of the PPO implementation details
/// (detail 12) plus progress. Written as one row of `metrics.csv` per update.
public struct PPOMetrics: Codable, Sendable, Equatable {
    public var update = 0
    /// Environment steps so far (all parallel environments together).
    public var globalStep = 0
    public var wallSeconds = 0.0
    public var stepsPerSecond = 0.0
    /// Mean return and length of the episodes that finished during this rollout (NaN if none did),
    /// in the environment's own reward units (before any reward normalisation).
    public var episodeReturn = Double.nan
    public var episodeLength = Double.nan
    public var episodesFinished = 0
    public var policyLoss = 0.0
    public var valueLoss = 0.0
    /// The minimised total, policy − c_ent · entropy + c_v · value loss (SB3's `train/loss`).
    public var loss = 0.0
    public var entropy = 0.0
    /// KL(π_old ‖ π_new) estimates over the minibatches: k1 = E[−log r], k3 = E[(r − 1) − log r].
    public var approxKL = 0.0
    public var approxKLk3 = 0.0
    /// Fraction of samples whose ratio left [1 − ε, 1 + ε].
    public var clipFraction = 0.0
    /// 1 − Var(returns − values) / Var(returns) over the rollout: 1 is perfect, ≤ 0 predicts nothing.
    public var explainedVariance = 0.0
    public var learningRate = 0.0
    public var clipRange = 0.0
    /// Global gradient norm before clipping, averaged over minibatches.
    public var gradientNorm = 0.0
    /// Epochs completed (fewer than configured when the target KL stopped the update).
    public var epochs = 0
    /// Mean policy standard deviation (Gaussian policies).
    public var actionStd = Double.nan

    public init() {}

    /// Column order of `metrics.csv`.
    public static let columns = ["update", "global_step", "wall_seconds", "steps_per_second", "episode_return", "episode_length",
                                 "episodes_finished", "policy_loss", "value_loss", "loss", "entropy", "approx_kl", "approx_kl_k3",
                                 "clip_fraction", "explained_variance", "learning_rate", "clip_range", "gradient_norm",
                                 "epochs", "action_std"]

    public var values: [Double] {
        [Double(update), Double(globalStep), wallSeconds, stepsPerSecond, episodeReturn, episodeLength, Double(episodesFinished),
         policyLoss, valueLoss, loss, entropy, approxKL, approxKLk3, clipFraction, explainedVariance, learningRate, clipRange,
         gradientNorm, Double(epochs), actionStd]
    }
}

extension PPOMetrics {
    /// Decodes a saved history row; rows saved before `loss` was logged decode it as NaN, so
    /// older checkpoints still load.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        update = try row.decode(Int.self, forKey: .update)
        globalStep = try row.decode(Int.self, forKey: .globalStep)
        wallSeconds = try row.decode(Double.self, forKey: .wallSeconds)
        stepsPerSecond = try row.decode(Double.self, forKey: .stepsPerSecond)
        episodeReturn = try row.decode(Double.self, forKey: .episodeReturn)
        episodeLength = try row.decode(Double.self, forKey: .episodeLength)
        episodesFinished = try row.decode(Int.self, forKey: .episodesFinished)
        policyLoss = try row.decode(Double.self, forKey: .policyLoss)
        valueLoss = try row.decode(Double.self, forKey: .valueLoss)
        loss = try row.decodeIfPresent(Double.self, forKey: .loss) ?? .nan
        entropy = try row.decode(Double.self, forKey: .entropy)
        approxKL = try row.decode(Double.self, forKey: .approxKL)
        approxKLk3 = try row.decode(Double.self, forKey: .approxKLk3)
        clipFraction = try row.decode(Double.self, forKey: .clipFraction)
        explainedVariance = try row.decode(Double.self, forKey: .explainedVariance)
        learningRate = try row.decode(Double.self, forKey: .learningRate)
        clipRange = try row.decode(Double.self, forKey: .clipRange)
        gradientNorm = try row.decode(Double.self, forKey: .gradientNorm)
        epochs = try row.decode(Int.self, forKey: .epochs)
        actionStd = try row.decode(Double.self, forKey: .actionStd)
    }
}
