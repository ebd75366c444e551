import AscentRandom

/// HalfCheetah-v5: a planar cat-like robot rewarded for running forward (+x).
///
/// Reward: `forward_reward_weight · ẋ − ctrl_cost_weight · Σ a²`, ẋ the root's x velocity
/// over the step. Never terminates. Observation: `qpos[1...]` (without the root's x) and `qvel`.
struct HalfCheetahTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "forward_reward_weight": "weight of the forward velocity (default 1)",
        "ctrl_cost_weight": "weight of Σ action² (default 0.1)",
        "reset_noise_scale": "start-state noise: U(±s) on qpos, s·N(0,1) on qvel (default 0.1)",
        "exclude_current_positions_from_observation": "1 to leave the root's x out of the observation (default 1)",
    ], frameSkip: 5)

    let id = "HalfCheetah-v5"
    let modelFile = "half_cheetah.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = []
    let forwardWeight: Double, controlWeight: Double, noise: Double
    let skipped: Int
    private(set) var observationSize = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(5)
        forwardWeight = options("forward_reward_weight", 1)
        controlWeight = options("ctrl_cost_weight", 0.1)
        noise = try options.nonNegative("reset_noise_scale", 0.1)
        skipped = options.flag("exclude_current_positions_from_observation", true) ? 1 : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        observationSize = facts.nq + facts.nv - skipped
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.normal.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (state.qpos[0] - before.x) / dt
        let forward = forwardWeight * velocity
        let control = controlWeight * NumPyMath.sumOfSquares(action)
        let info: Info? = withInfo ? ["x_position": state.qpos[0], "x_velocity": velocity, "reward_forward": forward, "reward_ctrl": -control] : nil
        return MuJoCoOutcome(reward: forward - control, terminated: false, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel)
    }

    func resetInfo(_ state: MuJoCoState) -> Info { ["x_position": state.qpos[0]] }
}
