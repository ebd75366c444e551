import ArgumentParser
import AscentRL
import Testing
@testable import AscentCLI

/// Every algorithm takes every configuration key as a flag, spelled as users spell it, and
/// the messages for unknown algorithms and negative values say what is wrong.
@Suite("Command-line surface")
struct CommandLineSurfaceTests {
    @Test func configurationKeysBecomeFlagsForEveryAlgorithm() throws {
        #expect(try CommandLineSurface.rewrite(["train", "sac", "--learning-rate", "1e-3", "--hidden-sizes=64,64", "--seed", "3"])
            == ["train", "sac", "--set", "learningRate=1e-3", "--set", "hiddenSizes=64,64", "--seed", "3"])
        // A switch alone means true; one followed by a value takes it; SB3's names are aliases.
        #expect(try CommandLineSurface.rewrite(["train", "dqn", "--double-dqn", "--total-steps", "1e5"])
            == ["train", "dqn", "--set", "doubleDQN=true", "--total-steps", "1e5"])
        #expect(try CommandLineSurface.rewrite(["train", "ppo", "--target-kl", "none", "--n-envs", "4", "--anneal-learning-rate", "false"])
            == ["train", "ppo", "--set", "targetKL=none", "--set", "environments=4", "--set", "annealLearningRate=false"])
        // Commands other than train, and flags that are not keys, pass through.
        #expect(try CommandLineSurface.rewrite(["eval", "runs/x", "--episodes", "3"]) == ["eval", "runs/x", "--episodes", "3"])
        #expect(try CommandLineSurface.rewrite(["train", "td3", "--out", "x", "--env", "Hopper-v5"]) == ["train", "td3", "--out", "x", "--env", "Hopper-v5"])

        // Every key's flag maps back to the key, has a help line, and its default as the help
        // shows it is accepted by --set unchanged.
        func check<Run: ConfigurableRun>(_ type: Run.Type) throws {
            for item in CommandLineSurface.hyperparameters(of: type) where !CommandLineSurface.ownFlags.contains(item.key) {
                let flag = CommandLineSurface.kebabCase(item.key)
                #expect(try CommandLineSurface.rewrite(["train", Run.algorithm, "--" + flag, item.value]).last == "\(item.key)=\(item.value)")
                #expect(HyperparameterGlossary.lines[item.key] != nil, "\(Run.algorithm): \(item.key) has no help line")
                if item.key != "randomization" {
                    #expect(try Run.Configuration().overriding([(item.key, item.value)]) == Run.Configuration(), "\(Run.algorithm) \(flag) \(item.value)")
                }
            }
        }
        for type in TrainingAlgorithms.all.values { try check(type) }
    }

    @Test func unknownAlgorithmsAndNegativeValuesGetMeaningfulMessages() throws {
        #expect(throws: ValidationError.self) { try CommandLineSurface.rewrite(["train", "ppo2", "--total-steps", "5"]) }
        do {
            _ = try CommandLineSurface.rewrite(["train", "ppo2"])
        } catch {
            #expect("\(error)".contains("unknown algorithm 'ppo2' (valid: a2c, dqn, ppo, reinforce, sac, td3)"))
        }
        #expect(CommandLineSurface.joinNegativeValues(["train", "ppo", "--total-steps", "-5", "--seed", "2"])
            == ["train", "ppo", "--total-steps=-5", "--seed", "2"])
        #expect(CommandLineSurface.joinNegativeValues(["--flag", "-x"]) == ["--flag", "-x"])
        do {
            _ = try Ascent.parseAsRoot(try CommandLineSurface.rewrite(["resume", "r", "--eval-every", "-3"]))
            Issue.record("a negative --eval-every was accepted")
        } catch {
            #expect(Ascent.message(for: error).contains("--eval-every must be 0 (off) or a positive number of environment steps, got -3"))
        }
    }

    @Test func stepCountsAcceptTheWaysPeopleWriteThem() {
        #expect(StepCount(argument: "1000000")?.value == 1_000_000)
        #expect(StepCount(argument: "1_000_000")?.value == 1_000_000)
        #expect(StepCount(argument: "1e6")?.value == 1_000_000)
        #expect(StepCount(argument: "2.5e3")?.value == 2500)
        #expect(StepCount(argument: "1.5") == nil && StepCount(argument: "1e30") == nil && StepCount(argument: "many") == nil)
    }
}
