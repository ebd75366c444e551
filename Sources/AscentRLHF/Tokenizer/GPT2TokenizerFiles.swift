import Foundation

/// GPT-2's `vocab.json` and `merges.txt`: tokens are written in a printable alphabet where
/// each byte maps to one Unicode character (printable Latin-1 bytes to themselves, the rest
/// to U+0100 onwards), so files stay valid UTF-8 text whatever the bytes.
extension ByteLevelBPE {
    /// Byte → its character in GPT-2's alphabet.
    static let byteCharacters: [Character] = {
        let printable = Array(33...126) + Array(161...172) + Array(174...255)
        var table = [Character](repeating: " ", count: 256)
        var next = 256
        for byte in 0..<256 {
            if printable.contains(byte) {
                table[byte] = Character(Unicode.Scalar(UInt32(byte))!)
            } else {
                table[byte] = Character(Unicode.Scalar(UInt32(next))!)
                next += 1
            }
        }
        return table
    }()

    static let characterBytes: [Character: UInt8] = Dictionary(uniqueKeysWithValues: byteCharacters.enumerated().map { ($1, UInt8($0)) })

    static func spell(_ bytes: [UInt8]) -> String { String(bytes.map { byteCharacters[Int($0)] }) }

    static func unspell(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for character in text {
            guard let byte = characterBytes[character] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// Loads GPT-2's `vocab.json` (token → id) and `merges.txt` ("#version" line, then one
    /// "left right" pair per line). Ids must be 0..<n without gaps; every merge must join two
    /// known tokens into a known token. Errors name the entry or line.
    public init(vocabularyJSON: Data, merges mergesText: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: vocabularyJSON) as? [String: Any] else {
            throw RLHFError.invalidTokenizer("vocab.json is not a JSON object of token → id")
        }
        var merges: [(left: String, right: String, label: String)] = []
        for (number, line) in mergesText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || (number == 0 && trimmed.hasPrefix("#")) { continue }
            let parts = trimmed.split(separator: " ")
            guard parts.count == 2 else { throw RLHFError.invalidTokenizer("merges.txt line \(number + 1): '\(trimmed)' is not two tokens") }
            merges.append((String(parts[0]), String(parts[1]), "merges.txt line \(number + 1)"))
        }
        try self.init(spelled: object, merges: merges, source: "vocab.json")
    }

    /// A vocabulary of GPT-2-alphabet spellings → ids and merges of two spellings (each with
    /// where it came from, for errors), as both `vocab.json`/`merges.txt` and `tokenizer.json`
    /// hold them. `endOfText` names the end-of-text token when it is not `<|endoftext|>`;
    /// `literal` tokens (added tokens) are their own text, not spellings, and are recognised
    /// whole in text (without any, the end-of-text token is).
    init(spelled object: [String: Any], merges spelledMerges: [(left: String, right: String, label: String)], source: String,
         endOfText: String? = nil, literal: Set<String> = [], pipeline: TextPipeline = .gpt2, sequencePrefix: [Int] = []) throws {
        var tokens = [[UInt8]?](repeating: nil, count: object.count)
        var idOf: [String: Int] = [:]
        for (text, value) in object {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < object.count else {
                throw RLHFError.invalidTokenizer("\(source): token '\(text)' has id \(value); ids must be integers 0..<\(object.count)")
            }
            guard tokens[id] == nil else { throw RLHFError.invalidTokenizer("\(source): id \(id) is used twice") }
            // Special tokens such as <|endoftext|> are spelled in plain ASCII, which the alphabet maps to itself.
            tokens[id] = literal.contains(text) ? Array(text.utf8) : Self.unspell(text) ?? Array(text.utf8)
            idOf[text] = id
        }
        let vocabulary = tokens.compactMap { $0 }
        var merges: [(left: Int, right: Int, result: Int)] = []
        for merge in spelledMerges {
            guard let left = idOf[merge.left], let right = idOf[merge.right], let result = idOf[merge.left + merge.right] else {
                throw RLHFError.invalidTokenizer("\(merge.label): '\(merge.left) \(merge.right)' is not two vocabulary tokens whose join is in the vocabulary")
            }
            merges.append((left, right, result))
        }
        guard (0..<256).allSatisfy({ byte in vocabulary.contains([UInt8(byte)]) }) else {
            throw RLHFError.invalidTokenizer("\(source) lacks some of the 256 single-byte tokens, so not every input could be encoded")
        }
        if let endOfText, idOf[endOfText] == nil {
            throw RLHFError.invalidTokenizer("the end-of-text token '\(endOfText)' is not in the vocabulary")
        }
        self.init(tokens: vocabulary, merges: merges, endOfText: endOfText.flatMap { idOf[$0] }, pipeline: pipeline,
                  specialTokens: literal.isEmpty ? nil : literal.compactMap { idOf[$0] }, sequencePrefix: sequencePrefix)
    }

    /// `vocab.json` contents (sorted keys).
    public func vocabularyJSON() -> Data {
        var object: [String: Int] = [:]
        let special = Set(specialTokens)
        for (id, bytes) in tokens.enumerated() { object[special.contains(id) ? String(decoding: bytes, as: UTF8.self) : Self.spell(bytes)] = id }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// `merges.txt` contents.
    public func mergesText() -> String {
        "#version: 0.2\n" + merges.map { Self.spell(tokens[$0.left]) + " " + Self.spell(tokens[$0.right]) }.joined(separator: "\n") + "\n"
    }
}
