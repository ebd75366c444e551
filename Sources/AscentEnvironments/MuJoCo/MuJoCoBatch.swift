/// `count` simulations of one model on MuJoCo's batch thread pool (`mjBatch`), with their
/// state rows and the data and model fields Ascent reads, all addressed by name.
///
/// The batch is *persistent* (one `mjData` per simulation), so fields a call computes
/// survive to the next, exactly as with Gymnasium's single `MjData`; MuJoCo guarantees
/// results bit-identical to a loop over simulations at any thread count.
///
/// Each simulation's state is a row of `mj_getState(…, mjSTATE_INTEGRATION)` values; a
/// write to `qpos`/`qvel`/`ctrl` there is the state its next call starts from. Data fields
/// (`xpos`, `cfrc_ext`, …) are copies MuJoCo refreshes after every call. Model fields
/// (`body_mass`, …) become per-simulation values once expanded.
final class MuJoCoBatch {
    let model: MuJoCoModel
    let count: Int
    private let handle: OpaquePointer
    private var library: MuJoCoLibrary { model.library }
    /// `count × stateSize` state rows.
    let state: UnsafeMutablePointer<Double>
    let stateSize: Int

    /// Where one component sits in every state row.
    struct Component {
        let offset: Int
        let size: Int
    }
    let qpos: Component, qvel: Component, ctrl: Component

    /// A field with one row of `size` `mjtNum`s per simulation.
    struct Field {
        let base: UnsafeMutablePointer<Double>
        let size: Int
        func row(_ simulation: Int) -> UnsafeMutableBufferPointer<Double> {
            UnsafeMutableBufferPointer(start: base + simulation * size, count: size)
        }
    }

    /// `mjtState` bits of the components Ascent reads and writes.
    private enum StateBit: Int32 {
        case qpos = 2, qvel = 4, ctrl = 64
    }

    /// `mjtWarning` values that mean the simulation diverged (MuJoCo then resets it).
    static let divergenceWarnings: [(index: Int, name: String)] = [(3, "bad qpos"), (4, "bad qvel"), (5, "bad qacc"), (6, "bad ctrl")]
    /// `mjNWARNING` for MuJoCo 4.0.
    private static let warningKinds = 7

    init(model: MuJoCoModel, count: Int, threads: Int) throws {
        var config = BatchConfig(threads: Int32(max(1, min(threads, count))), persistent: 1)
        var message = [CChar](repeating: 0, count: 1_000)
        let size = Int32(message.count)
        let batch = withUnsafePointer(to: &config) { config in
            message.withUnsafeMutableBufferPointer { model.library.makeBatch(model.handle, Int32(count), config, $0.baseAddress, size) }
        }
        guard let batch, let state = model.library.batchState(batch) else {
            throw MuJoCoError.batchFailed("cannot make \(count) simulations of \(model.file.lastPathComponent): "
                                          + String(cString: message.withUnsafeBufferPointer { $0.baseAddress! }))
        }
        self.model = model
        self.count = count
        self.handle = batch
        self.state = state
        stateSize = Int(model.library.batchStateSize(batch))
        func component(_ bit: StateBit) -> Component {
            var size: Int32 = 0
            let start = model.library.batchStateComponent(batch, bit.rawValue, &size)
            return Component(offset: start.map { $0 - state } ?? 0, size: start == nil ? 0 : Int(size))
        }
        qpos = component(.qpos)
        qvel = component(.qvel)
        ctrl = component(.ctrl)
    }

    deinit { library.deleteBatch(handle) }

    var threads: Int { Int(library.batchThreads(handle)) }

    /// Simulation `i`'s values of a state component.
    @inline(__always)
    func row(_ component: Component, _ simulation: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: state + simulation * stateSize + component.offset, count: component.size)
    }

    /// Registers an `mjData` field to be copied out after every call.
    func output(_ name: String) throws -> Field {
        try field(name, library.batchOutput, what: "data")
    }

    /// Gives an `mjModel` field per-simulation values (initially the model's).
    func expand(_ name: String) throws -> Field {
        try field(name, library.batchExpand, what: "model")
    }

    /// The model's values of an integer (`int`) model field, e.g. `geom_type`.
    func modelIntegers(_ name: String) throws -> [Int32] {
        var size: Int32 = 0, elementSize: Int32 = 0
        guard let raw = name.withCString({ library.batchExpand(handle, $0, &size, &elementSize) }), elementSize == 4 else {
            throw MuJoCoError.batchFailed("'\(name)' is not an integer MuJoCo model field")
        }
        return Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: Int32.self), count: Int(size)))
    }

    /// Copies every registered output again without computing anything (after registering
    /// one between calls, or after `mjb_apply`, which does not copy them).
    func refreshOutputs(_ ids: [Int32]?) throws {
        try call(ids, "output") { library.batchForward(handle, $0, $1, 0) }
    }

    private func field(_ name: String, _ get: MuJoCoLibrary.BatchField, what: String) throws -> Field {
        var size: Int32 = 0, elementSize: Int32 = 0
        guard let raw = name.withCString({ get(handle, $0, &size, &elementSize) }) else {
            throw MuJoCoError.batchFailed("'\(name)' is not a MuJoCo \(what) field")
        }
        guard elementSize == MemoryLayout<Double>.size else {
            throw MuJoCoError.batchFailed("'\(name)' holds \(elementSize)-byte values; Ascent reads only mjtNum (8-byte) fields")
        }
        return Field(base: raw.assumingMemoryBound(to: Double.self), size: Int(size))
    }

    /// `frameSkip` calls of `mj_step` on the given simulations (nil: all), then
    /// `mj_rnePostConstraint` when `constraintForces` (Gymnasium's step does both).
    func step(_ ids: [Int32]?, substeps: Int, constraintForces: Bool) throws {
        try call(ids, "step") { library.batchStep(handle, $0, $1, Int32(substeps), 0) }
        if constraintForces {
            try call(ids, "mj_rnePostConstraint") {
                library.batchApply(handle, $0, $1, { model, data, _, function in
                    unsafeBitCast(function, to: (@convention(c) (OpaquePointer?, OpaquePointer?) -> Void).self)(model, data)
                }, library.rnePostConstraintAddress, 1)
            }
            // mjb_apply leaves the outputs as the step copied them: copy them again, now with
            // the contact forces.
            try refreshOutputs(ids)
        }
    }

    /// `mj_resetData` without forward stages: the caller writes the start state, then ``forward(_:)``.
    func reset(_ ids: [Int32]?) throws {
        try call(ids, "reset") { library.batchReset(handle, $0, $1, nil, 0) }
    }

    /// `mj_forward` (all stages) at the current state.
    func forward(_ ids: [Int32]?) throws {
        try call(ids, "forward") { library.batchForward(handle, $0, $1, 3) }
    }

    /// `mj_setConst`, after editing model fields it reads (masses, inertias, ...).
    func setConstants(_ ids: [Int32]?) throws {
        try call(ids, "mj_setConst") { library.batchSetConst(handle, $0, $1) }
    }

    /// How often warning `index` (`mjtWarning`) was raised in simulation `i` so far.
    func warningCount(_ simulation: Int, _ index: Int) -> Int {
        guard let warnings = library.batchWarning(handle) else { return 0 }
        return Int(warnings[(simulation * Self.warningKinds + index) * 2 + 1])
    }

    private func call(_ ids: [Int32]?, _ what: String, _ body: (UnsafePointer<Int32>?, Int32) -> Int32) throws {
        let failures: Int32
        if let ids {
            failures = ids.withUnsafeBufferPointer { body($0.baseAddress, Int32($0.count)) }
        } else {
            failures = body(nil, Int32(count))
        }
        guard failures == 0 else {
            let first = (ids ?? (0..<Int32(count)).map { $0 }).first { library.batchError(handle, $0).map { $0.pointee != 0 } ?? false } ?? 0
            let message = library.batchError(handle, first).map { String(cString: $0) } ?? "unknown error"
            throw MuJoCoError.batchFailed("\(what) failed in \(failures) simulation(s); simulation \(first): \(message)")
        }
    }
}
