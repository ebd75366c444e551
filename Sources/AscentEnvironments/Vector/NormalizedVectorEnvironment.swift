/// Observation and reward normalisation for a whole vector environment, with statistics
/// shared by every sub-environment (Stable-Baselines3's `VecNormalize`):
///
/// - observations (and final observations) become (o − μ) / √(σ² + ε), clipped to ±`clip`;
/// - rewards are divided by the running std of each sub-environment's discounted return
///   (no mean subtraction), clipped to ±`clip`; the return restarts at each episode end.
///
/// `infos` keep the raw `episode_return`s from the inner environment, so logs show true
/// returns. Freeze with `isUpdating = false` for evaluation; save and restore through
/// ``observationStatistics`` and ``rewardStatistics``.
public final class NormalizedVectorEnvironment: VectorEnvironment {
    public let inner: any VectorEnvironment
    public let normalizeObservations: Bool
    public let normalizeRewards: Bool
    public var observationStatistics: RunningMeanStd
    public var rewardStatistics: RunningMeanStd
    public var isUpdating = true
    public let gamma: Double
    public let clip: Double
    public let epsilon: Double
    private var discountedReturns: [Double]

    public init(_ inner: any VectorEnvironment, normalizeObservations: Bool = true, normalizeRewards: Bool = true,
                gamma: Double = 0.99, clip: Double = 10, epsilon: Double = 1e-8) throws {
        if normalizeObservations, case .box = inner.observationSpace {} else if normalizeObservations {
            throw EnvironmentError.invalidConfiguration("observation normalisation needs a Box observation space; \(inner.name) has \(inner.observationSpace)")
        }
        guard gamma >= 0 && gamma <= 1, clip > 0, epsilon > 0 else {
            throw EnvironmentError.invalidConfiguration("normalisation needs gamma in [0, 1] and positive clip and epsilon")
        }
        self.inner = inner
        self.normalizeObservations = normalizeObservations
        self.normalizeRewards = normalizeRewards
        self.gamma = gamma
        self.clip = clip
        self.epsilon = epsilon
        observationStatistics = RunningMeanStd(size: inner.observationSpace.flatCount)
        rewardStatistics = RunningMeanStd(size: 1)
        discountedReturns = [Double](repeating: 0, count: inner.count)
    }

    public var count: Int { inner.count }
    public var observationSpace: Space { inner.observationSpace }
    public var actionSpace: Space { inner.actionSpace }
    public var name: String { inner.name }

    public func reset(seed: UInt64?) throws -> [Float] {
        discountedReturns = [Double](repeating: 0, count: count)
        let observations = try inner.reset(seed: seed)
        return updateAndNormalize(observations)
    }

    public func step(_ actions: [Float]) throws -> VectorStep {
        var result = try inner.step(actions)
        result.observations = updateAndNormalize(result.observations)
        for (i, final) in result.finalObservations { result.finalObservations[i] = normalize(final) }
        if normalizeRewards {
            for i in 0..<count {
                discountedReturns[i] = discountedReturns[i] * gamma + result.rewards[i]
            }
            if isUpdating {
                let batch = discountedReturns.map { Float($0) }
                batch.withUnsafeBufferPointer { rewardStatistics.update(batch: $0, rows: count) }
            }
            let scale = 1 / (rewardStatistics.variance[0] + epsilon).squareRoot()
            for i in 0..<count {
                result.rewards[i] = Swift.min(Swift.max(result.rewards[i] * scale, -clip), clip)
                if result.terminated[i] || result.truncated[i] { discountedReturns[i] = 0 }
            }
        }
        return result
    }

    /// The map ``normalize(_:)`` applies with the current statistics, z = clip((o − μ) · s, ±clip)
    /// with s = 1 / √(σ² + ε); nil when observations are not normalised. Exported with a policy.
    public var observationNormalization: (mean: [Double], scale: [Double], clip: Double)? {
        guard normalizeObservations else { return nil }
        let statistics = observationStatistics
        return (statistics.mean, statistics.variance.map { 1 / ($0 + epsilon).squareRoot() }, clip)
    }

    /// Normalises one observation, or several stored row after row, with the current
    /// statistics (no update).
    public func normalize(_ observations: [Float]) -> [Float] {
        guard let (mean, scale, clip) = observationNormalization else { return observations }
        return observations.enumerated().map { i, value in
            let j = i % mean.count
            return Float(Swift.min(Swift.max((Double(value) - mean[j]) * scale[j], -clip), clip))
        }
    }

    /// Updates the statistics with a batch (unless frozen), then normalises it.
    private func updateAndNormalize(_ observations: [Float]) -> [Float] {
        if normalizeObservations && isUpdating {
            observations.withUnsafeBufferPointer { observationStatistics.update(batch: $0, rows: count) }
        }
        return normalize(observations)
    }
}

extension NormalizedVectorEnvironment: StateRestorable {
    /// The inner environment's state, the statistics and each slot's running discounted return.
    public func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.parts = [try inner.savedEnvironmentState()]
        saved.values["discounted_returns"] = discountedReturns
        saved.values["observation_statistics"] = observationStatistics.savedValues
        saved.values["reward_statistics"] = rewardStatistics.savedValues
        return saved
    }

    public func restoreState(_ saved: EnvironmentState) throws {
        try inner.restoreEnvironmentState(try saved.parts(count: 1, of: name)[0])
        discountedReturns = try saved.values("discounted_returns", count: count, of: name)
        observationStatistics = try RunningMeanStd(saved, key: "observation_statistics", size: observationStatistics.size, of: name)
        rewardStatistics = try RunningMeanStd(saved, key: "reward_statistics", size: 1, of: name)
    }
}
