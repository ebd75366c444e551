import Foundation

/// Hugging Face's `tokenizer.json` for a byte-level BPE (GPT-2's kind, what `save_pretrained`
/// writes for GPT-2-family models): a `BPE` model with `vocab` and `merges`, a `ByteLevel`
/// pre-tokenizer (GPT-2's pattern, no prefix space) and decoder, no normaliser. Added tokens
/// join the vocabulary at their ids. Anything Ascent's tokenizer would encode differently — a
/// SentencePiece-style `Metaspace`, byte fallback, a normaliser, subword prefixes or suffixes, a
/// template that inserts special tokens — is refused by name rather than approximated.
extension ByteLevelBPE {
    /// Loads `tokenizer.json`; `endOfText` names the end-of-text token (a model folder's
    /// `eos_token`) when it is not `<|endoftext|>`.
    public init(tokenizerJSON data: Data, endOfText: String? = nil) throws {
        func refuse(_ what: String) -> RLHFError { .invalidTokenizer("tokenizer.json: \(what); Ascent reads byte-level BPE tokenizers (GPT-2's kind) only") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw RLHFError.invalidTokenizer("tokenizer.json is not a JSON object") }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String) == "BPE" else {
            throw refuse("the model is \((root["model"] as? [String: Any])?["type"] ?? "missing"), not BPE")
        }
        for (key, allowed) in [("byte_fallback", false), ("ignore_merges", false), ("fuse_unk", false)] where (model[key] as? Bool ?? allowed) != allowed {
            throw refuse("model.\(key) is true")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] where !((model[key] as? String ?? "").isEmpty) {
            throw refuse("model.\(key) is '\(model[key]!)'")
        }
        if let dropout = model["dropout"] as? Double, dropout > 0 { throw refuse("model.dropout is \(dropout)") }
        if let normalizer = root["normalizer"] as? [String: Any] { throw refuse("it has a \(normalizer["type"] ?? "") normalizer") }
        guard let pre = root["pre_tokenizer"] as? [String: Any], (pre["type"] as? String) == "ByteLevel",
              (pre["add_prefix_space"] as? Bool) != true, (pre["use_regex"] as? Bool) != false else {
            let pre = root["pre_tokenizer"] as? [String: Any]
            throw refuse("the pre-tokenizer is \(pre?["type"] ?? "missing")\(pre.map { " (\($0["add_prefix_space"] as? Bool == true ? "add_prefix_space" : "use_regex false"))" } ?? ""), not ByteLevel with GPT-2's pattern")
        }
        if let decoder = root["decoder"] as? [String: Any], (decoder["type"] as? String) != "ByteLevel" { throw refuse("the decoder is \(decoder["type"] ?? "")") }
        if let post = root["post_processor"] as? [String: Any], (post["type"] as? String) == "TemplateProcessing",
           let single = post["single"] as? [[String: Any]], single.contains(where: { $0["SpecialToken"] != nil }) {
            throw refuse("its post-processor inserts special tokens around every text")
        }
        guard var vocabulary = model["vocab"] as? [String: Any] else { throw refuse("model.vocab is not an object of token → id") }
        for added in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = added["content"] as? String, let id = (added["id"] as? NSNumber)?.intValue else { throw refuse("an added token lacks content or id") }
            if let existing = (vocabulary[content] as? NSNumber)?.intValue, existing != id {
                throw RLHFError.invalidTokenizer("tokenizer.json: added token '\(content)' has id \(id) but the vocabulary gives it \(existing)")
            }
            vocabulary[content] = id
        }
        var merges: [(left: String, right: String, label: String)] = []
        for (index, merge) in (model["merges"] as? [Any] ?? []).enumerated() {
            let label = "tokenizer.json merge \(index + 1)"
            if let pair = merge as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1], label))
            } else if let text = merge as? String, case let parts = text.split(separator: " "), parts.count == 2 {
                merges.append((String(parts[0]), String(parts[1]), label))
            } else {
                throw RLHFError.invalidTokenizer("\(label) is not a pair of tokens")
            }
        }
        try self.init(spelled: vocabulary, merges: merges, source: "tokenizer.json", endOfText: endOfText)
    }

    /// `tokenizer.json` contents (GPT-2's layout: byte-level pre-tokenizer, post-processor and
    /// decoder, the end-of-text token as a special added token).
    public func tokenizerJSON() -> Data {
        var vocabulary: [String: Int] = [:]
        for (id, bytes) in tokens.enumerated() { vocabulary[id == endOfText ? String(decoding: bytes, as: UTF8.self) : Self.spell(bytes)] = id }
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        let added: [[String: Any]] = endOfText.map { id in
            [["id": id, "content": String(decoding: tokens[id], as: UTF8.self), "single_word": false, "lstrip": false, "rstrip": false,
              "normalized": false, "special": true]]
        } ?? []
        let root: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added, "normalizer": NSNull(),
            "pre_tokenizer": byteLevel, "post_processor": byteLevel, "decoder": byteLevel,
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": "", "end_of_word_suffix": "",
                      "fuse_unk": false, "byte_fallback": false, "ignore_merges": false, "vocab": vocabulary,
                      "merges": merges.map { [Self.spell(tokens[$0.left]), Self.spell(tokens[$0.right])] }] as [String: Any],
        ]
        return (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
