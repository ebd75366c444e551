import AscentRandom
import Testing
@testable import AscentEnvironments

@Suite("Environments: API, resets and bad input")
struct EnvironmentTests {
    @Test func sameSeedSameEpisode() throws {
        for id in Environments.builtIn.map(\.id) {
            let a = try Environments.make(id), b = try Environments.make(id)
            #expect(try a.reset(seed: 7).observation == b.reset(seed: 7).observation, "\(id)")
            var generator = RandomGenerator(seed: 1)
            for _ in 0..<20 {
                let action = a.actionSpace.sample(using: &generator)
                let sa = try a.step(action), sb = try b.step(action)
                #expect(sa.observation == sb.observation && sa.reward == sb.reward, "\(id)")
                if sa.isDone { break }
            }
            #expect(try a.reset(seed: 8).observation != a.reset(seed: 7).observation, "\(id): different seeds should differ")
        }
    }

    /// Reset distributions, checked statistically: uniform on the documented bounds.
    @Test func resetDistributions() throws {
        func moments(_ id: String, component: Int, n: Int = 4000) throws -> (min: Float, max: Float, mean: Double, variance: Double) {
            let env = try Environments.make(id)
            _ = try env.reset(seed: 3)
            var values: [Float] = []
            for _ in 0..<n { values.append(try env.reset().observation[component]) }
            let mean = values.reduce(0.0) { $0 + Double($1) } / Double(n)
            let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
            return (values.min()!, values.max()!, mean, variance)
        }
        // Pendulum θ̇ ~ U(−1, 1): mean 0, variance 1/3.
        let thetaDot = try moments("Pendulum-v1", component: 2)
        #expect(thetaDot.min >= -1 && thetaDot.max <= 1 && Swift.abs(thetaDot.mean) < 0.04 && Swift.abs(thetaDot.variance - 1.0 / 3) < 0.02)
        // CartPole components ~ U(−0.05, 0.05): variance 0.1²/12.
        let x = try moments("CartPole-v1", component: 0)
        #expect(x.min >= -0.05 && x.max <= 0.05 && Swift.abs(x.mean) < 0.002 && Swift.abs(x.variance - 0.01 / 12) < 0.0001)
        // MountainCar position ~ U(−0.6, −0.4).
        let position = try moments("MountainCar-v0", component: 0)
        #expect(position.min >= -0.6 && position.max <= -0.4 && Swift.abs(position.mean + 0.5) < 0.004)
        // Acrobot θ̇₁ ~ U(−0.1, 0.1).
        let speed = try moments("Acrobot-v1", component: 4)
        #expect(speed.min >= -0.1 && speed.max <= 0.1 && Swift.abs(speed.variance - 0.04 / 12) < 0.0003)
    }

    @Test func resetOptionsSetBounds() throws {
        let env = try Environments.make("Pendulum-v1")
        let (observation, _) = try env.reset(seed: 1, options: ["x_init": 0, "y_init": 0])
        #expect(observation == [1, 0, 0])  // θ = 0 upright, θ̇ = 0
        #expect(throws: EnvironmentError.unknownOption(environment: "Pendulum-v1", name: "low", valid: ["x_init", "y_init"])) {
            try env.reset(seed: 1, options: ["low": 0])
        }
        let cart = try Environments.make("CartPole-v1")
        #expect(throws: EnvironmentError.invalidOption(environment: "CartPole-v1", name: "low", reason: "(0.2) must not exceed high (0.1)")) {
            try cart.reset(seed: 1, options: ["low": 0.2, "high": 0.1])
        }
    }

    @Test func badActionsGiveClearErrors() throws {
        let pendulum = try Environments.make("Pendulum-v1")
        #expect(throws: EnvironmentError.stepBeforeReset(environment: "Pendulum-v1")) { try pendulum.step([0]) }
        _ = try pendulum.reset(seed: 0)
        #expect(throws: EnvironmentError.invalidAction(environment: "Pendulum-v1", reason: "expected 1 value(s) for Box(-2.0, 2.0, shape: [1]), got 2")) {
            try pendulum.step([0, 1])
        }
        #expect(throws: EnvironmentError.invalidAction(environment: "Pendulum-v1", reason: "element 0 is nan; actions must be finite")) {
            try pendulum.step([.nan])
        }
        // Out-of-range torques are clipped, exactly as Gymnasium does.
        let clipped = try pendulum.step([50])
        #expect(clipped.reward.isFinite)

        let cart = try Environments.make("CartPole-v1")
        _ = try cart.reset(seed: 0)
        #expect(throws: EnvironmentError.invalidAction(environment: "CartPole-v1", reason: "2.0 is not an integer in 0..<2 (Discrete(2))")) {
            try cart.step(discrete: 2)
        }
        #expect(throws: EnvironmentError.invalidAction(environment: "CartPole-v1", reason: "0.5 is not an integer in 0..<2 (Discrete(2))")) {
            try cart.step([0.5])
        }
        // Run to the end of the episode, then stepping again is an error.
        var done = false
        while !done { done = try cart.step(discrete: 1).isDone }
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd(environment: "CartPole-v1")) { try cart.step(discrete: 1) }
    }

    @Test func registryMakesAndSuggests() throws {
        let env = try Environments.make("Pendulum-v1", options: ["g": 9.81])
        #expect((env.unwrapped as? Pendulum)?.dynamics.gravity == 9.81)
        #expect(env.find(TimeLimit.self)?.maxEpisodeSteps == 200)
        #expect(throws: EnvironmentError.unknownEnvironment(id: "Pendulum-v0", closest: ["Pendulum-v1"])) {
            try Environments.make("Pendulum-v0")
        }
        #expect(throws: EnvironmentError.unknownEnvironment(id: "cartpole", closest: ["CartPole-v0", "CartPole-v1"])) {
            try Environments.make("cartpole")
        }
        #expect(throws: EnvironmentError.unknownOption(environment: "Pendulum-v1", name: "gravity", valid: ["g", "max_episode_steps"])) {
            try Environments.make("Pendulum-v1", options: ["gravity": 3])
        }
        #expect(throws: EnvironmentError.invalidParameter(environment: "Pendulum-v1", name: "gravity", reason: "must be finite and greater than 0.0, got -1.0")) {
            try Environments.make("Pendulum-v1", options: ["g": -1])
        }
    }

    @Test func usersRegisterTheirOwnEnvironments() throws {
        try Environments.register(EnvironmentSpec(id: "Coin-v0", maxEpisodeSteps: 5, summary: "a test environment") { _ in CoinFlip() })
        let env = try Environments.make("Coin-v0")
        _ = try env.reset(seed: 0)
        var steps = 0
        while true {
            steps += 1
            if try env.step(discrete: 0).isDone { break }
        }
        #expect(steps == 5)
        #expect(throws: EnvironmentError.duplicateRegistration(id: "Coin-v0")) {
            try Environments.register(EnvironmentSpec(id: "Coin-v0", maxEpisodeSteps: 5, summary: "") { _ in CoinFlip() })
        }
    }

    @Test func physicalParametersByName() throws {
        let pendulum = try Pendulum()
        #expect(pendulum.physicalParameters.map(\.name) == ["mass", "length", "gravity", "max_torque", "dt"])
        try pendulum.setPhysicalParameter("mass", to: 2)
        #expect(try pendulum.physicalParameter("mass") == 2)
        #expect(throws: EnvironmentError.invalidParameter(environment: "Pendulum-v1", name: "mass", reason: "must be finite and greater than 0.0, got -1.0")) {
            try pendulum.setPhysicalParameter("mass", to: -1)
        }
        #expect(throws: EnvironmentError.unknownParameter(environment: "Pendulum-v1", name: "friction", valid: ["mass", "length", "gravity", "max_torque", "dt"])) {
            try pendulum.setPhysicalParameter("friction", to: 1)
        }
        // A heavier pendulum responds less to the same torque.
        func speedAfterPush(mass: Double) throws -> Float {
            let env = try Pendulum()
            try env.setPhysicalParameter("mass", to: mass)
            _ = try env.reset(seed: 0, options: ["x_init": 0, "y_init": 0])
            return try env.step([2]).observation[2]
        }
        #expect(try speedAfterPush(mass: 1) > speedAfterPush(mass: 4))
    }

    @Test func renderFramesDescribeTheState() throws {
        let env = try Environments.make("Pendulum-v1")
        _ = try env.reset(seed: 0, options: ["x_init": 0, "y_init": 0])
        _ = try env.step([1.5])
        let frame = env.render()
        #expect(frame.kind == "pendulum")
        #expect(frame.values["torque"] == 1.5)
        #expect(frame.values["theta"] != nil)
    }
}

/// A minimal user environment: reward 1 for guessing a hidden coin.
final class CoinFlip: Environment {
    var generator = RandomGenerator(seed: 0)
    var coin = 0
    let name = "Coin-v0"
    let observationSpace = Space.box(.init(low: [0], high: [1]))
    let actionSpace = Space.discrete(count: 2)
    func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        if let seed { generator = RandomGenerator(seed: seed) }
        coin = generator.integer(below: 2)
        return ([0], [:])
    }
    func step(_ action: [Float]) throws -> Step {
        guard let problem = actionSpace.violation(of: action) else {
            return Step(observation: [0], reward: Int(action[0]) == coin ? 1 : 0, terminated: false)
        }
        throw EnvironmentError.invalidAction(environment: name, reason: problem)
    }
    func render() -> RenderFrame { RenderFrame(kind: "coin", values: [:]) }
}
