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
    /// What the y axis shows, with its unit (drawn up the left edge); nil when the title says it.
    public var yLabel: String?
    public var series: [Series]
    public var width = 420.0
    public var height = 220.0
    /// Environment steps and seconds on a log₁₀ axis (comparisons across algorithms whose
    /// wall times differ a hundredfold).
    public var logX = false

    public init(title: String, xLabel: String, yLabel: String? = nil, series: [Series], width: Double = 420, height: Double = 220,
                logX: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.width = width
        self.height = height
        self.logX = logX
    }

    public func svg() -> String {
        var points: [(Double, Double)] = []
        for s in series {
            points += Array(zip(s.x, s.y))
            if let band = s.band { points += Array(zip(s.x, band.low)) + Array(zip(s.x, band.high)) }
        }
        points = points.filter { $0.0.isFinite && $0.1.isFinite && (!logX || $0.0 > 0) }
        // The legend sits in rows under the axis label, never over the curves.
        let legend = series.count > 1 ? LineChart.legendRows(series.map(\.name), width: width - 66) : []
        let (left, right, top) = (yLabel == nil ? 54.0 : 66.0, 12.0, 26.0)
        let bottom = 38.0 + 14 * Double(legend.count)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(f(left))\" y=\"16\" class=\"chart-title\">\(escape(title))</text>"
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(),
              let minY = points.map(\.1).min(), let maxY = points.map(\.1).max() else {
            return out + "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\" class=\"muted\">no data</text></svg>"
        }
        // Axes end at the data (x exactly; y with 4 % headroom so no curve runs along the frame);
        // a constant series gets ±10 % around its value. One tick format per axis.
        let transform: (Double) -> Double = logX ? { Foundation.log10($0) } : { $0 }
        let (x0, x1) = (transform(minX), transform(maxX))
        let pad = maxY > minY ? 0.04 * (maxY - minY) : (minY == 0 ? 1 : Swift.abs(minY) * 0.1)
        let (y0, y1) = (minY - pad, maxY + pad)
        let xTicks = logX ? LineChart.logTicks(minX, maxX) : LineChart.ticks(minX, maxX).filter { $0 >= minX - 1e-9 * Swift.abs(minX) && $0 <= maxX * (1 + 1e-12) + 1e-12 }
        let yTicks = LineChart.ticks(y0, y1).filter { $0 >= y0 && $0 <= y1 }
        // A log axis labels each decade's ticks on their own (0.05, 0.1, ..., 20), as log scales do.
        let xFormat = logX ? { LineChart.format(for: [$0])($0) } : LineChart.format(for: xTicks)
        let yFormat = LineChart.format(for: yTicks)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x1 > x0 ? (transform(x) - x0) / (x1 - x0) : 0.5) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * plotH }
        for t in yTicks {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(py(t)))\" y2=\"\(f(py(t)))\" class=\"grid\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(yFormat(t))</text>"
        }
        for t in xTicks {
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" class=\"tick\">\(xFormat(t))</text>"
        }
        if let yLabel {
            let middle = top + plotH / 2
            out += "<text x=\"12\" y=\"\(f(middle))\" class=\"axis-label\" transform=\"rotate(-90 12 \(f(middle)))\" text-anchor=\"middle\">\(escape(yLabel))</text>"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 32))\" text-anchor=\"middle\" class=\"axis-label\">\(escape(xLabel + (logX ? " (log scale)" : "")))</text>"
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
        for (row, items) in legend.enumerated() {
            let y = top + plotH + 46 + Double(row) * 14
            for item in items {
                let x = left + item.offset
                out += "<rect x=\"\(f(x))\" y=\"\(f(y - 5))\" width=\"10\" height=\"3\" fill=\"\(series[item.index].color)\"/>"
                out += "<text x=\"\(f(x + 14))\" y=\"\(f(y))\" class=\"tick\">\(escape(series[item.index].name))</text>"
            }
        }
        return out + "</svg>"
    }

    /// Legend entries (series index, x offset) in rows that fit `width` (about 6.2 px a character).
    static func legendRows(_ names: [String], width: Double) -> [[(index: Int, offset: Double)]] {
        var rows: [[(index: Int, offset: Double)]] = [[]]
        var x = 0.0
        for (index, name) in names.enumerated() {
            let itemWidth = 22 + 6.2 * Double(name.count)
            if x + itemWidth > width, !rows[rows.count - 1].isEmpty {
                rows.append([])
                x = 0
            }
            rows[rows.count - 1].append((index, x))
            x += itemWidth
        }
        return rows
    }

    /// Powers of ten (and 2×, 5× when few) within [low, high], for a log axis.
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        guard low > 0, high >= low else { return [] }
        var ticks: [Double] = []
        for exponent in Int(Foundation.floor(Foundation.log10(low)))...Int(Foundation.ceil(Foundation.log10(high))) {
            for factor in [1.0, 2, 5] {
                let value = factor * Foundation.pow(10, Double(exponent))
                if value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9) { ticks.append(value) }
            }
        }
        return ticks
    }

    /// One label format for all of an axis's ticks: the suffix (k, M) and the decimals that
    /// the smallest step between them needs, so "0.5" and "1" do not sit beside "1.0k".
    static func format(for ticks: [Double]) -> (Double) -> String {
        let largest = ticks.map { Swift.abs($0) }.max() ?? 0
        let (scale, suffix) = largest >= 1e6 ? (1e6, "M") : largest >= 1e4 ? (1e3, "k") : (1.0, "")
        if largest > 0 && largest < 1e-2 {
            // Scientific notation with the fewest digits that keep the ticks apart (4.6e-05,
            // 4.8e-05, 5.0e-05 rather than "5e-05" three times).
            let digits = (0...4).first { d in Set(ticks.map { String(format: "%.\(d)e", $0) }).count == ticks.count } ?? 4
            return { $0 == 0 ? "0" : String(format: "%.\(digits)e", $0) }
        }
        // The fewest decimals that write every tick exactly (0.25 needs two, 2.5k one).
        func decimals(_ value: Double) -> Int {
            (0...6).first { d in
                let shifted = Swift.abs(value) / scale * Foundation.pow(10, Double(d))
                return Swift.abs(shifted - shifted.rounded()) < 1e-6 * Swift.max(shifted, 1)
            } ?? 6
        }
        let places = ticks.map(decimals).max() ?? 0
        return { value in String(format: "%.\(places)f", value / scale) + (value == 0 ? "" : suffix) }
    }

    /// About six round tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        // A constant series gets an axis of ±10 % around its value (±1 around 0), not ±1:
        // a clip range of 0.2 on −0.8...1.2 would hide that it is 0.2.
        guard high > low else {
            let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
            return ticks(low - pad, low + pad)
        }
        // The round step (1, 2, 2.5 or 5 × 10ⁿ) nearest to a sixth of the range, so an axis that
        // ends at the data still shows four to seven ticks.
        let raw = (high - low) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.min { Swift.abs(log($0 / raw)) < Swift.abs(log($1 / raw)) }!
        let first = floor(low / step) * step
        return stride(from: first, through: high + step * 0.999, by: step).map { ($0 / step).rounded() * step }
    }


    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
