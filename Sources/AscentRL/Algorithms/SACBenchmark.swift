import AscentTensor
import Foundation

/// Timing routines behind `ascent bench sac`: Stable-Baselines3's SAC defaults on
/// Pendulum-v1 (256-256 networks, batch 256, one gradient step per environment step),
/// the configuration `bench/sb3_sac.py` runs.
public enum SACBenchmark {
    public static func sb3Configuration(environment: String = "Pendulum-v1", seed: UInt64 = 1) -> SACConfiguration {
        var c = SACConfiguration()
        c.environment = environment
        c.seed = seed
        c.totalSteps = 1_000_000
        return c
    }

    /// Environment steps per second once learning runs: `measuredSteps` steps after a warm-up
    /// of `learningStarts` + 200 steps.
    public static func stepsPerSecond(environment: String = "Pendulum-v1", seed: UInt64 = 1, measuredSteps: Int = 1_000) throws -> Double {
        let sac = try SAC(sb3Configuration(environment: environment, seed: seed))
        let warmUp = sac.configuration.learningStarts + 200
        try sac.train(untilStep: warmUp)
        let start = DispatchTime.now().uptimeNanoseconds
        try sac.train(untilStep: warmUp + measuredSteps)
        return Double(measuredSteps) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Floating-point operations of one SAC gradient step as SB3 computes it (multiply-add = 2),
    /// counting only the matrix products: critic update (actor on s′, two target critics, two
    /// critics forward and backward) and actor update (actor forward and backward, two critics
    /// forward and backward, SB3 computing the critics' weight gradients too).
    public static func flopsPerGradientStep(observation: Int, action: Int, hidden: [Int], batch: Int) -> Double {
        func forward(_ sizes: [Int]) -> Double { zip(sizes, sizes.dropFirst()).reduce(0) { $0 + 2 * Double(batch * $1.0 * $1.1) } }
        let actor = forward([observation] + hidden + [2 * action])
        let critic = forward([observation + action] + hidden + [1])
        let criticUpdate = actor + 2 * critic + 2 * critic * 3  // target actor+critics, critics forward + backward (×2)
        let actorUpdate = actor * 3 + 2 * critic * 3            // actor forward+backward, critics forward+backward
        return criticUpdate + actorUpdate
    }
}
