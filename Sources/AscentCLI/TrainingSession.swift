import ArgumentParser
import AscentRL
import AscentReport
import AscentEnvironments
import AscentTensor
import Dispatch
import Foundation

/// Drives a training run of any algorithm from the command line: progress line, the run
/// directory's logs and checkpoints, evaluations during training with the best checkpoint kept,
/// Ctrl-C handling (stop after the current update and save), a final evaluation and the report.
struct TrainingSession<Run: TrainingRun> {
    let training: Run
    let directory: RunDirectory
    let checkpointEvery: Int
    let evalEpisodes: Int
    var evalEvery = 0
    var untilStep: Int? = nil

    /// Trains, saves, evaluates and writes the report; returns the final evaluation's returns.
    @discardableResult
    func run() throws -> [Double] {
        let lock = try cliErrors { try RunLock(directory) }
        defer { withExtendedLifetime(lock) {} }
        let interrupted = InterruptFlag()
        let target = untilStep ?? training.totalSteps
        var progress = ProgressLine(total: target, unit: "steps", initial: training.globalStep)
        var evaluations = EvaluationSchedule(every: evalEvery, after: training.globalStep, logged: directory.evaluations())
        var checkpoints = StepSchedule(every: checkpointEvery, after: training.globalStep)
        // The policy drawn at 10 % and 50 % of training (the final one comes with the evaluation).
        var snapshotSteps = [target / 10, target / 2].filter { $0 > training.globalStep }
        var recent: [Double] = []
        do {
            try training.train(untilStep: target, stopRequested: { interrupted.isSet }) { metrics in
                try directory.appendMetrics(columns: Run.Metrics.columns, values: metrics.values)
                try directory.appendEpisodes(training.lastRowEpisodes, step: metrics.globalStep, wallSeconds: metrics.wallSeconds)
                if metrics.episodeReturn.isFinite { recent = Array((recent + [metrics.episodeReturn]).suffix(10)) }
                let shownReturn = recent.isEmpty ? "n/a" : String(format: "%.1f", recent.reduce(0, +) / Double(recent.count))
                var detail = "return (last \(recent.count) rows) \(shownReturn)"
                if evaluations.isDue(at: metrics.globalStep) {
                    let evaluation = try evaluate(at: metrics.globalStep)
                    try evaluations.record(evaluation, directory: directory) { training.snapshot() }
                }
                if let last = evaluations.last { detail += String(format: " · eval %.1f", last.meanReturn) }
                if let next = snapshotSteps.first, metrics.globalStep >= next {
                    snapshotSteps.removeAll { $0 <= metrics.globalStep }
                    let episode = try training.evaluate(episodes: 1, deterministic: true, seed: nil, recordFrames: true, physicalParameters: [:])
                    try directory.saveSnapshot(episode.frames, step: metrics.globalStep)
                }
                progress.update(done: metrics.globalStep, detail: detail, force: metrics.globalStep >= target)
                if checkpoints.isDue(at: metrics.globalStep) {
                    checkpoints.advance(past: metrics.globalStep)
                    try directory.saveCheckpoint(of: training, keep: true)
                    try writeReport(training, directory: directory, live: true)  // a running or killed run has a current report
                }
                return !interrupted.isSet
            }
        } catch {
            progress.finish()
            throw CLIError("\(error)\nThe last checkpoint in \(directory.checkpointsURL.path) is intact.")
        }
        progress.finish()
        try cliErrors { try directory.saveCheckpoint(of: training, keep: true) }
        try writeReport(training, directory: directory)
        // Everything is saved: from here a Ctrl-C (during the final evaluation) exits at once.
        interrupted.exitsAtOnce()
        if interrupted.isSet {
            print("interrupted: saved a checkpoint and report.html at step \(training.globalStep); continue with `ascent resume \(directory.url.path)`")
            throw ExitCode(130)  // callers running several trainings stop here too
        }
        return try finish(training, directory: directory, evalEpisodes: evalEpisodes)
    }

    /// `--eval-episodes` deterministic episodes on fresh environment copies (normalisation
    /// frozen, the training environments and random streams untouched, so training continues
    /// exactly as without evaluations). Every evaluation starts from the same states.
    private func evaluate(at step: Int) throws -> Evaluation {
        let result = try training.evaluate(episodes: evalEpisodes, deterministic: true, seed: nil,
                                           recordFrames: false, physicalParameters: [:])
        return Evaluation(step: step, returns: result.returns, lengths: result.lengths)
    }
}

/// Something done every `every` environment steps (0: never), at the first metrics row at or
/// past each multiple: rows end where rollouts or log intervals do, not on round numbers.
struct StepSchedule {
    private let every: Int
    private var next: Int

    init(every: Int, after step: Int) {
        self.every = every
        next = every > 0 ? (step / every + 1) * every : .max
    }

    func isDue(at step: Int) -> Bool { step >= next }

    mutating func advance(past step: Int) { next = (step / every + 1) * every }
}

/// When to evaluate during training (every `--eval-every` environment steps), and the best
/// result so far, whose checkpoint is kept.
struct EvaluationSchedule {
    private var schedule: StepSchedule
    private var best: Double
    private(set) var last: Evaluation?

    /// `logged`: the evaluations already in the run directory (a resumed run keeps its best).
    init(every: Int, after step: Int, logged: [(step: Int, meanReturn: Double, standardError: Double)]) {
        schedule = StepSchedule(every: every, after: step)
        best = logged.map(\.meanReturn).max() ?? -.infinity
    }

    func isDue(at step: Int) -> Bool { schedule.isDue(at: step) }

    /// Logs `evaluation`; saves `checkpoint()` as the best when it beats every earlier one.
    mutating func record(_ evaluation: Evaluation, directory: RunDirectory, checkpoint: () -> SafeTensors) throws {
        schedule.advance(past: evaluation.step)
        last = evaluation
        try directory.appendEvaluation(evaluation)
        if evaluation.meanReturn > best {
            best = evaluation.meanReturn
            try checkpoint().write(to: directory.bestCheckpointURL)
        }
    }
}

/// Final evaluation and report, shared by train and resume; returns the evaluation returns.
@discardableResult
func finish<Run: TrainingRun>(_ run: Run, directory: RunDirectory, evalEpisodes: Int) throws -> [Double] {
    var evaluation: (returns: [Double], lengths: [Double], frames: [AscentEnvironments.RenderFrame]) = ([], [], [])
    if evalEpisodes > 0 {
        evaluation = try cliErrors { try run.evaluate(episodes: evalEpisodes, deterministic: true, seed: nil, recordFrames: true, physicalParameters: [:]) }
        let final = Evaluation(step: run.globalStep, returns: evaluation.returns, lengths: evaluation.lengths)
        print(String(format: "evaluation: mean return %.1f ± %.1f (standard error) over %d deterministic episodes, mean length %.0f",
                     final.meanReturn, final.standardError, final.returns.count, final.meanLength))
    }
    try writeReport(run, directory: directory, evaluation: evaluation)
    print("run directory: \(directory.url.path) (report.html, metrics.csv, episodes.csv, TensorBoard events, checkpoints/)")
    return evaluation.returns
}

/// Writes `report.html` for `run` as it is now (atomically): at every checkpoint without an
/// evaluation, at the end with it, and from `ascent report`.
/// A `live` report (written during training) reloads itself in the browser every 30 s.
func writeReport<Run: TrainingRun>(_ run: Run, directory: RunDirectory,
                                   evaluation: (returns: [Double], lengths: [Double], frames: [AscentEnvironments.RenderFrame]) = ([], [], []),
                                   live: Bool = false) throws {
    var report = TrainingReport(run: run, evaluationReturns: evaluation.returns, episode: evaluation.frames)
    report.evaluations = directory.evaluations()
    report.snapshots = directory.snapshots()
    report.refreshSeconds = live ? 30 : nil
    try cliErrors { try AtomicFile.write(Data(report.html().utf8), to: directory.reportURL) }
}
