import AscentEnvironments
import AscentTensor
import Foundation

/// Episodes that finished during a rollout, in the environment's own reward units.
public struct FinishedEpisodes: Sendable {
    public var returns: [Double] = []
    public var lengths: [Double] = []

    /// Collects `episode_return`/`episode_length` from a vector step's infos, in environment
    /// order (dictionary order varies between processes, and a mean's rounding would too).
    mutating func record(_ step: VectorStep) {
        for i in step.infos.keys.sorted() {
            if let r = step.infos[i]?["episode_return"], let l = step.infos[i]?["episode_length"] {
                returns.append(r)
                lengths.append(l)
            }
        }
    }

    mutating func append(contentsOf other: FinishedEpisodes) {
        returns += other.returns
        lengths += other.lengths
    }

    var count: Int { returns.count }
    /// Mean return (NaN when none finished).
    var meanReturn: Double { returns.isEmpty ? .nan : returns.reduce(0, +) / Double(returns.count) }
    var meanLength: Double { lengths.isEmpty ? .nan : lengths.reduce(0, +) / Double(lengths.count) }
}

extension VectorMode {
    /// The mode named in a configuration: `auto`, `native`, `native-threaded`, `serial` or `threaded`.
    static func named(_ name: String) -> VectorMode {
        switch name {
        case "auto": .automatic
        case "serial": .serial
        case "threaded": .threaded(ProcessInfo.processInfo.activeProcessorCount)
        case "native-threaded": .nativeThreaded(ProcessInfo.processInfo.activeProcessorCount)
        default: .native
        }
    }

    static let names = ["auto", "native", "native-threaded", "serial", "threaded"]
}

/// Fixed-length rollouts from parallel environments with an actor-critic policy, and the
/// advantages over them: the data collection PPO and A2C share.
///
/// Every step: sample actions, record V(s), step all environments; a truncated episode
/// bootstraps from V of its true final observation. After `rolloutSteps` steps, GAE.
final class OnPolicyCollector {
    /// The training environments, with observation/reward normalisation when configured.
    let environment: NormalizedVectorEnvironment
    private(set) var buffer: RolloutBuffer
    private var observations: [Float]

    init(environment id: String, options: [String: Double], randomization: RandomizationSettings?, count: Int, vectorMode: String,
         normalizeObservations: Bool, normalizeRewards: Bool, gamma: Float, rolloutSteps: Int, seed: UInt64) throws {
        let inner = try makeTrainingEnvironments(id, options: options, count: count, vectorMode: vectorMode,
                                                 randomization: randomization, seed: seed)
        environment = try NormalizedVectorEnvironment(inner, normalizeObservations: normalizeObservations,
                                                      normalizeRewards: normalizeRewards, gamma: Double(gamma))
        let head = try ActionHead(inner.actionSpace)
        // Observation, action and seven per-sample values for every sample of the rollout.
        let width = inner.observationSize + head.actionSize + 7
        let (floats, overflow) = (count * rolloutSteps).multipliedReportingOverflow(by: width)
        try SizeLimits.requireMemory(floats: overflow ? .max : floats,
                                     for: "the rollout buffer (environments × rolloutSteps = \(count * rolloutSteps) samples × \(width) values)")
        buffer = RolloutBuffer(steps: rolloutSteps, environments: count, observationSize: inner.observationSize, actionSize: head.actionSize)
        observations = try environment.reset(seed: seed)
    }

    var observationSize: Int { buffer.observationSize }

    /// Steps every environment `rolloutSteps` times with `model`, then computes advantages
    /// (`globalStep` advances by every environment step).
    ///
    /// Only the actor runs per step; the critic evaluates the whole rollout afterwards in
    /// one batch (every stored observation, the true final observations of truncated
    /// episodes, and the observations after the last step): the same values, without
    /// thousands of one-row forward passes.
    func collect(model: ActorCritic, generator: inout RandomGenerator, gamma: Float, lambda: Float,
                 globalStep: inout Int) throws -> FinishedEpisodes {
        let n = buffer.environments, obsSize = buffer.observationSize
        var finished = FinishedEpisodes()
        var truncations: [(entry: Int, observation: [Float])] = []
        let zeros = [Float](repeating: 0, count: n)
        buffer.reset()
        for _ in 0..<buffer.steps {
            let (stored, environmentActions, logProbability) = try model.act(Tensor(shape: [n, obsSize], observations),
                                                                            deterministic: false, generator: &generator)
            let step = try environment.step(environmentActions)
            globalStep += n
            for i in step.finalObservations.keys.sorted() where !step.terminated[i] {
                truncations.append((buffer.count + i, step.finalObservations[i]!))
            }
            let rewards = step.rewards.map { Float($0) }
            try requireFinite(step.observations, "observation", step: globalStep)
            try requireFinite(rewards, "reward", step: globalStep)
            buffer.add(observations: observations, actions: stored, logProbabilities: logProbability, values: zeros, rewards: rewards,
                       episodeEnded: (0..<n).map { step.terminated[$0] || step.truncated[$0] }, bootstrapValues: zeros)
            finished.record(step)
            observations = step.observations
        }
        let inputs = buffer.observations + truncations.flatMap(\.observation) + observations
        let values = withoutGradients { model.value(Tensor(shape: [buffer.capacity + truncations.count + n, obsSize], inputs)) }.scalars
        buffer.values = Array(values[0..<buffer.capacity])
        for (k, truncation) in truncations.enumerated() { buffer.bootstrapValues[truncation.entry] = values[buffer.capacity + k] }
        buffer.computeAdvantages(lastValues: Array(values.suffix(n)), gamma: gamma, lambda: lambda)
        return finished
    }

    func save(into writer: inout CheckpointWriter) {
        writer.set("observation_statistics", environment.observationStatistics)
        writer.set("reward_statistics", environment.rewardStatistics)
        writer.addEnvironments(environment, observations: observations)
    }

    /// Restores the normaliser and the environments' episodes in progress. A checkpoint without
    /// environment state (from environments that cannot save theirs) starts new episodes,
    /// seeded with `freshEpisodeSeed`, without counting them in the normaliser's statistics.
    func restore(from reader: CheckpointReader, freshEpisodeSeed: UInt64) throws {
        let observationStatistics = try reader.field("observation_statistics", as: RunningMeanStd.self)
        guard observationStatistics.size == environment.observationStatistics.size else {
            throw RLError.invalidRunDirectory("observation statistics have \(observationStatistics.size) entries, the environment \(environment.observationStatistics.size)")
        }
        let rewardStatistics = try reader.field("reward_statistics", as: RunningMeanStd.self)
        guard rewardStatistics.size == 1 else {
            throw RLError.invalidRunDirectory("reward statistics have \(rewardStatistics.size) entries; they must have 1")
        }
        environment.observationStatistics = observationStatistics
        environment.rewardStatistics = rewardStatistics
        if let saved = try reader.restoreEnvironments(environment) {
            observations = saved
        } else {
            let isUpdating = environment.isUpdating
            environment.isUpdating = false
            observations = try environment.reset(seed: freshEpisodeSeed)
            environment.isUpdating = isUpdating
        }
    }
}

/// Throws ``RLError/nonFinite(quantity:step:)`` if any value is NaN or infinite.
func requireFinite(_ values: [Float], _ quantity: String, step: Int) throws {
    if values.contains(where: { !$0.isFinite }) { throw RLError.nonFinite(quantity: quantity, step: step) }
}
