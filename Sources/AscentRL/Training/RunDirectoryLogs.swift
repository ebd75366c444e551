import AscentEnvironments
import AscentTensor
import Foundation

/// The run directory's logs, all appended as training goes: `metrics.csv`/`metrics.jsonl`
/// (one row per update or log interval), `episodes.csv` (one row per finished episode),
/// `evaluations.csv` (one row per evaluation during training) and a TensorBoard event file
/// holding the metrics and evaluations under Stable-Baselines3's tag names.
///
/// Every row carries `global_step`, so a resume can cut each file back to its checkpoint
/// (`prepareForResume(atStep:)`).
extension RunDirectory {
    /// Columns that measure the machine rather than the run: kept out of `metrics.csv` (so two
    /// runs with the same seed write identical files) and written to `metrics.jsonl` only.
    public static let timingColumns: Set<String> = ["wall_seconds", "steps_per_second"]

    /// The run's TensorBoard event file (the directory shows as one run).
    public var tensorBoardURL: URL { TensorBoardLog(folder: url).url }

    /// Appends one row to `metrics.csv` (writing the header first if new; without the timing
    /// columns), one object with every column to `metrics.jsonl`, and the row's scalars to the
    /// TensorBoard event file.
    public func appendMetrics(columns: [String], values: [Double]) throws {
        let kept = columns.indices.filter { !RunDirectory.timingColumns.contains(columns[$0]) }
        try appendCSV(at: metricsURL, header: kept.map { columns[$0] }, row: kept.map { values[$0] })
        let fields = zip(columns, values).map { "\"\($0)\":" + ($1.isFinite ? "\($1)" : "null") }
        try append(Data(("{" + fields.joined(separator: ",") + "}\n").utf8), to: logURL)
        let step = columns.firstIndex(of: "global_step").map { Int(values[$0]) } ?? 0
        try appendTensorBoard(TensorBoardTags.scalars(columns: columns, values: values), step: step)
    }

    /// Appends the episodes that finished in the metrics row at `step` to `episodes.csv`:
    /// return `r`, length `l` and seconds since training began `t`, as SB3's monitor files.
    public func appendEpisodes(_ episodes: FinishedEpisodes, step: Int, wallSeconds: Double) throws {
        let rows = zip(episodes.returns, episodes.lengths).map { [Double(step), $0, $1, (wallSeconds * 1000).rounded() / 1000] }
        try appendCSV(at: episodesURL, header: ["global_step", "r", "l", "t"], rows: rows)  // one write per metrics row
    }

    /// Appends an evaluation during training to `evaluations.csv` and TensorBoard
    /// (`eval/mean_reward`, `eval/std_error`, `eval/mean_ep_length`).
    public func appendEvaluation(_ evaluation: Evaluation) throws {
        try appendCSV(at: evaluationsURL, header: ["global_step", "mean_return", "std_error", "mean_length", "episodes"],
                      row: [Double(evaluation.step), evaluation.meanReturn, evaluation.standardError, evaluation.meanLength,
                            Double(evaluation.returns.count)])
        try appendTensorBoard([("eval/mean_reward", evaluation.meanReturn), ("eval/std_error", evaluation.standardError),
                               ("eval/mean_ep_length", evaluation.meanLength)], step: evaluation.step)
    }

    /// The evaluations logged so far (after a resume: up to its checkpoint).
    public func evaluations() -> [(step: Int, meanReturn: Double, standardError: Double)] {
        guard let text = try? String(contentsOf: evaluationsURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard fields.count >= 3, let step = fields[0], let mean = fields[1] else { return nil }
            return (Int(step), mean, fields[2] ?? .nan)
        }
    }

    /// Folder of the policy's episodes during training (`snapshots/step-<N>.json`).
    public var snapshotsURL: URL { url.appendingPathComponent("snapshots") }

    /// Saves one episode's frames at `step`, atomically.
    public func saveSnapshot(_ frames: [RenderFrame], step: Int) throws {
        let object: [String: Any] = ["global_step": step, "kind": frames.first?.kind ?? "",
                                     "frames": frames.map { $0.values.mapValues { $0.isFinite ? $0 : 0 } }]
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: object), to: snapshotsURL.appendingPathComponent("step-\(step).json"))
    }

    /// The saved snapshots by step (unreadable files are skipped: they only illustrate).
    public func snapshots() -> [(step: Int, frames: [RenderFrame])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshotsURL.path)) ?? []
        return names.compactMap { name -> (step: Int, frames: [RenderFrame])? in
            guard name.hasPrefix("step-"), name.hasSuffix(".json"),
                  let data = FileManager.default.contents(atPath: snapshotsURL.appendingPathComponent(name).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let step = (object["global_step"] as? NSNumber)?.intValue, let kind = object["kind"] as? String,
                  let frames = object["frames"] as? [[String: Double]] else { return nil }
            return (step, frames.map { RenderFrame(kind: kind, values: $0) })
        }.sorted { $0.step < $1.step }
    }

    private func appendCSV(at file: URL, header: [String], row: [Double]) throws {
        try appendCSV(at: file, header: header, rows: [row])
    }

    /// Appends `rows` (nothing if empty), writing the header first if the file is new.
    private func appendCSV(at file: URL, header: [String], rows: [[Double]]) throws {
        guard !rows.isEmpty else { return }
        var text = FileManager.default.fileExists(atPath: file.path) ? "" : header.joined(separator: ",") + "\n"
        for row in rows { text += row.map { $0.isFinite ? "\($0)" : "" }.joined(separator: ",") + "\n" }
        try append(Data(text.utf8), to: file)
    }

    private func appendTensorBoard(_ scalars: [(tag: String, value: Double)], step: Int) throws {
        try TensorBoardLog(folder: url).append(scalars, step: step)
    }

    private func append(_ data: Data, to file: URL) throws { try appendToFile(data, file) }
}

/// Deterministic episodes of the policy at one point of training.
public struct Evaluation: Sendable {
    public let step: Int
    public let returns: [Double]
    public let lengths: [Double]

    public init(step: Int, returns: [Double], lengths: [Double]) {
        self.step = step
        self.returns = returns
        self.lengths = lengths
    }

    public var meanReturn: Double { returns.reduce(0, +) / Double(returns.count) }
    public var meanLength: Double { lengths.isEmpty ? .nan : lengths.reduce(0, +) / Double(lengths.count) }
    /// Standard deviation of the returns over √n (0 for one episode).
    public var standardError: Double {
        guard returns.count > 1 else { return 0 }
        let mean = meanReturn
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        return (variance / Double(returns.count)).squareRoot()
    }
}
