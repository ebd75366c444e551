import AscentTensor
import Dispatch
import Foundation

/// Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath): no critic. Each
/// prompt gets `groupSize` responses; a response's advantage is its reward-model score
/// standardised within its group, applied to every token; the clipped surrogate is
/// optimised with a k3 KL penalty to the reference added to the loss.
public struct GRPOConfiguration: Codable, Sendable, Equatable {
    public var iterations = 40
    /// Prompts per round; each gets `groupSize` responses.
    public var promptsPerIteration = 8
    public var groupSize = 4
    public var maxNewTokens = 24
    public var epochs = 2
    public var learningRate: Float = 3e-4
    public var clipRange: Float = 0.2
    /// β of the k3 penalty (log r + 1/r − 1 with r = π/π_ref per token).
    public var klCoefficient: Float = 0.04
    public var maxGradientNorm: Float = 1
    public var temperature: Float = 1
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard iterations > 0, promptsPerIteration > 0, groupSize > 1, maxNewTokens > 0, epochs > 0 else {
            throw RLHFError.invalidInput("iterations, promptsPerIteration, maxNewTokens and epochs must be positive and groupSize at least 2")
        }
        guard learningRate.isFinite, learningRate > 0, clipRange.isFinite, clipRange > 0, klCoefficient.isFinite, klCoefficient >= 0 else {
            throw RLHFError.invalidInput("learningRate and clipRange must be positive, klCoefficient ≥ 0")
        }
    }
}

/// GRPO as a resumable loop whose step is one round.
public final class GRPO: RoundLoop {
    struct State: Codable {
        var generator: RandomGenerator
        var history: [LanguagePPOMetrics] = []
    }

    public let setup: LanguageModelOptimization
    public let configuration: GRPOConfiguration
    public var history: [LanguagePPOMetrics] { state.history }
    private let optimizer: Adam
    var state: State

    public init(_ setup: LanguageModelOptimization, configuration: GRPOConfiguration) throws {
        try configuration.validate()
        self.setup = setup
        self.configuration = configuration
        optimizer = Adam(setup.policy.model.namedParameters(), learningRate: configuration.learningRate, epsilon: 1e-5)
        state = State(generator: RandomGenerator(seed: configuration.seed, stream: "rlhf-grpo"))
    }

    var stage: String { "grpo" }
    private(set) lazy var identity = setup.identity(configuration)
    var modules: [String: Module] { ["model": setup.policy.model] }
    var optimizers: [String: Optimizer] { ["model": optimizer] }
    var rounds: Int { configuration.iterations }

    public func iterate() throws -> LanguagePPOMetrics {
        let c = configuration
        let start = DispatchTime.now().uptimeNanoseconds
        let rollout = try setup.rollout(count: c.promptsPerIteration * c.groupSize, groupSize: c.groupSize, maxNewTokens: c.maxNewTokens,
                                        temperature: c.temperature, generator: &state.generator)
        let (rows, time) = (rollout.batch.inputs.shape[0], rollout.batch.inputs.shape[1])
        var sequenceAdvantages = [Float](repeating: 0, count: rows)
        for group in stride(from: 0, to: rows, by: c.groupSize) {
            let scores = Array(rollout.scores[group..<(group + c.groupSize)])
            let mean = scores.reduce(0, +) / Float(scores.count)
            let std = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(scores.count)).squareRoot()
            for k in 0..<c.groupSize { sequenceAdvantages[group + k] = (scores[k] - mean) / (std + 1e-4) }
        }
        let advantage = Tensor(shape: [rows, time], sequenceAdvantages.flatMap { Array(repeating: $0, count: time) })
        let old = Tensor(shape: [rows, time], rollout.oldLogProbabilities)
        let reference = Tensor(shape: [rows, time], rollout.referenceLogProbabilities)
        var sums = (policy: 0.0, kl: 0.0, entropy: 0.0, clipped: 0.0)
        let updateStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<c.epochs {
            let (logProbabilities, _, entropy) = setup.policy.evaluate(rollout.batch)
            let ratio = (logProbabilities - old).exp()
            let surrogate = Tensor.maximum(-advantage * ratio, -advantage * ratio.clamped(min: 1 - c.clipRange, max: 1 + c.clipRange))
            let logReferenceRatio = reference - logProbabilities
            let k3 = logReferenceRatio.exp() - logReferenceRatio - 1
            let policyLoss = maskedMean(surrogate, rollout.batch.mask)
            let kl = maskedMean(k3, rollout.batch.mask)
            let loss = policyLoss + kl * c.klCoefficient
            optimizer.zeroGradients()
            loss.backward()
            guard loss.item.isFinite else { throw RLHFError.invalidInput("the GRPO loss became NaN; lower the learning rate") }
            _ = clipGradientNorm(setup.policy.model.parameters, maxNorm: c.maxGradientNorm)
            optimizer.step()
            let mask = rollout.batch.mask.scalars
            sums.clipped += Double(zip(ratio.scalars, mask).filter { $1 > 0 && abs($0 - 1) > c.clipRange }.count) / Double(Swift.max(mask.reduce(0, +), 1))
            sums.policy += Double(policyLoss.item); sums.kl += Double(kl.item); sums.entropy += Double(entropy.item)
        }
        let epochs = Double(c.epochs), n = Double(rows)
        let mask = rollout.batch.mask.scalars
        var m = LanguagePPOMetrics()
        m.iteration = state.history.count + 1
        m.rewardScore = Double(rollout.scores.reduce(0, +)) / n
        m.judgeScore = rollout.judgeScores.isEmpty ? nil : rollout.judgeScores.reduce(0, +) / n
        (m.kl, m.klK3) = klEstimates(policy: rollout.oldLogProbabilities, reference: rollout.referenceLogProbabilities, mask: mask, responses: rows)
        m.entropy = sums.entropy / epochs
        m.responseLength = Double(rollout.responses.map(\.count).reduce(0, +)) / n
        m.clipFraction = sums.clipped / epochs
        m.policyLoss = sums.policy / epochs
        m.beta = Double(c.klCoefficient)
        m.generationTokensPerSecond = Double(rollout.responses.map(\.count).reduce(0, +)) / rollout.generationSeconds
        m.updateTokensPerSecond = Double(mask.reduce(0, +)) * epochs / (Double(DispatchTime.now().uptimeNanoseconds - updateStart) / 1e9)
        m.samples = Array(rollout.texts.prefix(3))
        m.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        state.history.append(m)
        return m
    }
}
