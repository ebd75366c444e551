import Foundation
import AscentEnvironments
import Testing
@testable import AscentRL

/// Training on MuJoCo: every algorithm runs on a MuJoCo environment from its default entry
/// point, and PPO's preset clearly learns InvertedPendulum-v5 on a small budget.
@Suite("Training on MuJoCo environments", .enabled(if: MuJoCoAvailability.installed))
struct MuJoCoLearningTests {
    @Test func ppoPresetLearnsInvertedPendulum() throws {
        var c = try PPOConfiguration.preset("InvertedPendulum-v5")
        c.totalSteps = 20_000
        c.seed = 1
        let ppo = try PPO(c)
        let before = try ppo.evaluate(episodes: 5, deterministic: true).returns
        try ppo.train()
        let after = try ppo.evaluate(episodes: 5, deterministic: true).returns
        let (start, end) = (before.reduce(0, +) / 5, after.reduce(0, +) / 5)
        #expect(start < 100, "an untrained policy drops the pole within 100 steps, got \(start)")
        #expect(end >= 500, "PPO keeps the pole up for at least half the 1000 steps after 20k steps, got \(end)")
    }

    @Test func everyAlgorithmRunsOnHopper() throws {
        var ppo = try PPOConfiguration.preset("Hopper-v5")
        (ppo.totalSteps, ppo.rolloutSteps, ppo.hiddenSizes) = (256, 128, [16])
        try PPO(ppo).train()
        var a2c = A2CConfiguration()
        (a2c.environment, a2c.environments, a2c.totalSteps) = ("Hopper-v5", 2, 100)
        try A2C(a2c).train()
        var reinforce = REINFORCEConfiguration()
        (reinforce.environment, reinforce.totalSteps) = ("Hopper-v5", 200)
        try REINFORCE(reinforce).train()
        var sac = try SACConfiguration.preset("Hopper-v5")
        (sac.totalSteps, sac.learningStarts, sac.batchSize, sac.hiddenSizes) = (120, 50, 16, [16])
        try SAC(sac).train()
        var td3 = try TD3Configuration.preset("Hopper-v5")
        (td3.totalSteps, td3.learningStarts, td3.batchSize, td3.hiddenSizes) = (120, 50, 16, [16])
        try TD3(td3).train()
    }

    @Test func dqnRefusesAContinuousMuJoCoTaskByName() throws {
        var dqn = DQNConfiguration()
        dqn.environment = "Hopper-v5"
        #expect { try DQN(dqn) } throws: { "\($0)".lowercased().contains("discrete") }
    }
}

@Suite("Runs on MuJoCo record the library's version", .enabled(if: MuJoCoAvailability.installed))
struct MuJoCoVersionRecordTests {
    @Test func checkpointAndConfigNameTheMuJoCoVersion() throws {
        var c = try PPOConfiguration.preset("InvertedPendulum-v5")
        c.totalSteps = 64
        let ppo = try PPO(c)
        let version = try MuJoCoLibrary.shared().version
        #expect(ppo.checkpoint().metadata["mujoco_version"] == version)
        #expect(try PPO(try PPOConfiguration.preset("Pendulum-v1")).checkpoint().metadata["mujoco_version"] == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-mujoco-run-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try RunDirectory.create(at: path)
        try run.writeConfiguration(of: ppo)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("config.json"))) as? [String: Any]
        #expect((record?["engineVersions"] as? [String: String])?["mujoco"] == version)
    }
}
