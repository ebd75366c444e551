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
        #expect(bpe.encode(bytes: tricky).first == bpe.endOfText!)  // a special token's text becomes it, as in transformers
        #expect(bpe.encode("a<|endoftext|><|endoftext|>b").filter { $0 == bpe.endOfText! }.count == 2)
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

    /// Tokenizers built as SmolLM2's, Qwen2's and Llama 3's are (`scripts/huggingface_fixtures.py`:
    /// digits isolated; NFC and Qwen2's split pattern; Llama 3's pattern and a BOS template, each
    /// with chat special tokens) encode every sample as Python's `tokenizers` does, with and
    /// without special tokens added, and survive being written back to `tokenizer.json`.
    @Test(arguments: ["smollm2", "qwen2", "llama3"])
    func realModelPipelinesMatchTokenizers(_ name: String) throws {
        struct Reference: Decodable {
            struct Sample: Decodable { let text: String; let ids: [Int]; let ids_with_special: [Int] }
            let samples: [Sample]
        }
        let folder = try #require(Bundle.module.url(forResource: "tokenizers/\(name)", withExtension: nil, subdirectory: "Fixtures"))
        let tokenizer = try ByteLevelBPE(tokenizerJSON: Data(contentsOf: folder.appendingPathComponent("tokenizer.json")))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
        #expect(tokenizer.pipeline != .gpt2 && tokenizer.specialTokens.count >= 3)
        let reloaded = try ByteLevelBPE(tokenizerJSON: tokenizer.tokenizerJSON())
        #expect(reloaded == tokenizer)
        for sample in reference.samples {
            #expect(tokenizer.encode(sample.text) == sample.ids, "\(sample.text.debugDescription)")
            #expect(tokenizer.encode(sample.text, addingSpecialTokens: true) == sample.ids_with_special, "\(sample.text.debugDescription)")
            #expect(reloaded.encode(sample.text) == sample.ids)
            let normalized = tokenizer.pipeline.normalizesNFC ? sample.text.precomposedStringWithCanonicalMapping : sample.text
            #expect(try tokenizer.decodeText(sample.ids) == normalized)
        }
    }

    @Test func unsupportedPipelinesAreRefusedByName() throws {
        let folder = try #require(Bundle.module.url(forResource: "tokenizers/llama3", withExtension: nil, subdirectory: "Fixtures"))
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))) as! [String: Any]
        func refusal(_ change: (inout [String: Any]) -> Void) -> String {
            var json = original
            change(&json)
            do { _ = try ByteLevelBPE(tokenizerJSON: JSONSerialization.data(withJSONObject: json)); return "loaded" } catch { return "\(error)" }
        }
        #expect(refusal { $0["normalizer"] = ["type": "NFKC"] }.contains("NFKC normalizer"))
        #expect(refusal { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true]]] }
            .contains("without a final ByteLevel step"))
        #expect(refusal { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": "Split", "pattern": ["Regex": "(unclosed"], "behavior": "Isolated"],
                                                                                      ["type": "ByteLevel", "use_regex": false]]] }
            .contains("is not a regular expression"))
        #expect(refusal { $0["post_processor"] = ["type": "TemplateProcessing", "single": [["Sequence": ["id": "A"]], ["SpecialToken": ["id": "<|im_end|>"]]]] }
            .contains("appends '<|im_end|>' after every text"))
        #expect(refusal { $0["post_processor"] = ["type": "RobertaProcessing"] }.contains("the post-processor is RobertaProcessing"))
    }
}
