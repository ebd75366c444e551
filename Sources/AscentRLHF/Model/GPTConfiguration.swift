/// The shape of a GPT-2-architecture model (Hugging Face's `GPT2Config` names in comments).
public struct GPTConfiguration: Codable, Sendable, Equatable {
    /// Tokens in the vocabulary (`vocab_size`).
    public var vocabularySize: Int
    /// Longest sequence, the number of learned positions (`n_positions`).
    public var contextLength: Int
    /// Width of the residual stream (`n_embd`).
    public var embeddingSize: Int
    /// Transformer blocks (`n_layer`).
    public var layers: Int
    /// Attention heads per block (`n_head`); must divide `embeddingSize`.
    public var heads: Int

    public init(vocabularySize: Int, contextLength: Int, embeddingSize: Int, layers: Int, heads: Int) {
        (self.vocabularySize, self.contextLength, self.embeddingSize, self.layers, self.heads) =
            (vocabularySize, contextLength, embeddingSize, layers, heads)
    }

    /// GPT-2 small: 124M parameters.
    public static let gpt2Small = GPTConfiguration(vocabularySize: 50_257, contextLength: 1_024, embeddingSize: 768, layers: 12, heads: 12)

    public func validate() throws {
        for (name, value) in [("vocabularySize", vocabularySize), ("contextLength", contextLength), ("embeddingSize", embeddingSize),
                              ("layers", layers), ("heads", heads)] where value <= 0 {
            throw RLHFError.invalidInput("GPT configuration: \(name) must be positive, got \(value)")
        }
        guard embeddingSize % heads == 0 else {
            throw RLHFError.invalidInput("GPT configuration: heads (\(heads)) must divide embeddingSize (\(embeddingSize))")
        }
    }
}
