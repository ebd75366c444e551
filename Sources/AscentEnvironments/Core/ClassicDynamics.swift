import AscentRandom

/// The physics of an environment, separate from episode bookkeeping, so the same code
/// steps a single ``ClassicEnvironment`` and every slot of a ``NativeVectorEnvironment``
/// (which therefore agree to the last bit).
///
/// Implementations are value types holding the physical parameters; `State` holds one
/// episode's state.
public protocol ClassicDynamics: Sendable {
    associatedtype State: ClassicState
    /// The Gymnasium id, e.g. `Pendulum-v1`.
    var name: String { get }
    var observationSpace: Space { get }
    var actionSpace: Space { get }
    /// Reset options understood (e.g. `low`, `high`).
    var resetOptionNames: [String] { get }
    /// Physical parameters and their nominal values.
    var parameters: [PhysicalParameter] { get }
    /// Reads or writes a parameter listed in ``parameters`` (validated by the caller).
    subscript(parameter name: String) -> Double { get set }
    /// Samples a start state; options are known names with finite values.
    func reset(options: ResetOptions, generator: inout RandomGenerator) throws -> State
    /// Advances one step with a validated action of `actionSpace.flatCount` values.
    func step(_ state: inout State, action: UnsafeBufferPointer<Float>) -> (reward: Double, terminated: Bool)
    /// Writes the observation of `state` (`observationSpace.flatCount` values).
    func observe(_ state: State, into observation: UnsafeMutableBufferPointer<Float>)
    /// What a drawing of `state` needs.
    func render(_ state: State) -> RenderFrame
}

/// One episode's state of a classic environment as plain numbers, so that it can be saved and
/// restored exactly (see ``EnvironmentState``).
public protocol ClassicState: Sendable {
    /// How many numbers ``savedValues`` holds.
    static var savedValueCount: Int { get }
    /// The state's numbers, in a fixed order.
    var savedValues: [Double] { get }
    /// The state ``savedValues`` came from (`values` holds exactly ``savedValueCount`` numbers).
    init(savedValues values: [Double])
}

extension ClassicDynamics {
    /// Reset bounds from `low`/`high` options with defaults, checked low ≤ high.
    func resetBounds(_ options: ResetOptions, low: Double, high: Double) throws -> (Double, Double) {
        let lo = options["low"] ?? low, hi = options["high"] ?? high
        guard lo <= hi else { throw EnvironmentError.invalidOption(environment: name, name: "low", reason: "(\(lo)) must not exceed high (\(hi))") }
        return (lo, hi)
    }

    /// The action checker for this dynamics' action space (build once, use every step).
    var actionCheck: ActionCheck { ActionCheck(environment: name, space: actionSpace) }

    /// Checks reset options: known names, finite values.
    func validate(options: ResetOptions) throws {
        for (key, value) in options {
            guard resetOptionNames.contains(key) else {
                throw EnvironmentError.unknownOption(environment: name, name: key, valid: resetOptionNames)
            }
            guard value.isFinite else { throw EnvironmentError.invalidOption(environment: name, name: key, reason: "must be finite, got \(value)") }
        }
    }

    /// Sets a parameter after checking its name and value.
    mutating func setValidated(_ parameterName: String, to value: Double) throws {
        guard let spec = parameters.first(where: { $0.name == parameterName }) else {
            throw EnvironmentError.unknownParameter(environment: name, name: parameterName, valid: parameters.map(\.name))
        }
        guard value.isFinite, value > spec.minimumExclusive else {
            throw EnvironmentError.invalidParameter(environment: name, name: parameterName,
                                                    reason: "must be finite and greater than \(spec.minimumExclusive), got \(value)")
        }
        self[parameter: parameterName] = value
    }
}

/// Validates actions for one action space without rebuilding the space every step:
/// right size, finite, and for a Discrete space an integer in range. Out-of-range Box
/// actions pass: each environment clips them as Gymnasium does.
struct ActionCheck: Sendable {
    let environment: String
    let space: Space
    let count: Int
    let discreteRange: Range<Int>?

    init(environment: String, space: Space) {
        self.environment = environment
        self.space = space
        count = space.flatCount
        if case .discrete(let n, let start) = space { discreteRange = start..<(start + n) } else { discreteRange = nil }
    }

    @inline(__always)
    func validate(_ action: UnsafeBufferPointer<Float>) throws {
        guard action.count == count else {
            throw EnvironmentError.invalidAction(environment: environment, reason: "expected \(count) value(s) for \(space), got \(action.count)")
        }
        for i in 0..<count where !action[i].isFinite {
            throw EnvironmentError.invalidAction(environment: environment, reason: "element \(i) is \(action[i]); actions must be finite")
        }
        if let range = discreteRange {
            let v = action[0]
            guard v == v.rounded(), v >= Float(range.lowerBound), v < Float(range.upperBound) else {
                throw EnvironmentError.invalidAction(environment: environment, reason: "\(v) is not an integer in \(range.lowerBound)..<\(range.upperBound) (\(space))")
            }
        }
    }
}
