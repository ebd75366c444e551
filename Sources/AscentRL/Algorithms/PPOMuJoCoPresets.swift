import AscentTensor

extension PPOConfiguration {
    /// Presets for Gymnasium's MuJoCo environments, each with its source.
    ///
    /// Where RL Zoo tuned PPO for an environment (`hyperparams/ppo.yml`, found by Optuna on
    /// the v3 tasks, which v5 keeps apart from bug fixes) its values are used: SB3 semantics, so
    /// a constant learning rate, no value clipping, observation and reward normalisation
    /// (`VecNormalize`), and its `policy_kwargs` (log σ₀ = −2, ReLU 256-256 networks). The others
    /// use CleanRL's `ppo_continuous_action.py` defaults, which are Ascent's defaults
    /// (1 env × 2048 steps, batch 64, 10 epochs, lr 3e-4 annealed, normalisation), at 1M steps.
    static func mujocoPreset(_ name: String) -> PPOConfiguration? {
        var c = PPOConfiguration()
        c.environment = name
        c.totalSteps = 1_000_000
        /// RL Zoo's tuned values for one environment.
        func zoo(steps: Int, batch: Int, gamma: Float, learningRate: Float, entropy: Float, clip: Float, epochs: Int,
                 lambda: Float, maxNorm: Float, valueCoefficient: Float, wide: Bool) {
            c.rolloutSteps = steps
            c.minibatchSize = batch
            c.gamma = gamma
            c.learningRate = learningRate
            c.annealLearningRate = false
            c.entropyCoefficient = entropy
            c.clipRange = clip
            c.epochs = epochs
            c.gaeLambda = lambda
            c.maxGradientNorm = maxNorm
            c.valueCoefficient = valueCoefficient
            c.clipValueLoss = false
            if wide {
                c.initialLogStd = -2
                c.activation = .relu
                c.hiddenSizes = [256, 256]
            }
        }
        /// Tianshou's MuJoCo PPO choices on top: 16 environments × 128 steps (the same 2048 per
        /// rollout), log σ₀ = −0.5, value coefficient 0.25 without clipping, raw advantages.
        /// With RL Zoo's values alone Walker2d was bimodal (951-4585, median 2485 over 5 seeds),
        /// with CleanRL's Ant reached a median of 914 (docs/mujoco.md).
        func manyEnvironments() {
            c.environments = 16
            c.rolloutSteps = 128
            c.initialLogStd = -0.5
            c.valueCoefficient = 0.25
            c.clipValueLoss = false
            c.normalizeAdvantages = false
        }
        switch name {
        case "HalfCheetah-v5":
            zoo(steps: 512, batch: 64, gamma: 0.98, learningRate: 2.0633e-5, entropy: 0.000401762, clip: 0.1, epochs: 20,
                lambda: 0.92, maxNorm: 0.8, valueCoefficient: 0.58096, wide: true)
        case "Walker2d-v5":
            zoo(steps: 512, batch: 32, gamma: 0.99, learningRate: 5.05041e-5, entropy: 0.000585045, clip: 0.1, epochs: 20,
                lambda: 0.95, maxNorm: 1, valueCoefficient: 0.871923, wide: false)
            manyEnvironments()
        case "InvertedPendulum-v5":
            zoo(steps: 32, batch: 64, gamma: 0.999, learningRate: 0.000222425, entropy: 1.37976e-7, clip: 0.4, epochs: 5,
                lambda: 0.9, maxNorm: 0.3, valueCoefficient: 0.19816, wide: false)
            c.environments = 2  // RL Zoo: 1 env × 32 steps with batch 64; here 2 × 32 so the batch divides the rollout
            c.totalSteps = 200_000
        case "InvertedDoublePendulum-v5":
            zoo(steps: 64, batch: 256, gamma: 0.98, learningRate: 0.000155454, entropy: 1.05057e-6, clip: 0.4, epochs: 10,
                lambda: 0.8, maxNorm: 0.5, valueCoefficient: 0.695929, wide: false)
            // RL Zoo's values, but 16 envs × 64 steps with batch 256 (RL Zoo: 1 × 128) and raw
            // observations. Episodes either last 1000 steps or fall within ~10 from the hardest
            // start states, so starts are 1 % of the data; with RL Zoo's rollout, with or without
            // normalisation, 4-22 % of Gymnasium's starts still fell (median 6572 over 5 seeds),
            // with 16 environments 1-3 % (docs/mujoco.md).
            c.environments = 16
            c.normalizeObservations = false
        case "Reacher-v5":
            zoo(steps: 512, batch: 32, gamma: 0.9, learningRate: 0.000104019, entropy: 7.52585e-8, clip: 0.3, epochs: 5,
                lambda: 1, maxNorm: 0.9, valueCoefficient: 0.950368, wide: false)
        case "Swimmer-v5":
            c.gamma = 0.9999  // RL Zoo: SB3's defaults with γ 0.9999
        case "Ant-v5":
            manyEnvironments()  // on CleanRL's defaults
        case "Hopper-v5", "Humanoid-v5", "Pusher-v5":
            // CleanRL's defaults. For Hopper, RL Zoo's tuned values (512 steps, batch 32, γ 0.999,
            // lr 9.8e-5, ReLU 256-256, log σ₀ −2) stayed near 1000 (985, 1016 at 1M; docs/mujoco.md).
            break
        default:
            return nil
        }
        return c
    }

    static let mujocoPresetNames = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5",
                                    "InvertedPendulum-v5", "InvertedDoublePendulum-v5", "Reacher-v5", "Pusher-v5"]
}
