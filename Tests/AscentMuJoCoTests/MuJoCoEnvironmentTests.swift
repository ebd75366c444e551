import AscentEnvironments
import AscentRandom
import Foundation
import Testing

@Suite("MuJoCo environments: vector stepping, resets and bad input", .enabled(if: MuJoCoAvailability.installed))
struct MuJoCoEnvironmentTests {
    /// Random actions for `count` environments, the same for every run.
    private func actions(_ space: Space, count: Int, steps: Int) -> [[Float]] {
        var generator = RandomGenerator(seed: 11, stream: "actions")
        return (0..<steps).map { _ in (0..<count).flatMap { _ in space.sample(using: &generator) } }
    }

    private func run(_ env: any VectorEnvironment, _ actions: [[Float]]) throws -> [[Float]] {
        var trace = [try env.reset(seed: 5)]
        for a in actions {
            let step = try env.step(a)
            trace.append(step.observations + step.rewards.map { Float($0) } + step.truncated.map { $0 ? 1 : 0 })
        }
        return trace
    }

    @Test(arguments: ["Hopper-v5", "Ant-v5"])
    func nativeVectorEqualsSeparateEnvironmentsAtAnyThreadCount(_ id: String) throws {
        let count = 4
        let single = try Environments.makeVector(id, count: count, mode: .serial)
        let space = single.actionSpace
        let script = actions(space, count: count, steps: 120)
        let reference = try run(single, script)
        for threads in [1, 2, 3] {
            let native = try Environments.makeVector(id, count: count, mode: threads == 1 ? .native : .nativeThreaded(threads))
            #expect(try run(native, script) == reference, "\(id) native with \(threads) thread(s)")
        }
    }

    @Test func autoresetKeepsTheFinalObservationAndReportsTheEpisode() throws {
        let env = try Environments.makeVector("InvertedPendulum-v5", count: 2, mode: .native)
        _ = try env.reset(seed: 1)
        var ended = 0
        for _ in 0..<200 {
            let step = try env.step([3, -3])  // full force: the pole falls within a few dozen steps
            for i in step.doneIndices {
                ended += 1
                let final = try #require(step.finalObservations[i])
                #expect(abs(final[1]) > 0.2, "the episode ended because the pole left ±0.2 rad")
                #expect(abs(step.observations[i * 4 + 1]) <= 0.01, "the slot holds a fresh start state")
                #expect(step.infos[i]?["episode_length"] ?? 0 >= 1)
            }
        }
        #expect(ended >= 4)
    }

    @Test func timeLimitTruncatesAtTheRegisteredLength() throws {
        let env = try Environments.makeVector("Reacher-v5", count: 1, mode: .native)
        _ = try env.reset(seed: 0)
        for t in 1...50 {
            let step = try env.step([0, 0])
            #expect(step.truncated[0] == (t == 50))
            #expect(!step.terminated[0])
        }
    }

    /// Start states are `qpos0 + U(−s, s)` per coordinate: mean ≈ qpos0, variance ≈ s²/3.
    @Test func resetNoiseHasGymnasiumsDistribution() throws {
        let env = try MuJoCoEnvironment("Hopper-v5", options: ["reset_noise_scale": 0.1])
        _ = try env.reset(seed: 0)
        let initial = try MuJoCoEnvironment("Hopper-v5", options: ["reset_noise_scale": 0]).resetAndRead()
        let n = 2_000
        var sum = [Double](repeating: 0, count: initial.count), squares = sum
        for episode in 0..<n {
            let qpos = try env.resetAndRead(seed: episode == 0 ? 42 : nil)
            for i in qpos.indices {
                let d = qpos[i] - initial[i]
                #expect(abs(d) <= 0.1)
                sum[i] += d
                squares[i] += d * d
            }
        }
        for i in initial.indices {
            let mean = sum[i] / Double(n), variance = squares[i] / Double(n) - mean * mean
            #expect(abs(mean) < 4 * 0.1 / (3 * Double(n)).squareRoot(), "coordinate \(i) mean \(mean)")
            #expect(abs(variance - 0.01 / 3) < 0.0006, "coordinate \(i) variance \(variance)")
        }
    }

    @Test func sameSeedSameEpisodes() throws {
        let a = try MuJoCoEnvironment("Walker2d-v5"), b = try MuJoCoEnvironment("Walker2d-v5")
        #expect(try a.reset(seed: 9).observation == b.reset(seed: 9).observation)
        #expect(try a.reset(seed: 10).observation != b.reset(seed: 9).observation)
    }

    @Test func infoCarriesGymnasiumsKeys() throws {
        let env = try MuJoCoEnvironment("HalfCheetah-v5")
        let reset = try env.reset(seed: 0)
        #expect(reset.info["x_position"] != nil)
        let step = try env.step([Float](repeating: 0.5, count: 6))
        let info = step.info
        #expect(Set(info.keys) == ["x_position", "x_velocity", "reward_forward", "reward_ctrl"])
        #expect(abs((info["reward_forward"]! + info["reward_ctrl"]!) - step.reward) < 1e-12)
        #expect(info["reward_ctrl"] == -0.1 * 6 * 0.25)
    }

    @Test func badActionsAreRefusedByName() throws {
        let env = try MuJoCoEnvironment("Hopper-v5")
        #expect(throws: EnvironmentError.stepBeforeReset(environment: "Hopper-v5")) { try env.step([0, 0, 0]) }
        _ = try env.reset(seed: 0)
        #expect { try env.step([0, 0]) } throws: { "\($0)".contains("expected 3 value(s)") }
        #expect { try env.step([0, .nan, 0]) } throws: { "\($0)".contains("element 1 is nan") }
        #expect { try env.step([0, .infinity, 0]) } throws: { "\($0)".contains("must be finite") }
        let vector = try Environments.makeVector("Hopper-v5", count: 2)
        _ = try vector.reset(seed: 0)
        #expect { try vector.step([0, 0, 0]) } throws: { "\($0)".contains("expected 2 × 3 = 6 values, got 3") }
    }

    @Test func badOptionsAreRefusedByName() throws {
        #expect { try Environments.make("Ant-v5", options: ["ctrl_cost": 1]) } throws: { "\($0)".contains("valid options:") && "\($0)".contains("ctrl_cost_weight") }
        #expect { try Environments.make("Ant-v5", options: ["frame_skip": 0]) } throws: { "\($0)".contains("frame_skip") }
        #expect { try Environments.make("Ant-v5", options: ["healthy_z_range_low": 2]) } throws: { "\($0)".contains("must not exceed healthy_z_range_high") }
        #expect { try Environments.make("Ant-v5", options: ["main_body": 99]) } throws: { "\($0)".contains("bodies 0..<") }
        #expect { try Environments.make("Hopper-v5", options: ["reset_noise_scale": -1]) } throws: { "\($0)".contains("≥ 0") }
        #expect { try MuJoCoEnvironment("Hopper-v6") } throws: { "\($0)".contains("Hopper-v5") }
    }

    @Test func badModelFilesAreNamedWithMuJoCosMessage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-mujoco-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.xml")
        try "<mujoco><worldbody><body><geom type='nonsense'/></body></worldbody></mujoco>".write(to: broken, atomically: true, encoding: .utf8)
        #expect { try MuJoCoEnvironment("HalfCheetah-v5", xmlFile: broken.path) } throws: {
            "\($0)".contains("MuJoCo could not compile \(broken.path)") && "\($0)".contains("nonsense")
        }
        let passive = folder.appendingPathComponent("passive.xml")
        try "<mujoco><worldbody><body><joint type='hinge'/><geom size='0.1'/></body></worldbody></mujoco>".write(to: passive, atomically: true, encoding: .utf8)
        #expect { try MuJoCoEnvironment("InvertedPendulum-v5", xmlFile: passive.path) } throws: { "\($0)".contains("has no actuators") }
        let siteless = folder.appendingPathComponent("siteless.xml")
        try """
        <mujoco><worldbody><body><joint type='slide' axis='1 0 0'/><geom size='0.1'/>
        <body><joint type='hinge'/><geom size='0.1'/><body><joint type='hinge'/><geom size='0.1'/></body></body></body></worldbody>
        <actuator><motor joint='0' ctrlrange='-1 1'/></actuator></mujoco>
        """.replacingOccurrences(of: "joint='0'", with: "joint='cart'").replacingOccurrences(of: "type='slide'", with: "name='cart' type='slide'")
            .write(to: siteless, atomically: true, encoding: .utf8)
        #expect { try MuJoCoEnvironment("InvertedDoublePendulum-v5", xmlFile: siteless.path) } throws: { "\($0)".contains("reads data(\"site_xpos\") with at least 3 values") }
        let reversed = folder.appendingPathComponent("reversed.xml")
        try """
        <mujoco><compiler autolimits='false'/><worldbody><body><joint name='cart' type='slide' axis='1 0 0'/><geom size='0.1'/>
        <body><joint type='hinge'/><geom size='0.1'/></body></body></worldbody>
        <actuator><motor joint='cart' ctrllimited='false' ctrlrange='1 -1'/></actuator></mujoco>
        """.write(to: reversed, atomically: true, encoding: .utf8)
        #expect { try MuJoCoEnvironment("InvertedPendulum-v5", xmlFile: reversed.path) } throws: { "\($0)".contains("ctrlrange [1.0, -1.0] is empty") }
        #expect { try Environments.makeVector("Hopper-v5", count: 2_000_000) } throws: { "\($0)".contains("1...1000000 simulations") }
        #expect { try MuJoCoEnvironment("Hopper-v5", xmlFile: folder.appendingPathComponent("missing.xml").path) } throws: {
            "\($0)".contains("no MuJoCo model file at")
        }
    }

    @Test func setStateIsGymnasiumsSetState() throws {
        let env = try MuJoCoEnvironment("InvertedPendulum-v5")
        _ = try env.reset(seed: 0)
        try env.setState(qpos: [0.1, -0.05], qvel: [0.2, 0.3])
        #expect(try env.currentObservation() == [0.1, -0.05, 0.2, 0.3])
        #expect { try env.setState(qpos: [0], qvel: [0, 0]) } throws: { "\($0)".contains("needs 2 qpos and 2 qvel values") }
        #expect { try env.setState(qpos: [.nan, 0], qvel: [0, 0]) } throws: { "\($0)".contains("not finite") }
    }

    @Test func missingMuJoCoIsExplainedWithTheInstallCommand() {
        let message = MuJoCoError.notInstalled(searched: ["/nowhere"]).description
        #expect(message.contains("MuJoCo is not installed") && message.contains("scripts/install-mujoco.sh") && message.contains("/nowhere"))
    }
}

extension MuJoCoEnvironment {
    /// Resets and returns the start state's qpos.
    func resetAndRead(seed: UInt64? = 0) throws -> [Double] {
        _ = try reset(seed: seed)
        return qpos
    }
}
