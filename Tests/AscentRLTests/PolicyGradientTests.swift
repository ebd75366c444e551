import AscentEnvironments
import AscentTensor
import Foundation
import Testing
@testable import AscentRL

@Suite("A2C and REINFORCE")
struct PolicyGradientTests {
    @Test func reinforceWithoutBaselineLeavesTheCriticAlone() throws {
        var c = REINFORCEConfiguration()
        c.totalSteps = 500
        c.baseline = false
        let run = try REINFORCE(c)
        let critic = run.model.critic.parameters.map(\.value.scalars)
        try run.train()
        #expect(run.model.critic.parameters.map(\.value.scalars) == critic)
        #expect(run.history.allSatisfy { $0.valueLoss.isNaN && $0.explainedVariance.isNaN })
    }

    @Test func a2cCheckpointRestoresModelOptimizerAndCounters() throws {
        var c = A2CConfiguration()
        c.totalSteps = 2_000
        c.logInterval = 400
        let run = try A2C(c)
        try run.train(untilStep: 800)
        let restored = try A2C.restore(from: run.checkpoint())
        #expect(restored.globalStep == run.globalStep && restored.updatesDone == run.updatesDone)
        #expect(restored.model.parameters.map(\.value.scalars) == run.model.parameters.map(\.value.scalars))
        #expect(restored.checkpoint().tensors.keys.sorted() == run.checkpoint().tensors.keys.sorted())
        var tampered = run.checkpoint()  // an integer tensor read from a file is no part of a checkpoint
        tampered.nonFloatTensors["model.extra"] = ("I64", [2])
        #expect(throws: CheckpointError.nameMismatch(missing: [], unexpected: ["model.extra"])) { try A2C.restore(from: tampered) }
        try restored.train()
        #expect(restored.globalStep == 2_000)
        var bad = c
        bad.optimizer = "lbfgs"
        #expect(throws: RLError.invalidHyperparameter(name: "optimizer", value: "lbfgs", expected: "must be rmsprop or adam")) { try A2C(bad) }
    }

    /// Any algorithm trains on domain-randomised copies when its configuration asks.
    @Test func randomizedTrainingChangesThePhysicsAndRejectsUnknownParameters() throws {
        var c = A2CConfiguration()
        c.environment = "Pendulum-v1"
        c.totalSteps = 800
        c.logInterval = 200
        let nominal = try A2C(c)
        try nominal.train()
        c.randomization = RandomizationSettings(parameters: [.init(name: "mass", bounds: .multiplicative(low: 0.2, high: 3))])
        let randomized = try A2C(c)
        try randomized.train()
        #expect(randomized.history.map(\.policyLoss) != nominal.history.map(\.policyLoss))
        #expect(randomized.history.allSatisfy { $0.policyLoss.isFinite })
        c.randomization = RandomizationSettings(parameters: [.init(name: "colour", bounds: .multiplicative(low: 0.5, high: 1.5))])
        #expect(throws: (any Error).self) { try A2C(c) }
    }

    @Test func a2cRunsContinuousActionsWithAdam() throws {
        var c = try A2CConfiguration.preset("Pendulum-v1")
        c.totalSteps = 640
        c.optimizer = "adam"
        let run = try A2C(c)
        try run.train()
        #expect(run.history.last!.actionStd.isFinite && run.history.last!.valueLoss.isFinite)
    }
}

/// Each algorithm's learning, in seconds of a debug build: a fixed seed, a modest budget and
/// a bar far above a random policy (CartPole ≈ 20, Pendulum ≈ −1200).
@Suite("Algorithms learn", .serialized)
struct AlgorithmLearningTests {
    private func meanReturn(_ run: some TrainingRun) throws -> Double {
        try run.train(untilStep: nil) { _ in true }
        let returns = try run.evaluate(episodes: 10, deterministic: true, seed: nil, recordFrames: false, physicalParameters: [:]).returns
        return returns.reduce(0, +) / Double(returns.count)
    }

    @Test func sacSwingsUpPendulum() throws {
        var c = try SACConfiguration.preset("Pendulum-v1")
        c.totalSteps = 5_000
        c.hiddenSizes = [64, 64]
        #expect(try meanReturn(try SAC(c)) > -600)
    }

    @Test func td3ImprovesOnPendulum() throws {
        var c = try TD3Configuration.preset("Pendulum-v1")
        c.totalSteps = 8_000
        c.learningStarts = 1_000
        c.hiddenSizes = [64, 64]
        #expect(try meanReturn(try TD3(c)) > -800)
    }

    @Test func dqnBalancesCartPole() throws {
        var c = try DQNConfiguration.preset("CartPole-v1")
        c.totalSteps = 15_000
        c.hiddenSizes = [64, 64]
        #expect(try meanReturn(try DQN(c)) > 100)
    }

    @Test func a2cBalancesCartPole() throws {
        var c = try A2CConfiguration.preset("CartPole-v1")
        c.totalSteps = 60_000
        #expect(try meanReturn(try A2C(c)) > 150)
    }

    @Test func reinforceBalancesCartPole() throws {
        var c = try REINFORCEConfiguration.preset("CartPole-v1")
        c.totalSteps = 40_000
        #expect(try meanReturn(try REINFORCE(c)) > 150)
    }
}
