/// Normalises observations to zero mean and unit variance with running statistics, then
/// clips to ±`clip` (the PPO implementation details: ε = 1e-8, clip 10).
///
/// Set `isUpdating = false` to freeze the statistics for evaluation; save and restore
/// them through ``statistics`` (checkpoints do).
public final class NormalizeObservation: Wrapper {
    public var statistics: RunningMeanStd
    public var isUpdating = true
    public let clip: Float
    public let epsilon: Double

    public init(_ inner: any Environment, clip: Float = 10, epsilon: Double = 1e-8) throws {
        guard case .box = inner.observationSpace else {
            throw EnvironmentError.invalidConfiguration("NormalizeObservation needs a Box observation space; \(inner.name) has \(inner.observationSpace)")
        }
        guard clip > 0, epsilon > 0 else { throw EnvironmentError.invalidConfiguration("NormalizeObservation: clip and epsilon must be positive") }
        statistics = RunningMeanStd(size: inner.observationSpace.flatCount)
        self.clip = clip
        self.epsilon = epsilon
        super.init(wrapping: inner)
    }

    public override var observationSpace: Space { .box(.init(low: -clip, high: clip, shape: [statistics.size])) }

    public override func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        let (observation, info) = try inner.reset(seed: seed, options: options)
        return (normalize(observation), info)
    }

    public override func step(_ action: [Float]) throws -> Step {
        var result = try inner.step(action)
        result.observation = normalize(result.observation)
        return result
    }

    /// Updates the statistics (unless frozen) and normalises.
    public func normalize(_ observation: [Float]) -> [Float] {
        if isUpdating { statistics.update(observation) }
        return (0..<observation.count).map { j in
            let z = Float((Double(observation[j]) - statistics.mean[j]) / (statistics.variance[j] + epsilon).squareRoot())
            return Swift.min(Swift.max(z, -clip), clip)
        }
    }

    public override func savedState() throws -> EnvironmentState {
        var saved = try super.savedState()
        saved.values["statistics"] = statistics.savedValues
        return saved
    }

    public override func restoreState(_ saved: EnvironmentState) throws {
        try super.restoreState(saved)
        statistics = try RunningMeanStd(saved, key: "statistics", size: statistics.size, of: name)
    }
}

/// Scales rewards by the running standard deviation of the discounted return (no mean
/// subtraction, which would change the optimal policy), then clips to ±`clip`.
///
/// The return accumulates r + γ·G within an episode and restarts at episode end, as in
/// Stable-Baselines3's `VecNormalize`.
public final class NormalizeReward: Wrapper {
    public var statistics = RunningMeanStd(size: 1)
    public var isUpdating = true
    public let gamma: Double
    public let clip: Double
    public let epsilon: Double
    private var discountedReturn = 0.0

    public init(_ inner: any Environment, gamma: Double = 0.99, clip: Double = 10, epsilon: Double = 1e-8) throws {
        guard gamma >= 0 && gamma <= 1 else { throw EnvironmentError.invalidConfiguration("NormalizeReward: gamma must be in [0, 1], got \(gamma)") }
        guard clip > 0, epsilon > 0 else { throw EnvironmentError.invalidConfiguration("NormalizeReward: clip and epsilon must be positive") }
        self.gamma = gamma
        self.clip = clip
        self.epsilon = epsilon
        super.init(wrapping: inner)
    }

    public override func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        discountedReturn = 0
        return try inner.reset(seed: seed, options: options)
    }

    public override func step(_ action: [Float]) throws -> Step {
        var result = try inner.step(action)
        discountedReturn = discountedReturn * gamma + result.reward
        if isUpdating { statistics.update([Float(discountedReturn)]) }
        result.reward = Swift.min(Swift.max(result.reward / (statistics.variance[0] + epsilon).squareRoot(), -clip), clip)
        if result.isDone { discountedReturn = 0 }
        return result
    }

    public override func savedState() throws -> EnvironmentState {
        var saved = try super.savedState()
        saved.values["statistics"] = statistics.savedValues
        saved.values["discounted_return"] = [discountedReturn]
        return saved
    }

    public override func restoreState(_ saved: EnvironmentState) throws {
        try super.restoreState(saved)
        statistics = try RunningMeanStd(saved, key: "statistics", size: 1, of: name)
        discountedReturn = try saved.values("discounted_return", count: 1, of: name)[0]
    }
}
