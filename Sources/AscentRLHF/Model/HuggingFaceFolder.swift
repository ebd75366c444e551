import AscentTensor
import Foundation

/// A Hugging Face model folder as `save_pretrained` writes it: `config.json` (the architecture
/// is read from it, never guessed), the weights in `model.safetensors` or in the shards that
/// `model.safetensors.index.json` lists, and the tokenizer (`tokenizer.json`, or `vocab.json` +
/// `merges.txt`) with its end-of-text token from `tokenizer_config.json` or
/// `special_tokens_map.json`. GPT-2 (`model_type` `gpt2`) and Llama-family models (`llama`,
/// `qwen2`, `mistral` without a sliding window) load; every option of their configuration that
/// Ascent's GPT does not implement is refused by name.
public enum HuggingFaceFolder {
    /// The model and tokenizer in `folder`.
    public static func load(_ folder: URL) throws -> (model: GPT, tokenizer: ByteLevelBPE) {
        let configuration = try configuration(try json(folder, "config.json"))
        let tokenizer = try loadTokenizer(folder)
        guard tokenizer.vocabularySize == configuration.vocabularySize else {
            throw RLHFError.invalidTokenizer("\(folder.path): the tokenizer has \(tokenizer.vocabularySize) tokens but config.json's vocab_size is \(configuration.vocabularySize); they must agree")
        }
        let model = try GPT(loading: configuration)
        try model.load(huggingFace: try weights(folder), adopting: true)
        return (model, tokenizer)
    }

    /// Writes `model` and `tokenizer` as a folder `transformers` loads with
    /// `AutoModelForCausalLM.from_pretrained` and `AutoTokenizer.from_pretrained` (no missing or
    /// unexpected keys). The folder is assembled beside `folder` and renamed into place, so a
    /// failed save never leaves half a model.
    public static func save(_ model: GPT, tokenizer: ByteLevelBPE, chatTemplate: ChatTemplate? = nil, to folder: URL) throws {
        try save(model, scoreHead: nil, tokenizer: tokenizer, chatTemplate: chatTemplate, to: folder)
    }

    /// Writes a reward model as a folder `AutoModelForSequenceClassification.from_pretrained`
    /// loads (`GPT2ForSequenceClassification`, `LlamaForSequenceClassification`, …, one label):
    /// the body's weights and `score.weight`. The head's bias is left out, as those classes have
    /// none: it shifts every score by the same constant, which no comparison of two responses
    /// (the Bradley–Terry loss, PPO's advantages after whitening, GRPO's) can see.
    public static func save(_ reward: RewardModel, tokenizer: ByteLevelBPE, chatTemplate: ChatTemplate? = nil, to folder: URL) throws {
        try save(reward.body, scoreHead: reward.head, tokenizer: tokenizer, chatTemplate: chatTemplate, to: folder)
    }

    private static func save(_ model: GPT, scoreHead: Linear?, tokenizer: ByteLevelBPE, chatTemplate: ChatTemplate?, to folder: URL) throws {
        guard tokenizer.vocabularySize == model.configuration.vocabularySize, let eos = tokenizer.endOfText else {
            throw RLHFError.invalidTokenizer("the tokenizer (\(tokenizer.vocabularySize) tokens, end of text \(tokenizer.endOfText.map(String.init) ?? "none")) does not fit the model's \(model.configuration.vocabularySize)-token vocabulary")
        }
        let fm = FileManager.default
        let staging = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).tmp-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: staging) }
        let c = model.configuration
        var config = try configJSON(c, endOfText: eos)
        var weights = model.huggingFaceCheckpoint()
        if c.family == .gpt2 {  // GPT2LMHeadModel's names: the body under `transformer.`, the head beside it
            weights.tensors = Dictionary(uniqueKeysWithValues: weights.tensors.map { ($0.key == "lm_head.weight" ? $0.key : "transformer." + $0.key, $0.value) })
        }
        if let scoreHead {  // …ForSequenceClassification: the body, and a one-label score in place of the language head
            let architecture = (config["architectures"] as? [String])?.first?.replacingOccurrences(of: "LMHeadModel", with: "ForSequenceClassification")
                .replacingOccurrences(of: "ForCausalLM", with: "ForSequenceClassification") ?? ""
            config.merge(["architectures": [architecture], "num_labels": 1, "id2label": ["0": "LABEL_0"], "label2id": ["LABEL_0": 0],
                          "pad_token_id": eos]) { $1 }
            weights.tensors["lm_head.weight"] = nil
            weights.tensors["score.weight"] = scoreHead.weight.value.detached().copied()
        }
        weights.metadata = ["format": "pt"]
        try weights.write(to: staging.appendingPathComponent("model.safetensors"))
        try AtomicFile.write(try jsonData(config), to: staging.appendingPathComponent("config.json"))
        try writeTokenizer(tokenizer, to: staging, contextLength: c.contextLength, className: c.family == .gpt2 ? "GPT2Tokenizer" : "PreTrainedTokenizerFast",
                           chatTemplate: chatTemplate)
        if fm.fileExists(atPath: folder.path) { try fm.removeItem(at: folder) }
        try fm.moveItem(at: staging, to: folder)
    }

    /// Writes the tokenizer's files into `folder`: `tokenizer.json` (everything), GPT-2's
    /// `vocab.json` + `merges.txt`, `tokenizer_config.json` naming the end-of-text and
    /// beginning-of-sequence tokens, which ``loadTokenizer(_:)`` reads back, and the chat
    /// template as `chat_template.jinja` (where `transformers` looks for it).
    public static func writeTokenizer(_ tokenizer: ByteLevelBPE, to folder: URL, contextLength: Int? = nil, className: String = "PreTrainedTokenizerFast",
                                      chatTemplate: ChatTemplate? = nil) throws {
        if let chatTemplate { try AtomicFile.write(Data(chatTemplate.source.utf8), to: folder.appendingPathComponent("chat_template.jinja")) }
        var config: [String: Any] = ["tokenizer_class": className, "add_prefix_space": false]
        if let eos = tokenizer.endOfText {
            let eosText = String(decoding: tokenizer.tokens[eos], as: UTF8.self)
            config.merge(["eos_token": eosText, "unk_token": eosText,
                          "bos_token": String(decoding: tokenizer.tokens[tokenizer.sequencePrefix.first ?? eos], as: UTF8.self)]) { $1 }
        }
        if let contextLength { config["model_max_length"] = contextLength }
        for (name, data) in [("tokenizer_config.json", try jsonData(config)), ("tokenizer.json", tokenizer.tokenizerJSON()),
                             ("vocab.json", tokenizer.vocabularyJSON()), ("merges.txt", Data(tokenizer.mergesText().utf8))] {
            try AtomicFile.write(data, to: folder.appendingPathComponent(name))
        }
    }

    // MARK: Reading the pieces

    private static func json(_ folder: URL, _ name: String) throws -> [String: Any] {
        let url = folder.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else {
            throw RLHFError.invalidWeights("\(folder.path) has no readable \(name); a Hugging Face model folder needs config.json, the weights and the tokenizer")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RLHFError.invalidWeights("\(url.path) is not a JSON object")
        }
        return object
    }

    private static func jsonData(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// The tensors of `model.safetensors` or of every shard in its index (integer and boolean
    /// ones listed for ``GPT/load(huggingFace:)`` to judge).
    static func weights(_ folder: URL) throws -> SafeTensors {
        let fm = FileManager.default
        let files: [String]
        if fm.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) {
            files = ["model.safetensors"]
        } else if fm.fileExists(atPath: folder.appendingPathComponent("model.safetensors.index.json").path) {
            guard let map = try json(folder, "model.safetensors.index.json")["weight_map"] as? [String: String], !map.isEmpty else {
                throw RLHFError.invalidWeights("model.safetensors.index.json has no weight_map of tensor → file")
            }
            files = Set(map.values).sorted()
        } else {
            let pickle = fm.fileExists(atPath: folder.appendingPathComponent("pytorch_model.bin").path)
            throw RLHFError.invalidWeights("\(folder.path) has no model.safetensors or model.safetensors.index.json"
                                           + (pickle ? " (pytorch_model.bin is a pickle Ascent does not read: save it with save_pretrained, which writes safetensors)" : ""))
        }
        var merged = SafeTensors()
        for file in files {
            let part = try SafeTensors.read(from: folder.appendingPathComponent(file))
            merged.nonFloatTensors.merge(part.nonFloatTensors) { first, _ in first }
            for (name, tensor) in part.tensors {
                guard merged.tensors.updateValue(tensor, forKey: name) == nil else { throw RLHFError.invalidWeights("tensor \(name) appears in two shards") }
            }
        }
        return merged
    }

    /// The chat template of `folder`, from `chat_template.jinja` or `tokenizer_config.json`'s
    /// `chat_template` (a string, or a list of named templates of which `default` is used), with
    /// the special-token texts the template reads; nil when the model has none.
    public static func chatFormat(_ folder: URL) throws -> ChatFormat? {
        let fm = FileManager.default
        let config = fm.fileExists(atPath: folder.appendingPathComponent("tokenizer_config.json").path) ? try json(folder, "tokenizer_config.json") : [:]
        var source = try? String(contentsOf: folder.appendingPathComponent("chat_template.jinja"), encoding: .utf8)
        if source == nil {
            if let text = config["chat_template"] as? String {
                source = text
            } else if let named = config["chat_template"] as? [[String: Any]] {
                source = (named.first { $0["name"] as? String == "default" } ?? named.first)?["template"] as? String
            }
        }
        guard let source else { return nil }
        var specialTokens: [String: String] = [:]
        for key in ["bos_token", "eos_token", "unk_token", "pad_token"] {
            let value = config[key]
            if let text = value as? String ?? (value as? [String: Any])?["content"] as? String { specialTokens[key] = text }
        }
        do {
            return ChatFormat(template: try ChatTemplate(source), specialTokens: specialTokens)
        } catch {
            throw RLHFError.invalidTokenizer("\(folder.path): the chat template cannot be used: \(error)")
        }
    }

    /// `tokenizer.json`, or else `vocab.json` + `merges.txt`; the end-of-text token is the
    /// configured `eos_token` when one is named.
    public static func loadTokenizer(_ folder: URL) throws -> ByteLevelBPE {
        let fm = FileManager.default
        var eos: String?
        for name in ["tokenizer_config.json", "special_tokens_map.json"] where eos == nil && fm.fileExists(atPath: folder.appendingPathComponent(name).path) {
            let value = try json(folder, name)["eos_token"]
            eos = value as? String ?? (value as? [String: Any])?["content"] as? String
        }
        if let data = try? Data(contentsOf: folder.appendingPathComponent("tokenizer.json")) {
            return try ByteLevelBPE(tokenizerJSON: data, endOfText: eos)
        }
        guard let vocabulary = try? Data(contentsOf: folder.appendingPathComponent("vocab.json")),
              let merges = try? String(contentsOf: folder.appendingPathComponent("merges.txt"), encoding: .utf8) else {
            throw RLHFError.invalidTokenizer("\(folder.path) has no tokenizer.json, nor vocab.json and merges.txt")
        }
        let tokenizer = try ByteLevelBPE(vocabularyJSON: vocabulary, merges: merges)
        guard let eos, eos != "<|endoftext|>" else { return tokenizer }
        guard let id = tokenizer.tokens.firstIndex(of: Array(eos.utf8)) else {
            throw RLHFError.invalidTokenizer("the end-of-text token '\(eos)' is not in vocab.json")
        }
        return ByteLevelBPE(tokens: tokenizer.tokens, merges: tokenizer.merges, endOfText: id)
    }
}
