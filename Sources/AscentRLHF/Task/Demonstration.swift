/// One supervised example in TRL's prompt-completion format: the model learns to continue
/// `prompt` with `completion` (the loss covers the completion's tokens and the end-of-text
/// token after it, never the prompt's; a completion that already ends with the end-of-text
/// token, as a chat template's closed turn does, gets no second one).
public struct Demonstration: Codable, Sendable, Equatable {
    public var prompt: String
    public var completion: String

    public init(prompt: String, completion: String) {
        (self.prompt, self.completion) = (prompt, completion)
    }

    /// Reads JSON Lines of {"prompt", "completion"} texts, or conversations rendered through
    /// `chatFormat`: {"messages": [...]} ending with the assistant's reply, or
    /// {"prompt": [messages], "completion": [assistant messages]}. Every malformed row is
    /// reported with its line number.
    public static func read(jsonLines text: String, chatFormat: ChatFormat? = nil) throws -> [Demonstration] {
        struct Row: Decodable { let prompt: TextOrConversation?; let completion: TextOrConversation?; let messages: [ChatMessage]? }
        let format = "a JSON object with prompt and completion (texts, or a conversation and the assistant's reply) or messages ending with the assistant's reply"
        return try JSONLines.decode(text, format: format, file: "demonstration") { (row: Row) -> Demonstration in
            let example: Demonstration
            switch (row.prompt, row.completion, row.messages) {
            case let (.text(prompt)?, .text(completion)?, nil): example = Demonstration(prompt: prompt, completion: completion)
            case let (.conversation(prompt)?, .conversation(reply)?, nil):
                let format = try TextOrConversation.required(chatFormat)
                example = Demonstration(prompt: try format.prompt(prompt), completion: try format.reply(to: prompt, reply))
            case let (nil, nil, messages?):
                let (prompt, completion) = try TextOrConversation.required(chatFormat).split(messages)
                example = Demonstration(prompt: prompt, completion: completion)
            default: throw RLHFError.invalidInput("prompt and completion must both be texts or both conversations, or messages alone")
            }
            guard !example.completion.isEmpty else { throw RLHFError.invalidInput("empty completion") }
            return example
        }
    }
}
