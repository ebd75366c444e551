import Foundation

/// An SVG heatmap of values over a grid (rows × columns), each cell coloured on one shared
/// scale (viridis: readable with every common colour-vision deficiency and in greyscale) and
/// labelled with its value, with the scale drawn beside it; the nominal cell can be outlined
/// and a range of cells (the training range) framed.
public struct Heatmap {
    public var title: String
    public var rowLabel: String, columnLabel: String
    public var rowTicks: [String], columnTicks: [String]
    /// values[row][column]
    public var values: [[Double]]
    /// The shared colour scale (low → dark purple, high → yellow).
    public var range: ClosedRange<Double>
    /// (row, column) to outline, e.g. nominal physics.
    public var highlight: (row: Int, column: Int)?
    /// Rows and columns to frame with a dashed line, e.g. the physics seen in training.
    public var framed: (rows: ClosedRange<Int>, columns: ClosedRange<Int>)?
    /// What the values are, for the colour scale's caption.
    public var valueLabel: String

    public init(title: String, rowLabel: String, columnLabel: String, rowTicks: [String], columnTicks: [String],
                values: [[Double]], range: ClosedRange<Double>, highlight: (row: Int, column: Int)? = nil,
                framed: (rows: ClosedRange<Int>, columns: ClosedRange<Int>)? = nil, valueLabel: String = "value") {
        (self.title, self.rowLabel, self.columnLabel, self.rowTicks, self.columnTicks, self.values, self.range, self.highlight) =
            (title, rowLabel, columnLabel, rowTicks, columnTicks, values, range, highlight)
        self.framed = framed
        self.valueLabel = valueLabel
    }

    public func svg() -> String {
        let cell = 40.0, left = 64.0, top = 30.0
        let rows = values.count, columns = values.first?.count ?? 0
        let scaleX = left + Double(columns) * cell + 14
        let width = scaleX + 64, height = top + Double(rows) * cell + 40
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(Int(left))\" y=\"16\" class=\"chart-title\">\(escape(title))</text>"
        for r in 0..<rows {
            // Row 0 at the bottom, as on a plot's y axis.
            let y = top + Double(rows - 1 - r) * cell
            out += "<text x=\"\(Int(left - 6))\" y=\"\(Int(y + cell / 2 + 4))\" text-anchor=\"end\" class=\"tick\">\(escape(rowTicks[r]))</text>"
            for c in 0..<columns {
                let x = left + Double(c) * cell, value = values[r][c]
                out += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"\(Int(cell))\" height=\"\(Int(cell))\" fill=\"\(color(value))\"><title>\(String(format: "%.1f", value))</title></rect>"
                let ink = value.isFinite && fraction(value) < 0.55 ? "#ffffff" : "#111827"
                out += "<text x=\"\(Int(x + cell / 2))\" y=\"\(Int(y + cell / 2 + 4))\" text-anchor=\"middle\" class=\"tick\" style=\"fill:\(ink)\">\(value.isFinite ? String(format: "%.0f", value) : "–")</text>"
            }
        }
        if let (r, c) = highlight, r < rows, c < columns {
            out += "<rect x=\"\(Int(left + Double(c) * cell))\" y=\"\(Int(top + Double(rows - 1 - r) * cell))\" width=\"\(Int(cell))\" height=\"\(Int(cell))\" fill=\"none\" stroke=\"#111827\" stroke-width=\"2\"/>"
        }
        if let (rowRange, columnRange) = framed, rowRange.upperBound < rows, columnRange.upperBound < columns {
            let x = left + Double(columnRange.lowerBound) * cell, y = top + Double(rows - 1 - rowRange.upperBound) * cell
            out += "<rect x=\"\(Int(x) + 1)\" y=\"\(Int(y) + 1)\" width=\"\(Int(Double(columnRange.count) * cell) - 2)\" height=\"\(Int(Double(rowRange.count) * cell) - 2)\" fill=\"none\" stroke=\"#f97316\" stroke-width=\"2\" stroke-dasharray=\"5 3\"><title>training range</title></rect>"
        }
        // The colour scale: a bar from the range's low (bottom) to high (top), five labels.
        let barHeight = Double(rows) * cell
        for k in 0..<20 {
            let t = (Double(k) + 0.5) / 20
            out += "<rect x=\"\(Int(scaleX))\" y=\"\(Int(top + barHeight * (1 - Double(k + 1) / 20)))\" width=\"12\" height=\"\(Int(barHeight / 20) + 1)\" fill=\"\(Heatmap.viridis(t))\"/>"
        }
        for k in 0...4 {
            let t = Double(k) / 4, value = range.lowerBound + t * (range.upperBound - range.lowerBound)
            out += "<text x=\"\(Int(scaleX + 16))\" y=\"\(Int(top + barHeight * (1 - t) + 4))\" class=\"tick\">\(String(format: "%.0f", value))</text>"
        }
        out += "<text x=\"\(Int(scaleX))\" y=\"\(Int(top - 6))\" class=\"tick\">\(escape(valueLabel))</text>"
        for c in 0..<columns {
            out += "<text x=\"\(Int(left + Double(c) * cell + cell / 2))\" y=\"\(Int(top + Double(rows) * cell + 14))\" text-anchor=\"middle\" class=\"tick\">\(escape(columnTicks[c]))</text>"
        }
        out += "<text x=\"\(Int(left + Double(columns) * cell / 2))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\" class=\"axis-label\">\(escape(columnLabel))</text>"
        out += "<text x=\"12\" y=\"\(Int(top + Double(rows) * cell / 2))\" class=\"axis-label\" transform=\"rotate(-90 12 \(Int(top + Double(rows) * cell / 2)))\" text-anchor=\"middle\">\(escape(rowLabel))</text>"
        return out + "</svg>"
    }

    /// Where `value` lies on the scale, 0...1.
    private func fraction(_ value: Double) -> Double {
        let span = range.upperBound - range.lowerBound
        return span > 0 ? Swift.min(Swift.max((value - range.lowerBound) / span, 0), 1) : 0.5
    }

    private func color(_ value: Double) -> String { value.isFinite ? Heatmap.viridis(fraction(value)) : "#e5e7eb" }

    /// Matplotlib's viridis, linearly between five of its stops.
    static func viridis(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let position = Swift.min(Swift.max(t, 0), 1) * Double(stops.count - 1)
        let i = Swift.min(Int(position), stops.count - 2), w = position - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return String(format: "#%02x%02x%02x", Int((a.0 + (b.0 - a.0) * w).rounded()), Int((a.1 + (b.1 - a.1) * w).rounded()),
                      Int((a.2 + (b.2 - a.2) * w).rounded()))
    }
}
