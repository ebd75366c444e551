import AscentTensor
import Foundation

/// GPT weights under Hugging Face's GPT-2 tensor names, so real GPT-2 checkpoints load and
/// ours load in `transformers`: `wte.weight`, `wpe.weight`, `h.N.ln_1.weight`,
/// `h.N.attn.c_attn.weight`, …, `ln_f.bias`. GPT-2's `Conv1D` layers store weights
/// `[in, out]`, the transpose of `Linear`'s `[out, in]`; the mapping transposes them.
/// A `transformer.` prefix (as in `GPT2LMHeadModel` files) is accepted on load, and a tied
/// `lm_head.weight` is ignored.
extension GPT {
    /// (Hugging Face name, parameter, stored transposed) for every parameter.
    private var huggingFaceNames: [(name: String, parameter: Parameter, transposed: Bool)] {
        var result: [(String, Parameter, Bool)] = [("wte.weight", tokenEmbedding.weight, false), ("wpe.weight", positionEmbedding.weight, false)]
        for (i, block) in blocks.enumerated() {
            let p = "h.\(i)."
            result += [(p + "ln_1.weight", block.attentionNorm.weight, false), (p + "ln_1.bias", block.attentionNorm.bias, false),
                       (p + "attn.c_attn.weight", block.attention.queryKeyValue.weight, true), (p + "attn.c_attn.bias", block.attention.queryKeyValue.bias!, false),
                       (p + "attn.c_proj.weight", block.attention.output.weight, true), (p + "attn.c_proj.bias", block.attention.output.bias!, false),
                       (p + "ln_2.weight", block.mlpNorm.weight, false), (p + "ln_2.bias", block.mlpNorm.bias, false),
                       (p + "mlp.c_fc.weight", block.up.weight, true), (p + "mlp.c_fc.bias", block.up.bias!, false),
                       (p + "mlp.c_proj.weight", block.down.weight, true), (p + "mlp.c_proj.bias", block.down.bias!, false)]
        }
        result += [("ln_f.weight", finalNorm.weight, false), ("ln_f.bias", finalNorm.bias, false)]
        return result
    }

    /// The weights under Hugging Face names (with the configuration in the metadata).
    public func huggingFaceCheckpoint() -> SafeTensors {
        var tensors: [String: Tensor] = [:]
        for (name, parameter, transposed) in huggingFaceNames {
            tensors[name] = transposed ? parameter.value.detached().transposed() : parameter.value.detached().copied()
        }
        let c = configuration
        let metadata = ["format": "pt", "n_embd": "\(c.embeddingSize)", "n_layer": "\(c.layers)", "n_head": "\(c.heads)",
                        "n_positions": "\(c.contextLength)", "vocab_size": "\(c.vocabularySize)"]
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// Loads Hugging Face GPT-2 weights. Every tensor must be present with the configuration's
    /// shape; missing, unexpected and mis-shaped tensors are all listed in one error.
    public func load(huggingFace file: SafeTensors) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in file.tensors {
            let bare = name.hasPrefix("transformer.") ? String(name.dropFirst("transformer.".count)) : name
            if bare == "lm_head.weight" || bare.hasSuffix(".attn.bias") || bare.hasSuffix(".attn.masked_bias") { continue }  // tied head, causal-mask buffers
            tensors[bare] = tensor
        }
        let expected = huggingFaceNames
        let names = Set(expected.map(\.name))
        var problems: [String] = []
        let missing = expected.map(\.name).filter { tensors[$0] == nil }
        if !missing.isEmpty { problems.append("missing \(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? " and \(missing.count - 8) more" : "")") }
        // Integer and boolean tensors: GPT-2's causal-mask buffers are ignored, any other is unexpected.
        let unexpected = (tensors.keys.filter { !names.contains($0) }
            + file.nonFloatTensors.keys.filter { !$0.hasSuffix(".attn.bias") && !$0.hasSuffix(".attn.masked_bias") }).sorted()
        if !unexpected.isEmpty { problems.append("unexpected \(unexpected.prefix(8).joined(separator: ", "))") }
        for (name, parameter, transposed) in expected {
            guard let tensor = tensors[name] else { continue }
            let shape = transposed ? Array(parameter.shape.reversed()) : parameter.shape
            if tensor.shape != shape { problems.append("\(name) has shape \(tensor.shape), the model needs \(shape)") }
        }
        guard problems.isEmpty else {
            throw RLHFError.invalidWeights("the GPT-2 weights do not fit a model with \(configuration): " + problems.joined(separator: "; "))
        }
        for (name, parameter, transposed) in expected {
            parameter.assign(transposed ? tensors[name]!.transposed() : tensors[name]!)
        }
    }
}

extension GPT {
    /// A model built from a Hugging Face GPT-2 file's own shape: `n_embd`, `n_layer`, `n_head`,
    /// `n_positions` and `vocab_size` from its metadata (as ``huggingFaceCheckpoint()`` writes)
    /// or, failing that, from the tensor shapes.
    public convenience init(huggingFace file: SafeTensors) throws {
        func tensorsNamed(_ name: String) -> Tensor? { file.tensors[name] ?? file.tensors["transformer." + name] }
        guard let wte = tensorsNamed("wte.weight"), let wpe = tensorsNamed("wpe.weight"), wte.rank == 2, wpe.rank == 2 else {
            throw RLHFError.invalidWeights("not GPT-2 weights: 'wte.weight' and 'wpe.weight' (2-D) are required")
        }
        let layers = file.metadata["n_layer"].flatMap(Int.init)
            ?? Set(file.tensors.keys.compactMap { $0.split(separator: ".").drop { $0 != "h" }.dropFirst().first.flatMap { Int($0) } }).count
        guard let heads = file.metadata["n_head"].flatMap(Int.init) else {
            throw RLHFError.invalidWeights("the file's metadata lacks 'n_head' (the head count cannot be read from tensor shapes); add it")
        }
        let configuration = GPTConfiguration(vocabularySize: wte.shape[0], contextLength: wpe.shape[0], embeddingSize: wte.shape[1],
                                             layers: layers, heads: heads)
        var generator = RandomGenerator(seed: 0, stream: "gpt-load")
        try self.init(configuration, generator: &generator)
        try load(huggingFace: file)
    }
}
