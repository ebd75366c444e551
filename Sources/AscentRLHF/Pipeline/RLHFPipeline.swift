import AscentTensor
import Dispatch
import Foundation

/// The whole chapter, stage by stage: tokenizer and base model from a generated corpus,
/// supervised fine-tuning on demonstrations, preference pairs labelled by the judge, a
/// Bradley–Terry reward model, then policy optimisation against it. Each stage's output is a
/// property, so a caller (the CLI, a test) can save it, report it or stop.
public final class RLHFPipeline {
    /// Every stage's settings; a stage reads them when it starts (set them before).
    public var settings: RLHFSettings
    public internal(set) var tokenizer: ByteLevelBPE?
    public internal(set) var base: GPT?
    public internal(set) var supervised: GPT?
    public internal(set) var trainingPairs: [PreferencePair] = []
    public internal(set) var heldOutPairs: [PreferencePair] = []
    public internal(set) var rewardModel: RewardModel?
    /// The LoRA adapters each stage trained (with ``RLHFSettings/lora``), as PEFT files, by stage.
    public internal(set) var adapterFiles: [String: (config: Data, weights: SafeTensors)] = [:]
    /// The preference pairs are a user's (no judge to rank responses with).
    public private(set) var userPreferences = false
    public private(set) var rewardEvaluation: RewardEvaluation?
    /// Wall-clock seconds per stage, in order.
    public private(set) var stageSeconds: [(stage: String, seconds: Double)] = []
    /// Pre-training and fine-tuning loss curves.
    public private(set) var pretrainingSteps: [LanguageModelStep] = []
    public private(set) var supervisedSteps: [LanguageModelStep] = []
    /// The chat template of a user's model (adopted with it, saved with the tokenizer), which
    /// conversations in the user's data are rendered with.
    public var chatFormat: ChatFormat?
    /// A user's prompts for PPO, GRPO and RLOO (nil: the shipped review prompts, scored beside
    /// the reward by the judge).
    public var policyPrompts: [TaskPrompt]?
    /// The reward of policy optimisation (nil: the trained reward model).
    public var policyReward: RewardSource?
    /// Progress messages (stage, detail).
    public var log: (String) -> Void = { _ in }
    /// Each step's scalars under TRL's tag names, for TensorBoard: (stage, step, scalars).
    /// Steps count what the stage's checkpoints count (batches; PPO and GRPO rounds).
    public var onScalars: (_ stage: String, _ step: Int, _ scalars: [(tag: String, value: Double)]) -> Void = { _, _, _ in }

    private func report(_ stage: String, _ step: LanguageModelStep) {
        onScalars(stage, step.step, [("train/loss", step.loss), ("train/learning_rate", step.learningRate), ("train/tokens_per_second", step.tokensPerSecond)])
    }

    private func report(_ stage: String, _ m: PreferenceEpochMetrics, accuracy: String, margin: String) {
        onScalars(stage, m.step, [("train/loss", m.loss), (accuracy, m.accuracy), (margin, m.margin), ("train/epoch", Double(m.epoch))])
    }

    /// A PPO or GRPO round under TRL's PPO tag names (plus the judge, which TRL has not).
    private func report(_ stage: String, _ m: LanguagePPOMetrics) {
        onScalars(stage, m.iteration, [
            ("objective/scores", m.rewardScore), ("objective/kl", m.kl), ("objective/kl_k3", m.klK3), ("objective/entropy", m.entropy),
            ("objective/non_score_reward", m.nonScoreReward), ("objective/rlhf_reward", m.rewardScore + m.nonScoreReward),
            ("policy/clipfrac_avg", m.clipFraction), ("loss/policy_avg", m.policyLoss),
            ("loss/value_avg", m.valueLoss), ("train/beta", m.beta), ("train/completion_length", m.responseLength),
            ("time/generation_tokens_per_second", m.generationTokensPerSecond),
        ] + (m.judgeScore.map { [("objective/judge", $0)] } ?? []) + (m.flatGroupFraction.map { [("train/frac_reward_zero_std", $0)] } ?? []))
    }

    public init(_ settings: RLHFSettings) throws {
        try settings.validate()
        self.settings = settings
    }

    /// When the running stage began, and the step it had reached then (a resumed stage starts
    /// past 0), for ETAs.
    private var stageStart: UInt64?
    private var stageFirstStep: Int?

    private func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        (stageStart, stageFirstStep) = (start, nil)
        let result = try body()
        stageSeconds.append((stage, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        return result
    }

    private var endOfText: Int { tokenizer?.endOfText ?? 0 }

    /// Sees every step; logs "stage step n/N: loss, tokens/s, ETA" every 50.
    private func logProgress(_ stage: String, _ step: LanguageModelStep, of total: Int) {
        let first = stageFirstStep ?? step.step - 1
        stageFirstStep = first
        guard step.step % 50 == 0 else { return }
        let elapsed = stageStart.map { Double(DispatchTime.now().uptimeNanoseconds - $0) / 1e9 } ?? 0
        let remaining = elapsed / Double(step.step - first) * Double(total - step.step)
        log(String(format: "%@ step %d/%d: loss %.3f, %.0f tokens/s, ETA %.0f s", stage, step.step, total, step.loss, step.tokensPerSecond, remaining))
    }

    /// Starts from a model of the user's (a Hugging Face folder) instead of pre-training: it
    /// becomes the base model that fine-tuning copies, with its tokenizer, and with
    /// `asFineTuned` also the fine-tuned model that policy optimisation starts from and stays near.
    public func adopt(base model: GPT, tokenizer: ByteLevelBPE, asFineTuned: Bool = false) throws {
        guard tokenizer.vocabularySize == model.configuration.vocabularySize else {
            throw RLHFError.invalidTokenizer("the tokenizer has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(model.configuration.vocabularySize)")
        }
        (base, self.tokenizer) = (model, tokenizer)
        if asFineTuned { supervised = model }
    }

    /// Tokenizer and base model trained on the generated review corpus (or the user's).
    /// Each stage takes a `control` that saves and resumes its checkpoints and stops it on request.
    public func pretrain(control: StageControl = .uninterrupted) throws {
        let corpus = settings.corpus ?? ReviewTask.corpus(count: settings.corpusSize, seed: settings.seed)
        let tokenizer = try timed("tokenizer") { try ByteLevelBPE.train(corpus: corpus, vocabularySize: settings.model.vocabularySize) }
        self.tokenizer = tokenizer
        let eot = tokenizer.endOfText!
        let sequences = corpus.map { line -> TokenSequence in
            let tokens = tokenizer.encode(line, addingSpecialTokens: true) + [eot]
            return TokenSequence(tokens: tokens, trained: Array(repeating: true, count: tokens.count))
        }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-base-init")
        // A small user corpus may yield fewer merges than asked for: the model takes the tokenizer's size.
        var shape = settings.model
        shape.vocabularySize = tokenizer.vocabularySize
        let model = try GPT(shape, generator: &generator)
        pretrainingSteps = try timed("pre-training") {
            try model.train(on: sequences, settings: settings.pretraining, padding: eot, stage: "pretrain", control: control) { step in
                logProgress("pre-training", step, of: settings.pretraining.steps)
                report("pretrain", step)
                return true
            }
        }
        base = model
    }

    /// Supervised fine-tuning of a copy of the base model on prompt → response demonstrations
    /// (the user's `demonstrationData`, or the generated ones). A user's example longer than
    /// the model's context is refused with its number, never cut silently.
    public func fineTune(control: StageControl = .uninterrupted) throws {
        guard let tokenizer, let base else { throw RLHFError.invalidInput("fine-tuning needs the pre-trained base model first") }
        guard let eot = tokenizer.endOfText else { throw RLHFError.invalidTokenizer("fine-tuning needs an end-of-text token to end each completion") }
        let examples = settings.demonstrationData
            ?? ReviewTask.demonstrations(count: settings.demonstrations, seed: settings.seed &+ 1).map { Demonstration(prompt: $0.prompt, completion: $0.response) }
        let sequences = examples.map { TokenSequence(prompt: tokenizer.encode($0.prompt, addingSpecialTokens: true), response: tokenizer.encodeResponse($0.completion)) }
        let context = base.configuration.contextLength
        // The user's examples must fit; the generated ones are cut to the context, as the
        // shipped task (and its miniature, 48 tokens) has always trained on them.
        let long = settings.demonstrationData == nil ? [] : sequences.indices.filter { sequences[$0].tokens.count > context + 1 }
        guard long.isEmpty else {
            throw RLHFError.invalidInput("\(long.count) demonstration\(long.count == 1 ? "" : "s") exceed the model's \(context)-token context (prompt, completion and end of text): example\(long.count == 1 ? "" : "s") \(long.prefix(10).map { String($0 + 1) }.joined(separator: ", "))\(long.count > 10 ? " and more" : ""); shorten them")
        }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-sft-init")
        let model = try GPT(base.configuration, generator: &generator)
        model.copyParameters(from: base)
        try attachAdapters(model, stage: "sft")
        supervisedSteps = try timed("supervised fine-tuning") {
            try model.train(on: sequences, settings: settings.supervised, padding: eot, stage: "sft", control: control) { step in
                logProgress("fine-tuning", step, of: settings.supervised.steps)
                report("sft", step)
                return true
            }
        }
        try mergeAdapters(model, stage: "sft")
        supervised = model
    }

    /// With ``RLHFSettings/lora``, attaches adapters to a model a stage is about to train
    /// (every other weight frozen); their initial values come from a stream of their own, so
    /// a run without LoRA draws exactly what it did before.
    private func attachAdapters(_ model: GPT, stage: String) throws {
        guard let lora = settings.lora else { return }
        var generator = RandomGenerator(seed: settings.seed, stream: "lora-\(stage)")
        try model.addAdapters(lora, generator: &generator)
    }

    /// After a stage trained adapters: keeps them as PEFT files (``adapterFiles``) and merges
    /// them into the model, which then computes the same with ordinary weights.
    func mergeAdapters(_ model: GPT, stage: String) throws {
        guard let lora = settings.lora, !model.adapters.isEmpty else { return }
        adapterFiles[stage] = try model.adapterFiles(lora)
        model.mergeAdapters()
    }

    /// Uses a user's preference pairs (TRL's `prompt`/`chosen`/`rejected`) for the reward model
    /// and DPO instead of sampling pairs for the judge to label; `heldOut` (which may be empty)
    /// measures the reward model's accuracy.
    public func usePreferences(_ training: [PreferencePair], heldOut: [PreferencePair] = []) throws {
        guard !training.isEmpty else { throw RLHFError.invalidInput("no preference pairs to train on") }
        (trainingPairs, heldOutPairs, userPreferences) = (training, heldOut, true)
    }

    /// Pairs of fine-tuned-model samples per prompt, labelled by the judge and split into
    /// training and held-out sets.
    public func collectPreferences(control: StageControl = .uninterrupted) throws {
        guard let tokenizer, let supervised else { throw RLHFError.invalidInput("preferences need the fine-tuned model first") }
        let sampling = PreferenceSampling(policy: supervised, tokenizer: tokenizer, prompts: ReviewTask.prompts, pairsPerPrompt: settings.pairsPerPrompt,
                                          maxNewTokens: settings.maxNewTokens, judge: settings.judge,
                                          generator: RandomGenerator(seed: settings.seed, stream: "rlhf-preferences"))
        try timed("preference sampling") { try sampling.run(control) }
        let pairs = sampling.state.pairs
        var generator = sampling.state.generator
        let order = generator.permutation(pairs.count)
        let heldOut = Int(Double(pairs.count) * settings.heldOutFraction)
        heldOutPairs = order.prefix(heldOut).map { pairs[$0] }
        trainingPairs = order.dropFirst(heldOut).map { pairs[$0] }
        log("preferences: \(trainingPairs.count) training and \(heldOutPairs.count) held-out pairs (ties dropped)")
    }

    /// The reward model trained on the training pairs and evaluated on the held-out ones.
    public func trainRewardModel(control: StageControl = .uninterrupted) throws {
        guard let tokenizer, let supervised, !trainingPairs.isEmpty else { throw RLHFError.invalidInput("the reward model needs preference pairs first") }
        var generator = RandomGenerator(seed: settings.seed, stream: "rlhf-reward-init")
        let model = try RewardModel(initializedFrom: supervised, generator: &generator)
        try timed("reward model") {
            try model.train(on: trainingPairs, tokenizer: tokenizer, settings: settings.reward, control: control) { m in
                self.report("reward", m, accuracy: "train/accuracy", margin: "train/score_gap")
                self.log(String(format: "reward model epoch %d: loss %.3f, training accuracy %.1f %%, mean score gap %.2f", m.epoch, m.loss, m.accuracy * 100, m.margin))
            }
        }
        var sampler = RandomGenerator(seed: settings.seed, stream: "rlhf-ranking")
        let sets = try (userPreferences ? [] : ReviewTask.prompts).map { prompt -> (prompt: String, responses: [String]) in
            let encoded = tokenizer.encode(prompt, addingSpecialTokens: true)
            let samples = try supervised.generate(prompts: Array(repeating: encoded, count: 6), maxNewTokens: settings.maxNewTokens,
                                                  stopToken: tokenizer.endOfText, generator: &sampler)
            return (prompt, try samples.map { try tokenizer.decodeText($0.filter { $0 != tokenizer.endOfText }) })
        }
        let evaluation = model.evaluate(pairs: heldOutPairs.isEmpty ? trainingPairs : heldOutPairs, responseSets: sets, tokenizer: tokenizer,
                                        judge: userPreferences ? nil : settings.judge)
        (rewardEvaluation, rewardModel) = (evaluation, model)
        let tau = evaluation.kendallTau.map { String(format: ", Kendall τ with the judge %.2f", $0) } ?? ""
        log(String(format: "reward model: %@ accuracy %.1f %%%@", heldOutPairs.isEmpty ? "training-pair" : "held-out", evaluation.accuracy * 100, tau))
    }

    /// A fresh policy (the fine-tuned model plus a value head) and its frozen reference.
    public func optimizationSetup(seed: UInt64) throws -> LanguageModelOptimization {
        guard let tokenizer, let supervised else { throw RLHFError.invalidInput("policy optimisation needs the fine-tuned model first (ascent rlhf sft)") }
        guard let reward = policyReward ?? rewardModel.map(RewardSource.model) else {
            throw RLHFError.invalidInput("policy optimisation needs a reward: train the reward model first (ascent rlhf reward) or give a rule or program")
        }
        var generator = RandomGenerator(seed: seed, stream: "rlhf-policy-init")
        let policy = try LanguagePolicy(initializedFrom: supervised, generator: &generator)
        try attachAdapters(policy.model, stage: "policy")
        let reference = try GPT(supervised.configuration, generator: &generator)
        reference.copyParameters(from: supervised)
        return try LanguageModelOptimization(policy: policy, reference: reference, reward: reward, tokenizer: tokenizer,
                                             judge: policyPrompts == nil ? settings.judge : nil,
                                             prompts: policyPrompts ?? ReviewTask.prompts.map { TaskPrompt($0) })
    }

    /// PPO with `configuration` (the settings' by default); returns the trained run.
    public func runPPO(_ configuration: LanguagePPOConfiguration? = nil, control: StageControl = .uninterrupted,
                       callback: (LanguagePPOMetrics) -> Void = { _ in }) throws -> LanguagePPO {
        let configuration = configuration ?? settings.ppo
        let beta = configuration.klCoefficient
        let ppo = try LanguagePPO(try optimizationSetup(seed: settings.seed), configuration: configuration)
        try timed(configuration.adaptiveKL && beta > 0 ? "PPO, β from \(beta), adaptive" : "PPO, β = \(beta)") {
            try ppo.train(control: control) { report("ppo", $0); callback($0); return true }
        }
        try mergeAdapters(ppo.setup.policy.model, stage: "ppo")
        return ppo
    }

    /// GRPO or RLOO (``GRPOConfiguration/baseline``) with `configuration`; returns the trained run.
    public func runGRPO(_ configuration: GRPOConfiguration, control: StageControl = .uninterrupted,
                        callback: (LanguagePPOMetrics) -> Void = { _ in }) throws -> GRPO {
        let grpo = try GRPO(try optimizationSetup(seed: settings.seed), configuration: configuration)
        try timed("\(configuration.method.uppercased()), β = \(configuration.klCoefficient)") {
            try grpo.train(control: control) { report(configuration.method, $0); callback($0); return true }
        }
        try mergeAdapters(grpo.setup.policy.model, stage: configuration.method)
        return grpo
    }

    /// DPO from the fine-tuned model on the training pairs; returns the policy and, on the
    /// shipped task, its mean judge score over one sample per prompt.
    public func runDPO(_ configuration: DPOConfiguration, control: StageControl = .uninterrupted,
                       callback: @escaping (PreferenceEpochMetrics) -> Void = { _ in }) throws -> (policy: GPT, judgeScore: Double?) {
        guard let supervised, let tokenizer, !trainingPairs.isEmpty else { throw RLHFError.invalidInput("DPO needs the fine-tuned model and preference pairs first") }
        var generator = RandomGenerator(seed: configuration.seed, stream: "dpo-init")
        let policy = try GPT(supervised.configuration, generator: &generator)
        policy.copyParameters(from: supervised)
        try attachAdapters(policy, stage: "dpo")
        try timed("DPO, β = \(configuration.beta)") {
            try policy.trainDPO(on: trainingPairs, reference: supervised, tokenizer: tokenizer, settings: configuration, control: control) { m in
                self.report("dpo", m, accuracy: "train/rewards/accuracies", margin: "train/rewards/margins")
                callback(m)
            }
        }
        try mergeAdapters(policy, stage: "dpo")
        guard !userPreferences else { return (policy, nil) }
        var judgeScores: [Double] = []
        for prompt in ReviewTask.prompts {
            let out = try policy.generate(prompts: [tokenizer.encode(prompt, addingSpecialTokens: true)], maxNewTokens: settings.maxNewTokens, stopToken: tokenizer.endOfText, generator: &generator)
            judgeScores.append(settings.judge.score(try tokenizer.decodeText(out[0].filter { $0 != tokenizer.endOfText })))
        }
        return (policy, judgeScores.reduce(0, +) / Double(judgeScores.count))
    }

    /// Every stage up to the reward model.
    public func prepare() throws {
        try pretrain()
        try fineTune()
        try collectPreferences()
        try trainRewardModel()
    }
}
