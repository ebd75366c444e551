import ArgumentParser
import AscentRL
import AscentTensor
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent; writes a run directory with config, metrics, checkpoints and report.",
        subcommands: [TrainAlgorithm<PPO>.self, TrainAlgorithm<SAC>.self, TrainAlgorithm<TD3>.self, TrainAlgorithm<DQN>.self,
                      TrainAlgorithm<A2C>.self, TrainAlgorithm<REINFORCE>.self]
    )
}

/// What every `ascent train <algorithm>` takes: environment, preset, seed, run directory,
/// length, and any hyperparameter by its configuration key.
struct RunOptions: ParsableArguments {
    @Option(help: "Environment id (`ascent env list`; default: Pendulum-v1 for ppo, sac and td3, CartPole-v1 for dqn, a2c and reinforce).")
    var env: String?
    @Option(help: "Hyperparameter preset (default: the environment's own preset if the algorithm has one).") var preset: String?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run directory to create (default runs/<algorithm>-<env>-seed<seed>).") var out: String?
    @Flag(help: "Replace the run already in the run directory (its files are deleted first); refused while another process trains there.") var force = false
    @Option(help: "Environment steps to train for (1000000, 1_000_000 or 1e6).") var totalSteps: StepCount?
    @Option(help: "Hyperparameters from a YAML or JSON file: flat, or RL Zoo's one section per environment id; Ascent's keys or Stable-Baselines3's names. Flags override it.")
    var config: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a hyperparameter by its config.json key, e.g. --set learningRate=1e-3 --set hiddenSizes=64,64 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @OptionGroup var session: SessionOptions

    func validate() throws {
        for item in overrides where !item.contains("=") {
            throw ValidationError("--set takes key=value (e.g. learningRate=1e-3), got '\(item)'")
        }
    }

    /// The configuration: preset (or defaults), then environment, seed, length and `--set` overrides; validated.
    func configuration<C: AlgorithmConfiguration>(_ type: C.Type, algorithm: String) throws -> C {
        let env = environment(C.self)
        var c = try cliErrors { try preset.map { try C.preset($0) } ?? C.defaults(for: env) }
        c.environment = env
        c.seed = seed
        if let config {
            let keys = Set(c.hyperparameters.map(\.key))
            c = try cliErrors { try c.overriding(try HyperparameterFile.pairs(from: config, environment: env, algorithm: algorithm, keys: keys)) }
            c.environment = env
            c.seed = seed
        }
        if let totalSteps { c.totalSteps = totalSteps.value }
        let pairs = overrides.map { item -> (key: String, value: String) in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        return try cliErrors { try c.overriding(pairs) }
    }

    /// `--env`, or the environment the algorithm's defaults name.
    func environment<C: AlgorithmConfiguration>(_ type: C.Type) -> String { env ?? C().environment }

    /// Builds the run, creates its directory and trains with progress, checkpoints, evaluation and report.
    func train<Run: ConfigurableRun>(_ type: Run.Type) throws {
        let training = try cliErrors { try Run(try configuration(Run.Configuration.self, algorithm: Run.algorithm)) }
        let path = out ?? "runs/\(Run.algorithm)-\(environment(Run.Configuration.self))-seed\(seed)"
        if force { try cliErrors { try RunDirectory.removeRun(at: path) } }
        let directory = try cliErrors { try RunDirectory.create(at: path) }
        try cliErrors { try directory.writeConfiguration(of: training) }
        try TrainingSession(training: training, directory: directory, checkpointEvery: session.checkpointEvery.value, evalEpisodes: session.evalEpisodes, evalEvery: session.evalEvery.value).run()
    }
}

/// `ascent train <algorithm>`: every configuration key is a flag (`CommandLineSurface`) and
/// `--set key=value`; the help lists each with its default and meaning.
struct TrainAlgorithm<Run: ConfigurableRun>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Run.algorithm, abstract: Run.summary, discussion: """
            Starts from --preset (default: the environment's own preset if there is one, else the defaults below); \
            flags override it. Presets: \(Run.Configuration.presetNames.joined(separator: ", ")).

            Every hyperparameter is a flag, and --set takes the same keys as config.json (--learning-rate 1e-3 is \
            --set learningRate=1e-3). Defaults before any preset:

            \(HyperparameterGlossary.help(Run.Configuration().hyperparameters))
            """)
    }

    @OptionGroup var options: RunOptions

    init() {}

    func run() throws { try options.train(Run.self) }
}
