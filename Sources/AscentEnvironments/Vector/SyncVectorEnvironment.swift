/// Steps a list of independent environments one after another (or, in the subclass
/// ``ThreadedVectorEnvironment``, split across threads). Works with any ``Environment``,
/// including wrapped and user-defined ones.
public class SyncVectorEnvironment: VectorEnvironment {
    public let environments: [any Environment]
    public let observationSpace: Space
    public let actionSpace: Space
    private var tally: EpisodeTally
    /// Per-slot outcome written by the (possibly parallel) slots, gathered after them, and
    /// whether a slot has one this step. Reused across steps.
    private var slotReports: [(info: Info, final: [Float]?)]
    private var slotReported: [Bool]

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
        slotReports = [(info: Info, final: [Float]?)](repeating: ([:], nil), count: environments.count)
        slotReported = [Bool](repeating: false, count: environments.count)
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
        var result = VectorStep()
        try step(actions, into: &result)
        return result
    }

    public func step(_ actions: [Float], into result: inout VectorStep) throws {
        let actionSize = self.actionSize, size = observationSize
        guard actions.count == count * actionSize else {
            throw EnvironmentError.invalidAction(environment: name, reason: "expected \(count) × \(actionSize) = \(count * actionSize) values, got \(actions.count)")
        }
        result.prepare(count: count, observationSize: size)
        var tally = self.tally
        self.tally = EpisodeTally(count: 0)  // leave the arrays uniquely referenced: no copy on write
        defer { self.tally = tally }
        // Every slot writes only its own elements, so the threaded subclass can run slots in
        // parallel; raw buffers keep reference counting off the shared arrays.
        let vectorName = name
        var (reports, reported) = (slotReports, slotReported)
        (slotReports, slotReported) = ([], [])  // keep the buffers uniquely referenced while slots write them
        defer { (slotReports, slotReported) = (reports, reported) }
        try reported.withUnsafeMutableBufferPointer { reportedBuffer in
        try reports.withUnsafeMutableBufferPointer { reportBuffer in
        try environments.withUnsafeBufferPointer { environmentBuffer in
        try actions.withUnsafeBufferPointer { actionBuffer in
            try result.withUnsafeBuffers { out in
                try tally.returns.withUnsafeMutableBufferPointer { returns in
                    try tally.lengths.withUnsafeMutableBufferPointer { lengths in
                        nonisolated(unsafe) let (environments, actions, out, returns, lengths) = (environmentBuffer, actionBuffer, out, returns, lengths)
                        nonisolated(unsafe) let (reports, reported) = (reportBuffer, reportedBuffer)
                        try forEachSlot { range in
                            for i in range {
                                let environment = environments[i]
                                let slot = UnsafeMutableBufferPointer(rebasing: out.observations[(i * size)..<((i + 1) * size)])
                                let step = try environment.step(UnsafeBufferPointer(rebasing: actions[(i * actionSize)..<((i + 1) * actionSize)]), into: slot)
                                guard step.reward.isFinite else {
                                    throw EnvironmentError.nonFiniteValue(environment: vectorName, quantity: "reward of sub-environment \(i)")
                                }
                                out.rewards[i] = step.reward
                                // The flag arrays of 64 environments share one cache line between the threads:
                                // write a flag only when it changes, so the line is not bounced every step.
                                if out.terminated[i] != step.terminated { out.terminated[i] = step.terminated }
                                if out.truncated[i] != step.truncated { out.truncated[i] = step.truncated }
                                returns[i] += step.reward
                                lengths[i] += 1
                                // Touch the shared report slots only when there is something to report:
                                // even assigning an empty dictionary updates a reference count both threads share.
                                let hasReport = step.info != nil || step.isDone
                                if reported[i] != hasReport { reported[i] = hasReport }
                                if let info = step.info { reports[i] = (info, nil) }
                                if step.isDone {
                                    if step.info == nil { reports[i] = ([:], nil) }
                                    reports[i].info["episode_return"] = returns[i]
                                    reports[i].info["episode_length"] = Double(lengths[i])
                                    (returns[i], lengths[i]) = (0, 0)
                                    reports[i].final = Array(slot)
                                    let observation = try environment.reset(seed: nil).observation
                                    try Self.checkSize(observation, size, environment.name)
                                    for j in 0..<size { slot[j] = observation[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }
        // Indices first: copying every report out of the array would count references to all
        // 64 dictionaries each step, on the calling thread alone.
        for i in reported.indices where reported[i] {
            if !reports[i].info.isEmpty { result.infos[i] = reports[i].info }
            if let final = reports[i].final { result.finalObservations[i] = final }
        }
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
        try pool.forEachBlock(of: count, body)
    }
}
