/// Problems with how an environment is used, each naming what is wrong and what is valid.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    case unknownEnvironment(id: String, closest: [String])
    case duplicateRegistration(id: String)
    case invalidAction(environment: String, reason: String)
    case stepBeforeReset(environment: String)
    case stepAfterEpisodeEnd(environment: String)
    case invalidOption(environment: String, name: String, reason: String)
    case unknownOption(environment: String, name: String, valid: [String])
    case unknownParameter(environment: String, name: String, valid: [String])
    case invalidParameter(environment: String, name: String, reason: String)
    case invalidConfiguration(String)
    case nonFiniteValue(environment: String, quantity: String)
    case invalidSavedState(environment: String, reason: String)
    case stateNotRestorable(environment: String)

    public var description: String {
        switch self {
        case .unknownEnvironment(let id, let closest):
            "unknown environment '\(id)'" + (closest.isEmpty ? "" : "; did you mean \(closest.map { "'\($0)'" }.joined(separator: " or "))?")
                + " (`ascent env list` shows all)"
        case .duplicateRegistration(let id): "an environment with id '\(id)' is already registered"
        case .invalidAction(let env, let reason): "\(env): invalid action: \(reason)"
        case .stepBeforeReset(let env): "\(env): step() called before reset(); call reset(seed:) first"
        case .stepAfterEpisodeEnd(let env):
            "\(env): step() called after the episode ended (terminated or truncated); call reset() to start a new one"
        case .invalidOption(let env, let name, let reason): "\(env): option '\(name)' \(reason)"
        case .unknownOption(let env, let name, let valid):
            "\(env): unknown option '\(name)'; valid options: \(valid.isEmpty ? "none" : valid.joined(separator: ", "))"
        case .unknownParameter(let env, let name, let valid):
            "\(env): no physical parameter '\(name)'; parameters: \(valid.joined(separator: ", "))"
        case .invalidParameter(let env, let name, let reason): "\(env): parameter '\(name)' \(reason)"
        case .invalidConfiguration(let reason): reason
        case .nonFiniteValue(let env, let quantity): "\(env): \(quantity) is not finite (NaN or infinity)"
        case .invalidSavedState(let env, let reason): "\(env): the saved environment state \(reason) (was it saved by this environment, built the same way?)"
        case .stateNotRestorable(let env): "\(env) cannot save its state: it does not conform to StateRestorable"
        }
    }
}
