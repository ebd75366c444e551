import AscentRL
import AscentReport
import AscentEnvironments
import AscentTensor
import Dispatch
import Foundation
import Synchronization

/// Drives a training run from the command line: progress line, metrics and checkpoints in
/// the run directory, Ctrl-C handling (stop after the current update and save), a final
/// evaluation and the report.
struct TrainingSession {
    let ppo: PPO
    let directory: RunDirectory
    let checkpointEvery: Int
    let evalEpisodes: Int
    var untilStep: Int? = nil

    func run() throws {
        let interrupted = InterruptFlag()
        let target = untilStep ?? ppo.configuration.totalSteps
        var progress = ProgressLine(total: target, unit: "steps", initial: ppo.globalStep)
        let startUpdate = ppo.updatesDone
        var recent: [Double] = []
        do {
            try ppo.train(untilStep: target) { metrics in
                try directory.appendMetrics(columns: PPOMetrics.columns, values: metrics.values)
                if metrics.episodeReturn.isFinite { recent = Array((recent + [metrics.episodeReturn]).suffix(10)) }
                let shownReturn = recent.isEmpty ? "n/a" : String(format: "%.1f", recent.reduce(0, +) / Double(recent.count))
                progress.update(done: metrics.globalStep, detail: "return \(shownReturn)",
                                force: metrics.globalStep >= target)
                if (metrics.update - startUpdate) % checkpointEvery == 0 {
                    try directory.saveCheckpoint(ppo.checkpoint(), step: metrics.globalStep, keep: true)
                }
                return !interrupted.isSet
            }
        } catch {
            progress.finish()
            throw CLIError("\(error)\nThe last checkpoint in \(directory.checkpointsURL.path) is intact.")
        }
        progress.finish()
        try cliErrors { try directory.saveCheckpoint(ppo.checkpoint(), step: ppo.globalStep, keep: true) }
        if interrupted.isSet { print("interrupted: saved a checkpoint at step \(ppo.globalStep); continue with `ascent resume \(directory.url.path)`") }
        try finish(ppo: ppo, run: directory, evalEpisodes: evalEpisodes)
    }
}

/// Final evaluation and report, shared by train and resume.
func finish(ppo: PPO, run: RunDirectory, evalEpisodes: Int) throws {
    var evaluation: (returns: [Double], frames: [AscentEnvironments.RenderFrame]) = ([], [])
    if evalEpisodes > 0 {
        evaluation = try cliErrors { try ppo.evaluate(episodes: evalEpisodes, deterministic: true, recordFrames: true) }
        let mean = evaluation.returns.reduce(0, +) / Double(evaluation.returns.count)
        let std = (evaluation.returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(evaluation.returns.count)).squareRoot()
        print(String(format: "evaluation: mean return %.1f ± %.1f over %d deterministic episodes", mean, std, evaluation.returns.count))
    }
    let report = TrainingReport(title: "PPO on \(ppo.configuration.environment)", configuration: ppo.configuration,
                                history: ppo.history, evaluationReturns: evaluation.returns, episode: evaluation.frames)
    try cliErrors { try AtomicFile.write(Data(report.html().utf8), to: run.reportURL) }
    print("run directory: \(run.url.path) (report.html, metrics.csv, checkpoints/)")
}

/// Set by SIGINT (Ctrl-C); training stops after the current update and saves.
final class InterruptFlag {
    private final class Box: Sendable { let value = Atomic<Bool>(false) }
    private let flag = Box()
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let flag = self.flag
        source.setEventHandler {
            if flag.value.exchange(true, ordering: .relaxed) {
                exit(130)  // second Ctrl-C: stop at once
            }
            FileHandle.standardError.write(Data("\nstopping after this update (Ctrl-C again to quit at once)...\n".utf8))
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    var isSet: Bool { flag.value.load(ordering: .relaxed) }
}
