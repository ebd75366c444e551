import Foundation

/// How to build a registered environment: Gymnasium's id, its episode limit and the
/// constructor options it accepts.
public struct EnvironmentSpec: Sendable {
    public let id: String
    /// Episodes are truncated after this many steps (Gymnasium's `max_episode_steps`); nil for none.
    public let maxEpisodeSteps: Int?
    /// The return at which the task counts as solved, if Gymnasium registers one.
    public let rewardThreshold: Double?
    /// Constructor options and what they mean.
    public let options: [String: String]
    public let summary: String
    let build: @Sendable (_ options: [String: Double]) throws -> any Environment
    /// A native batched implementation, for built-in environments: (options, count, time limit, threads).
    let buildNative: (@Sendable (_ options: [String: Double], _ count: Int, _ maxEpisodeSteps: Int?, _ threads: Int) throws -> any VectorEnvironment)?

    public init(id: String, maxEpisodeSteps: Int?, rewardThreshold: Double? = nil, options: [String: String] = [:],
                summary: String, build: @escaping @Sendable ([String: Double]) throws -> any Environment) {
        self.init(id: id, maxEpisodeSteps: maxEpisodeSteps, rewardThreshold: rewardThreshold, options: options,
                  summary: summary, build: build, buildNative: nil)
    }

    init(id: String, maxEpisodeSteps: Int?, rewardThreshold: Double? = nil, options: [String: String] = [:], summary: String,
         build: @escaping @Sendable ([String: Double]) throws -> any Environment,
         buildNative: (@Sendable ([String: Double], Int, Int?, Int) throws -> any VectorEnvironment)?) {
        self.id = id
        self.maxEpisodeSteps = maxEpisodeSteps
        self.rewardThreshold = rewardThreshold
        self.options = options
        self.summary = summary
        self.build = build
        self.buildNative = buildNative
    }

    /// A spec for a built-in environment: one dynamics value serves the single and the native vector versions.
    static func classic<D: ClassicDynamics>(id: String, maxEpisodeSteps: Int, rewardThreshold: Double? = nil,
                                             options: [String: String] = [:], summary: String,
                                             dynamics: @escaping @Sendable ([String: Double]) throws -> D) -> EnvironmentSpec {
        EnvironmentSpec(id: id, maxEpisodeSteps: maxEpisodeSteps, rewardThreshold: rewardThreshold, options: options, summary: summary,
                        build: { ClassicEnvironment(try dynamics($0)) },
                        buildNative: { try NativeVectorEnvironment(try dynamics($0), count: $1, maxEpisodeSteps: $2, threads: $3) })
    }
}

/// How ``Environments/makeVector(_:count:options:mode:)`` runs the copies.
public enum VectorMode: Sendable, Equatable {
    /// `.native` where the id has a batched implementation (built-in and MuJoCo ids), else `.serial`.
    case automatic
    /// The built-in environment's batched implementation (fastest; built-in ids only).
    case native
    /// The batched implementation split across this many threads (built-in ids only).
    case nativeThreaded(Int)
    /// Separate environments stepped one after another.
    case serial
    /// Separate environments split across this many threads.
    case threaded(Int)
}

/// Gymnasium's `make` and `register`: environments by id, wrapped in their ``TimeLimit``.
///
/// ```swift
/// let env = try Environments.make("Pendulum-v1", options: ["g": 9.81])
/// ```
public enum Environments {
    private final class Table: @unchecked Sendable {
        let lock = NSLock()
        var specs: [String: EnvironmentSpec] = Dictionary(uniqueKeysWithValues: (Environments.builtIn + MuJoCoCatalog.specs).map { ($0.id, $0) })
    }
    private static let table = Table()

    /// Builds a registered environment. `max_episode_steps` overrides the registered limit
    /// (0 removes it); other options go to the constructor.
    public static func make(_ id: String, options: [String: Double] = [:]) throws -> any Environment {
        guard let spec = spec(id) else { throw EnvironmentError.unknownEnvironment(id: id, closest: closestIDs(to: id)) }
        var constructorOptions = options
        let limit = try timeLimit(for: spec, override: constructorOptions.removeValue(forKey: "max_episode_steps"))
        try validate(constructorOptions, for: spec)
        let environment = try spec.build(constructorOptions)
        guard let limit else { return environment }
        return try TimeLimit(environment, maxEpisodeSteps: limit)
    }

    /// `count` copies of a registered environment behind one ``VectorEnvironment``, each with
    /// the registered time limit. `.native` needs a built-in id.
    public static func makeVector(_ id: String, count: Int, options: [String: Double] = [:],
                                  mode: VectorMode = .native) throws -> any VectorEnvironment {
        guard count > 0 else { throw EnvironmentError.invalidConfiguration("the number of environments must be positive, got \(count)") }
        switch mode {
        case .automatic:
            guard let spec = spec(id) else { throw EnvironmentError.unknownEnvironment(id: id, closest: closestIDs(to: id)) }
            return try makeVector(id, count: count, options: options, mode: spec.buildNative == nil ? .serial : .native)
        case .native, .nativeThreaded:
            var threads = 1
            if case .nativeThreaded(let n) = mode { threads = n }
            guard let spec = spec(id) else { throw EnvironmentError.unknownEnvironment(id: id, closest: closestIDs(to: id)) }
            guard let buildNative = spec.buildNative else {
                throw EnvironmentError.invalidConfiguration("\(id) has no native vector implementation; use the serial or threaded mode")
            }
            var constructorOptions = options
            let limit = try timeLimit(for: spec, override: constructorOptions.removeValue(forKey: "max_episode_steps"))
            try validate(constructorOptions, for: spec)
            return try buildNative(constructorOptions, count, limit, threads)
        case .serial:
            return try SyncVectorEnvironment((0..<count).map { _ in try make(id, options: options) })
        case .threaded(let threads):
            return try ThreadedVectorEnvironment((0..<count).map { _ in try make(id, options: options) }, threads: threads)
        }
    }

    private static func validate(_ options: [String: Double], for spec: EnvironmentSpec) throws {
        for (key, value) in options {
            guard spec.options[key] != nil else {
                throw EnvironmentError.unknownOption(environment: spec.id, name: key, valid: spec.options.keys.sorted() + ["max_episode_steps"])
            }
            guard value.isFinite else { throw EnvironmentError.invalidOption(environment: spec.id, name: key, reason: "must be finite, got \(value)") }
        }
    }

    private static func timeLimit(for spec: EnvironmentSpec, override: Double?) throws -> Int? {
        guard let override else { return spec.maxEpisodeSteps }
        guard override >= 0, override == override.rounded() else {
            throw EnvironmentError.invalidOption(environment: spec.id, name: "max_episode_steps", reason: "must be a non-negative integer, got \(override)")
        }
        return override == 0 ? nil : Int(override)
    }

    /// Adds a user environment. Ids must be unique.
    public static func register(_ spec: EnvironmentSpec) throws {
        table.lock.lock()
        defer { table.lock.unlock() }
        guard table.specs[spec.id] == nil else { throw EnvironmentError.duplicateRegistration(id: spec.id) }
        table.specs[spec.id] = spec
    }

    public static func spec(_ id: String) -> EnvironmentSpec? {
        table.lock.lock()
        defer { table.lock.unlock() }
        return table.specs[id]
    }

    /// All registered ids, sorted.
    public static var ids: [String] {
        table.lock.lock()
        defer { table.lock.unlock() }
        return table.specs.keys.sorted()
    }

    /// Registered ids nearest to `id` by edit distance (case-insensitive), best first.
    static func closestIDs(to id: String, limit: Int = 3) -> [String] {
        let target = Array(id.lowercased())
        let scored = ids.map { candidate -> (String, Int) in (candidate, editDistance(Array(candidate.lowercased()), target)) }
        let cutoff = Swift.max(3, target.count / 2)
        return scored.filter { $0.1 <= cutoff }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...Swift.max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...Swift.max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// CartPole's v0 and v1 differ only in their limits.
    private static func cartPole(id: String, maxEpisodeSteps: Int, rewardThreshold: Double, summary: String) -> EnvironmentSpec {
        .classic(id: id, maxEpisodeSteps: maxEpisodeSteps, rewardThreshold: rewardThreshold,
                 options: ["sutton_barto_reward": "1 for reward 0 per step and -1 on failure (default 0)"], summary: summary) { options in
            var dynamics = CartPoleDynamics()
            dynamics.suttonBartoReward = (options["sutton_barto_reward"] ?? 0) != 0
            return dynamics
        }
    }

    static let builtIn: [EnvironmentSpec] = [
        .classic(id: "Pendulum-v1", maxEpisodeSteps: 200, options: ["g": "gravitational acceleration (default 10)"],
                 summary: "swing a pendulum upright and hold it (continuous torque)") { options in
            var dynamics = PendulumDynamics()
            try dynamics.setValidated("gravity", to: options["g"] ?? 10)
            return dynamics
        },
        cartPole(id: "CartPole-v1", maxEpisodeSteps: 500, rewardThreshold: 475, summary: "balance a pole on a cart (push left or right)"),
        cartPole(id: "CartPole-v0", maxEpisodeSteps: 200, rewardThreshold: 195, summary: "CartPole with the original 200-step limit"),
        .classic(id: "MountainCarContinuous-v0", maxEpisodeSteps: 999, rewardThreshold: 90,
                 options: ["goal_velocity": "velocity needed at the goal (default 0)"],
                 summary: "drive an under-powered car up a hill (continuous force)") { options in
            MountainCarDynamics(continuous: true, goalVelocity: options["goal_velocity"] ?? 0)
        },
        .classic(id: "MountainCar-v0", maxEpisodeSteps: 200, rewardThreshold: -110,
                 options: ["goal_velocity": "velocity needed at the goal (default 0)"],
                 summary: "drive an under-powered car up a hill (push left, none, right)") { options in
            MountainCarDynamics(continuous: false, goalVelocity: options["goal_velocity"] ?? 0)
        },
        .classic(id: "Acrobot-v1", maxEpisodeSteps: 500, rewardThreshold: -100,
                 summary: "swing the tip of a two-link chain above a line (torque -1, 0, +1)") { _ in
            AcrobotDynamics()
        },
    ]
}
