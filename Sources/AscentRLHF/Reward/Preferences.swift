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
    /// answer nothing), as texts or, in TRL's conversational format, a conversation and two
    /// assistant replies rendered through `chatFormat`; every malformed row is reported with its
    /// line number (all of them, not just the first).
    public static func read(jsonLines text: String, chatFormat: ChatFormat? = nil) throws -> [PreferencePair] {
        struct Row: Decodable { let prompt: TextOrConversation; let chosen: TextOrConversation; let rejected: TextOrConversation }
        let format = "a JSON object with prompt (non-empty), chosen and rejected (different): texts, or a conversation and two assistant replies"
        return try JSONLines.decode(text, format: format, file: "preference") { (row: Row) -> PreferencePair in
            let pair: PreferencePair
            switch (row.prompt, row.chosen, row.rejected) {
            case let (.text(prompt), .text(chosen), .text(rejected)): pair = PreferencePair(prompt: prompt, chosen: chosen, rejected: rejected)
            case let (.conversation(prompt), .conversation(chosen), .conversation(rejected)):
                let format = try TextOrConversation.required(chatFormat)
                pair = PreferencePair(prompt: try format.prompt(prompt), chosen: try format.reply(to: prompt, chosen), rejected: try format.reply(to: prompt, rejected))
            default: throw RLHFError.invalidInput("prompt, chosen and rejected must all be texts or all conversations")
            }
            if pair.prompt.isEmpty { throw RLHFError.invalidInput("empty prompt") }
            if pair.chosen == pair.rejected { throw RLHFError.invalidInput("chosen equals rejected") }
            return pair
        }
    }

    public static func jsonLines(_ pairs: [PreferencePair]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return pairs.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }
}

/// Preference pairs labelled by a judge from two samples of a policy per prompt (ties
/// dropped), as a resumable loop whose step is one sampled pair: `pairsPerPrompt` steps for each
/// prompt in turn.
final class PreferenceSampling: ResumableLoop {
    struct State: Codable {
        var generator: RandomGenerator
        var sampled = 0
        var pairs: [PreferencePair] = []
    }

    let policy: GPT
    let tokenizer: ByteLevelBPE
    let prompts: [String]
    let pairsPerPrompt: Int
    let maxNewTokens: Int
    let judge: Judge
    var state: State

    init(policy: GPT, tokenizer: ByteLevelBPE, prompts: [String], pairsPerPrompt: Int, maxNewTokens: Int, judge: Judge, generator: RandomGenerator) {
        (self.policy, self.tokenizer, self.prompts, self.pairsPerPrompt, self.maxNewTokens, self.judge) = (policy, tokenizer, prompts, pairsPerPrompt, maxNewTokens, judge)
        state = State(generator: generator)
    }

    var stage: String { "preferences" }
    private(set) lazy var identity: [String: String] = {
        var inputs = Fingerprint()
        for prompt in prompts { inputs.add(prompt) }
        inputs.add(policy)
        return ["settings": identityJSON(["pairs_per_prompt": pairsPerPrompt, "max_new_tokens": maxNewTokens]), "judge": identityJSON(judge), "inputs": inputs.hex]
    }()
    var modules: [String: Module] { [:] }
    var optimizers: [String: Optimizer] { [:] }
    var stepsDone: Int { state.sampled }
    var isFinished: Bool { state.sampled >= prompts.count * pairsPerPrompt }

    func step() throws {
        let prompt = prompts[state.sampled / pairsPerPrompt]
        let encoded = tokenizer.encode(prompt, addingSpecialTokens: true)
        let samples = try policy.generate(prompts: [encoded, encoded], maxNewTokens: maxNewTokens, stopToken: tokenizer.endOfText, generator: &state.generator)
        let texts = try samples.map { try tokenizer.decodeText($0.filter { $0 != tokenizer.endOfText }) }
        state.sampled += 1
        guard let firstWins = judge.prefers(texts[0], over: texts[1]) else { return }
        state.pairs.append(PreferencePair(prompt: prompt, chosen: firstWins ? texts[0] : texts[1], rejected: firstWins ? texts[1] : texts[0]))
    }
}
