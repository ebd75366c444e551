import AscentEnvironments
import AscentRL
import Foundation

/// The self-contained `report.html` of a training run: learning curves against environment
/// steps and wall time, the debugging metrics as small multiples, the trained policy acting
/// (an animation plus its state and action over one episode), evaluation and configuration.
/// Opens in any browser with no server and no network.
public struct TrainingReport {
    public let title: String
    public let configurationJSON: String
    /// Metric names and one row of values per update.
    public let columns: [String]
    public let rows: [[Double]]
    public let evaluationReturns: [Double]
    public let episode: [RenderFrame]
    /// Evaluations during training (`--eval-every`): step, mean return and its standard error.
    public var evaluations: [(step: Int, meanReturn: Double, standardError: Double)] = []
    /// Seconds after which a browser reloads the page (nil: never): set for the reports
    /// written while a run trains, so an open report follows the run live.
    public var refreshSeconds: Int? = nil
    /// One deterministic episode at points of training (10 % and 50 %; the chapter's "visualise
    /// the policy regularly"), drawn beside each other before the final policy.
    public var snapshots: [(step: Int, frames: [RenderFrame])] = []
    /// The run's configured length, for the snapshots' share of training (nil: the last row's step).
    public var plannedSteps: Int? = nil

    public init<Metrics: TrainingMetrics>(title: String, configurationJSON: String, history: [Metrics],
                                          evaluationReturns: [Double], episode: [RenderFrame]) {
        self.title = title
        self.configurationJSON = configurationJSON
        columns = Metrics.columns
        rows = history.map(\.values)
        self.evaluationReturns = evaluationReturns
        self.episode = episode
    }

    /// A run's report: its history and configuration, plus an evaluation.
    public init<Run: TrainingRun>(run: Run, evaluationReturns: [Double], episode: [RenderFrame]) {
        self.init(title: "\(Run.algorithm.uppercased()) on \(run.environmentID)", configurationJSON: run.configurationJSON,
                  history: run.history, evaluationReturns: evaluationReturns, episode: episode)
        plannedSteps = run.totalSteps
    }

    /// The values of one column (NaN where absent).
    private func column(_ name: String) -> [Double] {
        guard let index = columns.firstIndex(of: name) else { return rows.map { _ in .nan } }
        return rows.map { $0[index] }
    }

    /// Columns drawn as learning curves or used as axes rather than as debugging panels.
    private static let notPanels: Set<String> = ["update", "global_step", "wall_seconds", "episode_return", "episodes_finished", "epochs"]
    /// Readable panel titles where the column name is not enough.
    private static let titles = ["approx_kl": "approx KL (k1)", "approx_kl_k3": "approx KL (k3)",
                                 "gradient_norm": "gradient norm (pre-clip)", "action_std": "policy std"]

    public func html() -> String {
        // Returns exist only for updates in which an episode finished: draw those points joined up.
        let (allSteps, allSeconds, allReturns) = (column("global_step"), column("wall_seconds"), column("episode_return"))
        let finished = allReturns.indices.filter { allReturns[$0].isFinite }
        let returnSteps = finished.map { allSteps[$0] }, returnSeconds = finished.map { allSeconds[$0] }
        let returns = finished.map { allReturns[$0] }
        var body = "<h1>\(escape(title))</h1>" + summary()
        if let refreshSeconds { body += "<p class=\"muted\">Written while training ran: this page reloads every \(refreshSeconds) s and is rewritten at each checkpoint (if the run was killed, `ascent report` rewrites it as final).</p>" }
        body += "<h2>Learning curve</h2><div class=\"row\">"
        var stepSeries: [LineChart.Series] = [.init(name: "training episodes", x: returnSteps, y: returns)]
        if !evaluations.isEmpty {
            stepSeries.append(.init(name: "evaluation ± s.e.", x: evaluations.map { Double($0.step) }, y: evaluations.map(\.meanReturn),
                                    color: "#dc2626", band: (evaluations.map { $0.meanReturn - $0.standardError },
                                                             evaluations.map { $0.meanReturn + $0.standardError })))
        }
        body += LineChart(title: "episode return vs environment steps", xLabel: "environment steps", yLabel: "episode return",
                          series: stepSeries, width: 520, height: 260).svg()
        body += LineChart(title: "episode return vs wall time", xLabel: "training seconds", yLabel: "episode return",
                          series: [.init(name: "return", x: returnSeconds, y: returns, color: "#16a34a")], width: 520, height: 260).svg()
        body += "</div><h2>Debugging signals</h2><div class=\"row\">"
        for name in columns where !TrainingReport.notPanels.contains(name) {
            let values = column(name)
            let points = values.indices.filter { values[$0].isFinite }
            guard !points.isEmpty else { continue }
            let title = TrainingReport.titles[name] ?? name.replacingOccurrences(of: "_", with: " ")
            body += LineChart(title: title, xLabel: "environment steps",
                              series: [.init(name: title, x: points.map { allSteps[$0] }, y: points.map { values[$0] })],
                              width: 330, height: 190).svg()
        }
        body += "</div>"
        if !snapshots.isEmpty {
            let total = plannedSteps.map(Double.init) ?? column("global_step").last ?? 1
            body += "<h2>The policy during training</h2><p class=\"muted\">One deterministic episode each, on the evaluation's first start state.</p><div class=\"row\">"
            for (index, snapshot) in snapshots.enumerated() {
                body += "<div><h3>step \(snapshot.step) (\(Int((100 * Double(snapshot.step) / Swift.max(total, 1)).rounded())) %)</h3>"
                body += Self.animation(snapshot.frames, id: "s\(index)-") + "</div>"
            }
            body += "</div>"
        }
        if !episode.isEmpty { body += policySection() }
        body += "<h2>Configuration</h2><pre>\(escape(configurationJSON))</pre>"
        body += "<p class=\"muted\">Generated by Ascent \(AscentTensorVersion.string).</p>"
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\(refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")<title>\(escape(title))</title><style>\(ReportStyle.css)</style></head><body>\(body)</body></html>"
    }

    private func summary() -> String {
        guard !rows.isEmpty else { return "<p>No updates were run.</p>" }
        // On-policy rows are updates; off-policy rows are log intervals of many gradient steps.
        let rowName = columns.contains("update") ? "updates" : "metrics rows (one per log interval)"
        var items = ["<b>\(Int(column("global_step").last!))</b> environment steps", "<b>\(rows.count)</b> \(rowName)",
                     String(format: "<b>%.1f s</b> training time", column("wall_seconds").last!)]
        let finite = column("episode_return").filter(\.isFinite)
        if let best = finite.max() { items.append(String(format: "best training return <b>%.1f</b>", best)) }
        if !evaluationReturns.isEmpty {
            let final = Evaluation(step: Int(column("global_step").last!), returns: evaluationReturns, lengths: [])
            items.append(String(format: "final evaluation <b>%.1f ± %.1f</b> (mean ± standard error of %d deterministic episodes)",
                                final.meanReturn, final.standardError, evaluationReturns.count))
        }
        if let best = evaluations.max(by: { $0.meanReturn < $1.meanReturn }) {
            items.append(String(format: "best evaluation during training <b>%.1f ± %.1f</b> at step %d (checkpoints/best.safetensors)",
                                best.meanReturn, best.standardError, best.step))
        }
        return "<p class=\"summary\">" + items.joined(separator: " · ") + "</p>"
    }

    /// The animation and the per-step traces of one evaluation episode.
    private func policySection() -> String {
        let t = episode.indices.map(Double.init)
        var traces: [(String, String)] = []
        switch episode.first?.kind {
        case "pendulum": traces = [("angle θ (rad, 0 = upright)", "theta"), ("angular velocity θ̇", "theta_dot"), ("torque", "torque")]
        case "cartpole": traces = [("cart position x", "x"), ("pole angle θ", "theta")]
        case "mountaincar": traces = [("position", "position"), ("velocity", "velocity")]
        case "acrobot": traces = [("θ₁", "theta1"), ("θ₂", "theta2"), ("torque", "torque")]
        case "mujoco": return mujocoSection()
        default: traces = []
        }
        var html = "<h2>The trained policy acting</h2><div class=\"row\">" + Self.animation(episode, id: "") + "<div class=\"row\">"
        for (name, key) in traces {
            var values = episode.map { $0.values[key] ?? .nan }
            if key == "theta" && episode.first?.kind == "pendulum" {
                values = values.map { PendulumDynamics.normalizeAngle($0) }
            }
            html += LineChart(title: name, xLabel: "step", series: [.init(name: name, x: t, y: values, color: "#9333ea")], width: 330, height: 170).svg()
        }
        return html + "</div></div>"
    }
}

extension TrainingReport {
    /// A MuJoCo robot acting: its geoms drawn from their poses (at most 300 frames of the
    /// episode, evenly spaced), with the forward velocity, joint angles and controls over the
    /// whole episode.
    private func mujocoSection() -> String {
        let t = episode.indices.map(Double.init)
        let first = episode.first?.values ?? [:]
        let root = Int(first["root_qpos"] ?? 0)
        let joints = first.keys.compactMap { $0.hasPrefix("qpos.") ? Int($0.dropFirst(5)) : nil }.filter { $0 >= root }.sorted()
        let controls = first.keys.compactMap { $0.hasPrefix("ctrl.") ? Int($0.dropFirst(5)) : nil }.sorted()
        let palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777", "#65a30d"]
        func chart(_ title: String, _ keys: [(String, String)]) -> String {
            let series = keys.prefix(8).enumerated().map { k, item in
                LineChart.Series(name: item.0, x: t, y: episode.map { $0.values[item.1] ?? .nan }, color: palette[k % palette.count])
            }
            return LineChart(title: title, xLabel: "step", series: series, width: 330, height: 170).svg()
        }
        var html = "<h2>The trained policy acting</h2><div class=\"row\">" + Self.animation(episode, id: "") + "<div class=\"row\">"
        html += chart("forward velocity (qvel 0)", [("ẋ", "qvel.0")])
        html += chart("joint angles (rad)", joints.map { ("qpos \($0)", "qpos.\($0)") })
        html += chart("controls", controls.map { ("ctrl \($0)", "ctrl.\($0)") })
        return html + "</div></div>"
    }

    /// An episode drawn on a canvas with play/pause and a step counter; `id` prefixes the
    /// element ids so several animations share a page. MuJoCo episodes keep at most 300
    /// evenly spaced frames (played at the episode's own pace) and drop joint velocities.
    static func animation(_ episode: [RenderFrame], id: String) -> String {
        let isMuJoCo = episode.first?.kind == "mujoco"
        let every = isMuJoCo ? max(1, (episode.count + 299) / 300) : 1
        let frames = Swift.stride(from: 0, to: episode.count, by: every).map { episode[$0] }
        let encoded = frames.map { frame -> String in
            let items = frame.values.filter { !(isMuJoCo && $0.key.hasPrefix("qvel.")) }.sorted { $0.key < $1.key }
            return "{" + items.map { key, value in "\"\(key)\":" + (value.isFinite ? "\(value)" : "0") }.joined(separator: ",") + "}"
        }
        let (width, height) = isMuJoCo ? (420, 320) : (360, 300)
        var html = "<div><canvas id=\"\(id)scene\" width=\"\(width)\" height=\"\(height)\"></canvas>"
        html += "<div class=\"controls\"><button id=\"\(id)play\">pause</button> step <span id=\"\(id)step\">0</span> / \(episode.count)</div></div>"
        html += "<script>(function(){const ID=\"\(id)\";const KIND=\"\(escape(episode.first?.kind ?? ""))\";const STRIDE=\(every);"
        html += "const FRAMES=[\(encoded.joined(separator: ","))];\(isMuJoCo ? ReportStyle.mujocoScript : ReportStyle.animationScript)})();</script>"
        return html
    }
}

/// The library version string, re-exported so the report does not import the tensor module for it.
enum AscentTensorVersion {
    static var string: String { AscentVersionString.value }
}
