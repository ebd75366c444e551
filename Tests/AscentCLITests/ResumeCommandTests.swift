import AscentRL
import Foundation
import Testing
@testable import AscentCLI

/// `ascent resume` continues a run so exactly that its logs equal those of a run that was
/// never interrupted: every metrics column but the wall-clock ones, and every episode.
@Suite("ascent resume")
struct ResumeCommandTests {
    @Test func resumedLogsEqualAnUninterruptedRun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-resume-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var configuration = try PPOConfiguration.defaults(for: "CartPole-v1")
        configuration.totalSteps = 2048
        func session(_ path: String, untilStep: Int?) throws {
            let ppo = try PPO(configuration)
            let directory = try RunDirectory.create(at: path)
            try directory.writeConfiguration(of: ppo)
            try TrainingSession(training: ppo, directory: directory, checkpointEvery: 512, evalEpisodes: 1, untilStep: untilStep).run()
        }
        try session(root + "/whole", untilStep: nil)
        try session(root + "/split", untilStep: 1024)  // rows of 8 envs × 32 steps: CartPole episodes run across the split
        var resume = try Ascent.parseAsRoot(["resume", root + "/split", "--eval-episodes", "1"])
        try resume.run()

        /// A CSV's rows without the columns named in `clock`.
        func table(_ path: String, dropping clock: Set<String>) throws -> [[Substring]] {
            let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let kept = rows[0].indices.filter { !clock.contains(String(rows[0][$0])) }
            return rows.map { row in kept.map { row[$0] } }
        }
        for (file, clock) in [("metrics.csv", Set(["wall_seconds", "steps_per_second"])), ("episodes.csv", ["t"])] {
            let whole = try table(root + "/whole/" + file, dropping: clock), split = try table(root + "/split/" + file, dropping: clock)
            #expect(split == whole, "\(file)")
            #expect(whole.count > 8, "\(file) has rows")
        }
    }
}
