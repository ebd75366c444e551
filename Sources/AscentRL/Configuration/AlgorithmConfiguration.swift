import AscentEnvironments
import Foundation

/// What every algorithm's hyperparameter struct shares: the run's environment, seed and
/// length, validation, named presets, and loading saved or overridden values by key.
public protocol AlgorithmConfiguration: Codable, Sendable, Equatable {
    /// Gymnasium id of the environment.
    var environment: String { get set }
    /// Constructor options for the environment (e.g. `g` for Pendulum).
    var environmentOptions: [String: Double] { get set }
    /// Seed for network initialisation, environments and every random stream.
    var seed: UInt64 { get set }
    /// Environment steps to train for (summed over parallel environments).
    var totalSteps: Int { get set }
    /// Domain randomisation of the training environments (nil: nominal physics).
    var randomization: RandomizationSettings? { get set }
    init()
    /// Checks every value; the error names the first invalid one and what would be valid.
    func validate() throws
    /// Tuned settings for the environments in ``presetNames``.
    static func preset(_ name: String) throws -> Self
    static var presetNames: [String] { get }
}

extension AlgorithmConfiguration {
    /// The preset for `environment` if there is one, else the defaults, pointed at `environment`.
    public static func defaults(for environment: String) throws -> Self {
        var configuration = presetNames.contains(environment) ? try preset(environment) : Self()
        configuration.environment = environment
        return configuration
    }

    /// Decodes a configuration saved by any Ascent version: keys it lacks (options added
    /// since) take their defaults, so older runs keep loading. The result is validated as
    /// flags are: a file cannot carry a size that flags would refuse.
    public static func decode(_ data: Data) throws -> Self {
        guard let saved = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RLError.invalidRunDirectory("the saved configuration is not a JSON object")
        }
        var merged = try Self().jsonObject()
        for (key, value) in saved { merged[key] = value }
        let decoded: Self
        do {
            decoded = try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch {
            throw RLError.invalidRunDirectory("the saved configuration does not decode: \(error)")
        }
        try decoded.validate()
        return decoded
    }

    /// Sets hyperparameters by their JSON key from text (`"learningRate": "1e-3"`,
    /// `"hiddenSizes": "256,256"`, `"targetKL": "none"`). An unknown key or a value of the wrong
    /// kind is an error listing what would be valid; the result is validated.
    public func overriding(_ overrides: [(key: String, value: String)]) throws -> Self {
        guard !overrides.isEmpty else {
            try validate()
            return self
        }
        var object: [String: Any]
        do {
            object = try jsonObject()
        } catch {
            try validate()  // a NaN set by a flag cannot be encoded: name it, not the encoder
            throw error
        }
        let keys = object.keys.sorted()
        for (key, text) in overrides {
            guard let current = object[key] else {
                throw RLError.invalidHyperparameter(name: key, value: text, expected: "is not a hyperparameter; valid keys: \(keys.joined(separator: ", "))")
            }
            let field = Mirror(reflecting: self).children.first { $0.label == key }?.value
            let isOptional = field.map { Mirror(reflecting: $0).displayStyle == .optional } ?? false
            if isOptional && ["none", "null", "nil"].contains(text.trimmingCharacters(in: .whitespaces).lowercased()) {
                object[key] = NSNull()
            } else {
                // The dynamic type, not `is Bool`: on Linux numbers bridge to NSNumber and cast to Bool.
                let isFlag = field.map { type(of: $0) == Bool.self } ?? false
                object[key] = try Self.parse(text, like: current, isFlag: isFlag, key: key)
            }
        }
        let result: Self
        do {
            result = try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: object))
        } catch {
            throw RLError.invalidHyperparameter(name: overrides.map(\.key).joined(separator: ", "), value: overrides.map(\.value).joined(separator: ", "),
                                                expected: "does not fit the hyperparameter's type (\(error))")
        }
        try result.validate()
        return result
    }

    /// Every key of `config.json` with its value here, written as `--set` takes it (`256,256`,
    /// `none`, `g=9.81`), and whether it is a true/false switch: the command line's flags and
    /// help are generated from this list, so they cannot disagree with `--set`.
    public var hyperparameters: [(key: String, value: String, isSwitch: Bool)] {
        let object = (try? jsonObject()) ?? [:]
        let fields = Dictionary(Mirror(reflecting: self).children.compactMap { child in child.label.map { ($0, child.value) } },
                                uniquingKeysWith: { first, _ in first })
        func text(_ value: Any) -> String {
            switch value {
            case is NSNull: return "none"
            case let list as [Any]: return list.map(text).joined(separator: ",")
            case let pairs as [String: Any]: return pairs.keys.sorted().map { "\($0)=\(text(pairs[$0]!))" }.joined(separator: ",")
            default: return "\(value)"
            }
        }
        return object.keys.sorted().map { key in
            // The field, not the JSON value: on Linux a decoded Bool is an NSNumber that prints 1.
            if let flag = fields[key] as? Bool, type(of: fields[key]!) == Bool.self { return (key, "\(flag)", true) }
            return (key, text(object[key]!), false)
        }
    }

    /// Text → a JSON value of the same kind as `current` (nil-valued options are numbers).
    private static func parse(_ text: String, like current: Any, isFlag: Bool, key: String) throws -> Any {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func number(_ s: Substring) throws -> Double {
            // `1_000_000` as Swift and Python write it; `1e6` parses as it is.
            guard let value = Double(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")), value.isFinite else {
                throw RLError.invalidHyperparameter(name: key, value: text, expected: "must be a finite number")
            }
            return value
        }
        if isFlag {
            guard let value = Bool(trimmed.lowercased()) else {
                throw RLError.invalidHyperparameter(name: key, value: text, expected: "must be true or false")
            }
            return value
        }
        switch current {
        case is NSNull:
            return try number(trimmed[...])
        case is NSNumber:
            return try number(trimmed[...])
        case is [Any]:
            return try trimmed.split(separator: ",").map { try number($0) }
        case is [String: Any]:
            var options: [String: Double] = [:]
            for pair in trimmed.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw RLError.invalidHyperparameter(name: key, value: text, expected: "must be name=value pairs separated by commas")
                }
                options[parts[0].trimmingCharacters(in: .whitespaces)] = try number(parts[1])
            }
            return options
        default:
            return trimmed
        }
    }

    func jsonObject() throws -> [String: Any] {
        // Nil optionals must appear as null so they can be overridden by name.
        let encoder = JSONEncoder()
        guard var object = try JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any] else { return [:] }
        for child in Mirror(reflecting: self).children {
            if let label = child.label, object[label] == nil { object[label] = NSNull() }
        }
        return object
    }

    /// Moves the end of training to `totalSteps` (resuming beyond the original total); it must
    /// exceed the steps already taken.
    public mutating func extend(to totalSteps: Int, after globalStep: Int) throws {
        guard totalSteps > globalStep else {
            throw RLError.invalidHyperparameter(name: "totalSteps", value: "\(totalSteps)", expected: "must exceed the steps already taken (\(globalStep))")
        }
        self.totalSteps = totalSteps
    }

    /// Pretty, key-sorted JSON: `config.json` and reports.
    public var prettyJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// Checks one hyperparameter: `require(x > 0, "x", x, "must be positive")`.
func require(_ condition: Bool, _ name: String, _ value: Any, _ expected: String) throws {
    if !condition { throw RLError.invalidHyperparameter(name: name, value: "\(value)", expected: expected) }
}
