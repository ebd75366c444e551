import AscentEnvironments

/// Every TD3 hyperparameter, documented where declared. Defaults are Stable-Baselines3's
/// (Fujimoto et al. 2018): 400-300 ReLU networks, batch 256, τ 0.005, actor and targets
/// updated every second critic update, target smoothing noise 0.2 clipped at 0.5, and
/// Gaussian exploration noise 0.1 (CleanRL's; SB3 has none unless asked).
public struct TD3Configuration: OffPolicyConfiguration {
    public var environment = "Pendulum-v1"
    public var environmentOptions: [String: Double] = [:]
    public var seed: UInt64 = 1
    public var totalSteps = 1_000_000
    public var randomization: RandomizationSettings? = nil
    public var environments = 1
    public var bufferSize = 1_000_000
    public var batchSize = 256
    public var learningStarts = 100
    public var trainFrequency = 1
    public var gradientSteps = 1
    public var gamma: Float = 0.99
    public var vectorMode = "auto"
    public var logInterval = 1_000
    /// Polyak rate of the target actor and critics.
    public var tau: Float = 0.005
    /// Adam step size for the actor and the critics.
    public var learningRate: Float = 1e-3
    /// Hidden layer sizes of the actor and of each critic.
    public var hiddenSizes = [400, 300]
    /// Update the actor and the targets every this many critic updates ("delayed" policy updates).
    public var policyDelay = 2
    /// Standard deviation of the Gaussian noise added to the target action (target-policy smoothing),
    /// in normalised action units ([−1, 1] spans the bounds).
    public var targetPolicyNoise: Float = 0.2
    /// The smoothing noise is clipped to ±this.
    public var targetNoiseClip: Float = 0.5
    /// Standard deviation of the Gaussian exploration noise on acting, in normalised action units.
    public var explorationNoise: Float = 0.1

    public init() {}

    public func validate() throws {
        try validateReplaySettings()
        try requireTau(tau)
        try requireNetwork(hiddenSizes, learningRates: [("learningRate", learningRate)])
        try require(policyDelay > 0, "policyDelay", policyDelay, "must be positive")
        try require(targetPolicyNoise.isFinite && targetPolicyNoise >= 0, "targetPolicyNoise", targetPolicyNoise, "must be non-negative")
        try require(targetNoiseClip.isFinite && targetNoiseClip >= 0, "targetNoiseClip", targetNoiseClip, "must be non-negative")
        try require(explorationNoise.isFinite && explorationNoise >= 0, "explorationNoise", explorationNoise, "must be non-negative")
    }

    public static let presetNames = ["Pendulum-v1"] + mujocoLocomotion

    public static func preset(_ name: String) throws -> TD3Configuration {
        var c = TD3Configuration()
        c.environment = name
        switch name {
        case "Pendulum-v1":
            // RL Zoo: γ 0.98, buffer 200k, 10k random steps first, exploration noise 0.1, 400-300.
            c.totalSteps = 20_000
            c.gamma = 0.98
            c.bufferSize = 200_000
            c.learningStarts = 10_000
        case _ where mujocoLocomotion.contains(name):
            // RL Zoo's MuJoCo TD3 (hyperparams/td3.yml): SB3's defaults, 10k random steps first,
            // Gaussian exploration noise 0.1; 1M steps.
            c.learningStarts = 10_000
        default:
            throw RLError.invalidHyperparameter(name: "preset", value: name, expected: "one of \(presetNames.joined(separator: ", "))")
        }
        return c
    }
}
