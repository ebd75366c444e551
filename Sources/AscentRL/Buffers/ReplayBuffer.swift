import AscentEnvironments
import AscentTensor
import Foundation

/// A fixed-capacity circular store of transitions for off-policy algorithms (DQN, SAC, TD3).
///
/// Each transition keeps `terminated` and `truncated` apart: a terminated transition's
/// target bootstraps with 0, a truncated one from the value of its true final observation,
/// which is what `nextObservations` holds for it (taken from the vector environment's
/// `finalObservations`, not the next episode's first observation). Sampling is seeded, and
/// the whole buffer saves to and loads from a checkpoint, so a resumed run samples from the
/// same data.
public struct ReplayBuffer {
    public let capacity: Int
    public let observationSize: Int
    public let actionSize: Int
    /// Transitions stored so far (at most `capacity`).
    public private(set) var count = 0
    /// Where the next transition goes.
    public private(set) var position = 0

    var observations: [Float]
    var nextObservations: [Float]
    var actions: [Float]
    var rewards: [Float]
    var terminated: [Float]
    var truncated: [Float]

    public init(capacity: Int, observationSize: Int, actionSize: Int) throws {
        guard capacity > 0, observationSize > 0, actionSize > 0 else {
            throw RLError.invalidHyperparameter(name: "bufferSize", value: "\(capacity)", expected: "must be positive (with positive observation and action sizes)")
        }
        // Two observations, the action, reward and two flags per transition.
        let (width, overflow) = (2 * observationSize + actionSize + 3).multipliedReportingOverflow(by: capacity)
        try SizeLimits.requireMemory(floats: overflow ? .max : width, for: "the replay buffer (bufferSize \(capacity) × \(2 * observationSize + actionSize + 3) values)")
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        observations = [Float](repeating: 0, count: capacity * observationSize)
        nextObservations = observations
        actions = [Float](repeating: 0, count: capacity * actionSize)
        rewards = [Float](repeating: 0, count: capacity)
        terminated = rewards
        truncated = rewards
    }

    /// Adds one transition per environment from a vector step: `observations` and `actions`
    /// are what the agent saw and did; `step` is what followed.
    public mutating func add(observations previous: [Float], actions taken: [Float], step: VectorStep) {
        let environments = step.rewards.count
        precondition(previous.count == environments * observationSize && taken.count == environments * actionSize,
                     "ReplayBuffer.add: \(previous.count) observation and \(taken.count) action values for \(environments) environments")
        for e in 0..<environments {
            let next = step.finalObservations[e] ?? Array(step.observations[(e * observationSize)..<((e + 1) * observationSize)])
            add(observation: previous[(e * observationSize)..<((e + 1) * observationSize)],
                action: taken[(e * actionSize)..<((e + 1) * actionSize)], reward: Float(step.rewards[e]),
                nextObservation: next[...], terminated: step.terminated[e], truncated: step.truncated[e])
        }
    }

    /// Adds one transition, overwriting the oldest when full.
    public mutating func add(observation: ArraySlice<Float>, action: ArraySlice<Float>, reward: Float,
                             nextObservation: ArraySlice<Float>, terminated isTerminal: Bool, truncated isTruncated: Bool) {
        precondition(observation.count == observationSize && nextObservation.count == observationSize && action.count == actionSize,
                     "ReplayBuffer.add: transition sizes do not match the buffer (\(observationSize) observation, \(actionSize) action values)")
        let o = position * observationSize, a = position * actionSize
        observations.replaceSubrange(o..<(o + observationSize), with: observation)
        nextObservations.replaceSubrange(o..<(o + observationSize), with: nextObservation)
        actions.replaceSubrange(a..<(a + actionSize), with: action)
        rewards[position] = reward
        terminated[position] = isTerminal ? 1 : 0
        truncated[position] = isTruncated ? 1 : 0
        position = (position + 1) % capacity
        count = Swift.min(count + 1, capacity)
    }

    /// A minibatch of stored transitions, drawn uniformly with replacement.
    public struct Batch {
        public let observations: Tensor       // [batch, observation]
        public let actions: Tensor            // [batch, action]
        public let rewards: Tensor            // [batch]
        public let nextObservations: Tensor   // [batch, observation]
        /// 1 where the episode terminated (no bootstrap), 0 elsewhere (including truncations).
        public let terminated: Tensor         // [batch]
    }

    public func sample(_ batchSize: Int, generator: inout RandomGenerator) throws -> Batch {
        guard batchSize > 0 else {
            throw RLError.invalidHyperparameter(name: "batchSize", value: "\(batchSize)", expected: "must be positive")
        }
        guard count > 0 else { throw RLError.invalidHyperparameter(name: "batchSize", value: "\(batchSize)", expected: "needs a non-empty buffer") }
        var obs = [Float](), next = [Float](), act = [Float](), reward = [Float](), done = [Float]()
        obs.reserveCapacity(batchSize * observationSize); next.reserveCapacity(batchSize * observationSize)
        for _ in 0..<batchSize {
            let i = generator.integer(below: count)
            obs.append(contentsOf: observations[(i * observationSize)..<((i + 1) * observationSize)])
            next.append(contentsOf: nextObservations[(i * observationSize)..<((i + 1) * observationSize)])
            act.append(contentsOf: actions[(i * actionSize)..<((i + 1) * actionSize)])
            reward.append(rewards[i])
            done.append(terminated[i])
        }
        return Batch(observations: Tensor(shape: [batchSize, observationSize], obs), actions: Tensor(shape: [batchSize, actionSize], act),
                     rewards: Tensor(reward), nextObservations: Tensor(shape: [batchSize, observationSize], next), terminated: Tensor(done))
    }

    // MARK: Checkpoints

    /// The stored transitions as tensors and the cursor as metadata, prefixed `prefix`;
    /// without `transitions`, an empty buffer of the same capacity (a policy snapshot).
    public func checkpoint(prefix: String = "replay.", transitions: Bool = true) -> (tensors: [String: Tensor], metadata: [String: String]) {
        let n = transitions ? count : 0
        func rows(_ values: [Float], _ width: Int) -> Tensor { Tensor(shape: [n, width], Array(values[0..<(n * width)])) }
        return ([prefix + "observations": rows(observations, observationSize), prefix + "next_observations": rows(nextObservations, observationSize),
                 prefix + "actions": rows(actions, actionSize), prefix + "rewards": rows(rewards, 1),
                 prefix + "terminated": rows(terminated, 1), prefix + "truncated": rows(truncated, 1)],
                [prefix + "capacity": "\(capacity)", prefix + "count": "\(n)", prefix + "position": "\(transitions ? position : 0)"])
    }

    /// Rebuilds a buffer from ``checkpoint(prefix:)``'s output, checking every size.
    public init(checkpoint tensors: [String: Tensor], metadata: [String: String], prefix: String = "replay.") throws {
        func integer(_ key: String) throws -> Int {
            guard let value = metadata[prefix + key].flatMap(Int.init), value >= 0 else {
                throw RLError.invalidRunDirectory("checkpoint metadata '\(prefix + key)' is missing or not a non-negative integer")
            }
            return value
        }
        func tensor(_ key: String) throws -> Tensor {
            guard let value = tensors[prefix + key] else { throw RLError.invalidRunDirectory("checkpoint has no tensor '\(prefix + key)'") }
            return value
        }
        let (capacity, count, position) = (try integer("capacity"), try integer("count"), try integer("position"))
        let observations = try tensor("observations"), actions = try tensor("actions")
        guard count <= capacity, position < Swift.max(capacity, 1), observations.rank == 2, actions.rank == 2,
              observations.shape[0] == count, actions.shape[0] == count else {
            throw RLError.invalidRunDirectory("replay buffer checkpoint is inconsistent: count \(count), capacity \(capacity), position \(position), observations \(observations.shape), actions \(actions.shape)")
        }
        try self.init(capacity: capacity, observationSize: observations.shape[1], actionSize: actions.shape[1])
        for (key, width) in [("next_observations", observationSize), ("rewards", 1), ("terminated", 1), ("truncated", 1)] {
            guard try tensor(key).shape == [count, width] else {
                throw RLError.invalidRunDirectory("replay buffer tensor '\(prefix + key)' has shape \(try tensor(key).shape), expected [\(count), \(width)]")
            }
        }
        self.observations.replaceSubrange(0..<(count * observationSize), with: observations.scalars)
        self.nextObservations.replaceSubrange(0..<(count * observationSize), with: try tensor("next_observations").scalars)
        self.actions.replaceSubrange(0..<(count * actionSize), with: actions.scalars)
        self.rewards.replaceSubrange(0..<count, with: try tensor("rewards").scalars)
        self.terminated.replaceSubrange(0..<count, with: try tensor("terminated").scalars)
        self.truncated.replaceSubrange(0..<count, with: try tensor("truncated").scalars)
        self.count = count
        self.position = position
    }
}
