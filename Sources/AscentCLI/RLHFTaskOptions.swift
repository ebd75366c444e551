import AscentRLHF
import ArgumentParser
import Foundation

/// The user's data for the stages after fine-tuning: preference pairs (reward, dpo), and the
/// prompts and reward of policy optimisation (ppo, grpo, rloo), instead of the shipped review task's.
struct PolicyTaskOptions: ParsableArguments {
    @Option(help: "reward, dpo: preference pairs from this JSON Lines file of {\"prompt\", \"chosen\", \"rejected\"} rows (TRL's format) instead of those the judge labelled.")
    var preferences: String?
    @Option(help: "reward: held-out preference pairs (same format) to measure the reward model's accuracy on.") var heldOut: String?
    @Option(help: "ppo, grpo, rloo: prompts from this JSON Lines file of {\"prompt\", \"answer\"?} rows instead of the review prompts.")
    var prompts: String?
    @Option(help: """
        ppo, grpo, rloo: the reward — model (the trained reward model), exact (response equals the prompt's answer), \
        number (its last number equals the answer), regex:PATTERN (1 when it matches), length:N (closeness to N words), \
        or program:COMMAND (reads {prompt, completion, answer} JSON lines on stdin, prints one number per line).
        """)
    var reward = "model"
    @Option(help: "Seconds a reward program may take per round before training stops with an error.") var rewardTimeout: Double = 60

    /// Refuses the options on stages they do not apply to.
    func check(stage: String) throws {
        guard ["ppo", "grpo", "rloo"].contains(stage) || (prompts == nil && reward == "model") else {
            throw ValidationError("--prompts and --reward apply to ppo, grpo and rloo, not to \(stage)")
        }
        guard ["reward", "dpo"].contains(stage) || (preferences == nil && heldOut == nil) else {
            throw ValidationError("--preferences and --held-out apply to reward and dpo, not to \(stage)")
        }
        guard heldOut == nil || preferences != nil else { throw ValidationError("--held-out needs --preferences (the pairs to train on)") }
    }

    /// Sets the pipeline's prompts and reward from the options.
    func apply(to pipeline: RLHFPipeline) throws {
        func pairs(_ path: String) throws -> [PreferencePair] {
            let text = try cliErrors { try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) }
            return try cliErrors { try PreferencePair.read(jsonLines: text, chatFormat: pipeline.chatFormat) }
        }
        if let preferences { try cliErrors { try pipeline.usePreferences(try pairs(preferences), heldOut: try heldOut.map(pairs) ?? []) } }
        if let prompts {
            let text = try cliErrors { try String(contentsOf: URL(fileURLWithPath: prompts), encoding: .utf8) }
            pipeline.policyPrompts = try cliErrors { try TaskPrompt.read(jsonLines: text, chatFormat: pipeline.chatFormat) }
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
