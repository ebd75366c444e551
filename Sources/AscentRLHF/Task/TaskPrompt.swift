import Foundation

/// A prompt for policy optimisation (PPO, GRPO, RLOO), with the reference answer a rule
/// reward checks responses against, when the task has one (TRL's prompt datasets with an
/// extra column, as GSM8K's `answer`).
public struct TaskPrompt: Codable, Sendable, Equatable {
    public var prompt: String
    public var answer: String?

    public init(_ prompt: String, answer: String? = nil) {
        (self.prompt, self.answer) = (prompt, answer)
    }

    private enum CodingKeys: String, CodingKey { case prompt, answer }

    /// `answer` may be written as a string or a number (`"answer": 42`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try c.decode(String.self, forKey: .prompt)
        if let text = try? c.decodeIfPresent(String.self, forKey: .answer) {
            answer = text
        } else if let number = try c.decodeIfPresent(Double.self, forKey: .answer) {
            answer = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
    }

    /// Reads JSON Lines of {"prompt", "answer"?}; every malformed row is reported with its line number.
    public static func read(jsonLines text: String) throws -> [TaskPrompt] {
        try JSONLines.decode(text, format: "a JSON object with a non-empty string prompt and optionally an answer (string or number)", file: "prompt") { row in
            row.prompt.isEmpty ? "empty prompt" : nil
        }
    }
}
