import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

/// A model folder written by `transformers` (`scripts/huggingface_fixtures.py`: a tiny GPT-2 with
/// random weights and a byte-level BPE tokenizer) loads from its own files, tokenizes as
/// `transformers` does, computes its logits to 1e-5 and its greedy continuation exactly, and
/// saves back as a folder that loads to the same model.
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

    var folder: URL { get throws { try #require(Bundle.module.url(forResource: "gpt2-tiny", withExtension: nil, subdirectory: "Fixtures")) } }

    func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: try folder.appendingPathComponent("reference.json")))
    }

    @Test func folderWrittenByTransformersMatchesItsLogitsAndTokens() throws {
        let (model, tokenizer) = try HuggingFaceFolder.load(try folder)
        let reference = try reference()
        #expect(model.configuration == GPTConfiguration(vocabularySize: 320, contextLength: 32, embeddingSize: 16, layers: 2, heads: 2))
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

    @Test func savedFolderLoadsBackToTheSameModel() throws {
        let (model, tokenizer) = try HuggingFaceFolder.load(try folder)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-hf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try HuggingFaceFolder.save(model, tokenizer: tokenizer, to: out)
        let (again, tokenizerAgain) = try HuggingFaceFolder.load(out)
        #expect(tokenizerAgain == tokenizer)
        #expect(again.namedParameters().map { $0.parameter.value.scalars } == model.namedParameters().map { $0.parameter.value.scalars })
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
        let source = try folder
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
        #expect(try refusal(editConfig { $0["tie_word_embeddings"] = false }).contains("tie_word_embeddings false"))
        #expect(try refusal(editConfig { $0["n_layer"] = 3 }).contains("missing h.2.ln_1.weight"))
        #expect(try refusal(editConfig { $0["vocab_size"] = 321 }).contains("the tokenizer has 320 tokens but config.json's vocab_size is 321"))
        #expect(try refusal { try FileManager.default.removeItem(at: $0.appendingPathComponent("model.safetensors")) }
            .contains("has no model.safetensors or model.safetensors.index.json"))
        #expect(try refusal { url in
            let path = url.appendingPathComponent("tokenizer.json")
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
            json["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"]
            try JSONSerialization.data(withJSONObject: json).write(to: path)
        }.contains("the pre-tokenizer is Metaspace"))
    }
}
