import AscentEnvironments
import Testing
@testable import AscentRL

/// Environments registered by a user have no batched implementation: every algorithm must
/// still train on them with its default settings (`vectorMode` `auto` picks serial).
@Suite("Every algorithm trains on a user-registered environment")
struct UserEnvironmentTests {
    static let registered: Void = {
        try? Environments.register(EnvironmentSpec(id: "UserSwingUpTask-v0", maxEpisodeSteps: 50, summary: "Pendulum as a user environment") { _ in
            ClassicEnvironment(PendulumDynamics())
        })
        try? Environments.register(EnvironmentSpec(id: "UserPoleOnCartTask-v0", maxEpisodeSteps: 50, summary: "CartPole as a user environment") { _ in
            ClassicEnvironment(CartPoleDynamics())
        })
    }()

    init() { _ = Self.registered }

    @Test func userEnvironmentsHaveNoNativeModeButAutoWorks() throws {
        #expect(throws: EnvironmentError.self) { try Environments.makeVector("UserSwingUpTask-v0", count: 2, mode: .native) }
        let env = try Environments.makeVector("UserSwingUpTask-v0", count: 2, mode: .automatic)
        #expect(env is SyncVectorEnvironment)
        #expect(try Environments.makeVector("Pendulum-v1", count: 2, mode: .automatic) is NativeVectorEnvironment<PendulumDynamics>)
    }

    @Test func onPolicyAlgorithms() throws {
        var ppo = PPOConfiguration()
        (ppo.environment, ppo.environments, ppo.rolloutSteps, ppo.minibatchSize, ppo.totalSteps) = ("UserSwingUpTask-v0", 2, 32, 32, 128)
        try PPO(ppo).train()
        var a2c = A2CConfiguration()
        (a2c.environment, a2c.environments, a2c.totalSteps) = ("UserSwingUpTask-v0", 2, 100)
        try A2C(a2c).train()
        var reinforce = REINFORCEConfiguration()
        (reinforce.environment, reinforce.totalSteps) = ("UserPoleOnCartTask-v0", 200)
        try REINFORCE(reinforce).train()
    }

    @Test func offPolicyAlgorithms() throws {
        var sac = SACConfiguration()
        (sac.environment, sac.totalSteps, sac.learningStarts, sac.batchSize, sac.hiddenSizes) = ("UserSwingUpTask-v0", 120, 50, 16, [16])
        try SAC(sac).train()
        var td3 = TD3Configuration()
        (td3.environment, td3.totalSteps, td3.learningStarts, td3.batchSize, td3.hiddenSizes) = ("UserSwingUpTask-v0", 120, 50, 16, [16])
        try TD3(td3).train()
        var dqn = DQNConfiguration()
        (dqn.environment, dqn.totalSteps, dqn.learningStarts, dqn.batchSize, dqn.hiddenSizes) = ("UserPoleOnCartTask-v0", 120, 50, 16, [16])
        try DQN(dqn).train()
    }
}
