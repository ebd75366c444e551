import ArgumentParser
import AscentReport
import AscentRLHF
import AscentTensor
import Foundation

struct RLHF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rlhf",
        abstract: "Language-model RLHF on the shipped review task: pre-training, fine-tuning, reward model, PPO, GRPO, DPO.",
        discussion: "`ascent rlhf demo` runs everything. The stage commands share a directory: each loads what earlier stages saved there and adds its own output (docs/rlhf.md).",
        subcommands: [RLHFDemo.self, RLHFStage<Pretrain>.self, RLHFStage<SFT>.self, RLHFStage<Preferences>.self, RLHFStage<Reward>.self,
                      RLHFStage<PPOStage>.self, RLHFStage<GRPOStage>.self, RLHFStage<RLOOStage>.self, RLHFStage<DPOStage>.self, RLHFGenerate.self, RLHFExport.self]
    )
}

/// Options every RLHF command takes.
struct RLHFOptions: ParsableArguments {
    @Option(help: "Directory for the tokenizer, models, preference data and reports.") var dir = "runs/rlhf"
    @Option(help: "What the judge prefers: positive, negative or length.") var judge = "positive"
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "A seconds-long miniature of the pipeline (as CI runs it).") var quick = false
    @Option(help: "Pre-train on this UTF-8 text file (one document per line) instead of the generated reviews.") var corpus: String?
    @Option(help: "sft: fine-tune this Hugging Face model folder (config.json, model.safetensors, tokenizer) instead of the base model pre-trained in --dir; reward, dpo, ppo, grpo, rloo: start from it instead of the fine-tuned model.")
    var model: String?
    @Option(help: "sft: fine-tune on this JSON Lines file of {\"prompt\", \"completion\"} rows (texts, or a conversation and the reply) or {\"messages\"} conversations (through the model's chat template) instead of the generated demonstrations.")
    var data: String?

    func settings() throws -> RLHFSettings {
        var s = quick ? RLHFSettings.miniature : RLHFSettings()
        guard let criterion = Judge.Criterion(rawValue: judge) else {
            throw ValidationError("--judge must be one of \(Judge.Criterion.allCases.map(\.rawValue).joined(separator: ", ")), got '\(judge)'")
        }
        s.judge.criterion = criterion
        s.seed = seed
        if let corpus {
            let data = try cliErrors { try Data(contentsOf: URL(fileURLWithPath: corpus)) }
            s.corpus = try cliErrors { try Corpus.lines(of: data) }
        }
        if let data {
            let text = try cliErrors { try String(contentsOf: URL(fileURLWithPath: data), encoding: .utf8) }
            s.demonstrationData = try cliErrors { try Demonstration.read(jsonLines: text, chatFormat: try chatFormat()) }
        }
        return s
    }

    /// The chat template conversations in the user's data are rendered with: the --model
    /// folder's, else the one saved with the directory's tokenizer.
    func chatFormat() throws -> ChatFormat? {
        try cliErrors { try HuggingFaceFolder.chatFormat(model.map { URL(fileURLWithPath: $0) } ?? url.appendingPathComponent("tokenizer")) }
    }

    func pipeline() throws -> RLHFPipeline {
        let pipeline = try cliErrors { try RLHFPipeline(try settings()) }
        pipeline.log = { print($0) }
        return pipeline
    }

    /// --model and --data change what sft starts from and learns (--model also what ppo and
    /// grpo optimise); the other stages refuse them.
    func checkStartingPoint(for stage: String) throws {
        guard stage == "sft" || data == nil else {
            throw ValidationError("--data applies to sft (the examples to fine-tune on), not to \(stage)")
        }
        guard ["sft", "reward", "dpo", "ppo", "grpo", "rloo"].contains(stage) || model == nil else {
            throw ValidationError("--model applies to sft (the model to fine-tune), reward (the model to start the reward model from), dpo, ppo, grpo and rloo (the model to optimise), not to \(stage)")
        }
    }

    var url: URL { URL(fileURLWithPath: dir) }
}

/// Prints a PPO/GRPO round.
func printRound(_ label: String, _ m: LanguagePPOMetrics, every: Int) {
    guard m.iteration % every == 0 || m.iteration == 1 else { return }
    let judge = m.judgeScore.map { String(format: ", judge %.2f", $0) } ?? ""
    print(String(format: "%@ round %d: reward %.2f%@, KL %.2f (k3 %.2f), length %.1f, entropy %.2f, clip %.2f, %.0f tokens/s generating",
                 label, m.iteration, m.rewardScore, judge, m.kl, m.klK3, m.responseLength, m.entropy, m.clipFraction, m.generationTokensPerSecond))
}

/// Options of the commands that write an RLHF directory.
struct RLHFWriteOptions: ParsableArguments {
    @Option(help: "Save a checkpoint every this many steps (batches; PPO and GRPO rounds; sampled pairs); 0: only on Ctrl-C.")
    var checkpointEvery = 50
    @Flag(help: "Replace what an earlier run left in --dir (finished models, an interrupted stage's checkpoint).") var force = false
}

struct RLHFDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole pipeline, then PPO twice — with the KL penalty and without — and a report showing the reward hacking.",
        discussion: "Each stage's output is saved in --dir as it finishes; Ctrl-C saves the running stage's checkpoint, which its stage command continues with --resume.")

    @OptionGroup var options: RLHFOptions
    @OptionGroup var write: RLHFWriteOptions
    @Option(help: "Initial β of the penalised run (it then adapts toward the KL target of 4 nats).") var beta: Float = 0.5
    /// The unpenalised run drifts for a while before the judge sees it: at 100 rounds its text has
    /// left the language (KL ≈ 20) but still scores; by 200-300 rounds the judge falls to −1 (docs/rlhf.md).
    @Option(help: "Rounds of the unpenalised (β = 0) comparison run (default: three times the penalised run's).") var comparisonRounds: Int?

    func validate() throws {
        try options.checkStartingPoint(for: "demo")
        if let comparisonRounds, comparisonRounds <= 0 { throw ValidationError("--comparison-rounds must be positive, got \(comparisonRounds)") }
    }

    func run() throws {
        let url = options.url
        let runner = try RLHFStageRunner(directory: url, checkpointEvery: write.checkpointEvery)
        for stage in rlhfStages { try runner.refuseOverwriting(stage.name, outputs: stage.outputs + ["report.html"], resume: false, force: write.force) }
        let pipeline = try options.pipeline()
        let preparation: [(String, (StageControl) throws -> Void)] = [
            ("pretrain", pipeline.pretrain), ("sft", pipeline.fineTune), ("preferences", pipeline.collectPreferences), ("reward", pipeline.trainRewardModel),
        ]
        for (index, (stage, body)) in preparation.enumerated() {
            let later = preparation.dropFirst(index + 1).map(\.0) + ["ppo"]
            try runner.run(stage, then: "the stages after it (\(later.joined(separator: ", ")))", pipeline: pipeline, body)
            try cliErrors { try pipeline.save(to: url) }
        }
        var runs: [RLHFReport.Run] = []
        for beta in [beta, 0] {
            let label = beta > 0 ? "PPO, KL penalty (β from \(beta), target 4)" : "PPO, β = 0 (no KL penalty)"
            var c = pipeline.settings.ppo
            c.klCoefficient = beta
            if beta == 0 { c.iterations = comparisonRounds ?? 3 * c.iterations }
            var ppo: LanguagePPO?
            // The unpenalised comparison run has no stage command to continue it, so it keeps no checkpoint.
            try runner.run("ppo", checkpointed: beta > 0,
                           then: beta > 0 ? nil : "the penalised run is saved (ppo.safetensors); `ascent rlhf demo --force` repeats the comparison",
                           pipeline: pipeline, log: beta > 0 ? "ppo" : "ppo-no-kl") { control in
                ppo = try pipeline.runPPO(c, control: control) { printRound(label, $0, every: 10) }
            }
            guard let ppo else { continue }
            runs.append(.init(label: label, history: ppo.history))
            try cliErrors {
                try ppo.setup.policy.model.huggingFaceCheckpoint().write(to: url.appendingPathComponent(beta > 0 ? "ppo.safetensors" : "ppo-no-kl.safetensors"))
            }
        }
        let report = RLHFReport(pipeline: pipeline, runs: runs)
        try cliErrors {
            try AtomicFile.write(Data(report.html().utf8), to: url.appendingPathComponent("report.html"))
            try writeJSON(runs.map { ["label": $0.label] }, to: url.appendingPathComponent("runs.json"))
            try writeJSON(runs.map(\.history), to: url.appendingPathComponent("metrics.json"))
        }
        for run in runs {
            guard let first = run.history.first, let last = run.history.last else { continue }
            print(String(format: "%@: judge %.2f → %.2f, reward-model score %.2f → %.2f, final KL %.1f", run.label, first.judgeScore ?? .nan, last.judgeScore ?? .nan,
                         first.rewardScore, last.rewardScore, last.kl))
        }
        print("report: \(url.appendingPathComponent("report.html").path)")
    }
}

/// A model of an RLHF directory (`base`, `sft`, `ppo`, …: `<name>.safetensors` with the
/// directory's tokenizer) or a Hugging Face model folder, with its tokenizer and chat template.
func rlhfModel(_ model: String, dir: String) throws -> (model: GPT, tokenizer: ByteLevelBPE, chat: ChatFormat?) {
    let folder = URL(fileURLWithPath: model)
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) {
        let (gpt, tokenizer) = try cliErrors { try HuggingFaceFolder.load(folder) }
        return (gpt, tokenizer, try cliErrors { try HuggingFaceFolder.chatFormat(folder) })
    }
    let url = URL(fileURLWithPath: dir)
    guard ["tokenizer.json", "vocab.json"].contains(where: { FileManager.default.fileExists(atPath: url.appendingPathComponent("tokenizer/\($0)").path) }) else {
        throw CLIError("\(dir) holds no tokenizer (tokenizer/tokenizer.json), and '\(model)' is not a model folder (with config.json); run `ascent rlhf pretrain --dir \(dir)` first")
    }
    let tokenizer = try cliErrors { try HuggingFaceFolder.loadTokenizer(url.appendingPathComponent("tokenizer")) }
    let gpt = try cliErrors { try GPT(huggingFace: try SafeTensors.read(from: url.appendingPathComponent("\(model).safetensors"))) }
    guard gpt.configuration.vocabularySize == tokenizer.vocabularySize else {
        throw CLIError("\(model).safetensors has a \(gpt.configuration.vocabularySize)-token vocabulary, the tokenizer \(tokenizer.vocabularySize)")
    }
    return (gpt, tokenizer, try cliErrors { try HuggingFaceFolder.chatFormat(url.appendingPathComponent("tokenizer")) })
}

struct RLHFGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Sample from a model of an RLHF directory or a Hugging Face model folder.")

    @Option(help: "Directory of an RLHF run.") var dir = "runs/rlhf"
    @Option(help: "Model file in the directory (base, sft, ppo, ppo-no-kl, grpo, rloo, dpo), or the path of a Hugging Face model folder.") var model = "sft"
    @Option(help: "Prompt text.") var prompt = "review of the phone:"
    @Option(help: "Samples to draw.") var count = 3
    @Option(help: "New tokens at most.") var maxNewTokens = 24
    @Option(help: "Sampling temperature (0: greedy).") var temperature: Float = 1
    @Option(help: "Keep the k most likely tokens.") var topK: Int?
    @Option(help: "Keep the most likely tokens up to probability p.") var topP: Float?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Send the prompt as a user message through the model's chat template.") var chat = false
    @Option(name: .customLong("stop"), help: "End a sample at this string (repeatable), as at the end-of-text token.") var stopStrings: [String] = []

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be 1...10000, got \(count)") }
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must be 0 or more, got \(maxNewTokens)") }
    }

    func run() throws {
        let (gpt, tokenizer, format) = try rlhfModel(model, dir: dir)
        var text = prompt
        if chat {
            guard let format else { throw CLIError("--chat needs a chat template, and \(model) has none (chat_template.jinja or tokenizer_config.json's chat_template)") }
            text = try cliErrors { try format.prompt([ChatMessage(role: "user", content: prompt)]) }
        }
        var generator = RandomGenerator(seed: seed, stream: "generate")
        let start = Date()
        let outputs = try cliErrors {
            try gpt.generate(prompts: Array(repeating: tokenizer.encode(text, addingSpecialTokens: true), count: count), maxNewTokens: maxNewTokens,
                             sampling: SamplingSettings(temperature: temperature, topK: topK, topP: topP), stopToken: tokenizer.endOfText,
                             stopWhen: tokenizer.endsWithStopString(stopStrings), generator: &generator)
        }
        for output in outputs { print(text + (try cliErrors { try tokenizer.decodeText(output.filter { $0 != tokenizer.endOfText }) })) }
        let tokens = outputs.map(\.count).reduce(0, +)
        print(String(format: "%d tokens in %.3f s (%.0f tokens/s)", tokens, Date().timeIntervalSince(start), Double(tokens) / Date().timeIntervalSince(start)))
    }
}

struct RLHFExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a model as a Hugging Face model folder (config.json, model.safetensors, tokenizer files).",
        discussion: "`AutoModelForCausalLM.from_pretrained(FOLDER)` and `AutoTokenizer.from_pretrained(FOLDER)` load the result (GPT2LMHeadModel).")

    @Option(help: "Directory of an RLHF run.") var dir = "runs/rlhf"
    @Option(help: "Model file in the directory (base, sft, ppo, ppo-no-kl, grpo, rloo, dpo; reward for a …ForSequenceClassification folder), or a Hugging Face model folder.") var model = "sft"
    @Option(help: "Folder to write.") var out: String
    @Flag(help: "Replace --out if it exists.") var force = false

    func run() throws {
        let destination = URL(fileURLWithPath: out)
        guard force || !FileManager.default.fileExists(atPath: destination.path) else {
            throw CLIError("\(out) exists; pass --force to replace it")
        }
        if model == "reward" {  // the reward model, for AutoModelForSequenceClassification
            let pipeline = try cliErrors { try RLHFPipeline(RLHFSettings()) }
            try cliErrors { try pipeline.load(from: URL(fileURLWithPath: dir)) }
            guard let reward = pipeline.rewardModel, let tokenizer = pipeline.tokenizer else {
                throw CLIError("\(dir) holds no reward model (reward.safetensors, with sft.safetensors and the tokenizer); run `ascent rlhf reward --dir \(dir)` first")
            }
            try cliErrors { try HuggingFaceFolder.save(reward, tokenizer: tokenizer, chatTemplate: pipeline.chatFormat?.template, to: destination) }
            print("wrote \(out) (a reward model: \(reward.parameterCount) parameters)")
            return
        }
        let (gpt, tokenizer, format) = try rlhfModel(model, dir: dir)
        try cliErrors { try HuggingFaceFolder.save(gpt, tokenizer: tokenizer, chatTemplate: format?.template, to: destination) }
        print("wrote \(out) (\(gpt.configuration.parameterCount) parameters)")
    }
}
