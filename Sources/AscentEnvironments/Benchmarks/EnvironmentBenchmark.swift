import AscentRandom
import Foundation

/// Timing routines behind `ascent bench envs`: environment steps per second with
/// pre-drawn actions, so only the environment is measured.
public enum EnvironmentBenchmark {
    /// Steps per second of one unwrapped environment (resetting when an episode ends).
    public static func singleStepsPerSecond(_ id: String, steps: Int = 2_000_000) throws -> Double {
        let env = try Environments.make(id, options: ["max_episode_steps": 0])
        _ = try env.reset(seed: 0)
        let actions = drawActions(env.actionSpace, count: 4096)
        let start = DispatchTime.now().uptimeNanoseconds
        for t in 0..<steps {
            if try env.step(actions[t & 4095]).isDone { _ = try env.reset() }
        }
        return Double(steps) / seconds(since: start)
    }

    /// Sub-environment steps per second of a vector environment of `count` copies.
    public static func vectorStepsPerSecond(_ id: String, count: Int, mode: VectorMode, vectorSteps: Int) throws -> Double {
        let env = try Environments.makeVector(id, count: count, mode: mode)
        _ = try env.reset(seed: 0)
        let batches = (0..<64).map { _ in drawActions(env.actionSpace, count: count).flatMap { $0 } }
        var result = VectorStep()  // reused: steps write into it instead of allocating
        for t in 0..<10 { try env.step(batches[t & 63], into: &result) }  // warm up (threads awake)
        let start = DispatchTime.now().uptimeNanoseconds
        for t in 0..<vectorSteps { try env.step(batches[t & 63], into: &result) }
        return Double(vectorSteps * count) / seconds(since: start)
    }

    /// Seconds per call of the threaded vector environments' worker pool with an empty job:
    /// the fixed cost of handing one step to `threads` threads and waiting for them.
    public static func workerPoolCallSeconds(threads: Int, calls: Int = 200_000) throws -> Double {
        let pool = WorkerPool(threads: threads)
        let job = EmptyJob(count: threads)
        for _ in 0..<1_000 { try pool.run(job) }  // warm up (workers awake)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { try pool.run(job) }
        return seconds(since: start) / Double(calls)
    }

    private struct EmptyJob: BlockJob {
        let count: Int
        func run(_ block: Range<Int>) {}
    }

    private static func drawActions(_ space: Space, count: Int) -> [[Float]] {
        var generator = RandomGenerator(seed: 1, stream: "bench-actions")
        return (0..<count).map { _ in space.sample(using: &generator) }
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
