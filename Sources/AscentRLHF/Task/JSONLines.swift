import Foundation

/// JSON Lines files of a user's data (preference pairs, demonstrations): one JSON object per
/// line, blank lines skipped. Every malformed row is reported with its line number (all of
/// them, not just the first), so a user fixes a file in one pass.
enum JSONLines {
    /// The rows of `text`; `problem` names what is wrong with a decoded row, or nil.
    /// `format` describes a valid row for the error message.
    static func decode<Row: Decodable>(_ text: String, format: String, file: String, problem: (Row) -> String? = { _ in nil }) throws -> [Row] {
        var rows: [Row] = [], problems: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let row = try? JSONDecoder().decode(Row.self, from: Data(trimmed.utf8)) else {
                problems.append("line \(index + 1)")
                continue
            }
            if let reason = problem(row) {
                problems.append("line \(index + 1) (\(reason))")
                continue
            }
            rows.append(row)
        }
        guard problems.isEmpty else {
            throw RLHFError.invalidInput("malformed \(file) rows (each must be \(format)): \(problems.prefix(10).joined(separator: ", "))\(problems.count > 10 ? " and \(problems.count - 10) more" : "")")
        }
        guard !rows.isEmpty else { throw RLHFError.invalidInput("the \(file) file has no rows") }
        return rows
    }
}
