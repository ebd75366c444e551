import Foundation

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

    /// Weights of the model: embeddings, and per block two layer norms, attention (QKV and
    /// output projection) and the 4× MLP, with biases; the final layer norm (the head is tied).
    public var parameterCount: Int {
        let e = embeddingSize
        return (vocabularySize + contextLength) * e + layers * (12 * e * e + 13 * e) + 2 * e
    }

    /// GPT-2 small: 124M parameters.
    public static let gpt2Small = GPTConfiguration(vocabularySize: 50_257, contextLength: 1_024, embeddingSize: 768, layers: 12, heads: 12)

    /// Checks every size against a fixed range (so the parameter count below cannot overflow),
    /// that the heads divide the width, and that the weights fit in the machine's memory: a
    /// file's metadata (`n_layer` of 2⁶²) is refused, not allocated.
    public func validate() throws {
        for (name, value, limit) in [("vocabularySize", vocabularySize, 10_000_000), ("contextLength", contextLength, 1_048_576),
                                     ("embeddingSize", embeddingSize, 65_536), ("layers", layers, 1_024), ("heads", heads, 1_024)]
            where !(1...limit).contains(value) {
            throw RLHFError.invalidInput("GPT configuration: \(name) must be 1...\(limit), got \(value)")
        }
        let bytes = 4 * parameterCount, memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard bytes <= memory else {
            throw RLHFError.invalidInput(String(format: "GPT configuration: %d parameters need %.1f GiB as float32, more than the machine's %.1f GiB",
                                                parameterCount, Double(bytes) / 1_073_741_824, Double(memory) / 1_073_741_824))
        }
        guard embeddingSize % heads == 0 else {
            throw RLHFError.invalidInput("GPT configuration: heads (\(heads)) must divide embeddingSize (\(embeddingSize))")
        }
    }
}
