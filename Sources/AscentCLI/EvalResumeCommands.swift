import ArgumentParser
import AscentRL
import AscentTensor
import Foundation

/// Loads the run in a run directory from its latest checkpoint, whatever its algorithm.
func loadRun(_ path: String) throws -> (RunDirectory, any TrainingRun) {
    try cliErrors {
        let directory = try RunDirectory.open(at: path)
        return (directory, try TrainingAlgorithms.restore(try directory.loadLatestCheckpoint(), algorithm: try directory.algorithm()))
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a trained run's latest checkpoint.")

    @Argument(help: "Run directory (the --out of `ascent train`).") var directory: String
    @Option(help: "Episodes to run.") var episodes = 20
    @Flag(inversion: .prefixedNo, help: "Take the mean (Gaussian) or most likely (categorical) action, as training's evaluations do; --no-deterministic samples.")
    var deterministic = true
    @Option(help: "Seed of the first evaluation episode (default: 1,000,000 + 1,000 × the run's seed).") var seed: UInt64?
    @Option(help: "Evaluate under other physics: name=value pairs, e.g. mass=1.5,length=0.8 (`ascent env info <id>` lists them).")
    var physics: String?
    @Flag(help: "Print JSON: mean_return, std_return, episodes, returns.") var json = false

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be positive, got \(episodes)") }
    }

    func run() throws {
        let (_, run) = try loadRun(directory)
        let physicalParameters = try parsePairs(physics ?? "", option: "--physics")
        let returns: [Double] = try cliErrors {
            try run.evaluate(episodes: episodes, deterministic: deterministic, seed: seed, recordFrames: false,
                             physicalParameters: physicalParameters).returns
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)).squareRoot()
        if json {
            let object: [String: Any] = ["mean_return": mean, "std_return": std, "episodes": returns.count, "returns": returns,
                                         "deterministic": deterministic, "global_step": run.globalStep]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "mean return %.2f ± %.2f over %d %@ episodes (checkpoint at step %d)", mean, std, returns.count,
                         deterministic ? "deterministic" : "stochastic", run.globalStep))
        }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a training run from its latest checkpoint.",
        discussion: "Networks, optimiser, normaliser, random streams, counters and the environments' episodes in progress continue exactly: the resumed run equals one that was never interrupted (see docs/ppo.md). A --total-steps beyond the configured total extends the run: annealed rates continue towards zero at the new end."
    )

    @Argument(help: "Run directory.") var directory: String
    @Option(help: "Train until this many total environment steps (default: the configured total).") var totalSteps: StepCount?
    @OptionGroup var session: SessionOptions

    func run() throws {
        let (runDirectory, run) = try loadRun(directory)
        try resume(run, directory: runDirectory)
    }

    private func resume<Run: TrainingRun>(_ run: Run, directory: RunDirectory) throws {
        let target = totalSteps?.value ?? run.totalSteps
        guard target > run.globalStep else {
            throw CLIError("the run is already at step \(run.globalStep); pass --total-steps above that to train further")
        }
        // Rows logged after the checkpoint (a kill between saves), half-written lines and
        // temporary files of interrupted saves go, so the resumed run continues the files cleanly.
        try cliErrors { try directory.prepareForResume(atStep: run.globalStep) }
        if target > run.totalSteps {
            try cliErrors {
                try run.extendTraining(to: target)
                try directory.writeConfiguration(of: run)  // config.json keeps describing the run
            }
        }
        try TrainingSession(training: run, directory: directory, checkpointEvery: session.checkpointEvery.value, evalEpisodes: session.evalEpisodes, evalEvery: session.evalEvery.value, untilStep: target).run()
    }
}

/// `name=value,name=value` → a dictionary of finite numbers.
func parsePairs(_ text: String, option: String) throws -> [String: Double] {
    var result: [String: Double] = [:]
    for pair in text.split(separator: ",") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let value = Double(parts[1]) else {
            throw ValidationError("\(option) takes name=value pairs separated by commas, e.g. mass=1.5,length=0.8; got '\(pair)'")
        }
        guard value.isFinite else { throw ValidationError("\(option): \(parts[0]) must be a finite number, got \(parts[1])") }
        result[parts[0]] = value
    }
    return result
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a run's report.html from its latest checkpoint.",
        discussion: "For a run killed before it wrote its report, or to add an evaluation. Training refreshes the report at every checkpoint; this writes it now."
    )

    @Argument(help: "Run directory.") var directory: String
    @Option(help: "Deterministic evaluation episodes to show in the report (0: curves only).") var evalEpisodes = 0

    func validate() throws {
        guard (0...100_000).contains(evalEpisodes) else { throw ValidationError("--eval-episodes must be 0...100000, got \(evalEpisodes)") }
    }

    func run() throws {
        let (runDirectory, run) = try loadRun(directory)
        try finish(run, directory: runDirectory, evalEpisodes: evalEpisodes)
    }
}
