import AscentTensor
import Foundation

/// A Hugging Face model folder as `save_pretrained` writes it: `config.json` (the architecture
/// is read from it, never guessed), the weights in `model.safetensors` or in the shards that
/// `model.safetensors.index.json` lists, and the tokenizer (`tokenizer.json`, or `vocab.json` +
/// `merges.txt`) with its end-of-text token from `tokenizer_config.json` or
/// `special_tokens_map.json`. GPT-2-family models (`model_type` `gpt2`) load; every option of
/// their configuration that Ascent's GPT does not implement is refused by name.
public enum HuggingFaceFolder {
    /// The model and tokenizer in `folder`.
    public static func load(_ folder: URL) throws -> (model: GPT, tokenizer: ByteLevelBPE) {
        let configuration = try gpt2Configuration(try json(folder, "config.json"))
        let tokenizer = try loadTokenizer(folder)
        guard tokenizer.vocabularySize == configuration.vocabularySize else {
            throw RLHFError.invalidTokenizer("\(folder.path): the tokenizer has \(tokenizer.vocabularySize) tokens but config.json's vocab_size is \(configuration.vocabularySize); they must agree")
        }
        var generator = RandomGenerator(seed: 0, stream: "huggingface-load")
        let model = try GPT(configuration, generator: &generator)
        try model.load(huggingFace: try weights(folder))
        return (model, tokenizer)
    }

    /// Writes `model` and `tokenizer` as a folder `transformers` loads with
    /// `AutoModelForCausalLM.from_pretrained` and `AutoTokenizer.from_pretrained` (no missing or
    /// unexpected keys). The folder is assembled beside `folder` and renamed into place, so a
    /// failed save never leaves half a model.
    public static func save(_ model: GPT, tokenizer: ByteLevelBPE, to folder: URL) throws {
        guard tokenizer.vocabularySize == model.configuration.vocabularySize, let eos = tokenizer.endOfText else {
            throw RLHFError.invalidTokenizer("the tokenizer (\(tokenizer.vocabularySize) tokens, end of text \(tokenizer.endOfText.map(String.init) ?? "none")) does not fit the model's \(model.configuration.vocabularySize)-token vocabulary")
        }
        let fm = FileManager.default
        let staging = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).tmp-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: staging) }
        let c = model.configuration
        let config: [String: Any] = [
            "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": c.vocabularySize, "n_positions": c.contextLength,
            "n_embd": c.embeddingSize, "n_layer": c.layers, "n_head": c.heads, "n_inner": NSNull(), "activation_function": "gelu_new",
            "layer_norm_epsilon": 1e-5, "scale_attn_weights": true, "scale_attn_by_inverse_layer_idx": false, "reorder_and_upcast_attn": false,
            "tie_word_embeddings": true, "bos_token_id": eos, "eos_token_id": eos, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
            "initializer_range": 0.02, "use_cache": true, "dtype": "float32",
        ]
        let eosText = String(decoding: tokenizer.tokens[eos], as: UTF8.self)
        let tokenizerConfig: [String: Any] = ["tokenizer_class": "GPT2Tokenizer", "bos_token": eosText, "eos_token": eosText, "unk_token": eosText,
                                              "model_max_length": c.contextLength, "add_prefix_space": false]
        var weights = model.huggingFaceCheckpoint()
        weights.tensors = Dictionary(uniqueKeysWithValues: weights.tensors.map { ("transformer." + $0.key, $0.value) })
        weights.metadata = ["format": "pt"]
        try weights.write(to: staging.appendingPathComponent("model.safetensors"))
        for (name, data) in [("config.json", try jsonData(config)), ("tokenizer_config.json", try jsonData(tokenizerConfig)),
                             ("tokenizer.json", tokenizer.tokenizerJSON()), ("vocab.json", tokenizer.vocabularyJSON()),
                             ("merges.txt", Data(tokenizer.mergesText().utf8))] {
            try AtomicFile.write(data, to: staging.appendingPathComponent(name))
        }
        if fm.fileExists(atPath: folder.path) { try fm.removeItem(at: folder) }
        try fm.moveItem(at: staging, to: folder)
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

    /// The model shape a `config.json` describes (its options checked as ``load(_:)`` checks them).
    public static func configuration(configJSON data: Data) throws -> GPTConfiguration {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw RLHFError.invalidWeights("config.json is not a JSON object") }
        return try gpt2Configuration(object)
    }

    /// GPT-2's `config.json`: the shape, and every option checked against what Ascent's GPT computes.
    static func gpt2Configuration(_ config: [String: Any]) throws -> GPTConfiguration {
        let type = config["model_type"] as? String ?? "missing"
        guard type == "gpt2" else {
            throw RLHFError.invalidWeights("config.json: model_type '\(type)' is not supported; Ascent loads gpt2 models")
        }
        func integer(_ key: String, or other: String? = nil) throws -> Int {
            guard let value = ((config[key] ?? other.flatMap { config[$0] }) as? NSNumber)?.intValue else {
                throw RLHFError.invalidWeights("config.json lacks the integer '\(key)'")
            }
            return value
        }
        let configuration = GPTConfiguration(vocabularySize: try integer("vocab_size"), contextLength: try integer("n_positions", or: "n_ctx"),
                                             embeddingSize: try integer("n_embd"), layers: try integer("n_layer"), heads: try integer("n_head"))
        try configuration.validate()
        var unsupported: [String] = []
        let activation = config["activation_function"] as? String ?? "gelu_new"
        if !["gelu_new", "gelu_pytorch_tanh", "gelu_fast"].contains(activation) {
            unsupported.append("activation_function '\(activation)' (Ascent's GPT uses GELU's tanh form: gelu_new)")
        }
        if let epsilon = (config["layer_norm_epsilon"] as? NSNumber)?.doubleValue, abs(epsilon - 1e-5) > 1e-12 {
            unsupported.append("layer_norm_epsilon \(epsilon) (1e-5)")
        }
        if let inner = (config["n_inner"] as? NSNumber)?.intValue, inner != 4 * configuration.embeddingSize {
            unsupported.append("n_inner \(inner) (4 × n_embd = \(4 * configuration.embeddingSize))")
        }
        for (key, expected) in [("scale_attn_weights", true), ("scale_attn_by_inverse_layer_idx", false), ("add_cross_attention", false),
                                ("tie_word_embeddings", true)] where (config[key] as? Bool ?? expected) != expected {
            unsupported.append("\(key) \(!expected)")
        }
        guard unsupported.isEmpty else {
            throw RLHFError.invalidWeights("config.json asks for what Ascent's GPT does not implement: \(unsupported.joined(separator: "; "))")
        }
        return configuration
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

    /// `tokenizer.json`, or else `vocab.json` + `merges.txt`; the end-of-text token is the
    /// configured `eos_token` when one is named.
    static func loadTokenizer(_ folder: URL) throws -> ByteLevelBPE {
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
