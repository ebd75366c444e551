import AscentEnvironments
import AscentTensor
import Foundation

/// Saving and restoring a PPO run: model, optimiser moments, normalisation statistics,
/// random-generator states and counters, in one safetensors file (tensors) with JSON
/// metadata (everything else).
///
/// What resuming reproduces: everything. The networks, the optimiser, the normaliser, the
/// action and minibatch random streams, the counters and the environments' episodes in
/// progress (``EnvironmentState``) continue exactly, so a run resumed from a checkpoint is
/// bit-identical to one that was never interrupted. Only environments that cannot save
/// their state (see ``StateRestorable``) start fresh episodes instead.
extension PPO {
    static let checkpointFormat = "ascent-ppo-checkpoint"

    public func checkpoint() -> SafeTensors {
        var writer = CheckpointWriter(format: Self.checkpointFormat, environment: configuration.environment)
        writer.add(model, prefix: "model.")
        writer.add(optimizer, prefix: "optimizer.")
        writer.set("configuration", configuration)
        writer.set("global_step", globalStep)
        writer.set("updates_done", updatesDone)
        writer.set("rng_actions", actionGenerator)
        writer.set("rng_minibatches", minibatchGenerator)
        collector.save(into: &writer)
        writer.set("history", history)
        return writer.file
    }

    /// Rebuilds a run from ``checkpoint()``'s output. Every field is checked; a problem names
    /// what is missing or malformed.
    public static func restore(from file: SafeTensors) throws -> PPO {
        let reader = try CheckpointReader(file, format: checkpointFormat, what: "PPO")
        let ppo = try PPO(try reader.configuration(PPOConfiguration.self))
        try reader.load(ppo.model, prefix: "model.")
        try reader.load(ppo.optimizer, prefix: "optimizer.")
        ppo.restoreCounters(globalStep: try reader.integer("global_step"), updatesDone: try reader.integer("updates_done"),
                            history: try reader.field("history"))
        ppo.actionGenerator = try reader.generator("rng_actions")
        ppo.minibatchGenerator = try reader.generator("rng_minibatches")
        try ppo.collector.restore(from: reader, freshEpisodeSeed: ppo.freshEpisodeSeed)
        return ppo
    }
}
