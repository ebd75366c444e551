import AscentEnvironments
import AscentTensor

/// Every REINFORCE hyperparameter, documented where declared.
public struct REINFORCEConfiguration: AlgorithmConfiguration {
    public var environment = "CartPole-v1"
    public var environmentOptions: [String: Double] = [:]
    public var seed: UInt64 = 1
    public var totalSteps = 300_000
    public var randomization: RandomizationSettings? = nil
    /// Complete episodes per update (run side by side, one environment copy each).
    public var episodesPerUpdate = 8
    /// Adam step size for the policy (and the baseline).
    public var learningRate: Float = 1e-3
    /// Discount factor γ of the reward-to-go G_t = Σ_{k≥t} γ^{k−t} r_k.
    public var gamma: Float = 0.99
    /// Subtract a learned state-value baseline V(s) from G_t (variance reduction, no bias).
    public var baseline = true
    /// Weight of the baseline's squared error in the loss.
    public var valueCoefficient: Float = 0.5
    /// Normalise the advantages (G_t or G_t − V(s)) over each update.
    public var normalizeAdvantages = true
    public var entropyCoefficient: Float = 0
    /// Global gradient-norm clip; nil for none.
    public var maxGradientNorm: Float? = nil
    /// Hidden layer sizes of the policy and of the baseline.
    public var hiddenSizes = [64, 64]
    public var activation: Activation = .tanh
    /// Initial log standard deviation of Gaussian policies.
    public var initialLogStd: Float = 0
    /// Environment steps per metrics row (updates in between are averaged).
    public var logInterval = 2_000

    public init() {}

    public func validate() throws {
        try SizeLimits.require(totalSteps, in: SizeLimits.totalSteps, "totalSteps")
        try require(episodesPerUpdate > 0, "episodesPerUpdate", episodesPerUpdate, "must be positive")
        try requireNetwork(hiddenSizes, learningRates: [("learningRate", learningRate)])
        try require(gamma.isFinite && gamma >= 0 && gamma <= 1, "gamma", gamma, "must lie in [0, 1]")
        try require(valueCoefficient.isFinite && valueCoefficient >= 0, "valueCoefficient", valueCoefficient, "must be non-negative")
        try require(entropyCoefficient.isFinite, "entropyCoefficient", entropyCoefficient, "must be a finite number")
        if let maxGradientNorm { try require(maxGradientNorm.isFinite && maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "must be positive (or omitted)") }
        try require(initialLogStd.isFinite && ActorCritic.logStdRange.contains(initialLogStd), "initialLogStd", initialLogStd,
                    "must lie in \(ActorCritic.logStdRange)")
        try require(logInterval > 0, "logInterval", logInterval, "must be positive")
    }

    public static let presetNames = ["CartPole-v1"]

    public static func preset(_ name: String) throws -> REINFORCEConfiguration {
        guard name == "CartPole-v1" else {
            throw RLError.invalidHyperparameter(name: "preset", value: name, expected: "one of \(presetNames.joined(separator: ", "))")
        }
        return REINFORCEConfiguration()  // the defaults are tuned for CartPole
    }
}
