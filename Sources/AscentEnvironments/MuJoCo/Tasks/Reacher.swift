import AscentRandom
import Foundation

/// Reacher-v5: move a two-joint arm's fingertip to a random target in the plane.
///
/// Reward: `−reward_dist_weight · ‖fingertip − target‖ − reward_control_weight · Σ a²`.
/// Never terminates. Observation: cos and sin of both joint angles, the target's position,
/// both joint velocities and the fingertip-to-target vector's x and y.
struct ReacherTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "reward_dist_weight": "weight of the fingertip's distance to the target (default 1)",
        "reward_control_weight": "weight of Σ action² (default 1)",
    ], frameSkip: 2)

    let id = "Reacher-v5"
    let modelFile = "reacher.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = [.data("xpos")]
    let distanceWeight: Double, controlWeight: Double
    let observationSize = 10
    let drawing = MuJoCoDrawing(view: .top, rootQpos: 0)
    private var fingertip = 0, target = 0

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(2)
        distanceWeight = options("reward_dist_weight", 1)
        controlWeight = options("reward_control_weight", 1)
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq == 4, facts.nv == 4 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs two arm joints and a 2D target (nq 4), got nq \(facts.nq)") }
        fingertip = try model.id(of: "fingertip", .body)
        target = try model.id(of: "target", .body)
    }

    /// Joint angles ±0.1 around rest; a target uniform in the disc of radius 0.2 (by rejection).
    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        for i in qpos.indices { qpos[i] = generator.uniform(-0.1, 0.1) + qpos[i] }
        var goal: (Double, Double)
        repeat { goal = (generator.uniform(-0.2, 0.2), generator.uniform(-0.2, 0.2)) } while !(NumPyMath.norm(goal.0, goal.1) < 0.2)
        (qpos[2], qpos[3]) = goal
        for i in qvel.indices { qvel[i] += generator.uniform(-0.005, 0.005) }
        (qvel[2], qvel[3]) = (0, 0)
    }

    private func offset(_ state: MuJoCoState) -> (Double, Double, Double) {
        let xpos = state.field(0)
        return (xpos[3 * fingertip] - xpos[3 * target], xpos[3 * fingertip + 1] - xpos[3 * target + 1], xpos[3 * fingertip + 2] - xpos[3 * target + 2])
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let v = offset(state)
        let distance = -NumPyMath.norm(v.0, v.1, v.2) * distanceWeight
        let control = -NumPyMath.sumOfSquares(action) * controlWeight
        return MuJoCoOutcome(reward: distance + control, terminated: false, info: withInfo ? ["reward_dist": distance, "reward_ctrl": control] : nil)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        for i in 0..<2 { writer.append(cos(state.qpos[i])) }
        for i in 0..<2 { writer.append(sin(state.qpos[i])) }
        writer.append(state.qpos, from: 2)
        writer.append(state.qvel, upTo: 2)
        let v = offset(state)
        writer.append(v.0)
        writer.append(v.1)
    }
}
