import AscentTensor
import Foundation

/// One comparison: for `prompt`, the judge preferred `chosen` to `rejected` (texts).
public struct PreferencePair: Codable, Sendable, Equatable {
    public var prompt: String
    public var chosen: String
    public var rejected: String

    public init(prompt: String, chosen: String, rejected: String) {
        (self.prompt, self.chosen, self.rejected) = (prompt, chosen, rejected)
    }

    /// Reads JSON Lines of {"prompt", "chosen", "rejected"} (a response may be empty: a model can
    /// answer nothing); every malformed row is reported
    /// with its line number (all of them, not just the first).
    public static func read(jsonLines text: String) throws -> [PreferencePair] {
        var pairs: [PreferencePair] = [], problems: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let pair = try? JSONDecoder().decode(PreferencePair.self, from: Data(trimmed.utf8)) else {
                problems.append("line \(index + 1)")
                continue
            }
            guard !pair.prompt.isEmpty, pair.chosen != pair.rejected else {
                problems.append("line \(index + 1) (\(pair.prompt.isEmpty ? "empty prompt" : "chosen equals rejected"))")
                continue
            }
            pairs.append(pair)
        }
        guard problems.isEmpty else {
            throw RLHFError.invalidInput("malformed preference rows (each must be a JSON object with string fields prompt (non-empty), chosen and rejected (different)): \(problems.prefix(10).joined(separator: ", "))\(problems.count > 10 ? " and \(problems.count - 10) more" : "")")
        }
        guard !pairs.isEmpty else { throw RLHFError.invalidInput("the preference file has no rows") }
        return pairs
    }

    public static func jsonLines(_ pairs: [PreferencePair]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return pairs.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }

    /// Pairs labelled by `judge` from two samples of `policy` per prompt (ties dropped).
    public static func sample(from policy: GPT, tokenizer: ByteLevelBPE, prompts: [String], pairsPerPrompt: Int, maxNewTokens: Int,
                              judge: Judge, generator: inout RandomGenerator) throws -> [PreferencePair] {
        var pairs: [PreferencePair] = []
        for prompt in prompts {
            let encoded = tokenizer.encode(prompt)
            for _ in 0..<pairsPerPrompt {
                let samples = try policy.generate(prompts: [encoded, encoded], maxNewTokens: maxNewTokens, stopToken: tokenizer.endOfText,
                                                  generator: &generator)
                let texts = try samples.map { try tokenizer.decodeText($0.filter { $0 != tokenizer.endOfText }) }
                guard let firstWins = judge.prefers(texts[0], over: texts[1]) else { continue }
                pairs.append(PreferencePair(prompt: prompt, chosen: firstWins ? texts[0] : texts[1], rejected: firstWins ? texts[1] : texts[0]))
            }
        }
        return pairs
    }
}
