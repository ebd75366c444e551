import AscentRLHF
import AscentTensor
import Foundation
import Testing
@testable import AscentCLI

/// A user's Llama-family model folder and data go through every stage from the command line
/// (sft on their examples, dpo and reward on their preferences, grpo on their prompts with a
/// rule reward and with a reward program) and come back as a folder that loads again.
@Suite("ascent rlhf on a user's model and data")
struct RLHFUserModelTests {
    func run(_ arguments: [String]) -> String? { runAscent(arguments) }

    @Test func modelFolderGoesThroughEveryStageAndBackToAFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-rlhf-user-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (folder, dir, out) = (root.appendingPathComponent("model"), root.appendingPathComponent("run"), root.appendingPathComponent("exported"))
        let tokenizer = try ByteLevelBPE.train(corpus: ReviewTask.corpus(count: 60, seed: 1), vocabularySize: 300)
        var generator = RandomGenerator(seed: 3)
        let shape = GPTConfiguration.llama(vocabularySize: tokenizer.vocabularySize, contextLength: 48, embeddingSize: 16, layers: 1, heads: 2,
                                           keyValueHeads: 1, feedForwardSize: 24)
        let original = try GPT(shape, generator: &generator)
        try HuggingFaceFolder.save(original, tokenizer: tokenizer, to: folder)
        func file(_ name: String, _ lines: [String]) throws -> String {
            let url = root.appendingPathComponent(name)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
            return url.path
        }
        let examples = try file("sft.jsonl", [#"{"prompt": "2+3=", "completion": " 5"}"#, #"{"prompt": "4+4=", "completion": " 8"}"#])
        let preferences = try file("prefs.jsonl", [#"{"prompt": "2+3=", "chosen": " 5", "rejected": " 7"}"#, #"{"prompt": "4+4=", "chosen": " 8", "rejected": " 6"}"#])
        let prompts = try file("prompts.jsonl", [#"{"prompt": "2+3=", "answer": 5}"#, #"{"prompt": "4+4=", "answer": "8"}"#])
        let unanswered = try file("unanswered.jsonl", [#"{"prompt": "2+3="}"#])

        #expect(run(["rlhf", "sft", "--quick", "--dir", dir.path, "--model", folder.path, "--data", examples]) == nil)
        #expect(run(["rlhf", "dpo", "--quick", "--dir", dir.path, "--preferences", preferences, "--iterations", "1"]) == nil)
        #expect(run(["rlhf", "reward", "--quick", "--dir", dir.path, "--preferences", preferences]) == nil)
        #expect(run(["rlhf", "grpo", "--quick", "--dir", dir.path, "--prompts", prompts, "--reward", "number", "--iterations", "2"]) == nil)
        let metrics = try JSONDecoder().decode([LanguagePPOMetrics].self, from: Data(contentsOf: dir.appendingPathComponent("grpo-metrics.json")))
        #expect(metrics.count == 2 && metrics.allSatisfy { $0.judgeScore == nil })
        #expect(run(["rlhf", "export", "--dir", dir.path, "--model", "grpo", "--out", out.path]) == nil)
        let (exported, exportedTokenizer) = try HuggingFaceFolder.load(out)
        #expect(exported.configuration == shape && exportedTokenizer == tokenizer)
        #expect(exported.parameters.map { $0.value.scalars } != original.parameters.map { $0.value.scalars }, "training changed the weights")

        // LoRA: adapters train, merge into the stage's model, and are kept as PEFT files.
        let lora = root.appendingPathComponent("lora")
        #expect(run(["rlhf", "sft", "--quick", "--dir", lora.path, "--model", folder.path, "--data", examples, "--lora-rank", "2",
                     "--lora-targets", "q_proj,v_proj,down_proj", "--learning-rate", "1e-2"]) == nil)
        let adapter = try SafeTensors.read(from: lora.appendingPathComponent("sft-adapter/adapter_model.safetensors"))
        #expect(adapter.tensors.keys.contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight") && adapter.tensors.count == 6)
        let tuned = try GPT(huggingFace: SafeTensors.read(from: lora.appendingPathComponent("sft.safetensors")))
        #expect(tuned.parameters.map { $0.value.scalars } != original.parameters.map { $0.value.scalars } && tuned.configuration == shape)
        #expect(run(["rlhf", "grpo", "--quick", "--dir", lora.path, "--prompts", prompts, "--reward", "number", "--iterations", "1", "--lora-rank", "2"]) == nil)
        #expect(FileManager.default.fileExists(atPath: lora.appendingPathComponent("grpo-adapter/adapter_config.json").path))
        #expect(run(["rlhf", "reward", "--quick", "--dir", lora.path, "--lora-rank", "2"])?.contains("--lora-rank applies to sft, dpo, ppo, grpo and rloo") == true)

        // A reward program, straight from the folder (no fine-tuning, no reward model).
        let program = #"program:while read -r line; do case "$line" in *'"completion":" 5'*) echo 1;; *) echo 0;; esac; done"#
        #expect(run(["rlhf", "grpo", "--quick", "--dir", root.appendingPathComponent("direct").path, "--model", folder.path,
                     "--prompts", prompts, "--reward", program, "--iterations", "1"]) == nil)
        // Mistakes are named.
        let elsewhere = root.appendingPathComponent("elsewhere").path
        #expect(run(["rlhf", "grpo", "--quick", "--dir", elsewhere, "--model", folder.path, "--prompts", unanswered, "--reward", "exact"])?
            .contains("prompt 1 has none") == true)
        #expect(run(["rlhf", "sft", "--quick", "--dir", elsewhere, "--prompts", prompts])?.contains("--prompts and --reward apply to ppo, grpo and rloo") == true)
        #expect(run(["rlhf", "grpo", "--quick", "--dir", elsewhere, "--preferences", preferences])?.contains("apply to reward and dpo") == true)
        #expect(run(["rlhf", "grpo", "--quick", "--dir", elsewhere, "--model", folder.path, "--prompts", prompts, "--reward", "regex:("])?
            .contains("not a valid regular expression") == true)
    }

    /// Stage flags and `--set` reach the stage's own configuration; TRL's learning rates replace
    /// the demo's for large models unless a flag says otherwise; mistakes name the valid keys.
    @Test func stageHyperparametersAreFlags() throws {
        var settings = RLHFSettings()
        try StageSettingsOptions.parse(["--batch-size", "3", "--group-size", "5", "--set", "clipRange=0.3", "--beta", "0.02"])
            .apply(stage: "grpo", to: &settings, largeModel: true)
        #expect(settings.grpo.promptsPerIteration == 3 && settings.grpo.groupSize == 5 && settings.grpo.clipRange == 0.3)
        #expect(settings.grpo.klCoefficient == 0.02 && settings.grpo.learningRate == 1e-6 && settings.ppo.learningRate == 3e-6)
        try StageSettingsOptions.parse(["--learning-rate", "5e-5", "--iterations", "7"]).apply(stage: "sft", to: &settings, largeModel: true)
        #expect(settings.supervised.learningRate == 5e-5 && settings.supervised.steps == 7)
        try StageSettingsOptions.parse(["--target-kl", "6", "--temperature", "0.7"]).apply(stage: "ppo", to: &settings, largeModel: false)
        #expect(settings.ppo.adaptiveKL && settings.ppo.targetKL == 6 && settings.ppo.temperature == 0.7)
        #expect(throws: CLIError.self) { try StageSettingsOptions.parse(["--set", "clip=0.3"]).apply(stage: "grpo", to: &settings, largeModel: false) }
        #expect(throws: CLIError.self) { try StageSettingsOptions.parse(["--set", "clipRange=wide"]).apply(stage: "grpo", to: &settings, largeModel: false) }
        #expect(throws: CLIError.self) { try StageSettingsOptions.parse(["--group-size", "4"]).apply(stage: "dpo", to: &settings, largeModel: false) }
    }
}
