import AscentRandom

/// HalfCheetah-v5 and Swimmer-v5: robots rewarded only for moving forward (+x), with a
/// control cost, that never terminate. HalfCheetah is a planar cat-like runner; Swimmer a
/// three-link swimmer in a viscous fluid.
///
/// Reward: `forward_reward_weight · ẋ − ctrl_cost_weight · Σ a²`, ẋ the root's x velocity
/// over the step (`qpos[0]`). Observation: `qpos` without the root's position (x for the
/// cheetah, x and y for the swimmer) and `qvel`.
struct ForwardRunnerTask: MuJoCoTask {
    /// The two robots' Gymnasium defaults.
    enum Robot: Sendable {
        case halfCheetah, swimmer

        var id: String { self == .halfCheetah ? "HalfCheetah-v5" : "Swimmer-v5" }
        var modelFile: String { self == .halfCheetah ? "half_cheetah.xml" : "swimmer.xml" }
        var frameSkip: Int { self == .halfCheetah ? 5 : 4 }
        var controlWeight: Double { self == .halfCheetah ? 0.1 : 1e-4 }
        /// Root coordinates left out of the observation by default.
        var rootPositions: Int { self == .halfCheetah ? 1 : 2 }
        /// The cheetah's start velocities are Gaussian, the swimmer's uniform.
        var velocityNoise: StartNoise { self == .halfCheetah ? .normal : .uniform }
    }

    static func options(_ robot: Robot) -> [String: String] {
        TaskOptions.descriptions([
            "forward_reward_weight": "weight of the forward velocity (default 1)",
            "ctrl_cost_weight": "weight of Σ action² (default \(robot.controlWeight))",
            "reset_noise_scale": "start-state noise: U(±s) on qpos, \(robot.velocityNoise == .normal ? "s·N(0,1)" : "U(±s)") on qvel (default 0.1)",
            "exclude_current_positions_from_observation": "1 to leave the root's position out of the observation (default 1)",
        ], frameSkip: robot.frameSkip)
    }

    let robot: Robot
    let frameSkip: Int
    let fields: [MuJoCoField] = []
    let forwardWeight: Double, controlWeight: Double, noise: Double
    let skipped: Int
    private(set) var observationSize = 0

    var id: String { robot.id }
    var drawing: MuJoCoDrawing { MuJoCoDrawing(view: robot == .swimmer ? .top : .side, rootQpos: 3) }
    var modelFile: String { robot.modelFile }

    init(_ robot: Robot, _ options: TaskOptions) throws {
        self.robot = robot
        frameSkip = try options.frameSkip(robot.frameSkip)
        forwardWeight = options("forward_reward_weight", 1)
        controlWeight = options("ctrl_cost_weight", robot.controlWeight)
        noise = try options.nonNegative("reset_noise_scale", 0.1)
        skipped = options.flag("exclude_current_positions_from_observation", true) ? robot.rootPositions : 0
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq >= robot.rootPositions else {
            throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs the root's position in qpos")
        }
        observationSize = facts.nq + facts.nv - skipped
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        robot.velocityNoise.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func progress(_ state: MuJoCoState) -> SIMD2<Double> { SIMD2(state.qpos[0], robot == .swimmer ? state.qpos[1] : 0) }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let velocity = (progress(state) - before) / dt
        let forward = forwardWeight * velocity.x
        let control = controlWeight * NumPyMath.sumOfSquares(action)
        var info: Info?
        if withInfo {
            let terms = ["reward_forward": forward, "reward_ctrl": -control]
            info = robot == .swimmer ? planarInfo(state, velocity: velocity, terms: terms)
                : terms.merging(["x_position": state.qpos[0], "x_velocity": velocity.x]) { a, _ in a }
        }
        return MuJoCoOutcome(reward: forward - control, terminated: false, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, from: skipped)
        writer.append(state.qvel)
    }

    func resetInfo(_ state: MuJoCoState) -> Info { robot == .swimmer ? planarInfo(state) : ["x_position": state.qpos[0]] }
}

/// `x_position`, `y_position` and `distance_from_origin` from `qpos[0...1]`, as the
/// Swimmer, Ant and Humanoid infos report them; after a step also the xy velocity and the
/// reward terms (`reward_forward`, `reward_ctrl`, ...).
func planarInfo(_ state: MuJoCoState, velocity: SIMD2<Double>? = nil, terms: Info = [:]) -> Info {
    var info = ["x_position": state.qpos[0], "y_position": state.qpos[1], "distance_from_origin": NumPyMath.norm(state.qpos[0], state.qpos[1])]
    if let velocity { (info["x_velocity"], info["y_velocity"]) = (velocity.x, velocity.y) }
    return info.merging(terms) { _, term in term }
}
