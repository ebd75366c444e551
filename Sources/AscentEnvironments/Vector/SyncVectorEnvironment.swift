/// Steps a list of independent environments one after another (or, in the subclass
/// ``ThreadedVectorEnvironment``, split across threads). Works with any ``Environment``,
/// including wrapped and user-defined ones.
public class SyncVectorEnvironment: VectorEnvironment {
    public let environments: [any Environment]
    public let observationSpace: Space
    public let actionSpace: Space
    /// Threads that share the sub-environments (nil: all on the caller's).
    let pool: WorkerPool?
    private var tally: EpisodeTally
    /// Per-slot outcome written by the (possibly parallel) slots, gathered after them, and
    /// whether a slot has one this step. Reused across steps.
    private var slotReports: [SlotReport]
    private var slotReported: [Bool]

    public convenience init(_ environments: [any Environment]) throws {
        try self.init(environments, pool: nil)
    }

    init(_ environments: [any Environment], pool: WorkerPool?) throws {
        guard let first = environments.first else {
            throw EnvironmentError.invalidConfiguration("a vector environment needs at least one environment")
        }
        for env in environments where env.observationSpace != first.observationSpace || env.actionSpace != first.actionSpace {
            throw EnvironmentError.invalidConfiguration("all sub-environments must share spaces; \(env.name) differs from \(first.name)")
        }
        self.environments = environments
        self.pool = pool
        observationSpace = first.observationSpace
        actionSpace = first.actionSpace
        tally = EpisodeTally(count: environments.count)
        slotReports = [SlotReport](repeating: SlotReport(), count: environments.count)
        slotReported = [Bool](repeating: false, count: environments.count)
    }

    public var count: Int { environments.count }
    public var name: String { environments[0].name }

    public func reset(seed: UInt64?) throws -> [Float] {
        var observations = [Float](repeating: 0, count: count * observationSize)
        try environments.withUnsafeBufferPointer { environments in
            try observations.withUnsafeMutableBufferPointer { observations in
                try WorkerPool.run(SlotResets(environments: environments, seed: seed, observations: observations), on: pool)
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
        // Local copies with the properties emptied keep every array uniquely referenced while
        // the slots write through raw buffers: no copy on write, no reference counting.
        var (tally, reports, reported) = (self.tally, slotReports, slotReported)
        (self.tally, slotReports, slotReported) = (EpisodeTally(count: 0), [], [])
        defer { (self.tally, slotReports, slotReported) = (tally, reports, reported) }
        try reported.withUnsafeMutableBufferPointer { reported in
        try reports.withUnsafeMutableBufferPointer { reports in
        try environments.withUnsafeBufferPointer { environments in
        try actions.withUnsafeBufferPointer { actions in
        try result.withUnsafeBuffers { out in
        try tally.withUnsafeBuffers { returns, lengths in
            let steps = SlotSteps(environments: environments, actions: actions, out: out, returns: returns, lengths: lengths,
                                  reports: reports, reported: reported, observationSize: size, actionSize: actionSize)
            try WorkerPool.run(steps, on: pool)
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
}

/// ``SyncVectorEnvironment`` with the sub-environments split into contiguous blocks, one
/// per thread. Results are identical to the serial version (each sub-environment is
/// independent), so the thread count never changes a run.
public final class ThreadedVectorEnvironment: SyncVectorEnvironment {
    public init(_ environments: [any Environment], threads: Int) throws {
        guard threads > 0 else { throw EnvironmentError.invalidConfiguration("threads must be positive, got \(threads)") }
        try super.init(environments, pool: WorkerPool(threads: Swift.min(threads, environments.count)))
    }

    public var threads: Int { pool?.threadCount ?? 1 }
}

/// What a slot reports after a step: its environment's info (with the episode statistics
/// where an episode ended) and the episode's true last observation.
struct SlotReport {
    var info: Info = [:]
    var final: [Float]?
}

/// Resets sub-environments: sub-environment `i` with `seed + i`, its first observation into row `i`.
private struct SlotResets: BlockJob {
    let environments: UnsafeBufferPointer<any Environment>
    let seed: UInt64?
    let observations: UnsafeMutableBufferPointer<Float>

    var count: Int { environments.count }

    func run(_ block: Range<Int>) throws {
        let size = observations.count / count
        for i in block {
            let (observation, _) = try environments[i].reset(seed: seed.map { $0 &+ UInt64(i) })
            try checkSize(observation, size, environments[i].name)
            for j in 0..<size { observations[i * size + j] = observation[j] }
        }
    }
}

/// Steps sub-environments, writing each one's outcome into its own elements of the shared
/// buffers, and resets those whose episode ended (autoreset, same step).
private struct SlotSteps: BlockJob {
    let environments: UnsafeBufferPointer<any Environment>
    /// Row `i` is sub-environment `i`'s action.
    let actions: UnsafeBufferPointer<Float>
    let out: VectorStep.Buffers
    /// Running episode return and length per slot.
    let returns: UnsafeMutableBufferPointer<Double>
    let lengths: UnsafeMutableBufferPointer<Int>
    let reports: UnsafeMutableBufferPointer<SlotReport>
    let reported: UnsafeMutableBufferPointer<Bool>
    let observationSize: Int, actionSize: Int

    var count: Int { environments.count }

    func run(_ block: Range<Int>) throws {
        let (size, actionSize) = (observationSize, self.actionSize)
        for i in block {
            let environment = environments[i]
            let slot = UnsafeMutableBufferPointer(rebasing: out.observations[(i * size)..<((i + 1) * size)])
            let step = try environment.step(UnsafeBufferPointer(rebasing: actions[(i * actionSize)..<((i + 1) * actionSize)]), into: slot)
            guard step.reward.isFinite else {
                throw EnvironmentError.nonFiniteValue(environment: environment.name, quantity: "reward of sub-environment \(i)")
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
            if let info = step.info { reports[i] = SlotReport(info: info) }
            if step.isDone {
                if step.info == nil { reports[i] = SlotReport() }
                reports[i].info["episode_return"] = returns[i]
                reports[i].info["episode_length"] = Double(lengths[i])
                (returns[i], lengths[i]) = (0, 0)
                reports[i].final = Array(slot)
                let observation = try environment.reset(seed: nil).observation
                try checkSize(observation, size, environment.name)
                for j in 0..<size { slot[j] = observation[j] }
            }
        }
    }
}

private func checkSize(_ observation: [Float], _ size: Int, _ name: String) throws {
    guard observation.count == size else {
        throw EnvironmentError.invalidConfiguration("\(name) returned an observation of \(observation.count) values; its space has \(size)")
    }
}

extension SyncVectorEnvironment: StateRestorable {
    /// Every sub-environment's state (each must be ``StateRestorable``) and the running episode tallies.
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.parts = try environments.map { try $0.savedEnvironmentState() }
        tally.save(into: &saved)
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        for (environment, part) in zip(environments, try saved.parts(count: count, of: name)) {
            try environment.restoreEnvironmentState(part)
        }
        tally = try EpisodeTally(saved, count: count, of: name)
    }
}
