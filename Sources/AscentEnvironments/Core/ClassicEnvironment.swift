import AscentRandom

/// Shared machinery of the built-in environments: seeding, the reset/step protocol
/// (no step before reset or after the episode ended), action and option validation, and
/// physical parameters by name. A subclass supplies the physics in ``resetState(options:)``,
/// ``advance(_:)`` and ``render()``.
open class ClassicEnvironment: PhysicallyParameterized {
    public let name: String
    public let observationSpace: Space
    public let actionSpace: Space
    /// Reset options this environment understands.
    public let resetOptionNames: [String]
    public let physicalParameters: [PhysicalParameter]
    /// The environment's random stream; reseeded by `reset(seed:)`.
    public var generator: RandomGenerator
    private var parameterValues: [String: Double]
    private var phase: Phase = .needsReset
    private enum Phase { case needsReset, running, ended }

    public init(name: String, observationSpace: Space, actionSpace: Space, resetOptionNames: [String],
                physicalParameters: [PhysicalParameter]) {
        self.name = name
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.resetOptionNames = resetOptionNames
        self.physicalParameters = physicalParameters
        parameterValues = Dictionary(uniqueKeysWithValues: physicalParameters.map { ($0.name, $0.nominal) })
        // Unseeded environments draw a seed from the system, as Gymnasium does.
        generator = RandomGenerator(seed: UInt64.random(in: 0...UInt64.max), stream: name)
    }

    // MARK: Subclass hooks

    /// Samples a start state and returns the first observation. `options` were validated
    /// against ``resetOptionNames`` and are finite.
    open func resetState(options: ResetOptions) throws -> [Float] { fatalError("\(name) must override resetState") }
    /// Applies a validated action and returns the step (without time-limit truncation).
    open func advance(_ action: [Float]) -> Step { fatalError("\(name) must override advance") }
    open func render() -> RenderFrame { RenderFrame(kind: name, values: [:]) }
    /// Called after a physical parameter changes, so cached derived constants can update.
    open func parametersDidChange() {}

    // MARK: Environment

    public final func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        for (key, value) in options {
            guard resetOptionNames.contains(key) else {
                throw EnvironmentError.unknownOption(environment: name, name: key, valid: resetOptionNames)
            }
            guard value.isFinite else { throw EnvironmentError.invalidOption(environment: name, name: key, reason: "must be finite, got \(value)") }
        }
        if let seed { generator = RandomGenerator(seed: seed, stream: name) }
        let observation = try resetState(options: options)
        phase = .running
        return (observation, [:])
    }

    public final func step(_ action: [Float]) throws -> Step {
        switch phase {
        case .needsReset: throw EnvironmentError.stepBeforeReset(environment: name)
        case .ended: throw EnvironmentError.stepAfterEpisodeEnd(environment: name)
        case .running: break
        }
        try validate(action)
        let result = advance(action)
        if result.isDone { phase = .ended }
        return result
    }

    /// Right size, finite, and for a Discrete space an integer in range. Out-of-range Box
    /// actions are allowed: each environment clips them as Gymnasium does.
    public final func validate(_ action: [Float]) throws {
        guard action.count == actionSpace.flatCount else {
            throw EnvironmentError.invalidAction(environment: name, reason: "expected \(actionSpace.flatCount) value(s) for \(actionSpace), got \(action.count)")
        }
        for (i, value) in action.enumerated() where !value.isFinite {
            throw EnvironmentError.invalidAction(environment: name, reason: "element \(i) is \(value); actions must be finite")
        }
        if case .discrete = actionSpace, let problem = actionSpace.violation(of: action) {
            throw EnvironmentError.invalidAction(environment: name, reason: "\(problem) (\(actionSpace))")
        }
    }

    // MARK: Physical parameters

    public final func physicalParameter(_ name: String) throws -> Double {
        guard let value = parameterValues[name] else {
            throw EnvironmentError.unknownParameter(environment: self.name, name: name, valid: physicalParameters.map(\.name))
        }
        return value
    }

    public final func setPhysicalParameter(_ name: String, to value: Double) throws {
        guard let spec = physicalParameters.first(where: { $0.name == name }) else {
            throw EnvironmentError.unknownParameter(environment: self.name, name: name, valid: physicalParameters.map(\.name))
        }
        guard value.isFinite, value > spec.minimumExclusive else {
            throw EnvironmentError.invalidParameter(environment: self.name, name: name,
                                                    reason: "must be finite and greater than \(spec.minimumExclusive), got \(value)")
        }
        parameterValues[name] = value
        parametersDidChange()
    }

    /// Current value of a parameter known to exist (for subclasses' cached constants).
    public final func parameter(_ name: String) -> Double { parameterValues[name]! }

    /// Reset bounds from `low`/`high` options with defaults, checked low ≤ high.
    public final func resetBounds(_ options: ResetOptions, low: Double, high: Double,
                                  lowKey: String = "low", highKey: String = "high") throws -> (Double, Double) {
        let lo = options[lowKey] ?? low, hi = options[highKey] ?? high
        guard lo <= hi else {
            throw EnvironmentError.invalidOption(environment: name, name: lowKey, reason: "(\(lo)) must not exceed \(highKey) (\(hi))")
        }
        return (lo, hi)
    }
}
