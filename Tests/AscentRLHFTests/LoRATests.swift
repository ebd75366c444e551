import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

/// LoRA on GPT-2 and Llama-family models: adapters start as no-ops, only they train, the base
/// stays frozen, merging reproduces the adapted model, and the files use PEFT's names.
@Suite("LoRA adapters")
struct LoRATests {
    static let shapes: [String: GPTConfiguration] = [
        "gpt2": GPTConfiguration(vocabularySize: 40, contextLength: 16, embeddingSize: 16, layers: 2, heads: 2),
        "llama": .llama(vocabularySize: 40, contextLength: 16, embeddingSize: 16, layers: 2, heads: 4, keyValueHeads: 2, feedForwardSize: 24),
    ]

    func loss(_ model: GPT, _ tokens: [Int]) -> Tensor {
        let batch = TokenBatch([TokenSequence(tokens: tokens, trained: Array(repeating: true, count: tokens.count))], contextLength: 16, padding: 0)
        return model(batch.inputs).crossEntropy(targets: batch.targets, mask: batch.mask)
    }

    @Test(arguments: ["gpt2", "llama"]) func adaptersTrainAloneAndMergeExactly(_ family: String) throws {
        var generator = RandomGenerator(seed: 2)
        let model = try GPT(Self.shapes[family]!, generator: &generator)
        let tokens = [1, 5, 9, 3, 7, 2, 8, 4]
        let input = IntTensor(shape: [1, tokens.count], tokens)
        let before = model(input).scalars
        let base = model.parameters.map { $0.value.scalars }
        let lora = LoRAConfiguration(rank: 2, alpha: 4, targetModules: family == "gpt2" ? ["c_attn", "c_proj"] : ["q_proj", "v_proj", "down_proj"])
        try model.addAdapters(lora, generator: &generator)
        #expect(model(input).scalars == before, "B starts at zero: the adapted model computes what the base did")
        let trainable = model.trainableParameters()
        // gpt2: c_attn (16→48) and both c_proj per layer; llama: q (16→16), v (16→8), down (24→16) per layer.
        let expected = family == "gpt2" ? 2 * (2 * (16 + 48) + 2 * (2 * (16 + 16) + 2 * (64 + 16)) / 2) : 2 * 2 * ((16 + 16) + (16 + 8) + (24 + 16))
        #expect(trainable.count == 2 * model.adapters.count && trainable.map(\.parameter.count).reduce(0, +) == expected)
        let optimizer = Adam(trainable, learningRate: 0.05)
        let start = loss(model, tokens).item
        for _ in 0..<20 {
            optimizer.zeroGradients()
            loss(model, tokens).backward()
            optimizer.step()
        }
        #expect(loss(model, tokens).item < start - 0.1, "the adapters learn")
        let frozen = model.namedParameters().filter { !$0.name.contains("Adapters") }.map { $0.parameter.value.scalars }
        #expect(frozen == base, "the base weights never change")
        let (config, weights) = try model.adapterFiles(lora)
        let adapted = model(input).scalars
        model.mergeAdapters()
        #expect(model.adapters.isEmpty && model.trainableParameters().count == model.namedParameters().count)
        let merged = model(input).scalars
        #expect(zip(adapted, merged).map { abs($0 - $1) }.max()! < 1e-4, "merging reproduces the adapted model")
        // PEFT's names and shapes.
        let names = weights.tensors.keys.sorted()
        if family == "gpt2" {
            #expect(names.contains("base_model.model.transformer.h.1.attn.c_attn.lora_A.weight") && names.contains("base_model.model.transformer.h.0.mlp.c_proj.lora_B.weight"))
            #expect(weights.tensors["base_model.model.transformer.h.0.attn.c_attn.lora_B.weight"]!.shape == [48, 2])
        } else {
            #expect(weights.tensors["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"]!.shape == [8, 2])
            #expect(weights.tensors["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"]!.shape == [2, 24])
        }
        let json = try JSONSerialization.jsonObject(with: config) as! [String: Any]
        #expect(json["peft_type"] as? String == "LORA" && json["r"] as? Int == 2 && (json["fan_in_fan_out"] as? Bool) == (family == "gpt2"))
    }

    @Test func badConfigurationsAreRefusedByName() throws {
        var generator = RandomGenerator(seed: 2)
        let model = try GPT(Self.shapes["llama"]!, generator: &generator)
        #expect(throws: RLHFError.self) { try model.addAdapters(LoRAConfiguration(targetModules: ["c_attn"]), generator: &generator) }
        #expect(throws: RLHFError.self) { try model.addAdapters(LoRAConfiguration(rank: 0), generator: &generator) }
        try model.addAdapters(LoRAConfiguration(), generator: &generator)
        #expect(throws: RLHFError.self) { try model.addAdapters(LoRAConfiguration(), generator: &generator) }
    }
}
