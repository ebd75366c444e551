/// One supervised example in TRL's prompt-completion format: the model learns to continue
/// `prompt` with `completion` (the loss covers the completion's tokens and the end-of-text
/// token after it, never the prompt's).
public struct Demonstration: Codable, Sendable, Equatable {
    public var prompt: String
    public var completion: String

    public init(prompt: String, completion: String) {
        (self.prompt, self.completion) = (prompt, completion)
    }

    /// Reads JSON Lines of {"prompt", "completion"}; every malformed row is reported with its line number.
    public static func read(jsonLines text: String) throws -> [Demonstration] {
        try JSONLines.decode(text, format: "a JSON object with string fields prompt and completion (non-empty)", file: "demonstration") { row in
            row.completion.isEmpty ? "empty completion" : nil
        }
    }
}
