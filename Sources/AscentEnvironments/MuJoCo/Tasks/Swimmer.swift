import AscentRandom

/// Swimmer-v5: a three-link swimmer in a viscous fluid, rewarded for moving forward (+x).
///
/// Reward: `forward_reward_weight · ẋ − ctrl_cost_weight · Σ a²`, ẋ the front tip's x
/// velocity (`qpos[0]`). Never terminates. Observation: `qpos[2...]` and `qvel`.
struct SwimmerTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "forward_reward_weight": "weight of the forward velocity (default 1)",
        "ctrl_cost_weight": "weight of Σ action² (default 1e-4)",
        "reset_noise_scale": "start-state noise: U(±s) on qpos and qvel (default 0.1)",
        "exclude_current_positions_from_observation": "1 to leave x and y out of the observation (default 1)",
    ], frameSkip: 4)

    let id = "Swimmer-v5"
    let modelFile = "swimmer.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = []
    let forwardWeight: Double, controlWeight: Double, noise: Double
    let skipped: Int
    private(set) var observationSize = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(4)
        forwardWeight = options("forward_reward_weight", 1)
        controlWeight = options("ctrl_cost_weight", 1e-4)
        noise = try options.nonNegative("reset_noise_scale", 0.1)
        skipped = options.flag("exclude_current_positions_from_observation", true) ? 2 : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        observationSize = facts.nq + facts.nv - skipped
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.uniform.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func progress(_ state: MuJoCoState) -> SIMD2<Double> { SIMD2(state.qpos[0], state.qpos[1]) }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (SIMD2(state.qpos[0], state.qpos[1]) - before) / dt
        let forward = forwardWeight * velocity.x
        let control = controlWeight * NumPyMath.sumOfSquares(action)
        let info: Info? = withInfo ? planarInfo(state).merging(["x_velocity": velocity.x, "y_velocity": velocity.y,
                                                                "reward_forward": forward, "reward_ctrl": -control]) { a, _ in a } : nil
        return MuJoCoOutcome(reward: forward - control, terminated: false, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel)
    }

    func resetInfo(_ state: MuJoCoState) -> Info { planarInfo(state) }
}

/// `x_position`, `y_position` and `distance_from_origin` from `qpos[0...1]`, as the
/// Swimmer, Ant and Humanoid infos report them.
func planarInfo(_ state: MuJoCoState) -> Info {
    ["x_position": state.qpos[0], "y_position": state.qpos[1], "distance_from_origin": NumPyMath.norm(state.qpos[0], state.qpos[1])]
}
