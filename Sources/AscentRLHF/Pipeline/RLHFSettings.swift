/// Every setting of the shipped RLHF pipeline, from corpus to PPO.
public struct RLHFSettings: Codable, Sendable, Equatable {
    public var seed: UInt64 = 1
    /// Reviews in the generated pre-training corpus and supervised demonstrations.
    public var corpusSize = 4_000
    /// Pre-train on these documents (one per line of a user's file) instead of the generated reviews.
    public var corpus: [String]? = nil
    public var demonstrations = 2_000
    /// Fine-tune on these examples (a user's JSON Lines file) instead of the generated demonstrations.
    public var demonstrationData: [Demonstration]? = nil
    /// The model's shape; `vocabularySize` is also the tokenizer's target (a small user corpus
    /// may yield fewer tokens, and the model then takes the tokenizer's size).
    public var model = GPTConfiguration(vocabularySize: 400, contextLength: 64, embeddingSize: 64, layers: 2, heads: 4)
    public var pretraining: LanguageModelTraining = {
        var t = LanguageModelTraining()
        t.steps = 300
        return t
    }()
    public var supervised: LanguageModelTraining = {
        var t = LanguageModelTraining()
        t.steps = 150
        t.learningRate = 1e-3
        t.warmupSteps = 10
        return t
    }()
    /// Sampled response pairs per prompt, labelled by the judge; `heldOut` of them evaluate the reward model.
    public var pairsPerPrompt = 120
    public var heldOutFraction = 0.2
    public var reward: RewardTraining = {
        var r = RewardTraining()
        r.epochs = 5
        return r
    }()
    /// β starts at 0.5 and adapts to hold the KL near 4 nats per response; a fixed 0.1 lets the
    /// policy drift into text only the reward model likes (docs/rlhf.md).
    public var ppo: LanguagePPOConfiguration = {
        var p = LanguagePPOConfiguration()
        p.iterations = 100
        p.klCoefficient = 0.5
        p.adaptiveKL = true
        p.targetKL = 4
        p.klHorizon = 200
        return p
    }()
    /// GRPO, RLOO and DPO as their stages run them (the demo's comparison methods).
    public var grpo = GRPOConfiguration()
    public var rloo = GRPOConfiguration.rloo
    public var dpo = DPOConfiguration()
    public var judge = Judge()
    public var maxNewTokens = 24
    /// Train LoRA adapters instead of every weight in sft, dpo, ppo, grpo and rloo (merged into
    /// the stage's model when it ends, and kept as PEFT files); nil: full fine-tuning.
    public var lora: LoRAConfiguration? = nil

    public init() {}

    /// Models from this many parameters up get ``adoptLargeModelDefaults()``.
    public static let largeModelParameters = 10_000_000

    /// The learning rates `transformers`/TRL use for models of 100M parameters and more
    /// (SFTConfig 2e-5, RewardConfig 1e-5, PPOConfig 3e-6, GRPOConfig and RLOOConfig 1e-6,
    /// DPOConfig 1e-6), in place of the demo's, which suit its 100k-parameter model: at GPT-2
    /// small, the demo's PPO rate clips most of the first round's ratios.
    public mutating func adoptLargeModelDefaults() {
        (pretraining.learningRate, supervised.learningRate, reward.learningRate) = (2e-5, 2e-5, 1e-5)
        (ppo.learningRate, grpo.learningRate, rloo.learningRate, dpo.learningRate) = (3e-6, 1e-6, 1e-6, 1e-6)
    }

    /// A seconds-long version for tests and CI: the same stages at toy sizes.
    public static var miniature: RLHFSettings {
        var s = RLHFSettings()
        s.corpusSize = 600
        s.demonstrations = 300
        s.model = GPTConfiguration(vocabularySize: 320, contextLength: 48, embeddingSize: 32, layers: 1, heads: 2)
        s.pretraining.steps = 250
        s.pretraining.batchSize = 16
        s.supervised.steps = 80
        s.supervised.batchSize = 16
        s.pairsPerPrompt = 8
        s.reward.epochs = 4
        s.reward.batchSize = 16
        s.ppo.iterations = 4
        s.ppo.batchSize = 16
        s.ppo.minibatchSize = 8
        s.maxNewTokens = 16
        s.ppo.maxNewTokens = 16
        return s
    }

    public func validate() throws {
        try model.validate()
        guard corpusSize > 0, demonstrations > 0, pairsPerPrompt > 0, heldOutFraction >= 0, heldOutFraction < 1, maxNewTokens > 0 else {
            throw RLHFError.invalidInput("corpusSize, demonstrations, pairsPerPrompt and maxNewTokens must be positive; heldOutFraction in [0, 1)")
        }
        try pretraining.validate()
        try supervised.validate()
        try ppo.validate()
        try reward.validate()
    }
}
