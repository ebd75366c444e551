import AscentTensor
import Foundation

/// A decoder-only transformer with GPT-2's architecture: token and learned position
/// embeddings, pre-LayerNorm blocks of causal multi-head self-attention and a GELU MLP
/// (4× wide, tanh approximation as GPT-2's `gelu_new`), a final LayerNorm, and the output
/// projection tied to the token embedding.
///
/// `hiddenStates` gives the final-LayerNorm activations `[batch, time, embedding]` (what
/// value and reward heads read); `logits` maps them through the tied embedding. With a
/// ``KVCache``, only new tokens are computed and earlier keys and values are reused, giving
/// the same logits as a full recompute.
public final class GPT: Module {
    public let configuration: GPTConfiguration
    public let tokenEmbedding: Embedding
    public let positionEmbedding: Embedding
    public let blocks: [TransformerBlock]
    public let finalNorm: LayerNorm

    /// GPT-2's initialisation: N(0, 0.02) weights, zero biases, and residual projections
    /// scaled by 1/√(2 · layers).
    public init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration.embeddingSize
        tokenEmbedding = Embedding(vocabularySize: configuration.vocabularySize, dimension: c, generator: &generator)
        positionEmbedding = Embedding(vocabularySize: configuration.contextLength, dimension: c, standardDeviation: 0.01, generator: &generator)
        blocks = (0..<configuration.layers).map { _ in TransformerBlock(configuration, generator: &generator) }
        finalNorm = LayerNorm(size: c)
    }

    /// Final hidden states for `tokens` `[batch, time]`; with `cache`, the tokens continue the
    /// cached sequence (their positions start at `cache.length`) and the cache grows by them.
    public func hiddenStates(_ tokens: IntTensor, cache: KVCache? = nil) -> Tensor {
        precondition(tokens.shape.count == 2, "GPT: tokens must be [batch, time], got \(tokens.shape)")
        let time = tokens.shape[1]
        let start = cache?.length ?? 0
        precondition(start + time <= configuration.contextLength,
                     "GPT: \(start + time) positions exceed the context length \(configuration.contextLength)")
        precondition(tokens.scalars.allSatisfy { (0..<configuration.vocabularySize).contains($0) },
                     "GPT: token ids must lie in 0..<\(configuration.vocabularySize)")
        let positions = IntTensor(shape: [time], Array(start..<(start + time)))
        var x = tokenEmbedding(tokens) + positionEmbedding(positions)  // [batch, time, c] + [time, c]
        for (layer, block) in blocks.enumerated() { x = block(x, cache: cache, layer: layer) }
        cache?.advance(by: time)
        return finalNorm(x)
    }

    /// Next-token logits `[batch, time, vocabulary]` from hidden states (tied output projection).
    public func logits(_ hidden: Tensor) -> Tensor { hidden.matmul(tokenEmbedding.weight.value, transposeB: true) }

    public func callAsFunction(_ tokens: IntTensor, cache: KVCache? = nil) -> Tensor { logits(hiddenStates(tokens, cache: cache)) }
}

/// One pre-LayerNorm block: x + attention(LN(x)), then x + MLP(LN(x)).
public final class TransformerBlock: Module {
    public let attentionNorm: LayerNorm
    public let attention: CausalSelfAttention
    public let mlpNorm: LayerNorm
    /// c → 4c → c with GELU between.
    public let up: Linear
    public let down: Linear

    init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) {
        let c = configuration.embeddingSize
        let residualScale = 0.02 / Float(2 * configuration.layers).squareRoot()
        attentionNorm = LayerNorm(size: c)
        attention = CausalSelfAttention(configuration, generator: &generator)
        mlpNorm = LayerNorm(size: c)
        up = Linear(inputSize: c, outputSize: 4 * c, initializer: .normal(standardDeviation: 0.02), generator: &generator)
        down = Linear(inputSize: 4 * c, outputSize: c, initializer: .normal(standardDeviation: residualScale), generator: &generator)
    }

    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int) -> Tensor {
        let h = x + attention(attentionNorm(x), cache: cache, layer: layer)
        return h + down(up(mlpNorm(h)).gelu(approximation: .tanh))
    }
}

/// Multi-head causal self-attention: softmax(q kᵀ / √d + causal mask) v per head.
public final class CausalSelfAttention: Module {
    /// c → 3c: queries, keys and values side by side (Hugging Face's `c_attn`).
    public let queryKeyValue: Linear
    /// c → c (`c_proj`).
    public let output: Linear
    let heads: Int

    init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) {
        let c = configuration.embeddingSize
        queryKeyValue = Linear(inputSize: c, outputSize: 3 * c, initializer: .normal(standardDeviation: 0.02), generator: &generator)
        output = Linear(inputSize: c, outputSize: c, initializer: .normal(standardDeviation: 0.02 / Float(2 * configuration.layers).squareRoot()),
                        generator: &generator)
        heads = configuration.heads
    }

    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int) -> Tensor {
        let (batch, time, c) = (x.shape[0], x.shape[1], x.shape[2])
        let d = c / heads
        let qkv = queryKeyValue(x)  // [batch, time, 3c]
        func split(_ part: Int) -> Tensor {  // → [batch, heads, time, d]
            qkv.slice(alongAxis: 2, (part * c)..<((part + 1) * c)).reshaped([batch, time, heads, d]).permuted([0, 2, 1, 3])
        }
        var (q, k, v) = (split(0), split(1), split(2))
        let past = cache?.length ?? 0
        if let cache {
            (k, v) = cache.append(layer: layer, keys: k, values: v)
        }
        let keys = past + time
        let scores = q.matmul(k, transposeB: true) * (1 / Float(d).squareRoot())  // [batch, heads, time, keys]
        let attended = (scores + Self.mask(queries: time, keys: keys)).softmax(alongAxis: -1).matmul(v)  // [batch, heads, time, d]
        return output(attended.permuted([0, 2, 1, 3]).reshaped([batch, time, c]))
    }

    /// Additive mask `[time, keys]`: query i (at position keys − time + i) sees keys up to its own position.
    static func mask(queries: Int, keys: Int) -> Tensor {
        if queries == keys { return Tensor.causalMask(size: keys) }
        let offset = keys - queries
        var values = [Float](repeating: 0, count: queries * keys)
        for q in 0..<queries { for k in (offset + q + 1)..<Swift.max(offset + q + 1, keys) { values[q * keys + k] = -.infinity } }
        return Tensor(shape: [queries, keys], values)
    }
}

/// Keys and values of every layer for the tokens generated so far, so each new token costs
/// one position's work instead of the whole prefix's. Inference only (no gradients).
public final class KVCache {
    public private(set) var length = 0
    private var keys: [Tensor?]
    private var values: [Tensor?]

    public init(layers: Int) {
        keys = Array(repeating: nil, count: layers)
        values = Array(repeating: nil, count: layers)
    }

    /// Appends `newKeys`/`newValues` `[batch, heads, time, d]` to layer `layer`'s cache; returns all so far.
    func append(layer: Int, keys newKeys: Tensor, values newValues: Tensor) -> (Tensor, Tensor) {
        let k = keys[layer].map { Tensor.concatenate([$0, newKeys.detached()], alongAxis: 2) } ?? newKeys.detached()
        let v = values[layer].map { Tensor.concatenate([$0, newValues.detached()], alongAxis: 2) } ?? newValues.detached()
        keys[layer] = k
        values[layer] = v
        return (k, v)
    }

    func advance(by time: Int) { length += time }
}
