import Foundation

/// A small self-contained SVG line chart: axes with round-number ticks, one or more series,
/// gaps where values are missing (NaN).
public struct LineChart {
    public struct Series {
        public let name: String
        public let x: [Double]
        public let y: [Double]
        public let color: String
        /// A shaded range around the line (e.g. min and max across seeds), same length as `x`.
        public let band: (low: [Double], high: [Double])?

        public init(name: String, x: [Double], y: [Double], color: String = "#2563eb", band: (low: [Double], high: [Double])? = nil) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.band = band
        }
    }

    public var title: String
    public var xLabel: String
    public var series: [Series]
    public var width = 420.0
    public var height = 220.0

    public init(title: String, xLabel: String, series: [Series], width: Double = 420, height: Double = 220) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        var points: [(Double, Double)] = []
        for s in series {
            points += Array(zip(s.x, s.y))
            if let band = s.band { points += Array(zip(s.x, band.low)) + Array(zip(s.x, band.high)) }
        }
        points = points.filter { $0.0.isFinite && $0.1.isFinite }
        let (left, right, top, bottom) = (54.0, 12.0, 26.0, 38.0)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(f(left))\" y=\"16\" class=\"chart-title\">\(escape(title))</text>"
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(),
              let minY = points.map(\.1).min(), let maxY = points.map(\.1).max() else {
            return out + "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\" class=\"muted\">no data</text></svg>"
        }
        let xTicks = LineChart.ticks(minX, maxX), yTicks = LineChart.ticks(minY, maxY)
        let (x0, x1) = (Swift.min(minX, xTicks.first!), Swift.max(maxX, xTicks.last!))
        let (y0, y1) = (Swift.min(minY, yTicks.first!), Swift.max(maxY, yTicks.last!))
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * plotH }
        for t in yTicks {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(py(t)))\" y2=\"\(f(py(t)))\" class=\"grid\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(LineChart.label(t))</text>"
        }
        for t in xTicks {
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" class=\"tick\">\(LineChart.label(t))</text>"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\" class=\"axis-label\">\(escape(xLabel))</text>"
        for s in series {
            guard let band = s.band else { continue }
            let edge = s.x.indices.filter { s.x[$0].isFinite && band.low[$0].isFinite && band.high[$0].isFinite }
            guard edge.count > 1 else { continue }
            let outline = edge.map { "\(f(px(s.x[$0]))),\(f(py(band.high[$0])))" } + edge.reversed().map { "\(f(px(s.x[$0]))),\(f(py(band.low[$0])))" }
            out += "<polygon points=\"\(outline.joined(separator: " "))\" fill=\"\(s.color)\" fill-opacity=\"0.15\" stroke=\"none\"/>"
        }
        for s in series {
            var path = "", pen = false
            for (x, y) in zip(s.x, s.y) {
                guard x.isFinite && y.isFinite else { pen = false; continue }
                path += (pen ? "L" : "M") + "\(f(px(x))),\(f(py(y)))"
                pen = true
            }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\"><title>\(escape(s.name))</title></path>"
        }
        if series.count > 1 {
            for (i, s) in series.enumerated() {
                let y = top + 10 + Double(i) * 14
                out += "<rect x=\"\(f(left + plotW - 110))\" y=\"\(f(y - 8))\" width=\"10\" height=\"3\" fill=\"\(s.color)\"/>"
                out += "<text x=\"\(f(left + plotW - 96))\" y=\"\(f(y - 3))\" class=\"tick\">\(escape(s.name))</text>"
            }
        }
        return out + "</svg>"
    }

    /// About five round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        // A constant series gets an axis of ±10 % around its value (±1 around 0), not ±1:
        // a clip range of 0.2 on −0.8...1.2 would hide that it is 0.2.
        guard high > low else {
            let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
            return ticks(low - pad, low + pad)
        }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(low / step) * step
        return stride(from: first, through: high + step * 0.999, by: step).map { ($0 / step).rounded() * step }
    }

    static func label(_ v: Double) -> String {
        let a = Swift.abs(v)
        if a >= 1e6 { return String(format: "%gM", v / 1e6) }
        if a >= 1e3 { return String(format: "%gk", v / 1e3) }
        if a == 0 { return "0" }
        if a < 0.01 { return String(format: "%.0e", v) }
        return String(format: "%g", (v * 1000).rounded() / 1000)
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
