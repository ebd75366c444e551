import AscentRandom

/// Many copies of a built-in environment stepped in one tight loop over contiguous state,
/// with the time limit and episode statistics built in. The physics is the same
/// ``ClassicDynamics`` code the single environments run, so results match them exactly.
///
/// Autoreset follows ``VectorEnvironment``: same step, true final observations kept.
public final class NativeVectorEnvironment<Dynamics: ClassicDynamics>: VectorEnvironment {
    public private(set) var dynamics: Dynamics
    public let count: Int
    /// Episodes are truncated after this many steps (nil: never).
    public let maxEpisodeSteps: Int?
    public let observationSpace: Space
    public let actionSpace: Space
    private var states: [Dynamics.State]
    private var generators: [RandomGenerator]
    private var elapsed: [Int]
    private var tally: EpisodeTally
    private let observationSize: Int, actionSize: Int
    private let actionCheck: ActionCheck
    private var resetOptions: ResetOptions = [:]
    /// Threads for `threads > 1`: each steps a contiguous block of sub-environments.
    private let pool: WorkerPool?
    /// Per-step buffers for episodes that ended: flags, final observations, returns, lengths.
    private var scratch: (ended: [Bool], finals: [Float], returns: [Double], lengths: [Int])

    /// - Parameter threads: split the sub-environments over this many threads (1: step them all on the caller's).
    public init(_ dynamics: Dynamics, count: Int, maxEpisodeSteps: Int?, threads: Int = 1) throws {
        guard count > 0 else { throw EnvironmentError.invalidConfiguration("a vector environment needs at least one environment, got \(count)") }
        guard threads > 0 else { throw EnvironmentError.invalidConfiguration("threads must be positive, got \(threads)") }
        pool = threads > 1 ? WorkerPool(threads: Swift.min(threads, count)) : nil
        if let maxEpisodeSteps, maxEpisodeSteps <= 0 {
            throw EnvironmentError.invalidConfiguration("max_episode_steps must be positive, got \(maxEpisodeSteps)")
        }
        self.dynamics = dynamics
        self.count = count
        self.maxEpisodeSteps = maxEpisodeSteps
        observationSpace = dynamics.observationSpace
        actionSpace = dynamics.actionSpace
        observationSize = observationSpace.flatCount
        actionSize = actionSpace.flatCount
        actionCheck = dynamics.actionCheck
        let seed = UInt64.random(in: 0...UInt64.max)
        generators = (0..<count).map { RandomGenerator(seed: seed &+ UInt64($0), stream: dynamics.name) }
        var placeholderGenerator = generators[0]
        let placeholder = try dynamics.reset(options: [:], generator: &placeholderGenerator)
        states = [Dynamics.State](repeating: placeholder, count: count)
        elapsed = [Int](repeating: 0, count: count)
        tally = EpisodeTally(count: count)
        scratch = ([Bool](repeating: false, count: count), [Float](repeating: 0, count: count * observationSize),
                   [Double](repeating: 0, count: count), [Int](repeating: 0, count: count))
    }

    public var name: String { dynamics.name }

    /// Changes a physical parameter of every sub-environment.
    public func setPhysicalParameter(_ name: String, to value: Double) throws { try dynamics.setValidated(name, to: value) }

    /// Resets every sub-environment (sub-environment i seeded with `seed + i`). `options`
    /// also apply to later automatic resets.
    public func reset(seed: UInt64?, options: ResetOptions) throws -> [Float] {
        try dynamics.validate(options: options)
        resetOptions = options
        if let seed { generators = (0..<count).map { RandomGenerator(seed: seed &+ UInt64($0), stream: dynamics.name) } }
        var observations = [Float](repeating: 0, count: count * observationSize)
        try observations.withUnsafeMutableBufferPointer { out in
            for i in 0..<count {
                states[i] = try dynamics.reset(options: options, generator: &generators[i])
                dynamics.observe(states[i], into: UnsafeMutableBufferPointer(rebasing: out[(i * observationSize)..<((i + 1) * observationSize)]))
            }
        }
        elapsed = [Int](repeating: 0, count: count)
        tally = EpisodeTally(count: count)
        return observations
    }

    public func reset(seed: UInt64?) throws -> [Float] { try reset(seed: seed, options: resetOptions) }

    public func step(_ actions: [Float]) throws -> VectorStep {
        var result = VectorStep()
        try step(actions, into: &result)
        return result
    }

    @_specialize(where Dynamics == PendulumDynamics)
    @_specialize(where Dynamics == CartPoleDynamics)
    @_specialize(where Dynamics == MountainCarDynamics)
    @_specialize(where Dynamics == AcrobotDynamics)
    public func step(_ actions: [Float], into result: inout VectorStep) throws {
        guard actions.count == count * actionSize else {
            throw EnvironmentError.invalidAction(environment: name, reason: "expected \(count) × \(actionSize) = \(count * actionSize) values, got \(actions.count)")
        }
        result.prepare(count: count, observationSize: observationSize)
        let (obsSize, actSize, check, limit) = (observationSize, actionSize, actionCheck, maxEpisodeSteps ?? Int.max)
        let (dynamics, options) = (self.dynamics, resetOptions)
        var (states, elapsed, generators, tally) = (self.states, self.elapsed, self.generators, self.tally)
        self.states = []  // keep the local copies uniquely referenced: no copy-on-write in the loop
        defer { (self.states, self.elapsed, self.generators, self.tally) = (states, elapsed, generators, tally) }
        // Episodes that ended: their last observation and statistics, gathered after the loop
        // (slots may run on several threads; dictionaries are filled on this one). Reused buffers.
        var (ended, finals, endedReturns, endedLengths) = scratch
        scratch = ([], [], [], [])
        defer { scratch = (ended, finals, endedReturns, endedLengths) }
        for i in 0..<count { ended[i] = false }
        // One pass over contiguous state through raw buffers: no per-element exclusivity or
        // uniqueness checks, and every slot writes only its own elements.
        try actions.withUnsafeBufferPointer { allActions in
            for i in 0..<count {
                try check.validate(UnsafeBufferPointer(rebasing: allActions[(i * actSize)..<((i + 1) * actSize)]))
            }
            try result.withUnsafeBuffers { out in
                try states.withUnsafeMutableBufferPointer { states in
                try elapsed.withUnsafeMutableBufferPointer { elapsed in
                try generators.withUnsafeMutableBufferPointer { generators in
                try tally.withUnsafeBuffers { returns, lengths in
                try ended.withUnsafeMutableBufferPointer { ended in
                try finals.withUnsafeMutableBufferPointer { finals in
                try endedReturns.withUnsafeMutableBufferPointer { endedReturns in
                try endedLengths.withUnsafeMutableBufferPointer { endedLengths in
                    let steps = NativeSlotSteps(dynamics: dynamics, options: options, maxEpisodeSteps: limit, actions: allActions,
                                                out: out, states: states, elapsed: elapsed, generators: generators,
                                                returns: returns, lengths: lengths, ended: ended, finals: finals,
                                                endedReturns: endedReturns, endedLengths: endedLengths)
                    try WorkerPool.run(steps, on: pool)
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
        for i in 0..<count where ended[i] {
            result.infos[i] = ["episode_return": endedReturns[i], "episode_length": Double(endedLengths[i])]
            result.finalObservations[i] = Array(finals[(i * obsSize)..<((i + 1) * obsSize)])
        }
    }

    /// The current state of sub-environment `index`, for drawing.
    public func render(_ index: Int) -> RenderFrame { dynamics.render(states[index]) }
}

/// Steps a block of a ``NativeVectorEnvironment``'s sub-environments through raw buffers
/// (every slot writes only its own elements) and resets those whose episode ended, keeping
/// their last observation and statistics for the caller to report.
private struct NativeSlotSteps<Dynamics: ClassicDynamics>: BlockJob {
    let dynamics: Dynamics
    let options: ResetOptions
    let maxEpisodeSteps: Int
    let actions: UnsafeBufferPointer<Float>
    let out: VectorStep.Buffers
    let states: UnsafeMutableBufferPointer<Dynamics.State>
    let elapsed: UnsafeMutableBufferPointer<Int>
    let generators: UnsafeMutableBufferPointer<RandomGenerator>
    let returns: UnsafeMutableBufferPointer<Double>
    let lengths: UnsafeMutableBufferPointer<Int>
    /// Episodes that ended this step: flag, final observation, return and length by slot.
    let ended: UnsafeMutableBufferPointer<Bool>
    let finals: UnsafeMutableBufferPointer<Float>
    let endedReturns: UnsafeMutableBufferPointer<Double>
    let endedLengths: UnsafeMutableBufferPointer<Int>

    var count: Int { states.count }

    func run(_ block: Range<Int>) throws {
        let obsSize = out.observations.count / count, actSize = actions.count / count
        for i in block {
            let action = UnsafeBufferPointer(rebasing: actions[(i * actSize)..<((i + 1) * actSize)])
            let (reward, terminated) = dynamics.step(&states[i], action: action)
            elapsed[i] += 1
            let truncated = elapsed[i] >= maxEpisodeSteps  // as Gymnasium's TimeLimit, even if terminated
            let slot = UnsafeMutableBufferPointer(rebasing: out.observations[(i * obsSize)..<((i + 1) * obsSize)])
            dynamics.observe(states[i], into: slot)
            out.rewards[i] = reward
            out.terminated[i] = terminated
            out.truncated[i] = truncated
            returns[i] += reward
            lengths[i] += 1
            if terminated || truncated {
                (ended[i], endedReturns[i], endedLengths[i]) = (true, returns[i], lengths[i])
                (returns[i], lengths[i], elapsed[i]) = (0, 0, 0)
                for j in 0..<obsSize { finals[i * obsSize + j] = slot[j] }
                states[i] = try dynamics.reset(options: options, generator: &generators[i])
                dynamics.observe(states[i], into: slot)
            }
        }
    }
}

extension NativeVectorEnvironment: StateRestorable {
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.values["states"] = states.flatMap(\.savedValues)
        saved.generators["generators"] = generators
        saved.set("elapsed", elapsed)
        tally.save(into: &saved)
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        let width = Dynamics.State.savedValueCount
        let values = try saved.values("states", count: count * width, of: name)
        states = (0..<count).map { Dynamics.State(savedValues: Array(values[($0 * width)..<(($0 + 1) * width)])) }
        generators = try saved.generators("generators", count: count, of: name)
        elapsed = try saved.integers("elapsed", count: count, in: 0...(maxEpisodeSteps ?? Int(1 << 53)), of: name)
        tally = try EpisodeTally(saved, count: count, of: name)
    }
}
