import AscentEnvironments
import AscentTensor
import Foundation
import Testing
@testable import AscentRL

/// A small, fast setting of any off-policy algorithm: 32-32 networks, 100 random steps, a
/// metrics row every 100 steps (plus `extra` overrides by key).
func small<C: OffPolicyConfiguration>(_ type: C.Type, seed: UInt64 = 1, steps: Int = 400, extra: [(key: String, value: String)] = []) -> C {
    // The keys are the configurations' own, so this cannot fail.
    try! C().overriding([("seed", "\(seed)"), ("totalSteps", "\(steps)"), ("hiddenSizes", "32,32"), ("learningStarts", "100"),
                         ("logInterval", "100")] + extra)
}

func smallSAC(seed: UInt64 = 1, steps: Int = 400) -> SACConfiguration { small(SACConfiguration.self, seed: seed, steps: steps, extra: [("batchSize", "64")]) }
func smallTD3(seed: UInt64 = 1, steps: Int = 400) -> TD3Configuration { small(TD3Configuration.self, seed: seed, steps: steps, extra: [("batchSize", "64")]) }
func smallDQN(seed: UInt64 = 1, steps: Int = 400) -> DQNConfiguration { small(DQNConfiguration.self, seed: seed, steps: steps, extra: [("targetUpdateInterval", "50")]) }

@Suite("Off-policy algorithms")
struct OffPolicyTests {
    @Test func squashedGaussianLogProbabilityMatchesTheChangeOfVariables() throws {
        var generator = RandomGenerator(seed: 3)
        let actor = SquashedGaussianActor(observationSize: 2, actionSize: 2, hiddenSizes: [8], generator: &generator)
        let observations = Tensor(shape: [3, 2], [0.1, -0.4, 1.2, 0.3, -2, 0.5])
        let noise = Tensor(shape: [3, 2], [0.3, -1.1, 2.5, 0.0, -3.2, 0.7])
        let (actions, logProbability) = actor.sample(observations, noise: noise)
        let (mean, logStd) = actor.distribution(observations)
        for row in 0..<3 {
            var expected = 0.0
            for d in 0..<2 {
                let i = row * 2 + d
                let sigma = Foundation.exp(Double(logStd.scalars[i]))
                let u = Double(mean.scalars[i]) + sigma * Double(noise.scalars[i])
                let z = (u - Double(mean.scalars[i])) / sigma
                expected += -0.5 * z * z - Foundation.log(sigma) - 0.5 * Foundation.log(2 * Double.pi)
                expected -= Foundation.log(1 - Foundation.tanh(u) * Foundation.tanh(u))
                #expect(abs(Double(actions.scalars[i]) - Foundation.tanh(u)) < 1e-6)
            }
            #expect(abs(Double(logProbability.scalars[row]) - expected) < 1e-4)
        }
    }

    @Test func huberLossAndItsGradient() {
        let x = Tensor([0.5, -2, 1.5, 0]).requiringGradient()
        let loss = DQN.huber(x)
        #expect(loss.scalars == [0.125, 1.5, 1.0, 0])
        loss.sum().backward()
        #expect(x.gradient!.scalars == [0.5, -1, 1, 0])
    }

    @Test func polyakAveragingMovesTargetsByTau() {
        var generator = RandomGenerator(seed: 1)
        let source = MLP(sizes: [2, 3, 1], generator: &generator), target = MLP(sizes: [2, 3, 1], generator: &generator)
        let before = target.parameters.map(\.value.scalars)
        target.polyakAverage(toward: source, tau: 0.25)
        for ((t, s), b) in zip(zip(target.parameters, source.parameters), before) {
            for i in 0..<t.count { #expect(abs(t.value.scalars[i] - (0.75 * b[i] + 0.25 * s.value.scalars[i])) < 1e-6) }
        }
        target.copyParameters(from: source)
        #expect(target.parameters.map(\.value.scalars) == source.parameters.map(\.value.scalars))
    }

    @Test func algorithmAndActionSpaceMustMatch() throws {
        var dqn = DQNConfiguration()
        dqn.environment = "Pendulum-v1"
        #expect(throws: RLError.self) { try DQN(dqn) }
        do { _ = try DQN(dqn) } catch { #expect("\(error)".contains("sac, td3 or ppo")) }
        var sac = SACConfiguration()
        sac.environment = "CartPole-v1"
        #expect(throws: RLError.self) { try SAC(sac) }
        var td3 = TD3Configuration()
        td3.environment = "Acrobot-v1"
        #expect(throws: RLError.self) { try TD3(td3) }
        #expect(throws: RLError.self) { try TrainingAlgorithms.named("ddpg") }
        do { _ = try TrainingAlgorithms.named("ddpg") } catch { #expect("\(error)".contains("a2c, dqn, ppo, reinforce, sac, td3")) }
    }

    @Test func invalidReplaySettingsAreNamed() throws {
        var c = smallSAC()
        c.batchSize = 512
        c.bufferSize = 100
        do { try c.validate(); Issue.record("accepted a buffer smaller than the batch") } catch {
            #expect("\(error)" == "invalid batchSize = 512: must be positive and at most bufferSize (100)")
        }
        c = smallSAC()
        c.tau = 1.5
        #expect(throws: RLError.invalidHyperparameter(name: "tau", value: "1.5", expected: "must lie in (0, 1] (1 is a hard copy)")) { try c.validate() }
        c = smallSAC()
        c.learningRate = .nan
        #expect(throws: RLError.self) { try SAC(c) }
    }

    @Test func overridesByKeyAreTypedAndValidated() throws {
        let c = try SACConfiguration().overriding([("batchSize", "128"), ("autoEntropy", "false"), ("hiddenSizes", "64, 32"),
                                                   ("targetEntropy", "-0.5"), ("environmentOptions", "g=9.81")])
        #expect(c.batchSize == 128 && !c.autoEntropy && c.hiddenSizes == [64, 32] && c.targetEntropy == -0.5 && c.environmentOptions == ["g": 9.81])
        #expect(try c.overriding([("targetEntropy", "none")]).targetEntropy == nil)
        do { _ = try SACConfiguration().overriding([("batchsize", "1")]); Issue.record("accepted an unknown key") } catch {
            #expect("\(error)".contains("valid keys:") && "\(error)".contains("batchSize"))
        }
        #expect(throws: RLError.self) { try SACConfiguration().overriding([("autoEntropy", "maybe")]) }
        #expect(throws: RLError.self) { try SACConfiguration().overriding([("tau", "nan")]) }
        #expect(throws: RLError.self) { try SACConfiguration().overriding([("tau", "2")]) }  // validated
        // A NaN set directly (a CLI flag) cannot be encoded to JSON: the error still names the key.
        var nanRate = SACConfiguration()
        nanRate.learningRate = .nan
        for overrides in [[], [(key: "gamma", value: "0.9")]] {
            #expect(throws: RLError.invalidHyperparameter(name: "learningRate", value: "nan", expected: "must be a positive number")) {
                try nanRate.overriding(overrides)
            }
        }
    }

    @Test func sameSeedGivesIdenticalRuns() throws {
        func history(_ seed: UInt64) throws -> [[Double]] {
            let sac = try SAC(smallSAC(seed: seed))
            try sac.train()
            return sac.history.map { Array($0.values.dropFirst(3)) }.map { $0.map { $0.isNaN ? -999 : $0 } }  // no timings; NaN comparable
        }
        let a = try history(4)
        #expect(a.count == 4)
        #expect(a == (try history(4)))
        #expect(a != (try history(5)))
    }

    @Test func checkpointsRestoreNetworksBufferAndStreams() throws {
        func check<Run: OffPolicyLearner>(_ run: Run) throws {
            try run.train(untilStep: 300)
            let file = run.checkpoint()
            let restored = try Run.restore(from: file)
            #expect(restored.globalStep == 300 && restored.loop.replay.count == run.loop.replay.count)
            #expect(restored.loop.gradientStepsDone == run.loop.gradientStepsDone)
            #expect("\(restored.history)" == "\(run.history)")
            let again = restored.checkpoint()
            #expect(Set(again.tensors.keys) == Set(file.tensors.keys))
            for (name, tensor) in file.tensors { #expect(again.tensors[name]!.scalars == tensor.scalars, "\(name)") }
            // The numbered checkpoints' snapshot: everything but the transitions, still restorable
            // through the same name check, acting exactly as the run does.
            let snapshot = run.snapshot()
            #expect(Set(snapshot.tensors.keys) == Set(file.tensors.keys) && snapshot.metadata["replay.count"] == "0")
            #expect(snapshot.tensors.values.reduce(0) { $0 + $1.count } < file.tensors.values.reduce(0) { $0 + $1.count })
            let policy = try TrainingAlgorithms.restore(snapshot, algorithm: Run.algorithm)
            #expect(try policy.evaluate(episodes: 1).returns == run.evaluate(episodes: 1).returns)
            try restored.train()
            #expect(restored.globalStep == 400)
        }
        try check(try SAC(smallSAC()))
        try check(try TD3(smallTD3()))
        try check(try DQN(smallDQN()))
        var file = try SAC(smallSAC()).checkpoint()
        file.metadata["format"] = "ascent-td3-checkpoint"
        #expect(throws: RLError.self) { try SAC.restore(from: file) }
    }

    /// A stop request (Ctrl-C) closes the current row at the next environment step, a
    /// shorter row, instead of running to the end of the log interval.
    @Test func stopRequestsCloseTheRowAtTheNextStep() throws {
        let sac = try SAC(smallSAC(steps: 400))
        let interval = sac.configuration.logInterval
        try sac.train(untilStep: nil, stopRequested: { sac.globalStep >= interval + 7 }) { $0.globalStep < interval + 7 }
        #expect(sac.globalStep == interval + 7 && sac.history.map(\.globalStep) == [interval, interval + 7])
    }

    /// Weights that turn NaN mid-run (divergence) stop SAC and TD3 with the quantity and the
    /// environment step, as PPO and DQN report it.
    @Test func divergedWeightsAreReportedWithTheStep() throws {
        let sac = try SAC(smallSAC(steps: 200))
        try sac.train(untilStep: 150)
        sac.actor.parameters[0].assign(Tensor(shape: sac.actor.parameters[0].shape, [Float](repeating: .nan, count: sac.actor.parameters[0].count)))
        #expect(throws: RLError.nonFinite(quantity: "the policy's output", step: 150)) { try sac.train() }
        let td3 = try TD3(smallTD3(steps: 200))
        try td3.train(untilStep: 150)
        td3.critic1.parameters[0].assign(Tensor(shape: td3.critic1.parameters[0].shape, [Float](repeating: .nan, count: td3.critic1.parameters[0].count)))
        do {
            try td3.train()
            Issue.record("TD3 trained on NaN critic weights")
        } catch RLError.nonFinite(let quantity, let step) {
            #expect(quantity == "critic loss" && step > 150, "\(quantity) at \(step)")
        }
    }

    @Test func explorationRateAnnealsLinearly() {
        var c = DQNConfiguration()
        c.totalSteps = 1000
        c.explorationFraction = 0.5
        #expect(c.explorationRate(atStep: 0) == 1)
        #expect(abs(c.explorationRate(atStep: 250) - 0.525) < 1e-6)
        #expect(abs(c.explorationRate(atStep: 500) - 0.05) < 1e-6 && c.explorationRate(atStep: 900) == 0.05)
    }
}
