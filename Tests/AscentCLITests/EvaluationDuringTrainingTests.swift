import AscentRL
import AscentTensor
import Foundation
import Testing
@testable import AscentCLI

/// `--eval-every`: evaluations on their own environment copies leave training exactly as it
/// would be without them, are logged at each multiple of the interval, and the best one's
/// policy is kept as `checkpoints/best.safetensors`.
@Suite("Evaluation during training")
struct EvaluationDuringTrainingTests {
    func train(evalEvery: Int, in path: String) throws -> RunDirectory {
        var configuration = try PPOConfiguration.defaults(for: "CartPole-v1")
        configuration.totalSteps = 2048
        let ppo = try PPO(configuration)
        let directory = try RunDirectory.create(at: path)
        try directory.writeConfiguration(of: ppo)
        try TrainingSession(training: ppo, directory: directory, checkpointEvery: 100, evalEpisodes: 2, evalEvery: evalEvery).run()
        return directory
    }

    @Test func evaluationsDoNotChangeTrainingAndKeepTheBestPolicy() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-eval-every-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plain = try train(evalEvery: 0, in: root + "/plain")
        let evaluated = try train(evalEvery: 600, in: root + "/evaluated")
        let (plainRows, evaluatedRows) = (try String(contentsOf: plain.metricsURL, encoding: .utf8).split(separator: "\n"),
                                          try String(contentsOf: evaluated.metricsURL, encoding: .utf8).split(separator: "\n"))
        let firstDifference = zip(plainRows, evaluatedRows).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(plainRows.count == evaluatedRows.count && firstDifference == nil,
                "\(plainRows.count) and \(evaluatedRows.count) rows; first difference at row \(firstDifference?.offset ?? -1): \(firstDifference.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
        // episodes.csv's last column is wall time; step, return and length must agree.
        func episodes(_ run: RunDirectory) throws -> [String] {
            try String(contentsOf: run.episodesURL, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
        }
        #expect(try episodes(plain) == episodes(evaluated) && episodes(plain).count > 20)
        #expect(!FileManager.default.fileExists(atPath: plain.evaluationsURL.path))

        // Rows of 256 steps (the preset's 8 envs × 32): the first row at or past 600, 1200 and 1800.
        let evaluations = evaluated.evaluations()
        #expect(evaluations.map(\.step) == [768, 1280, 2048])
        let best = try #require(evaluations.max { $0.meanReturn < $1.meanReturn })
        let kept = try TrainingAlgorithms.restore(try SafeTensors.read(from: evaluated.bestCheckpointURL), algorithm: "ppo")
        #expect(kept.globalStep == best.step)
        let again = try kept.evaluate(episodes: 2, deterministic: true, seed: nil, recordFrames: false, physicalParameters: [:])
        #expect(again.returns.reduce(0, +) / 2 == best.meanReturn)

        // The policy drawn at the first rows past 10 % and 50 % of training, in the report.
        let snapshots = evaluated.snapshots()
        #expect(snapshots.map(\.step) == [256, 1024] && snapshots.allSatisfy { $0.frames.count > 8 && $0.frames[0].kind == "cartpole" })
        let report = try String(contentsOf: evaluated.reportURL, encoding: .utf8)
        #expect(report.contains("The policy during training") && report.contains("id=\"s1-scene\"") && report.contains("step 1024 (50 %)"))
    }
}
