import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

@Suite("GPT-2 model")
struct GPTTests {
    static let tiny = GPTConfiguration(vocabularySize: 40, contextLength: 16, embeddingSize: 16, layers: 2, heads: 4)

    static func model(seed: UInt64 = 1) throws -> GPT {
        var generator = RandomGenerator(seed: seed, stream: "gpt-test")
        return try GPT(tiny, generator: &generator)
    }

    @Test func kvCacheGivesTheSameLogitsAsFullRecompute() throws {
        let gpt = try Self.model()
        let tokens = [3, 17, 5, 39, 0, 22, 8, 11, 30, 2]
        let full = withoutGradients { gpt(IntTensor(shape: [1, tokens.count], tokens)) }.scalars
        let cache = KVCache(layers: Self.tiny.layers)
        var incremental = withoutGradients { gpt(IntTensor(shape: [1, 4], Array(tokens.prefix(4))), cache: cache) }.scalars
        for token in tokens.dropFirst(4) {
            incremental += withoutGradients { gpt(IntTensor(shape: [1, 1], [token]), cache: cache) }.scalars
        }
        #expect(cache.length == tokens.count)
        #expect(zip(full, incremental).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    /// Batched generation (prompts of equal length decoded together, stopped rows leaving the
    /// batch and the cache) gives every prompt the continuation it gets alone, for GPT-2 and
    /// for a Llama-family model with grouped-query attention.
    @Test(arguments: [false, true]) func batchedGenerationEqualsOnePromptAtATime(_ llama: Bool) throws {
        var generator = RandomGenerator(seed: 4, stream: "gpt-test")
        let gpt = llama
            ? try GPT(.llama(vocabularySize: 40, contextLength: 32, embeddingSize: 16, layers: 2, heads: 4, keyValueHeads: 2, feedForwardSize: 24), generator: &generator)
            : try Self.model()
        let prompts = [[1, 2, 3], [4, 5], [1, 2, 3], [7, 8, 9], [6], [4, 5]]
        var rng = RandomGenerator(seed: 1)
        let alone = try prompts.map { try gpt.generate(prompts: [$0], maxNewTokens: 8, sampling: SamplingSettings(temperature: 0), generator: &rng)[0] }
        let stop = alone[3][2]  // row 3 stops at its third token; others may stop too, or run on
        let aloneStopped = try prompts.map { try gpt.generate(prompts: [$0], maxNewTokens: 8, sampling: SamplingSettings(temperature: 0), stopToken: stop, generator: &rng)[0] }
        #expect(try gpt.generate(prompts: prompts, maxNewTokens: 8, sampling: SamplingSettings(temperature: 0), generator: &rng) == alone)
        let batched = try gpt.generate(prompts: prompts, maxNewTokens: 8, sampling: SamplingSettings(temperature: 0), stopToken: stop, generator: &rng)
        #expect(batched == aloneStopped, "\(batched) vs \(aloneStopped), alone \(alone)")
        #expect(batched.contains { $0.count < 8 } && batched.contains { $0.count == 8 })
        // Sampled generation is deterministic for a seed.
        var (a, b) = (RandomGenerator(seed: 9), RandomGenerator(seed: 9))
        #expect(try gpt.generate(prompts: prompts, maxNewTokens: 6, generator: &a) == gpt.generate(prompts: prompts, maxNewTokens: 6, generator: &b))
    }

    @Test func laterTokensNeverChangeEarlierLogits() throws {
        let gpt = try Self.model()
        let a = withoutGradients { gpt(IntTensor(shape: [1, 6], [1, 2, 3, 4, 5, 6])) }.scalars
        let b = withoutGradients { gpt(IntTensor(shape: [1, 6], [1, 2, 3, 9, 9, 9])) }.scalars
        let v = Self.tiny.vocabularySize
        #expect(Array(a.prefix(3 * v)) == Array(b.prefix(3 * v)))
        #expect(Array(a.suffix(v)) != Array(b.suffix(v)))
    }

    /// The whole model's gradient (attention, LayerNorm, GELU, tied embeddings, cross-entropy)
    /// against central differences in a handful of parameters of every kind.
    @Test func crossEntropyGradientMatchesFiniteDifferences() throws {
        let gpt = try Self.model(seed: 3)
        let inputs = IntTensor(shape: [2, 5], [1, 5, 9, 13, 2, 7, 7, 30, 4, 0])
        let targets = IntTensor(shape: [2, 5], [5, 9, 13, 2, 8, 7, 30, 4, 0, 1])
        func loss() -> Float { gpt(inputs).crossEntropy(targets: targets).item }
        gpt.zeroGradients()
        gpt(inputs).crossEntropy(targets: targets).backward()
        var generator = RandomGenerator(seed: 9)
        var worst: Float = 0
        for (name, parameter) in gpt.namedParameters() {
            let gradient = parameter.gradient!.scalars
            for _ in 0..<2 {
                let i = generator.integer(below: parameter.count)
                let original = parameter.value.scalars
                var values = original
                // Small steps: the final LayerNorm magnifies the small residual stream of a fresh
                // model, so the loss curves sharply along some directions.
                let h: Float = 3e-3
                values[i] = original[i] + h; parameter.assign(Tensor(shape: parameter.shape, values))
                let up = loss()
                values[i] = original[i] - h; parameter.assign(Tensor(shape: parameter.shape, values))
                let down = loss()
                parameter.assign(Tensor(shape: parameter.shape, original))
                let numeric = (up - down) / (2 * h)
                // Relative error, with an absolute floor for float32 rounding of the loss (~2e-7 / 2h).
                let error = abs(numeric - gradient[i]) / (abs(numeric) + abs(gradient[i]) + 4e-3)
                worst = max(worst, error)
                #expect(error < 0.05, "\(name)[\(i)]: analytic \(gradient[i]), numeric \(numeric)")
            }
        }
        #expect(worst < 0.05)
    }

    /// Sizes in a file's metadata go through the configuration's checks: a layer count of 2⁶²
    /// or 10⁹ is refused by name before anything is allocated.
    @Test func absurdSizesInMetadataAreRefused() throws {
        var file = try Self.model(seed: 1).huggingFaceCheckpoint()
        let configuration = try #require(file.metadata["ascent.configuration"])
        file.metadata["ascent.configuration"] = nil
        for layers in ["4611686018427387904", "1000000000"] {
            file.metadata["n_layer"] = layers
            do { _ = try GPT(huggingFace: file); Issue.record("accepted n_layer \(layers)") } catch {
                #expect("\(error)".contains("layers must be 1...1024"), "\(error)")
            }
            file.metadata["ascent.configuration"] = configuration.replacingOccurrences(of: "\"layers\":2", with: "\"layers\":\(layers)")
            do { _ = try GPT(huggingFace: file); Issue.record("accepted layers \(layers) in the configuration JSON") } catch {
                #expect("\(error)".contains("layers must be 1...1024"), "\(error)")
            }
            file.metadata["ascent.configuration"] = nil
        }
        var unbiased = GPTConfiguration(vocabularySize: 40, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2)
        unbiased.feedForwardBias = false  // a GPT-2 file's configuration JSON without biases: refused, GPT-2's weights have them
        #expect(throws: RLHFError.self) { try unbiased.validate() }
        let huge = GPTConfiguration(vocabularySize: 10_000_000, contextLength: 1_024, embeddingSize: 65_536, layers: 2, heads: 8)
        #expect(throws: RLHFError.self) { try huge.validate() }  // 655 billion embedding weights
    }

    @Test func huggingFaceNamesRoundTripAndMismatchesAreListed() throws {
        let gpt = try Self.model(seed: 1), other = try Self.model(seed: 2)
        let file = gpt.huggingFaceCheckpoint()
        #expect(file.tensors["h.0.attn.c_attn.weight"]!.shape == [16, 48])  // Conv1D layout [in, out]
        #expect(file.tensors["wte.weight"]!.shape == [40, 16] && file.tensors["h.1.mlp.c_proj.weight"]!.shape == [64, 16])
        try other.load(huggingFace: try SafeTensors.decode(file.encoded()))
        let tokens = IntTensor(shape: [1, 4], [1, 2, 3, 4])
        #expect(withoutGradients { other(tokens) }.scalars == withoutGradients { gpt(tokens) }.scalars)
        // transformers' GPT2LMHeadModel files prefix "transformer." and add a tied lm_head.
        var prefixed = SafeTensors(tensors: Dictionary(uniqueKeysWithValues: file.tensors.map { ("transformer." + $0.key, $0.value) }))
        prefixed.tensors["lm_head.weight"] = file.tensors["wte.weight"]
        try other.load(huggingFace: prefixed)
        var broken = file
        broken.tensors.removeValue(forKey: "h.1.ln_2.bias")
        broken.tensors["h.0.attn.c_proj.weight"] = .zeros([8, 16])
        broken.tensors["h.9.mlp.c_fc.weight"] = .zeros([1])
        do { try other.load(huggingFace: broken); Issue.record("accepted broken weights") } catch {
            let message = "\(error)"
            #expect(message.contains("missing h.1.ln_2.bias") && message.contains("unexpected h.9.mlp.c_fc.weight")
                    && message.contains("h.0.attn.c_proj.weight has shape [8, 16], the model needs [16, 16]"))
        }
    }

    @Test func samplingHonoursTemperatureTopKAndTopP() throws {
        let logits: [Float] = [0, 3, 1, 2.5]
        var generator = RandomGenerator(seed: 4)
        #expect(SamplingSettings(temperature: 0).sample(logits[...], generator: &generator) == 1)
        for _ in 0..<200 {
            #expect([1, 3].contains(SamplingSettings(topK: 2).sample(logits[...], generator: &generator)))
            #expect(SamplingSettings(topP: 0.5).sample(logits[...], generator: &generator) == 1)  // the top token alone holds > 50 %
        }
        #expect(throws: RLHFError.self) { try SamplingSettings(topP: 1.5).validate() }
        let gpt = try Self.model()
        let out = try gpt.generate(prompts: [[1, 2], [3]], maxNewTokens: 5, sampling: .init(temperature: 0), generator: &generator)
        #expect(out.map(\.count) == [5, 5])
        #expect(try gpt.generate(prompts: [[1, 2]], maxNewTokens: 5, sampling: .init(temperature: 0), generator: &generator)[0] == out[0])
        #expect(throws: RLHFError.self) { try gpt.generate(prompts: [Array(repeating: 1, count: 14)], maxNewTokens: 5, generator: &generator) }
        #expect(throws: RLHFError.self) { try gpt.generate(prompts: [[99]], maxNewTokens: 1, generator: &generator) }
        var values = gpt.finalNorm.weight.value.scalars
        values[0] = .nan
        gpt.finalNorm.weight.assign(Tensor(shape: [values.count], values))  // a corrupt checkpoint
        #expect(throws: RLHFError.self) { try gpt.generate(prompts: [[1]], maxNewTokens: 1, generator: &generator) }
    }
}
