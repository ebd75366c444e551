import AscentRandom
import Testing
@testable import AscentEnvironments

@Suite("Wrappers")
struct WrapperTests {
    @Test func timeLimitTruncatesAndRefusesFurtherSteps() throws {
        let env = try Environments.make("Pendulum-v1", options: ["max_episode_steps": 3])
        _ = try env.reset(seed: 0)
        #expect(try !env.step([0]).truncated)
        #expect(try !env.step([0]).truncated)
        let last = try env.step([0])
        #expect(last.truncated && !last.terminated)
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd(environment: "Pendulum-v1")) { try env.step([0]) }
        _ = try env.reset()
        #expect(try !env.step([0]).truncated)
    }

    @Test func clipAndRescaleActions() throws {
        // MountainCarContinuous penalises the unclipped action: ClipAction removes that.
        let raw = MountainCar(continuous: true), clipped = try ClipAction(MountainCar(continuous: true))
        _ = try raw.reset(seed: 0)
        _ = try clipped.reset(seed: 0)
        #expect(try raw.step([3]).reward == -0.9)  // −0.1 · 3²
        #expect(try clipped.step([3]).reward == -0.1)
        // RescaleAction maps [−1, 1] onto Pendulum's [−2, 2].
        let pendulum = try Pendulum(), rescaled = try RescaleAction(try Pendulum())
        _ = try pendulum.reset(seed: 4)
        _ = try rescaled.reset(seed: 4)
        #expect(try pendulum.step([1]).observation == rescaled.step([0.5]).observation)
        #expect(rescaled.actionSpace == .box(.init(low: [-1], high: [1])))
        #expect(throws: EnvironmentError.self) { try ClipAction(CartPole()) }
    }

    @Test func runningStatisticsMergeExactly() {
        var generator = RandomGenerator(seed: 2)
        let data = (0..<300).map { _ in [generator.normal(mean: 3, standardDeviation: 2), generator.uniform(-1, 1)] }
        var sequential = RunningMeanStd(size: 2, initialCount: 0)
        for row in data { sequential.update(row) }
        var left = RunningMeanStd(size: 2, initialCount: 0), right = RunningMeanStd(size: 2, initialCount: 0)
        let flat = data.flatMap { $0 }
        flat.withUnsafeBufferPointer { left.update(batch: UnsafeBufferPointer(rebasing: $0[0..<200]), rows: 100) }
        flat.withUnsafeBufferPointer { right.update(batch: UnsafeBufferPointer(rebasing: $0[200...]), rows: 200) }
        left.merge(right)
        for j in 0..<2 {
            #expect(Swift.abs(left.mean[j] - sequential.mean[j]) < 1e-12)
            #expect(Swift.abs(left.variance[j] - sequential.variance[j]) < 1e-12)
        }
        // Against the two-pass definition.
        let mean = data.map { Double($0[0]) }.reduce(0, +) / 300
        let variance = data.map { (Double($0[0]) - mean) * (Double($0[0]) - mean) }.reduce(0, +) / 300
        #expect(Swift.abs(sequential.mean[0] - mean) < 1e-12 && Swift.abs(sequential.variance[0] - variance) < 1e-10)
    }

    @Test func normalizeObservationStandardisesClipsAndFreezes() throws {
        let env = try NormalizeObservation(try Environments.make("Pendulum-v1"))
        _ = try env.reset(seed: 0)
        var generator = RandomGenerator(seed: 0)
        var collected: [[Float]] = []
        for _ in 0..<2000 {
            let step = try env.step(env.inner.actionSpace.sample(using: &generator))
            collected.append(step.observation)
            if step.isDone { _ = try env.reset() }
        }
        let late = collected.suffix(1000)
        let mean = late.map { Double($0[2]) }.reduce(0, +) / 1000
        #expect(Swift.abs(mean) < 0.3)
        #expect(collected.allSatisfy { $0.allSatisfy { Swift.abs($0) <= 10 } })
        env.isUpdating = false
        let frozen = env.statistics
        _ = try env.step([0])
        #expect(env.statistics == frozen)
        // Statistics restore into a fresh wrapper (as from a checkpoint).
        let restored = try NormalizeObservation(try Environments.make("Pendulum-v1"))
        restored.statistics = frozen
        restored.isUpdating = false
        #expect(restored.normalize([0.5, 0.5, 1]) == env.normalize([0.5, 0.5, 1]))
    }

    @Test func normalizeRewardScalesByReturnStdWithoutShifting() throws {
        let env = try NormalizeReward(try Environments.make("CartPole-v1"), gamma: 0.99)
        _ = try env.reset(seed: 0)
        var rewards: [Double] = []
        for _ in 0..<300 {
            let step = try env.step(discrete: 0)
            rewards.append(step.reward)
            if step.isDone { _ = try env.reset() }
        }
        // CartPole pays +1: scaled rewards stay positive (no mean subtraction) and shrink below 1.
        #expect(rewards.allSatisfy { $0 > 0 })
        #expect(rewards.last! < 1)
    }

    @Test func recordEpisodeStatistics() throws {
        let env = RecordEpisodeStatistics(try Environments.make("Pendulum-v1", options: ["max_episode_steps": 10]))
        _ = try env.reset(seed: 0)
        var total = 0.0
        var last = Step(observation: [], reward: 0, terminated: false)
        for _ in 0..<10 {
            last = try env.step([0])
            total += last.reward
        }
        #expect(last.info["episode_length"] == 10)
        #expect(Swift.abs(last.info["episode_return"]! - total) < 1e-12)
    }

    @Test func domainRandomizationSamplesWithinRangesReproducibly() throws {
        let settings = RandomizationSettings(parameters: [
            .init(name: "mass", bounds: .multiplicative(low: 0.5, high: 1.5)),
            .init(name: "length", bounds: .absolute(low: 0.8, high: 1.25), logUniform: true),
        ], resampleEveryEpisodes: 2)
        func sampledMasses(seed: UInt64) throws -> [Double] {
            let env = try DomainRandomization(try Environments.make("Pendulum-v1"), settings: settings)
            return try (0..<6).map { i in try env.reset(seed: i == 0 ? seed : nil).info["param.mass"]! }
        }
        let masses = try sampledMasses(seed: 5)
        #expect(masses == (try sampledMasses(seed: 5)))
        #expect(masses != (try sampledMasses(seed: 6)))
        #expect(masses.allSatisfy { $0 >= 0.5 && $0 <= 1.5 })
        #expect(masses[0] == masses[1] && masses[2] == masses[3] && masses[0] != masses[2])  // every 2 episodes
        let env = try DomainRandomization(try Environments.make("Pendulum-v1"), settings: settings)
        let info = try env.reset(seed: 1).info
        let pendulum = try #require(env.unwrapped as? Pendulum)
        #expect(try pendulum.physicalParameter("length") == info["param.length"])
        #expect(info["param.length"]! >= 0.8 && info["param.length"]! <= 1.25)
    }

    @Test func domainRandomizationNoiseAndBadSettings() throws {
        let noisy = try DomainRandomization(try Environments.make("Pendulum-v1"),
                                            settings: .init(parameters: [], actionNoise: 0.5, observationNoise: 0.1))
        let clean = try Environments.make("Pendulum-v1")
        let a = try noisy.reset(seed: 3).observation, b = try clean.reset(seed: 3).observation
        #expect(a != b && zip(a, b).allSatisfy { Swift.abs($0 - $1) < 0.6 })
        let pendulum = try Environments.make("Pendulum-v1")
        #expect(throws: EnvironmentError.invalidParameter(environment: "Pendulum-v1", name: "mass", reason: "range [-0.5, 1.0] must stay above 0.0 (pendulum mass m (kg))")) {
            try DomainRandomization(pendulum, settings: .init(parameters: [.init(name: "mass", bounds: .absolute(low: -0.5, high: 1))]))
        }
        #expect(throws: EnvironmentError.invalidParameter(environment: "Pendulum-v1", name: "mass", reason: "range [2.0, 1.0] is empty or not finite")) {
            try DomainRandomization(pendulum, settings: .init(parameters: [.init(name: "mass", bounds: .absolute(low: 2, high: 1))]))
        }
        #expect(throws: EnvironmentError.self) {
            try DomainRandomization(pendulum, settings: .init(parameters: [.init(name: "friction", bounds: .absolute(low: 1, high: 2))]))
        }
        #expect(throws: EnvironmentError.invalidParameter(environment: "Pendulum-v1", name: "mass", reason: "log-uniform range [0.0, 2.0] must be positive")) {
            try DomainRandomization(pendulum, settings: .init(parameters: [.init(name: "mass", bounds: .absolute(low: 0, high: 2), logUniform: true)]))
        }
    }
}

@Suite("Vector environments")
struct VectorEnvironmentTests {
    /// Native, serial and threaded vector environments agree exactly, including autoresets.
    @Test(arguments: ["Pendulum-v1", "CartPole-v1", "MountainCarContinuous-v0", "Acrobot-v1"])
    func implementationsAgree(id: String) throws {
        let modes: [VectorMode] = [.native, .nativeThreaded(2), .serial, .threaded(2)]
        let envs = try modes.map { try Environments.makeVector(id, count: 5, options: ["max_episode_steps": 30], mode: $0) }
        let starts = try envs.map { try $0.reset(seed: 11) }
        #expect(starts.allSatisfy { $0 == starts[0] })
        var generator = RandomGenerator(seed: 3)
        var ended = 0
        for _ in 0..<70 {
            let actions = (0..<5).flatMap { _ in envs[0].actionSpace.sample(using: &generator) }
            let steps = try envs.map { try $0.step(actions) }
            for s in steps.dropFirst() {
                #expect(s.observations == steps[0].observations)
                #expect(s.rewards == steps[0].rewards)
                #expect(s.terminated == steps[0].terminated && s.truncated == steps[0].truncated)
                #expect(s.finalObservations == steps[0].finalObservations)
                #expect(s.infos == steps[0].infos)
            }
            ended += steps[0].doneIndices.count
        }
        #expect(ended >= 10)  // 30-step limit: every sub-environment ended at least twice
    }

    @Test func autoresetKeepsTheTrueFinalObservation() throws {
        let single = try Environments.make("Pendulum-v1", options: ["max_episode_steps": 4])
        let vector = try Environments.makeVector("Pendulum-v1", count: 2, options: ["max_episode_steps": 4])
        let start = try vector.reset(seed: 20)
        #expect(Array(start[0..<3]) == (try single.reset(seed: 20).observation))
        var last = Step(observation: [], reward: 0, terminated: false)
        var vectorStep: VectorStep?
        for _ in 0..<4 {
            last = try single.step([0.3])
            vectorStep = try vector.step([0.3, -0.3])
        }
        let step = try #require(vectorStep)
        #expect(step.truncated == [true, true] && step.terminated == [false, false])
        #expect(step.finalObservations[0] == last.observation)  // the real last state, for bootstrapping
        #expect(Array(step.observations[0..<3]) != last.observation)  // already the next episode
        #expect(step.infos[0]?["episode_length"] == 4)
        // The next episode of sub-environment 0 continues its own stream (seeded 20 at reset),
        // exactly as a single environment's next unseeded reset does.
        #expect(Array(step.observations[0..<3]) == (try single.reset().observation))
    }

    /// Stepping into a reused result gives exactly what fresh results give, including the
    /// per-episode entries, which must not linger from an earlier step.
    @Test(arguments: [VectorMode.native, .serial, .threaded(2)])
    func reusedResultsMatchFreshOnes(mode: VectorMode) throws {
        let fresh = try Environments.makeVector("CartPole-v1", count: 4, options: ["max_episode_steps": 7], mode: mode)
        let reusing = try Environments.makeVector("CartPole-v1", count: 4, options: ["max_episode_steps": 7], mode: mode)
        #expect(try fresh.reset(seed: 5) == reusing.reset(seed: 5))
        var reused = VectorStep()
        for t in 0..<20 {
            let actions: [Float] = [Float(t % 2), 1, 0, Float((t / 3) % 2)]
            let expected = try fresh.step(actions)
            try reusing.step(actions, into: &reused)
            #expect(reused.observations == expected.observations && reused.rewards == expected.rewards)
            #expect(reused.terminated == expected.terminated && reused.truncated == expected.truncated)
            #expect(reused.finalObservations == expected.finalObservations && reused.infos == expected.infos)
        }
    }

    @Test func badVectorInput() throws {
        let vector = try Environments.makeVector("CartPole-v1", count: 3)
        _ = try vector.reset(seed: 0)
        #expect(throws: EnvironmentError.invalidAction(environment: "CartPole-v1", reason: "expected 3 × 1 = 3 values, got 2")) {
            try vector.step([0, 1])
        }
        #expect(throws: EnvironmentError.self) { try vector.step([0, 1, 7]) }
        #expect(throws: EnvironmentError.self) { try Environments.makeVector("CartPole-v1", count: 0) }
        let threaded = try Environments.makeVector("CartPole-v1", count: 4, mode: .threaded(2))
        _ = try threaded.reset(seed: 0)
        #expect(throws: EnvironmentError.self) { try threaded.step([0, 1, 0, .nan]) }
        _ = try threaded.step([0, 1, 0, 1])  // the pool still works after a worker's error
    }
}

@Suite("Environment checker")
struct EnvironmentCheckerTests {
    @Test func emptyActionSpaceIsReportedNotSampled() {
        let problems = EnvironmentChecker.check(CoinFlipWithNoActions()).map(\.message)
        #expect(problems == ["the action space Discrete(0) is empty: no action can be sampled"])
    }

    @Test func builtInEnvironmentsPass() throws {
        for spec in Environments.builtIn {
            let problems = EnvironmentChecker.check(try Environments.make(spec.id), episodes: 2, maxSteps: 300)
            #expect(problems.isEmpty, "\(spec.id): \(problems)")
        }
    }

    /// A deliberately broken environment: every problem is reported.
    @Test func reportsEveryProblem() {
        final class Broken: Environment {
            var t = 0
            let name = "Broken-v0"
            let observationSpace = Space.box(.init(low: [-1, -1], high: [1, 1]))
            let actionSpace = Space.box(.init(low: [-1], high: [1]))
            func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
                t = 0
                return ([Float.random(in: -1...1), 0], [:])  // ignores the seed
            }
            func step(_ action: [Float]) throws -> Step {
                t += 1
                return Step(observation: t == 2 ? [.nan, 0] : [5, 0, 0], reward: t == 3 ? .infinity : 0, terminated: t > 4)
            }
            func render() -> RenderFrame { RenderFrame(kind: "broken", values: [:]) }
        }
        let problems = EnvironmentChecker.check(Broken()).map(\.message)
        #expect(problems.contains { $0.contains("must honour the seed") })
        #expect(problems.contains { $0.contains("NaN or infinity") })
        #expect(problems.contains { $0.contains("has 3 elements") })
        #expect(problems.contains { $0.contains("rewards must be finite") })
        #expect(problems.contains { $0.contains("wrong size") })
        #expect(problems.contains { $0.contains("NaN action") })
    }
}

/// A user environment with an empty Discrete action space.
final class CoinFlipWithNoActions: Environment {
    let name = "Empty-v0"
    let observationSpace = Space.box(.init(low: [0], high: [1]))
    let actionSpace = Space.discrete(count: 0)
    func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) { ([0], [:]) }
    func step(_ action: [Float]) throws -> Step { Step(observation: [0], reward: 0, terminated: true) }
    func render() -> RenderFrame { RenderFrame(kind: "empty", values: [:]) }
}
