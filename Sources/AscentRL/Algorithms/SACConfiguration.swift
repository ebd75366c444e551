import AscentEnvironments

/// Every SAC hyperparameter, documented where declared. Defaults are Stable-Baselines3's
/// (Haarnoja et al. 2018's settings): 256-256 ReLU networks, batch 256, one gradient step
/// per environment step, τ 0.005, automatic entropy tuning toward −|A|.
public struct SACConfiguration: OffPolicyConfiguration {
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
    /// Polyak rate of the target critics: θ′ ← (1 − τ) θ′ + τ θ after every gradient step.
    public var tau: Float = 0.005
    /// Adam step size for the actor, the critics and the entropy coefficient.
    public var learningRate: Float = 3e-4
    /// Hidden layer sizes of the actor and of each critic.
    public var hiddenSizes = [256, 256]
    /// Tune α by gradient descent on −log α · (log π + target entropy) (Haarnoja et al. 2018b).
    public var autoEntropy = true
    /// α at the start (automatic tuning) or throughout (fixed).
    public var initialEntropyCoefficient: Float = 1
    /// The entropy the tuning aims for; nil means −(number of action dimensions).
    public var targetEntropy: Float? = nil
    /// Update the actor (and α) every this many critic updates (CleanRL uses 2; SB3 1).
    public var policyFrequency = 1
    /// The standard-normal noise of exploration samples: `white` (independent per step) or
    /// `pink` (1/f-correlated over time; explores sparse-reward tasks such as MountainCar).
    public var explorationNoise = "white"

    public init() {}

    public func validate() throws {
        try validateReplaySettings()
        try requireTau(tau)
        try requireNetwork(hiddenSizes, learningRates: [("learningRate", learningRate)])
        try require(initialEntropyCoefficient.isFinite && initialEntropyCoefficient > 0, "initialEntropyCoefficient",
                    initialEntropyCoefficient, "must be positive")
        if let targetEntropy { try require(targetEntropy.isFinite, "targetEntropy", targetEntropy, "must be a finite number (or omitted)") }
        try require(policyFrequency > 0, "policyFrequency", policyFrequency, "must be positive")
        try require(["white", "pink"].contains(explorationNoise), "explorationNoise", explorationNoise, "must be white or pink")
    }

    public static let presetNames = ["Pendulum-v1", "MountainCarContinuous-v0"] + mujocoLocomotion

    public static func preset(_ name: String) throws -> SACConfiguration {
        var c = SACConfiguration()
        c.environment = name
        switch name {
        case "Pendulum-v1":
            // RL Zoo: 20k steps, learning rate 1e-3, otherwise SB3's defaults.
            c.totalSteps = 20_000
            c.learningRate = 1e-3
        case "MountainCarContinuous-v0":
            // RL Zoo's recipe (buffer 50k, batch 512, α 0.1 fixed, 32 updates every 32 steps, γ 0.9999,
            // τ 0.01, 64-64 networks) with pink exploration noise in place of its gSDE; see docs/algorithms.md.
            c.explorationNoise = "pink"
            c.totalSteps = 50_000
            c.bufferSize = 50_000
            c.batchSize = 512
            c.autoEntropy = false
            c.initialEntropyCoefficient = 0.1
            c.trainFrequency = 32
            c.gradientSteps = 32
            c.gamma = 0.9999
            c.tau = 0.01
            c.learningStarts = 0
            c.hiddenSizes = [64, 64]
        case _ where mujocoLocomotion.contains(name):
            // RL Zoo's MuJoCo SAC (hyperparams/sac.yml): SB3's defaults with 10k random steps first; 1M steps.
            c.learningStarts = 10_000
        default:
            throw RLError.invalidHyperparameter(name: "preset", value: name, expected: "one of \(presetNames.joined(separator: ", "))")
        }
        return c
    }
}
