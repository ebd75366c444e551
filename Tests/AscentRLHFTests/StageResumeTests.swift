import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

/// Every RLHF stage stopped part-way, its checkpoint encoded to bytes and decoded, and resumed
/// in a fresh pipeline loaded from the directory, ends exactly where an uninterrupted run ends:
/// the same parameters to the bit, the same records, pairs and evaluations.
@Suite("RLHF stages resume", .serialized)
struct StageResumeTests {
    static var settings: RLHFSettings {
        var s = RLHFSettings.miniature
        s.corpusSize = 200
        s.demonstrations = 100
        s.pretraining.steps = 9
        s.pretraining.batchSize = 8
        s.supervised.steps = 6
        s.supervised.batchSize = 8
        s.pairsPerPrompt = 8
        s.judge = Judge(criterion: .length, targetWords: 6)  // the barely trained model's samples rarely tie on length
        s.reward.epochs = 2
        s.reward.batchSize = 2
        s.ppo.iterations = 3
        s.ppo.batchSize = 8
        s.ppo.minibatchSize = 4
        return s
    }

    /// A control that asks to stop after `steps` steps, keeping what it saves.
    final class Interruption {
        var saved: SafeTensors?
        var saves = 0
        private var polls = 0

        func control(stopAfter steps: Int, every: Int = 0) -> StageControl {
            StageControl(checkpointEvery: every, save: { self.saved = $0; self.saves += 1 }, stopRequested: {
                self.polls += 1
                return self.polls >= steps
            })
        }
    }

    func parameters(_ module: Module) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.name, $0.parameter.value.scalars) })
    }

    /// Round metrics without the wall-clock fields.
    func rounds(_ history: [LanguagePPOMetrics]) -> [LanguagePPOMetrics] {
        history.map { var m = $0; (m.seconds, m.generationTokensPerSecond, m.updateTokensPerSecond) = (0, 0, 0); return m }
    }

    @Test func everyStageContinuesBitIdentically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-rlhf-resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try RLHFPipeline(Self.settings)
        var grpo = GRPOConfiguration()
        (grpo.iterations, grpo.promptsPerIteration, grpo.groupSize, grpo.maxNewTokens) = (3, 2, 2, 8)
        var dpo = DPOConfiguration()
        (dpo.epochs, dpo.batchSize) = (2, 2)
        var wholeRuns: (ppo: LanguagePPO?, grpo: GRPO?, dpo: (policy: GPT, judgeScore: Double?)?) = (nil, nil, nil)
        var resumedRuns = wholeRuns
        // (stage, step to stop after, runs it on a pipeline under a control)
        let stages: [(String, Int, (RLHFPipeline, StageControl, Bool) throws -> Void)] = [
            ("pretrain", 4, { p, c, _ in try p.pretrain(control: c) }),
            ("sft", 3, { p, c, _ in try p.fineTune(control: c) }),
            ("preferences", 5, { p, c, _ in try p.collectPreferences(control: c) }),
            ("reward", 3, { p, c, _ in try p.trainRewardModel(control: c) }),
            ("ppo", 1, { p, c, resumed in let run = try p.runPPO(control: c); if resumed { resumedRuns.ppo = run } else { wholeRuns.ppo = run } }),
            ("grpo", 2, { p, c, resumed in let run = try p.runGRPO(grpo, control: c); if resumed { resumedRuns.grpo = run } else { wholeRuns.grpo = run } }),
            ("dpo", 3, { p, c, resumed in let run = try p.runDPO(dpo, control: c); if resumed { resumedRuns.dpo = run } else { wholeRuns.dpo = run } }),
        ]
        for (stage, stopAfter, run) in stages {
            try run(whole, .uninterrupted, false)
            let stopped = try RLHFPipeline(Self.settings)
            try stopped.load(from: directory)
            let interruption = Interruption()
            do {
                try run(stopped, interruption.control(stopAfter: stopAfter, every: 2), false)
                Issue.record("\(stage) finished instead of stopping after step \(stopAfter)")
            } catch let stop as StageStopped {
                #expect(stop.stage == stage && stop.step == stopAfter)
            }
            #expect(interruption.saves == (stopAfter - 1) / 2 + 1, "\(stage): saves every 2 steps and on stopping")
            let bytes = try #require(interruption.saved).encoded()
            let resumed = try RLHFPipeline(Self.settings)
            try resumed.load(from: directory)
            try run(resumed, StageControl(resumeFrom: try SafeTensors.decode(bytes)), true)
            switch stage {
            case "pretrain":
                #expect(parameters(resumed.base!) == parameters(whole.base!), "pretrain parameters")
                #expect(resumed.pretrainingSteps.map(\.loss) == whole.pretrainingSteps.map(\.loss))
                #expect(resumed.pretrainingSteps.count == Self.settings.pretraining.steps)
            case "sft":
                #expect(parameters(resumed.supervised!) == parameters(whole.supervised!), "sft parameters")
                #expect(resumed.supervisedSteps.map(\.loss) == whole.supervisedSteps.map(\.loss))
            case "preferences":
                #expect(resumed.trainingPairs == whole.trainingPairs && resumed.heldOutPairs == whole.heldOutPairs)
                #expect(!whole.trainingPairs.isEmpty)
            case "reward":
                #expect(parameters(resumed.rewardModel!) == parameters(whole.rewardModel!), "reward parameters")
                #expect(resumed.rewardEvaluation == whole.rewardEvaluation)
            case "ppo":
                let (a, b) = (try #require(wholeRuns.ppo), try #require(resumedRuns.ppo))
                #expect(parameters(b.setup.policy) == parameters(a.setup.policy), "ppo parameters")
                #expect(rounds(b.history) == rounds(a.history) && b.beta == a.beta && a.history.count == 3)
            case "grpo":
                let (a, b) = (try #require(wholeRuns.grpo), try #require(resumedRuns.grpo))
                #expect(parameters(b.setup.policy.model) == parameters(a.setup.policy.model), "grpo parameters")
                #expect(rounds(b.history) == rounds(a.history))
            default:
                let (a, b) = (try #require(wholeRuns.dpo), try #require(resumedRuns.dpo))
                #expect(parameters(b.policy) == parameters(a.policy), "dpo parameters")
                #expect(b.judgeScore == a.judgeScore)
            }
            try resumed.save(to: directory)  // the next stage starts from the resumed run's output
        }
    }

    @Test func checkpointsOfOtherStagesOrSettingsAreRefused() throws {
        var settings = Self.settings
        let first = try RLHFPipeline(settings)
        let interruption = Interruption()
        #expect(throws: StageStopped.self) { try first.pretrain(control: interruption.control(stopAfter: 2)) }
        let saved = try #require(interruption.saved)
        settings.pretraining.learningRate *= 2
        let changed = try RLHFPipeline(settings)
        do {
            try changed.pretrain(control: StageControl(resumeFrom: saved))
            Issue.record("resumed with another learning rate")
        } catch {
            #expect("\(error)".contains("does not match this run's settings (learningRate: 0.003"), "\(error)")
        }
        let base = try RLHFPipeline(Self.settings)
        try base.pretrain()
        do {
            try base.fineTune(control: StageControl(resumeFrom: saved))
            Issue.record("resumed sft from a pretrain checkpoint")
        } catch {
            #expect("\(error)".contains("not a RLHF sft checkpoint"), "\(error)")
        }
    }
}
