import Foundation

/// Hugging Face's `tokenizer.json` for a byte-level BPE: a `BPE` model with `vocab` and
/// `merges`; an optional `NFC` normaliser; a pre-tokenizer that is `ByteLevel` (GPT-2's
/// pattern or no split) or a `Sequence` of `Split` (regular expression or literal),
/// `Digits` and a final `ByteLevel`; a `ByteLevel` decoder; and a `ByteLevel` or
/// `TemplateProcessing` post-processor (special tokens before the text: a BOS). That covers
/// GPT-2, SmolLM2, Qwen2 and Llama 3. Added tokens join the vocabulary at their ids and are
/// recognised in text. Anything Ascent would encode differently — a SentencePiece-style
/// `Metaspace`, byte fallback, another normaliser, a prefix space, subword prefixes or
/// suffixes, tokens appended after the text — is refused by name rather than approximated.
extension ByteLevelBPE {
    /// Loads `tokenizer.json`; `endOfText` names the end-of-text token (a model folder's
    /// `eos_token`) when it is not `<|endoftext|>`.
    public init(tokenizerJSON data: Data, endOfText: String? = nil) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw RLHFError.invalidTokenizer("tokenizer.json is not a JSON object") }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String) == "BPE" else {
            throw Self.refusal("the model is \((root["model"] as? [String: Any])?["type"] ?? "missing"), not BPE")
        }
        for (key, allowed) in [("byte_fallback", false), ("ignore_merges", false), ("fuse_unk", false)] where (model[key] as? Bool ?? allowed) != allowed {
            throw Self.refusal("model.\(key) is true")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] where !((model[key] as? String ?? "").isEmpty) {
            throw Self.refusal("model.\(key) is '\(model[key]!)'")
        }
        if let dropout = model["dropout"] as? Double, dropout > 0 { throw Self.refusal("model.dropout is \(dropout)") }
        let pipeline = try TextPipeline(normalizesNFC: try Self.normalizesNFC(root["normalizer"]), steps: try Self.steps(root["pre_tokenizer"]))
        if let decoder = root["decoder"] as? [String: Any], (decoder["type"] as? String) != "ByteLevel" { throw Self.refusal("the decoder is \(decoder["type"] ?? "")") }
        guard var vocabulary = model["vocab"] as? [String: Any] else { throw Self.refusal("model.vocab is not an object of token → id") }
        var added: [String: Int] = [:]
        for token in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = token["content"] as? String, let id = (token["id"] as? NSNumber)?.intValue else { throw Self.refusal("an added token lacks content or id") }
            if let existing = (vocabulary[content] as? NSNumber)?.intValue, existing != id {
                throw RLHFError.invalidTokenizer("tokenizer.json: added token '\(content)' has id \(id) but the vocabulary gives it \(existing)")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where token[flag] as? Bool == true {
                throw Self.refusal("added token '\(content)' has \(flag) set")
            }
            vocabulary[content] = id
            added[content] = id
        }
        let prefix = try Self.sequencePrefix(root["post_processor"], added: added)
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
        try self.init(spelled: vocabulary, merges: merges, source: "tokenizer.json", endOfText: endOfText, literal: Set(added.keys),
                      pipeline: pipeline, sequencePrefix: prefix)
    }

    private static func refusal(_ what: String) -> RLHFError {
        .invalidTokenizer("tokenizer.json: \(what); Ascent reads byte-level BPE tokenizers (GPT-2's kind, as SmolLM2, Qwen2 and Llama 3 use) only")
    }

    /// `NFC` (alone or as the only member of a `Sequence`) or nothing.
    private static func normalizesNFC(_ value: Any?) throws -> Bool {
        guard let normalizer = value as? [String: Any] else { return false }
        let type = normalizer["type"] as? String ?? "missing"
        if type == "NFC" { return true }
        if type == "Sequence", let members = normalizer["normalizers"] as? [[String: Any]], members.allSatisfy({ $0["type"] as? String == "NFC" }) {
            return !members.isEmpty
        }
        throw refusal("it has a \(type) normalizer (NFC is the one Ascent applies)")
    }

    /// The pre-tokenisation steps; the last must be `ByteLevel`, so pieces become bytes.
    private static func steps(_ value: Any?) throws -> [TextPipeline.Step] {
        guard let pre = value as? [String: Any] else { throw refusal("the pre-tokenizer is missing, not ByteLevel") }
        let members = pre["type"] as? String == "Sequence" ? pre["pretokenizers"] as? [[String: Any]] ?? [] : [pre]
        let steps = try members.map { member -> TextPipeline.Step in
            let type = member["type"] as? String ?? "missing"
            switch type {
            case "ByteLevel":
                if member["add_prefix_space"] as? Bool == true { throw refusal("the pre-tokenizer is ByteLevel (add_prefix_space)") }
                return .byteLevel(splitsLikeGPT2: member["use_regex"] as? Bool ?? true)
            case "Digits":
                return .digits(individually: member["individual_digits"] as? Bool ?? false)
            case "Split":
                let pattern = member["pattern"] as? [String: Any]
                guard let text = pattern?["Regex"] as? String ?? pattern?["String"] as? String,
                      let behavior = TextPipeline.SplitBehavior(rawValue: member["behavior"] as? String ?? "") else {
                    throw refusal("a Split pre-tokenizer lacks a Regex or String pattern or a known behavior")
                }
                return .split(pattern: text, isRegex: pattern?["Regex"] != nil, behavior: behavior, invert: member["invert"] as? Bool ?? false)
            default:
                throw refusal("the pre-tokenizer is \(type)")
            }
        }
        guard case .byteLevel = steps.last, steps.dropLast().allSatisfy({ if case .byteLevel = $0 { false } else { true } }) else {
            throw refusal("the pre-tokenizer is \(pre["type"] ?? "missing") without a final ByteLevel step, not byte-level BPE")
        }
        return steps
    }

    /// The special tokens a `TemplateProcessing` post-processor puts before a single text;
    /// tokens after it are refused (ids would change for every text Ascent encodes).
    private static func sequencePrefix(_ value: Any?, added: [String: Int]) throws -> [Int] {
        guard let post = value as? [String: Any], post["type"] as? String == "TemplateProcessing" else {
            if let post = value as? [String: Any], let type = post["type"] as? String, !["ByteLevel", "TemplateProcessing"].contains(type) {
                throw refusal("the post-processor is \(type)")
            }
            return []
        }
        var prefix: [Int] = []
        var seenText = false
        for piece in post["single"] as? [[String: Any]] ?? [] {
            if piece["Sequence"] != nil { seenText = true; continue }
            guard let special = piece["SpecialToken"] as? [String: Any], let name = special["id"] as? String, let id = added[name] else {
                throw refusal("the post-processor's template has a piece Ascent does not know")
            }
            if seenText { throw refusal("its post-processor appends '\(name)' after every text") }
            prefix.append(id)
        }
        return prefix
    }

    /// `tokenizer.json` contents: the vocabulary and merges, the pipeline, the special tokens
    /// as added tokens, and a `TemplateProcessing` post-processor when sequences start with
    /// special tokens.
    public func tokenizerJSON() -> Data {
        var vocabulary: [String: Int] = [:]
        let special = Set(specialTokens)
        for (id, bytes) in tokens.enumerated() { vocabulary[special.contains(id) ? String(decoding: bytes, as: UTF8.self) : Self.spell(bytes)] = id }
        let added: [[String: Any]] = specialTokens.sorted().map { id in
            ["id": id, "content": String(decoding: tokens[id], as: UTF8.self), "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let steps: [[String: Any]] = pipeline.steps.map { step in
            switch step {
            case .byteLevel(let splits): ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": splits]
            case .digits(let individually): ["type": "Digits", "individual_digits": individually]
            case let .split(pattern, isRegex, behavior, invert):
                ["type": "Split", "pattern": [isRegex ? "Regex" : "String": pattern], "behavior": behavior.rawValue, "invert": invert]
            }
        }
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        var post: [String: Any] = byteLevel
        if !sequencePrefix.isEmpty {
            let names = sequencePrefix.map { String(decoding: tokens[$0], as: UTF8.self) }
            let single: [[String: Any]] = names.map { ["SpecialToken": ["id": $0, "type_id": 0]] } + [["Sequence": ["id": "A", "type_id": 0]]]
            let specials = Dictionary(zip(names, sequencePrefix).map { ($0, ["id": $0, "ids": [$1], "tokens": [$0]] as [String: Any]) }) { first, _ in first }
            post = ["type": "TemplateProcessing", "single": single, "pair": single + [["Sequence": ["id": "B", "type_id": 1]]], "special_tokens": specials]
        }
        let root: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": pipeline.normalizesNFC ? ["type": "NFC"] : NSNull(),
            "pre_tokenizer": steps.count == 1 ? steps[0] : ["type": "Sequence", "pretokenizers": steps],
            "post_processor": post, "decoder": byteLevel,
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": "", "end_of_word_suffix": "",
                      "fuse_unk": false, "byte_fallback": false, "ignore_merges": false, "vocab": vocabulary,
                      "merges": merges.map { [Self.spell(tokens[$0.left]), Self.spell(tokens[$0.right])] }] as [String: Any],
        ]
        return (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
