import AscentTensor
import Foundation

/// Direct Preference Optimization (Rafailov et al. 2023): no reward model and no sampling.
/// For each preference pair, with log-probabilities summed over the response tokens,
///
///     loss = −log σ(β [(log π(y_c) − log π_ref(y_c)) − (log π(y_r) − log π_ref(y_r))])
///
/// which is the Bradley–Terry loss of the implicit reward β log π/π_ref.
public struct DPOConfiguration: Codable, Sendable, Equatable {
    public var epochs = 2
    public var batchSize = 16
    public var learningRate: Float = 1e-4
    public var beta: Float = 0.1
    public var seed: UInt64 = 1
    public init() {}

    public func validate() throws {
        guard epochs > 0, batchSize > 0 else { throw RLHFError.invalidInput("DPO epochs and batchSize must be positive, got \(epochs) and \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0, beta.isFinite, beta > 0 else {
            throw RLHFError.invalidInput("DPO learningRate and beta must be positive numbers, got \(learningRate) and \(beta)")
        }
    }
}

extension GPT {
    /// Trains this model (the policy, initialised from `reference`'s weights) with DPO; `callback`
    /// sees each epoch, and `control` saves and resumes checkpoints of stage `dpo`.
    public func trainDPO(on pairs: [PreferencePair], reference: GPT, tokenizer: ByteLevelBPE, settings: DPOConfiguration,
                         control: StageControl = .uninterrupted, callback: @escaping (PreferenceEpochMetrics) -> Void = { _ in }) throws {
        guard reference.configuration == configuration else {
            throw RLHFError.invalidWeights("the reference model (\(reference.configuration)) differs from the policy (\(configuration))")
        }
        guard !pairs.isEmpty else { throw RLHFError.invalidInput("no preference pairs for DPO") }
        try settings.validate()
        let padding = tokenizer.endOfText ?? 0
        func sequence(_ prompt: String, _ response: String) -> TokenSequence {
            TokenSequence(prompt: tokenizer.encode(prompt, addingSpecialTokens: true), response: tokenizer.encodeResponse(response))
        }
        let encoded = pairs.map { (sequence($0.prompt, $0.chosen), sequence($0.prompt, $0.rejected)) }
        var data = Fingerprint(), frozen = Fingerprint()
        data.add(pairs)
        frozen.add(reference)
        let loop = PreferenceLoop(stage: "dpo", identity: ["settings": identityJSON(settings), "data": data.hex, "reference": frozen.hex], module: self,
                                  optimizer: Adam(trainableParameters(), learningRate: settings.learningRate, epsilon: 1e-5),
                                  pairs: encoded.count, epochs: settings.epochs, batchSize: settings.batchSize,
                                  generator: RandomGenerator(seed: settings.seed, stream: "dpo-batches")) { [unowned self] indices in
            let rows = indices.map { encoded[$0] }
            let n = rows.count
            let batch = TokenBatch(rows.map(\.0) + rows.map(\.1), contextLength: configuration.contextLength, padding: padding)
            let policy = (self(batch.inputs).tokenLogProbabilities(batch.targets) * batch.mask).sum(alongAxis: 1)
            let frozen = (targetLogProbabilities(reference, batch) * batch.mask).sum(alongAxis: 1)
            let implicit = (policy - frozen) * settings.beta  // [2n]
            let margin = implicit.slice(alongAxis: 0, 0..<n) - implicit.slice(alongAxis: 0, n..<(2 * n))
            return ((-margin).softplus().mean(), margin.scalars)
        }
        loop.onEpoch = callback
        try loop.run(control)
    }
}
