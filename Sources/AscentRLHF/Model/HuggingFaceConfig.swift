import Foundation

/// `config.json` read into a ``GPTConfiguration`` and written back, for the model types
/// Ascent implements. Options that change the maths and that Ascent does not compute are
/// refused by name, never ignored.
extension HuggingFaceFolder {
    /// The model shape a `config.json` describes (its options checked as ``load(_:)`` checks them).
    public static func configuration(configJSON data: Data) throws -> GPTConfiguration {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw RLHFError.invalidWeights("config.json is not a JSON object") }
        return try configuration(object)
    }

    /// The model types Ascent reads.
    static let supportedTypes = ["gpt2", "llama", "qwen2", "mistral"]

    static func configuration(_ config: [String: Any]) throws -> GPTConfiguration {
        let type = config["model_type"] as? String ?? "missing"
        let configuration: GPTConfiguration
        var unsupported: [String]
        switch type {
        case "gpt2": (configuration, unsupported) = try gpt2Configuration(config)
        case "llama", "qwen2", "mistral": (configuration, unsupported) = try llamaConfiguration(config, type: type)
        default:
            throw RLHFError.invalidWeights("config.json: model_type '\(type)' is not supported; Ascent loads \(supportedTypes.joined(separator: ", ")) models")
        }
        if config["add_cross_attention"] as? Bool == true { unsupported.append("add_cross_attention true") }
        guard unsupported.isEmpty else {
            throw RLHFError.invalidWeights("config.json asks for what Ascent's \(type) does not implement: \(unsupported.joined(separator: "; "))")
        }
        try configuration.validate()
        return configuration
    }

    private static func integer(_ config: [String: Any], _ key: String, or other: String? = nil) throws -> Int {
        guard let value = ((config[key] ?? other.flatMap { config[$0] }) as? NSNumber)?.intValue else {
            throw RLHFError.invalidWeights("config.json lacks the integer '\(key)'")
        }
        return value
    }

    private static func number(_ config: [String: Any], _ key: String) -> Float? { (config[key] as? NSNumber)?.floatValue }

    /// GPT-2's `config.json`, with the options Ascent's GPT cannot compute listed.
    private static func gpt2Configuration(_ config: [String: Any]) throws -> (GPTConfiguration, unsupported: [String]) {
        var c = GPTConfiguration(vocabularySize: try integer(config, "vocab_size"), contextLength: try integer(config, "n_positions", or: "n_ctx"),
                                 embeddingSize: try integer(config, "n_embd"), layers: try integer(config, "n_layer"), heads: try integer(config, "n_head"))
        c.normEpsilon = number(config, "layer_norm_epsilon") ?? c.normEpsilon
        c.feedForwardSize = (config["n_inner"] as? NSNumber)?.intValue ?? c.feedForwardSize
        c.tiedEmbeddings = config["tie_word_embeddings"] as? Bool ?? true
        var unsupported: [String] = []
        let activation = config["activation_function"] as? String ?? "gelu_new"
        if !["gelu_new", "gelu_pytorch_tanh", "gelu_fast"].contains(activation) {
            unsupported.append("activation_function '\(activation)' (Ascent's GPT-2 uses GELU's tanh form: gelu_new)")
        }
        for (key, expected) in [("scale_attn_weights", true), ("scale_attn_by_inverse_layer_idx", false), ("reorder_and_upcast_attn", false)]
            where (config[key] as? Bool ?? expected) != expected {
            unsupported.append("\(key) \(!expected)")
        }
        return (c, unsupported)
    }

    /// A Llama-family `config.json` (`llama`, `qwen2`, `mistral`): RMSNorm, rotary embedding,
    /// SwiGLU, grouped-query attention; Qwen2 adds biases to q/k/v. The rotary settings are read
    /// from `rope_parameters` (transformers 5) or `rope_theta` + `rope_scaling` (earlier files).
    private static func llamaConfiguration(_ config: [String: Any], type: String) throws -> (GPTConfiguration, unsupported: [String]) {
        let (width, heads) = (try integer(config, "hidden_size"), try integer(config, "num_attention_heads"))
        let rope = config["rope_parameters"] as? [String: Any] ?? config["rope_scaling"] as? [String: Any] ?? [:]
        var unsupported: [String] = []
        var scaling: GPTConfiguration.RotaryScaling?
        let ropeType = rope["rope_type"] as? String ?? rope["type"] as? String ?? "default"
        switch ropeType {
        case "default": scaling = nil
        case "linear": scaling = .linear(factor: number(rope, "factor") ?? 1)
        case "llama3":
            scaling = .llama3(factor: number(rope, "factor") ?? 1, lowFrequencyFactor: number(rope, "low_freq_factor") ?? 1,
                              highFrequencyFactor: number(rope, "high_freq_factor") ?? 4,
                              originalContext: (rope["original_max_position_embeddings"] as? NSNumber)?.intValue ?? 8192)
        default: unsupported.append("rope_type '\(ropeType)' (Ascent implements default, linear and llama3)")
        }
        let attentionBias = config["attention_bias"] as? Bool ?? false
        var c = GPTConfiguration.llama(
            vocabularySize: try integer(config, "vocab_size"), contextLength: try integer(config, "max_position_embeddings"),
            embeddingSize: width, layers: try integer(config, "num_hidden_layers"), heads: heads,
            keyValueHeads: (config["num_key_value_heads"] as? NSNumber)?.intValue ?? heads, feedForwardSize: try integer(config, "intermediate_size"),
            normEpsilon: number(config, "rms_norm_eps") ?? 1e-6, rotaryBase: number(rope, "rope_theta") ?? number(config, "rope_theta") ?? 10_000,
            rotaryScaling: scaling, tiedEmbeddings: config["tie_word_embeddings"] as? Bool ?? false,
            queryKeyValueBias: type == "qwen2" || attentionBias)
        c.attentionOutputBias = type != "qwen2" && attentionBias
        c.feedForwardBias = config["mlp_bias"] as? Bool ?? false
        let activation = config["hidden_act"] as? String ?? "silu"
        if activation != "silu" { unsupported.append("hidden_act '\(activation)' (SwiGLU with silu)") }
        if let headSize = (config["head_dim"] as? NSNumber)?.intValue, headSize.multipliedReportingOverflow(by: heads) != (width, false) {
            unsupported.append("head_dim \(headSize) (Ascent needs hidden_size / num_attention_heads = \(width / max(heads, 1)))")
        }
        if let window = (config["sliding_window"] as? NSNumber)?.intValue, window < c.contextLength,
           type == "mistral" || config["use_sliding_window"] as? Bool == true {
            unsupported.append("sliding_window \(window) (Ascent attends to the whole context)")
        }
        if let kinds = config["layer_types"] as? [String], let other = kinds.first(where: { $0 != "full_attention" }) {
            unsupported.append("layer_types '\(other)' (full_attention only)")
        }
        return (c, unsupported)
    }

    /// `config.json` for a model `transformers` loads as `GPT2LMHeadModel`, `LlamaForCausalLM`,
    /// or `Qwen2ForCausalLM` (biases on q/k/v only, which Llama's `attention_bias` cannot say).
    static func configJSON(_ c: GPTConfiguration, endOfText eos: Int) throws -> [String: Any] {
        var common: [String: Any] = ["vocab_size": c.vocabularySize, "tie_word_embeddings": c.tiedEmbeddings, "bos_token_id": eos,
                                     "eos_token_id": eos, "initializer_range": 0.02, "use_cache": true, "dtype": "float32"]
        guard c.family == .llama else {
            return common.merging([
                "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_positions": c.contextLength, "n_embd": c.embeddingSize,
                "n_layer": c.layers, "n_head": c.heads, "n_inner": c.feedForwardSize, "activation_function": "gelu_new",
                "layer_norm_epsilon": decimal(c.normEpsilon), "scale_attn_weights": true, "scale_attn_by_inverse_layer_idx": false,
                "reorder_and_upcast_attn": false, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
            ]) { $1 }
        }
        let qwen2 = c.queryKeyValueBias && !c.attentionOutputBias
        guard qwen2 || c.queryKeyValueBias == c.attentionOutputBias else {
            throw RLHFError.invalidInput("a Llama-family model with an output-projection bias but no q/k/v biases has no transformers equivalent")
        }
        var rope: [String: Any] = ["rope_type": "default", "rope_theta": decimal(c.rotaryBase)]
        switch c.rotaryScaling {
        case nil: break
        case .linear(let factor): rope.merge(["rope_type": "linear", "factor": decimal(factor)]) { $1 }
        case let .llama3(factor, low, high, original):
            rope.merge(["rope_type": "llama3", "factor": decimal(factor), "low_freq_factor": decimal(low), "high_freq_factor": decimal(high),
                        "original_max_position_embeddings": original]) { $1 }
        }
        common.merge([
            "architectures": [qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM"], "model_type": qwen2 ? "qwen2" : "llama",
            "hidden_size": c.embeddingSize, "intermediate_size": c.feedForwardSize, "num_hidden_layers": c.layers,
            "num_attention_heads": c.heads, "num_key_value_heads": c.keyValueHeads, "head_dim": c.headSize,
            "max_position_embeddings": c.contextLength, "rms_norm_eps": decimal(c.normEpsilon), "hidden_act": "silu",
            "rope_parameters": rope, "rope_theta": decimal(c.rotaryBase), "mlp_bias": c.feedForwardBias, "attention_dropout": 0.0,
        ]) { $1 }
        if !qwen2 { common["attention_bias"] = c.queryKeyValueBias }
        if c.rotaryScaling != nil { common["rope_scaling"] = rope }
        return common
    }

    /// A float32 setting as the shortest decimal that reads back to it (1e-06, not
    /// 9.99999997e-07), as Python wrote it.
    private static func decimal(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }
}
