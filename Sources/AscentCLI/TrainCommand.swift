import ArgumentParser
import AscentRL
import AscentTensor
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent; writes a run directory with config, metrics, checkpoints and report.",
        subcommands: [TrainPPO.self, TrainAlgorithm<SAC>.self, TrainAlgorithm<TD3>.self, TrainAlgorithm<DQN>.self,
                      TrainAlgorithm<A2C>.self, TrainAlgorithm<REINFORCE>.self]
    )
}

/// What every `ascent train <algorithm>` takes: environment, preset, seed, run directory,
/// length, and any hyperparameter by its configuration key.
struct RunOptions: ParsableArguments {
    @Option(help: "Environment id (`ascent env list`).") var env = "Pendulum-v1"
    @Option(help: "Hyperparameter preset (default: the environment's own preset if the algorithm has one).") var preset: String?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run directory to create (default runs/<algorithm>-<env>-seed<seed>).") var out: String?
    @Option(help: "Environment steps to train for.") var totalSteps: Int?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a hyperparameter by its config.json key, e.g. --set learningRate=1e-3 --set hiddenSizes=64,64 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @OptionGroup var session: SessionOptions

    func validate() throws {
        for item in overrides where !item.contains("=") {
            throw ValidationError("--set takes key=value (e.g. learningRate=1e-3), got '\(item)'")
        }
    }

    /// The configuration: preset (or defaults), then environment, seed, length and `--set` overrides; validated.
    func configuration<C: AlgorithmConfiguration>(_ type: C.Type, adjust: (inout C) throws -> Void = { _ in }) throws -> C {
        var c = try cliErrors { try preset.map { try C.preset($0) } ?? C.defaults(for: env) }
        c.environment = env
        c.seed = seed
        if let totalSteps { c.totalSteps = totalSteps }
        try adjust(&c)
        let pairs = overrides.map { item -> (key: String, value: String) in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        return try cliErrors { try c.overriding(pairs) }
    }

    /// Builds the run, creates its directory and trains with progress, checkpoints, evaluation and report.
    func train<Run: ConfigurableRun>(_ type: Run.Type, adjust: (inout Run.Configuration) throws -> Void = { _ in }) throws {
        let training = try cliErrors { try Run(try configuration(Run.Configuration.self, adjust: adjust)) }
        let directory = try cliErrors { try RunDirectory.create(at: out ?? "runs/\(Run.algorithm)-\(env)-seed\(seed)") }
        try cliErrors { try directory.writeConfiguration(of: training) }
        try TrainingSession(training: training, directory: directory, checkpointEvery: session.checkpointEvery, evalEpisodes: session.evalEpisodes, evalEvery: session.evalEvery).run()
    }
}

/// `ascent train <algorithm>` for the algorithms configured by `--set` alone.
struct TrainAlgorithm<Run: ConfigurableRun>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Run.algorithm, abstract: Run.summary,
                             discussion: "Presets: \(Run.Configuration.presetNames.joined(separator: ", ")). Keys for --set are those of config.json (docs/algorithms.md).")
    }

    @OptionGroup var options: RunOptions

    init() {}

    func run() throws { try options.train(Run.self) }
}

/// Every PPO hyperparameter as an optional flag: given flags override the preset.
struct PPOOptions: ParsableArguments {
    @Option(help: "Parallel environments.") var numEnvs: Int?
    @Option(help: "Steps per environment per rollout.") var rolloutSteps: Int?
    @Option(help: "Samples per minibatch (must divide num-envs × rollout-steps).") var minibatchSize: Int?
    @Option(help: "Epochs over each rollout.") var epochs: Int?
    @Option(help: "Adam learning rate.") var learningRate: Float?
    @Option(help: "Anneal the learning rate linearly to 0 (true/false).") var annealLearningRate: Bool?
    @Option(help: "Adam epsilon.") var adamEpsilon: Float?
    @Option(help: "Discount factor γ.") var gamma: Float?
    @Option(help: "GAE λ.") var gaeLambda: Float?
    @Option(help: "Surrogate clip range ε.") var clipRange: Float?
    @Option(help: "Anneal the clip range linearly to 0 (true/false).") var annealClipRange: Bool?
    @Option(help: "Clip the value loss around old values (true/false).") var clipValueLoss: Bool?
    @Option(help: "Value-loss coefficient.") var valueCoefficient: Float?
    @Option(help: "Entropy-bonus coefficient.") var entropyCoefficient: Float?
    @Option(help: "Global gradient-norm clip.") var maxGradientNorm: Float?
    @Option(help: "Normalise advantages per minibatch (true/false).") var normalizeAdvantages: Bool?
    @Option(help: "Stop an update early when approx-KL exceeds this.") var targetKL: Float?
    @Option(help: "Normalise observations with running statistics (true/false).") var normalizeObservations: Bool?
    @Option(help: "Scale rewards by the running return std (true/false).") var normalizeRewards: Bool?
    @Option(help: "Hidden layer sizes, comma separated (e.g. 64,64).") var hiddenSizes: String?
    @Option(help: "Hidden activation: tanh, relu, gelu, sigmoid.") var activation: String?
    @Option(help: "Initial log standard deviation of Gaussian policies.") var initialLogStd: Float?
    @Option(help: "Squash Gaussian actions with tanh onto the bounds (true/false).") var squashActions: Bool?
    @Option(help: "Robust Policy Optimization: uniform noise of this half-width on Gaussian means during updates (0 = off).") var rpoAlpha: Float?
    @Option(help: "Vector environment mode: auto (native where the environment has it, else serial), native, native-threaded, serial or threaded.") var vectorMode: String?

    func apply(to c: inout PPOConfiguration) throws {
        if let numEnvs { c.environments = numEnvs }
        if let rolloutSteps { c.rolloutSteps = rolloutSteps }
        if let minibatchSize { c.minibatchSize = minibatchSize }
        if let epochs { c.epochs = epochs }
        if let learningRate { c.learningRate = learningRate }
        if let annealLearningRate { c.annealLearningRate = annealLearningRate }
        if let adamEpsilon { c.adamEpsilon = adamEpsilon }
        if let gamma { c.gamma = gamma }
        if let gaeLambda { c.gaeLambda = gaeLambda }
        if let clipRange { c.clipRange = clipRange }
        if let annealClipRange { c.annealClipRange = annealClipRange }
        if let clipValueLoss { c.clipValueLoss = clipValueLoss }
        if let valueCoefficient { c.valueCoefficient = valueCoefficient }
        if let entropyCoefficient { c.entropyCoefficient = entropyCoefficient }
        if let maxGradientNorm { c.maxGradientNorm = maxGradientNorm }
        if let normalizeAdvantages { c.normalizeAdvantages = normalizeAdvantages }
        if let targetKL { c.targetKL = targetKL }
        if let normalizeObservations { c.normalizeObservations = normalizeObservations }
        if let normalizeRewards { c.normalizeRewards = normalizeRewards }
        if let hiddenSizes {
            let sizes = hiddenSizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden-sizes must be positive integers separated by commas, e.g. 64,64; got '\(hiddenSizes)'")
            }
            c.hiddenSizes = sizes.compactMap { $0 }
        }
        if let activation {
            guard let value = AscentTensor.Activation(rawValue: activation) else {
                throw ValidationError("--activation must be one of \(AscentTensor.Activation.allCases.map(\.rawValue).joined(separator: ", ")); got '\(activation)'")
            }
            c.activation = value
        }
        if let initialLogStd { c.initialLogStd = initialLogStd }
        if let squashActions { c.squashActions = squashActions }
        if let rpoAlpha { c.rpoAlpha = rpoAlpha }
        if let vectorMode { c.vectorMode = vectorMode }
    }
}

struct TrainPPO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo",
        abstract: "Proximal Policy Optimization.",
        discussion: "Starts from --preset (default: the environment's own preset if there is one, else CleanRL's defaults); any flag overrides it. Presets: \(PPOConfiguration.presetNames.joined(separator: ", "))."
    )

    @OptionGroup var options: RunOptions
    @OptionGroup var hyperparameters: PPOOptions

    func run() throws { try options.train(PPO.self) { try hyperparameters.apply(to: &$0) } }
}

/// Runs `body`, turning library errors into command-line errors with their message.
func cliErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CustomStringConvertible where !(error is ValidationError) && !(error is CLIError) {
        throw CLIError(error.description)
    }
}
