import AscentTensor
import Foundation

/// GPT weights under Hugging Face's tensor names, so real checkpoints load and ours load in
/// `transformers`.
///
/// - GPT-2: `wte.weight`, `wpe.weight`, `h.N.ln_1.weight`, `h.N.attn.c_attn.weight`, …,
///   `ln_f.bias`. GPT-2's `Conv1D` layers store weights `[in, out]`, the transpose of
///   `Linear`'s `[out, in]`; the mapping transposes them. A `transformer.` prefix (as in
///   `GPT2LMHeadModel` files) is accepted on load, a tied `lm_head.weight` ignored.
/// - Llama family: `model.embed_tokens.weight`, `model.layers.N.input_layernorm.weight`,
///   `….self_attn.q_proj.weight` (and `k_proj`, `v_proj`, concatenated into one fused
///   projection), `….mlp.gate_proj.weight` and `up_proj` (concatenated), `down_proj`,
///   `model.norm.weight`, and `lm_head.weight` when untied. Rotary `inv_freq` buffers that old
///   files carry are ignored (the frequencies come from the configuration).
extension GPT {
    /// One parameter and the file tensors it is made of: `parts` are stacked along the first
    /// axis of our `[out, in]` layout (`rows` each); `transposed` parts are stored `[in, out]`.
    struct WeightName {
        let parameter: Parameter
        let parts: [(name: String, rows: Int)]
        let transposed: Bool

        init(_ name: String, _ parameter: Parameter, transposed: Bool = false) {
            self.init(parameter, parts: [(name, parameter.shape[0])], transposed: transposed)
        }

        init(_ parameter: Parameter, parts: [(name: String, rows: Int)], transposed: Bool = false) {
            (self.parameter, self.parts, self.transposed) = (parameter, parts, transposed)
        }
    }

    /// Every parameter under its Hugging Face name(s).
    var huggingFaceNames: [WeightName] {
        configuration.family == .gpt2 ? gpt2Names : llamaNames
    }

    private var gpt2Names: [WeightName] {
        var result = [WeightName("wte.weight", tokenEmbedding.weight), WeightName("wpe.weight", positionEmbedding!.weight)]
        for (i, block) in blocks.enumerated() {
            let p = "h.\(i)."
            let norms = [(p + "ln_1", block.attentionNorm as! LayerNorm), (p + "ln_2", block.mlpNorm as! LayerNorm)]
            result += norms.flatMap { [WeightName($0.0 + ".weight", $0.1.weight), WeightName($0.0 + ".bias", $0.1.bias)] }
            for (name, linear) in [("attn.c_attn", block.attention.queryKeyValue), ("attn.c_proj", block.attention.output),
                                   ("mlp.c_fc", block.up), ("mlp.c_proj", block.down)] {
                result += [WeightName(p + name + ".weight", linear.weight, transposed: true), WeightName(p + name + ".bias", linear.bias!)]
            }
        }
        let final = finalNorm as! LayerNorm
        result += [WeightName("ln_f.weight", final.weight), WeightName("ln_f.bias", final.bias)]
        if let outputProjection { result.append(WeightName("lm_head.weight", outputProjection.weight)) }
        return result
    }

    private var llamaNames: [WeightName] {
        let c = configuration
        let (q, kv, f) = (c.heads * c.headSize, c.keyValueHeads * c.headSize, c.feedForwardSize)
        var result = [WeightName("model.embed_tokens.weight", tokenEmbedding.weight)]
        for (i, block) in blocks.enumerated() {
            let p = "model.layers.\(i)."
            let projections = [(p + "self_attn.q_proj", q), (p + "self_attn.k_proj", kv), (p + "self_attn.v_proj", kv)]
            result += [WeightName(p + "input_layernorm.weight", block.attentionNorm.weight),
                       WeightName(block.attention.queryKeyValue.weight, parts: projections.map { ($0.0 + ".weight", $0.1) })]
            if let bias = block.attention.queryKeyValue.bias { result.append(WeightName(bias, parts: projections.map { ($0.0 + ".bias", $0.1) })) }
            result.append(WeightName(p + "self_attn.o_proj.weight", block.attention.output.weight))
            if let bias = block.attention.output.bias { result.append(WeightName(p + "self_attn.o_proj.bias", bias)) }
            result += [WeightName(p + "post_attention_layernorm.weight", block.mlpNorm.weight),
                       WeightName(block.up.weight, parts: [(p + "mlp.gate_proj.weight", f), (p + "mlp.up_proj.weight", f)]),
                       WeightName(p + "mlp.down_proj.weight", block.down.weight)]
            if let bias = block.up.bias { result.append(WeightName(bias, parts: [(p + "mlp.gate_proj.bias", f), (p + "mlp.up_proj.bias", f)])) }
            if let bias = block.down.bias { result.append(WeightName(p + "mlp.down_proj.bias", bias)) }
        }
        result.append(WeightName("model.norm.weight", finalNorm.weight))
        if let outputProjection { result.append(WeightName("lm_head.weight", outputProjection.weight)) }
        return result
    }

    /// File tensors that carry no weights of ours: GPT-2's causal-mask buffers, rotary
    /// frequency buffers, and a tied output projection.
    private func isIgnored(_ name: String) -> Bool {
        name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") || name.hasSuffix("rotary_emb.inv_freq")
            || (name == "lm_head.weight" && configuration.tiedEmbeddings)
    }

    /// The weights under Hugging Face names, with the configuration in the metadata (GPT-2's
    /// `n_embd`, … and the whole configuration as JSON under `ascent.configuration`).
    public func huggingFaceCheckpoint() -> SafeTensors {
        var tensors: [String: Tensor] = [:]
        for entry in huggingFaceNames {
            let value = entry.parameter.value.detached()
            var row = 0
            for part in entry.parts {
                let piece = entry.parts.count == 1 ? value.copied() : value.slice(alongAxis: 0, row..<(row + part.rows))
                tensors[part.name] = entry.transposed ? piece.transposed() : piece
                row += part.rows
            }
        }
        let c = configuration
        var metadata = ["format": "pt", "n_embd": "\(c.embeddingSize)", "n_layer": "\(c.layers)", "n_head": "\(c.heads)",
                        "n_positions": "\(c.contextLength)", "vocab_size": "\(c.vocabularySize)"]
        if let json = try? JSONEncoder().encode(c) { metadata["ascent.configuration"] = String(decoding: json, as: UTF8.self) }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// Loads Hugging Face weights of the configuration's family. Every tensor must be present
    /// with the configuration's shape; missing, unexpected and mis-shaped tensors are all listed
    /// in one error.
    public func load(huggingFace file: SafeTensors) throws { try load(huggingFace: file, adopting: false) }

    /// `adopting`: the parameters take the file's tensors' storage instead of copying it, for
    /// a file decoded only to build this model (nothing else may hold or change its tensors).
    func load(huggingFace file: SafeTensors, adopting: Bool) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in file.tensors where !isIgnored(name) {
            let bare = configuration.family == .gpt2 && name.hasPrefix("transformer.") ? String(name.dropFirst("transformer.".count)) : name
            tensors[bare] = tensor
        }
        let expected = huggingFaceNames
        let names = Set(expected.flatMap { $0.parts.map(\.name) })
        var problems: [String] = []
        let missing = expected.flatMap { $0.parts.map(\.name) }.filter { tensors[$0] == nil }
        if !missing.isEmpty { problems.append("missing \(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? " and \(missing.count - 8) more" : "")") }
        // Integer and boolean tensors: mask buffers are ignored, any other is unexpected.
        let unexpected = (tensors.keys.filter { !names.contains($0) } + file.nonFloatTensors.keys.filter { !isIgnored($0) }).sorted()
        if !unexpected.isEmpty { problems.append("unexpected \(unexpected.prefix(8).joined(separator: ", "))") }
        let embedding = configuration.family == .gpt2 ? "wte.weight" : "model.embed_tokens.weight"
        if configuration.tiedEmbeddings, let head = file.tensors["lm_head.weight"], head.scalars != tensors[embedding]?.scalars {
            problems.append("unexpected lm_head.weight: the configuration ties the output projection to \(embedding), but the file's differs from it")
        }
        let columns = { (entry: WeightName) in entry.parameter.shape.dropFirst() }
        for entry in expected {
            for part in entry.parts {
                guard let tensor = tensors[part.name] else { continue }
                let shape = [part.rows] + columns(entry)
                let stored = entry.transposed ? Array(shape.reversed()) : shape
                if tensor.shape != stored { problems.append("\(part.name) has shape \(tensor.shape), the model needs \(stored)") }
            }
        }
        guard problems.isEmpty else {
            throw RLHFError.invalidWeights("the \(configuration.family.rawValue) weights do not fit a model with \(configuration.summary): "
                                           + problems.joined(separator: "; "))
        }
        for entry in expected {
            let parts = entry.parts.map { entry.transposed ? tensors[$0.name]!.transposed() : tensors[$0.name]! }
            let value = parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 0)
            if adopting || entry.transposed || parts.count > 1 { entry.parameter.adopt(value) } else { entry.parameter.assign(value) }
        }
    }
}

extension GPTConfiguration {
    /// The shape in a few words, for error messages.
    var summary: String {
        let grouped = keyValueHeads == heads ? "" : " (\(keyValueHeads) key/value)"
        return "\(layers) layers, width \(embeddingSize), \(heads) heads\(grouped), MLP \(feedForwardSize), vocabulary \(vocabularySize), context \(contextLength)"
    }
}

extension GPT {
    /// A model built from a Hugging Face weights file's own shape: the configuration JSON in its
    /// metadata (as ``huggingFaceCheckpoint()`` writes), else GPT-2's `n_embd`, `n_layer`,
    /// `n_head`, `n_positions` and `vocab_size` from the metadata or the tensor shapes.
    public convenience init(huggingFace file: SafeTensors) throws {
        if let json = file.metadata["ascent.configuration"] {
            guard let configuration = try? JSONDecoder().decode(GPTConfiguration.self, from: Data(json.utf8)) else {
                throw RLHFError.invalidWeights("the file's 'ascent.configuration' metadata is not a GPT configuration")
            }
            try self.init(loading: configuration)
            try load(huggingFace: file)
            return
        }
        func tensorsNamed(_ name: String) -> Tensor? { file.tensors[name] ?? file.tensors["transformer." + name] }
        guard let wte = tensorsNamed("wte.weight"), let wpe = tensorsNamed("wpe.weight"), wte.rank == 2, wpe.rank == 2 else {
            throw RLHFError.invalidWeights("not GPT-2 weights: 'wte.weight' and 'wpe.weight' (2-D) are required (a Llama-family file needs its config.json: load the model folder)")
        }
        let layers = file.metadata["n_layer"].flatMap(Int.init)
            ?? Set(file.tensors.keys.compactMap { $0.split(separator: ".").drop { $0 != "h" }.dropFirst().first.flatMap { Int($0) } }).count
        guard let heads = file.metadata["n_head"].flatMap(Int.init) else {
            throw RLHFError.invalidWeights("the file's metadata lacks 'n_head' (the head count cannot be read from tensor shapes); add it")
        }
        let configuration = GPTConfiguration(vocabularySize: wte.shape[0], contextLength: wpe.shape[0], embeddingSize: wte.shape[1],
                                             layers: layers, heads: heads)
        try self.init(loading: configuration)
        try load(huggingFace: file)
    }
}
