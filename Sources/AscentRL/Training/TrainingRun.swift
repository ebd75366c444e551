import AscentEnvironments
import AscentTensor
import Foundation

/// One row of an algorithm's per-update metrics (a line of `metrics.csv`).
public protocol TrainingMetrics: Codable, Sendable {
    /// Column names, in the order of ``values``.
    static var columns: [String] { get }
    var values: [Double] { get }
    /// Environment steps so far.
    var globalStep: Int { get }
    var wallSeconds: Double { get }
    /// Mean return of the episodes that finished since the previous row (NaN if none).
    var episodeReturn: Double { get }
}

/// What an algorithm offers the shared plumbing: the command line's train, eval and resume,
/// run directories, progress, checkpoints and reports. An algorithm file holds only its own
/// logic plus this conformance.
public protocol TrainingRun: AnyObject {
    associatedtype Metrics: TrainingMetrics
    /// The name in `config.json` and on the command line, e.g. `ppo`.
    static var algorithm: String { get }
    var environmentID: String { get }
    var totalSteps: Int { get }
    var globalStep: Int { get }
    var history: [Metrics] { get }
    /// The episodes that finished in the last metrics row (each row's `episode_return` is their mean).
    var lastRowEpisodes: FinishedEpisodes { get }
    /// The configuration as JSON, for `config.json` and reports.
    var configurationJSON: String { get }
    /// Trains until `untilStep` (default: the configured total); `callback` runs after every
    /// update and returns false to stop early.
    func train(untilStep: Int?, callback: (Metrics) throws -> Bool) throws
    /// The same, also closing the current metrics row (and calling `callback`) as soon as
    /// `stopRequested` returns true: off-policy runs check it at every environment step, so a
    /// Ctrl-C stops at the next gradient step rather than at the end of a long row. Runs
    /// whose rows are single updates ignore it.
    func train(untilStep: Int?, stopRequested: () -> Bool, callback: (Metrics) throws -> Bool) throws
    /// The action the environment receives for one raw observation: the mean or most likely
    /// action when `deterministic`, else a sample with noise from `generator`. What evaluation,
    /// the exported policy's samples and every acting caller use.
    func policyAction(_ observation: [Float], deterministic: Bool, generator: inout RandomGenerator) throws -> [Float]
    /// The deterministic policy as plain arithmetic, for ``ONNXModel`` and other exports.
    func exportedPolicy() throws -> ExportedPolicy
    /// Full episodes on fresh environments (with `physicalParameters` overriding their physics):
    /// their returns and lengths, and the frames of the first if `recordFrames`.
    func evaluate(episodes: Int, deterministic: Bool, seed: UInt64?, recordFrames: Bool,
                  physicalParameters: [String: Double]) throws -> (returns: [Double], lengths: [Double], frames: [RenderFrame])
    /// Moves the end of training (and of any annealing) to `totalSteps`, for resuming past it.
    func extendTraining(to totalSteps: Int) throws
    func checkpoint() -> SafeTensors
    /// The checkpoint without what only resuming needs (an off-policy run's replay buffer):
    /// the numbered and best checkpoints. The same as `checkpoint()` for on-policy runs.
    func snapshot() -> SafeTensors
    static func restore(from checkpoint: SafeTensors) throws -> Self
}

/// A run built from a configuration struct: what `ascent train <algorithm>` constructs.
public protocol ConfigurableRun: TrainingRun {
    associatedtype Configuration: AlgorithmConfiguration
    /// One line for `--help`, e.g. "Soft Actor-Critic (continuous actions)."
    static var summary: String { get }
    var configuration: Configuration { get }
    init(_ configuration: Configuration) throws
}

/// Every algorithm the run directories know, by name.
public enum TrainingAlgorithms {
    public static var all: [String: any ConfigurableRun.Type] {
        [PPO.algorithm: PPO.self, SAC.algorithm: SAC.self, TD3.algorithm: TD3.self, DQN.algorithm: DQN.self,
         A2C.algorithm: A2C.self, REINFORCE.algorithm: REINFORCE.self]
    }

    /// The algorithm called `name`, or an error listing the known ones.
    public static func named(_ name: String) throws -> any ConfigurableRun.Type {
        guard let type = all[name.lowercased()] else {
            throw RLError.invalidHyperparameter(name: "algorithm", value: name, expected: "must be one of \(all.keys.sorted().joined(separator: ", "))")
        }
        return type
    }

    /// The run saved in `checkpoint` by the algorithm named in a run's `config.json`.
    ///
    /// Tensors the run does not save are refused, as missing ones are: a file with extra
    /// tensors is not what this algorithm wrote (another algorithm's, or edited), and eval or
    /// resume would silently ignore part of it. The restored run's own checkpoint names
    /// exactly the tensors it saves, for every algorithm.
    public static func restore(_ checkpoint: SafeTensors, algorithm: String) throws -> any TrainingRun {
        guard let type = all[algorithm] else {
            throw RLError.invalidRunDirectory("unknown algorithm '\(algorithm)'; this version knows \(all.keys.sorted().joined(separator: ", "))")
        }
        let run = try type.restore(from: checkpoint)
        let unexpected = Set(checkpoint.tensors.keys).subtracting(run.checkpoint().tensors.keys).sorted()
        guard unexpected.isEmpty else { throw CheckpointError.nameMismatch(missing: [], unexpected: unexpected) }
        return run
    }
}

extension PPOMetrics: TrainingMetrics {}

extension PPO: ConfigurableRun {
    public static var algorithm: String { "ppo" }
    public static var summary: String { "Proximal Policy Optimization." }
    public var environmentID: String { configuration.environment }
    public var totalSteps: Int { configuration.totalSteps }
    public var configurationJSON: String { configuration.prettyJSON }
}

extension TrainingRun {
    public func snapshot() -> SafeTensors { checkpoint() }

    public func train(untilStep: Int?, stopRequested: () -> Bool, callback: (Metrics) throws -> Bool) throws {
        try train(untilStep: untilStep, callback: callback)
    }
}

/// Conveniences every algorithm gets, so library users need not spell out the protocol's full
/// signatures: `try sac.train()`, `try sac.evaluate(episodes: 20)`.
extension TrainingRun {
    /// Trains to the configured total number of steps.
    public func train() throws { try train(untilStep: nil) { _ in true } }

    /// Trains to the configured total; `callback` sees every metrics row and returns false to stop.
    public func train(callback: (Metrics) throws -> Bool) throws { try train(untilStep: nil, callback: callback) }

    /// Full episodes under the training physics, deterministic by default.
    public func evaluate(episodes: Int, deterministic: Bool = true, seed: UInt64? = nil) throws -> (returns: [Double], lengths: [Double], frames: [RenderFrame]) {
        try evaluate(episodes: episodes, deterministic: deterministic, seed: seed, recordFrames: false, physicalParameters: [:])
    }
}
