import AscentTensor
import Foundation

/// LoRA fine-tuning of a GPT (Hu et al. 2021, as Hugging Face's PEFT applies it): low-rank
/// adapters on the projections named in ``targetModules``, every other weight frozen.
public struct LoRAConfiguration: Codable, Sendable, Equatable {
    /// r, the adapters' rank.
    public var rank = 8
    /// α: the update is scaled by α / r.
    public var alpha: Float = 16
    /// The projections to adapt, by their Hugging Face module names: GPT-2's `c_attn`,
    /// `c_proj` (both the attention's and the MLP's, as PEFT matches it), `c_fc`; the Llama
    /// family's `q_proj`, `k_proj`, `v_proj`, `o_proj`, `gate_proj`, `up_proj`, `down_proj`.
    /// Empty: PEFT's defaults (`c_attn`; `q_proj` and `v_proj`).
    public var targetModules: [String] = []

    public init(rank: Int = 8, alpha: Float = 16, targetModules: [String] = []) {
        (self.rank, self.alpha, self.targetModules) = (rank, alpha, targetModules)
    }

    /// The targets for `family`, PEFT's defaults when none are named.
    func targets(for family: GPTConfiguration.Family) -> [String] {
        targetModules.isEmpty ? (family == .gpt2 ? ["c_attn"] : ["q_proj", "v_proj"]) : targetModules
    }

    public func validate(for configuration: GPTConfiguration) throws {
        guard (1...4_096).contains(rank), alpha.isFinite, alpha > 0 else {
            throw RLHFError.invalidInput("LoRA needs a rank of 1...4096 and a positive alpha, got rank \(rank) and alpha \(alpha)")
        }
        let valid = configuration.family == .gpt2 ? ["c_attn", "c_proj", "c_fc"] : ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
        if let unknown = targets(for: configuration.family).first(where: { !valid.contains($0) }) {
            throw RLHFError.invalidInput("LoRA target '\(unknown)' is not a projection of a \(configuration.family.rawValue) model; valid: \(valid.joined(separator: ", "))")
        }
    }
}

/// An adapter on rows `rows` of a projection's output (q, k or v of the fused q/k/v
/// projection; gate or up of the fused MLP input; or all of it), under its Hugging Face name.
final class ProjectionAdapter: Module {
    let adapter: LowRankAdapter
    let rows: Range<Int>
    /// The module PEFT would name, `model.layers.0.self_attn.q_proj`.
    let moduleName: String

    init(_ adapter: LowRankAdapter, rows: Range<Int>, moduleName: String) {
        (self.adapter, self.rows, self.moduleName) = (adapter, rows, moduleName)
    }
}

/// `linear(x)` plus each adapter's update on its rows (zeros elsewhere).
func adapted(_ linear: Linear, _ adapters: [ProjectionAdapter], _ x: Tensor) -> Tensor {
    let base = linear(x)
    guard !adapters.isEmpty else { return base }
    let leading = Array(x.shape.dropLast())
    var pieces: [Tensor] = [], row = 0
    for a in adapters.sorted(by: { $0.rows.lowerBound < $1.rows.lowerBound }) {
        if a.rows.lowerBound > row { pieces.append(.zeros(leading + [a.rows.lowerBound - row])) }
        pieces.append(a.adapter(x))
        row = a.rows.upperBound
    }
    if row < linear.outputSize { pieces.append(.zeros(leading + [linear.outputSize - row])) }
    return base + (pieces.count == 1 ? pieces[0] : Tensor.concatenate(pieces, alongAxis: x.rank - 1))
}

extension GPT {
    /// The projections a target name selects: (linear, the rows adapted, PEFT's module name, block).
    private func projections(named target: String) -> [(Linear, Range<Int>, String, Int)] {
        let c = configuration
        let (q, kv, f) = (c.heads * c.headSize, c.keyValueHeads * c.headSize, c.feedForwardSize)
        var result: [(Linear, Range<Int>, String, Int)] = []
        for (i, block) in blocks.enumerated() {
            let (gpt2, llama) = ("transformer.h.\(i).", "model.layers.\(i).")
            let a = block.attention
            switch (c.family, target) {
            case (.gpt2, "c_attn"): result.append((a.queryKeyValue, 0..<(q + 2 * kv), gpt2 + "attn.c_attn", i))
            case (.gpt2, "c_proj"): result += [(a.output, 0..<c.embeddingSize, gpt2 + "attn.c_proj", i), (block.down, 0..<c.embeddingSize, gpt2 + "mlp.c_proj", i)]
            case (.gpt2, "c_fc"): result.append((block.up, 0..<f, gpt2 + "mlp.c_fc", i))
            case (.llama, "q_proj"): result.append((a.queryKeyValue, 0..<q, llama + "self_attn.q_proj", i))
            case (.llama, "k_proj"): result.append((a.queryKeyValue, q..<(q + kv), llama + "self_attn.k_proj", i))
            case (.llama, "v_proj"): result.append((a.queryKeyValue, (q + kv)..<(q + 2 * kv), llama + "self_attn.v_proj", i))
            case (.llama, "o_proj"): result.append((a.output, 0..<c.embeddingSize, llama + "self_attn.o_proj", i))
            case (.llama, "gate_proj"): result.append((block.up, 0..<f, llama + "mlp.gate_proj", i))
            case (.llama, "up_proj"): result.append((block.up, f..<(2 * f), llama + "mlp.up_proj", i))
            case (.llama, "down_proj"): result.append((block.down, 0..<c.embeddingSize, llama + "mlp.down_proj", i))
            default: break
            }
        }
        return result
    }

    /// Every adapter, with the projection it adapts.
    var adapters: [(linear: Linear, adapter: ProjectionAdapter)] {
        blocks.flatMap { b in
            b.attention.queryKeyValueAdapters.map { (b.attention.queryKeyValue, $0) } + b.attention.outputAdapters.map { (b.attention.output, $0) }
                + b.upAdapters.map { (b.up, $0) } + b.downAdapters.map { (b.down, $0) }
        }
    }

    /// Attaches LoRA adapters to the projections `lora` targets and freezes every other
    /// weight, so optimisers built from ``trainableParameters()`` train the adapters alone.
    public func addAdapters(_ lora: LoRAConfiguration, generator: inout RandomGenerator) throws {
        try lora.validate(for: configuration)
        guard adapters.isEmpty else { throw RLHFError.invalidInput("the model already has LoRA adapters; merge them first") }
        for parameter in parameters { parameter.setFrozen(true) }
        for target in lora.targets(for: configuration.family) {
            for (linear, rows, name, layer) in projections(named: target) {
                let adapter = ProjectionAdapter(LowRankAdapter(inputSize: linear.inputSize, outputSize: rows.count, rank: lora.rank, alpha: lora.alpha,
                                                               generator: &generator), rows: rows, moduleName: name)
                let block = blocks[layer]
                if linear === block.attention.queryKeyValue { block.attention.queryKeyValueAdapters.append(adapter) }
                else if linear === block.attention.output { block.attention.outputAdapters.append(adapter) }
                else if linear === block.up { block.upAdapters.append(adapter) }
                else { block.downAdapters.append(adapter) }
            }
        }
    }

    /// Folds every adapter into its projection's weight (W[rows] += (α / r) · B A), removes the
    /// adapters and unfreezes the weights: the model then computes what it computed with them.
    public func mergeAdapters() {
        for (linear, projection) in adapters {
            let weight = linear.weight.value
            let rows = projection.rows
            let slice = weight.slice(alongAxis: 0, rows)
            let merged = projection.adapter.merged(into: slice)
            var pieces: [Tensor] = []
            if rows.lowerBound > 0 { pieces.append(weight.slice(alongAxis: 0, 0..<rows.lowerBound)) }
            pieces.append(merged)
            if rows.upperBound < linear.outputSize { pieces.append(weight.slice(alongAxis: 0, rows.upperBound..<linear.outputSize)) }
            linear.weight.assign(pieces.count == 1 ? pieces[0] : Tensor.concatenate(pieces, alongAxis: 0))
        }
        for block in blocks {
            (block.attention.queryKeyValueAdapters, block.attention.outputAdapters, block.upAdapters, block.downAdapters) = ([], [], [], [])
        }
        for parameter in parameters { parameter.setFrozen(false) }
    }

    /// The adapters as PEFT saves them: `adapter_config.json` and `adapter_model.safetensors`
    /// (`base_model.model.<module>.lora_A.weight` `[r, in]` and `lora_B.weight` `[out, r]`),
    /// which `PeftModel.from_pretrained` applies to the base model.
    public func adapterFiles(_ lora: LoRAConfiguration) throws -> (config: Data, weights: SafeTensors) {
        var tensors: [String: Tensor] = [:]
        for (_, projection) in adapters {
            tensors["base_model.model.\(projection.moduleName).lora_A.weight"] = projection.adapter.down.value.detached().copied()
            tensors["base_model.model.\(projection.moduleName).lora_B.weight"] = projection.adapter.up.value.detached().copied()
        }
        let config: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": lora.rank, "lora_alpha": Double("\(lora.alpha)") ?? Double(lora.alpha),
            "lora_dropout": 0.0, "target_modules": lora.targets(for: configuration.family), "bias": "none",
            "fan_in_fan_out": configuration.family == .gpt2, "base_model_name_or_path": NSNull(), "inference_mode": true,
        ]
        return (try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]), SafeTensors(tensors: tensors, metadata: ["format": "pt"]))
    }
}
