import Foundation

/// How text is cut into the pieces that BPE merges never cross, as a Hugging Face
/// `tokenizer.json` describes it: an optional NFC normaliser, then pre-tokenisation steps
/// applied in order to every piece (a `Sequence` of them, or one).
///
/// GPT-2's own tokenizer is one step, ``Step/byteLevel(splitsLikeGPT2:)`` with GPT-2's
/// pattern. Later byte-level models combine steps: SmolLM2 isolates each digit and then
/// applies GPT-2's pattern; Qwen2 and Llama 3 normalise to NFC (Qwen2) and split with their
/// own regular expression before a byte-level step that no longer splits.
public struct TextPipeline: Sendable, Equatable {
    /// How a `Split` step treats the stretches its pattern matches (`behavior`).
    public enum SplitBehavior: String, Sendable {
        /// Matches dropped, the text between them kept.
        case removed = "Removed"
        /// Every match and every stretch between matches its own piece.
        case isolated = "Isolated"
        /// Each match joined to the piece before it.
        case mergedWithPrevious = "MergedWithPrevious"
        /// Each match joined to the piece after it.
        case mergedWithNext = "MergedWithNext"
        /// Like isolated, with adjacent matches joined into one piece.
        case contiguous = "Contiguous"
    }

    /// One pre-tokenisation step.
    public enum Step: Sendable, Equatable {
        /// Byte-level BPE's step: the bytes of each piece become BPE's symbols; with
        /// `splitsLikeGPT2` pieces are first cut by GPT-2's pattern (``PreTokenizer``).
        case byteLevel(splitsLikeGPT2: Bool)
        /// Numbers apart from the rest: each digit alone (`individually`) or runs of digits.
        case digits(individually: Bool)
        /// Cut where `pattern` (a regular expression, or literal text) matches.
        case split(pattern: String, isRegex: Bool, behavior: SplitBehavior, invert: Bool)
    }

    /// Text is put in Unicode normal form C first (Qwen2's `NFC` normaliser).
    public var normalizesNFC: Bool
    /// The steps, in order.
    public let steps: [Step]
    private let compiled: CompiledPatterns

    /// Throws when a `Split` pattern is not a regular expression ICU reads.
    public init(normalizesNFC: Bool = false, steps: [Step]) throws {
        self.normalizesNFC = normalizesNFC
        self.steps = steps
        compiled = Self.compile(steps)
        for (step, expression) in zip(steps, compiled.expressions) {
            if case let .split(pattern, _, _, _) = step, expression == nil {
                throw RLHFError.invalidTokenizer("tokenizer.json: the Split pattern '\(pattern)' is not a regular expression this platform's engine (ICU) reads")
            }
        }
    }

    /// GPT-2's: no normaliser, GPT-2's pattern.
    public static let gpt2 = try! TextPipeline(steps: [.byteLevel(splitsLikeGPT2: true)])  // no pattern to compile: cannot throw

    public static func == (a: TextPipeline, b: TextPipeline) -> Bool { a.normalizesNFC == b.normalizesNFC && a.steps == b.steps }

    /// The pieces of `bytes`. GPT-2's pipeline works on the bytes themselves, so any bytes
    /// round-trip; any other pipeline reads them as UTF-8, invalid sequences becoming U+FFFD.
    func pieces(of bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        if self == .gpt2 { return PreTokenizer.pieces(of: Array(bytes)).map { Array(bytes[bytes.startIndex + $0.lowerBound..<bytes.startIndex + $0.upperBound]) } }
        var text = String(decoding: bytes, as: UTF8.self)
        if normalizesNFC { text = text.precomposedStringWithCanonicalMapping }
        var pieces = [text]
        for (index, step) in steps.enumerated() {
            pieces = pieces.flatMap { piece -> [String] in
                switch step {
                case .byteLevel(let splits):
                    guard splits else { return [piece] }
                    let utf8 = Array(piece.utf8)
                    return PreTokenizer.pieces(of: utf8).map { String(decoding: utf8[$0], as: UTF8.self) }
                case .digits(let individually):
                    return Self.split(piece, stretches: Self.digitStretches(piece), behavior: individually ? .isolated : .contiguous)
                case let .split(_, _, behavior, invert):
                    let stretches = Self.stretches(piece, matches: compiled.expressions[index]!)  // init refused patterns that do not compile
                    return Self.split(piece, stretches: invert ? stretches.map { ($0.range, !$0.isMatch) } : stretches, behavior: behavior)
                }
            }
        }
        return pieces.map { Array($0.utf8) }
    }

    // MARK: Cutting

    /// The string covered by alternating stretches (UTF-16 ranges) of matches and the text between.
    private static func stretches(_ text: String, matches expression: NSRegularExpression) -> [(range: NSRange, isMatch: Bool)] {
        let whole = NSRange(location: 0, length: (text as NSString).length)
        var result: [(NSRange, Bool)] = []
        var position = 0
        for match in expression.matches(in: text, range: whole) where match.range.length > 0 {
            if match.range.location > position { result.append((NSRange(location: position, length: match.range.location - position), false)) }
            result.append((match.range, true))
            position = match.range.location + match.range.length
        }
        if position < whole.length { result.append((NSRange(location: position, length: whole.length - position), false)) }
        return result
    }

    /// Each numeric scalar (general category N) is a match of its own.
    private static func digitStretches(_ text: String) -> [(range: NSRange, isMatch: Bool)] {
        var result: [(NSRange, Bool)] = []
        var position = 0
        for scalar in text.unicodeScalars {
            let length = scalar.utf16.count
            let numeric = [.decimalNumber, .letterNumber, .otherNumber].contains(scalar.properties.generalCategory)
            if !numeric, let last = result.last, !last.1 {
                result[result.count - 1].0.length += length
            } else {
                result.append((NSRange(location: position, length: length), numeric))
            }
            position += length
        }
        return result
    }

    /// The pieces that `behavior` makes of the stretches (empty pieces dropped).
    private static func split(_ text: String, stretches: [(range: NSRange, isMatch: Bool)], behavior: SplitBehavior) -> [String] {
        let string = text as NSString
        var ranges: [NSRange] = []
        var previousWasMatch = false
        for (range, isMatch) in stretches {
            switch behavior {
            case .removed where isMatch: break
            case .mergedWithPrevious where isMatch && !ranges.isEmpty && !previousWasMatch,
                 .mergedWithNext where !isMatch && previousWasMatch,
                 .contiguous where isMatch && previousWasMatch:
                ranges[ranges.count - 1].length += range.length
            default: ranges.append(range)
            }
            previousWasMatch = isMatch
        }
        return ranges.filter { $0.length > 0 }.map { string.substring(with: $0) }
    }

    private static func compile(_ steps: [Step]) -> CompiledPatterns {
        CompiledPatterns(expressions: steps.map { step in
            guard case let .split(pattern, isRegex, _, _) = step else { return nil }
            return try? NSRegularExpression(pattern: isRegex ? pattern : NSRegularExpression.escapedPattern(for: pattern))
        })
    }
}

/// The compiled regular expressions of a pipeline's `Split` steps, one slot per step.
/// `@unchecked Sendable`: `NSRegularExpression` is immutable once created and documented as
/// safe to use from several threads at once; the array is never mutated after init.
private final class CompiledPatterns: @unchecked Sendable {
    let expressions: [NSRegularExpression?]
    init(expressions: [NSRegularExpression?]) { self.expressions = expressions }
}
