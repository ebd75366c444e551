/// Steps a list of independent environments one after another (or, in the subclass
/// ``ThreadedVectorEnvironment``, split across threads). Works with any ``Environment``,
/// including wrapped and user-defined ones.
public class SyncVectorEnvironment: VectorEnvironment {
    public let environments: [any Environment]
    public let observationSpace: Space
    public let actionSpace: Space
    private var tally: EpisodeTally

    public init(_ environments: [any Environment]) throws {
        guard let first = environments.first else {
            throw EnvironmentError.invalidConfiguration("a vector environment needs at least one environment")
        }
        for env in environments where env.observationSpace != first.observationSpace || env.actionSpace != first.actionSpace {
            throw EnvironmentError.invalidConfiguration("all sub-environments must share spaces; \(env.name) differs from \(first.name)")
        }
        self.environments = environments
        observationSpace = first.observationSpace
        actionSpace = first.actionSpace
        tally = EpisodeTally(count: environments.count)
    }

    public var count: Int { environments.count }
    public var name: String { environments[0].name }

    /// Runs `body` on every slot index; the threaded subclass spreads the indices over threads.
    func forEachSlot(_ body: (Range<Int>) throws -> Void) throws { try body(0..<count) }

    public func reset(seed: UInt64?) throws -> [Float] {
        let size = observationSize
        var observations = [Float](repeating: 0, count: count * size)
        try observations.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            try forEachSlot { range in
                for i in range {
                    let (observation, _) = try environments[i].reset(seed: seed.map { $0 &+ UInt64(i) })
                    try Self.checkSize(observation, size, environments[i].name)
                    for j in 0..<size { out[i * size + j] = observation[j] }
                }
            }
        }
        tally = EpisodeTally(count: count)
        return observations
    }

    public func step(_ actions: [Float]) throws -> VectorStep {
        let actionSize = self.actionSize, size = observationSize
        guard actions.count == count * actionSize else {
            throw EnvironmentError.invalidAction(environment: name, reason: "expected \(count) × \(actionSize) = \(count * actionSize) values, got \(actions.count)")
        }
        var result = VectorStep(count: count, observationSize: size)
        var steps = [Step?](repeating: nil, count: count)
        var firstObservations = [[Float]?](repeating: nil, count: count)
        try steps.withUnsafeMutableBufferPointer { stepBuffer in
            try firstObservations.withUnsafeMutableBufferPointer { resetBuffer in
                nonisolated(unsafe) let stepsOut = stepBuffer, resetsOut = resetBuffer
                try forEachSlot { range in
                    for i in range {
                        let step = try environments[i].step(Array(actions[(i * actionSize)..<((i + 1) * actionSize)]))
                        try Self.checkSize(step.observation, size, environments[i].name)
                        stepsOut[i] = step
                        if step.isDone { resetsOut[i] = try environments[i].reset(seed: nil).observation }
                    }
                }
            }
        }
        for i in 0..<count {
            let step = steps[i]!
            guard step.reward.isFinite else { throw EnvironmentError.nonFiniteValue(environment: name, quantity: "reward of sub-environment \(i)") }
            result.rewards[i] = step.reward
            result.terminated[i] = step.terminated
            result.truncated[i] = step.truncated
            result.infos[i] = step.info
            if let episode = tally.record(i, reward: step.reward, done: step.isDone) {
                result.infos[i].merge(episode) { old, _ in old }
                result.finalObservations[i] = step.observation
            }
            let observation = firstObservations[i] ?? step.observation
            for j in 0..<size { result.observations[i * size + j] = observation[j] }
        }
        return result
    }

    static func checkSize(_ observation: [Float], _ size: Int, _ name: String) throws {
        guard observation.count == size else {
            throw EnvironmentError.invalidConfiguration("\(name) returned an observation of \(observation.count) values; its space has \(size)")
        }
    }
}

/// ``SyncVectorEnvironment`` with the sub-environments split into contiguous blocks, one
/// per thread. Results are identical to the serial version (each sub-environment is
/// independent), so the thread count never changes a run.
public final class ThreadedVectorEnvironment: SyncVectorEnvironment {
    private let pool: WorkerPool

    public init(_ environments: [any Environment], threads: Int) throws {
        guard threads > 0 else { throw EnvironmentError.invalidConfiguration("threads must be positive, got \(threads)") }
        pool = WorkerPool(threads: Swift.min(threads, environments.count))
        try super.init(environments)
    }

    public var threads: Int { pool.threadCount }

    override func forEachSlot(_ body: (Range<Int>) throws -> Void) throws {
        let n = count, t = pool.threadCount
        try pool.run { worker in
            try body((worker * n / t)..<((worker + 1) * n / t))
        }
    }
}
