import AscentTensor
import Dispatch
import Foundation

/// The whole chapter, stage by stage: tokenizer and base model from a generated corpus,
/// supervised fine-tuning on demonstrations, preference pairs labelled by the judge, a
/// Bradley–Terry reward model, then policy optimisation against it. Each stage's output is a
/// property, so a caller (the CLI, a test) can save it, report it or stop.
public final class RLHFPipeline {
    public let settings: RLHFSettings
    public internal(set) var tokenizer: ByteLevelBPE?
    public internal(set) var base: GPT?
    public internal(set) var supervised: GPT?
    public internal(set) var trainingPairs: [PreferencePair] = []
    public internal(set) var heldOutPairs: [PreferencePair] = []
    public internal(set) var rewardModel: RewardModel?
    public private(set) var rewardEvaluation: RewardEvaluation?
    /// Wall-clock seconds per stage, in order.
    public private(set) var stageSeconds: [(stage: String, seconds: Double)] = []
    /// Pre-training and fine-tuning loss curves.
    public private(set) var pretrainingSteps: [LanguageModelStep] = []
    public private(set) var supervisedSteps: [LanguageModelStep] = []
    /// Progress messages (stage, detail).
    public var log: (String) -> Void = { _ in }

    public init(_ settings: RLHFSettings) throws {
        try settings.validate()
        self.settings = settings
    }

    /// When the running stage began (for ETAs).
    private var stageStart: UInt64?

    private func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        stageStart = start
        let result = try body()
        stageSeconds.append((stage, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        return result
    }

    private var endOfText: Int { tokenizer?.endOfText ?? 0 }

    /// "stage step n/N: loss, tokens/s, ETA" for the log.
    private func progress(_ stage: String, _ step: LanguageModelStep, of total: Int) -> String {
        let elapsed = stageStart.map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 } ?? 0
        let remaining = elapsed / Double(step.step) * Double(total - step.step)
        return String(format: "%@ step %d/%d: loss %.3f, %.0f tokens/s, ETA %.0f s", stage, step.step, total, step.loss, step.tokensPerSecond, remaining)
    }

    /// Tokenizer and base model trained on the generated review corpus (or the user's).
    public func pretrain() throws {
        let corpus = settings.corpus ?? ReviewTask.corpus(count: settings.corpusSize, seed: settings.seed)
        let tokenizer = try timed("tokenizer") { try ByteLevelBPE.train(corpus: corpus, vocabularySize: settings.model.vocabularySize) }
        self.tokenizer = tokenizer
        let eot = tokenizer.endOfText!
        let sequences = corpus.map { line -> TokenSequence in
            let tokens = tokenizer.encode(line) + [eot]
            return TokenSequence(tokens: tokens, trained: Array(repeating: true, count: tokens.count))
        }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-base-init")
        // A small user corpus may yield fewer merges than asked for: the model takes the tokenizer's size.
        var shape = settings.model
        shape.vocabularySize = tokenizer.vocabularySize
        let model = try GPT(shape, generator: &generator)
        pretrainingSteps = try timed("pre-training") {
            try model.train(on: sequences, settings: settings.pretraining, padding: eot) { step in
                if step.step % 50 == 0 { log(progress("pre-training", step, of: settings.pretraining.steps)) }
                return true
            }
        }
        base = model
    }

    /// Supervised fine-tuning of a copy of the base model on prompt → response demonstrations.
    public func fineTune() throws {
        guard let tokenizer, let base else { throw RLHFError.invalidInput("fine-tuning needs the pre-trained base model first") }
        let eot = tokenizer.endOfText!
        let sequences = ReviewTask.demonstrations(count: settings.demonstrations, seed: settings.seed &+ 1).map {
            TokenSequence(prompt: tokenizer.encode($0.prompt), response: tokenizer.encode($0.response) + [eot])
        }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-sft-init")
        let model = try GPT(base.configuration, generator: &generator)
        model.copyParameters(from: base)
        supervisedSteps = try timed("supervised fine-tuning") {
            try model.train(on: sequences, settings: settings.supervised, padding: eot) { step in
                if step.step % 50 == 0 { log(progress("fine-tuning", step, of: settings.supervised.steps)) }
                return true
            }
        }
        supervised = model
    }

    /// Pairs of fine-tuned-model samples per prompt, labelled by the judge and split into
    /// training and held-out sets.
    public func collectPreferences() throws {
        guard let tokenizer, let supervised else { throw RLHFError.invalidInput("preferences need the fine-tuned model first") }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-preferences")
        let pairs = try timed("preference sampling") {
            try PreferencePair.sample(from: supervised, tokenizer: tokenizer, prompts: ReviewTask.prompts, pairsPerPrompt: settings.pairsPerPrompt,
                                      maxNewTokens: settings.maxNewTokens, judge: settings.judge, generator: &generator)
        }
        let order = generator.permutation(pairs.count)
        let heldOut = Int(Double(pairs.count) * settings.heldOutFraction)
        heldOutPairs = order.prefix(heldOut).map { pairs[$0] }
        trainingPairs = order.dropFirst(heldOut).map { pairs[$0] }
        log("preferences: \(trainingPairs.count) training and \(heldOutPairs.count) held-out pairs (ties dropped)")
    }

    /// The reward model trained on the training pairs and evaluated on the held-out ones.
    public func trainRewardModel() throws {
        guard let tokenizer, let supervised, !trainingPairs.isEmpty else { throw RLHFError.invalidInput("the reward model needs preference pairs first") }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-reward-init")
        let model = try RewardModel(initializedFrom: supervised, generator: &generator)
        try timed("reward model") {
            try model.train(on: trainingPairs, tokenizer: tokenizer, settings: settings.reward) { epoch, loss, accuracy in
                log(String(format: "reward model epoch %d: loss %.3f, training accuracy %.1f %%", epoch, loss, accuracy * 100))
            }
        }
        var sampler = RandomGenerator(seed: settings.seed, stream: "rlhf-ranking")
        let sets = try ReviewTask.prompts.map { prompt -> (prompt: String, responses: [String]) in
            let encoded = tokenizer.encode(prompt)
            let samples = try supervised.generate(prompts: Array(repeating: encoded, count: 6), maxNewTokens: settings.maxNewTokens,
                                                  stopToken: tokenizer.endOfText, generator: &sampler)
            return (prompt, try samples.map { try tokenizer.decodeText($0.filter { $0 != tokenizer.endOfText }) })
        }
        rewardEvaluation = model.evaluate(pairs: heldOutPairs.isEmpty ? trainingPairs : heldOutPairs, responseSets: sets, tokenizer: tokenizer, judge: settings.judge)
        rewardModel = model
        log(String(format: "reward model: held-out accuracy %.1f %%, Kendall τ with the judge %.2f", (rewardEvaluation!.accuracy) * 100, rewardEvaluation!.kendallTau))
    }

    /// A fresh policy (the fine-tuned model plus a value head) and its frozen reference.
    public func optimizationSetup(seed: UInt64) throws -> LanguageModelOptimization {
        guard let tokenizer, let supervised, let rewardModel else { throw RLHFError.invalidInput("policy optimisation needs the reward model first") }
        var generator = RandomGenerator(seed: seed, stream: "rlhf-policy-init")
        let policy = try LanguagePolicy(initializedFrom: supervised, generator: &generator)
        let reference = try GPT(supervised.configuration, generator: &generator)
        reference.copyParameters(from: supervised)
        return try LanguageModelOptimization(policy: policy, reference: reference, rewardModel: rewardModel, tokenizer: tokenizer,
                                             judge: settings.judge, prompts: ReviewTask.prompts)
    }

    /// PPO with the configured settings and penalty β; returns the trained run.
    public func runPPO(beta: Float, callback: (LanguagePPOMetrics) -> Void = { _ in }) throws -> LanguagePPO {
        var configuration = settings.ppo
        configuration.klCoefficient = beta
        let ppo = try LanguagePPO(try optimizationSetup(seed: settings.seed), configuration: configuration)
        try timed(configuration.adaptiveKL && beta > 0 ? "PPO, β from \(beta), adaptive" : "PPO, β = \(beta)") {
            try ppo.train { metrics in
                callback(metrics)
                return true
            }
        }
        return ppo
    }

    /// Every stage up to the reward model.
    public func prepare() throws {
        try pretrain()
        try fineTune()
        try collectPreferences()
        try trainRewardModel()
    }
}
