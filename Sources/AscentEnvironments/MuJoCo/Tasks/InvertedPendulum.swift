import AscentRandom

/// InvertedPendulum-v5: balance a pole on a cart driven along a rail.
///
/// Reward 1 per step while the pole stays within 0.2 rad of upright; terminates when it
/// leaves that band (or the observation is not finite). Observation: `qpos` and `qvel`.
struct InvertedPendulumTask: MuJoCoTask {
    static let options = TaskOptions.descriptions([
        "reset_noise_scale": "start-state noise: U(±s) on qpos and qvel (default 0.01)",
    ], frameSkip: 2)

    let id = "InvertedPendulum-v5"
    let modelFile = "inverted_pendulum.xml"
    let frameSkip: Int
    let fields: [MuJoCoField] = []
    let noise: Double
    let observationSize = 4

    init(_ options: TaskOptions) throws {
        frameSkip = try options.frameSkip(2)
        noise = try options.nonNegative("reset_noise_scale", 0.01)
    }

    mutating func bind(to model: MuJoCoModel, facts: MuJoCoModelFacts) throws {
        guard facts.nq == 2, facts.nv == 2 else { throw MuJoCoError.unsupportedModel(path: model.file.path, reason: "\(id) needs a cart and a pole (2 joints), got nq \(facts.nq)") }
    }

    func sampleStart(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, generator: inout RandomGenerator) {
        StartNoise.uniform.perturb(qpos: qpos, qvel: qvel, scale: noise, generator: &generator)
    }

    func outcome(_ state: MuJoCoState, before: SIMD2<Double>, action: UnsafeBufferPointer<Float>, dt: Double, withInfo: Bool) -> MuJoCoOutcome {
        let finite = state.qpos.allSatisfy(\.isFinite) && state.qvel.allSatisfy(\.isFinite)
        let terminated = !finite || abs(state.qpos[1]) > 0.2
        let reward: Double = terminated ? 0 : 1
        return MuJoCoOutcome(reward: reward, terminated: terminated, info: withInfo ? ["reward_survive": reward] : nil)
    }

    func observe(_ state: MuJoCoState, into observation: UnsafeMutableBufferPointer<Float>) {
        var writer = ObservationWriter(observation)
        writer.append(state.qpos)
        writer.append(state.qvel)
    }
}
