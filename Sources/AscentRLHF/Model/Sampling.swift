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
    /// Rows decoded together at most, so a large request does not hold one huge KV cache.
    static let generationBatch = 64

    /// Continues each prompt by up to `maxNewTokens` tokens with a KV cache, stopping a row at
    /// `stopToken` or when `stopWhen` says its tokens so far end it (a stop string, see
    /// ``ByteLevelBPE/endsWithStopString(_:)``). Returns only the generated tokens of each
    /// prompt, in the prompts' order.
    /// Prompts of equal length are decoded together, one batched forward pass per new token
    /// (a row leaves the batch, and its keys and values the cache, when it stops); tokens are
    /// drawn row by row within each step, so results are deterministic for a given seed.
    /// Prompts that do not fit the context with the new tokens are an error naming the lengths.
    public func generate(prompts: [[Int]], maxNewTokens: Int, sampling: SamplingSettings = SamplingSettings(),
                         stopToken: Int? = nil, stopWhen: (([Int]) -> Bool)? = nil, generator: inout RandomGenerator) throws -> [[Int]] {
        try sampling.validate()
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
        }
        var outputs = [[Int]](repeating: [], count: prompts.count)
        var lengths: [Int] = []  // in order of first appearance
        for prompt in prompts where !lengths.contains(prompt.count) { lengths.append(prompt.count) }
        for length in lengths {
            let rows = prompts.indices.filter { prompts[$0].count == length }
            for start in stride(from: 0, to: rows.count, by: Self.generationBatch) {
                let batch = Array(rows[start..<min(start + Self.generationBatch, rows.count)])
                let generated = try decode(batch.map { prompts[$0] }, maxNewTokens: maxNewTokens, sampling: sampling, stopToken: stopToken,
                                           stopWhen: stopWhen, generator: &generator)
                for (row, tokens) in zip(batch, generated) { outputs[row] = tokens }
            }
        }
        return outputs
    }

    /// Decodes prompts of one length as a batch.
    private func decode(_ prompts: [[Int]], maxNewTokens: Int, sampling: SamplingSettings, stopToken: Int?, stopWhen: (([Int]) -> Bool)?,
                        generator: inout RandomGenerator) throws -> [[Int]] {
        let cache = KVCache(layers: configuration.layers)
        var generated = [[Int]](repeating: [], count: prompts.count)
        var active = Array(prompts.indices)  // the batch's rows, as indices into `prompts`
        var next = IntTensor(shape: [prompts.count, prompts[0].count], prompts.flatMap { $0 })
        let v = configuration.vocabularySize
        for _ in 0..<maxNewTokens {
            let logits = withoutGradients { () -> Tensor in
                let hidden = hiddenStates(next, cache: cache)
                return self.logits(hidden.slice(alongAxis: 1, (hidden.shape[1] - 1)..<hidden.shape[1]))  // [rows, 1, vocabulary]
            }
            let scalars = logits.scalars
            guard scalars.allSatisfy(\.isFinite) else {
                throw RLHFError.invalidWeights("the model outputs NaN or infinite logits: its weights are not finite (a corrupt file or diverged training)")
            }
            var continuing: [Int] = [], tokens: [Int] = []
            for (position, row) in active.enumerated() {
                let token = sampling.sample(scalars[(position * v)..<((position + 1) * v)], generator: &generator)
                generated[row].append(token)
                if token != stopToken && stopWhen?(generated[row]) != true { continuing.append(position); tokens.append(token) }
            }
            guard !continuing.isEmpty else { break }
            if continuing.count < active.count { cache.keep(rows: continuing) }
            active = continuing.map { active[$0] }
            next = IntTensor(shape: [active.count, 1], tokens)
        }
        return generated
    }
}
