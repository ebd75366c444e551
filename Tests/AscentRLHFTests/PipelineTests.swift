import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

@Suite("RLHF pieces")
struct RLHFPieceTests {
    @Test func bradleyTerryLossOnHandComputedValues() {
        // −log σ(2 − 0.5) = log(1 + e^−1.5) = 0.201413; with margin 1: log(1 + e^−0.5) = 0.474077.
        #expect(abs(bradleyTerryLoss(chosen: Tensor([2]), rejected: Tensor([0.5])).item - 0.201413) < 1e-5)
        #expect(abs(bradleyTerryLoss(chosen: Tensor([2]), rejected: Tensor([0.5]), margin: 1).item - 0.474077) < 1e-5)
        #expect(abs(bradleyTerryLoss(chosen: Tensor([0, 3]), rejected: Tensor([0, 3])).item - Float(log(2.0))) < 1e-6)
        #expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]) == 1 && kendallTau([1, 2, 3], [3, 2, 1]) == -1)
        #expect(abs(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]) - 4.0 / 6.0) < 1e-12)
    }

    @Test func klEstimatorsOnHandComputedValues() {
        // Two response tokens with log π − log π_ref = 0.5 and −0.2 (a padded position is ignored):
        // k1 = 0.3; k3 = (e^−0.5 − 1 + 0.5) + (e^0.2 − 1 − 0.2) = 0.106531 + 0.021403.
        let (k1, k3) = klEstimates(policy: [-1, -2, -9], reference: [-1.5, -1.8, 0], mask: [1, 1, 0], responses: 1)
        #expect(abs(k1 - 0.3) < 1e-6 && abs(k3 - 0.127934) < 1e-5)
        #expect(klEstimates(policy: [-1, -2], reference: [-1, -2], mask: [1, 1], responses: 2) == (0, 0))
    }

    @Test func userCorporaAreCheckedLineByLine() throws {
        #expect(try Corpus.lines(of: Data("one\r\ntwo\n".utf8)) == ["one", "two"])
        do {
            _ = try Corpus.lines(of: Data("fine\n\nalso fine\n   \n".utf8) + Data([0xFF, 0xFE, 0x0A]) + Data("end".utf8))
            Issue.record("accepted a broken corpus")
        } catch {
            #expect("\(error)".contains("empty lines 2, 4") && "\(error)".contains("not valid UTF-8: 5"))
        }
        #expect(throws: RLHFError.self) { try Corpus.lines(of: Data()) }
    }

    @Test func trainingSettingsAreValidated() {
        var dpo = DPOConfiguration()
        dpo.epochs = 0
        #expect(throws: RLHFError.self) { try dpo.validate() }
        dpo = DPOConfiguration()
        dpo.beta = .nan
        #expect(throws: RLHFError.self) { try dpo.validate() }
        var reward = RewardTraining()
        reward.epochs = 0
        #expect(throws: RLHFError.self) { try reward.validate() }
        var settings = RLHFSettings.miniature
        settings.reward.learningRate = -1
        #expect(throws: RLHFError.self) { try RLHFPipeline(settings) }
    }

    @Test func judgeScoresSentimentRepetitionAndEndings() {
        let judge = Judge()
        #expect(judge.score("the fit is superb. the design is lovely.") == 2)
        #expect(judge.score("the fit is superb. the design is awful.") == 0)
        #expect(judge.score("great great great great.") == 0)  // +1 sentiment, −1 repetition
        #expect(judge.score("the fit is superb") == 0)        // +1 sentiment, −1 unfinished
        #expect(judge.prefers("the fit is superb.", over: "the fit is awful.") == true)
        #expect(Judge(criterion: .negative).prefers("the fit is superb.", over: "the fit is awful.") == false)
        #expect(Judge(criterion: .length, targetWords: 4).score("a b c d.") == 0)
    }

    @Test func preferenceFilesReportEveryBadRow() throws {
        let good = #"{"prompt": "p", "chosen": "a", "rejected": "b"}"#
        #expect(try PreferencePair.read(jsonLines: good + "\n\n" + good + "\n" + #"{"prompt": "p", "chosen": "", "rejected": "b"}"#).count == 3)
        do {
            _ = try PreferencePair.read(jsonLines: [good, "not json", good, #"{"prompt": "p", "chosen": ""}"#, #"{"prompt": "", "chosen": "a", "rejected": "b"}"#, #"{"prompt": "p", "chosen": "", "rejected": ""}"#].joined(separator: "\n"))
            Issue.record("accepted malformed rows")
        } catch {
            #expect("\(error)".contains("line 2, line 4, line 5 (empty prompt), line 6 (chosen equals rejected)"))
        }
        #expect(throws: RLHFError.self) { try PreferencePair.read(jsonLines: "\n\n") }
    }

    @Test func demonstrationFilesReportEveryBadRow() throws {
        let good = #"{"prompt": "p", "completion": " c"}"#
        #expect(try Demonstration.read(jsonLines: good + "\n\n" + good) == [Demonstration(prompt: "p", completion: " c"), Demonstration(prompt: "p", completion: " c")])
        do {
            _ = try Demonstration.read(jsonLines: [good, #"{"prompt": "p"}"#, "[]", #"{"prompt": "p", "completion": ""}"#].joined(separator: "\n"))
            Issue.record("accepted malformed rows")
        } catch {
            #expect("\(error)".contains("line 2 (prompt and completion must both be texts or both conversations, or messages alone), line 3, line 4 (empty completion)"), "\(error)")
        }
    }

    @Test func mismatchedPiecesAreRefused() throws {
        var generator = RandomGenerator(seed: 1)
        let small = GPTConfiguration(vocabularySize: 300, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2)
        var other = small
        other.layers = 2
        let tokenizer = try ByteLevelBPE.train(corpus: ReviewTask.corpus(count: 50, seed: 1), vocabularySize: 300)
        let model = try GPT(GPTConfiguration(vocabularySize: tokenizer.vocabularySize, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2), generator: &generator)
        let policy = try LanguagePolicy(initializedFrom: model, generator: &generator)
        let reward = try RewardModel(initializedFrom: model, generator: &generator)
        var wrongShape = model.configuration
        wrongShape.layers = 2
        let reference = try GPT(wrongShape, generator: &generator)
        #expect(throws: RLHFError.self) {
            try LanguageModelOptimization(policy: policy, reference: reference, reward: .model(reward), tokenizer: tokenizer, judge: Judge(), prompts: [TaskPrompt("a")])
        }
        let otherTokenizer = try ByteLevelBPE.train(corpus: ReviewTask.corpus(count: 50, seed: 1), vocabularySize: 290)
        if otherTokenizer.vocabularySize != tokenizer.vocabularySize {
            #expect(throws: RLHFError.self) {
                try LanguageModelOptimization(policy: policy, reference: model, reward: .model(reward), tokenizer: otherTokenizer, judge: Judge(), prompts: [TaskPrompt("a")])
            }
        }
        #expect(throws: RLHFError.self) { try GPT(GPTConfiguration(vocabularySize: 10, contextLength: 8, embeddingSize: 10, layers: 1, heads: 3), generator: &generator) }
        #expect(throws: RLHFError.self) { try ByteLevelBPE.train(corpus: [], vocabularySize: 300) }
        _ = (small, other)
    }
}

/// The whole pipeline at toy size: the reward model must beat chance clearly on held-out
/// pairs, and PPO must raise the reward-model score.
@Suite("RLHF pipeline", .serialized)
struct RLHFPipelineTests {
    @Test func miniaturePipelineLearnsAndSavesItsPieces() throws {
        var settings = RLHFSettings.miniature
        settings.pairsPerPrompt = 24
        settings.reward.epochs = 6
        settings.ppo.iterations = 25
        settings.ppo.learningRate = 1e-3
        settings.ppo.adaptiveKL = false
        settings.ppo.klCoefficient = 0.05
        let pipeline = try RLHFPipeline(settings)
        try pipeline.prepare()
        let evaluation = try #require(pipeline.rewardEvaluation)
        #expect(evaluation.accuracy > 0.7, "held-out accuracy \(evaluation.accuracy)")
        let ppo = try pipeline.runPPO()  // β 0.05, fixed
        // Rounds score 16 responses to random prompts and are noisy; compare the trained policy
        // with the fine-tuned model on the same 64 prompts and sampling seed instead.
        func meanScore(_ model: GPT) throws -> Double {
            let tokenizer = pipeline.tokenizer!
            var generator = RandomGenerator(seed: 77, stream: "test-evaluation")
            let prompts = ReviewTask.prompts.flatMap { Array(repeating: tokenizer.encode($0), count: 4) }
            let responses = try model.generate(prompts: prompts, maxNewTokens: settings.maxNewTokens, stopToken: tokenizer.endOfText, generator: &generator)
            let scores = pipeline.rewardModel!.scores(of: zip(prompts, responses).map { $0 + $1 })
            return Double(scores.reduce(0, +)) / Double(scores.count)
        }
        let (before, after) = (try meanScore(pipeline.supervised!), try meanScore(ppo.setup.policy.model))
        #expect(after > before + 0.2, "reward-model score \(before) → \(after)")
        #expect(ppo.history.allSatisfy { $0.kl.isFinite && $0.klK3 >= 0 })

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-rlhf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try pipeline.save(to: directory)
        let reloaded = try RLHFPipeline(settings)
        try reloaded.load(from: directory)
        #expect(reloaded.tokenizer == pipeline.tokenizer)
        #expect(reloaded.trainingPairs == pipeline.trainingPairs)
        let sample = pipeline.tokenizer!.encode("review of the lamp: the fit is superb.")
        #expect(reloaded.rewardModel!.scores(of: [sample]) == pipeline.rewardModel!.scores(of: [sample]))
    }
}
