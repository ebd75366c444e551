import AscentEnvironments
import AscentTensor
import Foundation

/// Builds a run's checkpoint: tensors by name plus JSON metadata (configuration, counters,
/// random-generator states, history). Every algorithm's `checkpoint()` uses it, and the RLHF
/// stages' (`package`: shared inside Ascent, not public API).
package struct CheckpointWriter {
    package private(set) var tensors: [String: Tensor] = [:]
    package private(set) var metadata: [String: String]

    /// - Parameter environment: the run's environment id; the versions of the engines behind it
    ///   (`mujoco_version`) are recorded with Ascent's.
    package init(format: String, environment: String? = nil) {
        metadata = ["format": format, "ascent_version": AscentVersion.string]
        let engines = environment.map { Environments.engineVersions(for: $0) } ?? [:]
        for (engine, version) in engines { metadata[engine + "_version"] = version }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    /// Stores `value` as JSON (non-finite floats become strings, so encoding cannot fail).
    package mutating func set<T: Encodable>(_ key: String, _ value: T) {
        metadata[key] = String(decoding: (try? Self.encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// A module's parameters under `prefix`.
    package mutating func add(_ module: Module, prefix: String) {
        tensors.merge(module.stateDictionary(prefix: prefix)) { $1 }
    }

    /// An optimiser's moments under `prefix` and its step count in metadata.
    package mutating func add(_ optimizer: Optimizer, prefix: String) {
        let state = optimizer.state()
        for (name, tensor) in state.tensors { tensors[prefix + name] = tensor }
        set(prefix + "scalars", state.scalars)
    }

    package mutating func add(tensors extra: [String: Tensor], metadata extraMetadata: [String: String]) {
        tensors.merge(extra) { $1 }
        metadata.merge(extraMetadata) { $1 }
    }

    package var file: SafeTensors { SafeTensors(tensors: tensors, metadata: metadata) }
}

/// Reads what ``CheckpointWriter`` wrote; every problem names the field that is missing or malformed.
package struct CheckpointReader {
    package let file: SafeTensors

    /// Checks the format tag (`what` names the algorithm in the error).
    package init(_ file: SafeTensors, format: String, what: String) throws {
        guard file.metadata["format"] == format else {
            throw RLError.invalidRunDirectory("not a \(what) checkpoint (metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)')")
        }
        // Ascent writes only F32 tensors: an integer or boolean one is not part of any checkpoint.
        guard file.nonFloatTensors.isEmpty else { throw CheckpointError.nameMismatch(missing: [], unexpected: file.nonFloatTensors.keys.sorted()) }
        self.file = file
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    package func field<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let text = file.metadata[key], let value = try? Self.decoder.decode(T.self, from: Data(text.utf8)) else {
            throw RLError.invalidRunDirectory("checkpoint metadata '\(key)' is missing or malformed")
        }
        return value
    }

    package func integer(_ key: String) throws -> Int {
        // Counters (steps, updates, gradient steps) above 2⁵³ are corrupt: no run gets there, and
        // arithmetic on values near Int.max would overflow.
        guard let text = file.metadata[key], let value = Int(text) ?? (try? field(key, as: Int.self)), (0...(1 << 53)).contains(value) else {
            throw RLError.invalidRunDirectory("checkpoint metadata '\(key)' is missing or not an integer in 0...2^53")
        }
        return value
    }

    package func generator(_ key: String) throws -> RandomGenerator { try field(key, as: RandomGenerator.self) }

    func configuration<C: AlgorithmConfiguration>(_ type: C.Type) throws -> C {
        guard let text = file.metadata["configuration"] else { throw RLError.invalidRunDirectory("checkpoint metadata 'configuration' is missing") }
        return try C.decode(Data(text.utf8))
    }

    /// The tensors under `prefix`, with the prefix removed.
    package func tensors(under prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: file.tensors.compactMap { key, value in
            key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
        })
    }

    package func load(_ module: Module, prefix: String) throws {
        try module.load(stateDictionary: file.tensors.filter { $0.key.hasPrefix(prefix) }, prefix: prefix)
    }

    package func load(_ optimizer: Optimizer, prefix: String) throws {
        try optimizer.loadState(OptimizerState(tensors: tensors(under: prefix), scalars: try field(prefix + "scalars", as: [String: Double].self)))
    }
}
