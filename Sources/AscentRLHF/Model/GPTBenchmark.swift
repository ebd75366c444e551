import AscentTensor
import Dispatch
import Foundation

/// Timing routines behind `ascent bench gpt`, in the configuration `bench/torch_gpt.py`
/// runs in PyTorch: the RLHF demo's model (vocabulary 400, context 64, width 64, 2 layers,
/// 4 heads).
public enum GPTBenchmark {
    public static let configuration = RLHFSettings().model

    /// Training tokens per second: forward, backward and AdamW on `batch` random sequences of `time` tokens.
    public static func trainingTokensPerSecond(batch: Int = 32, time: Int = 48, steps: Int = 20, seed: UInt64 = 1) throws -> Double {
        var generator = RandomGenerator(seed: seed, stream: "bench-gpt")
        let model = try GPT(configuration, generator: &generator)
        let optimizer = Adam.adamW(model.namedParameters(), learningRate: 1e-3)
        let tokens = (0..<(batch * (time + 1))).map { _ in generator.integer(below: configuration.vocabularySize) }
        let sequences = (0..<batch).map { b in
            TokenSequence(tokens: Array(tokens[(b * (time + 1))..<((b + 1) * (time + 1))]), trained: Array(repeating: true, count: time + 1))
        }
        let data = TokenBatch(sequences, contextLength: configuration.contextLength, padding: 0)
        func step() {
            optimizer.zeroGradients()
            model(data.inputs).crossEntropy(targets: data.targets, mask: data.mask).backward()
            optimizer.step()
        }
        step()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { step() }
        return Double(steps * batch * time) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Generated tokens per second with the KV cache: `prompts` prompts of 8 tokens, `newTokens` each, sampled at temperature 1.
    public static func generationTokensPerSecond(prompts: Int = 16, newTokens: Int = 48, seed: UInt64 = 1) throws -> Double {
        var generator = RandomGenerator(seed: seed, stream: "bench-gpt")
        let model = try GPT(configuration, generator: &generator)
        let inputs = (0..<prompts).map { _ in (0..<8).map { _ in generator.integer(below: configuration.vocabularySize) } }
        _ = try model.generate(prompts: [inputs[0]], maxNewTokens: 4, generator: &generator)
        let start = DispatchTime.now().uptimeNanoseconds
        let outputs = try model.generate(prompts: inputs, maxNewTokens: newTokens, generator: &generator)
        return Double(outputs.map(\.count).reduce(0, +)) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
