import Foundation

/// Where policy optimisation's rewards come from: a trained reward model (the classic RLHF
/// pipeline), a rule on the response's text (verifiable tasks), or a program of the user's.
public enum RewardSource {
    case model(RewardModel)
    case rule(RuleReward)
    case program(RewardProgram)

    /// The reward of each response. `promptTokens[i] + responses[i]` is what a reward model
    /// scores; rules and programs read the texts and the prompts' answers.
    func scores(prompts: [TaskPrompt], promptTokens: [[Int]], responses: [[Int]], texts: [String]) throws -> [Float] {
        switch self {
        case .model(let model):
            return model.scores(of: zip(promptTokens, responses).map { $0 + $1 })
        case .rule(let rule):
            return rule.scores(texts, answers: prompts.map(\.answer)).map(Float.init)
        case .program(let program):
            return try program.scores(prompts: prompts.map(\.prompt), responses: texts, answers: prompts.map(\.answer)).map(Float.init)
        }
    }

    /// What a resumed run must find unchanged: the reward model's weights, or the rule or command.
    func addIdentity(to fingerprint: inout Fingerprint) {
        switch self {
        case .model(let model): fingerprint.add(model)
        case .rule(let rule): fingerprint.add(identityJSON(rule))
        case .program(let program): fingerprint.add(identityJSON(program))
        }
    }

    /// Checks the source against the prompts (rules that compare answers need every prompt to have one).
    func validate(for prompts: [TaskPrompt]) throws {
        switch self {
        case .model: return
        case .rule(let rule):
            try rule.validate()
            if rule.needsAnswers, let missing = prompts.firstIndex(where: { $0.answer == nil }) {
                throw RLHFError.invalidInput("the \(rule) reward compares responses with each prompt's answer, but prompt \(missing + 1) has none (add \"answer\" to every row)")
            }
        case .program(let program): try program.validate()
        }
    }
}
