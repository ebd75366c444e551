import AscentRLHF
import ArgumentParser
import Foundation

/// The prompts and reward of policy optimisation (ppo, grpo), when they are the user's
/// rather than the shipped review task's.
struct PolicyTaskOptions: ParsableArguments {
    @Option(help: "ppo, grpo: prompts from this JSON Lines file of {\"prompt\", \"answer\"?} rows instead of the review prompts.")
    var prompts: String?
    @Option(help: """
        ppo, grpo: the reward — model (the trained reward model), exact (response equals the prompt's answer), \
        number (its last number equals the answer), regex:PATTERN (1 when it matches), length:N (closeness to N words), \
        or program:COMMAND (reads {prompt, completion, answer} JSON lines on stdin, prints one number per line).
        """)
    var reward = "model"
    @Option(help: "Seconds a reward program may take per round before training stops with an error.") var rewardTimeout: Double = 60

    /// Refuses the options on stages they do not apply to.
    func check(stage: String) throws {
        guard ["ppo", "grpo"].contains(stage) || (prompts == nil && reward == "model") else {
            throw ValidationError("--prompts and --reward apply to ppo and grpo, not to \(stage)")
        }
    }

    /// Sets the pipeline's prompts and reward from the options.
    func apply(to pipeline: RLHFPipeline) throws {
        if let prompts {
            let text = try cliErrors { try String(contentsOf: URL(fileURLWithPath: prompts), encoding: .utf8) }
            pipeline.policyPrompts = try cliErrors { try TaskPrompt.read(jsonLines: text) }
        }
        switch reward {
        case "model": pipeline.policyReward = nil
        case _ where reward.hasPrefix("program:"):
            let program = RewardProgram(command: String(reward.dropFirst("program:".count)), timeoutSeconds: rewardTimeout)
            try cliErrors { try program.validate() }
            pipeline.policyReward = .program(program)
        default:
            pipeline.policyReward = .rule(try cliErrors { try RuleReward(parsing: reward) })
        }
    }
}
