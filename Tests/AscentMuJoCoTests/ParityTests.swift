import AscentEnvironments
import Testing

/// Every MuJoCo environment replays Gymnasium's recorded trajectories bit for bit: the same
/// start state, the same actions, the same observations, rewards, terminations and states.
@Suite("MuJoCo environments match Gymnasium's recorded trajectories", .enabled(if: MuJoCoAvailability.installed))
struct ParityTests {
    static let ids = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5",
                      "InvertedPendulum-v5", "InvertedDoublePendulum-v5", "Reacher-v5", "Pusher-v5"]

    @Test(arguments: ids) func bitExact(_ id: String) throws {
        try replay(id)
    }

    /// Masses, inertias, frictions, damping, armature, gears and gravity set by name equal
    /// the same edits made on Gymnasium's model followed by `mj_setConst`.
    @Test(arguments: ["HalfCheetah-v5", "Ant-v5"]) func randomizedPhysicsBitExact(_ id: String) throws {
        try replay(id, fixture: "\(id)-randomized")
    }

    private func replay(_ id: String, fixture name: String? = nil) throws {
        let fixture = try MuJoCoFixture.load(name ?? id)
        let library = try MuJoCoLibrary.shared()
        try #require(fixture.mujoco == library.version, "fixtures were recorded on MuJoCo \(fixture.mujoco); loaded \(library.version)")
        let env = try MuJoCoEnvironment(id)
        for (parameter, value) in fixture.parameters.sorted(by: { $0.key < $1.key }) {
            let nominal = try env.physicalParameter(parameter)
            let isScale = parameter.hasSuffix("_scale")
            try env.setPhysicalParameter(parameter, to: isScale || parameter == "gravity" ? value : nominal * value)
        }
        var checked = 0
        for (c, recorded) in fixture.cases.enumerated() {
            _ = try env.reset(seed: UInt64(c))
            try env.setState(qpos: recorded.qpos, qvel: recorded.qvel)
            #expect(try env.currentObservation() == recorded.observation.map { Float($0) }, "\(id) case \(c): first observation")
            if try env.currentObservation() != recorded.observation.map({ Float($0) }) { return }
            for (t, step) in recorded.steps.enumerated() {
                let result = try env.step(recorded.actions[t].map { Float($0) })
                let context = "\(id) case \(c) step \(t)"
                let expected = step.observation.map { Float($0) }
                let mismatch = zip(result.observation, expected).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(result.observation.count == expected.count && mismatch == nil,
                        "\(context): observation element \(mismatch?.offset ?? -1): \(mismatch.map { "\($0.element.0) vs \($0.element.1)" } ?? "sizes differ")")
                #expect(result.reward == step.reward, "\(context): reward \(result.reward) vs \(step.reward)")
                #expect(result.terminated == step.terminated, "\(context): terminated")
                #expect(env.qpos == step.qpos, "\(context): qpos")
                #expect(env.qvel == step.qvel, "\(context): qvel")
                checked += 1
                if result.reward != step.reward || env.qpos != step.qpos { return }  // one failure per case is enough
            }
        }
        #expect(checked == fixture.cases.reduce(0) { $0 + $1.steps.count })
        #expect(checked >= 20)
    }
}
