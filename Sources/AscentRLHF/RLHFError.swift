/// Problems with language-model inputs: tokenizer files, corpora, preference data, model
/// weights. Each names what is wrong and what would be valid.
public enum RLHFError: Error, Equatable, CustomStringConvertible {
    case invalidTokenizer(String)
    case invalidInput(String)
    case invalidWeights(String)

    public var description: String {
        switch self {
        case .invalidTokenizer(let reason), .invalidInput(let reason), .invalidWeights(let reason): reason
        }
    }
}
