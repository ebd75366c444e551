import ArgumentParser
import Foundation
import Yams

/// `--config FILE`: hyperparameters from a YAML or JSON file, either flat or, as RL Zoo's
/// `hyperparams/<algo>.yml`, one section per environment id (the `--env` one is used).
///
/// Keys are Ascent's own (those of `config.json`) or Stable-Baselines3's (`n_envs`,
/// `n_steps`, `batch_size`, `ent_coef`, `policy_kwargs`, ...); each becomes a `--set` pair, so
/// values are validated as flags are, and later flags override the file. A key Ascent cannot
/// honour is refused by name.
enum HyperparameterFile {
    static func pairs(from path: String, environment: String, algorithm: String, keys: Set<String>) throws -> [(key: String, value: String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--config: cannot read '\(path)' as UTF-8 text")
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("--config: '\(path)' is not valid YAML or JSON: \(error)")
        }
        guard var entries = loaded as? [String: Any] else {
            throw ValidationError("--config: '\(path)' must hold a mapping of hyperparameters (or of environment ids to them)")
        }
        if let section = entries[environment] as? [String: Any] {
            entries = section
        } else if !entries.isEmpty, entries.values.allSatisfy({ $0 is [String: Any] }) {
            throw ValidationError("--config: '\(path)' has no section for \(environment); it has \(entries.keys.sorted().joined(separator: ", "))")
        }
        var pairs: [(key: String, value: String)] = []
        for name in entries.keys.sorted() {
            pairs += try translate(name, entries[name]!, algorithm: algorithm, keys: keys)
        }
        return pairs
    }

    /// Stable-Baselines3 / RL Zoo names → Ascent keys (those the algorithm has are used).
    static let sb3Names: [String: [String]] = [
        "n_timesteps": ["totalSteps"], "n_envs": ["environments"], "n_steps": ["rolloutSteps"], "n_epochs": ["epochs"],
        "batch_size": ["minibatchSize", "batchSize"], "learning_rate": ["learningRate"], "gamma": ["gamma"],
        "gae_lambda": ["gaeLambda"], "ent_coef": ["entropyCoefficient", "initialEntropyCoefficient"], "vf_coef": ["valueCoefficient"],
        "clip_range": ["clipRange"], "max_grad_norm": ["maxGradientNorm"], "target_kl": ["targetKL"], "buffer_size": ["bufferSize"],
        "learning_starts": ["learningStarts"], "tau": ["tau"], "train_freq": ["trainFrequency"], "gradient_steps": ["gradientSteps"],
        "target_update_interval": ["targetUpdateInterval"], "exploration_fraction": ["explorationFraction"],
        "exploration_initial_eps": ["initialExploration"], "exploration_final_eps": ["finalExploration"],
        "policy_delay": ["policyDelay"], "target_policy_noise": ["targetPolicyNoise"], "target_noise_clip": ["targetNoiseClip"],
        "use_sde": [], "normalize_advantage": ["normalizeAdvantages"],
    ]

    private static func translate(_ name: String, _ value: Any, algorithm: String, keys: Set<String>) throws -> [(key: String, value: String)] {
        let text = flatText(value)
        if keys.contains(name) { return [(name, text)] }
        switch name {
        case "policy":
            guard text == "MlpPolicy" else { throw ValidationError("--config: policy \(text) is not supported (Ascent's policies are MLPs: MlpPolicy)") }
            return []
        case "normalize":
            // RL Zoo: true, false, or "dict(norm_obs=..., norm_reward=...)".
            let observations = text == "true" || (text.contains("dict") && !text.contains("norm_obs=False"))
            let rewards = text == "true" || (text.contains("dict") && !text.contains("norm_reward=False"))
            return [("normalizeObservations", "\(observations)"), ("normalizeRewards", "\(rewards)")].filter { keys.contains($0.0) }
        case "policy_kwargs":
            return try policyKeywords(text, keys: keys)
        case "use_sde" where text == "false" || text == "False":
            return []
        case "ent_coef" where keys.contains("autoEntropy"):
            // SAC: "auto", "auto_0.1" (tuned from 0.1) or a fixed number.
            if text.hasPrefix("auto") {
                return [("autoEntropy", "true")] + (text.hasPrefix("auto_") ? [("initialEntropyCoefficient", String(text.dropFirst(5)))] : [])
            }
            return [("autoEntropy", "false"), ("initialEntropyCoefficient", text)]
        default:
            break
        }
        guard let candidates = sb3Names[name], let key = candidates.first(where: keys.contains) else {
            throw ValidationError("--config: unknown hyperparameter '\(name)' for \(algorithm) (Ascent's keys: \(keys.sorted().joined(separator: ", ")); or Stable-Baselines3's names)")
        }
        // RL Zoo's schedules: "lin_3e-4" anneals linearly from 3e-4 to 0.
        if text.hasPrefix("lin_") {
            let anneal = key == "learningRate" ? "annealLearningRate" : key == "clipRange" ? "annealClipRange" : ""
            guard keys.contains(anneal) else { throw ValidationError("--config: \(name): \(algorithm) has no linear schedule for it") }
            return [(key, String(text.dropFirst(4))), (anneal, "true")]
        }
        return [(key, text)]
    }

    /// `dict(log_std_init=-2, ortho_init=False, activation_fn=nn.ReLU, net_arch=dict(pi=[256, 256], vf=[256, 256]))`.
    private static func policyKeywords(_ text: String, keys: Set<String>) throws -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        if let logStd = firstMatch(#"log_std_init\s*=\s*(-?[0-9.eE+-]+)"#, in: text) { pairs.append(("initialLogStd", logStd)) }
        if let activation = firstMatch(#"activation_fn\s*=\s*nn\.(\w+)"#, in: text) {
            let names = ["ReLU": "relu", "Tanh": "tanh", "GELU": "gelu", "Sigmoid": "sigmoid"]
            guard let mapped = names[activation] else { throw ValidationError("--config: policy_kwargs activation_fn nn.\(activation) is not supported (ReLU, Tanh, GELU, Sigmoid)") }
            pairs.append(("activation", mapped))
        }
        let layers = matches(#"\[([0-9,\s]+)\]"#, in: text).map { $0.replacingOccurrences(of: " ", with: "") }
        if let first = layers.first {
            guard layers.allSatisfy({ $0 == first }) else {
                throw ValidationError("--config: policy_kwargs net_arch gives the actor and critic different sizes (\(layers.joined(separator: " vs "))); Ascent uses one hiddenSizes for both")
            }
            pairs.append(("hiddenSizes", first))
        }
        if text.contains("ortho_init=False") {
            FileHandle.standardError.write(Data("warning: --config: policy_kwargs ortho_init=False is ignored (Ascent always initialises orthogonally)\n".utf8))
        }
        for (key, _) in pairs where !keys.contains(key) {
            throw ValidationError("--config: policy_kwargs sets \(key), which this algorithm does not have")
        }
        return pairs
    }

    private static func flatText(_ value: Any) -> String {
        switch value {
        case let list as [Any]: return list.map(flatText).joined(separator: ",")
        case let flag as Bool: return "\(flag)"
        case let number as Double where number == number.rounded() && Swift.abs(number) < 1e15: return "\(Int(number))"
        default: return "\(value)"
        }
    }

    private static func firstMatch(_ pattern: String, in text: String) -> String? { matches(pattern, in: text).first }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
