import AscentEnvironments
import AscentRL
import AscentRLHF
import AscentTensor
import Foundation

/// One input format and the code that must reject every malformed variant with an error,
/// never a crash, a hang or an absurd allocation.
struct FuzzTarget {
    let name: String
    /// Valid inputs the mutations start from.
    let seeds: [[UInt8]]
    let run: ([UInt8]) throws -> Void
}

enum FuzzTargets {
    static func all() throws -> [FuzzTarget] {
        let checkpoints = try trainedCheckpoints()
        let configurations = checkpoints.compactMap { saved in saved.file.metadata["configuration"].map { (algorithm: saved.algorithm, json: $0) } }
        let tokenizer = try ByteLevelBPE.train(corpus: ReviewTask.corpus(count: 200, seed: 1), vocabularySize: 300)
        var generator = RandomGenerator(seed: 1)
        let gpt = try GPT(GPTConfiguration(vocabularySize: 300, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2), generator: &generator)
        let pairs = PreferencePair.jsonLines([PreferencePair(prompt: "the sound", chosen: " is great.", rejected: " is poor."),
                                              PreferencePair(prompt: "the colour", chosen: " is fine.", rejected: " fades.")])
        // A GPT-2 config.json as transformers writes it.
        let chatTemplates = [
            "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nHi<|im_end|>\\n' }}{% endif %}"
                + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
                + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
            "{{- bos_token }}{%- set ns = namespace(n=0, last=messages|length - 1) %}\n{%- for m in messages[::-1] if m.role != 'tool' %}\n"
                + "  {%- set ns.n = ns.n + 1 %}{{ m.content | trim | tojson(indent=2) ~ (loop.index0 % 2) }}{% if m.content.startswith('<') %}{% break %}{% endif %}\n"
                + "{%- endfor %}{# a comment #}{{ 'x' if ns.n is odd else raise_exception('even') }}",
        ]
        let modelConfiguration = #"{"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_embd": 16, "n_head": 2, "n_inner": null, "n_layer": 2, "n_positions": 32, "scale_attn_by_inverse_layer_idx": false, "scale_attn_weights": true, "tie_word_embeddings": true, "vocab_size": 320}"#
        return [
            FuzzTarget(name: "safetensors", seeds: checkpoints.map { [UInt8]($0.file.encoded()) }) { input in
                _ = try SafeTensors.decode(Data(input))
            },
            FuzzTarget(name: "checkpoint", seeds: checkpoints.map { [UInt8]($0.file.encoded()) }) { input in
                let file = try SafeTensors.decode(Data(input))
                let algorithm = file.metadata["format"].flatMap { $0.split(separator: "-").dropFirst().first.map(String.init) } ?? "ppo"
                _ = try TrainingAlgorithms.restore(file, algorithm: algorithm)
            },
            FuzzTarget(name: "configuration", seeds: configurations.map { Array(($0.algorithm + "\n" + $0.json).utf8) }) { input in
                let text = String(decoding: input, as: UTF8.self)
                let parts = text.split(separator: "\n", maxSplits: 1).map(String.init)
                guard parts.count == 2, let type = TrainingAlgorithms.all[parts[0]] else { return }
                try decode(type, Data(parts[1].utf8))
            },
            FuzzTarget(name: "tokenizer", seeds: [Array(tokenizer.vocabularyJSON()) + [0] + Array(tokenizer.mergesText().utf8)]) { input in
                let split = input.firstIndex(of: 0) ?? input.endIndex
                let merges = split < input.endIndex ? String(decoding: input[(split + 1)...], as: UTF8.self) : ""
                _ = try ByteLevelBPE(vocabularyJSON: Data(input[..<split]), merges: merges)
            },
            FuzzTarget(name: "tokenizer-json", seeds: [Array(tokenizer.tokenizerJSON())]) { input in
                _ = try ByteLevelBPE(tokenizerJSON: Data(input))
            },
            FuzzTarget(name: "model-config", seeds: [Array(modelConfiguration.utf8)]) { input in
                _ = try HuggingFaceFolder.configuration(configJSON: Data(input))
            },
            FuzzTarget(name: "chat-template", seeds: chatTemplates.map { Array($0.utf8) }) { input in
                let template = try ChatTemplate(String(decoding: input, as: UTF8.self))
                _ = try template.render(messages: [ChatMessage(role: "system", content: "s"), ChatMessage(role: "user", content: "u"),
                                                   ChatMessage(role: "assistant", content: "a")], addGenerationPrompt: true, specialTokens: ["bos_token": "<s>"])
            },
            FuzzTarget(name: "preferences", seeds: [Array(pairs.utf8)]) { input in
                _ = try PreferencePair.read(jsonLines: String(decoding: input, as: UTF8.self))
            },
            FuzzTarget(name: "corpus", seeds: [Array(ReviewTask.corpus(count: 20, seed: 2).joined(separator: "\n").utf8)]) { input in
                _ = try Corpus.lines(of: Data(input))
            },
            FuzzTarget(name: "gpt-weights", seeds: [[UInt8](gpt.huggingFaceCheckpoint().encoded())]) { input in
                _ = try GPT(huggingFace: try SafeTensors.decode(Data(input)))
            },
        ]
    }

    private static func decode<Run: ConfigurableRun>(_ type: Run.Type, _ data: Data) throws {
        _ = try Run.Configuration.decode(data)
    }

    /// A checkpoint of each algorithm after a few hundred steps on a classic environment.
    private static func trainedCheckpoints() throws -> [(algorithm: String, file: SafeTensors)] {
        func checkpoint<Run: ConfigurableRun>(_ type: Run.Type, environment: String, _ overrides: [(key: String, value: String)]) throws
            -> (algorithm: String, file: SafeTensors) {
            var configuration = try Run.Configuration.defaults(for: environment)
            configuration.totalSteps = 300
            let run = try Run(try configuration.overriding(overrides + [("hiddenSizes", "8,8")]))
            try run.train()
            return (Run.algorithm, run.checkpoint())
        }
        let offPolicy: [(key: String, value: String)] = [("learningStarts", "100"), ("batchSize", "16"), ("bufferSize", "1000"), ("logInterval", "100")]
        return [
            try checkpoint(PPO.self, environment: "Pendulum-v1", [("rolloutSteps", "64"), ("environments", "2"), ("minibatchSize", "32")]),
            try checkpoint(A2C.self, environment: "CartPole-v1", []),
            try checkpoint(REINFORCE.self, environment: "CartPole-v1", []),
            try checkpoint(SAC.self, environment: "Pendulum-v1", offPolicy),
            try checkpoint(TD3.self, environment: "Pendulum-v1", offPolicy),
            try checkpoint(DQN.self, environment: "CartPole-v1", offPolicy),
        ]
    }
}
