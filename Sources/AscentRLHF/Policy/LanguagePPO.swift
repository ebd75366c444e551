import AscentRL
import AscentTensor
import Dispatch
import Foundation

/// PPO for a language model (Ziegler et al. 2019; Ouyang et al. 2022), as TRL runs it.
public struct LanguagePPOConfiguration: Codable, Sendable, Equatable {
    /// Rollout-and-update rounds.
    public var iterations = 40
    /// Prompts (one response each) per round.
    public var batchSize = 32
    public var maxNewTokens = 24
    /// Passes over each round's responses, in minibatches of `minibatchSize` responses.
    public var epochs = 2
    public var minibatchSize = 16
    public var learningRate: Float = 3e-4
    public var clipRange: Float = 0.2
    public var valueClipRange: Float = 0.2
    public var valueCoefficient: Float = 0.5
    public var entropyCoefficient: Float = 0
    /// β of the per-token penalty −β (log π − log π_ref); 0 removes it.
    public var klCoefficient: Float = 0.1
    /// Adapt β toward `targetKL` (nats per response, k1) with Ziegler et al.'s proportional controller.
    public var adaptiveKL = false
    public var targetKL: Float = 2
    public var klHorizon: Float = 2_000
    /// Discount and GAE λ over response tokens.
    public var gamma: Float = 1
    public var lambda: Float = 0.95
    public var maxGradientNorm: Float = 1
    public var temperature: Float = 1
    /// Responses end at the first of these strings (kept in the response), or the end-of-text token.
    public var stopStrings: [String] = []
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard iterations > 0, batchSize > 0, maxNewTokens > 0, epochs > 0, minibatchSize > 0, minibatchSize <= batchSize else {
            throw RLHFError.invalidInput("iterations, batchSize, maxNewTokens, epochs and minibatchSize must be positive, and minibatchSize ≤ batchSize")
        }
        for (name, value) in [("learningRate", learningRate), ("clipRange", clipRange), ("maxGradientNorm", maxGradientNorm), ("targetKL", targetKL),
                              ("klHorizon", klHorizon)] where !(value.isFinite && value > 0) {
            throw RLHFError.invalidInput("\(name) must be a positive number, got \(value)")
        }
        guard klCoefficient.isFinite, klCoefficient >= 0, temperature.isFinite, temperature > 0 else {
            throw RLHFError.invalidInput("klCoefficient must be ≥ 0 and temperature > 0")
        }
    }
}

/// What one PPO round reports (the debugging signals of RLHF).
public struct LanguagePPOMetrics: Codable, Sendable, Equatable {
    public var iteration = 0
    /// Mean reward of the responses (reward model, rule or program).
    public var rewardScore = 0.0
    /// Mean judge score of the same responses (what we actually want), on the shipped task;
    /// nil when the task has no judge.
    public var judgeScore: Double? = 0.0
    /// KL(π ‖ π_ref) per response: k1 = Σ_t (log π − log π_ref), k3 = Σ_t (r − 1 − log r), r = π_ref/π.
    public var kl = 0.0
    public var klK3 = 0.0
    /// Σ_t −β (log π − log π_ref): the penalty's share of the return.
    public var nonScoreReward = 0.0
    public var entropy = 0.0
    public var responseLength = 0.0
    public var clipFraction = 0.0
    public var policyLoss = 0.0
    public var valueLoss = 0.0
    public var beta = 0.0
    public var seconds = 0.0
    /// Generated tokens per second during the rollout.
    public var generationTokensPerSecond = 0.0
    /// Response tokens per second through the update (forward and backward, all epochs).
    public var updateTokensPerSecond = 0.0
    /// GRPO and RLOO: the fraction of groups whose responses all got the same reward (they
    /// teach nothing: every advantage is 0); nil for PPO.
    public var flatGroupFraction: Double?
    /// A few responses of this round, for reports.
    public var samples: [String] = []
}

/// One round's responses and what was computed about them before updating.
struct Rollout {
    var prompts: [[Int]]
    var responses: [[Int]]
    var texts: [String]
    var batch: TokenBatch
    var oldLogProbabilities: [Float]
    var referenceLogProbabilities: [Float]
    var scores: [Float]
    var judgeScores: [Double]
    var generationSeconds: Double
}

/// A policy-optimisation loop (PPO, GRPO) whose step is one round: rollout, scoring, update.
protocol RoundLoop: ResumableLoop {
    var history: [LanguagePPOMetrics] { get }
    var rounds: Int { get }
    func iterate() throws -> LanguagePPOMetrics
}

extension RoundLoop {
    var stepsDone: Int { history.count }
    var isFinished: Bool { stepsDone >= rounds }
    func step() throws { _ = try iterate() }

    /// Runs every round; `callback` sees each round's metrics and returns false to stop.
    /// `control` saves and resumes checkpoints. (Public callers use ``RLHFPipeline/runPPO(_:control:callback:)``
    /// and ``RLHFPipeline/runGRPO(_:control:callback:)``, or step with `iterate()`.)
    func train(control: StageControl = .uninterrupted, callback: (LanguagePPOMetrics) throws -> Bool = { _ in true }) throws {
        try run(control) { try callback(history.last!) }
    }
}

/// The policy, its frozen reference, the reward and the prompts, and the rollout logic PPO,
/// GRPO and RLOO share.
public final class LanguageModelOptimization {
    public let policy: LanguagePolicy
    public let reference: GPT
    public let reward: RewardSource
    public let tokenizer: ByteLevelBPE
    /// The shipped task's judge, scored beside the reward as a monitor (nil for a user's task).
    public let judge: Judge?
    public let prompts: [TaskPrompt]

    /// `reference` must have the policy's architecture; `tokenizer` must fit the model's vocabulary.
    public init(policy: LanguagePolicy, reference: GPT, reward: RewardSource, tokenizer: ByteLevelBPE, judge: Judge?, prompts: [TaskPrompt]) throws {
        guard reference.configuration == policy.model.configuration else {
            throw RLHFError.invalidWeights("the reference model (\(reference.configuration.summary)) differs from the policy (\(policy.model.configuration.summary)); it must be a frozen copy of the same architecture")
        }
        guard tokenizer.vocabularySize == policy.model.configuration.vocabularySize else {
            throw RLHFError.invalidTokenizer("the tokenizer has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(policy.model.configuration.vocabularySize)")
        }
        guard !prompts.isEmpty else { throw RLHFError.invalidInput("no prompts") }
        for (index, prompt) in prompts.enumerated() {
            let length = tokenizer.encode(prompt.prompt, addingSpecialTokens: true).count
            guard length > 0 else { throw RLHFError.invalidInput("prompt \(index + 1) is empty") }
            guard length < policy.model.configuration.contextLength else {
                throw RLHFError.invalidInput("prompt \(index + 1) is \(length) tokens, as long as the model's context (\(policy.model.configuration.contextLength)) or longer; shorten it or drop it")
            }
        }
        try reward.validate(for: prompts)
        (self.policy, self.reference, self.reward, self.tokenizer, self.judge, self.prompts) = (policy, reference, reward, tokenizer, judge, prompts)
    }

    /// A policy-optimisation loop's identity: its settings, the prompts, and digests of the
    /// frozen reference and of the reward (a resumed run must optimise against the same ones).
    func identity(_ settings: some Encodable) -> [String: String] {
        var prompts = Fingerprint(), frozen = Fingerprint()
        for prompt in self.prompts { prompts.add(prompt.prompt); prompts.add(prompt.answer ?? "") }
        frozen.add(reference)
        reward.addIdentity(to: &frozen)
        return ["settings": identityJSON(settings), "prompts": prompts.hex, "models": frozen.hex]
    }

    /// Samples `count` prompts (or `groupSize` responses for each of count/groupSize prompts) and scores the responses.
    func rollout(count: Int, groupSize: Int = 1, maxNewTokens: Int, temperature: Float, stopStrings: [String],
                 generator: inout RandomGenerator) throws -> Rollout {
        let start = DispatchTime.now().uptimeNanoseconds
        var promptTokens: [[Int]] = [], chosen: [TaskPrompt] = []
        for _ in 0..<(count / groupSize) {
            let prompt = prompts[generator.integer(below: prompts.count)]
            promptTokens += Array(repeating: tokenizer.encode(prompt.prompt, addingSpecialTokens: true), count: groupSize)
            chosen += Array(repeating: prompt, count: groupSize)
        }
        let room = policy.model.configuration.contextLength - promptTokens.map(\.count).max()!
        let responses = try policy.model.generate(prompts: promptTokens, maxNewTokens: min(maxNewTokens, room), sampling: .init(temperature: temperature),
                                                  stopToken: tokenizer.endOfText, stopWhen: tokenizer.endsWithStopString(stopStrings), generator: &generator)
        let generationSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let sequences = zip(promptTokens, responses).map { TokenSequence(prompt: $0, response: $1) }
        let batch = TokenBatch(sequences, contextLength: policy.model.configuration.contextLength, padding: tokenizer.endOfText ?? 0)
        let texts = try responses.map { try tokenizer.decodeText($0.filter { $0 != tokenizer.endOfText }) }
        return Rollout(prompts: promptTokens, responses: responses, texts: texts, batch: batch,
                       oldLogProbabilities: targetLogProbabilities(policy.model, batch).scalars,
                       referenceLogProbabilities: targetLogProbabilities(reference, batch).scalars,
                       scores: try reward.scores(prompts: chosen, promptTokens: promptTokens, responses: responses, texts: texts),
                       judgeScores: judge.map { texts.map($0.score) } ?? [], generationSeconds: generationSeconds)
    }
}

/// PPO against the reward model with a per-token KL penalty to the frozen reference; a
/// resumable loop whose step is one round.
public final class LanguagePPO: RoundLoop {
    struct State: Codable {
        var generator: RandomGenerator
        var beta: Float
        var history: [LanguagePPOMetrics] = []
    }

    public let setup: LanguageModelOptimization
    public let configuration: LanguagePPOConfiguration
    /// The KL coefficient of the next round (it adapts when `adaptiveKL` is set).
    public var beta: Float { state.beta }
    public var history: [LanguagePPOMetrics] { state.history }
    private let optimizer: Adam
    var state: State

    public init(_ setup: LanguageModelOptimization, configuration: LanguagePPOConfiguration) throws {
        try configuration.validate()
        self.setup = setup
        self.configuration = configuration
        optimizer = Adam(setup.policy.trainableParameters(), learningRate: configuration.learningRate, epsilon: 1e-5)
        state = State(generator: RandomGenerator(seed: configuration.seed, stream: "rlhf-ppo"), beta: configuration.klCoefficient)
    }

    var stage: String { "ppo" }
    private(set) lazy var identity = setup.identity(configuration)
    var modules: [String: Module] { ["policy": setup.policy] }
    var optimizers: [String: Optimizer] { ["policy": optimizer] }
    var rounds: Int { configuration.iterations }

    /// One rollout and update.
    public func iterate() throws -> LanguagePPOMetrics {
        let c = configuration
        let start = DispatchTime.now().uptimeNanoseconds
        let rollout = try setup.rollout(count: c.batchSize, maxNewTokens: c.maxNewTokens, temperature: c.temperature, stopStrings: c.stopStrings,
                                        generator: &state.generator)
        let (rows, time) = (rollout.batch.inputs.shape[0], rollout.batch.inputs.shape[1])
        let mask = rollout.batch.mask.scalars
        let oldValues = withoutGradients { setup.policy.evaluate(rollout.batch).values }.scalars
        // Per-token rewards: −β (log π − log π_ref), plus the score at each response's last token.
        var rewards = [Float](repeating: 0, count: rows * time)
        for i in 0..<(rows * time) where mask[i] > 0 {
            rewards[i] = -state.beta * (rollout.oldLogProbabilities[i] - rollout.referenceLogProbabilities[i])
        }
        let kl = klEstimates(policy: rollout.oldLogProbabilities, reference: rollout.referenceLogProbabilities, mask: mask, responses: rows)
        for r in 0..<rows {
            if let last = (0..<time).last(where: { mask[r * time + $0] > 0 }) { rewards[r * time + last] += rollout.scores[r] }
        }
        // GAE over each response's tokens (γ, λ), then whitened advantages.
        var advantages = [Float](repeating: 0, count: rows * time), returns = advantages
        for r in 0..<rows {
            var next: Float = 0, nextValue: Float = 0
            for t in stride(from: time - 1, through: 0, by: -1) where mask[r * time + t] > 0 {
                let i = r * time + t
                let delta = rewards[i] + c.gamma * nextValue - oldValues[i]
                next = delta + c.gamma * c.lambda * next
                advantages[i] = next
                returns[i] = next + oldValues[i]
                nextValue = oldValues[i]
            }
        }
        let masked = (0..<(rows * time)).filter { mask[$0] > 0 }
        let whitened = standardized(masked.map { advantages[$0] })
        for (k, i) in masked.enumerated() { advantages[i] = whitened[k] }

        let updateStart = DispatchTime.now().uptimeNanoseconds
        var sums = (policy: 0.0, value: 0.0, entropy: 0.0, clipped: 0.0, batches: 0)
        for _ in 0..<c.epochs {
            let order = state.generator.permutation(rows)
            for startRow in stride(from: 0, to: rows, by: c.minibatchSize) {
                let chosen = Array(order[startRow..<Swift.min(startRow + c.minibatchSize, rows)])
                func pick(_ values: [Float]) -> Tensor { Tensor(shape: [chosen.count, time], chosen.flatMap { values[($0 * time)..<(($0 + 1) * time)] }) }
                let sub = TokenBatch(rows: chosen, of: rollout.batch)
                let (logProbabilities, values, entropy) = setup.policy.evaluate(sub)
                let (old, advantage, target, oldValue) = (pick(rollout.oldLogProbabilities), pick(advantages), pick(returns), pick(oldValues))
                let ratio = (logProbabilities - old).exp()
                let policyLoss = maskedMean(Tensor.maximum(-advantage * ratio, -advantage * ratio.clamped(min: 1 - c.clipRange, max: 1 + c.clipRange)), sub.mask)
                let clippedValues = oldValue + (values - oldValue).clamped(min: -c.valueClipRange, max: c.valueClipRange)
                let valueLoss = maskedMean(Tensor.maximum((values - target).pow(2), (clippedValues - target).pow(2)), sub.mask) * 0.5
                let loss = policyLoss + valueLoss * c.valueCoefficient - entropy * c.entropyCoefficient
                optimizer.zeroGradients()
                loss.backward()
                guard loss.item.isFinite else { throw RLHFError.invalidInput("the PPO loss became NaN at round \(state.history.count + 1); lower the learning rate") }
                _ = clipGradientNorm(setup.policy.parameters, maxNorm: c.maxGradientNorm)
                optimizer.step()
                let subMask = sub.mask.scalars
                sums.clipped += Double(zip(ratio.scalars, subMask).filter { $1 > 0 && abs($0 - 1) > c.clipRange }.count) / Double(Swift.max(subMask.reduce(0, +), 1))
                sums.policy += Double(policyLoss.item); sums.value += Double(valueLoss.item); sums.entropy += Double(entropy.item); sums.batches += 1
            }
        }
        let updateSeconds = Double(DispatchTime.now().uptimeNanoseconds - updateStart) / 1e9
        let responseTokens = Double(mask.reduce(0, +))
        var m = LanguagePPOMetrics()
        let n = Double(rows), batches = Double(Swift.max(sums.batches, 1))
        m.iteration = state.history.count + 1
        m.rewardScore = Double(rollout.scores.reduce(0, +)) / n
        m.judgeScore = rollout.judgeScores.isEmpty ? nil : rollout.judgeScores.reduce(0, +) / n
        (m.kl, m.klK3) = kl
        m.nonScoreReward = -Double(state.beta) * kl.k1
        m.entropy = sums.entropy / batches
        m.responseLength = Double(rollout.responses.map(\.count).reduce(0, +)) / n
        m.clipFraction = sums.clipped / batches
        m.policyLoss = sums.policy / batches
        m.valueLoss = sums.value / batches
        m.beta = Double(state.beta)
        m.generationTokensPerSecond = Double(rollout.responses.map(\.count).reduce(0, +)) / rollout.generationSeconds
        m.updateTokensPerSecond = responseTokens * Double(c.epochs) / updateSeconds
        m.samples = Array(rollout.texts.prefix(3))
        m.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if c.adaptiveKL {  // Ziegler et al.: β ← β (1 + clip(KL / target − 1, ±0.2) · n / horizon)
            let error = Swift.min(Swift.max(Float(m.kl) / c.targetKL - 1, -0.2), 0.2)
            state.beta *= 1 + error * Float(rows) / c.klHorizon
        }
        state.history.append(m)
        return m
    }
}

extension TokenBatch {
    /// The given rows of another batch.
    init(rows: [Int], of batch: TokenBatch) {
        let time = batch.inputs.shape[1]
        func pick(_ values: [Int]) -> [Int] { rows.flatMap { values[($0 * time)..<(($0 + 1) * time)] } }
        inputs = IntTensor(shape: [rows.count, time], pick(batch.inputs.scalars))
        targets = IntTensor(shape: [rows.count, time], pick(batch.targets.scalars))
        let maskValues = batch.mask.scalars
        mask = Tensor(shape: [rows.count, time], rows.flatMap { maskValues[($0 * time)..<(($0 + 1) * time)] })
        lengths = rows.map { batch.lengths[$0] }
    }
}
