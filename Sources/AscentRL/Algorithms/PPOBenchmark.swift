import AscentTensor
import Foundation

/// Timing routines behind `ascent bench ppo`: the configuration Stable-Baselines3's
/// comparison uses (`bench/sb3_ppo.py`): Pendulum-v1, 4 envs × 1024 steps, minibatch 64,
/// 10 epochs, 102,400 steps, no normalisation.
public enum PPOBenchmark {
    public static func sb3Configuration() -> PPOConfiguration {
        var c = PPOConfiguration()
        c.environment = "Pendulum-v1"
        c.totalSteps = 102_400
        c.environments = 4
        c.rolloutSteps = 1024
        c.minibatchSize = 64
        c.epochs = 10
        c.learningRate = 1e-3
        c.gamma = 0.9
        c.annealLearningRate = false  // SB3 keeps a constant rate
        c.clipValueLoss = false       // SB3's default
        c.normalizeObservations = false
        c.normalizeRewards = false
        return c
    }

    /// Stable-Baselines3's PPO defaults (`PPO("MlpPolicy", env)`): 1 env × 2048 steps, batch 64,
    /// 10 epochs, lr 3e-4 constant, 64-64 tanh, no value clipping, no normalisation.
    public static func sb3DefaultConfiguration(environment: String, totalSteps: Int) -> PPOConfiguration {
        var c = PPOConfiguration()
        c.environment = environment
        c.totalSteps = totalSteps
        c.annealLearningRate = false
        c.clipValueLoss = false
        c.normalizeObservations = false
        c.normalizeRewards = false
        return c
    }

    /// Environment steps per second of training `configuration` from scratch (construction included).
    public static func stepsPerSecond(_ configuration: PPOConfiguration) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try PPO(configuration).train()
        return Double(configuration.totalSteps) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Wall-clock seconds to train the SB3 configuration from scratch.
    public static func trainingSeconds(seed: UInt64 = 1) throws -> Double {
        var c = sb3Configuration()
        c.seed = seed
        let start = DispatchTime.now().uptimeNanoseconds
        let ppo = try PPO(c)
        try ppo.train()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Seconds for one deterministic action from one observation (what SB3's `predict` does).
    public static func actionLatencySeconds() throws -> Double {
        let ppo = try PPO(sb3Configuration())
        var generator = RandomGenerator(seed: 0)
        let observation = Tensor(shape: [1, 3], [0.3, -0.9, 0.5])
        _ = try ppo.model.act(observation, deterministic: true, generator: &generator)  // the policy is finite: timed calls cannot throw
        return TensorBenchmark.secondsPerCall(budget: 0.3) {
            _ = try? ppo.model.act(observation, deterministic: true, generator: &generator)
        }
    }
}
