import AscentEnvironments
import AscentTensor
import Foundation

/// A training run's directory:
///
///     config.json                 everything needed to reproduce the run
///     metrics.csv                 one row per update, reproducible: identical for the same seed
///     metrics.jsonl               the same rows plus wall-clock timings
///     episodes.csv                one row per finished training episode (SB3's monitor file)
///     evaluations.csv             one row per evaluation during training (`--eval-every`)
///     events.out.tfevents.*       the metrics rows and evaluations for TensorBoard
///     snapshots/step-<N>.json     the policy's episode at 10 % and 50 % of training, for the report
///     checkpoints/latest.safetensors, checkpoints/step-<N>.safetensors, checkpoints/best.safetensors
///     report.html                 written by the reporting layer
///
/// Checkpoints are written atomically, so an interrupted save never destroys the last good one.
public struct RunDirectory: Sendable {
    public let url: URL

    public var configurationURL: URL { url.appendingPathComponent("config.json") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.csv") }
    public var logURL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints") }
    public var latestCheckpointURL: URL { checkpointsURL.appendingPathComponent("latest.safetensors") }
    /// The checkpoint of the best evaluation during training (`--eval-every`).
    public var bestCheckpointURL: URL { checkpointsURL.appendingPathComponent("best.safetensors") }
    public var episodesURL: URL { url.appendingPathComponent("episodes.csv") }
    public var evaluationsURL: URL { url.appendingPathComponent("evaluations.csv") }
    public var reportURL: URL { url.appendingPathComponent("report.html") }

    /// A new run directory; refuses one that already holds a run, and a non-empty directory
    /// that holds something else (its files would be appended to or overwritten).
    public static func create(at path: String) throws -> RunDirectory {
        let run = RunDirectory(url: URL(fileURLWithPath: path))
        if FileManager.default.fileExists(atPath: run.configurationURL.path) {
            throw RLError.invalidRunDirectory("'\(path)' already holds a run (config.json exists); continue it with `ascent resume \(path)`, choose another --out, or pass --force to replace it")
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty {
            throw RLError.invalidRunDirectory("'\(path)' is not empty and holds no run (\(entries.sorted().prefix(3).joined(separator: ", "))\(entries.count > 3 ? ", ..." : "")); choose a new or empty --out")
        }
        do {
            try FileManager.default.createDirectory(at: run.checkpointsURL, withIntermediateDirectories: true)
        } catch {
            throw RLError.invalidRunDirectory("cannot create run directory '\(path)': \(error.localizedDescription)")
        }
        return run
    }

    /// Deletes the run in `path` so that ``create(at:)`` can start a new one there: what
    /// `--force` asks for. Refused while another process writes the run; a directory that
    /// holds no run (no config.json) is left alone, so a mistyped path cannot empty one.
    public static func removeRun(at path: String) throws {
        let run = RunDirectory(url: URL(fileURLWithPath: path))
        guard FileManager.default.fileExists(atPath: run.configurationURL.path) else { return }
        let lock = try RunLock(run)
        do {
            try FileManager.default.removeItem(at: run.url)
        } catch {
            throw RLError.invalidRunDirectory("cannot remove the run in '\(path)': \(error.localizedDescription)")
        }
        withExtendedLifetime(lock) {}
    }

    /// An existing run directory, with its configuration and at least one checkpoint.
    public static func open(at path: String) throws -> RunDirectory {
        let run = RunDirectory(url: URL(fileURLWithPath: path))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RLError.invalidRunDirectory("'\(path)' is not a directory; pass the --out directory of a training run")
        }
        guard FileManager.default.fileExists(atPath: run.configurationURL.path) else {
            throw RLError.invalidRunDirectory("'\(path)' has no config.json: it is not an Ascent run directory")
        }
        guard FileManager.default.fileExists(atPath: run.latestCheckpointURL.path) else {
            throw RLError.invalidRunDirectory("'\(path)' has no checkpoints/latest.safetensors (the run saved no checkpoint yet)")
        }
        return run
    }

    /// Writes `config.json` (version, algorithm, configuration) for a run; written again
    /// whenever the configuration changes, e.g. when a resume extends the total.
    public func writeConfiguration<Run: TrainingRun>(of run: Run) throws {
        guard let configuration = try? JSONSerialization.jsonObject(with: Data(run.configurationJSON.utf8)) else {
            throw RLError.invalidRunDirectory("the run's configuration is not valid JSON")
        }
        var record: [String: Any] = ["ascentVersion": AscentVersion.string, "algorithm": Run.algorithm, "configuration": configuration]
        if let environment = (configuration as? [String: Any])?["environment"] as? String {
            let engines = Environments.engineVersions(for: environment)
            if !engines.isEmpty { record["engineVersions"] = engines }
        }
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]), to: configurationURL)
    }

    /// The algorithm named in `config.json`.
    public func algorithm() throws -> String {
        struct Header: Decodable { let algorithm: String }
        do {
            return try JSONDecoder().decode(Header.self, from: Data(contentsOf: configurationURL)).algorithm
        } catch {
            throw RLError.invalidRunDirectory("\(configurationURL.path) is unreadable or malformed: \(error.localizedDescription)")
        }
    }

    /// Saves `latest` with everything a resume needs, and a numbered copy of the run's
    /// ``TrainingRun/snapshot()`` (the policy without a replay buffer) when `keep` is true,
    /// each atomically.
    public func saveCheckpoint<Run: TrainingRun>(of run: Run, keep: Bool) throws {
        try run.checkpoint().write(to: latestCheckpointURL)
        if keep { try run.snapshot().write(to: checkpointsURL.appendingPathComponent("step-\(run.globalStep).safetensors")) }
    }

    public func loadLatestCheckpoint() throws -> SafeTensors {
        try SafeTensors.read(from: latestCheckpointURL)
    }
}
