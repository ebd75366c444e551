import Foundation

/// The shape of a decoder-only transformer: GPT-2's architecture, or the Llama family's
/// (Hugging Face's `GPT2Config` and `LlamaConfig`/`Qwen2Config` names in comments).
///
/// The two families share the block (pre-norm attention then MLP, each added to the residual
/// stream) and differ in four places, all chosen by ``family``:
///
/// | | GPT-2 | Llama family |
/// |---|---|---|
/// | positions | learned table added to the embeddings | rotary embedding of queries and keys |
/// | norm | LayerNorm (gain and bias) | RMSNorm (gain only) |
/// | MLP | c → 4c → c, GELU (tanh form) | SwiGLU: down(silu(gate(x)) ⊙ up(x)) |
/// | biases | on every projection | none, or on q/k/v only (Qwen2) |
///
/// Grouped-query attention (``keyValueHeads`` < ``heads``) and rotary scaling are Llama-family
/// options; either family may tie its output projection to the token embedding or not.
public struct GPTConfiguration: Codable, Sendable, Equatable {
    /// The architecture family.
    public enum Family: String, Codable, Sendable {
        case gpt2
        case llama
    }

    /// How the rotary embedding's frequencies are rescaled for contexts longer than the
    /// model was trained on (`rope_scaling` / `rope_parameters`).
    public enum RotaryScaling: Codable, Sendable, Equatable {
        /// Positions divided by `factor` (`rope_type` "linear").
        case linear(factor: Float)
        /// Llama 3.1's schedule (`rope_type` "llama3"): low frequencies divided by `factor`,
        /// high ones kept, a smooth blend between the wavelengths
        /// `originalContext / lowFrequencyFactor` and `originalContext / highFrequencyFactor`.
        case llama3(factor: Float, lowFrequencyFactor: Float, highFrequencyFactor: Float, originalContext: Int)
    }

    /// Tokens in the vocabulary (`vocab_size`).
    public var vocabularySize: Int
    /// Longest sequence (`n_positions`; `max_position_embeddings`).
    public var contextLength: Int
    /// Width of the residual stream (`n_embd`; `hidden_size`).
    public var embeddingSize: Int
    /// Transformer blocks (`n_layer`; `num_hidden_layers`).
    public var layers: Int
    /// Query heads per block (`n_head`; `num_attention_heads`); must divide `embeddingSize`.
    public var heads: Int
    /// GPT-2 or Llama family.
    public var family: Family = .gpt2
    /// Key/value heads (`num_key_value_heads`): fewer than `heads` is grouped-query
    /// attention, each key/value head shared by `heads / keyValueHeads` query heads.
    public var keyValueHeads: Int
    /// Hidden width of the MLP (`n_inner`, 4 × width for GPT-2; `intermediate_size`).
    public var feedForwardSize: Int
    /// The norms' ε (`layer_norm_epsilon`; `rms_norm_eps`).
    public var normEpsilon: Float
    /// Rotary base θ (`rope_theta`); Llama family only.
    public var rotaryBase: Float = 10_000
    /// Rotary frequency rescaling, if any; Llama family only.
    public var rotaryScaling: RotaryScaling?
    /// The output projection is the token embedding (`tie_word_embeddings`).
    public var tiedEmbeddings = true
    /// Biases on the query, key and value projections (GPT-2, Qwen2; Llama's `attention_bias`).
    public var queryKeyValueBias = true
    /// Biases on the attention output projection (GPT-2; Llama's `attention_bias`).
    public var attentionOutputBias = true
    /// Biases on the MLP's projections (GPT-2; Llama's `mlp_bias`).
    public var feedForwardBias = true

    /// A GPT-2-architecture shape.
    public init(vocabularySize: Int, contextLength: Int, embeddingSize: Int, layers: Int, heads: Int) {
        (self.vocabularySize, self.contextLength, self.embeddingSize, self.layers, self.heads) =
            (vocabularySize, contextLength, embeddingSize, layers, heads)
        // Sizes may come from an untrusted file and are checked by validate(): no overflow here.
        (keyValueHeads, feedForwardSize, normEpsilon) = (heads, embeddingSize.multipliedReportingOverflow(by: 4).partialValue, 1e-5)
    }

    /// A Llama-family shape: RMSNorm, rotary positions, SwiGLU, no biases unless asked for.
    public static func llama(vocabularySize: Int, contextLength: Int, embeddingSize: Int, layers: Int, heads: Int,
                             keyValueHeads: Int, feedForwardSize: Int, normEpsilon: Float = 1e-6, rotaryBase: Float = 10_000,
                             rotaryScaling: RotaryScaling? = nil, tiedEmbeddings: Bool = false,
                             queryKeyValueBias: Bool = false) -> GPTConfiguration {
        var c = GPTConfiguration(vocabularySize: vocabularySize, contextLength: contextLength, embeddingSize: embeddingSize,
                                 layers: layers, heads: heads)
        c.family = .llama
        (c.keyValueHeads, c.feedForwardSize, c.normEpsilon, c.rotaryBase, c.rotaryScaling) =
            (keyValueHeads, feedForwardSize, normEpsilon, rotaryBase, rotaryScaling)
        (c.tiedEmbeddings, c.queryKeyValueBias, c.attentionOutputBias, c.feedForwardBias) = (tiedEmbeddings, queryKeyValueBias, false, false)
        return c
    }

    /// Width of one attention head.
    public var headSize: Int { embeddingSize / heads }

    /// Every weight of the model (the untied output projection included).
    public var parameterCount: Int {
        let (e, f, d) = (embeddingSize, feedForwardSize, headSize)
        let qkv = (heads + 2 * keyValueHeads) * d
        let norm = family == .gpt2 ? 2 * e : e
        let attention = e * qkv + (queryKeyValueBias ? qkv : 0) + e * e + (attentionOutputBias ? e : 0)
        let projections = family == .gpt2 ? 2 : 3  // up, down; or gate, up, down
        let feedForward = projections * e * f + (feedForwardBias ? (projections - 1) * f + e : 0)
        let embeddings = vocabularySize * e * (tiedEmbeddings ? 1 : 2) + (family == .gpt2 ? contextLength * e : 0)
        return embeddings + layers * (2 * norm + attention + feedForward) + norm
    }

    /// GPT-2 small: 124M parameters.
    public static let gpt2Small = GPTConfiguration(vocabularySize: 50_257, contextLength: 1_024, embeddingSize: 768, layers: 12, heads: 12)

    /// The rotary embedding's inverse frequencies θ^(−2i/d) for i < d/2, computed in float32
    /// as `transformers` does, then rescaled by ``rotaryScaling``.
    public var rotaryInverseFrequencies: [Float] {
        let d = headSize
        let base = (0..<(d / 2)).map { 1 / powf(rotaryBase, Float(2 * $0) / Float(d)) }
        switch rotaryScaling {
        case nil: return base
        case .linear(let factor): return base.map { $0 / factor }
        case let .llama3(factor, low, high, original):
            let (lowWavelength, highWavelength) = (Float(original) / low, Float(original) / high)
            return base.map { frequency in
                let wavelength = 2 * Float.pi / frequency
                if wavelength < highWavelength { return frequency }
                if wavelength > lowWavelength { return frequency / factor }
                let smooth = (Float(original) / wavelength - low) / (high - low)
                return (1 - smooth) * frequency / factor + smooth * frequency
            }
        }
    }

    /// Checks every size against a fixed range (so the parameter count below cannot overflow),
    /// that the heads divide the width and the key/value heads the heads, and that the weights
    /// fit in the machine's memory: a file's metadata (`n_layer` of 2⁶²) is refused, not allocated.
    public func validate() throws {
        for (name, value, limit) in [("vocabularySize", vocabularySize, 10_000_000), ("contextLength", contextLength, 1_048_576),
                                     ("embeddingSize", embeddingSize, 65_536), ("layers", layers, 1_024), ("heads", heads, 1_024),
                                     ("keyValueHeads", keyValueHeads, 1_024), ("feedForwardSize", feedForwardSize, 262_144)]
            where !(1...limit).contains(value) {
            throw RLHFError.invalidInput("GPT configuration: \(name) must be 1...\(limit), got \(value)")
        }
        guard embeddingSize % heads == 0 else {
            throw RLHFError.invalidInput("GPT configuration: heads (\(heads)) must divide embeddingSize (\(embeddingSize))")
        }
        guard heads % keyValueHeads == 0 else {
            throw RLHFError.invalidInput("GPT configuration: keyValueHeads (\(keyValueHeads)) must divide heads (\(heads))")
        }
        guard normEpsilon.isFinite && normEpsilon > 0 && normEpsilon < 1 else {
            throw RLHFError.invalidInput("GPT configuration: normEpsilon must lie in (0, 1), got \(normEpsilon)")
        }
        if family == .gpt2 {
            guard keyValueHeads == heads && rotaryScaling == nil && queryKeyValueBias && attentionOutputBias && feedForwardBias else {
                throw RLHFError.invalidInput("GPT configuration: grouped-query attention, rotary scaling and projections without biases are Llama-family options, not GPT-2's")
            }
        } else {
            guard headSize % 2 == 0, rotaryBase.isFinite, rotaryBase > 1 else {
                throw RLHFError.invalidInput("GPT configuration: the rotary embedding needs an even head size (got \(headSize)) and a base θ > 1 (got \(rotaryBase))")
            }
            if let scaling = rotaryScaling { try Self.validate(scaling) }
        }
        let bytes = 4 * parameterCount, memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        guard bytes <= memory else {
            throw RLHFError.invalidInput(String(format: "GPT configuration: %d parameters need %.1f GiB as float32, more than the machine's %.1f GiB",
                                                parameterCount, Double(bytes) / 1_073_741_824, Double(memory) / 1_073_741_824))
        }
    }

    private static func validate(_ scaling: RotaryScaling) throws {
        switch scaling {
        case .linear(let factor) where factor.isFinite && factor >= 1: return
        case let .llama3(factor, low, high, original) where factor.isFinite && factor >= 1 && low > 0 && high > low && high.isFinite && original > 0: return
        default: throw RLHFError.invalidInput("GPT configuration: rotary scaling \(scaling) needs a factor ≥ 1 (and for llama3 0 < low_freq_factor < high_freq_factor, original_max_position_embeddings > 0)")
        }
    }
}

extension GPTConfiguration {
    private enum CodingKeys: String, CodingKey {
        case vocabularySize, contextLength, embeddingSize, layers, heads, family, keyValueHeads, feedForwardSize, normEpsilon
        case rotaryBase, rotaryScaling, tiedEmbeddings, queryKeyValueBias, attentionOutputBias, feedForwardBias
    }

    /// Decodes configurations written before the Llama family existed (five GPT-2 sizes) as GPT-2.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try c.decode(Int.self, forKey: .vocabularySize), contextLength: try c.decode(Int.self, forKey: .contextLength),
                  embeddingSize: try c.decode(Int.self, forKey: .embeddingSize), layers: try c.decode(Int.self, forKey: .layers),
                  heads: try c.decode(Int.self, forKey: .heads))
        family = try c.decodeIfPresent(Family.self, forKey: .family) ?? family
        keyValueHeads = try c.decodeIfPresent(Int.self, forKey: .keyValueHeads) ?? keyValueHeads
        feedForwardSize = try c.decodeIfPresent(Int.self, forKey: .feedForwardSize) ?? feedForwardSize
        normEpsilon = try c.decodeIfPresent(Float.self, forKey: .normEpsilon) ?? normEpsilon
        rotaryBase = try c.decodeIfPresent(Float.self, forKey: .rotaryBase) ?? rotaryBase
        rotaryScaling = try c.decodeIfPresent(RotaryScaling.self, forKey: .rotaryScaling)
        tiedEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tiedEmbeddings) ?? tiedEmbeddings
        queryKeyValueBias = try c.decodeIfPresent(Bool.self, forKey: .queryKeyValueBias) ?? queryKeyValueBias
        attentionOutputBias = try c.decodeIfPresent(Bool.self, forKey: .attentionOutputBias) ?? attentionOutputBias
        feedForwardBias = try c.decodeIfPresent(Bool.self, forKey: .feedForwardBias) ?? feedForwardBias
    }
}
