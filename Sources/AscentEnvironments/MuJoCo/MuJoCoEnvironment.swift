import AscentRandom
import Foundation

/// One Gymnasium MuJoCo environment (HalfCheetah-v5, Hopper-v5, ...) on the real MuJoCo
/// library, bit-identical to Gymnasium's on the same libmujoco from the same state.
///
/// `Environments.make("HalfCheetah-v5")` builds one with the registered time limit; this
/// initialiser also takes a model file of your own (`xmlFile`, Gymnasium's `xml_file`).
/// ``setState(qpos:qvel:)`` is Gymnasium's `set_state`. The array-returning ``step(_:)``
/// reports Gymnasium's info keys (`x_velocity`, `reward_forward`, `reward_ctrl`, ...); the
/// in-place step that vector environments use reports none.
///
/// When MuJoCo reports a diverged simulation (bad qacc and the like) it resets the
/// simulation; the step then ends the episode (`truncated`, info `simulation_diverged` = 1)
/// instead of continuing from the teleported state.
public final class MuJoCoEnvironment: PhysicallyParameterized {
    let simulations: any MuJoCoSimulating
    private var generator: [RandomGenerator]
    private var started = false, ended = false
    private var outcome = [MuJoCoOutcome(reward: 0, terminated: false)]
    private var diverged = [false]
    private let actionCheck: ActionCheck

    public var name: String { simulations.id }
    public var observationSpace: Space { simulations.observationSpace }
    public var actionSpace: Space { simulations.actionSpace }
    /// The MuJoCo environment ids (Gymnasium v5).
    public static var ids: [String] { MuJoCoCatalog.entries.map(\.id) }

    /// Simulated seconds per step: `opt.timestep × frame_skip`.
    public var dt: Double { simulations.dt }
    /// The MJCF file the model was compiled from.
    public var modelFile: URL { simulations.modelFile }

    /// - Parameters:
    ///   - id: a MuJoCo environment id (`ascent env list` shows them).
    ///   - options: Gymnasium's constructor arguments (see `ascent env info <id>`).
    ///   - xmlFile: a model file (a path), or one of Gymnasium's asset names; nil for the id's own.
    public convenience init(_ id: String, options: [String: Double] = [:], xmlFile: String? = nil) throws {
        guard let entry = MuJoCoCatalog.entry(id) else {
            throw EnvironmentError.unknownEnvironment(id: id, closest: MuJoCoCatalog.entries.map(\.id).filter { $0.lowercased().hasPrefix(id.prefix(3).lowercased()) })
        }
        for (key, value) in options {
            guard entry.options[key] != nil else { throw EnvironmentError.unknownOption(environment: id, name: key, valid: entry.options.keys.sorted()) }
            guard value.isFinite || key.hasSuffix("_low") || key.hasSuffix("_high") else {
                throw EnvironmentError.invalidOption(environment: id, name: key, reason: "must be finite, got \(value)")
            }
        }
        try self.init(simulations: entry.make(options, xmlFile, 1, 1))
    }

    init(simulations: any MuJoCoSimulating) throws {
        self.simulations = simulations
        actionCheck = ActionCheck(environment: simulations.id, space: simulations.actionSpace)
        generator = [RandomGenerator(seed: UInt64.random(in: 0...UInt64.max), stream: simulations.id)]
    }

    public func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        if let key = options.keys.sorted().first { throw EnvironmentError.unknownOption(environment: name, name: key, valid: []) }
        if let seed { generator[0] = RandomGenerator(seed: seed, stream: name) }
        var observation = [Float](repeating: 0, count: observationSpace.flatCount)
        try generator.withUnsafeMutableBufferPointer { g in
            try observation.withUnsafeMutableBufferPointer { try simulations.reset([0], generators: g, into: $0) }
        }
        (started, ended) = (true, false)
        return (observation, simulations.resetInfo(0))
    }

    public func step(_ action: [Float]) throws -> Step {
        var observation = [Float](repeating: 0, count: observationSpace.flatCount)
        let result = try action.withUnsafeBufferPointer { action in
            try observation.withUnsafeMutableBufferPointer { try advance(action, into: $0, withInfo: true) }
        }
        return Step(observation: observation, reward: result.reward, terminated: result.terminated, truncated: result.truncated, info: result.info ?? [:])
    }

    public func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        guard observation.count == observationSpace.flatCount else {
            throw EnvironmentError.invalidConfiguration("\(name): observation buffer holds \(observation.count) values, the observation has \(observationSpace.flatCount)")
        }
        return try advance(action, into: observation, withInfo: false)
    }

    private func advance(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>, withInfo: Bool) throws -> StepOutcome {
        guard started else { throw EnvironmentError.stepBeforeReset(environment: name) }
        if ended { throw EnvironmentError.stepAfterEpisodeEnd(environment: name) }
        try actionCheck.validate(action)
        try outcome.withUnsafeMutableBufferPointer { outcome in
            try diverged.withUnsafeMutableBufferPointer { try simulations.step(action, observations: observation, outcomes: outcome, diverged: $0, withInfo: withInfo) }
        }
        var info = outcome[0].info
        if diverged[0] { info = (info ?? [:]).merging(["simulation_diverged": 1]) { _, b in b } }
        ended = outcome[0].terminated || diverged[0]
        return StepOutcome(reward: outcome[0].reward, terminated: outcome[0].terminated, truncated: diverged[0], info: info)
    }

    /// Gymnasium's `set_state(qpos, qvel)`: sets the joint positions and velocities and runs
    /// `mj_forward`. The episode goes on from there (call `reset` first).
    public func setState(qpos: [Double], qvel: [Double]) throws {
        guard started else { throw EnvironmentError.stepBeforeReset(environment: name) }
        try simulations.setState(0, qpos: qpos, qvel: qvel)
    }

    /// The current joint positions (`data.qpos`) and velocities (`data.qvel`).
    public var qpos: [Double] { simulations.qpos(0) }
    public var qvel: [Double] { simulations.qvel(0) }

    /// The current observation, as `step` would report it.
    public func currentObservation() throws -> [Float] {
        var observation = [Float](repeating: 0, count: observationSpace.flatCount)
        try observation.withUnsafeMutableBufferPointer { try simulations.observe([0], into: $0) }
        return observation
    }

    /// Masses, frictions, damping, armature, gears and gravity by name (see `ascent env info <id>`).
    public var physicalParameters: [PhysicalParameter] { (try? simulations.physics.parameters) ?? [] }

    public func physicalParameter(_ name: String) throws -> Double {
        try simulations.physics.value(name, simulation: 0, environment: self.name)
    }

    /// Changes a physical constant; takes effect from the next step (derived constants are refreshed).
    public func setPhysicalParameter(_ name: String, to value: Double) throws {
        try simulations.physics.set(name, to: value, simulation: 0, environment: self.name)
    }

    /// The geoms' poses and the joints' state (see `MuJoCoScene`), kind `mujoco`.
    public func render() -> RenderFrame {
        (try? simulations.renderFrame(0)) ?? RenderFrame(kind: "mujoco", values: [:])
    }
}

extension MuJoCoEnvironment: StateRestorable {
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.generators["generator"] = generator
        saved.set("started", started)
        saved.set("ended", ended)
        saved.values["simulation"] = simulations.savedState(0)
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        generator = try saved.generators("generator", count: 1, of: name)
        started = try saved.flag("started", of: name)
        ended = try saved.flag("ended", of: name)
        simulations.restoreState(0, try saved.values("simulation", count: simulations.savedStateSize, of: name))
    }
}
