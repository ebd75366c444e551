import AscentRandom

/// The part of a Gymnasium MuJoCo environment that is not physics: which model, how many
/// `mj_step`s per step, the start-state noise, the observation, the reward and when the
/// episode terminates. One task value drives both ``MuJoCoEnvironment`` and every
/// simulation of ``MuJoCoVectorEnvironment``, which therefore agree to the last bit.
///
/// Tasks follow Gymnasium 1.x's v5 sources operation by operation (sums in NumPy's
/// pairwise order, see ``NumPyMath``), so observations and rewards are bit-identical on the
/// same libmujoco.
protocol MuJoCoTask: Sendable {
    /// The Gymnasium id, e.g. `HalfCheetah-v5`.
    var id: String { get }
    /// Gymnasium's asset name (or a path) of the model, from the `xml_file` argument.
    var modelFile: String { get }
    /// `mj_step` calls per environment step.
    var frameSkip: Int { get }
    /// Fields the task reads besides `qpos`/`qvel`, in the order ``MuJoCoState/field(_:)`` indexes them.
    var fields: [MuJoCoField] { get }
    /// The fewest values per simulation each field must hold for the task's fixed indices
    /// (a model of the user's may lack the site or body a task reads).
    var minimumFieldSizes: [Int] { get }
    /// Run `mj_rnePostConstraint` after the substeps (fills `cfrc_ext`): Gymnasium always does,
    /// but only tasks that read `cfrc_ext`, `cacc` or `cfrc_int` see the difference.
    var needsConstraintForces: Bool { get }
    /// Resolves names against the compiled model (body ids, sizes); throws if the model lacks them.
    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws
    var observationSize: Int { get }
    /// Writes the episode's start state over the model's initial `qpos`/`qvel` (Gymnasium's `reset_model`).
    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator)
    /// What the reward differentiates over the step (e.g. the torso's x position).
    func progress(_ state: MuJoCoState) -> SIMD2<Double>
    /// The step's reward, termination and (when `withInfo`) Gymnasium's info keys.
    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome
    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>)
    /// Gymnasium's `_get_reset_info`.
    func resetInfo(_ state: MuJoCoState) -> Info
    /// How a report draws the robot.
    var drawing: MuJoCoDrawing { get }
}

/// How a report draws a task: from which side, and how many leading `qpos` entries place the
/// root (the rest are joint angles worth plotting).
struct MuJoCoDrawing: Sendable {
    enum View: Double, Sendable {
        /// The x-z plane, camera following x: the planar robots.
        case side = 0
        /// The x-y plane from above: the arms on a table.
        case top = 1
        /// An oblique 3D view following the torso: Ant and Humanoid.
        case perspective = 2
    }
    let view: View
    let rootQpos: Int
}

extension MuJoCoTask {
    var needsConstraintForces: Bool { false }
    var minimumFieldSizes: [Int] { fields.map { _ in 0 } }
    func progress(_ state: MuJoCoState) -> SIMD2<Double> { SIMD2(state.qpos[0], 0) }
    func resetInfo(_ state: MuJoCoState) -> Info { [:] }
    var drawing: MuJoCoDrawing { MuJoCoDrawing(view: .side, rootQpos: 0) }
}

/// A field a task reads: an `mjData` output or a (per-simulation) `mjModel` value.
enum MuJoCoField: Sendable, Equatable {
    case data(String)
    case model(String)

    var isData: Bool { if case .data = self { true } else { false } }
}

/// What tasks check and use of the compiled model.
struct MuJoCoModelFacts: Sendable {
    /// Generalised coordinates, degrees of freedom and actuators.
    let nq: Int, nv: Int, nu: Int
    /// Bodies, the world (body 0) included.
    let bodies: Int
    /// `qpos0`, the state `mj_resetData` restores (Gymnasium's `init_qpos`).
    let initialQpos: [Double]
}

/// One simulation as a task sees it after a call: its state and the fields it asked for.
struct MuJoCoState {
    let qpos: UnsafeMutableBufferPointer<Double>
    let qvel: UnsafeMutableBufferPointer<Double>
    let ctrl: UnsafeMutableBufferPointer<Double>
    let fields: UnsafeBufferPointer<MuJoCoBatch.Field>
    let simulation: Int

    /// The task's `k`-th field (see ``MuJoCoTask/fields``) for this simulation.
    @inline(__always)
    func field(_ k: Int) -> UnsafeMutableBufferPointer<Double> { fields[k].row(simulation) }
}

/// A step's result before the episode bookkeeping.
struct MuJoCoOutcome {
    var reward: Double
    var terminated: Bool
    var info: Info?

    /// The locomotion tasks' reward, `(forward + survive) − (control + contact)` in Gymnasium's
    /// order, with the terms added to `info` (`reward_forward`, `reward_survive`, ...) when given.
    static func locomotion(forward: Double, survive: Double, control: Double, contact: Double, terminated: Bool, info: Info?) -> MuJoCoOutcome {
        let terms = ["reward_forward": forward, "reward_ctrl": -control, "reward_contact": -contact, "reward_survive": survive]
        return MuJoCoOutcome(reward: (forward + survive) - (control + contact), terminated: terminated,
                             info: info?.merging(terms) { _, term in term })
    }
}
