@testable import AscentRL
import AscentRLHF
import AscentTensor
import Foundation
import Testing
@testable import AscentCLI

/// `ascent rlhf <stage>` continues an interrupted stage from its checkpoint to the same result
/// as an uninterrupted run, and refuses to replace finished or interrupted work, to resume what
/// is not there, or to share a directory with another process.
@Suite("ascent rlhf stages")
struct RLHFStageCommandTests {
    /// A directory holding what `dpo` needs, at toy size: a tokenizer, a fine-tuned model
    /// (random weights) and preference pairs.
    func prepared(_ url: URL) throws {
        let tokenizer = try ByteLevelBPE.train(corpus: ReviewTask.corpus(count: 60, seed: 1), vocabularySize: 300)
        var generator = RandomGenerator(seed: 5)
        let model = try GPT(GPTConfiguration(vocabularySize: tokenizer.vocabularySize, contextLength: 48, embeddingSize: 16, layers: 1, heads: 2),
                            generator: &generator)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("tokenizer"), withIntermediateDirectories: true)
        try tokenizer.vocabularyJSON().write(to: url.appendingPathComponent("tokenizer/vocab.json"))
        try Data(tokenizer.mergesText().utf8).write(to: url.appendingPathComponent("tokenizer/merges.txt"))
        try model.huggingFaceCheckpoint().write(to: url.appendingPathComponent("sft.safetensors"))
        let pairs = (0..<6).map { PreferencePair(prompt: "review of the lamp:", chosen: " the fit is superb \($0).", rejected: " the fit is awful \($0).") }
        try Data(PreferencePair.jsonLines(pairs).utf8).write(to: url.appendingPathComponent("preferences.jsonl"))
    }

    func refusal(_ arguments: [String]) -> String? { runAscent(arguments) }

    @Test func resumedStageEqualsAnUninterruptedOne() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-rlhf-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let (split, whole) = (root.appendingPathComponent("split"), root.appendingPathComponent("whole"))
        try prepared(split)
        try prepared(whole)

        // Interrupt DPO (two steps: 6 pairs, batch 16, 2 epochs) after its first step, as Ctrl-C would.
        let pipeline = try RLHFPipeline(.miniature)
        try pipeline.load(from: split)
        let checkpoint = split.appendingPathComponent("checkpoints/dpo.safetensors")
        try FileManager.default.createDirectory(at: checkpoint.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(throws: StageStopped.self) {
            _ = try pipeline.runDPO(DPOConfiguration(), control: StageControl(save: { try $0.write(to: checkpoint) }, stopRequested: { true }))
        }
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", split.path])?.contains("holds an interrupted dpo run") == true)
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", split.path, "--seed", "2", "--resume"])?.contains("does not match this run's settings (seed: 1 saved, 2 now)") == true)
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", split.path, "--resume"]) == nil)
        #expect(!FileManager.default.fileExists(atPath: checkpoint.path), "a finished stage removes its checkpoint")
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", whole.path]) == nil)

        let (resumed, uninterrupted) = (try SafeTensors.read(from: split.appendingPathComponent("dpo.safetensors")),
                                        try SafeTensors.read(from: whole.appendingPathComponent("dpo.safetensors")))
        #expect(resumed.tensors.keys.sorted() == uninterrupted.tensors.keys.sorted())
        for (name, tensor) in uninterrupted.tensors { #expect(resumed.tensors[name]?.scalars == tensor.scalars, "\(name)") }
        // TensorBoard: one record per epoch at its batch count (after the version record); the
        // resumed run logs only what it trained itself, after the checkpoint's step.
        func steps(_ run: URL) throws -> [Int] {
            let log = TensorBoardLog(folder: run.appendingPathComponent("tensorboard/dpo"))
            return TensorBoardEvents.records(in: [UInt8](try Data(contentsOf: log.url))).map(\.step)
        }
        #expect(try steps(whole) == [0, 1, 2] && steps(split) == [0, 2])
        let sft = try SafeTensors.read(from: whole.appendingPathComponent("sft.safetensors"))
        #expect(sft.tensors.contains { uninterrupted.tensors[$0.key]?.scalars != $0.value.scalars }, "DPO changed the model")

        // Finished work is not replaced without --force; nothing to resume is an error; one writer at a time.
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", whole.path])?.contains("already holds dpo.safetensors") == true)
        #expect(refusal(["rlhf", "sft", "--quick", "--dir", whole.path, "--resume"])?.contains("no interrupted sft run to resume") == true)
        #expect(refusal(["rlhf", "demo", "--quick", "--dir", whole.path])?.contains("already holds sft.safetensors") == true)
        let lock = try RunLock(directory: whole)
        #expect(refusal(["rlhf", "dpo", "--quick", "--dir", whole.path, "--force"])?.contains("is being written by another process (pid \(getpid()))") == true)
        withExtendedLifetime(lock) {}
    }

    /// `export` writes a folder from a folder (the fixture `transformers` wrote) and refuses to
    /// overwrite one without --force; `generate` samples from a folder.
    @Test func modelFoldersExportAndGenerate() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AscentRLHFTests/Fixtures/gpt2-tiny")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(refusal(["rlhf", "export", "--model", fixture.path, "--out", out.path]) == nil)
        let (model, _) = try HuggingFaceFolder.load(out)
        #expect(model.configuration.layers == 2)
        #expect(refusal(["rlhf", "export", "--model", fixture.path, "--out", out.path])?.contains("exists; pass --force") == true)
        #expect(refusal(["rlhf", "export", "--model", fixture.path, "--out", out.path, "--force"]) == nil)
        #expect(refusal(["rlhf", "generate", "--model", out.path, "--count", "2", "--max-new-tokens", "4"]) == nil)
        #expect(refusal(["rlhf", "generate", "--model", "nowhere", "--dir", out.path])?.contains("is not a model folder (with config.json)") == true)
    }

    /// `sft --model FOLDER --data FILE` fine-tunes a user's model on their prompt-completion
    /// rows (the tiny fixture learns to complete its prompt); rows longer than the context and
    /// --model on another stage are refused.
    @Test func sftFineTunesAUsersModelOnTheirExamples() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AscentRLHFTests/Fixtures/gpt2-tiny")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-user-sft-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let data = root.appendingPathComponent("examples.jsonl"), dir = root.appendingPathComponent("run")
        try Data((#"{"prompt": "review of the lamp:", "completion": " the fit is superb."}"# + "\n").utf8).write(to: data)
        #expect(refusal(["rlhf", "sft", "--quick", "--dir", dir.path, "--model", fixture.path, "--data", data.path]) == nil)
        let pipeline = try RLHFPipeline(.miniature)
        try pipeline.load(from: dir)
        let (tokenizer, model) = (try #require(pipeline.tokenizer), try #require(pipeline.supervised))
        var generator = RandomGenerator(seed: 1)
        let prompt = tokenizer.encode("review of the lamp:"), completion = tokenizer.encode(" the fit is superb.")
        let greedy = try model.generate(prompts: [prompt], maxNewTokens: completion.count, sampling: SamplingSettings(temperature: 0), generator: &generator)[0]
        #expect(greedy == completion, "\((try? tokenizer.decodeText(greedy)) ?? "")")

        try Data((#"{"prompt": "review of the lamp:", "completion": ""# + String(repeating: " superb", count: 40) + #""}"# + "\n").utf8).write(to: data)
        let long = refusal(["rlhf", "sft", "--quick", "--dir", root.appendingPathComponent("long").path, "--model", fixture.path, "--data", data.path])
        #expect(long?.contains("1 demonstration exceed the model's 32-token context") == true, "\(long ?? "accepted")")
        #expect(refusal(["rlhf", "preferences", "--quick", "--dir", dir.path, "--model", fixture.path])?.contains("--model applies to sft") == true)
        #expect(refusal(["rlhf", "ppo", "--quick", "--dir", dir.path, "--data", data.path])?.contains("--data applies to sft") == true)
    }
}
