import AscentReport
import AscentRLHF
import AscentTensor
import ArgumentParser
import Foundation

/// One pipeline stage as a subcommand: its name, help line and the files it writes.
protocol RLHFStageName { static var name: String { get }; static var abstract: String { get }; static var outputs: [String] { get } }
enum Pretrain: RLHFStageName {
    static let name = "pretrain", abstract = "Generate the corpus, train the tokenizer and pre-train the base model.", outputs = ["base.safetensors"]
}
enum SFT: RLHFStageName { static let name = "sft", abstract = "Supervised fine-tuning of the base model on demonstrations.", outputs = ["sft.safetensors"] }
enum Preferences: RLHFStageName {
    static let name = "preferences", abstract = "Sample response pairs from the fine-tuned model and let the judge label them.", outputs = ["preferences.jsonl"]
}
enum Reward: RLHFStageName {
    static let name = "reward", abstract = "Train the Bradley-Terry reward model and report its held-out accuracy.", outputs = ["reward.safetensors"]
}
enum PPOStage: RLHFStageName {
    static let name = "ppo", abstract = "PPO against the reward model with a KL penalty to the fine-tuned model.", outputs = ["ppo.safetensors"]
}
enum GRPOStage: RLHFStageName { static let name = "grpo", abstract = "Group Relative Policy Optimization (no critic).", outputs = ["grpo.safetensors"] }
enum RLOOStage: RLHFStageName {
    static let name = "rloo", abstract = "REINFORCE leave-one-out: each response against the mean of its group's others (no critic).", outputs = ["rloo.safetensors"]
}
enum DPOStage: RLHFStageName { static let name = "dpo", abstract = "Direct Preference Optimization straight from the preference pairs.", outputs = ["dpo.safetensors"] }

/// Every stage, in pipeline order.
let rlhfStages: [(name: String, outputs: [String])] = {
    let stages: [any RLHFStageName.Type] = [Pretrain.self, SFT.self, Preferences.self, Reward.self, PPOStage.self, GRPOStage.self, RLOOStage.self, DPOStage.self]
    return stages.map { ($0.name, $0.outputs) }
}()

/// `ascent rlhf <stage>`: loads what earlier stages saved in --dir, runs this one, saves.
struct RLHFStage<Stage: RLHFStageName>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Stage.name, abstract: Stage.abstract,
                             discussion: """
                             Needs the earlier stages' output in --dir (pretrain → sft → preferences → reward → ppo/grpo; dpo needs sft and preferences). \
                             Ctrl-C saves checkpoints/\(Stage.name).safetensors (as does every --checkpoint-every steps); --resume with the same options \
                             continues it exactly where it stopped.
                             """)
    }

    @OptionGroup var options: RLHFOptions
    @OptionGroup var write: RLHFWriteOptions
    @OptionGroup var task: PolicyTaskOptions
    @OptionGroup var hyperparameters: StageSettingsOptions
    @Flag(help: "Continue this stage from the checkpoint an interrupted run saved in --dir.") var resume = false

    init() {}

    func validate() throws {
        try options.checkStartingPoint(for: Stage.name)
        try task.check(stage: Stage.name)
    }

    func run() throws {
        let (stage, url) = (Stage.name, options.url)
        let runner = try RLHFStageRunner(directory: url, checkpointEvery: write.checkpointEvery)
        try runner.refuseOverwriting(stage, outputs: Stage.outputs, resume: resume, force: write.force)
        let pipeline = try options.pipeline()
        try cliErrors { try pipeline.load(from: url) }
        if let model = options.model {
            let folder = try cliErrors { try HuggingFaceFolder.load(URL(fileURLWithPath: model)) }
            try cliErrors { try pipeline.adopt(base: folder.model, tokenizer: folder.tokenizer, asFineTuned: stage != "sft") }
            pipeline.chatFormat = try options.chatFormat()
        }
        try task.apply(to: pipeline)
        let size = (stage == "sft" || stage == "pretrain" ? pipeline.base : pipeline.supervised ?? pipeline.base)?.parameterCount ?? 0
        try hyperparameters.apply(stage: stage, to: &pipeline.settings, largeModel: size >= RLHFSettings.largeModelParameters)
        var report = true  // ppo, grpo and rloo write their own, with the rounds
        try runner.run(stage, resume: resume, pipeline: pipeline) { control in
            switch stage {
            case "pretrain": try pipeline.pretrain(control: control)
            case "sft": try pipeline.fineTune(control: control)
            case "preferences": try pipeline.collectPreferences(control: control)
            case "reward": try pipeline.trainRewardModel(control: control)
            case "ppo":
                let c = pipeline.settings.ppo
                let ppo = try pipeline.runPPO(c, control: control) { printRound("PPO", $0, every: 10) }
                try saveRounds(ppo.setup.policy.model, ppo.history, label: "PPO, β = \(c.klCoefficient)", pipeline: pipeline)
                report = false
            case "grpo", "rloo":
                let c = stage == "rloo" ? pipeline.settings.rloo : pipeline.settings.grpo
                let label = stage.uppercased()
                let run = try pipeline.runGRPO(c, control: control) { printRound(label, $0, every: 10) }
                try saveRounds(run.setup.policy.model, run.history, label: "\(label), β = \(c.klCoefficient)", pipeline: pipeline)
                report = false
            case "dpo":
                let c = pipeline.settings.dpo
                let dpo = try pipeline.runDPO(c, control: control) { m in
                    print(String(format: "DPO epoch %d: loss %.3f, implicit-reward accuracy %.1f %%, margin %.2f", m.epoch, m.loss, m.accuracy * 100, m.margin))
                }
                try dpo.policy.huggingFaceCheckpoint().write(to: url.appendingPathComponent("dpo.safetensors"))
                if let score = dpo.judgeScore { print(String(format: "DPO policy: mean judge score %.2f over one sample per prompt", score)) }
            default:
                throw ValidationError("unknown stage '\(stage)'; valid: \(rlhfStages.map(\.name).joined(separator: ", "))")
            }
        }
        try cliErrors {
            try pipeline.save(to: url)
            if report { try AtomicFile.write(Data(RLHFReport(pipeline: pipeline, runs: []).html().utf8), to: url.appendingPathComponent("\(stage)-report.html")) }
        }
        print("saved in \(url.path)")
    }

    /// A PPO or GRPO stage's policy, metrics and report (`<stage>.safetensors`, `-metrics.json`, `-report.html`).
    private func saveRounds(_ model: GPT, _ history: [LanguagePPOMetrics], label: String, pipeline: RLHFPipeline) throws {
        let url = options.url
        try model.huggingFaceCheckpoint().write(to: url.appendingPathComponent("\(Stage.name).safetensors"))
        try writeJSON(history, to: url.appendingPathComponent("\(Stage.name)-metrics.json"))
        try AtomicFile.write(Data(RLHFReport(pipeline: pipeline, runs: [.init(label: label, history: history)]).html().utf8),
                             to: url.appendingPathComponent("\(Stage.name)-report.html"))
    }
}
