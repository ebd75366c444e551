import AscentTensor

/// A token sequence with the positions whose next token is trained on (all of them in
/// pre-training; only the response's in supervised fine-tuning).
public struct TokenSequence: Sendable, Equatable {
    public var tokens: [Int]
    /// trained[i]: predict tokens[i + 1] from tokens[...i].
    public var trained: [Bool]

    public init(tokens: [Int], trained: [Bool]) {
        precondition(tokens.count == trained.count, "TokenSequence: \(tokens.count) tokens, \(trained.count) flags")
        (self.tokens, self.trained) = (tokens, trained)
    }

    /// Prompt and response tokens; only the response (and the end token) is trained on.
    public init(prompt: [Int], response: [Int]) {
        tokens = prompt + response
        trained = Array(repeating: false, count: Swift.max(prompt.count - 1, 0)) + Array(repeating: true, count: response.count)
            + (prompt.isEmpty ? [] : [false])
    }
}

/// Right-padded batches of sequences: inputs and next-token targets `[batch, time]` and a
/// 0/1 loss mask.
public struct TokenBatch {
    public let inputs: IntTensor
    public let targets: IntTensor
    public let mask: Tensor
    /// Real (unpadded) input length of each row.
    public let lengths: [Int]

    /// Sequences longer than `contextLength + 1` are cut; `padding` fills the rest (masked out).
    public init(_ sequences: [TokenSequence], contextLength: Int, padding: Int) {
        let time = Swift.min(contextLength, (sequences.map(\.tokens.count).max() ?? 1) - 1)
        var inputs: [Int] = [], targets: [Int] = [], mask: [Float] = [], lengths: [Int] = []
        for sequence in sequences {
            let length = Swift.max(0, Swift.min(time, sequence.tokens.count - 1))
            lengths.append(length)
            for t in 0..<time {
                let real = t < length
                inputs.append(real ? sequence.tokens[t] : padding)
                targets.append(real ? sequence.tokens[t + 1] : padding)
                mask.append(real && sequence.trained[t] ? 1 : 0)
            }
        }
        let shape = [sequences.count, Swift.max(time, 0)]
        self.inputs = IntTensor(shape: shape, inputs)
        self.targets = IntTensor(shape: shape, targets)
        self.mask = Tensor(shape: shape, mask)
        self.lengths = lengths
    }
}
