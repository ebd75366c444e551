import AscentRandom

/// Hopper-v5 and Walker2d-v5: planar one- and two-legged robots rewarded for moving forward
/// while staying healthy (upright, torso high enough, and for the Hopper every state value
/// bounded).
///
/// Reward: `forward_reward_weight · ẋ + healthy_reward · [healthy] − ctrl_cost_weight · Σ a²`.
/// Terminates when unhealthy (if `terminate_when_unhealthy`). Observation: `qpos[1...]` and
/// `qvel` clipped to ±10.
struct PlanarWalkerTask: MuJoCoTask {
    /// The two robots' Gymnasium defaults.
    enum Robot: Sendable {
        case hopper, walker2d

        var id: String { self == .hopper ? "Hopper-v5" : "Walker2d-v5" }
        var modelFile: String { self == .hopper ? "hopper.xml" : "walker2d_v5.xml" }
        var zRange: (Double, Double) { self == .hopper ? (0.7, .infinity) : (0.8, 2.0) }
        var angleRange: (Double, Double) { self == .hopper ? (-0.2, 0.2) : (-1, 1) }
    }

    static func options(_ robot: Robot) -> [String: String] {
        var options = TaskOptions.descriptions([
            "forward_reward_weight": "weight of the forward velocity (default 1)",
            "ctrl_cost_weight": "weight of Σ action² (default 0.001)",
            "healthy_reward": "reward per step while healthy (default 1)",
            "terminate_when_unhealthy": "1 to end the episode when unhealthy (default 1)",
            "healthy_z_range_low": "lowest healthy torso height, exclusive (default \(robot.zRange.0))",
            "healthy_z_range_high": "highest healthy torso height, exclusive (default \(robot.zRange.1))",
            "healthy_angle_range_low": "lowest healthy torso angle, exclusive (default \(robot.angleRange.0))",
            "healthy_angle_range_high": "highest healthy torso angle, exclusive (default \(robot.angleRange.1))",
            "reset_noise_scale": "start-state noise: U(±s) on qpos and qvel (default 0.005)",
            "exclude_current_positions_from_observation": "1 to leave the root's x out of the observation (default 1)",
        ], frameSkip: 4)
        if robot == .hopper {
            options["healthy_state_range_low"] = "lowest healthy value of qpos[2...] and qvel, exclusive (default -100)"
            options["healthy_state_range_high"] = "highest healthy value of qpos[2...] and qvel, exclusive (default 100)"
        }
        return options
    }

    let robot: Robot
    let frameSkip: Int
    let fields: [MuJoCoField] = []
    let forwardWeight: Double, controlWeight: Double, healthyReward: Double, noise: Double
    let terminateWhenUnhealthy: Bool
    let zRange: ClosedRange<Double>, angleRange: ClosedRange<Double>
    /// Hopper only: bounds on `qpos[2...]` and `qvel`.
    let stateRange: ClosedRange<Double>?
    let skipped: Int
    private(set) var observationSize = 0
    private var initialZ = 0.0

    var id: String { robot.id }
    let drawing = MuJoCoDrawing(view: .side, rootQpos: 3)
    var modelFile: String { robot.modelFile }

    init(_ robot: Robot, _ options: TaskOptions) throws {
        self.robot = robot
        frameSkip = try options.frameSkip(4)
        forwardWeight = options("forward_reward_weight", 1)
        controlWeight = options("ctrl_cost_weight", 0.001)
        healthyReward = options("healthy_reward", 1)
        terminateWhenUnhealthy = options.flag("terminate_when_unhealthy", true)
        zRange = try options.range("healthy_z_range", robot.zRange.0, robot.zRange.1)
        angleRange = try options.range("healthy_angle_range", robot.angleRange.0, robot.angleRange.1)
        stateRange = robot == .hopper ? try options.range("healthy_state_range", -100, 100) : nil
        noise = try options.nonNegative("reset_noise_scale", 0.005)
        skipped = options.flag("exclude_current_positions_from_observation", true) ? 1 : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq >= 3 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs qpos to hold x, z and the torso angle") }
        observationSize = facts.nq + facts.nv - skipped
        initialZ = facts.initialQpos[1]
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.uniform.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    /// Strictly inside both bounds, as Gymnasium's `min < value < max`.
    private func inside(_ value: Double, _ range: ClosedRange<Double>) -> Bool { range.lowerBound < value && value < range.upperBound }

    func isHealthy(_ state: MuJoCoState) -> Bool {
        if let stateRange {
            for i in 2..<state.qpos.count where !inside(state.qpos[i], stateRange) { return false }
            for v in state.qvel where !inside(v, stateRange) { return false }
        }
        return inside(state.qpos[1], zRange) && inside(state.qpos[2], angleRange)
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (state.qpos[0] - before.x) / dt
        let forward = forwardWeight * velocity
        let healthy = isHealthy(state)
        let survive = healthy ? healthyReward : 0
        let control = controlWeight * NumPyMath.sumOfSquares(action)
        let info: Info? = withInfo ? resetInfo(state).merging(["x_velocity": velocity, "reward_forward": forward,
                                                               "reward_ctrl": -control, "reward_survive": survive]) { a, _ in a } : nil
        return MuJoCoOutcome(reward: (forward + survive) - control, terminated: !healthy && terminateWhenUnhealthy, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel, clip: 10)
    }

    func resetInfo(_ state: MuJoCoState) -> Info { ["x_position": state.qpos[0], "z_distance_from_origin": state.qpos[1] - initialZ] }
}
