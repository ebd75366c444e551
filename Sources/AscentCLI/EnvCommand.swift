import ArgumentParser
import AscentEnvironments
import AscentRandom
import Foundation

struct Env: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, describe and try environments.",
        subcommands: [EnvList.self, EnvInfo.self, EnvPlay.self]
    )
}

struct EnvList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Registered environment ids.")

    func run() {
        let mujocoMissing = !MuJoCoLibrary.isAvailable
        for id in Environments.ids {
            let spec = Environments.spec(id)!
            let note = mujocoMissing && MuJoCoEnvironment.ids.contains(id) ? " (needs MuJoCo: \(MuJoCoInstallation.installCommand))" : ""
            print(id.padding(toLength: 26, withPad: " ", startingAt: 0) + spec.summary + note)
        }
    }
}

struct EnvInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Spaces, limits, options and randomisable parameters of an environment.")

    @Argument(help: "Environment id, e.g. Pendulum-v1.") var id: String

    func run() throws {
        let env = try makeEnvironment(id)
        let spec = Environments.spec(id)!
        print("\(id): \(spec.summary)")
        print("observation space: \(env.observationSpace)")
        print("action space:      \(env.actionSpace)")
        print("episode limit:     \(spec.maxEpisodeSteps.map { "\($0) steps" } ?? "none")")
        if let threshold = spec.rewardThreshold { print("reward threshold:  \(threshold)") }
        if !spec.options.isEmpty {
            print("options:")
            for (name, meaning) in spec.options.sorted(by: { $0.key < $1.key }) { print("  \(name): \(meaning)") }
        }
        if let physical = env.find((any PhysicallyParameterized).self) {
            print("randomisable parameters (nominal value):")
            for p in physical.physicalParameters { print("  \(p.name) = \(p.nominal)  \(p.description)") }
        }
    }
}

struct EnvPlay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "play", abstract: "Run episodes with a simple policy and print each return and length.")

    enum Policy: String, ExpressibleByArgument, CaseIterable { case random, zero }

    @Argument(help: "Environment id.") var id: String
    @Option(help: "random: uniform samples from the action space; zero: always the zero (or first) action.") var policy = Policy.random
    @Option(help: "Number of episodes.") var episodes = 5
    @Option(help: "Seed for the environment and the policy.") var seed: UInt64 = 0

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    }

    func run() throws {
        let env = try makeEnvironment(id)
        var generator = RandomGenerator(seed: seed, stream: "play")
        var returns: [Double] = []
        for episode in 0..<episodes {
            _ = try env.reset(seed: seed &+ UInt64(episode))
            var total = 0.0, length = 0
            while true {
                let action = policy == .random ? env.actionSpace.sample(using: &generator) : [Float](repeating: 0, count: env.actionSpace.flatCount)
                let step = try env.step(action)
                total += step.reward
                length += 1
                if step.isDone { break }
            }
            returns.append(total)
            print(String(format: "episode %d: return %.2f, length %d", episode, total, length))
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        print(String(format: "mean return %.2f over %d episodes", mean, returns.count))
    }
}

/// Builds an environment, turning registry errors into command-line errors.
func makeEnvironment(_ id: String, options: [String: Double] = [:]) throws -> any Environment {
    do {
        return try Environments.make(id, options: options)
    } catch let error as EnvironmentError {
        throw CLIError(error.description)
    }
}
