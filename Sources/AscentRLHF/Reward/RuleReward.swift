import Foundation

/// A reward computed from a response's text by a fixed rule, for verifiable tasks (the
/// "rule-based rewards" of DeepSeek-R1 and TRL's reward functions): no reward model to train
/// or to hack.
public enum RuleReward: Codable, Sendable, Equatable, CustomStringConvertible {
    /// 1 when the response, trimmed of whitespace and a final full stop, equals the prompt's answer; else 0.
    case exactAnswer
    /// 1 when the last number in the response equals the prompt's answer as a number; else 0.
    case lastNumber
    /// 1 when the regular expression (ICU syntax) matches somewhere in the response; else 0.
    case regex(String)
    /// −|words − target| / target: 0 at exactly `target` words, falling linearly either side.
    case length(words: Int)

    /// Parses the command line's spelling: `exact`, `number`, `regex:PATTERN`, `length:N`.
    public init(parsing text: String) throws {
        switch text {
        case "exact": self = .exactAnswer
        case "number": self = .lastNumber
        case _ where text.hasPrefix("regex:"): self = .regex(String(text.dropFirst("regex:".count)))
        case _ where text.hasPrefix("length:"):
            guard let words = Int(text.dropFirst("length:".count)), words > 0 else {
                throw RLHFError.invalidInput("reward '\(text)': length:N needs a positive whole number of words")
            }
            self = .length(words: words)
        default:
            throw RLHFError.invalidInput("unknown reward '\(text)'; valid: model, exact, number, regex:PATTERN, length:N, or program:COMMAND")
        }
        try validate()
    }

    /// The command line's spelling.
    public var description: String {
        switch self {
        case .exactAnswer: "exact"
        case .lastNumber: "number"
        case .regex(let pattern): "regex:\(pattern)"
        case .length(let words): "length:\(words)"
        }
    }

    /// Checks that a regular expression compiles.
    public func validate() throws {
        if case .regex(let pattern) = self, (try? NSRegularExpression(pattern: pattern)) == nil {
            throw RLHFError.invalidInput("reward regex '\(pattern)' is not a valid regular expression")
        }
    }

    /// Whether the rule compares responses with each prompt's `answer`.
    public var needsAnswers: Bool {
        switch self {
        case .exactAnswer, .lastNumber: true
        case .regex, .length: false
        }
    }

    /// The reward of each response; `answers[i]` belongs to `responses[i]`.
    public func scores(_ responses: [String], answers: [String?]) -> [Double] {
        let expression: NSRegularExpression? = if case .regex(let pattern) = self { try? NSRegularExpression(pattern: pattern) } else { nil }
        return zip(responses, answers).map { response, answer in
            switch self {
            case .exactAnswer:
                return Self.normalized(response) == answer.map(Self.normalized) ? 1 : 0
            case .lastNumber:
                guard let answer = answer.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), let last = Self.lastNumber(in: response) else { return 0 }
                return last == answer ? 1 : 0
            case .regex:
                return expression?.firstMatch(in: response, range: NSRange(location: 0, length: (response as NSString).length)) == nil ? 0 : 1
            case .length(let target):
                let words = response.split(whereSeparator: \.isWhitespace).count
                return -Double(abs(words - target)) / Double(target)
            }
        }
    }

    private static func normalized(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The last number written in `text` (digits with an optional sign, decimal point and
    /// thousands commas: "-1,234.5"), or nil.
    static func lastNumber(in text: String) -> Double? {
        let expression = try! NSRegularExpression(pattern: #"-?\d[\d,]*(\.\d+)?"#)
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
        guard let last = matches.last else { return nil }
        return Double((text as NSString).substring(with: last.range).replacingOccurrences(of: ",", with: ""))
    }
}
