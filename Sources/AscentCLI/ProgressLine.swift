import Foundation

/// A single status line for long-running commands: steps done, rate, a caller-supplied
/// figure (loss, return) and the estimated time left. Redrawn in place on a terminal;
/// printed as separate lines (at most every few seconds) when output is redirected.
struct ProgressLine {
    let total: Int
    let unit: String
    /// Work already done before this line started (a resumed run): excluded from the rate.
    let initial: Int
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    init(total: Int, unit: String, initial: Int = 0) {
        self.total = total
        self.unit = unit
        self.initial = initial
    }

    mutating func update(done: Int, detail: String, force: Bool = false) {
        let now = Date()
        let interval = interactive ? 0.1 : 5
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - initial) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? Swift.min(100, 100 * Double(done) / Double(total)) : 100  // the last rollout may overshoot
        let line = String(format: "%@/%@ %@ (%3.0f%%)  %@ %@/s  %@  ETA %@",
                          "\(done)", "\(total)", unit, percent, Self.compact(rate), unit, detail, Self.duration(remaining))
        FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).utf8))
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func compact(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.1fM", value / 1e6) : value >= 1e3 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
