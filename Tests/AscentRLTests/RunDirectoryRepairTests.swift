import AscentEnvironments
import Foundation
import Testing
@testable import AscentRL

/// A run killed between checkpoints, mid-append or mid-save is brought back to its latest
/// checkpoint's state before a resume (issue 13's run-directory cases).
@Suite("Run directory repair")
struct RunDirectoryRepairTests {
    @Test func resumeCutsRowsAfterTheCheckpointHalfLinesAndStaleTemporaries() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-repair-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try RunDirectory.create(at: path)
        let columns = ["update", "global_step", "wall_seconds", "episode_return"]
        for (update, step) in [(1, 100), (2, 200), (3, 300)] {
            try run.appendMetrics(columns: columns, values: [Double(update), Double(step), 0.5, update == 2 ? .nan : -10])
            try run.appendEpisodes(FinishedEpisodes(returns: [-10, -11], lengths: [5, 6]), step: step, wallSeconds: 0.5)
        }
        // Killed mid-append: half a row in each file. Killed mid-save: a temporary checkpoint.
        for (file, half) in [(run.metricsURL, "4,40"), (run.logURL, "{\"update\":4,\"glo"), (run.episodesURL, "400.0,-1"),
                             (run.tensorBoardURL, "\u{1}\u{0}\u{0}")] {
            let handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(half.utf8))
            try handle.close()
        }
        for step in [100, 300] { try run.saveSnapshot([RenderFrame(kind: "pendulum", values: ["theta": 0.5])], step: step) }
        let stale = run.checkpointsURL.appendingPathComponent(".latest.safetensors.tmp-123-456")
        #expect(FileManager.default.createFile(atPath: stale.path, contents: Data([1, 2, 3])))

        try run.prepareForResume(atStep: 200)
        let csv = try String(contentsOf: run.metricsURL, encoding: .utf8)
        #expect(csv == "update,global_step,episode_return\n1.0,100.0,-10.0\n2.0,200.0,\n")
        let log = try String(contentsOf: run.logURL, encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2 && log[1].contains("\"global_step\":200.0"))
        #expect(try String(contentsOf: run.episodesURL, encoding: .utf8)
            == "global_step,r,l,t\n100.0,-10.0,5.0,0.5\n100.0,-11.0,6.0,0.5\n200.0,-10.0,5.0,0.5\n200.0,-11.0,6.0,0.5\n")
        let events = [UInt8](try Data(contentsOf: run.tensorBoardURL))
        let records = TensorBoardEvents.records(in: events)
        #expect(records.map(\.step) == [0, 100, 200] && records.last?.bytes.upperBound == events.count)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(run.snapshots().map(\.step) == [100] && run.snapshots()[0].frames == [RenderFrame(kind: "pendulum", values: ["theta": 0.5])])

        // A consistent directory is left as it is; the next row follows on its own line.
        try run.prepareForResume(atStep: 200)
        #expect(try String(contentsOf: run.metricsURL, encoding: .utf8) == csv)
        try run.appendMetrics(columns: columns, values: [3, 300, 0.5, -9])
        #expect(try String(contentsOf: run.metricsURL, encoding: .utf8) == csv + "3.0,300.0,-9.0\n")
    }

    @Test func oneWriterAtATimeAndNoForeignDirectories() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-lock-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try RunDirectory.create(at: path)
        var first: RunLock? = try RunLock(run)
        do {
            _ = try RunLock(run)
            Issue.record("a second writer got the lock")
        } catch let error as RLError {
            #expect("\(error)".contains("being written by another process (pid \(getpid()))"))
        }
        withExtendedLifetime(first) {}
        first = nil
        _ = try RunLock(run)  // released with its holder

        let foreign = path + "-foreign"
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: foreign + "/notes.txt", contents: Data("mine".utf8)))
        #expect(throws: RLError.self) { try RunDirectory.create(at: foreign) }
        #expect(try String(contentsOfFile: foreign + "/notes.txt", encoding: .utf8) == "mine")
    }

    /// `--force` replaces a finished run, but never one another process is writing, and never
    /// a directory that holds no run.
    @Test func removingARunRespectsItsLockAndLeavesOtherDirectoriesAlone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-force-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try RunDirectory.create(at: root + "/run")
        #expect(FileManager.default.createFile(atPath: run.configurationURL.path, contents: Data("{}".utf8)))
        #expect { try RunDirectory.create(at: root + "/run") } throws: { "\($0)".contains("--force") }
        do {
            let lock = try RunLock(run)
            #expect { try RunDirectory.removeRun(at: root + "/run") } throws: { "\($0)".contains("being written by another process") }
            withExtendedLifetime(lock) {}
        }
        try RunDirectory.removeRun(at: root + "/run")
        _ = try RunDirectory.create(at: root + "/run")

        let notes = root + "/notes"
        try FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: notes + "/thesis.tex", contents: Data("work".utf8)))
        try RunDirectory.removeRun(at: notes)
        #expect(FileManager.default.fileExists(atPath: notes + "/thesis.tex"))
    }
}
