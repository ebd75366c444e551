import AscentTensor
import Foundation

extension RunDirectory {
    /// Brings the directory back to the state of its latest checkpoint before a resume:
    ///
    /// - rows of the logs (`metrics.csv`, `metrics.jsonl`, `episodes.csv`, `evaluations.csv`, the
    ///   TensorBoard events) logged after the checkpoint's step (by a run killed between
    ///   checkpoints) are cut, so the resumed run does not log them twice;
    /// - a half-written last line or record (the disk filled, or the process died mid-append)
    ///   is cut, so the next row does not join it;
    /// - policy snapshots from after the checkpoint are removed (the resumed run records its own);
    /// - temporary files of interrupted atomic saves (`.<name>.tmp-<pid>-<n>`) are removed.
    ///
    /// `checkpoints/best.safetensors` stays: it holds a policy that was evaluated, even if that
    /// evaluation came after the checkpoint and is logged again by the resumed run.
    ///
    /// Files are rewritten atomically; a file that is already consistent is not touched.
    public func prepareForResume(atStep step: Int) throws {
        for csv in [metricsURL, episodesURL, evaluationsURL] {
            try truncateMetrics(at: csv, afterStep: step) { line, header in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard let column = header?.firstIndex(of: "global_step"), fields.count == header?.count else { return nil }
                return Double(fields[column]).map { Int($0) }
            }
        }
        try truncateMetrics(at: logURL, afterStep: step) { line, _ in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["global_step"] as? NSNumber)?.intValue
        }
        try TensorBoardLog(folder: url).truncate(afterStep: step)
        for snapshot in snapshots() where snapshot.step > step {
            try? FileManager.default.removeItem(at: snapshotsURL.appendingPathComponent("step-\(snapshot.step).json"))
        }
        for folder in [url, checkpointsURL] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    /// Keeps the complete lines of `file` whose step (read by `step`, nil for a malformed line)
    /// is at most `limit`; for a CSV file the first line is the header and is always kept.
    private func truncateMetrics(at file: URL, afterStep limit: Int,
                                 step: (_ line: String, _ header: [String]?) -> Int?) throws {
        guard let data = FileManager.default.contents(atPath: file.path), !data.isEmpty else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // what follows the last newline: empty, or a half-written row
        let isCSV = file.pathExtension == "csv"
        let header = isCSV ? lines.first.map { $0.split(separator: ",").map(String.init) } : nil
        var kept = isCSV ? Array(lines.prefix(1)) : []
        for line in lines.dropFirst(isCSV ? 1 : 0) {
            guard let lineStep = step(line, header) else { continue }
            if lineStep <= limit { kept.append(line) }
        }
        let repaired = kept.isEmpty ? "" : kept.joined(separator: "\n") + "\n"
        guard repaired != text else { return }
        try AtomicFile.write(Data(repaired.utf8), to: file)
    }
}
