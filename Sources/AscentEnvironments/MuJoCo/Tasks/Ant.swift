import AscentRandom

/// Ant-v5: a four-legged robot rewarded for walking forward (+x) while its torso stays in
/// a height band.
///
/// Reward: `forward_reward_weight · ẋ + healthy_reward · [healthy] − ctrl_cost_weight · Σ a²
/// − contact_cost_weight · Σ clip(cfrc_ext)²`, ẋ from the main body's position (`xpos`).
/// Terminates when unhealthy (state not finite, or torso z outside the closed range).
/// Observation: `qpos[2...]`, `qvel` and the clipped external contact forces of every body
/// but the world (`cfrc_ext[1...]`, 6 per body).
struct AntTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "forward_reward_weight": "weight of the forward velocity (default 1)",
        "ctrl_cost_weight": "weight of Σ action² (default 0.5)",
        "contact_cost_weight": "weight of Σ clipped contact force² (default 5e-4)",
        "healthy_reward": "reward per step while healthy (default 1)",
        "main_body": "id of the body whose xy motion is rewarded (default 1, the torso)",
        "terminate_when_unhealthy": "1 to end the episode when unhealthy (default 1)",
        "healthy_z_range_low": "lowest healthy torso height, inclusive (default 0.2)",
        "healthy_z_range_high": "highest healthy torso height, inclusive (default 1)",
        "contact_force_range_low": "contact forces are clipped below this (default -1)",
        "contact_force_range_high": "contact forces are clipped above this (default 1)",
        "reset_noise_scale": "start-state noise: U(±s) on qpos, s·N(0,1) on qvel (default 0.1)",
        "exclude_current_positions_from_observation": "1 to leave x and y out of the observation (default 1)",
        "include_cfrc_ext_in_observation": "1 to include the contact forces in the observation (default 1)",
    ], frameSkip: 5)

    let id = "Ant-v5"
    let modelFile = "ant.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = [.data("xpos"), .data("cfrc_ext")]
    let needsConstraintForces = true
    let drawing = MuJoCoDrawing(view: .perspective, rootQpos: 7)
    let forwardWeight: Double, controlWeight: Double, contactWeight: Double, healthyReward: Double, noise: Double
    let mainBody: Int
    let terminateWhenUnhealthy: Bool, includeContactForces: Bool
    let zRange: ClosedRange<Double>, forceRange: ClosedRange<Double>
    let skipped: Int
    private(set) var observationSize = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(5)
        forwardWeight = options("forward_reward_weight", 1)
        controlWeight = options("ctrl_cost_weight", 0.5)
        contactWeight = options("contact_cost_weight", 5e-4)
        healthyReward = options("healthy_reward", 1)
        let body = options("main_body", 1)
        guard body >= 0, body == body.rounded(), body < 1e6 else {
            throw EnvironmentError.invalidOption(environment: "Ant-v5", name: "main_body", reason: "must be a body id (a non-negative integer), got \(body)")
        }
        mainBody = Int(body)
        terminateWhenUnhealthy = options.flag("terminate_when_unhealthy", true)
        includeContactForces = options.flag("include_cfrc_ext_in_observation", true)
        zRange = try options.range("healthy_z_range", 0.2, 1)
        forceRange = try options.range("contact_force_range", -1, 1)
        noise = try options.nonNegative("reset_noise_scale", 0.1)
        skipped = options.flag("exclude_current_positions_from_observation", true) ? 2 : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq >= 3 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs a free root joint (qpos holds x, y, z)") }
        let bodies = facts.bodies
        guard mainBody < bodies else {
            throw EnvironmentError.invalidOption(environment: id, name: "main_body", reason: "is \(mainBody); the model has bodies 0..<\(bodies)")
        }
        observationSize = facts.nq + facts.nv - skipped + (includeContactForces ? (bodies - 1) * 6 : 0)
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.normal.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func progress(_ state: MuJoCoState) -> SIMD2<Double> {
        let xpos = state.field(0)
        return SIMD2(xpos[3 * mainBody], xpos[3 * mainBody + 1])
    }

    func isHealthy(_ state: MuJoCoState) -> Bool {
        guard state.qpos.allSatisfy(\.isFinite), state.qvel.allSatisfy(\.isFinite) else { return false }
        return zRange.contains(state.qpos[2])
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (progress(state) - before) / dt
        let forward = velocity.x * forwardWeight
        let healthy = isHealthy(state)
        let survive = healthy ? healthyReward : 0
        let control = controlWeight * NumPyMath.sumOfSquares(action)
        let forces = state.field(1)
        let contact = contactWeight * NumPyMath.sum(forces.count) {
            let f = NumPyMath.clip(forces[$0], forceRange.lowerBound, forceRange.upperBound)
            return f * f
        }
        return .locomotion(forward: forward, survive: survive, control: control, contact: contact,
                           terminated: !healthy && terminateWhenUnhealthy, info: withInfo ? planarInfo(state, velocity: velocity) : nil)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel)
        guard includeContactForces else { return }
        let forces = state.field(1)
        for i in 6..<forces.count { writer.append(NumPyMath.clip(forces[i], forceRange.lowerBound, forceRange.upperBound)) }
    }

    func resetInfo(_ state: MuJoCoState) -> Info { planarInfo(state) }
}
