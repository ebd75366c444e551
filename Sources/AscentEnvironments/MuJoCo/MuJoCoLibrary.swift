import Foundation

/// The MuJoCo C library, loaded at run time with `dlopen` from the user's installation.
///
/// Ascent binds MuJoCo by function only: `mj_*` for models, and MuJoCo 4's batch API
/// (`mjb_*`, `mjbatch.h`) for simulations, whose fields are read and written **by name**
/// (`mjb_output(b, "cfrc_ext")`, `mjb_expand(b, "body_mass")`). No `mjModel`/`mjData` struct
/// layout is compiled into Ascent, so the default build needs neither MuJoCo's headers nor
/// its library, and one Ascent binary works with any MuJoCo 4.x that keeps these functions.
/// The one struct crossed is `mjBatchConfig` (an `int` and an `mjtBool`), see ``BatchConfig``.
///
/// The library is found, in order, at `$ASCENT_MUJOCO_LIBRARY` (the file), under
/// `$ASCENT_MUJOCO` (the folder `scripts/install-mujoco.sh` fills), in the default folder
/// of that script, and in the `mujoco` package of any Python `site-packages` on the usual
/// paths (`pip install mujoco` puts `libmujoco.so.<version>` there).
///
/// `@unchecked Sendable`: every stored property is set once in `init` and never changed;
/// the C functions it points to are safe to call from any thread on distinct objects.
public final class MuJoCoLibrary: @unchecked Sendable {
    /// The versions this Ascent release was tested against (parity fixtures recorded on them).
    public static let testedVersions = ["4.0.0"]

    /// `mj_versionString()`, e.g. `4.0.0`.
    public let version: String
    /// Where the library was loaded from.
    public let path: String

    typealias ModelFunction = @convention(c) (OpaquePointer?) -> Void
    typealias BatchCount = @convention(c) (OpaquePointer?) -> Int32
    typealias BatchField = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> UnsafeMutableRawPointer?
    /// `mjfBatchFunc`: run on one simulation by `mjb_apply`.
    typealias BatchFunction = @convention(c) (OpaquePointer?, OpaquePointer?, Int32, UnsafeMutableRawPointer?) -> Void

    let loadXML: @convention(c) (UnsafePointer<CChar>?, OpaquePointer?, UnsafeMutablePointer<CChar>?, Int32) -> OpaquePointer?
    let deleteModel: ModelFunction
    let name2id: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?) -> Int32
    let id2name: @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafePointer<CChar>?
    /// `mj_rnePostConstraint(m, d)`: fills `cacc`, `cfrc_int` and `cfrc_ext` after a step, as Gymnasium calls it.
    let rnePostConstraint: @convention(c) (OpaquePointer?, OpaquePointer?) -> Void
    let makeBatch: @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?, UnsafeMutablePointer<CChar>?, Int32) -> OpaquePointer?
    let deleteBatch: ModelFunction
    let batchStateSize: BatchCount
    let batchState: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Double>?
    let batchStateComponent: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<Double>?
    /// `mjb_warning`: `nsim × mjNWARNING` pairs of `int` (`lastinfo`, `number`).
    let batchWarning: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<Int32>?
    let batchStep: @convention(c) (OpaquePointer?, UnsafePointer<Int32>?, Int32, Int32, Int32) -> Int32
    let batchForward: @convention(c) (OpaquePointer?, UnsafePointer<Int32>?, Int32, Int32) -> Int32
    let batchReset: @convention(c) (OpaquePointer?, UnsafePointer<Int32>?, Int32, UnsafePointer<Int32>?, Int32) -> Int32
    let batchError: @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<CChar>?
    let batchOutput: BatchField
    let batchExpand: BatchField
    let batchSetConst: @convention(c) (OpaquePointer?, UnsafePointer<Int32>?, Int32) -> Int32
    let batchApply: @convention(c) (OpaquePointer?, UnsafePointer<Int32>?, Int32, BatchFunction?, UnsafeMutableRawPointer?, Int32) -> Int32
    let batchThreads: BatchCount
    /// `mj_makeData`, `mj_deleteData`, `mj_step`, `mj_resetData`, `mj_forward` and `mj_setState`:
    /// only the benchmark's raw baseline uses them.
    let makeData: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let deleteData: ModelFunction
    let step: @convention(c) (OpaquePointer?, OpaquePointer?) -> Void
    let resetData: @convention(c) (OpaquePointer?, OpaquePointer?) -> Void
    let forward: @convention(c) (OpaquePointer?, OpaquePointer?) -> Void
    let setState: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafePointer<Double>?, Int32) -> Void
    /// The raw address of `mj_rnePostConstraint`, handed to the batch function through its `arg`.
    let rnePostConstraintAddress: UnsafeMutableRawPointer

    private init(path: String) throws {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw MuJoCoError.libraryNotLoadable(path: path, reason: reason)
        }
        func symbol<F>(_ name: String, as type: F.Type = F.self) throws -> F {
            guard let address = dlsym(handle, name) else { throw MuJoCoError.missingFunction(name: name, path: path) }
            return unsafeBitCast(address, to: F.self)
        }
        let versionString: @convention(c) () -> UnsafePointer<CChar>? = try symbol("mj_versionString")
        version = versionString().map { String(cString: $0) } ?? "unknown"
        self.path = path
        guard version.hasPrefix("4.") else { throw MuJoCoError.unsupportedVersion(version: version, path: path) }
        loadXML = try symbol("mj_loadXML")
        deleteModel = try symbol("mj_deleteModel")
        name2id = try symbol("mj_name2id")
        id2name = try symbol("mj_id2name")
        rnePostConstraint = try symbol("mj_rnePostConstraint")
        rnePostConstraintAddress = try symbol("mj_rnePostConstraint", as: UnsafeMutableRawPointer.self)
        makeBatch = try symbol("mjb_makeBatch")
        deleteBatch = try symbol("mjb_deleteBatch")
        batchStateSize = try symbol("mjb_nstate")
        batchState = try symbol("mjb_state")
        batchStateComponent = try symbol("mjb_stateComponent")
        batchWarning = try symbol("mjb_warning")
        batchStep = try symbol("mjb_step")
        batchForward = try symbol("mjb_forward")
        batchReset = try symbol("mjb_reset")
        batchError = try symbol("mjb_error")
        batchOutput = try symbol("mjb_output")
        batchExpand = try symbol("mjb_expand")
        batchSetConst = try symbol("mjb_setConst")
        batchApply = try symbol("mjb_apply")
        batchThreads = try symbol("mjb_nthread")
        makeData = try symbol("mj_makeData")
        deleteData = try symbol("mj_deleteData")
        step = try symbol("mj_step")
        resetData = try symbol("mj_resetData")
        forward = try symbol("mj_forward")
        setState = try symbol("mj_setState")
        MuJoCoWarnings.install(try symbol("mju_user_warning", as: UnsafeMutableRawPointer.self))
        if !Self.testedVersions.contains(version) {
            MuJoCoWarnings.report("Ascent was tested with MuJoCo \(Self.testedVersions.joined(separator: ", ")); \(path) is \(version). "
                                  + "Results may differ from the parity fixtures.")
        }
    }

    private static let cache = LoadedLibrary()

    /// The library, loaded on first use (a failure is remembered and thrown again).
    public static func shared() throws -> MuJoCoLibrary {
        try cache.get { try MuJoCoLibrary(path: try MuJoCoInstallation.locate().library.path) }
    }

    /// The library is installed and loadable (`ascent env list` uses this to mark MuJoCo ids).
    public static var isAvailable: Bool { (try? shared()) != nil }

    private final class LoadedLibrary: @unchecked Sendable {  // guarded by `lock`
        let lock = NSLock()
        var result: Result<MuJoCoLibrary, any Error>?
        func get(_ load: () throws -> MuJoCoLibrary) throws -> MuJoCoLibrary {
            lock.lock()
            defer { lock.unlock() }
            if result == nil { result = Result { try load() } }
            return try result!.get()
        }
    }
}

/// `mjBatchConfig`, the parameters of `mjb_makeBatch`: `{ int nthread; mjtBool persistent; }`.
/// Field order and types follow `mjbatch.h`; Swift lays out a struct of an `Int32` and a
/// `UInt8` as C does (offsets 0 and 4).
struct BatchConfig {
    /// Threads including the caller's.
    var threads: Int32
    /// One `mjData` per simulation (1), so every derived field survives between calls.
    var persistent: UInt8
}

/// MuJoCo's warnings (`mju_user_warning`): each distinct message is printed once to
/// standard error instead of MuJoCo's default of appending to `MUJOCO_LOG.TXT` in the
/// working directory.
enum MuJoCoWarnings {
    private final class Seen: @unchecked Sendable {  // guarded by `lock`
        let lock = NSLock()
        var messages: Set<String> = []
    }
    private static let seen = Seen()

    static func install(_ handlerVariable: UnsafeMutableRawPointer) {
        let handler: @convention(c) (UnsafePointer<CChar>?) -> Void = { message in
            MuJoCoWarnings.report(message.map { String(cString: $0) } ?? "")
        }
        handlerVariable.storeBytes(of: handler, as: (@convention(c) (UnsafePointer<CChar>?) -> Void).self)
    }

    static func report(_ message: String) {
        seen.lock.lock()
        let isNew = seen.messages.insert(message).inserted
        seen.lock.unlock()
        if isNew { FileHandle.standardError.write(Data("MuJoCo warning: \(message)\n".utf8)) }
    }
}
