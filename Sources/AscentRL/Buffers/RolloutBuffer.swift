/// Fixed-length rollouts from `environments` copies in lockstep (PPO core detail 1), stored
/// time-major: entry (t, e) is at index t · environments + e.
///
/// Besides what PPO needs (observations, actions, log-probabilities, values, rewards),
/// each step records how the episode continued, so advantages bootstrap correctly:
/// after a termination the next value is 0; after a truncation it is the value of the
/// true final observation (``bootstrapValues``), not of the next episode's first state.
public struct RolloutBuffer {
    public let steps: Int
    public let environments: Int
    public let observationSize: Int
    public let actionSize: Int

    public var observations: [Float]
    public var actions: [Float]
    public var logProbabilities: [Float]
    public var values: [Float]
    public var rewards: [Float]
    /// The episode ended (terminated or truncated) at this step.
    public var episodeEnded: [Bool]
    /// For steps whose episode was truncated: V(final observation); 0 otherwise.
    public var bootstrapValues: [Float]
    /// Filled by ``computeAdvantages(lastValues:gamma:lambda:)``.
    public var advantages: [Float]
    public var returns: [Float]
    public private(set) var count = 0

    public init(steps: Int, environments: Int, observationSize: Int, actionSize: Int) {
        self.steps = steps
        self.environments = environments
        self.observationSize = observationSize
        self.actionSize = actionSize
        let n = steps * environments
        observations = [Float](repeating: 0, count: n * observationSize)
        actions = [Float](repeating: 0, count: n * actionSize)
        logProbabilities = [Float](repeating: 0, count: n)
        values = [Float](repeating: 0, count: n)
        rewards = [Float](repeating: 0, count: n)
        episodeEnded = [Bool](repeating: false, count: n)
        bootstrapValues = [Float](repeating: 0, count: n)
        advantages = [Float](repeating: 0, count: n)
        returns = [Float](repeating: 0, count: n)
    }

    public var capacity: Int { steps * environments }
    public var isFull: Bool { count == capacity }

    /// Appends one time step for every environment.
    public mutating func add(observations obs: [Float], actions act: [Float], logProbabilities logp: [Float],
                             values v: [Float], rewards r: [Float], episodeEnded ended: [Bool], bootstrapValues boot: [Float]) {
        precondition(count < capacity, "RolloutBuffer.add: the buffer is full; compute advantages and reset it")
        let e = environments, base = count
        observations.replaceSubrange((base * observationSize)..<((base + e) * observationSize), with: obs)
        actions.replaceSubrange((base * actionSize)..<((base + e) * actionSize), with: act)
        logProbabilities.replaceSubrange(base..<(base + e), with: logp)
        values.replaceSubrange(base..<(base + e), with: v)
        rewards.replaceSubrange(base..<(base + e), with: r)
        episodeEnded.replaceSubrange(base..<(base + e), with: ended)
        bootstrapValues.replaceSubrange(base..<(base + e), with: boot)
        count += e
    }

    public mutating func reset() { count = 0 }

    /// Generalised advantage estimation (Schulman et al. 2016), backwards in time per environment:
    ///
    ///     next value = 0 if terminated, V(final obs) if truncated, V(s_{t+1}) otherwise
    ///     δ_t = r_t + γ · next value − V(s_t)
    ///     A_t = δ_t + γλ · A_{t+1}, with A_{t+1} = 0 across an episode end
    ///
    /// and returns R_t = A_t + V(s_t) as value targets (core detail 5). `lastValues` are
    /// V of the observations after the final step.
    public mutating func computeAdvantages(lastValues: [Float], gamma: Float, lambda: Float) {
        precondition(isFull, "computeAdvantages: the rollout is incomplete (\(count) of \(capacity) entries)")
        precondition(lastValues.count == environments, "computeAdvantages: \(lastValues.count) last values for \(environments) environments")
        for e in 0..<environments {
            var nextAdvantage: Float = 0
            var nextValue = lastValues[e]
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let i = t * environments + e
                let continuation: Float = episodeEnded[i] ? bootstrapValues[i] : nextValue
                let delta = rewards[i] + gamma * continuation - values[i]
                let advantage = delta + gamma * lambda * (episodeEnded[i] ? 0 : nextAdvantage)
                advantages[i] = advantage
                returns[i] = advantage + values[i]
                nextAdvantage = advantage
                nextValue = values[i]
            }
        }
    }
}

extension Array where Element == Float {
    /// Rows `indices` (in that order) of this row-major array of rows `width` long: a
    /// shuffled minibatch gathered with one copy per row.
    func rows(_ indices: ArraySlice<Int>, width: Int) -> [Float] {
        precondition(width > 0 && count % width == 0, "rows: \(count) values do not form rows of width \(width)")
        let rowCount = count / width
        return [Float](unsafeUninitializedCapacity: indices.count * width) { gathered, initialized in
            withUnsafeBufferPointer { source in
                var destination = gathered.baseAddress!
                for row in indices {
                    precondition(row >= 0 && row < rowCount, "rows: row \(row) out of range 0..<\(rowCount)")
                    destination.initialize(from: source.baseAddress! + row * width, count: width)
                    destination += width
                }
            }
            initialized = indices.count * width
        }
    }
}
