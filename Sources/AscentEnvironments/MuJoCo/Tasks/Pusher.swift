import AscentRandom

/// Pusher-v5: a seven-joint arm pushes a cylinder to a goal on a table.
///
/// Reward: `−reward_dist_weight · ‖object − goal‖ − reward_control_weight · Σ a²
/// − reward_near_weight · ‖object − fingertip‖`. Never terminates. Observation: the arm's
/// 7 joint angles and velocities, then the positions of the fingertip, object and goal.
struct PusherTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "reward_near_weight": "weight of the fingertip's distance to the object (default 0.5)",
        "reward_dist_weight": "weight of the object's distance to the goal (default 1)",
        "reward_control_weight": "weight of Σ action² (default 0.1)",
    ], frameSkip: 5)

    let id = "Pusher-v5"
    let modelFile = "pusher_v5.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = [.data("xpos")]
    let nearWeight: Double, distanceWeight: Double, controlWeight: Double
    let observationSize = 23
    let drawing = MuJoCoDrawing(view: .perspective, rootQpos: 0)
    private var tips = 0, object = 0, goal = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(5)
        nearWeight = options("reward_near_weight", 0.5)
        distanceWeight = options("reward_dist_weight", 1)
        controlWeight = options("reward_control_weight", 0.1)
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq == 11, facts.nv == 11 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs 7 arm joints, the object's and the goal's 2D slides (nq 11), got nq \(facts.nq)") }
        tips = try model.id(of: "tips_arm", .body)
        object = try model.id(of: "object", .body)
        goal = try model.id(of: "goal", .body)
    }

    /// The cylinder uniform in [−0.3, 0] × [−0.2, 0.2] at least 0.17 from the goal at the origin.
    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        var cylinder: (Double, Double)
        repeat { cylinder = (generator.uniform(-0.3, 0), generator.uniform(-0.2, 0.2)) } while !(NumPyMath.norm(cylinder.0, cylinder.1) > 0.17)
        (qpos[7], qpos[8]) = cylinder
        (qpos[9], qpos[10]) = (0, 0)
        for i in qvel.indices { qvel[i] += generator.uniform(-0.005, 0.005) }
        for i in 7..<11 { qvel[i] = 0 }
    }

    private func distance(_ state: MuJoCoState, _ a: Int, _ b: Int) -> Double {
        let xpos = state.field(0)
        return NumPyMath.norm(xpos[3 * a] - xpos[3 * b], xpos[3 * a + 1] - xpos[3 * b + 1], xpos[3 * a + 2] - xpos[3 * b + 2])
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let near = -distance(state, object, tips) * nearWeight
        let dist = -distance(state, object, goal) * distanceWeight
        let control = -NumPyMath.sumOfSquares(action) * controlWeight
        let info: Info? = withInfo ? ["reward_dist": dist, "reward_ctrl": control, "reward_near": near] : nil
        return MuJoCoOutcome(reward: (dist + control) + near, terminated: false, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos, upTo: 7)
        writer.append(state.qvel, upTo: 7)
        let xpos = state.field(0)
        writer.append(xpos, from: 3 * tips, upTo: 3 * tips + 3)
        writer.append(xpos, from: 3 * object, upTo: 3 * object + 3)
        writer.append(xpos, from: 3 * goal, upTo: 3 * goal + 3)
    }
}
