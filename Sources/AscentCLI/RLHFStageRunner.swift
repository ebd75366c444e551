import ArgumentParser
import AscentRL
import AscentRLHF
import AscentTensor
import Foundation

/// Runs RLHF stages in one directory for one command: holds the directory's lock (a second
/// command on it is refused), saves `checkpoints/<stage>.safetensors` every `checkpointEvery`
/// steps and on Ctrl-C, resumes from it, and never replaces finished work without `--force`.
struct RLHFStageRunner {
    let directory: URL
    let checkpointEvery: Int
    private let lock: RunLock
    private let interrupted = InterruptFlag()

    init(directory: URL, checkpointEvery: Int) throws {
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be 0 (only on Ctrl-C) or more, got \(checkpointEvery)") }
        try cliErrors { try FileManager.default.createDirectory(at: directory.appendingPathComponent("checkpoints"), withIntermediateDirectories: true) }
        lock = try cliErrors { try RunLock(directory: directory) }
        (self.directory, self.checkpointEvery) = (directory, checkpointEvery)
    }

    func checkpointURL(_ stage: String) -> URL { directory.appendingPathComponent("checkpoints/\(stage).safetensors") }

    private func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Refuses to start `stage` afresh over an interrupted run of it or over `outputs` an earlier
    /// run finished, unless `force`.
    func refuseOverwriting(_ stage: String, outputs: [String], resume: Bool, force: Bool) throws {
        guard !resume, !force else { return }
        if exists(checkpointURL(stage)) {
            throw CLIError("\(directory.path) holds an interrupted \(stage) run (checkpoints/\(stage).safetensors); continue it with --resume, or pass --force to start \(stage) again")
        }
        if let done = outputs.first(where: { exists(directory.appendingPathComponent($0)) }) {
            throw CLIError("\(directory.path) already holds \(done) from an earlier run; pass --force to replace it, or use another --dir")
        }
    }

    /// Runs `body` with a control for `stage` (resuming from its checkpoint when `resume`); when
    /// `body` finishes, the checkpoint is removed. On Ctrl-C the stage saves and this exits 130.
    /// `checkpointed: false` runs the stage stoppable but without checkpoints (`then`: what the
    /// message tells the user to do next). `pipeline`'s scalars go to TensorBoard under
    /// `tensorboard/<log>/` (the stage's name by default), cut back to the checkpoint on resume.
    func run(_ stage: String, resume: Bool = false, checkpointed: Bool = true, then: String? = nil, pipeline: RLHFPipeline, log: String? = nil,
             _ body: (StageControl) throws -> Void) throws {
        let url = checkpointURL(stage)
        let folder = directory.appendingPathComponent("tensorboard/\(log ?? stage)")
        let interrupted = interrupted
        var control = StageControl(checkpointEvery: checkpointed ? checkpointEvery : 0, stopRequested: { interrupted.isSet })
        if checkpointed { control.save = { try $0.write(to: url) } }
        if resume {
            guard exists(url) else {
                throw CLIError("no interrupted \(stage) run to resume in \(directory.path) (checkpoints/\(stage).safetensors is missing); run `ascent rlhf \(stage)` without --resume")
            }
            control.resumeFrom = try cliErrors { try SafeTensors.read(from: url) }
        } else {
            try? FileManager.default.removeItem(at: folder)  // a fresh run of the stage starts a fresh curve
        }
        try cliErrors { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let tensorBoard = TensorBoardLog(folder: folder)
        if let done = control.resumeFrom?.metadata["steps_done"].flatMap(Int.init) { try cliErrors { try tensorBoard.truncate(afterStep: done) } }
        var warned = false
        pipeline.onScalars = { _, step, scalars in
            do { try tensorBoard.append(scalars, step: step) } catch where !warned {
                warned = true
                FileHandle.standardError.write(Data("warning: TensorBoard log \(tensorBoard.url.path): \(error)\n".utf8))
            } catch {}
        }
        defer { pipeline.onScalars = { _, _, _ in } }
        do {
            try cliErrors { try body(control) }
        } catch let stopped as StageStopped {
            print(checkpointed
                  ? "interrupted: \(stage) saved its checkpoint after step \(stopped.step) (\(url.path)); continue with `\(resumeCommand(stage))`\(then.map { ", then \($0)" } ?? "")"
                  : "interrupted during \(stage) after step \(stopped.step)\(then.map { "; \($0)" } ?? "")")
            throw ExitCode(130)
        }
        if checkpointed { try? FileManager.default.removeItem(at: url) }
    }

    /// This command line with `--resume`, as the stage's own command when it is the demo's (the
    /// demo and the stages share their options).
    private func resumeCommand(_ stage: String) -> String {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.prefix(2) == ["rlhf", "demo"] { arguments[1] = stage }
        guard arguments.prefix(2) == ["rlhf", stage] else { return "ascent rlhf \(stage) --dir \(directory.path) --resume" }
        let kept = arguments.filter { $0 != "--resume" && $0 != "--force" }.map { $0.contains(where: { " '\"$".contains($0) }) ? "'\($0)'" : $0 }
        return (["ascent"] + kept + ["--resume"]).joined(separator: " ")
    }
}
