import Foundation

/// An SVG heatmap of values over a grid (rows × columns), each cell coloured on one shared
/// scale and labelled with its value; the nominal cell can be outlined.
public struct Heatmap {
    public var title: String
    public var rowLabel: String, columnLabel: String
    public var rowTicks: [String], columnTicks: [String]
    /// values[row][column]
    public var values: [[Double]]
    /// The shared colour scale (low → red, high → green).
    public var range: ClosedRange<Double>
    /// (row, column) to outline, e.g. nominal physics.
    public var highlight: (row: Int, column: Int)?

    public init(title: String, rowLabel: String, columnLabel: String, rowTicks: [String], columnTicks: [String],
                values: [[Double]], range: ClosedRange<Double>, highlight: (row: Int, column: Int)? = nil) {
        (self.title, self.rowLabel, self.columnLabel, self.rowTicks, self.columnTicks, self.values, self.range, self.highlight) =
            (title, rowLabel, columnLabel, rowTicks, columnTicks, values, range, highlight)
    }

    public func svg() -> String {
        let cell = 40.0, left = 64.0, top = 30.0
        let rows = values.count, columns = values.first?.count ?? 0
        let width = left + Double(columns) * cell + 12, height = top + Double(rows) * cell + 40
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(Int(left))\" y=\"16\" class=\"chart-title\">\(escape(title))</text>"
        for r in 0..<rows {
            // Row 0 at the bottom, as on a plot's y axis.
            let y = top + Double(rows - 1 - r) * cell
            out += "<text x=\"\(Int(left - 6))\" y=\"\(Int(y + cell / 2 + 4))\" text-anchor=\"end\" class=\"tick\">\(escape(rowTicks[r]))</text>"
            for c in 0..<columns {
                let x = left + Double(c) * cell, value = values[r][c]
                out += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"\(Int(cell))\" height=\"\(Int(cell))\" fill=\"\(color(value))\"><title>\(String(format: "%.1f", value))</title></rect>"
                out += "<text x=\"\(Int(x + cell / 2))\" y=\"\(Int(y + cell / 2 + 4))\" text-anchor=\"middle\" class=\"tick\" style=\"fill:#111827\">\(value.isFinite ? String(format: "%.0f", value) : "–")</text>"
            }
        }
        if let (r, c) = highlight, r < rows, c < columns {
            out += "<rect x=\"\(Int(left + Double(c) * cell))\" y=\"\(Int(top + Double(rows - 1 - r) * cell))\" width=\"\(Int(cell))\" height=\"\(Int(cell))\" fill=\"none\" stroke=\"#111827\" stroke-width=\"2\"/>"
        }
        for c in 0..<columns {
            out += "<text x=\"\(Int(left + Double(c) * cell + cell / 2))\" y=\"\(Int(top + Double(rows) * cell + 14))\" text-anchor=\"middle\" class=\"tick\">\(escape(columnTicks[c]))</text>"
        }
        out += "<text x=\"\(Int(left + Double(columns) * cell / 2))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\" class=\"axis-label\">\(escape(columnLabel))</text>"
        out += "<text x=\"12\" y=\"\(Int(top + Double(rows) * cell / 2))\" class=\"axis-label\" transform=\"rotate(-90 12 \(Int(top + Double(rows) * cell / 2)))\" text-anchor=\"middle\">\(escape(rowLabel))</text>"
        return out + "</svg>"
    }

    /// Red (low) through yellow to green (high).
    private func color(_ value: Double) -> String {
        guard value.isFinite else { return "#e5e7eb" }
        let span = range.upperBound - range.lowerBound
        let t = span > 0 ? Swift.min(Swift.max((value - range.lowerBound) / span, 0), 1) : 0.5
        let hue = 120 * t  // 0 = red, 120 = green
        return String(format: "hsl(%.0f,70%%,%.0f%%)", hue, 72 - 10 * t)
    }
}
