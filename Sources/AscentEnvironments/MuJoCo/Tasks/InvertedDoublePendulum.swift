import AscentRandom
import Foundation

/// InvertedDoublePendulum-v5: balance two poles stacked on a cart.
///
/// With `(x, y)` the tip site's position: reward `healthy_reward · [y > 1] − (0.01 x² + (y − 2)²)
/// − (0.001 θ̇₁² + 0.005 θ̇₂²)`; terminates when `y ≤ 1`. Observation: the cart's position,
/// sin and cos of both hinge angles, `qvel` clipped to ±10 and the cart's constraint force
/// clipped to ±10.
struct InvertedDoublePendulumTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "healthy_reward": "reward per step while the tip is above y = 1 (default 10)",
        "reset_noise_scale": "start-state noise: U(±s) on qpos, s·N(0,1) on qvel (default 0.1)",
    ], frameSkip: 5)

    let id = "InvertedDoublePendulum-v5"
    let modelFile = "inverted_double_pendulum.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = [.data("site_xpos"), .data("qfrc_constraint")]
    /// The tip site's position and the cart's constraint force.
    let minimumFieldSizes = [3, 1]
    let healthyReward: Double, noise: Double
    let observationSize = 9

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(5)
        healthyReward = options("healthy_reward", 10)
        noise = try options.nonNegative("reset_noise_scale", 0.1)
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq == 3, facts.nv == 3 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs a cart and two hinges (3 joints), got nq \(facts.nq)") }
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.normal.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let site = state.field(0)
        let (x, y) = (site[0], site[2])
        let terminated = y <= 1
        let (v1, v2) = (state.qvel[1], state.qvel[2])
        let distance = 0.01 * (x * x) + (y - 2) * (y - 2)
        let velocity = 0.001 * (v1 * v1) + 0.005 * (v2 * v2)
        let alive = terminated ? 0 : healthyReward
        let info: Info? = withInfo ? ["reward_survive": alive, "distance_penalty": -distance, "velocity_penalty": -velocity] : nil
        return MuJoCoOutcome(reward: (alive - distance) - velocity, terminated: terminated, info: info)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos[0])
        for i in 1..<3 { writer.append(sin(state.qpos[i])) }
        for i in 1..<3 { writer.append(cos(state.qpos[i])) }
        writer.append(state.qvel, clip: 10)
        writer.append(NumPyMath.clip(state.field(1)[0], -10, 10))
    }
}
