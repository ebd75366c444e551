import AscentRL
import Foundation

/// The domain-randomisation exercise answered with pictures: for each randomisation width,
/// how fast training went, how well the policy does under nominal physics, and how its
/// return holds up as the physics moves away from nominal, inside and outside the ranges
/// it was trained on.
public struct RandomizationReport {
    public struct Level: Sendable {
        /// Half-width of the multiplicative training ranges (0.2: every parameter × U(0.8, 1.2)).
        public let width: Double
        public let runs: [RunSummary]
        /// Mean over seeds of each seed's grid.
        public let grid: RobustnessGrid

        public init(width: Double, runs: [RunSummary], grid: RobustnessGrid) {
            (self.width, self.runs, self.grid) = (width, runs, grid)
        }
    }

    public let environment: String
    public let algorithm: String
    public let randomizedParameters: [String]
    public let levels: [Level]
    public let threshold: Double?

    public init(environment: String, algorithm: String, randomizedParameters: [String], levels: [Level], threshold: Double?) {
        (self.environment, self.algorithm, self.randomizedParameters, self.levels, self.threshold) =
            (environment, algorithm, randomizedParameters, levels, threshold)
    }

    private func label(_ level: Level) -> String { level.width == 0 ? "no randomisation" : "±\(Int((level.width * 100).rounded())) %" }

    public func html() -> String {
        let title = "Domain randomisation: \(algorithm.uppercased()) on \(environment)"
        guard let first = levels.first?.grid else { return "<!doctype html><html><body><p>No levels were run.</p></body></html>" }
        let (p, q) = (first.parameters[0], first.parameters[1])
        let nominalIndex = first.factors.firstIndex { Swift.abs($0 - 1) < 1e-9 }
        var body = "<h1>\(escape(title))</h1><p class=\"summary\">Each level trains with every one of \(escape(randomizedParameters.joined(separator: ", "))) "
        body += "drawn each episode from nominal × U(1 − w, 1 + w), \(Set(levels.flatMap { $0.runs.map(\.seed) }).count) seeds per level; "
        body += "every policy is then evaluated deterministically on a grid of \(escape(p)) × \(escape(q)) from \(format(first.factors.first!))× to \(format(first.factors.last!))× nominal.</p>"

        body += "<h2>1. Training speed</h2><div class=\"row\">"
        let series = levels.enumerated().map { i, level in
            let band = LearningCurveBand(level.runs, axis: \.steps)
            return LineChart.Series(name: label(level), x: band.x, y: band.median, color: ComparisonReport.palette[i % ComparisonReport.palette.count], band: (band.low, band.high))
        }
        body += LineChart(title: "training return vs environment steps (median, range across seeds)", xLabel: "environment steps",
                          yLabel: "episode return (randomised physics)", series: series, width: 540, height: 300).svg()
        let nominal = levels.enumerated().compactMap { i, level -> LineChart.Series? in
            let evaluations = level.runs.compactMap(\.evaluationSummary)
            guard !evaluations.isEmpty else { return nil }
            let band = LearningCurveBand(evaluations, axis: \.steps, points: 20, window: 1)
            return LineChart.Series(name: label(level), x: band.x, y: band.median, color: ComparisonReport.palette[i % ComparisonReport.palette.count],
                                    band: (band.low, band.high))
        }
        if !nominal.isEmpty {
            body += LineChart(title: "deterministic evaluation under nominal physics during training", xLabel: "environment steps",
                              yLabel: "evaluation return (nominal physics)", series: nominal, width: 540, height: 300).svg()
        }
        body += "</div>"

        body += "<h2>2. Nominal performance and 3. robustness</h2>" + summaryTable(nominalIndex: nominalIndex)
        let all = levels.flatMap { $0.grid.returns.flatMap { $0 } }.filter(\.isFinite)
        let range = (all.min() ?? 0)...(all.max() ?? 1)
        body += "<div class=\"row\">"
        for level in levels {
            let ticks = level.grid.factors.map { String(format: "%g×", $0) }
            // The cells whose factors lie within the training range 1 ± w (both parameters are randomised).
            let inside = level.grid.factors.indices.filter { abs(level.grid.factors[$0] - 1) <= level.width + 1e-9 }
            let framed = level.width > 0 ? inside.first.flatMap { low in inside.last.map { (low...$0, low...$0) } } : nil
            body += Heatmap(title: "trained with \(label(level))", rowLabel: p, columnLabel: q, rowTicks: ticks, columnTicks: ticks,
                            values: level.grid.returns, range: range, highlight: nominalIndex.map { ($0, $0) }, framed: framed,
                            valueLabel: "mean return").svg()
        }
        body += "</div><p class=\"muted\">Cells are mean returns of \(first.episodes) deterministic episodes per seed, averaged over seeds; the outlined cell is nominal physics "
        body += "(it differs from the table's final evaluation, which uses other episodes, by sampling noise); the dashed orange frame is the training range 1 ± w. "
        body += "The grid mean in the table is the mean of these cells.</p>"

        if let nominalIndex {
            body += "<h3>Return as one parameter moves from nominal (the other at nominal)</h3><div class=\"row\">"
            for (axis, name) in [(0, p), (1, q)] {
                let curves = levels.enumerated().map { i, level in
                    let values = level.grid.factors.indices.map { k in axis == 0 ? level.grid.returns[k][nominalIndex] : level.grid.returns[nominalIndex][k] }
                    return LineChart.Series(name: label(level), x: level.grid.factors, y: values, color: ComparisonReport.palette[i % ComparisonReport.palette.count])
                }
                body += LineChart(title: "return vs \(name) (× nominal)", xLabel: "\(name) factor", series: curves, width: 440, height: 260).svg()
            }
            body += "</div>"
        }
        body += "<p class=\"muted\">Generated by Ascent \(AscentTensorVersion.string).</p>"
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title><style>\(ReportStyle.css) td,th{padding:4px 10px;text-align:right;font-size:13px}th{background:#f9fafb}table{border-collapse:collapse}td:first-child,th:first-child{text-align:left}</style></head><body>\(body)</body></html>"
    }

    private func summaryTable(nominalIndex: Int?) -> String {
        var html = "<table><tr><th>training randomisation</th><th>final evaluation, nominal (median of seeds)</th><th>grid mean</th><th>grid worst cell</th><th>training time</th>"
        if let threshold { html += "<th>steps to reach \(String(format: "%g", threshold))</th>" }
        html += "</tr>"
        for level in levels {
            let finals = level.runs.map(\.evaluationMean).sorted()
            html += "<tr><td>\(label(level))</td><td>\(format(medianOfSorted(finals)))</td><td>\(format(level.grid.overallMean))</td>"
            html += "<td>\(format(level.grid.returns.flatMap { $0 }.min() ?? .nan))</td><td>\(String(format: "%.1f s", medianOfSorted(level.runs.map(\.totalSeconds).sorted())))</td>"
            if let threshold {
                let steps = level.runs.map { $0.firstReaching(threshold)?.steps ?? .infinity }.sorted()
                html += "<td>\(medianOfSorted(steps).isFinite ? String(format: "%.0f", medianOfSorted(steps)) : "not reached")</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    private func format(_ value: Double) -> String { value.isFinite ? String(format: "%g", (value * 10).rounded() / 10) : "—" }
}
