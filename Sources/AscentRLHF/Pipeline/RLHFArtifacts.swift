import AscentTensor
import Foundation

/// What the pipeline writes to a directory and reads back, so stages can run as separate
/// commands: `tokenizer/` (`tokenizer.json`, `vocab.json`, `merges.txt`, `tokenizer_config.json`,
/// as a Hugging Face folder holds them), `base.safetensors` and `sft.safetensors` (Hugging Face
/// names), `preferences.jsonl` and `held-out.jsonl`, `reward.safetensors`
/// (GPT-2 names plus `score.weight`/`score.bias`). Every file is written atomically.
extension RLHFPipeline {
    public func save(to directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("tokenizer"), withIntermediateDirectories: true)
        if let tokenizer { try HuggingFaceFolder.writeTokenizer(tokenizer, to: directory.appendingPathComponent("tokenizer"), chatTemplate: chatFormat?.template) }
        if let base { try base.huggingFaceCheckpoint().write(to: directory.appendingPathComponent("base.safetensors")) }
        if let supervised { try supervised.huggingFaceCheckpoint().write(to: directory.appendingPathComponent("sft.safetensors")) }
        if !trainingPairs.isEmpty {
            try AtomicFile.write(Data(PreferencePair.jsonLines(trainingPairs).utf8), to: directory.appendingPathComponent("preferences.jsonl"))
            try AtomicFile.write(Data(PreferencePair.jsonLines(heldOutPairs).utf8), to: directory.appendingPathComponent("held-out.jsonl"))
        }
        for (stage, files) in adapterFiles {  // PeftModel.from_pretrained reads this folder
            let folder = directory.appendingPathComponent("\(stage)-adapter")
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write(files.config, to: folder.appendingPathComponent("adapter_config.json"))
            try files.weights.write(to: folder.appendingPathComponent("adapter_model.safetensors"))
        }
        if let rewardModel {
            var file = rewardModel.body.huggingFaceCheckpoint()
            file.tensors["score.weight"] = rewardModel.head.weight.value.detached()
            file.tensors["score.bias"] = rewardModel.head.bias!.value.detached()
            try file.write(to: directory.appendingPathComponent("reward.safetensors"))
        }
    }

    /// Loads whatever earlier stages left in `directory`, checking that the pieces fit each other
    /// (tokenizer and model vocabularies, model shapes).
    public func load(from directory: URL) throws {
        let fm = FileManager.default
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        if fm.fileExists(atPath: path("tokenizer/tokenizer.json").path) || fm.fileExists(atPath: path("tokenizer/vocab.json").path) {
            tokenizer = try HuggingFaceFolder.loadTokenizer(path("tokenizer"))
            chatFormat = try HuggingFaceFolder.chatFormat(path("tokenizer"))
        }
        func model(_ name: String) throws -> GPT? {
            guard fm.fileExists(atPath: path(name).path) else { return nil }
            let gpt = try GPT(huggingFace: try SafeTensors.read(from: path(name)))
            if let tokenizer, tokenizer.vocabularySize != gpt.configuration.vocabularySize {
                throw RLHFError.invalidTokenizer("\(name) has a \(gpt.configuration.vocabularySize)-token vocabulary but the tokenizer has \(tokenizer.vocabularySize) tokens")
            }
            return gpt
        }
        base = try model("base.safetensors")
        supervised = try model("sft.safetensors")
        if fm.fileExists(atPath: path("preferences.jsonl").path) {
            trainingPairs = try PreferencePair.read(jsonLines: String(decoding: Data(contentsOf: path("preferences.jsonl")), as: UTF8.self))
            let heldOut = String(decoding: (try? Data(contentsOf: path("held-out.jsonl"))) ?? Data(), as: UTF8.self)
            heldOutPairs = heldOut.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try PreferencePair.read(jsonLines: heldOut)
        }
        if fm.fileExists(atPath: path("reward.safetensors").path), let supervised {
            let file = try SafeTensors.read(from: path("reward.safetensors"))
            var generator = RandomGenerator(seed: 0, stream: "reward-load")
            let reward = try RewardModel(initializedFrom: supervised, generator: &generator)
            var body = file
            body.tensors.removeValue(forKey: "score.weight")
            body.tensors.removeValue(forKey: "score.bias")
            try reward.body.load(huggingFace: body)
            guard let weight = file.tensors["score.weight"], let bias = file.tensors["score.bias"],
                  weight.shape == reward.head.weight.shape, bias.shape == [1] else {
                throw RLHFError.invalidWeights("reward.safetensors lacks a score head of shape \(reward.head.weight.shape) and [1]")
            }
            reward.head.weight.assign(weight)
            reward.head.bias!.assign(bias)
            rewardModel = reward
        }
    }
}
