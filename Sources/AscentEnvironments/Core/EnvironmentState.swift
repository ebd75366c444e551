import AscentRandom

/// Everything that decides what an environment does next: its physical state, step and
/// episode counters, random streams, actions still in flight. Restoring it into an
/// environment built the same way continues from where it was saved, to the last bit; that
/// is what lets a resumed training run equal one that was never interrupted.
///
/// Numbers are kept by name as `Double`s (Float values and integers up to 2⁵³ convert
/// exactly, and JSON writes Doubles in their shortest round-tripping form); random generators
/// keep their words exactly. The states of nested environments (a wrapper's inner one, a
/// vector environment's sub-environments) are ``parts``, in order.
public struct EnvironmentState: Codable, Sendable, Equatable {
    public var values: [String: [Double]] = [:]
    public var generators: [String: [RandomGenerator]] = [:]
    public var parts: [EnvironmentState] = []

    public init() {}

    /// The `count` numbers saved under `key`; an error naming `environment` if they are missing,
    /// of another count or not finite.
    public func values(_ key: String, count: Int, of environment: String) throws -> [Double] {
        guard let values = values[key] else { throw invalid(environment, "has no '\(key)'") }
        guard values.count == count else { throw invalid(environment, "has \(values.count) values of '\(key)', expected \(count)") }
        guard values.allSatisfy(\.isFinite) else { throw invalid(environment, "has a non-finite value in '\(key)'") }
        return values
    }

    /// The `count` integers in `range` saved under `key`.
    public func integers(_ key: String, count: Int, in range: ClosedRange<Int>, of environment: String) throws -> [Int] {
        try values(key, count: count, of: environment).map { value in
            guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
                throw invalid(environment, "has '\(key)' = \(value); it must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return Int(value)
        }
    }

    /// A saved flag (stored as 0 or 1).
    public func flag(_ key: String, of environment: String) throws -> Bool {
        try integers(key, count: 1, in: 0...1, of: environment)[0] == 1
    }

    /// The `count` random generators saved under `key`.
    public func generators(_ key: String, count: Int, of environment: String) throws -> [RandomGenerator] {
        guard let generators = generators[key], generators.count == count else {
            throw invalid(environment, "needs \(count) random generator(s) under '\(key)', has \(generators[key]?.count ?? 0)")
        }
        return generators
    }

    /// The states of exactly `count` nested environments.
    public func parts(count: Int, of environment: String) throws -> [EnvironmentState] {
        guard parts.count == count else { throw invalid(environment, "holds \(parts.count) nested state(s), expected \(count)") }
        return parts
    }

    public mutating func set(_ key: String, _ flag: Bool) { values[key] = [flag ? 1 : 0] }
    public mutating func set(_ key: String, _ integers: [Int]) { values[key] = integers.map(Double.init) }

    private func invalid(_ environment: String, _ reason: String) -> EnvironmentError {
        .invalidSavedState(environment: environment, reason: reason)
    }
}

/// An environment, single or vector, whose whole state can be saved and restored exactly
/// (see ``EnvironmentState``). Every built-in environment, wrapper and vector environment
/// conforms; training runs on user environments that do not are still resumable, but start
/// fresh episodes when they resume.
public protocol StateRestorable: AnyObject {
    /// Everything the environment needs to continue exactly from here.
    func savedState() throws -> EnvironmentState
    /// Continues from `state`, saved by ``savedState()`` of an environment built the same way
    /// (same id, options, count and wrappers). A state that does not fit is an error, and
    /// leaves the environment unusable until the next reset.
    func restoreState(_ state: EnvironmentState) throws
}

extension Environment {
    /// The state of this environment, or an error saying it cannot save one.
    public func savedEnvironmentState() throws -> EnvironmentState { try restorable(self, name).savedState() }

    /// Restores ``savedEnvironmentState()``'s output.
    public func restoreEnvironmentState(_ state: EnvironmentState) throws { try restorable(self, name).restoreState(state) }
}

extension VectorEnvironment {
    /// The state of every sub-environment and of the vector's own bookkeeping, or an error
    /// saying it cannot save one.
    public func savedEnvironmentState() throws -> EnvironmentState { try restorable(self, name).savedState() }

    public func restoreEnvironmentState(_ state: EnvironmentState) throws { try restorable(self, name).restoreState(state) }
}

/// `environment` as ``StateRestorable``, or an error naming it.
private func restorable(_ environment: AnyObject, _ name: String) throws -> any StateRestorable {
    guard let restorable = environment as? any StateRestorable else { throw EnvironmentError.stateNotRestorable(environment: name) }
    return restorable
}

extension EpisodeTally {
    /// The running returns and lengths, under `returns` and `lengths`.
    func save(into state: inout EnvironmentState) {
        state.values["episode_returns"] = returns
        state.set("episode_lengths", lengths)
    }

    init(_ state: EnvironmentState, count: Int, of environment: String) throws {
        returns = try state.values("episode_returns", count: count, of: environment)
        lengths = try state.integers("episode_lengths", count: count, in: 0...(1 << 53), of: environment)
    }
}
