import ArgumentParser
import AscentRL
import AscentTensor
import Foundation

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent; writes a run directory with config, metrics, checkpoints and report.",
        subcommands: [TrainPPO.self]
    )
}

/// Every PPO hyperparameter as an optional flag: given flags override the preset.
struct PPOOptions: ParsableArguments {
    @Option(help: "Environment steps to train for.") var totalSteps: Int?
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
    @Option(help: "Vector environment mode: native, native-threaded, serial or threaded.") var vectorMode: String?

    func apply(to c: inout PPOConfiguration) throws {
        if let totalSteps { c.totalSteps = totalSteps }
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

    @Option(help: "Environment id (`ascent env list`).") var env = "Pendulum-v1"
    @Option(help: "Hyperparameter preset.") var preset: String?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run directory to create.") var out: String?
    @Option(help: "Save a numbered checkpoint every this many updates (latest is saved every update).") var checkpointEvery = 25
    @Option(help: "Deterministic evaluation episodes at the end (0 to skip).") var evalEpisodes = 20
    @OptionGroup var hyperparameters: PPOOptions

    func validate() throws {
        guard checkpointEvery > 0 else { throw ValidationError("--checkpoint-every must be positive, got \(checkpointEvery)") }
        guard evalEpisodes >= 0 else { throw ValidationError("--eval-episodes must be non-negative, got \(evalEpisodes)") }
    }

    func run() throws {
        var configuration = PPOConfiguration()
        if let name = preset ?? (PPOConfiguration.presetNames.contains(env) ? env : nil) {
            configuration = try cliErrors { try PPOConfiguration.preset(name) }
        }
        configuration.environment = env
        configuration.seed = seed
        try hyperparameters.apply(to: &configuration)
        let ppo = try cliErrors { try PPO(configuration) }
        let run = try cliErrors { try RunDirectory.create(at: out ?? "runs/ppo-\(env)-seed\(seed)") }
        try cliErrors { try run.writeConfiguration(of: ppo) }
        try TrainingSession(training: ppo, directory: run, checkpointEvery: checkpointEvery, evalEpisodes: evalEpisodes).run()
    }
}

/// Runs `body`, turning library errors into command-line errors with their message.
func cliErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CustomStringConvertible where !(error is ValidationError) && !(error is CLIError) {
        throw CLIError(error.description)
    }
}
