import Foundation
import Testing
@testable import AscentRLHF

@Suite("Byte-level BPE tokenizer")
struct TokenizerTests {
    /// Pieces from Python's `regex` module with GPT-2's pattern (computed once, pasted here).
    @Test(arguments: [
        ("Hello world!", ["Hello", " world", "!"]),
        ("I'm   here, don't you'll we've?", ["I", "'m", "  ", " here", ",", " don", "'t", " you", "'ll", " we", "'ve", "?"]),
        ("  leading\n\nnew  lines\t\ttabs  ", [" ", " leading", "\n", "\n", "new", " ", " lines", "\t", "\t", "tabs", "  "]),
        ("numbers 12345 and 3.14e-5", ["numbers", " 12345", " and", " 3", ".", "14", "e", "-", "5"]),
        ("emoji 🙂🙂 café naïve 日本語", ["emoji", " 🙂🙂", " café", " naïve", " 日本語"]),
        ("?'s 's 'S x'd", ["?'", "s", " '", "s", " '", "S", " x", "'d"]),
        ("end   ", ["end", "   "]),
    ])
    func preTokenizationMatchesGPT2Pattern(text: String, expected: [String]) {
        let bytes = Array(text.utf8)
        #expect(PreTokenizer.pieces(of: bytes).map { String(decoding: bytes[$0], as: UTF8.self) } == expected)
    }

    static let corpus = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog", "the mat and the log"]

    @Test func trainingLearnsFrequentPairsDeterministically() throws {
        let bpe = try ByteLevelBPE.train(corpus: Self.corpus, vocabularySize: 280)
        #expect(bpe == (try ByteLevelBPE.train(corpus: Self.corpus, vocabularySize: 280)))
        #expect(bpe.vocabularySize <= 280 && bpe.endOfText == bpe.vocabularySize - 1)
        #expect(bpe.tokens.contains(Array(" the".utf8)))
        let ids = bpe.encode("the cat sat on the log")
        #expect(ids.count < "the cat sat on the log".utf8.count / 2)
        #expect(try bpe.decodeText(ids) == "the cat sat on the log")
        #expect(throws: RLHFError.self) { try ByteLevelBPE.train(corpus: Self.corpus, vocabularySize: 100) }
        #expect(throws: RLHFError.self) { try ByteLevelBPE.train(corpus: ["", ""], vocabularySize: 300) }
        #expect(throws: RLHFError.self) { try bpe.decode([bpe.vocabularySize]) }
    }

    @Test func anyBytesRoundTrip() throws {
        let bpe = try ByteLevelBPE.train(corpus: Self.corpus, vocabularySize: 300)
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 100, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(try bpe.decode(bpe.encode(bytes: bytes)) == bytes)
        }
        let tricky = Array("<|endoftext|> \u{0} \u{FFFF} é".utf8) + [0xFF, 0xC3, 0x28]  // special text, NUL, invalid UTF-8
        #expect(try bpe.decode(bpe.encode(bytes: tricky)) == tricky)
        #expect(!bpe.encode(bytes: tricky).contains(bpe.endOfText!))  // special tokens never come from text
    }

    @Test func gpt2FilesRoundTripAndAreValidated() throws {
        let bpe = try ByteLevelBPE.train(corpus: Self.corpus, vocabularySize: 290)
        let loaded = try ByteLevelBPE(vocabularyJSON: bpe.vocabularyJSON(), merges: bpe.mergesText())
        #expect(loaded == bpe)
        #expect(loaded.encode("the dog and the cat") == bpe.encode("the dog and the cat"))
        #expect(bpe.mergesText().hasPrefix("#version: 0.2\n"))
        let spelled = String(decoding: bpe.vocabularyJSON(), as: UTF8.self)
        #expect(spelled.contains("\"Ġthe\""))  // GPT-2's alphabet: space is Ġ
        #expect(throws: RLHFError.self) { try ByteLevelBPE(vocabularyJSON: Data("[1]".utf8), merges: "") }
        do {
            let firstMerge = bpe.mergesText().split(separator: "\n")[1]
            _ = try ByteLevelBPE(vocabularyJSON: bpe.vocabularyJSON(), merges: "#version: 0.2\n\(firstMerge)\nzz qq\n")
            Issue.record("accepted a merge of unknown tokens")
        } catch { #expect("\(error)".contains("line 3")) }
    }
}
