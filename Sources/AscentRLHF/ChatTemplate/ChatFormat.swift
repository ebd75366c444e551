import Foundation

/// A model's chat template with the special-token texts it reads (`bos_token`, `eos_token`, …
/// from the folder's tokenizer files), turning conversations in a user's data into the text
/// the model trains on.
public struct ChatFormat: Sendable {
    public let template: ChatTemplate
    public let specialTokens: [String: String]

    public init(template: ChatTemplate, specialTokens: [String: String] = [:]) {
        (self.template, self.specialTokens) = (template, specialTokens)
    }

    /// A conversation's text up to the assistant's turn (a prompt for generation).
    public func prompt(_ messages: [ChatMessage]) throws -> String {
        guard !messages.isEmpty else { throw RLHFError.invalidInput("a conversation has no messages") }
        return try template.render(messages: messages, addGenerationPrompt: true, specialTokens: specialTokens)
    }

    /// A conversation ending in the assistant's reply, as the prompt and the reply to learn.
    public func split(_ messages: [ChatMessage]) throws -> (prompt: String, completion: String) {
        try template.split(messages, specialTokens: specialTokens)
    }

    /// The text of `reply` (assistant messages) after the conversation `prompt`: what the
    /// template renders for both together, less what it renders for the prompt.
    public func reply(to prompt: [ChatMessage], _ reply: [ChatMessage]) throws -> String {
        guard !reply.isEmpty, reply.allSatisfy({ $0.role == "assistant" }) else {
            throw RLHFError.invalidInput("a reply must be one or more assistant messages")
        }
        return try split(prompt + reply).completion
    }
}
