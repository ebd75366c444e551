import AscentRLHF
import ArgumentParser
import Foundation

/// Every hyperparameter of an RLHF stage from the command line: `--set key=value` for any key
/// of the stage's configuration (its property names, listed when a key is unknown), and named
/// flags for the common ones. Defaults scale with the model: the demo's presets below
/// ``RLHFSettings/largeModelParameters`` parameters, TRL's learning rates from there up.
struct StageSettingsOptions: ParsableArguments {
    @Option(help: "KL coefficient β for ppo, grpo, rloo and dpo (default: each method's own).") var beta: Float?
    @Option(help: "Rounds (ppo, grpo, rloo), epochs (dpo, reward) or steps (pretrain, sft).") var iterations: Int?
    @Option(help: "Learning rate of the stage (default: the demo's, or TRL's for models of 10M parameters and more).") var learningRate: Float?
    @Option(help: "Batch size: sequences (pretrain, sft), pairs (reward, dpo), responses (ppo) or prompts per round (grpo, rloo).") var batchSize: Int?
    @Option(help: "ppo, grpo, rloo: passes over each round's responses.") var epochs: Int?
    @Option(help: "grpo, rloo: responses per prompt.") var groupSize: Int?
    @Option(help: "Longest response, in tokens (preferences, ppo, grpo, rloo).") var maxNewTokens: Int?
    @Option(help: "ppo, grpo, rloo: sampling temperature of the rollouts.") var temperature: Float?
    @Option(help: "ppo: adapt β toward this KL (nats per response).") var targetKl: Float?
    @Option(name: .customLong("stop"), help: "ppo, grpo, rloo: end a response at this string (repeatable), as at the end-of-text token.")
    var stopStrings: [String] = []
    @Option(help: "sft, dpo, ppo, grpo, rloo: train LoRA adapters of this rank instead of every weight (merged into the stage's model at the end; PEFT files in <stage>-adapter/).")
    var loraRank: Int?
    @Option(help: "LoRA's α (the update is scaled by α / rank).") var loraAlpha: Float = 16
    @Option(help: "LoRA's target projections, comma-separated Hugging Face names (default: c_attn for GPT-2, q_proj,v_proj for the Llama family).")
    var loraTargets: String?
    @Option(name: .customLong("set"), help: "Any setting of the stage's configuration as key=value (repeatable); an unknown key lists the valid ones.")
    var assignments: [String] = []

    /// `settings` with the stage's options applied; `largeModel` switches to TRL's learning rates first.
    func apply(stage: String, to settings: inout RLHFSettings, largeModel: Bool) throws {
        if largeModel { settings.adoptLargeModelDefaults() }
        let named: [(key: String, value: String?)] = [
            ("learningRate", learningRate.map { "\($0)" }), ("batchSize", batchSize.map { "\($0)" }), ("epochs", epochs.map { "\($0)" }),
            ("groupSize", groupSize.map { "\($0)" }), ("maxNewTokens", maxNewTokens.map { "\($0)" }), ("temperature", temperature.map { "\($0)" }),
        ]
        for (key, value) in named {
            guard let value else { continue }
            try set(stage == "grpo" || stage == "rloo" ? (key == "batchSize" ? "promptsPerIteration" : key) : key, value, stage: stage, in: &settings)
        }
        if let iterations {
            try set(["pretrain": "steps", "sft": "steps", "reward": "epochs", "dpo": "epochs"][stage] ?? "iterations", String(iterations), stage: stage, in: &settings)
        }
        if let beta { try set(stage == "dpo" ? "beta" : "klCoefficient", String(beta), stage: stage, in: &settings) }
        if let targetKl {
            try set("targetKL", String(targetKl), stage: stage, in: &settings)
            try set("adaptiveKL", "true", stage: stage, in: &settings)
        }
        if !stopStrings.isEmpty {
            switch stage {
            case "ppo": settings.ppo.stopStrings = stopStrings
            case "grpo": settings.grpo.stopStrings = stopStrings
            case "rloo": settings.rloo.stopStrings = stopStrings
            default: throw CLIError("--stop applies to ppo, grpo and rloo, not to \(stage)")
            }
        }
        if let loraRank {
            guard ["sft", "dpo", "ppo", "grpo", "rloo"].contains(stage) else { throw CLIError("--lora-rank applies to sft, dpo, ppo, grpo and rloo, not to \(stage)") }
            let targets = loraTargets.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
            settings.lora = LoRAConfiguration(rank: loraRank, alpha: loraAlpha, targetModules: targets)
        } else if loraTargets != nil {
            throw CLIError("--lora-targets needs --lora-rank")
        }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else { throw CLIError("--set \(assignment): write key=value") }
            try set(String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]), stage: stage, in: &settings)
        }
        (settings.grpo.seed, settings.rloo.seed, settings.dpo.seed) = (settings.seed, settings.seed, settings.seed)
    }

    /// Sets `key` of the stage's configuration to `text` (read as JSON: a number, true/false,
    /// or else a string), checking the key exists and the value has its type.
    private func set(_ key: String, _ text: String, stage: String, in settings: inout RLHFSettings) throws {
        func assign<T: Codable>(_ value: inout T) throws {
            let keys = Mirror(reflecting: value).children.compactMap(\.label)
            guard keys.contains(key) else {
                throw CLIError("\(stage) has no setting '\(key)'; its settings are \(keys.joined(separator: ", "))")
            }
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any] ?? [:]
            object[key] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) ?? text
            do {
                value = try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: object))
            } catch {
                throw CLIError("\(stage): '\(text)' is not a valid value for \(key)")
            }
        }
        switch stage {
        case "pretrain": try assign(&settings.pretraining)
        case "sft": try assign(&settings.supervised)
        case "reward": try assign(&settings.reward)
        case "ppo": try assign(&settings.ppo)
        case "grpo": try assign(&settings.grpo)
        case "rloo": try assign(&settings.rloo)
        case "dpo": try assign(&settings.dpo)
        default: try assign(&settings)  // preferences: pairsPerPrompt, heldOutFraction, maxNewTokens, …
        }
    }
}
