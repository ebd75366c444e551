import Foundation

/// JSON Lines files of a user's data (preference pairs, demonstrations): one JSON object per
/// line, blank lines skipped. Every malformed row is reported with its line number (all of
/// them, not just the first), so a user fixes a file in one pass.
enum JSONLines {
    /// The rows of `text`; `problem` names what is wrong with a decoded row, or nil.
    /// `format` describes a valid row for the error message.
    static func decode<Row: Decodable>(_ text: String, format: String, file: String, problem: (Row) -> String? = { _ in nil }) throws -> [Row] {
        try decode(text, format: format, file: file) { (row: Row) in
            if let reason = problem(row) { throw RLHFError.invalidInput(reason) }
            return row
        }
    }

    /// The rows of `text`, each decoded and then converted by `convert`, whose error (as a
    /// chat template's) is reported with the row's line number.
    static func decode<Row: Decodable, Value>(_ text: String, format: String, file: String, convert: (Row) throws -> Value) throws -> [Value] {
        var values: [Value] = [], problems: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let row = try? JSONDecoder().decode(Row.self, from: Data(trimmed.utf8)) else {
                problems.append("line \(index + 1)")
                continue
            }
            do {
                values.append(try convert(row))
            } catch RLHFError.invalidInput(let reason) {
                problems.append("line \(index + 1) (\(reason))")
            }
        }
        guard problems.isEmpty else {
            throw RLHFError.invalidInput("malformed \(file) rows (each must be \(format)): \(problems.prefix(10).joined(separator: ", "))\(problems.count > 10 ? " and \(problems.count - 10) more" : "")")
        }
        guard !values.isEmpty else { throw RLHFError.invalidInput("the \(file) file has no rows") }
        return values
    }
}

/// A field of a user's data that is either plain text or a conversation (TRL's
/// "conversational" format: a list of `{"role", "content"}` messages).
enum TextOrConversation: Decodable {
    case text(String)
    case conversation([ChatMessage])

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let text = try? value.decode(String.self) { self = .text(text) } else { self = .conversation(try value.decode([ChatMessage].self)) }
    }

    /// The chat format a conversation needs, or an error saying it is missing.
    static func required(_ format: ChatFormat?) throws -> ChatFormat {
        guard let format else {
            throw RLHFError.invalidInput("a conversation (a list of messages) needs the model's chat template, and the model has none (chat_template.jinja or tokenizer_config.json's chat_template)")
        }
        return format
    }
}
