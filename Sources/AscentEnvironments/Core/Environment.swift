import AscentRandom

/// Extra values an environment reports alongside a step or reset (Gymnasium's `info`).
public typealias Info = [String: Double]

/// The result of one environment step, with Gymnasium's semantics.
public struct Step: Sendable {
    /// The observation after the step.
    public var observation: [Float]
    /// The reward for the transition (Double: Gymnasium computes rewards in float64).
    public var reward: Double
    /// The episode reached a terminal state of the MDP (bootstrap with 0 after it).
    public var terminated: Bool
    /// The episode was cut short from outside the MDP, e.g. by a time limit (bootstrap
    /// from the value of `observation`).
    public var truncated: Bool
    public var info: Info

    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool = false, info: Info = [:]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// The episode is over either way.
    public var isDone: Bool { terminated || truncated }
}

/// Named numbers for `reset(seed:options:)`, such as Pendulum's `x_init` or CartPole's `low`/`high`.
public typealias ResetOptions = [String: Double]

/// What a drawing of the current state needs (positions, angles), without any drawing code.
/// `kind` names the environment family (`pendulum`, `cartpole`, ...); `values` holds its quantities.
public struct RenderFrame: Sendable, Equatable {
    public let kind: String
    public let values: [String: Double]

    public init(kind: String, values: [String: Double]) {
        self.kind = kind
        self.values = values
    }
}

/// A reinforcement-learning environment with Gymnasium's semantics.
///
/// `reset(seed:options:)` starts an episode; `step(_:)` advances it and reports whether it
/// `terminated` (a terminal MDP state) or was `truncated` (cut short, e.g. by ``TimeLimit``).
/// Actions and observations are `[Float]`; a `Discrete` action is one element holding the
/// integer. Environments validate actions and throw ``EnvironmentError`` with a clear message
/// instead of crashing.
///
/// A user environment conforms by implementing the five requirements; ``EnvironmentChecker``
/// verifies it behaves.
public protocol Environment: AnyObject {
    /// A short name used in messages, e.g. `Pendulum-v1`.
    var name: String { get }
    var observationSpace: Space { get }
    var actionSpace: Space { get }
    /// Starts an episode. The same `seed` must give the same first observation; `nil`
    /// continues the environment's random stream.
    func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info)
    /// Advances one step.
    func step(_ action: [Float]) throws -> Step
    /// Advances one step, writing the observation into `observation` (exactly
    /// `observationSpace.flatCount` values) instead of returning a new array. Vector
    /// environments use this; the default implementation calls ``step(_:)-(_)`` and copies, and
    /// built-in environments implement it without allocating.
    func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome
    /// The current state for drawing.
    func render() -> RenderFrame
}

/// A step's outcome without its observation (see ``Environment/step(_:into:)``).
public struct StepOutcome: Sendable {
    public var reward: Double
    public var terminated: Bool
    public var truncated: Bool
    /// nil when there is nothing to report. (Not an empty dictionary: even the shared empty
    /// dictionary is reference counted, which contends across threads stepping in parallel.)
    public var info: Info?

    public init(reward: Double, terminated: Bool, truncated: Bool = false, info: Info? = nil) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    public var isDone: Bool { terminated || truncated }
}

extension Environment {
    public func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        try copyingStep(action, into: observation)
    }

    /// ``step(_:into:)`` through the array-returning ``step(_:)-(_)``.
    func copyingStep(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        let result = try step(Array(action))
        guard result.observation.count == observation.count else {
            throw EnvironmentError.invalidConfiguration("\(name) returned an observation of \(result.observation.count) values; its space has \(observation.count)")
        }
        for i in 0..<observation.count { observation[i] = result.observation[i] }
        return StepOutcome(reward: result.reward, terminated: result.terminated, truncated: result.truncated,
                           info: result.info.isEmpty ? nil : result.info)
    }

    public func reset(seed: UInt64? = nil) throws -> (observation: [Float], info: Info) {
        try reset(seed: seed, options: [:])
    }

    /// Steps with an integer action of a `Discrete` space.
    public func step(discrete action: Int) throws -> Step { try step([Float(action)]) }
}

/// An environment whose physics can be changed by name, for domain randomisation.
public protocol PhysicallyParameterized: Environment {
    /// The parameters, their nominal (default) values and what values are valid.
    var physicalParameters: [PhysicalParameter] { get }
    /// The current value of a parameter.
    func physicalParameter(_ name: String) throws -> Double
    /// Changes a parameter; takes effect from the next step.
    func setPhysicalParameter(_ name: String, to value: Double) throws
}

/// A named physical constant of an environment.
public struct PhysicalParameter: Sendable, Equatable {
    public let name: String
    public let nominal: Double
    /// Values must be strictly greater than this (e.g. 0 for masses and lengths).
    public let minimumExclusive: Double
    public let description: String

    public init(name: String, nominal: Double, minimumExclusive: Double = 0, description: String) {
        self.name = name
        self.nominal = nominal
        self.minimumExclusive = minimumExclusive
        self.description = description
    }
}
