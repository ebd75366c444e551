import AscentEnvironments
import AscentRL
import Foundation
import Testing
@testable import AscentReport

@Suite("Comparison and randomisation reports")
struct ExperimentReportTests {
    static func summary(_ algorithm: String, seed: UInt64, returns: [Double], evaluation: Double) -> RunSummary {
        RunSummary(algorithm: algorithm, seed: seed, steps: returns.indices.map { Double($0 + 1) * 100 },
                   seconds: returns.indices.map { Double($0 + 1) }, returns: returns, evaluationReturns: [evaluation])
    }

    @Test func thresholdIsReachedByTheSmoothedReturn() {
        let run = Self.summary("ppo", seed: 1, returns: [0, 0, 0, 0, 100, 100, 100, 100, 100], evaluation: 90)
        // One good row lifts the 5-row (500-step) mean to 20; it reaches 60 at the third good row (row 7 → step 700).
        #expect(run.rowSpacing == 100)
        #expect(run.firstReaching(60)?.steps == 700 && run.firstReaching(60)?.seconds == 7)
        #expect(run.firstReaching(101) == nil)
        // Over 200 steps (two rows) the mean reaches 60 at the second good row; over one row, at the first.
        #expect(run.firstReaching(60, window: 200)?.steps == 600 && run.firstReaching(60, window: 100)?.steps == 500)
    }

    @Test func curveBandsTakeMedianAndRangeAcrossSeeds() {
        let runs = [Self.summary("a", seed: 1, returns: [10, 10], evaluation: 0), Self.summary("a", seed: 2, returns: [20, 20], evaluation: 0),
                    Self.summary("a", seed: 3, returns: [60, 60], evaluation: 0)]
        let band = LearningCurveBand(runs, axis: \.steps, points: 2)
        #expect(band.x == [100, 200])
        #expect(band.median == [20, 20] && band.low == [10, 10] && band.high == [60, 60])
    }

    @Test func comparisonReportTabulatesEveryAlgorithm() {
        let runs = [Self.summary("ppo", seed: 1, returns: [-1000, -500, -150, -150, -150, -150, -150], evaluation: -160),
                    Self.summary("ppo", seed: 2, returns: [-1000, -900, -800], evaluation: -700),
                    Self.summary("sac", seed: 1, returns: [-1000, -150, -150, -150, -150, -150], evaluation: -140)]
        let html = ComparisonReport(environment: "Pendulum-v1", runs: runs, threshold: -200).html()
        for text in ["return vs environment steps", "return vs wall time", "<td>ppo</td>", "<td>sac</td>", "seeds reaching -200", "1 / 2",
                     "ppo seed 2", "averaged over the last 100 environment steps", "(log scale)"] {
            #expect(html.contains(text), "missing \(text)")
        }
        #expect(html.contains("<polygon"))  // the seed range is shaded
    }

    /// A real policy on a real grid: the nominal cell equals a plain evaluation, the report
    /// draws one heatmap per level.
    @Test func robustnessGridEvaluatesThePolicyUnderEachPhysics() throws {
        var c = try PPOConfiguration.preset("Pendulum-v1")
        c.totalSteps = 4096
        let ppo = try PPO(c)
        try ppo.train()
        let grid = try RobustnessGrid.evaluate(ppo, parameters: ["mass", "length"], factors: [0.5, 1, 2], episodes: 2)
        #expect(grid.nominal == [1, 1] && grid.returns.count == 3 && grid.returns[0].count == 3)
        let nominal = try ppo.evaluate(episodes: 2).returns
        #expect(abs(grid.returns[1][1] - nominal.reduce(0, +) / 2) < 1e-9)
        #expect(grid.returns[0][0] != grid.returns[2][2])  // the physics really changed
        #expect(throws: (any Error).self) { try RobustnessGrid.evaluate(ppo, parameters: ["mass", "colour"], factors: [1], episodes: 1) }
        let curve = [(step: 2048, meanReturn: -1200.0, standardError: 10.0), (step: 4096, meanReturn: -900.0, standardError: 10.0)]
        let summary = RunSummary(ppo, seed: 1, evaluationReturns: nominal, evaluations: curve)
        #expect(summary.evaluationSummary?.steps == [2048, 4096] && summary.evaluationSummary?.returns == [-1200, -900])
        let level = RandomizationReport.Level(width: 0, runs: [summary], grid: grid)
        let html = RandomizationReport(environment: "Pendulum-v1", algorithm: "ppo", randomizedParameters: ["mass", "length"],
                                       levels: [level, .init(width: 0.2, runs: level.runs, grid: grid)], threshold: nil).html()
        for text in ["1. Training speed", "trained with no randomisation", "trained with ±20 %", "return vs mass", "0.5×",
                     "deterministic evaluation under nominal physics during training", "training range"] {
            #expect(html.contains(text), "missing \(text)")
        }
    }
}
