import AscentEnvironments
import AscentRL
import Foundation
import Testing
@testable import AscentReport

@Suite("Reports")
struct ReportTests {
    @Test func chartTicksAreRoundAndCoverTheData() {
        #expect(LineChart.ticks(0, 100) == [0, 20, 40, 60, 80, 100])
        #expect(LineChart.ticks(-1234, -150).first! <= -1234 && LineChart.ticks(-1234, -150).last! >= -150)
        // A flat series gets an axis of about ±10 % around its value (±1 around 0).
        for value in [5.0, 0.2, 200, -1163] {
            let t = LineChart.ticks(value, value)
            #expect(t.count >= 3 && t.first! < value && t.last! > value && t.last! - t.first! <= 0.3 * Swift.abs(value), "\(value): \(t)")
        }
        #expect(LineChart.ticks(0, 0).first! <= -1 && LineChart.ticks(0, 0).last! >= 1)
        // One format per axis: the same suffix and decimals for every tick.
        #expect([0, 125_000, 250_000].map(LineChart.format(for: [0, 125_000, 250_000])) == ["0", "125k", "250k"])
        #expect([0, 0.5, 1, 1.5].map(LineChart.format(for: [0, 0.5, 1, 1.5])) == ["0.0", "0.5", "1.0", "1.5"])
        #expect([0, 2500, 5000, 7500, 10000].map(LineChart.format(for: [0, 2500, 5000, 7500, 10000])) == ["0.0", "2.5k", "5.0k", "7.5k", "10.0k"])
        #expect(LineChart.format(for: [0.0005, 0.001])(0.0005) == "5e-04")
        // A constant learning rate of 5.05e-5 (±10 % axis): every tick keeps its own label.
        let ticks = LineChart.ticks(4.5e-5, 5.6e-5)
        #expect(Set(ticks.map(LineChart.format(for: ticks))).count == ticks.count && ticks.count > 3, "\(ticks.map(LineChart.format(for: ticks)))")
        #expect(LineChart.logTicks(3, 2000) == [5, 10, 20, 50, 100, 200, 500, 1000, 2000])
    }

    @Test func chartsSkipMissingValuesAndEscapeText() {
        let svg = LineChart(title: "a <b> & c", xLabel: "x", series: [.init(name: "s", x: [0, 1, 2, 3], y: [1, .nan, 3, 4])]).svg()
        #expect(svg.contains("a &lt;b&gt; &amp; c"))
        #expect(svg.components(separatedBy: "M").count - 1 >= 2)  // the NaN breaks the line in two
        #expect(!svg.contains("nan"))
        let empty = LineChart(title: "none", xLabel: "x", series: [.init(name: "s", x: [], y: [])]).svg()
        #expect(empty.contains("no data"))
    }

    /// A real (short) run: every section is present, the animation has one frame per step,
    /// and the page needs nothing from outside.
    @Test func trainingReportHasEverySection() throws {
        var configuration = try PPOConfiguration.preset("Pendulum-v1")
        configuration.totalSteps = 8192
        let ppo = try PPO(configuration)
        try ppo.train()
        let (returns, lengths, frames) = try ppo.evaluate(episodes: 2, recordFrames: true)
        #expect(lengths == [200, 200])  // Pendulum-v1 only truncates
        let html = TrainingReport(run: ppo, evaluationReturns: returns, episode: frames).html()
        #expect(frames.count == 200)
        for section in ["Learning curve", "Debugging signals", "The trained policy acting", "Configuration",
                        "approx KL (k1)", "clip fraction", "explained variance", "policy std", "angle θ"] {
            #expect(html.contains(section), "missing \(section)")
        }
        #expect(html.contains("const KIND=\"pendulum\""))
        #expect(html.components(separatedBy: "\"theta\":").count - 1 == 200)
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
        #expect(html.contains("PPO on Pendulum-v1"))
    }
}
