import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

/// Model folders written by `transformers` (`scripts/huggingface_fixtures.py`: a tiny GPT-2, a
/// Llama with grouped-query attention, an untied head and Llama 3.1's rotary scaling, and a
/// Qwen2 with q/k/v biases and tied embeddings, all with random weights and a byte-level BPE
/// tokenizer) load from their own files, tokenize as `transformers` does, compute their logits
/// to 1e-5 and their greedy continuations exactly, and save back as folders that load to the
/// same models.
@Suite("Hugging Face model folders")
struct HuggingFaceFolderTests {
    struct Reference: Decodable {
        struct Sample: Decodable { let text: String; let ids: [Int] }
        let samples: [Sample]
        let prompt: [Int]
        let logits: [[Float]]
        let greedy: [Int]
        let eos: Int
    }

    static let fixtures = ["gpt2-tiny", "llama-tiny", "qwen2-tiny"]

    /// The shapes `scripts/huggingface_fixtures.py` gives the fixtures.
    static let configurations: [String: GPTConfiguration] = [
        "gpt2-tiny": GPTConfiguration(vocabularySize: 320, contextLength: 32, embeddingSize: 16, layers: 2, heads: 2),
        "llama-tiny": .llama(vocabularySize: 320, contextLength: 64, embeddingSize: 32, layers: 2, heads: 4, keyValueHeads: 2, feedForwardSize: 48,
                             rotaryBase: 500_000, rotaryScaling: .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalContext: 16)),
        "qwen2-tiny": .llama(vocabularySize: 320, contextLength: 64, embeddingSize: 32, layers: 2, heads: 4, keyValueHeads: 1, feedForwardSize: 48,
                             normEpsilon: 1e-5, tiedEmbeddings: true, queryKeyValueBias: true),
    ]

    func folder(_ name: String = "gpt2-tiny") throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    func reference(_ name: String) throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: try folder(name).appendingPathComponent("reference.json")))
    }

    @Test(arguments: fixtures) func folderWrittenByTransformersMatchesItsLogitsAndTokens(_ name: String) throws {
        let (model, tokenizer) = try HuggingFaceFolder.load(try folder(name))
        let reference = try reference(name)
        #expect(model.configuration == Self.configurations[name])
        #expect(model.parameterCount == model.configuration.parameterCount)
        #expect(tokenizer.endOfText == reference.eos)
        for sample in reference.samples {
            #expect(tokenizer.encode(sample.text) == sample.ids, "\(sample.text.debugDescription)")
            #expect(try tokenizer.decodeText(sample.ids) == sample.text)
        }
        let logits = model(IntTensor(shape: [1, reference.prompt.count], reference.prompt)).scalars
        let expected = reference.logits.flatMap { $0 }
        #expect(logits.count == expected.count)
        let worst = zip(logits, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "largest logit difference \(worst)")
        // Greedy decoding, with the KV cache (generate) and by full recompute at each step.
        var generator = RandomGenerator(seed: 1)
        let cached = try model.generate(prompts: [reference.prompt], maxNewTokens: reference.greedy.count, sampling: SamplingSettings(temperature: 0),
                                        generator: &generator)[0]
        #expect(cached == reference.greedy)
        var tokens = reference.prompt
        for _ in reference.greedy.indices {
            let row = model(IntTensor(shape: [1, tokens.count], tokens)).scalars.suffix(320)
            tokens.append(row.indices.max { row[$0] < row[$1] }! - row.startIndex)
        }
        #expect(Array(tokens.dropFirst(reference.prompt.count)) == reference.greedy)
    }

    @Test(arguments: fixtures) func savedFolderLoadsBackToTheSameModel(_ name: String) throws {
        let (model, tokenizer) = try HuggingFaceFolder.load(try folder(name))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-hf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceFolder.save(model, tokenizer: tokenizer, to: out)
        let (again, tokenizerAgain) = try HuggingFaceFolder.load(out)
        #expect(tokenizerAgain == tokenizer)
        #expect(again.configuration == model.configuration)
        #expect(again.namedParameters().map { $0.parameter.value.scalars } == model.namedParameters().map { $0.parameter.value.scalars })
        // The file holds exactly the tensors transformers wrote, with the same values.
        let original = try SafeTensors.read(from: try folder(name).appendingPathComponent("model.safetensors"))
        let saved = try SafeTensors.read(from: out.appendingPathComponent("model.safetensors"))
        #expect(saved.tensors.keys.sorted() == original.tensors.keys.sorted())
        #expect(saved.tensors.allSatisfy { $0.value.scalars == original.tensors[$0.key]?.scalars })
        guard name == "gpt2-tiny" else { return }
        // Integer or boolean tensors: GPT-2's mask buffers are ignored, others refused by name.
        var weights = try SafeTensors.read(from: out.appendingPathComponent("model.safetensors"))
        weights.nonFloatTensors["transformer.h.0.attn.bias"] = ("BOOL", [1, 1, 32, 32])
        try again.load(huggingFace: weights)
        weights.nonFloatTensors["transformer.position_ids"] = ("I64", [1, 32])
        #expect(throws: RLHFError.self) { try again.load(huggingFace: weights) }
        let names = weights.tensors.keys
        #expect(names.allSatisfy { $0.hasPrefix("transformer.") } && names.count == 4 + 12 * 2, "GPT2LMHeadModel's names, tied head")
        // Without tokenizer.json, vocab.json + merges.txt give the same tokenizer.
        try FileManager.default.removeItem(at: out.appendingPathComponent("tokenizer.json"))
        #expect(try HuggingFaceFolder.load(out).tokenizer == tokenizer)
    }

    @Test func unsupportedConfigurationsAndFilesAreRefusedByName() throws {
        let source = try folder()
        func refusal(_ edit: (URL) throws -> Void) throws -> String {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-hf-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: copy) }
            try FileManager.default.copyItem(at: source, to: copy)
            try edit(copy)
            do {
                _ = try HuggingFaceFolder.load(copy)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        func editConfig(_ change: @escaping (inout [String: Any]) -> Void) -> (URL) throws -> Void {
            { url in
                let path = url.appendingPathComponent("config.json")
                var config = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
                change(&config)
                try JSONSerialization.data(withJSONObject: config).write(to: path)
            }
        }
        #expect(try refusal(editConfig { $0["model_type"] = "t5" }).contains("model_type 't5' is not supported"))
        #expect(try refusal(editConfig { $0["activation_function"] = "relu" }).contains("activation_function 'relu'"))
        #expect(try refusal(editConfig { $0["scale_attn_by_inverse_layer_idx"] = true }).contains("scale_attn_by_inverse_layer_idx true"))
        #expect(try refusal(editConfig { $0["tie_word_embeddings"] = false }).contains("missing lm_head.weight"))
        #expect(try refusal(editConfig { $0["n_layer"] = 3 }).contains("missing h.2.ln_1.weight"))
        #expect(try refusal(editConfig { $0["vocab_size"] = 321 }).contains("the tokenizer has 320 tokens but config.json's vocab_size is 321"))
        #expect(try refusal { try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors")) }
            .contains("has no model.safetensors or model.safetensors.index.json"))
        #expect(try refusal(editConfig { $0["n_inner"] = 48 }).contains("h.0.mlp.c_fc.weight has shape [16, 64], the model needs [16, 48]"))
        #expect(try refusal { url in
            let path = url.appendingPathComponent("tokenizer.json")
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
            json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"]
            try JSONSerialization.data(withJSONObject: json).write(to: path)
        }.contains("the pre-tokenizer is Metaspace"))
    }

    @Test func unsupportedLlamaFamilyOptionsAreRefusedByName() throws {
        let source = try folder("llama-tiny")
        func refusal(_ change: @escaping (inout [String: Any]) -> Void) throws -> String {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-hf-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: copy) }
            try FileManager.default.copyItem(at: source, to: copy)
            let path = copy.appendingPathComponent("config.json")
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
            change(&config)
            try JSONSerialization.data(withJSONObject: config).write(to: path)
            do { _ = try HuggingFaceFolder.load(copy); return "loaded" } catch { return "\(error)" }
        }
        #expect(try refusal { $0["hidden_act"] = "gelu" }.contains("hidden_act 'gelu'"))
        #expect(try refusal { $0["rope_parameters"] = ["rope_type": "yarn", "factor": 4.0, "rope_theta": 10000.0] }.contains("rope_type 'yarn'"))
        #expect(try refusal { $0["head_dim"] = 16 }.contains("head_dim 16"))
        #expect(try refusal { $0["num_key_value_heads"] = 3 }.contains("keyValueHeads (3) must divide heads (4)"))
        #expect(try refusal { $0["model_type"] = "mistral"; $0["sliding_window"] = 16 }.contains("sliding_window 16"))
        #expect(try refusal { $0["tie_word_embeddings"] = true }.contains("unexpected lm_head.weight"))
        #expect(try refusal { $0["attention_bias"] = true }.contains("missing model.layers.0.self_attn.q_proj.bias"))
        // Earlier transformers wrote rope_theta and rope_scaling at the top level: the same model.
        #expect(try refusal {
            $0["rope_scaling"] = $0.removeValue(forKey: "rope_parameters")
            $0["rope_theta"] = 500_000.0
        } == "loaded")
    }

    /// A reward model saves as `…ForSequenceClassification` weights: the body under the causal
    /// model's names, `score.weight` for the head (its bias dropped: a constant shift), no
    /// language head; the scores differ from Ascent's by exactly that bias.
    @Test(arguments: fixtures) func rewardModelsSaveForSequenceClassification(_ name: String) throws {
        let (model, tokenizer) = try HuggingFaceFolder.load(try folder(name))
        var generator = RandomGenerator(seed: 3)
        let reward = try RewardModel(initializedFrom: model, generator: &generator)
        reward.head.weight.assign(.randomNormal(reward.head.weight.shape, standardDeviation: 1, generator: &generator))
        reward.head.bias!.assign(Tensor(shape: [1], [0.25]))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-reward-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceFolder.save(reward, tokenizer: tokenizer, to: out)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
        let architecture = try #require((config["architectures"] as? [String])?.first)
        #expect(architecture.hasSuffix("ForSequenceClassification") && config["num_labels"] as? Int == 1)
        let saved = try SafeTensors.read(from: out.appendingPathComponent("model.safetensors"))
        let original = try SafeTensors.read(from: try folder(name).appendingPathComponent("model.safetensors"))
        #expect(saved.tensors.keys.sorted() == (original.tensors.keys.filter { $0 != "lm_head.weight" } + ["score.weight"]).sorted())
        #expect(saved.tensors["score.weight"]!.scalars == reward.head.weight.value.scalars)
        // Loading it back as a causal model's body and the score gives Ascent's scores minus the bias.
        var body = saved
        let score = body.tensors.removeValue(forKey: "score.weight")!
        body.tensors = Dictionary(uniqueKeysWithValues: body.tensors.map { ($0.key.hasPrefix("transformer.") ? String($0.key.dropFirst(12)) : $0.key, $0.value) })
        if !model.configuration.tiedEmbeddings { body.tensors["lm_head.weight"] = original.tensors["lm_head.weight"] }
        let reloaded = try GPT(loading: model.configuration)
        try reloaded.load(huggingFace: body)
        let sequence = [5, 6, 7, 8]
        let hidden = reloaded.hiddenStates(IntTensor(shape: [1, 4], sequence)).scalars.suffix(model.configuration.embeddingSize)
        let theirs = zip(hidden, score.scalars).map { $0 * $1 }.reduce(0, +)
        #expect(abs(reward.scores(of: [sequence])[0] - 0.25 - theirs) < 1e-4)
    }
}
