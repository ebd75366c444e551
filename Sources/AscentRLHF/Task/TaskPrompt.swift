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
        answer = try c.decodeIfPresent(Answer.self, forKey: .answer)?.text
    }

    /// An answer written as a string or as a number (a whole number without its ".0").
    struct Answer: Decodable {
        let text: String

        init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let text = try? value.decode(String.self) { self.text = text; return }
            let number = try value.decode(Double.self)
            text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
    }

    /// Reads JSON Lines of {"prompt", "answer"?}, the prompt a text or a conversation rendered
    /// through `chatFormat` up to the assistant's turn; every malformed row is reported with its
    /// line number.
    public static func read(jsonLines text: String, chatFormat: ChatFormat? = nil) throws -> [TaskPrompt] {
        struct Row: Decodable { let prompt: TextOrConversation; let answer: Answer? }
        let format = "a JSON object with a non-empty prompt (text or conversation) and optionally an answer (string or number)"
        return try JSONLines.decode(text, format: format, file: "prompt") { (row: Row) -> TaskPrompt in
            let prompt: String
            switch row.prompt {
            case .text(let t): prompt = t
            case .conversation(let messages): prompt = try TextOrConversation.required(chatFormat).prompt(messages)
            }
            guard !prompt.isEmpty else { throw RLHFError.invalidInput("empty prompt") }
            return TaskPrompt(prompt, answer: row.answer?.text)
        }
    }
}
