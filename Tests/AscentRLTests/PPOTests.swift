import AscentEnvironments
import AscentTensor
import Foundation
import Testing
@testable import AscentRL

/// A short CartPole configuration for fast tests.
func smallCartPole(seed: UInt64 = 1, steps: Int = 2048) throws -> PPOConfiguration {
    var c = try PPOConfiguration.preset("CartPole-v1")
    c.seed = seed
    c.totalSteps = steps
    return c
}

@Suite("PPO")
struct PPOTests {
    @Test func invalidHyperparametersAreNamed() throws {
        var c = PPOConfiguration()
        c.minibatchSize = 100
        #expect(throws: RLError.self) { try c.validate() }
        do { try c.validate() } catch { #expect("\(error)".contains("must divide the rollout size")) }
        for mutate in [{ (c: inout PPOConfiguration) in c.learningRate = .nan }, { $0.learningRate = -1 }, { $0.clipRange = 0 },
                       { $0.environments = 0 }, { $0.gamma = 1.5 }, { $0.hiddenSizes = [] }, { $0.vectorMode = "gpu" }] {
            var bad = PPOConfiguration()
            mutate(&bad)
            #expect(throws: RLError.self) { try bad.validate() }
        }
        #expect(throws: RLError.invalidHyperparameter(name: "preset", value: "Pong-v5",
                                                      expected: "one of Pendulum-v1, CartPole-v1, Acrobot-v1, MountainCarContinuous-v0, " + PPOConfiguration.mujocoPresetNames.joined(separator: ", "))) {
            try PPOConfiguration.preset("Pong-v5")
        }
        var unknown = PPOConfiguration()
        unknown.environment = "Pendulum-v2"
        #expect(throws: EnvironmentError.self) { try PPO(unknown) }
    }

    @Test func sameSeedGivesIdenticalTraining() throws {
        /// Metrics as text (NaN, e.g. the absent Gaussian std, is not equal to itself), without timings.
        func run(seed: UInt64) throws -> [String] {
            let ppo = try PPO(try smallCartPole(seed: seed))
            try ppo.train()
            return ppo.history.map { var m = $0; m.wallSeconds = 0; m.stepsPerSecond = 0; return "\(m.values)" }
        }
        let a = try run(seed: 5)
        #expect(a.count == 8)
        #expect(a == (try run(seed: 5)))
        #expect(a != (try run(seed: 6)))
        // Actor and critic run on two cores when there are two; on one, the same numbers.
        let threads = KernelThreads.count
        KernelThreads.set(1)
        defer { KernelThreads.set(threads) }
        #expect(a == (try run(seed: 5)))
    }

    @Test func checkpointRestoresEverythingAndContinuesDeterministically() throws {
        let ppo = try PPO(try smallCartPole(seed: 3, steps: 4096))
        try ppo.train(untilStep: 1024)
        let encoded = ppo.checkpoint().encoded()
        let first = try PPO.restore(from: try SafeTensors.decode(encoded))
        let second = try PPO.restore(from: try SafeTensors.decode(encoded))
        #expect(first.globalStep == 1024 && first.updatesDone == 4 && first.history.count == 4)
        for (a, b) in zip(ppo.model.parameters, first.model.parameters) { #expect(a.value.scalars == b.value.scalars) }
        #expect(first.optimizer.stepCount == ppo.optimizer.stepCount)
        try first.train()
        try second.train()
        #expect(first.history.map(\.policyLoss) == second.history.map(\.policyLoss))
        #expect(first.history.count == 16)
        #expect(first.globalStep == 4096)
    }

    /// Resuming past the configured total must extend the annealing, never drive the
    /// learning rate below zero (which would make PPO ascend its own loss).
    @Test func extendingTrainingKeepsSchedulesValid() throws {
        let ppo = try PPO(try smallCartPole(seed: 2, steps: 1024))
        try ppo.train()
        #expect(ppo.history.last!.learningRate > 0)
        #expect(throws: RLError.self) { try ppo.extendTraining(to: 512) }
        try ppo.extendTraining(to: 2048)
        try ppo.train()
        #expect(ppo.globalStep == 2048)
        #expect(ppo.history.allSatisfy { $0.learningRate >= 0 && $0.clipRange >= 0 })
        #expect(ppo.history[4].learningRate > ppo.history[3].learningRate)  // the rate rises at the extension
        #expect(try PPO.restore(from: ppo.checkpoint()).configuration.totalSteps == 2048)
    }

    @Test func corruptCheckpointsAreRejectedClearly() throws {
        let ppo = try PPO(try smallCartPole())
        var file = ppo.checkpoint()
        for value in ["many", "\(Int.max)", "-3"] {
            file.metadata["global_step"] = value
            #expect(throws: RLError.invalidRunDirectory("checkpoint metadata 'global_step' is missing or not an integer in 0...2^53")) {
                try PPO.restore(from: file)
            }
        }
        file = ppo.checkpoint()
        file.metadata["updates_done"] = "\(Int.max)"
        #expect(throws: RLError.self) { try PPO.restore(from: file) }
        var missing = ppo.checkpoint()
        missing.tensors.removeValue(forKey: "model.logStd")
        missing.tensors.removeValue(forKey: "model.critic.layers.0.bias")
        #expect(throws: CheckpointError.nameMismatch(missing: ["model.critic.layers.0.bias"], unexpected: [])) {
            try PPO.restore(from: missing)
        }
        #expect(throws: RLError.self) { try PPO.restore(from: SafeTensors()) }
    }

    /// A checkpoint with NaN weights (corrupt or diverged) is reported, not sampled from.
    /// The rollout and the update compute log-probabilities with the same operations (the
    /// same tanh, exp and sums), so before any optimiser step the probability ratio is
    /// exactly 1: the first minibatch of the first epoch has KL 0 and clip fraction 0. With
    /// one epoch of one minibatch (the whole rollout) the update's metrics are that minibatch's.
    @Test(arguments: [("Pendulum-v1", false, Float(0)), ("Pendulum-v1", true, Float(2)), ("Pendulum-v1", true, Float(-1)),
                      ("CartPole-v1", false, Float(0))])
    func firstMinibatchSeesTheRolloutsProbabilities(environment: String, squashed: Bool, initialLogStd: Float) throws {
        var c = PPOConfiguration()
        c.environment = environment
        c.squashActions = squashed
        c.initialLogStd = initialLogStd
        (c.environments, c.rolloutSteps, c.minibatchSize, c.epochs, c.totalSteps) = (4, 256, 1024, 1, 1024)
        let ppo = try PPO(c)
        try ppo.train()
        let metrics = try #require(ppo.history.first)
        // OpenBLAS's sgemm sums a row differently depending on the batch, so there the ratio
        // is 1 only to rounding (a mismatched tanh gave a KL of 0.1 and 26 % clipped).
        let exact = MatmulBackend.name != "OpenBLAS"
        #expect(exact ? metrics.approxKL == 0 && metrics.approxKLk3 == 0 : Swift.abs(metrics.approxKL) < 1e-6,
                "\(environment) squashed \(squashed): KL \(metrics.approxKL)")
        #expect(exact ? metrics.clipFraction == 0 : metrics.clipFraction < 0.001, "\(environment) squashed \(squashed)")
    }

    @Test func nonFiniteWeightsAreReportedNotSampled() throws {
        let ppo = try PPO(try smallCartPole())
        var file = ppo.checkpoint()
        let weight = try #require(file.tensors["model.actor.layers.0.weight"])
        file.tensors["model.actor.layers.0.weight"] = Tensor(shape: weight.shape, [Float](repeating: .nan, count: weight.count))
        let poisoned = try PPO.restore(from: file)
        #expect(throws: RLError.nonFinitePolicy) { try poisoned.evaluate(episodes: 1) }
        #expect(throws: RLError.nonFinitePolicy) { try poisoned.train() }
    }

    /// Normaliser statistics from a file are checked before use.
    @Test func malformedStatisticsInACheckpointAreRejected() throws {
        let ppo = try PPO(try smallCartPole())
        for (key, value) in [("observation_statistics", #"{"mean":[0,0,0,0],"variance":[1,1],"count":1}"#),
                             ("observation_statistics", #"{"mean":[0,0,0,0],"variance":[1,1,-1,1],"count":1}"#),
                             ("reward_statistics", #"{"mean":[0,0],"variance":[1,1],"count":1}"#)] {
            var file = ppo.checkpoint()
            file.metadata[key] = value
            #expect(throws: RLError.self) { try PPO.restore(from: file) }
        }
    }

    @Test func nanFromTheEnvironmentStopsTrainingWithTheStep() throws {
        try? Environments.register(EnvironmentSpec(id: "Poisoned-v0", maxEpisodeSteps: 50, summary: "NaN after 30 steps") { _ in PoisonedEnvironment() })
        var c = PPOConfiguration()
        c.environment = "Poisoned-v0"
        c.vectorMode = "serial"
        c.rolloutSteps = 64
        c.normalizeObservations = false
        #expect(throws: RLError.nonFinite(quantity: "observation", step: 31)) { try PPO(c).train() }
    }

    @Test func runDirectoryRefusesToOverwriteAndReportsMissingPieces() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-run-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try RunDirectory.create(at: path)
        try run.writeConfiguration(of: try PPO(try smallCartPole()))
        #expect(try run.algorithm() == "ppo")
        #expect(throws: RLError.self) { try RunDirectory.create(at: path) }
        #expect(throws: RLError.invalidRunDirectory("'\(path)' has no checkpoints/latest.safetensors (the run saved no checkpoint yet)")) {
            try RunDirectory.open(at: path)
        }
        #expect(throws: RLError.self) { try RunDirectory.open(at: path + "-missing") }
        try run.appendMetrics(columns: ["a", "wall_seconds", "b"], values: [1, 0.5, .nan])
        try run.appendMetrics(columns: ["a", "wall_seconds", "b"], values: [2, 0.7, 3])
        #expect(try String(contentsOf: run.metricsURL, encoding: .utf8) == "a,b\n1.0,\n2.0,3.0\n")  // timings only in the log
        #expect(try String(contentsOf: run.logURL, encoding: .utf8)
                == "{\"a\":1.0,\"wall_seconds\":0.5,\"b\":null}\n{\"a\":2.0,\"wall_seconds\":0.7,\"b\":3.0}\n")
    }
}

/// Returns NaN observations from its 31st step on.
final class PoisonedEnvironment: Environment {
    var t = 0
    let name = "Poisoned-v0"
    let observationSpace = Space.box(.init(low: [-1], high: [1]))
    let actionSpace = Space.discrete(count: 2)
    func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) { ([0], [:]) }
    func step(_ action: [Float]) throws -> Step {
        t += 1
        return Step(observation: [t > 30 ? .nan : 0], reward: 1, terminated: false)
    }
    func render() -> RenderFrame { RenderFrame(kind: "poisoned", values: [:]) }
}

@Suite("PPO learns", .serialized)
struct PPOLearningTests {
    /// CartPole: from ~20 (random) to clearly balancing within 30k steps.
    @Test func cartPoleLearns() throws {
        let ppo = try PPO(try smallCartPole(seed: 1, steps: 30_000))
        try ppo.train()
        let returns = try ppo.evaluate(episodes: 10).returns
        #expect(returns.reduce(0, +) / 10 > 150)
    }

    /// Pendulum: a random policy scores about −1200; 60k steps get well beyond it.
    @Test func pendulumImproves() throws {
        var c = try PPOConfiguration.preset("Pendulum-v1")
        c.totalSteps = 61_440
        c.seed = 1
        let ppo = try PPO(c)
        try ppo.train()
        let returns = try ppo.evaluate(episodes: 10).returns
        #expect(returns.reduce(0, +) / 10 > -800)
    }
}
