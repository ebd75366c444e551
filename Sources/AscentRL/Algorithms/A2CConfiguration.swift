import AscentEnvironments
import AscentTensor

/// Every A2C hyperparameter, documented where declared. Defaults are Stable-Baselines3's
/// (Mnih et al. 2016, synchronous): 5-step rollouts, RMSprop (α 0.99, ε 1e-5), no GAE
/// (λ = 1), value coefficient 0.5, gradient-norm clip 0.5, separate 64-64 tanh networks.
public struct A2CConfiguration: AlgorithmConfiguration {
    public var environment = "CartPole-v1"
    public var environmentOptions: [String: Double] = [:]
    public var seed: UInt64 = 1
    public var totalSteps = 1_000_000
    public var randomization: RandomizationSettings? = nil
    /// Parallel environment copies stepped in lockstep.
    public var environments = 8
    /// Steps per environment per update (the n of n-step returns).
    public var rolloutSteps = 5
    /// Optimiser: `rmsprop` (the paper's and SB3's) or `adam`.
    public var optimizer = "rmsprop"
    public var learningRate: Float = 7e-4
    /// Decay linearly to 0 over training.
    public var annealLearningRate = false
    /// RMSprop's smoothing constant α and ε (PyTorch form: ε outside the square root).
    public var rmspropAlpha: Float = 0.99
    public var epsilon: Float = 1e-5
    /// Discount factor γ.
    public var gamma: Float = 0.99
    /// GAE λ; 1 gives plain n-step returns minus the baseline.
    public var gaeLambda: Float = 1
    /// Weights of the value loss and the entropy bonus.
    public var valueCoefficient: Float = 0.5
    public var entropyCoefficient: Float = 0
    /// Global gradient-norm clip.
    public var maxGradientNorm: Float = 0.5
    /// Normalise advantages over each rollout.
    public var normalizeAdvantages = false
    /// Running-statistics observation normalisation and return-scale reward normalisation.
    public var normalizeObservations = false
    public var normalizeRewards = false
    /// Hidden layer sizes of the actor and of the critic.
    public var hiddenSizes = [64, 64]
    public var activation: Activation = .tanh
    /// Initial log standard deviation of Gaussian policies.
    public var initialLogStd: Float = 0
    /// How the parallel environments run: auto (native where the id has it, else serial),
    /// native, native-threaded, serial or threaded.
    public var vectorMode = "auto"
    /// Environment steps per metrics row (updates in between are averaged).
    public var logInterval = 2_000

    public init() {}

    public func validate() throws {
        try SizeLimits.require(totalSteps, in: SizeLimits.totalSteps, "totalSteps")
        try SizeLimits.require(environments, in: SizeLimits.environments, "environments")
        try SizeLimits.require(rolloutSteps, in: SizeLimits.rolloutSteps, "rolloutSteps")
        try SizeLimits.require(environments * rolloutSteps, in: SizeLimits.rolloutSize, "environments × rolloutSteps")
        try require(["rmsprop", "adam"].contains(optimizer), "optimizer", optimizer, "must be rmsprop or adam")
        try requireNetwork(hiddenSizes, learningRates: [("learningRate", learningRate), ("epsilon", epsilon)])
        try require(rmspropAlpha.isFinite && rmspropAlpha >= 0 && rmspropAlpha < 1, "rmspropAlpha", rmspropAlpha, "must lie in [0, 1)")
        try require(gamma.isFinite && gamma >= 0 && gamma <= 1, "gamma", gamma, "must lie in [0, 1]")
        try require(gaeLambda.isFinite && gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", gaeLambda, "must lie in [0, 1]")
        try require(valueCoefficient.isFinite && valueCoefficient >= 0, "valueCoefficient", valueCoefficient, "must be non-negative")
        try require(entropyCoefficient.isFinite, "entropyCoefficient", entropyCoefficient, "must be a finite number")
        try require(maxGradientNorm.isFinite && maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "must be positive")
        try require(initialLogStd.isFinite && ActorCritic.logStdRange.contains(initialLogStd), "initialLogStd", initialLogStd,
                    "must lie in \(ActorCritic.logStdRange)")
        try require(logInterval > 0, "logInterval", logInterval, "must be positive")
        try require(VectorMode.names.contains(vectorMode), "vectorMode", vectorMode, "must be one of \(VectorMode.names.joined(separator: ", "))")
    }

    public static let presetNames = ["CartPole-v1", "Pendulum-v1"]

    public static func preset(_ name: String) throws -> A2CConfiguration {
        var c = A2CConfiguration()
        c.environment = name
        switch name {
        case "CartPole-v1":
            // RL Zoo: 8 environments, 500k steps, SB3 defaults otherwise.
            c.totalSteps = 500_000
        case "Pendulum-v1":
            // RL Zoo's A2C relies on gSDE here; without it, its settings (8 × 8 steps, γ 0.9) stay
            // near −1000 after 1M steps. Tuned here: 8 × 16 steps, γ and λ 0.95, normalised
            // observations, rewards and advantages, log-std −1, lr 7e-4 annealed, 2M steps.
            c.totalSteps = 2_000_000
            c.rolloutSteps = 16
            c.gaeLambda = 0.95
            c.gamma = 0.95
            c.annealLearningRate = true
            c.normalizeObservations = true
            c.normalizeRewards = true
            c.normalizeAdvantages = true
            c.initialLogStd = -1
        default:
            throw RLError.invalidHyperparameter(name: "preset", value: name, expected: "one of \(presetNames.joined(separator: ", "))")
        }
        return c
    }
}
