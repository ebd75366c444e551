import Foundation
import AscentEnvironments
import AscentTensor

/// Every PPO hyperparameter, documented where declared. Defaults are CleanRL's
/// `ppo_continuous_action.py` (the "37 implementation details" settings); presets tune
/// them per environment.
public struct PPOConfiguration: AlgorithmConfiguration {
    /// Gymnasium id of the environment.
    public var environment = "Pendulum-v1"
    /// Constructor options for the environment (e.g. `g` for Pendulum).
    public var environmentOptions: [String: Double] = [:]
    /// Seed for network initialisation, environments, action sampling and minibatch order.
    public var seed: UInt64 = 1
    /// Environment steps to train for (summed over all parallel environments).
    public var totalSteps = 1_000_000
    /// Parallel environment copies stepped in lockstep (core detail 1).
    public var environments = 1
    /// Steps per environment in each rollout; a rollout holds `environments × rolloutSteps` samples.
    public var rolloutSteps = 2048
    /// Samples per gradient step; must divide the rollout size.
    public var minibatchSize = 64
    /// Passes over each rollout (core detail 6).
    public var epochs = 10
    /// Adam step size; annealed linearly to 0 over training when `annealLearningRate` (core detail 4).
    public var learningRate: Float = 3e-4
    public var annealLearningRate = true
    /// Adam's ε (core detail 3: 1e-5, not PyTorch's default 1e-8).
    public var adamEpsilon: Float = 1e-5
    /// Discount factor γ.
    public var gamma: Float = 0.99
    /// GAE λ (core detail 5).
    public var gaeLambda: Float = 0.95
    /// Surrogate clipping ε (core detail 8); annealed to 0 with `annealClipRange`.
    public var clipRange: Float = 0.2
    public var annealClipRange = false
    /// Clip the value loss around the old values with the same ε (core detail 9; CleanRL on, SB3 off).
    public var clipValueLoss = true
    /// Weight of the value loss and of the entropy bonus in the one combined loss (core detail 10).
    public var valueCoefficient: Float = 0.5
    public var entropyCoefficient: Float = 0
    /// Global gradient-norm clip (core detail 11).
    public var maxGradientNorm: Float = 0.5
    /// Normalise advantages per minibatch (core detail 7).
    public var normalizeAdvantages = true
    /// Stop an update's epochs early once the approximate KL (k3) exceeds this; nil for never.
    public var targetKL: Float? = nil
    /// Running mean/std observation normalisation with clip ±10 (continuous details 6-7).
    public var normalizeObservations = true
    /// Scale rewards by the running std of the discounted return, clip ±10 (continuous details 8-9).
    public var normalizeRewards = true
    /// Hidden layer sizes of both the actor and the critic (detail 13: 64-64).
    public var hiddenSizes = [64, 64]
    public var activation: Activation = .tanh
    /// Initial log standard deviation of the Gaussian policy (0 → σ = 1).
    public var initialLogStd: Float = 0
    /// Robust Policy Optimization (Rahman & Xue 2022): during updates, add U(−α, α) noise to the
    /// Gaussian means before computing log-probabilities; 0 is plain PPO. CleanRL's RPO uses 0.5.
    public var rpoAlpha: Float = 0
    /// Squash Gaussian actions through tanh onto the action bounds (with the log-det correction)
    /// instead of clipping them at the environment boundary.
    public var squashActions = false
    /// How the parallel environments run: `auto` (`native` where the id has a batched
    /// implementation, else `serial`), `native` (batched loop), `native-threaded` (batched loop
    /// split over the cores), `serial` or `threaded` (separate environment objects).
    public var vectorMode = "auto"
    /// Domain randomisation of the training environments' physics (nil: nominal physics).
    public var randomization: RandomizationSettings? = nil

    public init() {}

    /// Samples per rollout.
    public var rolloutSize: Int { environments * rolloutSteps }
    /// Number of rollout-and-update cycles to reach `totalSteps`.
    public var updates: Int { (totalSteps + rolloutSize - 1) / Swift.max(rolloutSize, 1) }

    /// Checks every value; the error names the first invalid one and what would be valid.
    public func validate() throws {
        try SizeLimits.require(totalSteps, in: SizeLimits.totalSteps, "totalSteps")
        try SizeLimits.require(environments, in: SizeLimits.environments, "environments")
        try SizeLimits.require(rolloutSteps, in: SizeLimits.rolloutSteps, "rolloutSteps")
        try SizeLimits.require(environments * rolloutSteps, in: SizeLimits.rolloutSize, "environments × rolloutSteps")
        try require(minibatchSize > 0, "minibatchSize", minibatchSize, "must be positive")
        try require(rolloutSize % minibatchSize == 0, "minibatchSize", minibatchSize,
                    "must divide the rollout size environments × rolloutSteps = \(rolloutSize) (e.g. \(divisors(of: rolloutSize)))")
        try require(epochs > 0, "epochs", epochs, "must be positive")
        try require(learningRate.isFinite && learningRate > 0, "learningRate", learningRate, "must be a positive number")
        try require(adamEpsilon.isFinite && adamEpsilon > 0, "adamEpsilon", adamEpsilon, "must be a positive number")
        try require(gamma.isFinite && gamma >= 0 && gamma <= 1, "gamma", gamma, "must lie in [0, 1]")
        try require(gaeLambda.isFinite && gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", gaeLambda, "must lie in [0, 1]")
        try require(clipRange.isFinite && clipRange > 0, "clipRange", clipRange, "must be a positive number")
        try require(valueCoefficient.isFinite && valueCoefficient >= 0, "valueCoefficient", valueCoefficient, "must be a non-negative number")
        try require(entropyCoefficient.isFinite, "entropyCoefficient", entropyCoefficient, "must be a finite number")
        try require(maxGradientNorm.isFinite && maxGradientNorm > 0, "maxGradientNorm", maxGradientNorm, "must be a positive number")
        if let targetKL { try require(targetKL.isFinite && targetKL > 0, "targetKL", targetKL, "must be positive (or omitted)") }
        try SizeLimits.requireHiddenSizes(hiddenSizes, networks: 2)
        try require(initialLogStd.isFinite && ActorCritic.logStdRange.contains(initialLogStd), "initialLogStd", initialLogStd,
                    "must lie in \(ActorCritic.logStdRange)")
        try require(rpoAlpha.isFinite && rpoAlpha >= 0, "rpoAlpha", rpoAlpha, "must be a non-negative number")
        try require(VectorMode.names.contains(vectorMode), "vectorMode", vectorMode, "must be one of \(VectorMode.names.joined(separator: ", "))")
    }

    private func divisors(of n: Int) -> String {
        (1...Swift.min(n, 4096)).filter { n % $0 == 0 }.suffix(6).map(String.init).joined(separator: ", ")
    }
}

extension PPOConfiguration {
    /// Tuned settings per environment; ``presetNames`` lists them. Where the numbers come from
    /// is in each preset's comment and in `docs/ppo.md`.
    public static func preset(_ name: String) throws -> PPOConfiguration {
        var c = PPOConfiguration()
        switch name {
        case "Pendulum-v1":
            // RL Zoo's tuned PPO (4 envs × 1024, batch 64, lr 1e-3, 10 epochs) without its gSDE: with a
            // plain Gaussian, γ 0.95 (RL Zoo: 0.9), normalised observations and unscaled rewards did
            // best in sweeps over γ, λ, learning rate, batch, width, normalisation and epochs (docs/ppo.md).
            c.environment = name
            c.totalSteps = 200_000
            c.environments = 4
            c.rolloutSteps = 1024
            c.minibatchSize = 64
            c.epochs = 10
            c.learningRate = 1e-3
            c.gamma = 0.95
            c.gaeLambda = 0.95
            c.normalizeRewards = false
            c.clipValueLoss = false
        case "CartPole-v1":
            // RL Zoo: 8 envs × 32 steps, batch 256, λ 0.8, γ 0.98, 20 epochs, lr and clip annealed from 1e-3 / 0.2.
            c.environment = name
            c.totalSteps = 100_000
            c.environments = 8
            c.rolloutSteps = 32
            c.minibatchSize = 256
            c.epochs = 20
            c.learningRate = 1e-3
            c.annealClipRange = true
            c.gamma = 0.98
            c.gaeLambda = 0.8
            c.normalizeObservations = false
            c.normalizeRewards = false
            c.clipValueLoss = false
        case "Acrobot-v1":
            // RL Zoo: normalised, 16 envs × 256 steps, λ 0.94, γ 0.99, 4 epochs (batch 64 default).
            c.environment = name
            c.totalSteps = 500_000
            c.environments = 16
            c.rolloutSteps = 256
            c.minibatchSize = 64
            c.epochs = 4
            c.gaeLambda = 0.94
            c.clipValueLoss = false
        case "MountainCarContinuous-v0":
            // RL Zoo's recipe (1 env × 8 steps, batch 256 → here 8 × 32, γ 0.9999, lr 7.77e-5, ent 0.00429,
            // clip 0.1, λ 0.9, grad clip 5, vf 0.19) relies on gSDE; we keep its scale and use a small
            // initial σ so exploration does not drown in the action penalty.
            c.environment = name
            c.totalSteps = 100_000
            c.environments = 8
            c.rolloutSteps = 32
            c.minibatchSize = 256
            c.epochs = 10
            c.learningRate = 7.77e-5
            c.entropyCoefficient = 0.00429
            c.clipRange = 0.1
            c.gamma = 0.9999
            c.gaeLambda = 0.9
            c.maxGradientNorm = 5
            c.valueCoefficient = 0.19
            c.clipValueLoss = false
        default:
            guard let mujoco = mujocoPreset(name) else {
                throw RLError.invalidHyperparameter(name: "preset", value: name, expected: "one of \(presetNames.joined(separator: ", "))")
            }
            return mujoco
        }
        return c
    }

    public static let presetNames = ["Pendulum-v1", "CartPole-v1", "Acrobot-v1", "MountainCarContinuous-v0"] + mujocoPresetNames
}
