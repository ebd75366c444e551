import AscentTensor
import Foundation

/// A transformer with a scalar head: the score of a whole prompt + response is the head's
/// value at the last token. Initialised from the supervised model (so it starts knowing the
/// language) with a zero head.
public final class RewardModel: Module {
    public let body: GPT
    public let head: Linear

    public init(initializedFrom model: GPT, generator: inout RandomGenerator) throws {
        body = try GPT(model.configuration, generator: &generator)
        body.copyParameters(from: model)
        head = Linear(inputSize: model.configuration.embeddingSize, outputSize: 1, initializer: .normal(standardDeviation: 0), generator: &generator)
    }

    /// Scores `[batch]` of right-padded sequences whose real lengths are `lengths`.
    public func scores(_ inputs: IntTensor, lengths: [Int]) -> Tensor {
        let hidden = body.hiddenStates(inputs)  // [batch, time, c]
        return head(lastPositions(hidden, lengths: lengths)).reshaped([lengths.count])
    }

    /// Scores of texts (prompt + response each), for evaluation.
    public func scores(of sequences: [[Int]]) -> [Float] {
        let padded = TokenBatch(sequences.map { TokenSequence(tokens: $0 + [0], trained: Array(repeating: false, count: $0.count + 1)) },
                                contextLength: body.configuration.contextLength, padding: 0)
        return withoutGradients { scores(padded.inputs, lengths: padded.lengths) }.scalars
    }
}

/// Rows of `[batch, time, c]` at each row's position `lengths[b] − 1`: `[batch, c]`.
func lastPositions(_ hidden: Tensor, lengths: [Int]) -> Tensor {
    let (batch, c) = (hidden.shape[0], hidden.shape[2])
    let indices = IntTensor(shape: [batch, 1, c], lengths.flatMap { Array(repeating: Swift.max($0 - 1, 0), count: c) })
    return hidden.gather(alongAxis: 1, indices: indices).reshaped([batch, c])
}

/// Bradley–Terry: P(chosen ≻ rejected) = σ(r_c − r_r); the loss is −log σ(r_c − r_r − m),
/// written as softplus(−(r_c − r_r − m)) to stay finite. A margin m > 0 asks for a clear gap.
public func bradleyTerryLoss(chosen: Tensor, rejected: Tensor, margin: Float = 0) -> Tensor {
    (-(chosen - rejected - margin)).softplus().mean()
}

/// Kendall's τ between two score lists (ties count as neither concordant nor discordant).
public func kendallTau(_ a: [Double], _ b: [Double]) -> Double {
    var concordant = 0, discordant = 0
    for i in a.indices { for j in (i + 1)..<a.count {
        let s = (a[i] - a[j]) * (b[i] - b[j])
        if s > 0 { concordant += 1 } else if s < 0 { discordant += 1 }
    } }
    let pairs = a.count * (a.count - 1) / 2
    return pairs == 0 ? .nan : Double(concordant - discordant) / Double(pairs)
}

/// How the reward model trains.
public struct RewardTraining: Codable, Sendable, Equatable {
    public var epochs = 3
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var margin: Float = 0
    public var seed: UInt64 = 1
    public init() {}

    public func validate() throws {
        guard epochs > 0, batchSize > 0 else { throw RLHFError.invalidInput("reward-model epochs and batchSize must be positive, got \(epochs) and \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0, margin.isFinite, margin >= 0 else {
            throw RLHFError.invalidInput("reward-model learningRate must be positive and margin non-negative, got \(learningRate) and \(margin)")
        }
    }
}

/// Held-out quality of a reward model.
public struct RewardEvaluation: Codable, Sendable, Equatable {
    /// Fraction of held-out pairs scored in the judge's order.
    public var accuracy: Double
    /// Mean Kendall τ between reward-model and judge rankings of sampled response sets (nil
    /// for a user's preferences, which have no judge).
    public var kendallTau: Double?
}

extension RewardModel {
    /// Trains on `pairs` with the Bradley–Terry loss; `callback` sees each epoch. `control`
    /// saves and resumes checkpoints of stage `reward`.
    public func train(on pairs: [PreferencePair], tokenizer: ByteLevelBPE, settings: RewardTraining, control: StageControl = .uninterrupted,
                      callback: @escaping (PreferenceEpochMetrics) -> Void = { _ in }) throws {
        guard !pairs.isEmpty else { throw RLHFError.invalidInput("no preference pairs to train the reward model on") }
        try settings.validate()
        let encoded = pairs.map { (tokenizer.encode($0.prompt + $0.chosen, addingSpecialTokens: true), tokenizer.encode($0.prompt + $0.rejected, addingSpecialTokens: true)) }
        var data = Fingerprint()
        data.add(pairs)
        let loop = PreferenceLoop(stage: "reward", identity: ["settings": identityJSON(settings), "data": data.hex], module: self,
                                  optimizer: Adam.adamW(namedParameters(), learningRate: settings.learningRate, weightDecay: 0.01),
                                  pairs: encoded.count, epochs: settings.epochs, batchSize: settings.batchSize,
                                  generator: RandomGenerator(seed: settings.seed, stream: "reward-batches")) { [unowned self] indices in
            let rows = indices.map { encoded[$0] }
            let batch = TokenBatch((rows.map(\.0) + rows.map(\.1)).map { TokenSequence(tokens: $0 + [0], trained: Array(repeating: false, count: $0.count + 1)) },
                                   contextLength: body.configuration.contextLength, padding: 0)
            let all = scores(batch.inputs, lengths: batch.lengths)
            let n = rows.count
            let (chosen, rejected) = (all.slice(alongAxis: 0, 0..<n), all.slice(alongAxis: 0, n..<(2 * n)))
            return (bradleyTerryLoss(chosen: chosen, rejected: rejected, margin: settings.margin), zip(chosen.scalars, rejected.scalars).map { $0 - $1 })
        }
        loop.onEpoch = callback
        try loop.run(control)
    }

    /// Accuracy on held-out `pairs`, and Kendall τ against `judge` on `responseSets` (each a
    /// prompt with several responses) when there is a judge.
    public func evaluate(pairs: [PreferencePair], responseSets: [(prompt: String, responses: [String])], tokenizer: ByteLevelBPE,
                         judge: Judge?) -> RewardEvaluation {
        let chosen = scores(of: pairs.map { tokenizer.encode($0.prompt + $0.chosen, addingSpecialTokens: true) })
        let rejected = scores(of: pairs.map { tokenizer.encode($0.prompt + $0.rejected, addingSpecialTokens: true) })
        let accuracy = Double(zip(chosen, rejected).filter { $0 > $1 }.count) / Double(Swift.max(pairs.count, 1))
        guard let judge else { return RewardEvaluation(accuracy: accuracy, kendallTau: nil) }
        let taus = responseSets.map { set in
            kendallTau(scores(of: set.responses.map { tokenizer.encode(set.prompt + $0, addingSpecialTokens: true) }).map(Double.init), set.responses.map(judge.score))
        }.filter(\.isFinite)
        return RewardEvaluation(accuracy: accuracy, kendallTau: taus.isEmpty ? nil : taus.reduce(0, +) / Double(taus.count))
    }
}
