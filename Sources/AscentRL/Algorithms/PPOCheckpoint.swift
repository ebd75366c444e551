import AscentEnvironments
import AscentTensor
import Foundation

/// Saving and restoring a PPO run: model, optimiser moments, normalisation statistics,
/// random-generator states and counters, in one safetensors file (tensors) with JSON
/// metadata (everything else).
///
/// What resuming reproduces: the networks, the optimiser, the normaliser, the action and
/// minibatch random streams and the step counters continue exactly. The environments do
/// not: their physical states are not saved, so a resumed run starts fresh episodes
/// (seeded from the run's seed and the update count). A resumed run is therefore
/// deterministic, but not bit-identical to one that was never interrupted.
extension PPO {
    public func checkpoint() -> SafeTensors {
        var tensors = model.stateDictionary(prefix: "model.")
        for (name, tensor) in optimizer.state().tensors { tensors["optimizer." + name] = tensor }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every value here is encodable (non-finite floats become strings), so encoding cannot fail.
        func json<T: Encodable>(_ value: T) -> String { String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self) }
        let metadata: [String: String] = [
            "format": "ascent-ppo-checkpoint",
            "ascent_version": AscentVersion.string,
            "configuration": json(configuration),
            "global_step": "\(globalStep)",
            "updates_done": "\(updatesDone)",
            "optimizer_step": "\(optimizer.stepCount)",
            "rng_actions": json(GeneratorState(actionGenerator)),
            "rng_minibatches": json(GeneratorState(minibatchGenerator)),
            "observation_statistics": json(environment.observationStatistics),
            "reward_statistics": json(environment.rewardStatistics),
            "history": json(history),
        ]
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// Rebuilds a run from ``checkpoint()``'s output. Every field is checked; a problem names
    /// what is missing or malformed.
    public static func restore(from file: SafeTensors) throws -> PPO {
        guard file.metadata["format"] == "ascent-ppo-checkpoint" else {
            throw RLError.invalidRunDirectory("not a PPO checkpoint (metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"))")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        func field<T: Decodable>(_ key: String, as type: T.Type) throws -> T {
            guard let text = file.metadata[key], let value = try? decoder.decode(T.self, from: Data(text.utf8)) else {
                throw RLError.invalidRunDirectory("checkpoint metadata '\(key)' is missing or malformed")
            }
            return value
        }
        func integer(_ key: String) throws -> Int {
            guard let text = file.metadata[key], let value = Int(text), value >= 0 else {
                throw RLError.invalidRunDirectory("checkpoint metadata '\(key)' is missing or not a non-negative integer")
            }
            return value
        }
        guard let configurationText = file.metadata["configuration"],
              let configuration = try? PPOConfiguration.decode(Data(configurationText.utf8)) else {
            throw RLError.invalidRunDirectory("checkpoint metadata 'configuration' is missing or malformed")
        }
        let ppo = try PPO(configuration)
        try ppo.model.load(stateDictionary: file.tensors.filter { $0.key.hasPrefix("model.") }, prefix: "model.")
        let optimizerTensors = Dictionary(uniqueKeysWithValues: file.tensors.compactMap { key, value in
            key.hasPrefix("optimizer.") ? (String(key.dropFirst("optimizer.".count)), value) : nil
        })
        try ppo.optimizer.loadState(OptimizerState(tensors: optimizerTensors, scalars: ["step": Double(try integer("optimizer_step"))]))
        ppo.restoreCounters(globalStep: try integer("global_step"), updatesDone: try integer("updates_done"),
                            history: try field("history", as: [PPOMetrics].self))
        ppo.actionGenerator = try field("rng_actions", as: GeneratorState.self).generator()
        ppo.minibatchGenerator = try field("rng_minibatches", as: GeneratorState.self).generator()
        let observationStatistics = try field("observation_statistics", as: RunningMeanStd.self)
        guard observationStatistics.size == ppo.environment.observationStatistics.size else {
            throw RLError.invalidRunDirectory("observation statistics have \(observationStatistics.size) entries, the environment \(ppo.environment.observationStatistics.size)")
        }
        let rewardStatistics = try field("reward_statistics", as: RunningMeanStd.self)
        guard rewardStatistics.size == 1 else {
            throw RLError.invalidRunDirectory("reward statistics have \(rewardStatistics.size) entries; they must have 1")
        }
        ppo.environment.observationStatistics = observationStatistics
        ppo.environment.rewardStatistics = rewardStatistics
        try ppo.restartEpisodes()
        return ppo
    }
}

/// A random generator's state in JSON (UInt64 words as strings: JSON numbers lose precision above 2^53).
struct GeneratorState: Codable {
    let words: [String]
    let spare: Double?

    init(_ generator: RandomGenerator) {
        let s = generator.state
        words = [s.0, s.1, s.2, s.3].map { String($0) }
        spare = generator.spareNormal
    }

    func generator() throws -> RandomGenerator {
        let values = words.compactMap(UInt64.init)
        guard values.count == 4, values != [0, 0, 0, 0] else { throw RLError.invalidRunDirectory("a saved random-generator state is malformed") }
        return RandomGenerator(state: (values[0], values[1], values[2], values[3]), spareNormal: spare)
    }
}
