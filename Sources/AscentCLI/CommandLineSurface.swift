import ArgumentParser
import AscentRL

/// One flag surface for every algorithm, generated from each configuration's own keys
/// (``AlgorithmConfiguration/hyperparameters``) so flags and `--set` can never disagree.
///
/// Before ArgumentParser sees the command line, `ascent train <algorithm>` rewrites every
/// `--kebab-case-key value` (or `=value`) whose key the algorithm's configuration has into
/// `--set camelCaseKey=value`; a switch given without a value means true. Every command
/// also gets `--flag -5` read as a value (ArgumentParser would take `-5` for an option and
/// say "Missing value"), so the flag's own validation can say what is wrong with it.
enum CommandLineSurface {
    /// Keys `train` already takes under their own flag (`--seed`, `--total-steps`, `--env`).
    static let ownFlags: Set<String> = ["seed", "totalSteps", "environment"]
    /// Other spellings users bring from Stable-Baselines3, RL Zoo and CleanRL.
    static let aliases = ["numEnvs": "environments", "nEnvs": "environments", "nSteps": "rolloutSteps",
                          "nEpochs": "epochs", "entCoef": "entropyCoefficient", "vfCoef": "valueCoefficient",
                          "maxGradNorm": "maxGradientNorm", "clipCoef": "clipRange"]

    static func rewrite(_ arguments: [String]) throws -> [String] {
        let arguments = joinNegativeValues(arguments)
        guard arguments.first == "train", arguments.count > 1 else { return arguments }
        let name = arguments[1]
        if name.hasPrefix("-") { return arguments }
        guard let type = TrainingAlgorithms.all[name] else {
            throw ValidationError("unknown algorithm '\(name)' (valid: \(TrainingAlgorithms.all.keys.sorted().joined(separator: ", ")))")
        }
        let defaults = hyperparameters(of: type)
        let keys = Dictionary(uniqueKeysWithValues: defaults.map { ($0.key, $0.isSwitch) })
        var rewritten = Array(arguments.prefix(2))
        var index = 2
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                rewritten.append(argument)
                continue
            }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
            let camel = camelCase(parts[0])
            let key = aliases[camel] ?? camel
            guard let isSwitch = keys[key], !ownFlags.contains(key) else {
                rewritten.append(argument)
                continue
            }
            var value: String
            if parts.count == 2 {
                value = parts[1]
            } else if index < arguments.count, !(isSwitch && arguments[index].hasPrefix("--")) {
                value = arguments[index]
                index += 1
            } else if isSwitch {
                value = "true"
            } else {
                throw ValidationError("--\(parts[0]) needs a value (e.g. --\(parts[0]) \(defaults.first { $0.key == key }?.value ?? "1"))")
            }
            rewritten += ["--set", "\(key)=\(value)"]
        }
        return rewritten
    }

    /// The default configuration's keys and values of an algorithm.
    static func hyperparameters<Run: ConfigurableRun>(of type: Run.Type) -> [(key: String, value: String, isSwitch: Bool)] {
        Run.Configuration().hyperparameters
    }

    /// `--flag -5` → `--flag=-5` when `-5` is a number (never an option name).
    static func joinNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
               arguments[index + 1].hasPrefix("-"), Double(arguments[index + 1]) != nil {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }

    /// `learning-rate` → `learningRate`; `target-kl` → `targetKL` (the one key whose acronym
    /// stays upper case); `double-dqn` → `doubleDQN`.
    static func camelCase(_ flag: String) -> String {
        let words = flag.split(separator: "-").map(String.init)
        guard let first = words.first else { return flag }
        let acronyms = ["kl": "KL", "dqn": "DQN"]
        return first + words.dropFirst().map { acronyms[$0] ?? $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `learningRate` → `learning-rate`, for help.
    static func kebabCase(_ key: String) -> String {
        var result = ""
        var previousUpper = false
        for character in key {
            if character.isUppercase {
                if !previousUpper { result += "-" }
                result += character.lowercased()
                previousUpper = true
            } else {
                result.append(character)
                previousUpper = false
            }
        }
        return result
    }
}
