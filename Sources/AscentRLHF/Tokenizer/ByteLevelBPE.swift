import Foundation

/// GPT-2's byte-level byte-pair encoding: text is pre-tokenised (``PreTokenizer``), each
/// piece starts as its UTF-8 bytes (256 base tokens, so any input is encodable), and learned
/// merges join adjacent tokens, lowest rank first. `decode(encode(x)) == x` for any bytes.
///
/// Train one on a corpus with ``train(corpus:vocabularySize:)``, or load GPT-2's own
/// `vocab.json` and `merges.txt` with ``init(vocabularyJSON:merges:)``; ``vocabularyJSON()``
/// and ``mergesText()`` write the same formats back.
public struct ByteLevelBPE: Sendable, Equatable {
    /// Token id → its bytes.
    public let tokens: [[UInt8]]
    /// Merges in rank order: the two token ids joined, and the id of the result.
    public let merges: [(left: Int, right: Int, result: Int)]
    /// The end-of-text token: `<|endoftext|>` if the vocabulary has it, or the one a model
    /// folder's `tokenizer_config.json` names as `eos_token`.
    public let endOfText: Int?
    /// How text is cut into pieces before merging (GPT-2's pattern unless a `tokenizer.json` says otherwise).
    public let pipeline: TextPipeline
    /// Tokens recognised whole where their text appears in the input (`tokenizer.json`'s added
    /// tokens; the end-of-text token), as `transformers` does; longest first.
    public let specialTokens: [Int]
    /// Tokens a sequence starts with when special tokens are added (a Llama-style BOS from
    /// the `TemplateProcessing` post-processor), empty for GPT-2.
    public let sequencePrefix: [Int]
    private let ranks: [Pair: Int]
    private let ids: [[UInt8]: Int]

    struct Pair: Hashable, Sendable { let left: Int, right: Int }

    public static func == (a: ByteLevelBPE, b: ByteLevelBPE) -> Bool {
        a.tokens == b.tokens && a.endOfText == b.endOfText && a.merges.elementsEqual(b.merges) { $0 == $1 }
            && a.pipeline == b.pipeline && a.specialTokens == b.specialTokens && a.sequencePrefix == b.sequencePrefix
    }

    public var vocabularySize: Int { tokens.count }

    /// `endOfText` defaults to the last `<|endoftext|>` token, `specialTokens` to it alone.
    init(tokens: [[UInt8]], merges: [(left: Int, right: Int, result: Int)], endOfText: Int? = nil, pipeline: TextPipeline = .gpt2,
         specialTokens: [Int]? = nil, sequencePrefix: [Int] = []) {
        self.tokens = tokens
        self.merges = merges
        self.pipeline = pipeline
        self.sequencePrefix = sequencePrefix
        var ranks: [Pair: Int] = [:]
        for (rank, merge) in merges.enumerated() where ranks[Pair(left: merge.left, right: merge.right)] == nil {
            ranks[Pair(left: merge.left, right: merge.right)] = rank
        }
        self.ranks = ranks
        var ids: [[UInt8]: Int] = [:]
        for (id, bytes) in tokens.enumerated() where ids[bytes] == nil { ids[bytes] = id }
        self.ids = ids
        let end = endOfText ?? tokens.lastIndex(of: Array("<|endoftext|>".utf8))
        self.endOfText = end
        self.specialTokens = (specialTokens ?? end.map { [$0] } ?? []).filter { !tokens[$0].isEmpty }
            .sorted { (tokens[$0].count, $1) > (tokens[$1].count, $0) }
    }

    // MARK: Training

    /// Learns merges on `corpus` until the vocabulary has `vocabularySize` tokens (256 bytes,
    /// the merges, and `<|endoftext|>` last). Ties between equally frequent pairs go to the
    /// pair of smallest ids, so training is deterministic.
    public static func train(corpus: [String], vocabularySize: Int) throws -> ByteLevelBPE {
        guard vocabularySize >= 257 else {
            throw RLHFError.invalidTokenizer("vocabularySize must be at least 257 (256 bytes and <|endoftext|>), got \(vocabularySize)")
        }
        guard corpus.contains(where: { !$0.isEmpty }) else { throw RLHFError.invalidInput("the tokenizer corpus is empty") }
        var wordCounts: [[Int]: Int] = [:]
        for text in corpus {
            let bytes = Array(text.utf8)
            for piece in PreTokenizer.pieces(of: bytes) { wordCounts[bytes[piece].map(Int.init), default: 0] += 1 }
        }
        var words = wordCounts.map { (symbols: $0.key, count: $0.value) }.sorted { $0.symbols.lexicographicallyPrecedes($1.symbols) }
        var tokens = (0..<256).map { [UInt8($0)] }
        var merges: [(left: Int, right: Int, result: Int)] = []
        while tokens.count < vocabularySize - 1 {
            var pairCounts: [Pair: Int] = [:]
            for word in words where word.symbols.count > 1 {
                for k in 0..<(word.symbols.count - 1) { pairCounts[Pair(left: word.symbols[k], right: word.symbols[k + 1]), default: 0] += word.count }
            }
            guard let best = pairCounts.max(by: { a, b in
                a.value != b.value ? a.value < b.value : (a.key.left, a.key.right) > (b.key.left, b.key.right)
            }), best.value > 1 else { break }  // nothing left worth merging
            let id = tokens.count
            tokens.append(tokens[best.key.left] + tokens[best.key.right])
            merges.append((best.key.left, best.key.right, id))
            for w in words.indices { words[w].symbols = merge(words[w].symbols, best.key, into: id) }
        }
        tokens.append(Array("<|endoftext|>".utf8))
        return ByteLevelBPE(tokens: tokens, merges: merges)
    }

    private static func merge(_ symbols: [Int], _ pair: Pair, into id: Int) -> [Int] {
        guard symbols.count > 1 else { return symbols }
        var result: [Int] = []
        result.reserveCapacity(symbols.count)
        var k = 0
        while k < symbols.count {
            if k + 1 < symbols.count && symbols[k] == pair.left && symbols[k + 1] == pair.right {
                result.append(id)
                k += 2
            } else {
                result.append(symbols[k])
                k += 1
            }
        }
        return result
    }

    // MARK: Encoding

    /// Token ids of `text`; `addingSpecialTokens` puts ``sequencePrefix`` first, as
    /// `transformers`' tokenizers do by default (use it where a model's sequence starts),
    /// unless the text already starts with it (a chat template wrote the BOS).
    public func encode(_ text: String, addingSpecialTokens: Bool = false) -> [Int] {
        let ids = encode(bytes: Array(text.utf8))
        return addingSpecialTokens && !ids.starts(with: sequencePrefix) ? sequencePrefix + ids : ids
    }

    /// A stop condition for generation: true once the text of `ids` ends with one of
    /// `strings` (which may span several tokens; only the last tokens are decoded, since the
    /// string can only have completed with the newest one). nil when there are no strings.
    public func endsWithStopString(_ strings: [String]) -> (([Int]) -> Bool)? {
        let stops = strings.map { Array($0.utf8) }.filter { !$0.isEmpty }
        guard let longest = stops.map(\.count).max() else { return nil }
        return { ids in
            let tail = ids.suffix(longest).flatMap { self.tokens.indices.contains($0) ? self.tokens[$0] : [] }
            let last = ids.last.map { self.tokens.indices.contains($0) ? self.tokens[$0].count : 0 } ?? 0
            // A stop string that ends inside the newest token's bytes, and starts anywhere in the tail.
            return stops.contains { stop in
                guard tail.count >= stop.count else { return false }
                return (0...(tail.count - stop.count)).contains { start in
                    start + stop.count > tail.count - last && tail[start..<(start + stop.count)].elementsEqual(stop)
                }
            }
        }
    }

    /// A response's ids followed by the end-of-text token, unless the text already ends with
    /// it (a chat template's closed turn, perhaps followed by a newline).
    public func encodeResponse(_ text: String) -> [Int] {
        let ids = encode(text)
        guard let endOfText else { return ids }
        let trailing = ids.reversed().prefix { tokens[$0].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }.count
        return ids.dropLast(trailing).last == endOfText ? ids : ids + [endOfText]
    }

    /// Token ids for any bytes (with GPT-2's pipeline, valid UTF-8 or not). The text of a
    /// special token (`<|endoftext|>`) becomes that token, as in `transformers`.
    public func encode(bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        var start = 0, position = 0
        while position < bytes.count {
            guard let special = specialTokens.first(where: { bytes[position...].starts(with: tokens[$0]) }) else { position += 1; continue }
            result += encodeText(bytes[start..<position])
            result.append(special)
            position += tokens[special].count
            start = position
        }
        return result + encodeText(bytes[start...])
    }

    private func encodeText(_ bytes: ArraySlice<UInt8>) -> [Int] {
        guard !bytes.isEmpty else { return [] }
        var result: [Int] = []
        for piece in pipeline.pieces(of: bytes) {
            var symbols = piece.map { ids[[$0]] ?? Int($0) }
            while symbols.count > 1 {
                var best: (rank: Int, index: Int)?
                for k in 0..<(symbols.count - 1) {
                    if let rank = ranks[Pair(left: symbols[k], right: symbols[k + 1])], rank < (best?.rank ?? .max) { best = (rank, k) }
                }
                guard let best else { break }
                symbols = Self.merge(symbols, Pair(left: merges[best.rank].left, right: merges[best.rank].right), into: merges[best.rank].result)
            }
            result += symbols
        }
        return result
    }

    /// The bytes of `ids`; an id outside the vocabulary is an error naming it.
    public func decode(_ ids: [Int]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            guard tokens.indices.contains(id) else {
                throw RLHFError.invalidInput("token id \(id) is outside the vocabulary (0..<\(tokens.count))")
            }
            bytes += tokens[id]
        }
        return bytes
    }

    /// `decode` as text, with invalid UTF-8 replaced by U+FFFD.
    public func decodeText(_ ids: [Int]) throws -> String { String(decoding: try decode(ids), as: UTF8.self) }
}
