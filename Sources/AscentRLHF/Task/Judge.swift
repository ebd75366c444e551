import Foundation

/// The programmable "human" of the shipped task: it scores a response, and of two responses
/// prefers the higher score. Change `criterion` to change what the whole pipeline learns.
public struct Judge: Codable, Sendable, Equatable {
    public enum Criterion: String, Codable, Sendable, CaseIterable {
        /// Positive sentiment: distinct positive words minus distinct negative words.
        case positive
        /// Negative sentiment (the mirror image).
        case negative
        /// Length: closeness to `targetWords` words.
        case length
    }

    public var criterion: Criterion
    public var targetWords: Int

    public init(criterion: Criterion = .positive, targetWords: Int = 12) {
        self.criterion = criterion
        self.targetWords = targetWords
    }

    /// The judge's score of a response. Beyond the criterion, it penalises what a real reader
    /// would: a word used more than twice (−1 each) and a response that does not end a sentence
    /// (−1). A reward model never sees those failure modes in natural samples, which is why an
    /// unconstrained policy can exploit it while this score falls.
    public func score(_ response: String) -> Double {
        let words = response.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." || $0 == ":" }).map(String.init)
        var counts: [String: Int] = [:]
        for word in words { counts[word, default: 0] += 1 }
        let repeated = counts.values.filter { $0 > 2 }.count
        let ended = response.trimmingCharacters(in: .whitespaces).hasSuffix(".") ? 0.0 : 1.0
        let distinct = Set(words)
        let sentiment = Double(distinct.filter(ReviewTask.positiveWords.contains).count - distinct.filter(ReviewTask.negativeWords.contains).count)
        let base: Double
        switch criterion {
        case .positive: base = sentiment
        case .negative: base = -sentiment
        case .length: base = -Double(abs(words.count - targetWords)) / 4
        }
        return base - Double(repeated) - ended
    }

    /// True if `a` is preferred to `b`, false if `b` is, nil on a tie.
    public func prefers(_ a: String, over b: String) -> Bool? {
        let (sa, sb) = (score(a), score(b))
        return sa == sb ? nil : sa > sb
    }
}
