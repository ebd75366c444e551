import AscentRandom

/// Humanoid-v5: a 3D bipedal robot rewarded for walking forward (+x) without falling.
///
/// Reward: `forward_reward_weight · ẋ + healthy_reward · [healthy] − ctrl_cost_weight · Σ ctrl²
/// − clip(contact_cost_weight · Σ cfrc_ext², contact_cost_range)`, ẋ the velocity of the centre
/// of mass (`Σ body_mass · xipos / Σ body_mass`). Terminates when the torso's z leaves the
/// open healthy range. Observation: `qpos[2...]`, `qvel`, and for every body but the world
/// `cinert` (10), `cvel` (6), then `qfrc_actuator[6...]` and `cfrc_ext` (6 per body).
struct HumanoidTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "forward_reward_weight": "weight of the centre of mass's forward velocity (default 1.25)",
        "ctrl_cost_weight": "weight of Σ ctrl² (default 0.1)",
        "contact_cost_weight": "weight of Σ contact force² (default 5e-7)",
        "contact_cost_range_low": "the contact cost is clipped below this (default -inf)",
        "contact_cost_range_high": "the contact cost is clipped above this (default 10)",
        "healthy_reward": "reward per step while healthy (default 5)",
        "terminate_when_unhealthy": "1 to end the episode when unhealthy (default 1)",
        "healthy_z_range_low": "lowest healthy torso height, exclusive (default 1)",
        "healthy_z_range_high": "highest healthy torso height, exclusive (default 2)",
        "reset_noise_scale": "start-state noise: U(±s) on qpos and qvel (default 0.01)",
        "exclude_current_positions_from_observation": "1 to leave x and y out of the observation (default 1)",
        "include_cinert_in_observation": "1 to include the bodies' com-based inertias (default 1)",
        "include_cvel_in_observation": "1 to include the bodies' com-based velocities (default 1)",
        "include_qfrc_actuator_in_observation": "1 to include the actuator forces (default 1)",
        "include_cfrc_ext_in_observation": "1 to include the external contact forces (default 1)",
    ], frameSkip: 5)

    let id = "Humanoid-v5"
    let modelFile = "humanoid.xml"
    let frameSkip: Int
    /// Indices into `fields`.
    private enum F { static let xipos = 0, mass = 1, cinert = 2, cvel = 3, actuator = 4, contact = 5 }
    let fields: [MuJoCoField] = [.data("xipos"), .model("body_mass"), .data("cinert"), .data("cvel"), .data("qfrc_actuator"), .data("cfrc_ext")]
    let needsConstraintForces = true
    let drawing = MuJoCoDrawing(view: .perspective, rootQpos: 7)
    let forwardWeight: Double, controlWeight: Double, contactWeight: Double, healthyReward: Double, noise: Double
    let contactRange: ClosedRange<Double>, zRange: ClosedRange<Double>
    let terminateWhenUnhealthy: Bool
    let include: (cinert: Bool, cvel: Bool, actuator: Bool, contact: Bool)
    let skipped: Int
    private(set) var observationSize = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(5)
        forwardWeight = options("forward_reward_weight", 1.25)
        controlWeight = options("ctrl_cost_weight", 0.1)
        contactWeight = options("contact_cost_weight", 5e-7)
        contactRange = try options.range("contact_cost_range", -.infinity, 10)
        healthyReward = options("healthy_reward", 5)
        terminateWhenUnhealthy = options.flag("terminate_when_unhealthy", true)
        zRange = try options.range("healthy_z_range", 1, 2)
        noise = try options.nonNegative("reset_noise_scale", 0.01)
        include = (options.flag("include_cinert_in_observation", true), options.flag("include_cvel_in_observation", true),
                   options.flag("include_qfrc_actuator_in_observation", true), options.flag("include_cfrc_ext_in_observation", true))
        skipped = options.flag("exclude_current_positions_from_observation", true) ? 2 : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq >= 3, facts.nv >= 6 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs a free root joint") }
        let others = facts.bodies - 1
        observationSize = facts.nq + facts.nv - skipped + (include.cinert ? 10 * others : 0) + (include.cvel ? 6 * others : 0)
            + (include.actuator ? facts.nv - 6 : 0) + (include.contact ? 6 * others : 0)
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.uniform.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    /// Gymnasium's `mass_center`: `einsum('b,bj->j', body_mass, xipos) / body_mass.sum()`, x and y.
    func progress(_ state: MuJoCoState) -> SIMD2<Double> {
        let mass = state.field(F.mass), xipos = state.field(F.xipos)
        var x = 0.0, y = 0.0
        for b in mass.indices {
            x += mass[b] * xipos[3 * b]
            y += mass[b] * xipos[3 * b + 1]
        }
        let total = NumPyMath.sum(mass.count) { mass[$0] }
        return SIMD2(x / total, y / total)
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (progress(state) - before) / dt
        let forward = forwardWeight * velocity.x
        let healthy = zRange.lowerBound < state.qpos[2] && state.qpos[2] < zRange.upperBound
        let survive = healthy ? healthyReward : 0
        let control = controlWeight * NumPyMath.sumOfSquares(state.ctrl)
        let contact = NumPyMath.clip(contactWeight * NumPyMath.sumOfSquares(state.field(F.contact)), contactRange.lowerBound, contactRange.upperBound)
        return .locomotion(forward: forward, survive: survive, control: control, contact: contact,
                           terminated: !healthy && terminateWhenUnhealthy, info: withInfo ? planarInfo(state, velocity: velocity) : nil)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel)
        if include.cinert { writer.append(state.field(F.cinert), from: 10) }
        if include.cvel { writer.append(state.field(F.cvel), from: 6) }
        if include.actuator { writer.append(state.field(F.actuator), from: 6) }
        if include.contact { writer.append(state.field(F.contact), from: 6) }
    }

    func resetInfo(_ state: MuJoCoState) -> Info { planarInfo(state) }
}
