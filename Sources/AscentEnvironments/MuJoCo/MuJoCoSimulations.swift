import AscentRandom
import Foundation

/// A task's simulations on one ``MuJoCoBatch``: start states, steps and observations as
/// Gymnasium's `MujocoEnv` makes them, without episode bookkeeping (which the single and the
/// vector environments add).
///
/// A step writes every simulation's action as its `ctrl` (unclipped, as Gymnasium: MuJoCo
/// clamps it to `ctrlrange` when it computes actuator forces), runs `frameSkip` × `mj_step`
/// on the batch's threads (then `mj_rnePostConstraint` where the task reads contact forces),
/// and evaluates the task on the caller's thread.
final class MuJoCoSimulations<Task: MuJoCoTask> {
    private(set) var task: Task
    let batch: MuJoCoBatch
    let actionSpace: Space
    let observationSpace: Space
    /// `opt.timestep × frameSkip`: the time one environment step covers.
    let dt: Double
    /// The model's initial state (`qpos0` and zero velocities), which start states perturb.
    private let initialQpos: [Double], initialQvel: [Double]
    private let fields: [MuJoCoBatch.Field]
    /// Divergence warnings seen so far, per simulation (MuJoCo resets a diverged simulation).
    private var divergences: [Int]
    /// Each simulation's ``MuJoCoTask/progress(_:)`` before the step in progress (reused).
    private var before: [SIMD2<Double>]

    var count: Int { batch.count }

    /// The most simulations one batch holds (MuJoCo counts them in an `int`; memory runs out long before).
    static var maximumCount: Int { 1_000_000 }

    init(task: Task, modelFile: URL, count: Int, threads: Int, library: MuJoCoLibrary? = nil) throws {
        guard (1...Self.maximumCount).contains(count) else {
            throw EnvironmentError.invalidConfiguration("\(task.id): a MuJoCo batch holds 1...\(Self.maximumCount) simulations, got \(count)")
        }
        let model = try MuJoCoModel(file: modelFile, library: library)
        let batch = try MuJoCoBatch(model: model, count: count, threads: threads)
        try batch.reset(nil)
        initialQpos = Array(batch.row(batch.qpos, 0))
        initialQvel = Array(batch.row(batch.qvel, 0))
        let facts = MuJoCoModelFacts(nq: batch.qpos.size, nv: batch.qvel.size, nu: batch.ctrl.size,
                                     bodies: try batch.expand("body_mass").size, initialQpos: initialQpos)
        guard facts.nu > 0 else {
            throw MuJoCoError.unsupportedModel(path: modelFile.path, reason: "has no actuators, so there is nothing for an action to drive")
        }
        var task = task
        try task.bind(to: model, facts: facts)
        fields = try task.fields.map { field in
            switch field {
            case .data(let name): try batch.output(name)
            case .model(let name): try batch.expand(name)
            }
        }
        let range = try batch.expand("actuator_ctrlrange").row(0)
        for j in 0..<facts.nu where !(range[2 * j] <= range[2 * j + 1]) {
            throw MuJoCoError.unsupportedModel(path: modelFile.path, reason: "actuator \(j)'s ctrlrange [\(range[2 * j]), \(range[2 * j + 1])] is empty; the action space needs low ≤ high")
        }
        for (k, field) in fields.enumerated() where field.size < task.minimumFieldSizes[k] {
            throw MuJoCoError.unsupportedModel(path: modelFile.path, reason: "\(task.id) reads \(task.fields[k]) with at least \(task.minimumFieldSizes[k]) values; the model has \(field.size)")
        }
        actionSpace = .box(Space.Box(low: (0..<facts.nu).map { Float(range[2 * $0]) }, high: (0..<facts.nu).map { Float(range[2 * $0 + 1]) }))
        observationSpace = .box(Space.Box(low: -.infinity, high: .infinity, shape: [task.observationSize]))
        dt = try batch.expand("opt.timestep").row(0)[0] * Double(task.frameSkip)
        divergences = [Int](repeating: 0, count: count)
        before = [SIMD2<Double>](repeating: .zero, count: count)
        self.task = task
        self.batch = batch
    }

    /// The task's view of simulation `i`.
    @inline(__always)
    private func state(_ i: Int, _ fields: UnsafeBufferPointer<MuJoCoBatch.Field>) -> MuJoCoState {
        MuJoCoState(qpos: batch.row(batch.qpos, i), qvel: batch.row(batch.qvel, i), ctrl: batch.row(batch.ctrl, i), fields: fields, simulation: i)
    }

    /// Resets simulations to new start states (`mj_resetData`, noise, `set_state`, `mj_forward`)
    /// and writes their observations (row `k` for `ids[k]`).
    func reset(_ ids: [Int], generators: UnsafeMutableBufferPointer<RandomGenerator>, into observations: UnsafeMutableBufferPointer<Float>) throws {
        let batchIDs = ids.count == count ? nil : ids.map { Int32($0) }
        try batch.reset(batchIDs)
        for i in ids {
            let qpos = batch.row(batch.qpos, i), qvel = batch.row(batch.qvel, i)
            for j in qpos.indices { qpos[j] = initialQpos[j] }
            for j in qvel.indices { qvel[j] = initialQvel[j] }
            task.sampleStart(qpos: qpos, qvel: qvel, generator: &generators[i])
        }
        try batch.forward(batchIDs)
        try observe(ids, into: observations)
    }

    /// Sets simulation `i`'s `qpos` and `qvel` and runs `mj_forward` (Gymnasium's `set_state`).
    func setState(_ i: Int, qpos: [Double], qvel: [Double]) throws {
        guard qpos.count == batch.qpos.size, qvel.count == batch.qvel.size else {
            throw EnvironmentError.invalidConfiguration("\(task.id): set_state needs \(batch.qpos.size) qpos and \(batch.qvel.size) qvel values, got \(qpos.count) and \(qvel.count)")
        }
        guard (qpos + qvel).allSatisfy(\.isFinite) else { throw EnvironmentError.nonFiniteValue(environment: task.id, quantity: "set_state's qpos or qvel") }
        let qposRow = batch.row(batch.qpos, i), qvelRow = batch.row(batch.qvel, i)
        for j in qpos.indices { qposRow[j] = qpos[j] }
        for j in qvel.indices { qvelRow[j] = qvel[j] }
        try batch.forward(count == 1 ? nil : [Int32(i)])
    }

    func integrationState(_ i: Int, controls: [Float]) -> [Double] {
        var row = Array(UnsafeBufferPointer(start: batch.state + i * batch.stateSize, count: batch.stateSize))
        for (j, u) in controls.enumerated() { row[batch.ctrl.offset + j] = Double(u) }
        return row
    }

    /// Simulation `i`'s state row (`mjSTATE_INTEGRATION`: time, qpos, qvel, act, warm start,
    /// controls, ...) followed by the data fields the task reads. Those fields carry values
    /// from one step into the next (a task measures progress from positions the last step
    /// computed, as Gymnasium does), so restoring the row alone would not continue exactly.
    func savedState(_ i: Int) -> [Double] {
        var values = Array(UnsafeBufferPointer(start: batch.state + i * batch.stateSize, count: batch.stateSize))
        for (field, kind) in zip(fields, task.fields) where kind.isData { values += field.row(i) }
        return values
    }

    var savedStateSize: Int {
        batch.stateSize + zip(fields, task.fields).reduce(0) { $0 + ($1.1.isData ? $1.0.size : 0) }
    }

    /// Writes ``savedState(_:)``'s output back: the next step starts from exactly that state.
    func restoreState(_ i: Int, _ values: [Double]) {
        precondition(values.count == savedStateSize, "MuJoCoSimulations.restoreState: \(values.count) values, expected \(savedStateSize)")
        for j in 0..<batch.stateSize { batch.state[i * batch.stateSize + j] = values[j] }
        var offset = batch.stateSize
        for (field, kind) in zip(fields, task.fields) where kind.isData {
            let row = field.row(i)
            for j in 0..<field.size { row[j] = values[offset + j] }
            offset += field.size
        }
    }

    /// The model's physical constants by name, made on first use (expanding the fields).
    var physics: MuJoCoPhysics {
        get throws {
            if let physicsStorage { return physicsStorage }
            let made = try MuJoCoPhysics(batch: batch, model: batch.model)
            physicsStorage = made
            return made
        }
    }
    private var physicsStorage: MuJoCoPhysics?

    /// Simulation `i` as a drawing (geoms and joints); registers the geom outputs on first use.
    func renderFrame(_ i: Int) throws -> RenderFrame {
        if sceneStorage == nil { sceneStorage = try MuJoCoScene(batch: batch, drawing: task.drawing) }
        return sceneStorage!.frame(i, kind: "mujoco")
    }
    private var sceneStorage: MuJoCoScene?

    func qpos(_ i: Int) -> [Double] { Array(batch.row(batch.qpos, i)) }
    func qvel(_ i: Int) -> [Double] { Array(batch.row(batch.qvel, i)) }

    func resetInfo(_ i: Int) -> Info {
        fields.withUnsafeBufferPointer { task.resetInfo(state(i, $0)) }
    }

    /// Writes the observations of `ids` (row `k` for `ids[k]`), refusing non-finite values.
    func observe(_ ids: [Int], into observations: UnsafeMutableBufferPointer<Float>) throws {
        let size = task.observationSize
        try fields.withUnsafeBufferPointer { fields in
            for (k, i) in ids.enumerated() {
                let row = UnsafeMutableBufferPointer(rebasing: observations[(k * size)..<((k + 1) * size)])
                task.observe(state(i, fields), into: row)
                try requireFinite(row)
            }
        }
    }

    /// Steps every simulation with `count × nu` actions; writes observations and outcomes.
    /// `diverged[i]` is set where MuJoCo reported a bad qpos/qvel/qacc/ctrl and reset the
    /// simulation (its episode cannot go on).
    func step(_ actions: UnsafeBufferPointer<Float>, observations: UnsafeMutableBufferPointer<Float>,
              outcomes: UnsafeMutableBufferPointer<MuJoCoOutcome>, diverged: UnsafeMutableBufferPointer<Bool>, withInfo: Bool) throws {
        let nu = batch.ctrl.size, size = task.observationSize
        try fields.withUnsafeBufferPointer { fields in
            for i in 0..<count {
                let ctrl = batch.row(batch.ctrl, i)
                for j in 0..<nu { ctrl[j] = Double(actions[i * nu + j]) }
                before[i] = task.progress(state(i, fields))
            }
            try batch.step(nil, substeps: task.frameSkip, constraintForces: task.needsConstraintForces)
            for i in 0..<count {
                let s = state(i, fields)
                let action = UnsafeBufferPointer(rebasing: actions[(i * nu)..<((i + 1) * nu)])
                outcomes[i] = task.outcome(s, before: before[i], action: action, dt: dt, withInfo: withInfo)
                let row = UnsafeMutableBufferPointer(rebasing: observations[(i * size)..<((i + 1) * size)])
                task.observe(s, into: row)
                diverged[i] = updateDivergence(i)
                if !diverged[i] { try requireFinite(row) }
            }
        }
    }

    private func updateDivergence(_ i: Int) -> Bool {
        let total = MuJoCoBatch.divergenceWarnings.reduce(0) { $0 + batch.warningCount(i, $1.index) }
        defer { divergences[i] = total }
        return total > divergences[i]
    }

    private func requireFinite(_ values: UnsafeMutableBufferPointer<Float>) throws {
        for v in values where !v.isFinite { throw EnvironmentError.nonFiniteValue(environment: task.id, quantity: "the observation") }
    }
}
