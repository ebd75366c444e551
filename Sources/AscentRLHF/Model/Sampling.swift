import AscentTensor
import Foundation

/// How the next token is drawn from the logits.
public struct SamplingSettings: Codable, Sendable, Equatable {
    /// Logits are divided by this; 0 picks the most likely token (greedy).
    public var temperature: Float = 1
    /// Keep only the k most likely tokens (nil: all).
    public var topK: Int? = nil
    /// Keep the smallest set of most likely tokens whose probability reaches p (nil: all).
    public var topP: Float? = nil

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil) {
        (self.temperature, self.topK, self.topP) = (temperature, topK, topP)
    }

    public func validate() throws {
        guard temperature.isFinite && temperature >= 0 else { throw RLHFError.invalidInput("temperature must be ≥ 0, got \(temperature)") }
        if let topK, topK <= 0 { throw RLHFError.invalidInput("topK must be positive, got \(topK)") }
        if let topP, !(topP > 0 && topP <= 1) { throw RLHFError.invalidInput("topP must lie in (0, 1], got \(topP)") }
    }

    /// A token index drawn from one row of logits.
    public func sample(_ logits: ArraySlice<Float>, generator: inout RandomGenerator) -> Int {
        let base = logits.startIndex
        guard temperature > 0 else { return logits.indices.max { logits[$0] < logits[$1] }! - base }
        var order = Array(0..<logits.count).sorted { logits[base + $0] > logits[base + $1] }
        if let topK { order = Array(order.prefix(topK)) }
        let top = logits[base + order[0]]
        var weights = order.map { Foundation.exp(Double((logits[base + $0] - top) / temperature)) }
        if let topP {
            let total = weights.reduce(0, +)
            var cumulative = 0.0, keep = weights.count
            for (i, w) in weights.enumerated() {
                cumulative += w / total
                if cumulative >= Double(topP) { keep = i + 1; break }
            }
            weights = Array(weights.prefix(keep))
        }
        return order[generator.categorical(weights: weights.map { Float($0) })]
    }
}

extension GPT {
    /// Continues each prompt by up to `maxNewTokens` tokens with a KV cache, stopping a row at
    /// `stopToken`. Returns only the generated tokens of each prompt. Prompts that do not fit
    /// the context with the new tokens are an error naming the lengths.
    public func generate(prompts: [[Int]], maxNewTokens: Int, sampling: SamplingSettings = SamplingSettings(),
                         stopToken: Int? = nil, generator: inout RandomGenerator) throws -> [[Int]] {
        try sampling.validate()
        var outputs: [[Int]] = []
        guard maxNewTokens >= 0 else {
            throw RLHFError.invalidInput("maxNewTokens is \(maxNewTokens); it must be 0 or more")
        }
        for prompt in prompts {
            guard !prompt.isEmpty else { throw RLHFError.invalidInput("a prompt is empty; it needs at least one token") }
            guard prompt.count + maxNewTokens <= configuration.contextLength else {
                throw RLHFError.invalidInput("a prompt of \(prompt.count) tokens plus \(maxNewTokens) new ones exceeds the context length \(configuration.contextLength)")
            }
            guard prompt.allSatisfy({ (0..<configuration.vocabularySize).contains($0) }) else {
                throw RLHFError.invalidInput("a prompt holds token ids outside the model's vocabulary 0..<\(configuration.vocabularySize)")
            }
            let cache = KVCache(layers: configuration.layers)
            var generated: [Int] = []
            var next = IntTensor(shape: [1, prompt.count], prompt)
            for _ in 0..<maxNewTokens {
                let logits = withoutGradients { self(next, cache: cache) }
                let v = configuration.vocabularySize
                let last = logits.scalars[(logits.count - v)...]
                guard last.allSatisfy(\.isFinite) else {
                    throw RLHFError.invalidWeights("the model outputs NaN or infinite logits: its weights are not finite (a corrupt file or diverged training)")
                }
                let token = sampling.sample(last, generator: &generator)
                generated.append(token)
                if token == stopToken { break }
                next = IntTensor(shape: [1, 1], [token])
            }
            outputs.append(generated)
        }
        return outputs
    }
}
