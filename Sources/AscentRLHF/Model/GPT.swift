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
    public convenience init(_ configuration: GPTConfiguration, generator: inout RandomGenerator) throws {
        let maker = ParameterMaker(generator: generator)
        try self.init(configuration, parameters: maker)
        generator = maker.generator!
    }

    /// A model whose weights are about to be loaded: no time spent drawing them.
    convenience init(loading configuration: GPTConfiguration) throws {
        try self.init(configuration, parameters: ParameterMaker(generator: nil))
    }

    private init(_ configuration: GPTConfiguration, parameters p: ParameterMaker) throws {
        try configuration.validate()
        self.configuration = configuration
        let (c, v) = (configuration.embeddingSize, configuration.vocabularySize)
        tokenEmbedding = Embedding(weight: p.normal([v, c], 0.02))
        positionEmbedding = configuration.family == .gpt2 ? Embedding(weight: p.normal([configuration.contextLength, c], 0.01)) : nil
        blocks = (0..<configuration.layers).map { _ in TransformerBlock(configuration, parameters: p) }
        finalNorm = configuration.makeNorm(p)
        outputProjection = configuration.tiedEmbeddings ? nil : Linear(weight: p.normal([v, c], 0.02), bias: nil)
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
    func makeNorm(_ p: ParameterMaker) -> any FeatureNormalization {
        family == .gpt2 ? LayerNorm(weight: p.ones(embeddingSize), bias: p.zeros(embeddingSize), epsilon: normEpsilon)
            : RMSNorm(weight: p.ones(embeddingSize), epsilon: normEpsilon)
    }
}

/// Makes a new model's parameters: drawn at random in declaration order (training from
/// scratch), or only reserved when `generator` is nil (a model about to load its weights).
final class ParameterMaker {
    private(set) var generator: RandomGenerator?

    init(generator: RandomGenerator?) { self.generator = generator }

    /// N(0, σ²) weights `[out, in]`.
    func normal(_ shape: [Int], _ standardDeviation: Float) -> Parameter {
        guard generator != nil else { return Parameter(uninitializedShape: shape) }
        return Parameter(.randomNormal(shape, standardDeviation: standardDeviation, generator: &generator!))
    }

    func ones(_ count: Int) -> Parameter { generator == nil ? Parameter(uninitializedShape: [count]) : Parameter(.ones([count])) }
    func zeros(_ count: Int) -> Parameter { generator == nil ? Parameter(uninitializedShape: [count]) : Parameter(.zeros([count])) }
    func bias(_ count: Int, _ present: Bool) -> Parameter? { present ? zeros(count) : nil }
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
    /// LoRA adapters on `up` and `down` (see ``GPT/addAdapters(_:generator:)``).
    var upAdapters: [ProjectionAdapter] = []
    var downAdapters: [ProjectionAdapter] = []

    init(_ configuration: GPTConfiguration, parameters p: ParameterMaker) {
        let (c, f, biased) = (configuration.embeddingSize, configuration.feedForwardSize, configuration.feedForwardBias)
        let residualScale = 0.02 / Float(2 * configuration.layers).squareRoot()
        family = configuration.family
        let upSize = family == .gpt2 ? f : 2 * f
        attentionNorm = configuration.makeNorm(p)
        attention = CausalSelfAttention(configuration, parameters: p)
        mlpNorm = configuration.makeNorm(p)
        up = Linear(weight: p.normal([upSize, c], 0.02), bias: p.bias(upSize, biased))
        down = Linear(weight: p.normal([c, f], residualScale), bias: p.bias(c, biased))
    }

    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int, rotary: [Float]?) -> Tensor {
        let h = x + attention(attentionNorm(x), cache: cache, layer: layer, rotary: rotary)
        return h + adapted(down, downAdapters, feedForward(adapted(up, upAdapters, mlpNorm(h))))
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
    /// LoRA adapters on `queryKeyValue` (each on the rows of q, k or v) and `output`.
    var queryKeyValueAdapters: [ProjectionAdapter] = []
    var outputAdapters: [ProjectionAdapter] = []

    init(_ configuration: GPTConfiguration, parameters p: ParameterMaker) {
        let c = configuration.embeddingSize
        heads = configuration.heads
        keyValueHeads = configuration.keyValueHeads
        let width = (heads + 2 * keyValueHeads) * configuration.headSize
        queryKeyValue = Linear(weight: p.normal([width, c], 0.02), bias: p.bias(width, configuration.queryKeyValueBias))
        output = Linear(weight: p.normal([c, c], 0.02 / Float(2 * configuration.layers).squareRoot()), bias: p.bias(c, configuration.attentionOutputBias))
    }

    /// `rotary` holds the rotary embedding's inverse frequencies (Llama family), applied to
    /// queries and keys at their positions before keys are cached.
    func callAsFunction(_ x: Tensor, cache: KVCache?, layer: Int, rotary: [Float]?) -> Tensor {
        let (batch, time, c) = (x.shape[0], x.shape[1], x.shape[2])
        let d = c / heads
        let qkv = adapted(queryKeyValue, queryKeyValueAdapters, x)  // [batch, time, (heads + 2 kv) d]
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
        return adapted(output, outputAdapters, attended.reshaped([batch, heads, time, d]).permuted([0, 2, 1, 3]).reshaped([batch, time, c]))
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
