import AscentTensor
import Foundation
import Testing
@testable import AscentRLHF

/// A user's own task for policy optimisation: prompts from JSON Lines, rewards from a rule or
/// a program, and GRPO improving that reward on a model folder `transformers` wrote.
@Suite("User tasks: prompts and rewards")
struct UserTaskTests {
    @Test func ruleRewardsScoreAsDocumented() throws {
        #expect(RuleReward.exactAnswer.scores(["  42. ", "42 apples", "x"], answers: ["42", "42", nil]) == [1, 0, 0])
        #expect(RuleReward.lastNumber.scores(["so the total is 1,234.", "12 then 13", "-2.50", "none"], answers: ["1234", "12", "-2.5", "3"]) == [1, 0, 1, 0])
        #expect(try RuleReward(parsing: "regex:^the\\b").scores(["the fit", "then", "a the"], answers: [nil, nil, nil]) == [1, 0, 0])
        #expect(try RuleReward(parsing: "length:4").scores(["one two three four", "one two", "a b c d e f g h"], answers: [nil, nil, nil]) == [0, -0.5, -1])
        for (spelling, message) in [("exactly", "unknown reward 'exactly'"), ("regex:(", "is not a valid regular expression"), ("length:0", "positive whole number")] {
            #expect(throws: RLHFError.self, "\(spelling)") { try RuleReward(parsing: spelling) }
            do { _ = try RuleReward(parsing: spelling) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
        #expect(try RuleReward(parsing: "number").description == "number")
    }

    @Test func promptFilesReportEveryBadRowAndReadNumericAnswers() throws {
        let prompts = try TaskPrompt.read(jsonLines: "{\"prompt\": \"2+2=\", \"answer\": 4}\n\n{\"prompt\": \"name a colour:\"}\n{\"prompt\": \"half of 3:\", \"answer\": 1.5}\n")
        #expect(prompts == [TaskPrompt("2+2=", answer: "4"), TaskPrompt("name a colour:"), TaskPrompt("half of 3:", answer: "1.5")])
        do {
            _ = try TaskPrompt.read(jsonLines: "{\"prompt\": \"ok\"}\nnot json\n{\"prompt\": \"\"}\n{\"text\": \"x\"}\n")
            Issue.record("accepted malformed prompt rows")
        } catch {
            #expect("\(error)".contains("line 2, line 3 (empty prompt), line 4"), "\(error)")
        }
    }

    @Test func rewardProgramsAreRunOncePerBatchAndTheirFailuresNamed() throws {
        let counting = RewardProgram(command: #"n=0; while read -r line; do n=$((n+1)); echo "$n.5"; done"#)
        #expect(try counting.scores(prompts: ["a", "b", "c"], responses: ["x", "y", "z"], answers: [nil, "1", nil]) == [1.5, 2.5, 3.5])
        // The program sees the rows as JSON with the answer only where there is one.
        let echo = RewardProgram(command: #"grep -c '"answer":"1"' >/dev/null && echo 1 && echo 2"#)
        #expect(try echo.scores(prompts: ["a", "b"], responses: ["x", "y"], answers: [nil, "1"]) == [1, 2])
        func failure(_ command: String, timeout: Double = 10) -> String {
            do { _ = try RewardProgram(command: command, timeoutSeconds: timeout).scores(prompts: ["a", "b"], responses: ["x", "y"], answers: [nil, nil]); return "scored" }
            catch { return "\(error)" }
        }
        #expect(failure("echo broken >&2; exit 3").contains("exited with status 3; its standard error ends: broken"))
        #expect(failure("echo 1; echo two").contains("printed 'two' on line 2"))
        #expect(failure("echo 1").contains("printed 1 lines for 2 responses"))
        #expect(failure("echo 1; echo nan").contains("one finite number"))
        #expect(failure("sleep 5", timeout: 0.3).contains("did not finish within 0.3 s"))
        #expect(failure("exit 0 #", timeout: 1).contains("printed 0 lines"))  // exits without reading its input
        #expect(throws: RLHFError.self) { try RewardProgram(command: "  ").validate() }
    }

    func fixturePipeline(reward: RuleReward) throws -> RLHFPipeline {
        let folder = try #require(Bundle.module.url(forResource: "llama-tiny", withExtension: nil, subdirectory: "Fixtures"))
        let (model, tokenizer) = try HuggingFaceFolder.load(folder)
        let pipeline = try RLHFPipeline(RLHFSettings.miniature)
        try pipeline.adopt(base: model, tokenizer: tokenizer, asFineTuned: true)
        pipeline.policyPrompts = [TaskPrompt("review of the lamp:"), TaskPrompt("review of the phone:")]
        pipeline.policyReward = .rule(reward)
        return pipeline
    }

    /// GRPO and RLOO on the tiny Llama fixture with a rule reward (closeness to 4 words) raise
    /// the reward within a few rounds, from the command line's starting point: the folder as
    /// the fine-tuned model and its own reference, no reward model.
    @Test(arguments: ["grpo", "rloo"]) func groupMethodsRaiseARuleRewardOnAModelFolder(_ method: String) throws {
        let pipeline = try fixturePipeline(reward: .length(words: 4))
        var c = method == "rloo" ? GRPOConfiguration.rloo : GRPOConfiguration()
        (c.iterations, c.promptsPerIteration, c.groupSize, c.maxNewTokens, c.learningRate) = (12, 4, 8, 12, 1e-2)
        // RLOO pays its KL from rewards that here span only about 0.5: at β 0.05 that noise
        // drowns this tiny signal (the demo, with rewards spanning 5, uses it), so β is 0.
        if method == "rloo" { c.klCoefficient = 0 }
        let run = try pipeline.runGRPO(c)
        let rewards = run.history.map(\.rewardScore)
        #expect(run.history.allSatisfy { $0.judgeScore == nil })  // no judge on a user's task
        let (first, last) = (rewards.prefix(3).reduce(0, +) / 3, rewards.suffix(3).reduce(0, +) / 3)
        #expect(last > first + 0.2, "reward \(rewards)")  // −0.51 → −0.24 (GRPO), −0.59 → −0.22 (RLOO) on AVX2
        // Without a reward model, the trained-model reward is refused by name.
        pipeline.policyReward = nil
        #expect(throws: RLHFError.self) { try pipeline.optimizationSetup(seed: 1) }
    }

    /// A reward that is the same for every response teaches nothing: every group is flat, every
    /// advantage 0 (the policy starts equal to its reference, so RLOO's KL payment is 0 too),
    /// and the first round leaves the weights exactly as they were.
    @Test(arguments: ["grpo", "rloo"]) func flatGroupsAreCountedAndTeachNothing(_ method: String) throws {
        let pipeline = try fixturePipeline(reward: .regex("never-written-by-this-model"))
        var c = method == "rloo" ? GRPOConfiguration.rloo : GRPOConfiguration()
        (c.iterations, c.promptsPerIteration, c.groupSize, c.maxNewTokens, c.epochs) = (1, 2, 4, 6, 1)
        let before = pipeline.supervised!.parameters.map { $0.value.scalars }
        let run = try pipeline.runGRPO(c)
        #expect(run.history[0].flatGroupFraction == 1)
        #expect(run.setup.policy.model.parameters.map { $0.value.scalars } == before)
    }

    /// A stop string ends a response at the token that completes it, even when it spans tokens,
    /// and generation stops each row where its condition says.
    @Test func stopStringsEndResponsesWhereTheyComplete() throws {
        let folder = try #require(Bundle.module.url(forResource: "llama-tiny", withExtension: nil, subdirectory: "Fixtures"))
        let (model, tokenizer) = try HuggingFaceFolder.load(folder)
        let ids = tokenizer.encode("the fit is superb. the design is awful")
        let stops = try #require(tokenizer.endsWithStopString(["superb.", "never here"]))
        let text = { (n: Int) in String(decoding: ids[..<n].flatMap { tokenizer.tokens[$0] }, as: UTF8.self) }
        let completing = try #require((1...ids.count).first { text($0).contains("superb.") })
        #expect(!text(completing - 1).contains("superb.") && tokenizer.encode(" superb.").count >= 2, "the string spans tokens")
        #expect((1...ids.count).filter { stops(Array(ids[..<$0])) } == [completing], "only the token that completes the string stops")
        #expect(tokenizer.endsWithStopString([]) == nil)
        // generate honours the condition row by row.
        var generator = RandomGenerator(seed: 1)
        let prompt = tokenizer.encode("review of the lamp:")
        let rows = try model.generate(prompts: [prompt, prompt], maxNewTokens: 10, stopWhen: { $0.count == 3 }, generator: &generator)
        #expect(rows.map(\.count) == [3, 3])
    }
}
