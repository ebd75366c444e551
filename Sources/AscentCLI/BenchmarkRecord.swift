import Foundation

/// One benchmark figure. `--json` prints an array of these; every `ascent bench` command uses the same shape.
struct BenchmarkRecord: Codable {
    let name: String
    let value: Double
    let unit: String
}

enum BenchmarkOutput {
    /// Prints records as an aligned table, or as a JSON array.
    static func emit(_ records: [BenchmarkRecord], json: Bool) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(records), let text = String(data: data, encoding: .utf8) { print(text) }
            return
        }
        let width = records.map(\.name.count).max() ?? 0
        for record in records {
            let value = record.value >= 100 ? String(format: "%.0f", record.value) : String(format: "%.3g", record.value)
            print(record.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + " " + record.unit)
        }
    }

    /// Median of `runs` measurements (the machine is shared and noisy: medians, never single runs).
    static func median(runs: Int, _ measure: () -> Double) -> Double {
        median((0..<max(runs, 1)).map { _ in measure() })
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
