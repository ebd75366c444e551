/// Several copies of an environment stepped together, with results in contiguous
/// buffers ready for a network (structure of arrays).
///
/// **Autoreset (same step).** When sub-environment `i` ends (terminated or truncated) during
/// `step`, it is reset immediately: `observations` holds the first observation of its next
/// episode, `finalObservations[i]` holds the true last observation of the episode that
/// ended (bootstrap from it on truncation), and `infos[i]` holds `episode_return` and
/// `episode_length`. Both are keyed by sub-environment index and hold entries only where
/// there is something to report, so a step allocates nothing per sub-environment. This is Gymnasium's `AutoresetMode.SAME_STEP` and Stable-Baselines3's
/// convention. Sub-environment `i` is seeded with `seed + i` by `reset(seed:)`; later resets
/// continue each one's stream.
public protocol VectorEnvironment: AnyObject {
    /// Number of sub-environments.
    var count: Int { get }
    /// A single sub-environment's spaces.
    var observationSpace: Space { get }
    var actionSpace: Space { get }
    var name: String { get }
    /// Resets every sub-environment; returns `count × observationSize` values.
    func reset(seed: UInt64?) throws -> [Float]
    /// Steps every sub-environment with `count × actionSize` values (row i for sub-environment i).
    func step(_ actions: [Float]) throws -> VectorStep
    /// The same, writing into `result` and reusing its arrays (no allocation when the caller
    /// passes back the previous step's result and holds no other copy of it).
    func step(_ actions: [Float], into result: inout VectorStep) throws
}

extension VectorEnvironment {
    public func step(_ actions: [Float], into result: inout VectorStep) throws {
        result = try step(actions)
    }

    public var observationSize: Int { observationSpace.flatCount }
    public var actionSize: Int { actionSpace.flatCount }
}

/// The outcome of one step of every sub-environment.
public struct VectorStep: Sendable {
    /// `count × observationSize`, row-major; already the next episode's first observation where one ended.
    public var observations: [Float]
    public var rewards: [Double]
    public var terminated: [Bool]
    public var truncated: [Bool]
    /// The last observation of each episode that ended this step, by sub-environment.
    public var finalObservations: [Int: [Float]] = [:]
    /// Non-empty infos by sub-environment: the environment's own, plus `episode_return` and
    /// `episode_length` where an episode ended.
    public var infos: [Int: Info] = [:]

    public init(count: Int, observationSize: Int) {
        observations = [Float](repeating: 0, count: count * observationSize)
        rewards = [Double](repeating: 0, count: count)
        terminated = [Bool](repeating: false, count: count)
        truncated = [Bool](repeating: false, count: count)
    }

    /// An empty result to pass to ``VectorEnvironment/step(_:into:)`` the first time.
    public init() {
        observations = []
        rewards = []
        terminated = []
        truncated = []
    }

    /// Sizes the arrays for `count` sub-environments (reusing their storage) and clears the
    /// per-episode entries; every slot is then overwritten by the step.
    mutating func prepare(count: Int, observationSize: Int) {
        if rewards.count != count || observations.count != count * observationSize {
            self = VectorStep(count: count, observationSize: observationSize)
        }
        // Clearing an empty dictionary that kept its capacity still sweeps every bucket.
        if !finalObservations.isEmpty { finalObservations.removeAll(keepingCapacity: true) }
        if !infos.isEmpty { infos.removeAll(keepingCapacity: true) }
    }

    /// Raw views of every field, for filling slots in parallel.
    struct Buffers {
        var observations: UnsafeMutableBufferPointer<Float>
        var rewards: UnsafeMutableBufferPointer<Double>
        var terminated: UnsafeMutableBufferPointer<Bool>
        var truncated: UnsafeMutableBufferPointer<Bool>
    }

    mutating func withUnsafeBuffers<R>(_ body: (Buffers) throws -> R) rethrows -> R {
        try observations.withUnsafeMutableBufferPointer { o in
            try rewards.withUnsafeMutableBufferPointer { r in
                try terminated.withUnsafeMutableBufferPointer { te in
                    try truncated.withUnsafeMutableBufferPointer { tr in
                        try body(Buffers(observations: o, rewards: r, terminated: te, truncated: tr))
                    }
                }
            }
        }
    }

    /// Sub-environments whose episode ended this step.
    public var doneIndices: [Int] { (0..<rewards.count).filter { terminated[$0] || truncated[$0] } }
}

/// Tracks each slot's running episode return and length for the `episode_*` infos.
struct EpisodeTally {
    var returns: [Double]
    var lengths: [Int]

    init(count: Int) {
        returns = [Double](repeating: 0, count: count)
        lengths = [Int](repeating: 0, count: count)
    }

    /// Raw views of the returns and lengths, for slots updating them in parallel.
    mutating func withUnsafeBuffers<R>(_ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Int>) throws -> R) rethrows -> R {
        try returns.withUnsafeMutableBufferPointer { returns in
            try lengths.withUnsafeMutableBufferPointer { lengths in try body(returns, lengths) }
        }
    }
}
