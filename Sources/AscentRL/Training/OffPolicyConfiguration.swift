import AscentEnvironments

/// The replay-and-update settings SAC, TD3 and DQN share (each declares and documents its
/// own values, as their defaults differ).
public protocol OffPolicyConfiguration: AlgorithmConfiguration {
    /// Parallel environment copies; each step adds one transition per copy.
    var environments: Int { get }
    /// Transitions the replay buffer holds; the oldest are overwritten.
    var bufferSize: Int { get }
    /// Transitions per gradient step.
    var batchSize: Int { get }
    /// Environment steps taken with uniformly random actions before learning begins.
    var learningStarts: Int { get }
    /// Run `gradientSteps` updates every this many environment steps (per copy).
    var trainFrequency: Int { get }
    /// Updates per training round; gradientSteps / trainFrequency is the update-to-data ratio.
    var gradientSteps: Int { get }
    /// Discount factor γ.
    var gamma: Float { get }
    /// Environment steps per metrics row (and per progress/checkpoint callback).
    var logInterval: Int { get }
    /// How the environment copies run: `auto` (the id's batched implementation if it has one,
    /// else one after another), `native`, `native-threaded`, `serial` or `threaded`.
    var vectorMode: String { get }
}

extension OffPolicyConfiguration {
    /// Checks the shared settings; each algorithm's `validate()` calls it first.
    func validateReplaySettings() throws {
        try SizeLimits.require(totalSteps, in: SizeLimits.totalSteps, "totalSteps")
        try SizeLimits.require(environments, in: SizeLimits.environments, "environments")
        try SizeLimits.require(bufferSize, in: SizeLimits.bufferSize, "bufferSize")
        try require(batchSize > 0 && batchSize <= bufferSize, "batchSize", batchSize, "must be positive and at most bufferSize (\(bufferSize))")
        try require(learningStarts >= 0, "learningStarts", learningStarts, "must be non-negative")
        try require(trainFrequency > 0, "trainFrequency", trainFrequency, "must be positive")
        try require(gradientSteps >= 0, "gradientSteps", gradientSteps, "must be non-negative")
        try require(gamma.isFinite && gamma >= 0 && gamma <= 1, "gamma", gamma, "must lie in [0, 1]")
        try require(logInterval > 0, "logInterval", logInterval, "must be positive")
        try require(VectorMode.names.contains(vectorMode), "vectorMode", vectorMode, "must be one of \(VectorMode.names.joined(separator: ", "))")
    }
}

/// The five MuJoCo locomotion tasks, which SAC and TD3 have presets for.
let mujocoLocomotion = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5"]

/// Checks a target-network averaging rate τ.
func requireTau(_ tau: Float) throws {
    try require(tau.isFinite && tau > 0 && tau <= 1, "tau", tau, "must lie in (0, 1] (1 is a hard copy)")
}

/// Checks hidden layer sizes and a learning rate.
func requireNetwork(_ hiddenSizes: [Int], learningRates: [(String, Float)]) throws {
    try SizeLimits.requireHiddenSizes(hiddenSizes, networks: 6)  // at most actor, two critics and their targets
    for (name, rate) in learningRates { try require(rate.isFinite && rate > 0, name, rate, "must be a positive number") }
}
