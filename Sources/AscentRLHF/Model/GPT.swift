import AscentTensor
import Foundation

/// A decoder-only transformer of GPT-2's architecture or the Llama family's (see
/// ``GPTConfiguration`` for what differs): token embeddings (plus learned positions for GPT-2),
/// pre-norm blocks of causal self-attention and an MLP, a final norm, and the output
/// projection (tied to the token embedding, or its own matrix).
///
/// `hiddenStates` gives the final-norm activations `[batch, time, embedding]` (what value and
/// reward heads read); `logits` maps them to the vocabulary. With a ``KVCache``, only new
/// tokens are computed and earlier keys and values are reused, giving the same logits as a
/// full recompute.
public final class GPT: Module {
    public let configuration: GPTConfiguration
    public let tokenEmbedding: Embedding
    /// GPT-2's learned positions (nil for the Llama family, whose positions are rotary).
    public let positionEmbedding: Embedding?
    public let blocks: [TransformerBlock]
    public let finalNorm: any FeatureNormalization
    /// The untied output projection `[vocabulary, embedding]` (`lm_head`), nil when tied.
    public let outputProjection: Linear?

    /// GPT-2's initialisation (the Llama family's too): N(0, 0.02) weights, zero biases, and
    /// residual projections scaled by 1/√(2 · layers).
    public init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = configuration.embeddingSize
        tokenEmbedding = Embedding(vocabularySize: configuration.vocabularySize, dimension: c, generator: &generator)
        positionEmbedding = configuration.family == .gpt2
            ? Embedding(vocabularySize: configuration.contextLength, dimension: c, standardDeviation: 0.01, generator: &generator) : nil
        blocks = (0..<configuration.layers).map { _ in TransformerBlock(configuration, generator: &generator) }
        finalNorm = configuration.makeNorm()
        outputProjection = configuration.tiedEmbeddings ? nil
            : Linear(inputSize: c, outputSize: configuration.vocabularySize, bias: false, initializer: .normal(standardDeviation: 0.02), generator: &generator)
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
        var x = tokenEmbedding(tokens)
        if let positionEmbedding { x = x + positionEmbedding(IntTensor(shape: [time], Array(start..<(start + time)))) }  // + [time, c]
        let rotary = configuration.family == .llama ? configuration.rotaryInverseFrequencies : nil
        for (layer, block) in blocks.enumerated() { x = block(x, cache: cache, layer: layer, rotary: rotary) }
        cache?.advance(by: time)
        return finalNorm(x)
    }

    /// Next-token logits `[batch, time, vocabulary]` from hidden states.
    public func logits(_ hidden: Tensor) -> Tensor {
        hidden.matmul((outputProjection?.weight ?? tokenEmbedding.weight).value, transposeB: true)
    }

    public func callAsFunction(_ tokens: IntTensor, cache: KVCache? = nil) -> Tensor { logits(hiddenStates(tokens, cache: cache)) }
}

extension GPTConfiguration {
    /// The family's norm: LayerNorm for GPT-2, RMSNorm for the Llama family.
    func makeNorm() -> any FeatureNormalization {
        family == .gpt2 ? LayerNorm(size: embeddingSize, epsilon: normEpsilon) : RMSNorm(size: embeddingSize, epsilon: normEpsilon)
    }
}

/// One pre-norm block: x + attention(norm(x)), then x + MLP(norm(x)).
public final class TransformerBlock: Module {
    public let attentionNorm: any FeatureNormalization
    public let attention: CausalSelfAttention
    public let mlpNorm: any FeatureNormalization
    /// c → f (GPT-2's `c_fc`), or c → 2f for the Llama family: the gate and up projections
    /// side by side, one product instead of two.
    public let up: Linear
    /// f → c.
    public let down: Linear
    let family: GPTConfiguration.Family

    init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) {
        let (c, f) = (configuration.embeddingSize, configuration.feedForwardSize)
        let residualScale = 0.02 / Float(2 * configuration.layers).squareRoot()
        family = configuration.family
        attentionNorm = configuration.makeNorm()
        attention = CausalSelfAttention(configuration, generator: &generator)
        mlpNorm = configuration.makeNorm()
        up = Linear(inputSize: c, outputSize: family == .gpt2 ? f : 2 * f, bias: configuration.feedForwardBias,
                    initializer: .normal(standardDeviation: 0.02), generator: &generator)
        down = Linear(inputSize: f, outputSize: c, bias: configuration.feedForwardBias,
                      initializer: .normal(standardDeviation: residualScale), generator: &generator)
    }

    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int, rotary: [Float]?) -> Tensor {
        let h = x + attention(attentionNorm(x), cache: cache, layer: layer, rotary: rotary)
        return h + down(feedForward(up(mlpNorm(h))))
    }

    /// GELU (tanh form, GPT-2's `gelu_new`), or SwiGLU: silu(gate) ⊙ up.
    private func feedForward(_ projected: Tensor) -> Tensor {
        guard family == .llama else { return projected.gelu(approximation: .tanh) }
        let f = down.inputSize, axis = projected.rank - 1
        return projected.slice(alongAxis: axis, 0..<f).silu() * projected.slice(alongAxis: axis, f..<(2 * f))
    }
}

/// Causal self-attention, softmax(q kᵀ / √d + causal mask) v per head, with grouped-query
/// attention when there are fewer key/value heads than query heads: the `g = heads /
/// keyValueHeads` query heads of a group are stacked along time and attend to their shared
/// key/value head in one product, so keys and values are never copied per query head.
public final class CausalSelfAttention: Module {
    /// c → (heads + 2 · keyValueHeads) · d: queries, keys and values side by side (GPT-2's
    /// `c_attn`; the Llama family's `q_proj`, `k_proj`, `v_proj` concatenated).
    public let queryKeyValue: Linear
    /// c → c (`c_proj`; `o_proj`).
    public let output: Linear
    let heads: Int
    let keyValueHeads: Int

    init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) {
        let c = configuration.embeddingSize
        heads = configuration.heads
        keyValueHeads = configuration.keyValueHeads
        queryKeyValue = Linear(inputSize: c, outputSize: (heads + 2 * keyValueHeads) * configuration.headSize, bias: configuration.queryKeyValueBias,
                               initializer: .normal(standardDeviation: 0.02), generator: &generator)
        output = Linear(inputSize: c, outputSize: c, bias: configuration.attentionOutputBias,
                        initializer: .normal(standardDeviation: 0.02 / Float(2 * configuration.layers).squareRoot()), generator: &generator)
    }

    /// `rotary` holds the rotary embedding's inverse frequencies (Llama family), applied to
    /// queries and keys at their positions before keys are cached.
    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int, rotary: [Float]?) -> Tensor {
        let (batch, time, c) = (x.shape[0], x.shape[1], x.shape[2])
        let d = c / heads
        let qkv = queryKeyValue(x)  // [batch, time, (heads + 2 kv) d]
        func split(_ start: Int, _ count: Int) -> Tensor {  // → [batch, count, time, d]
            qkv.slice(alongAxis: 2, (start * d)..<((start + count) * d)).reshaped([batch, time, count, d]).permuted([0, 2, 1, 3])
        }
        let past = cache?.length ?? 0
        var (q, k, v) = (split(0, heads), split(heads, keyValueHeads), split(heads + keyValueHeads, keyValueHeads))
        if let rotary {
            (q, k) = (q.rotaryEmbedding(start: past, inverseFrequencies: rotary), k.rotaryEmbedding(start: past, inverseFrequencies: rotary))
        }
        if let cache {
            (k, v) = cache.append(layer: layer, keys: k, values: v)
        }
        let (keys, group) = (past + time, heads / keyValueHeads)
        let grouped = q.reshaped([batch, keyValueHeads, group * time, d])  // a group's query heads one after another
        let scores = grouped.matmul(k, transposeB: true) * (1 / Float(d).squareRoot())  // [batch, kv, group · time, keys]
        let attended = (scores + Self.mask(queries: time, keys: keys, repeats: group)).softmax(alongAxis: -1).matmul(v)
        return output(attended.reshaped([batch, heads, time, d]).permuted([0, 2, 1, 3]).reshaped([batch, time, c]))
    }

    /// Additive mask `[repeats · time, keys]`: query i (at position keys − time + i) sees keys
    /// up to its own position; the `[time, keys]` pattern repeats once per grouped query head.
    static func mask(queries: Int, keys: Int, repeats: Int = 1) -> Tensor {
        if queries == keys && repeats == 1 { return Tensor.causalMask(size: keys) }
        let offset = keys - queries
        var values = [Float](repeating: 0, count: repeats * queries * keys)
        for row in 0..<(repeats * queries) {
            let q = row % queries
            for k in (offset + q + 1)..<Swift.max(offset + q + 1, keys) { values[row * keys + k] = -.infinity }
        }
        return Tensor(shape: [repeats * queries, keys], values)
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

    /// Appends `newKeys`/`newValues` `[batch, kvHeads, time, d]` to layer `layer`'s cache; returns all so far.
    func append(layer: Int, keys newKeys: Tensor, values newValues: Tensor) -> (Tensor, Tensor) {
        let k = keys[layer].map { Tensor.concatenate([$0, newKeys.detached()], alongAxis: 2) } ?? newKeys.detached()
        let v = values[layer].map { Tensor.concatenate([$0, newValues.detached()], alongAxis: 2) } ?? newValues.detached()
        keys[layer] = k
        values[layer] = v
        return (k, v)
    }

    func advance(by time: Int) { length += time }

    /// Keeps only the batch rows `rows` (in that order) of every layer's keys and values: rows
    /// that stopped generating leave the batch.
    func keep(rows: [Int]) {
        func select(_ tensor: Tensor?) -> Tensor? {
            guard let tensor else { return nil }
            let rowSize = tensor.count / tensor.shape[0], scalars = tensor.scalars
            return Tensor(shape: [rows.count] + tensor.shape.dropFirst(), rows.flatMap { scalars[($0 * rowSize)..<(($0 + 1) * rowSize)] })
        }
        keys = keys.map(select)
        values = values.map(select)
    }
}
