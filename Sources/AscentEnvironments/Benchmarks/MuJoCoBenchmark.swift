import AscentRandom
import Foundation

/// Timing routines behind `ascent bench mujoco`: MuJoCo's own `mj_step` as the floor, and
/// Ascent's environment and vector steps on top of it, with pre-drawn random actions.
public enum MuJoCoBenchmark {
    /// Steps per second of one environment through `step(_:into:)` with pre-drawn random
    /// actions, resetting at episode ends.
    public static func environmentStepsPerSecond(_ id: String, steps: Int = 20_000) throws -> Double {
        try runEnvironment(id, steps: steps, recording: false).stepsPerSecond
    }

    /// Steps per second of bare MuJoCo on exactly the environment's work: each step loads the
    /// state the environment stepped from (its `mjSTATE_INTEGRATION` row, controls included)
    /// with `mj_setState` and runs `frame_skip × mj_step` on a plain `mjData`. What any binding
    /// must pay, without Ascent's rewards, observations, checks, resets or batch calls.
    public static func rawStepsPerSecond(_ id: String, steps: Int = 20_000) throws -> Double {
        let (_, rows, env) = try runEnvironment(id, steps: steps, recording: true)
        let library = try MuJoCoLibrary.shared()
        let model = try MuJoCoModel(file: env.modelFile, library: library)
        guard let data = library.makeData(model.handle) else { throw MuJoCoError.batchFailed("mj_makeData failed for \(id)") }
        defer { library.deleteData(data) }
        let frameSkip = env.simulations.frameSkip
        let integration: Int32 = (0...14).reduce(0) { $0 | (1 << $1) }  // every mjtState bit of MuJoCo 4.0
        let start = DispatchTime.now().uptimeNanoseconds
        for row in rows {
            row.withUnsafeBufferPointer { library.setState(model.handle, data, $0.baseAddress, integration) }
            for _ in 0..<frameSkip { library.step(model.handle, data) }
        }
        return Double(rows.count) / seconds(since: start)
    }

    /// Runs the environment loop; when `recording`, keeps each step's starting state row.
    private static func runEnvironment(_ id: String, steps: Int, recording: Bool) throws -> (stepsPerSecond: Double, rows: [[Double]], env: MuJoCoEnvironment) {
        let env = try MuJoCoEnvironment(id)
        _ = try env.reset(seed: 0)
        let actions = drawActions(env.actionSpace, count: 1024)
        var observation = [Float](repeating: 0, count: env.observationSpace.flatCount)
        var rows: [[Double]] = []
        let start = DispatchTime.now().uptimeNanoseconds
        try observation.withUnsafeMutableBufferPointer { out in
            for t in 0..<steps {
                let action = actions[t & 1023]
                if recording { rows.append(env.simulations.integrationState(0, controls: action)) }
                let outcome = try action.withUnsafeBufferPointer { try env.step($0, into: out) }
                if outcome.isDone { _ = try env.reset() }
            }
        }
        return (Double(steps) / seconds(since: start), rows, env)
    }

    /// Sub-environment steps per second of `count` copies in the native batch on `threads` threads.
    public static func vectorStepsPerSecond(_ id: String, count: Int, threads: Int, vectorSteps: Int = 2_000) throws -> Double {
        try EnvironmentBenchmark.vectorStepsPerSecond(id, count: count, mode: threads == 1 ? .native : .nativeThreaded(threads), vectorSteps: vectorSteps)
    }

    private static func drawActions(_ space: Space, count: Int) -> [[Float]] {
        var generator = RandomGenerator(seed: 1, stream: "bench-actions")
        return (0..<count).map { _ in space.sample(using: &generator) }
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
