import AscentTensor
import Foundation

/// One TensorBoard event file that training appends scalars to and a resume cuts back to its
/// checkpoint's step: a run directory's, or an RLHF stage's (`tensorboard/<stage>/`).
public struct TensorBoardLog {
    /// The event file: the one already in the folder, else a new name
    /// (`events.out.tfevents.<unix time>.ascent`; TensorBoard reads any file whose name holds
    /// `tfevents` and shows each folder as one run).
    public let url: URL

    public init(folder: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let existing = names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().first
        url = folder.appendingPathComponent(existing ?? "events.out.tfevents.\(Int(Date().timeIntervalSince1970)).ascent")
    }

    /// Appends one record of `scalars` at `step` (the version record first if the file is new).
    public func append(_ scalars: [(tag: String, value: Double)], step: Int) throws {
        let now = Date().timeIntervalSince1970
        var bytes = FileManager.default.fileExists(atPath: url.path) ? [] : TensorBoardEvents.fileVersionRecord(wallTime: now)
        bytes += TensorBoardEvents.scalarRecord(scalars, step: step, wallTime: now)
        try appendToFile(Data(bytes), url)
    }

    /// Keeps the intact records up to `limit` (the version record has step 0).
    public func truncate(afterStep limit: Int) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let bytes = [UInt8](data)
        let kept = TensorBoardEvents.records(in: bytes).filter { $0.step <= limit }.flatMap { bytes[$0.bytes] }
        guard kept.count != bytes.count else { return }
        try AtomicFile.write(Data(kept), to: url)
    }
}

/// Appends `data` to `file`, creating it if needed.
func appendToFile(_ data: Data, _ file: URL) throws {
    if !FileManager.default.fileExists(atPath: file.path) {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)  // failure surfaces when opening below
    }
    do {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    } catch {
        throw RLError.invalidRunDirectory("cannot append to \(file.path): \(error.localizedDescription)")
    }
}
