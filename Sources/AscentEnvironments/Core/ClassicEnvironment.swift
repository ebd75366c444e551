import AscentRandom

/// A single environment running a ``ClassicDynamics``: seeding, the reset/step protocol
/// (no step before reset or after the episode ended), validation of actions and options,
/// and physical parameters by name.
public final class ClassicEnvironment<Dynamics: ClassicDynamics>: PhysicallyParameterized {
    public private(set) var dynamics: Dynamics
    /// The current episode's state (nil before the first reset).
    public var state: Dynamics.State?
    /// The random stream for resets; reseeded by `reset(seed:)`.
    public var generator: RandomGenerator
    private var ended = false
    private let observationSize: Int
    private let actionCheck: ActionCheck

    public init(_ dynamics: Dynamics) {
        self.dynamics = dynamics
        observationSize = dynamics.observationSpace.flatCount
        actionCheck = dynamics.actionCheck
        // Unseeded environments draw a seed from the system, as Gymnasium does.
        generator = RandomGenerator(seed: UInt64.random(in: 0...UInt64.max), stream: dynamics.name)
    }

    public var name: String { dynamics.name }
    public var observationSpace: Space { dynamics.observationSpace }
    public var actionSpace: Space { dynamics.actionSpace }
    public var physicalParameters: [PhysicalParameter] { dynamics.parameters }

    public func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        try dynamics.validate(options: options)
        if let seed { generator = RandomGenerator(seed: seed, stream: name) }
        let start = try dynamics.reset(options: options, generator: &generator)
        state = start
        ended = false
        return (observation(of: start), [:])
    }

    @_specialize(where Dynamics == PendulumDynamics)
    @_specialize(where Dynamics == CartPoleDynamics)
    @_specialize(where Dynamics == MountainCarDynamics)
    @_specialize(where Dynamics == AcrobotDynamics)
    public func step(_ action: [Float]) throws -> Step {
        guard var current = state else { throw EnvironmentError.stepBeforeReset(environment: name) }
        if ended { throw EnvironmentError.stepAfterEpisodeEnd(environment: name) }
        let (reward, terminated) = try action.withUnsafeBufferPointer { buffer in
            try actionCheck.validate(buffer)
            return dynamics.step(&current, action: buffer)
        }
        state = current
        ended = terminated
        return Step(observation: observation(of: current), reward: reward, terminated: terminated)
    }

    /// Dispatches to a copy compiled for the concrete built-in dynamics before touching any
    /// generic state: the generic body would look up `Dynamics.State`'s metadata on every call,
    /// which costs time and makes threads stepping different environments contend.
    public func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        if Dynamics.self == PendulumDynamics.self {
            return try unsafeDowncast(self, to: ClassicEnvironment<PendulumDynamics>.self).stepInPlace(action, into: observation)
        }
        if Dynamics.self == CartPoleDynamics.self {
            return try unsafeDowncast(self, to: ClassicEnvironment<CartPoleDynamics>.self).stepInPlace(action, into: observation)
        }
        if Dynamics.self == MountainCarDynamics.self {
            return try unsafeDowncast(self, to: ClassicEnvironment<MountainCarDynamics>.self).stepInPlace(action, into: observation)
        }
        if Dynamics.self == AcrobotDynamics.self {
            return try unsafeDowncast(self, to: ClassicEnvironment<AcrobotDynamics>.self).stepInPlace(action, into: observation)
        }
        return try stepInPlace(action, into: observation)
    }

    @inline(never)
    private func stepInPlace(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        guard var current = state else { throw EnvironmentError.stepBeforeReset(environment: name) }
        if ended { throw EnvironmentError.stepAfterEpisodeEnd(environment: name) }
        guard observation.count == observationSize else {
            throw EnvironmentError.invalidConfiguration("\(name): observation buffer holds \(observation.count) values, the observation has \(observationSize)")
        }
        try actionCheck.validate(action)
        let (reward, terminated) = dynamics.step(&current, action: action)
        state = current
        ended = terminated
        dynamics.observe(current, into: observation)
        return StepOutcome(reward: reward, terminated: terminated)
    }

    public func render() -> RenderFrame {
        guard let state else { return RenderFrame(kind: name, values: [:]) }
        return dynamics.render(state)
    }

    private func observation(of state: Dynamics.State) -> [Float] {
        [Float](unsafeUninitializedCapacity: observationSize) { buffer, count in
            dynamics.observe(state, into: buffer)
            count = buffer.count
        }
    }

    public func physicalParameter(_ name: String) throws -> Double {
        guard dynamics.parameters.contains(where: { $0.name == name }) else {
            throw EnvironmentError.unknownParameter(environment: self.name, name: name, valid: dynamics.parameters.map(\.name))
        }
        return dynamics[parameter: name]
    }

    public func setPhysicalParameter(_ name: String, to value: Double) throws {
        try dynamics.setValidated(name, to: value)
    }
}

extension ClassicEnvironment: StateRestorable {
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.generators["generator"] = [generator]
        if let state { saved.values["state"] = state.savedValues }
        saved.set("ended", ended)
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        generator = try saved.generators("generator", count: 1, of: name)[0]
        state = saved.values["state"] == nil ? nil
            : Dynamics.State(savedValues: try saved.values("state", count: Dynamics.State.savedValueCount, of: name))
        ended = try saved.flag("ended", of: name)
    }
}
