import AscentRandom

/// How one physical parameter is randomised.
public struct ParameterRandomization: Sendable, Equatable, Codable {
    public enum Bounds: Sendable, Equatable, Codable {
        /// value = nominal × factor, factor in [low, high] (e.g. 0.8…1.2 for ±20 %).
        case multiplicative(low: Double, high: Double)
        /// value in [low, high].
        case absolute(low: Double, high: Double)
    }

    public let name: String
    public let bounds: Bounds
    /// Sample uniformly in log space (for scale-like parameters spanning orders of magnitude).
    public let logUniform: Bool

    public init(name: String, bounds: Bounds, logUniform: Bool = false) {
        self.name = name
        self.bounds = bounds
        self.logUniform = logUniform
    }

    /// The sampling interval in absolute units, for a parameter with this nominal value.
    func interval(nominal: Double) -> (Double, Double) {
        switch bounds {
        case .multiplicative(let low, let high): (nominal * low, nominal * high)
        case .absolute(let low, let high): (low, high)
        }
    }
}

/// Settings for ``DomainRandomization``.
public struct RandomizationSettings: Sendable, Equatable, Codable {
    public var parameters: [ParameterRandomization]
    /// Resample the parameters every this many episodes (1 = every episode).
    public var resampleEveryEpisodes: Int
    /// Standard deviation of Gaussian noise added to Box actions (actuator imprecision), in action units.
    public var actionNoise: Double
    /// Standard deviation of Gaussian noise added to observations (sensor noise).
    public var observationNoise: Double
    /// Actuator latency: each step applies the action chosen this many steps earlier (zero
    /// actions fill the first steps of an episode). 0 applies actions at once.
    public var actionDelay: Int

    public init(parameters: [ParameterRandomization], resampleEveryEpisodes: Int = 1, actionNoise: Double = 0,
                observationNoise: Double = 0, actionDelay: Int = 0) {
        self.parameters = parameters
        self.resampleEveryEpisodes = resampleEveryEpisodes
        self.actionNoise = actionNoise
        self.observationNoise = observationNoise
        self.actionDelay = actionDelay
    }

    private enum CodingKeys: String, CodingKey {
        case parameters, resampleEveryEpisodes, actionNoise, observationNoise, actionDelay
    }

    /// Settings saved before `actionDelay` existed decode with no delay.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(parameters: try c.decode([ParameterRandomization].self, forKey: .parameters),
                  resampleEveryEpisodes: try c.decode(Int.self, forKey: .resampleEveryEpisodes),
                  actionNoise: try c.decode(Double.self, forKey: .actionNoise),
                  observationNoise: try c.decode(Double.self, forKey: .observationNoise),
                  actionDelay: try c.decodeIfPresent(Int.self, forKey: .actionDelay) ?? 0)
    }

    /// Every physical parameter of `environment` scaled by a factor in [1 − width, 1 + width].
    public static func uniformWidth(_ width: Double, for environment: any PhysicallyParameterized,
                                    excluding excluded: Set<String> = []) -> RandomizationSettings {
        RandomizationSettings(parameters: environment.physicalParameters.filter { !excluded.contains($0.name) }.map {
            ParameterRandomization(name: $0.name, bounds: .multiplicative(low: 1 - width, high: 1 + width))
        })
    }
}

/// Domain randomisation: samples the environment's physical parameters from given ranges
/// every N episodes, optionally adds Gaussian noise to actions and observations and delays
/// actions by k steps, and reports the sampled values in the reset info (`param.<name>`). Seeded and reproducible:
/// `reset(seed:)` also reseeds the randomisation stream.
public final class DomainRandomization: Wrapper {
    public let settings: RandomizationSettings
    private let target: any PhysicallyParameterized
    private var generator: RandomGenerator
    private var episodes = 0
    private var current: Info = [:]
    /// Actions chosen but not yet applied (the oldest first), when actions are delayed.
    private var pending: [[Float]] = []

    public init(_ inner: any Environment, settings: RandomizationSettings, seed: UInt64 = 0) throws {
        guard let target = inner.find((any PhysicallyParameterized).self) else {
            throw EnvironmentError.invalidConfiguration("DomainRandomization: \(inner.name) exposes no physical parameters")
        }
        guard settings.resampleEveryEpisodes > 0 else {
            throw EnvironmentError.invalidConfiguration("DomainRandomization: resampleEveryEpisodes must be positive, got \(settings.resampleEveryEpisodes)")
        }
        guard settings.actionNoise >= 0, settings.actionNoise.isFinite, settings.observationNoise >= 0, settings.observationNoise.isFinite else {
            throw EnvironmentError.invalidConfiguration("DomainRandomization: noise standard deviations must be finite and non-negative")
        }
        guard (0...1_000).contains(settings.actionDelay) else {
            throw EnvironmentError.invalidConfiguration("DomainRandomization: actionDelay must be 0...1000 steps, got \(settings.actionDelay)")
        }
        for item in settings.parameters {
            guard let spec = target.physicalParameters.first(where: { $0.name == item.name }) else {
                throw EnvironmentError.unknownParameter(environment: inner.name, name: item.name, valid: target.physicalParameters.map(\.name))
            }
            let (low, high) = item.interval(nominal: spec.nominal)
            guard low.isFinite, high.isFinite, low <= high else {
                throw EnvironmentError.invalidParameter(environment: inner.name, name: item.name, reason: "range [\(low), \(high)] is empty or not finite")
            }
            guard !item.logUniform || low > 0 else {
                throw EnvironmentError.invalidParameter(environment: inner.name, name: item.name,
                                                        reason: "log-uniform range [\(low), \(high)] must be positive")
            }
            guard low > spec.minimumExclusive else {
                throw EnvironmentError.invalidParameter(environment: inner.name, name: item.name,
                                                        reason: "range [\(low), \(high)] must stay above \(spec.minimumExclusive) (\(spec.description))")
            }
        }
        self.settings = settings
        self.target = target
        generator = RandomGenerator(seed: seed, stream: "domain-randomization")
        super.init(wrapping: inner)
    }

    /// The parameter values in force for the current episode.
    public var currentParameters: Info { current }

    public override func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        if let seed {
            generator = RandomGenerator(seed: seed, stream: "domain-randomization")
            episodes = 0
        }
        if episodes % settings.resampleEveryEpisodes == 0 { try resample() }
        episodes += 1
        var (observation, info) = try inner.reset(seed: seed, options: options)
        info.merge(current) { _, new in new }
        pending = [[Float]](repeating: [Float](repeating: 0, count: actionSpace.flatCount), count: settings.actionDelay)
        return (addObservationNoise(observation), info)
    }

    public override func step(_ action: [Float]) throws -> Step {
        var noisy = action
        if settings.actionDelay > 0 {
            try action.withUnsafeBufferPointer { try ActionCheck(environment: name, space: actionSpace).validate($0) }  // refuse bad input when given, not k steps later
            pending.append(action)
            noisy = pending.removeFirst()
        }
        if settings.actionNoise > 0, case .box = actionSpace {
            for i in noisy.indices { noisy[i] += Float(settings.actionNoise * generator.normalDouble()) }
        }
        var result = try inner.step(noisy)
        result.observation = addObservationNoise(result.observation)
        return result
    }

    private func resample() throws {
        current = [:]
        for item in settings.parameters {
            let spec = target.physicalParameters.first { $0.name == item.name }!
            let (low, high) = item.interval(nominal: spec.nominal)
            let u = generator.uniformDouble()
            let value = item.logUniform
                ? PortableMath.exp(PortableMath.log(low) + u * (PortableMath.log(high) - PortableMath.log(low)))
                : low + u * (high - low)
            try target.setPhysicalParameter(item.name, to: value)
            current["param.\(item.name)"] = value
        }
    }

    private func addObservationNoise(_ observation: [Float]) -> [Float] {
        guard settings.observationNoise > 0 else { return observation }
        return observation.map { $0 + Float(settings.observationNoise * generator.normalDouble()) }
    }

    /// The randomisation stream, the episode count, the parameter values in force (set again
    /// on restore) and the actions still in flight.
    public override func savedState() throws -> EnvironmentState {
        var saved = try super.savedState()
        saved.generators["generator"] = [generator]
        saved.set("episodes", [episodes])
        for (key, value) in current { saved.values[key] = [value] }
        saved.values["pending_actions"] = pending.flatMap { $0.map(Double.init) }
        return saved
    }

    /// The parameters are set before the inner environment's state is restored: MuJoCo's
    /// `mj_setConst` after an edit uses the simulation's data as scratch.
    public override func restoreState(_ saved: EnvironmentState) throws {
        generator = try saved.generators("generator", count: 1, of: name)[0]
        episodes = try saved.integers("episodes", count: 1, in: 0...(1 << 53), of: name)[0]
        current = [:]
        if episodes > 0 {
            for item in settings.parameters {
                let value = try saved.values("param.\(item.name)", count: 1, of: name)[0]
                try target.setPhysicalParameter(item.name, to: value)
                current["param.\(item.name)"] = value
            }
        }
        let size = actionSpace.flatCount
        let actions = try saved.values("pending_actions", count: episodes > 0 ? settings.actionDelay * size : 0, of: name)
        pending = (0..<(actions.count / Swift.max(size, 1))).map { k in actions[(k * size)..<((k + 1) * size)].map { Float($0) } }
        try super.restoreState(saved)
    }
}
