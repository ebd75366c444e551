/// An environment that changes another's behaviour while forwarding everything it does
/// not override (Gymnasium's `Wrapper`). Subclasses override `reset`/`step` and call `inner`.
open class Wrapper: Environment, StateRestorable {
    public let inner: any Environment

    public init(wrapping inner: any Environment) { self.inner = inner }

    open var name: String { inner.name }
    open var observationSpace: Space { inner.observationSpace }
    open var actionSpace: Space { inner.actionSpace }

    open func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        try inner.reset(seed: seed, options: options)
    }

    open func step(_ action: [Float]) throws -> Step { try inner.step(action) }

    /// Goes through ``step(_:)-(_)`` so a subclass that changes actions or observations there is
    /// never bypassed; wrappers that change neither override this to forward without copying.
    open func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        try copyingStep(action, into: observation)
    }

    open func render() -> RenderFrame { inner.render() }

    /// The inner environment's state; a wrapper with state of its own overrides both methods
    /// and calls `super`.
    open func savedState() throws -> EnvironmentState {
        var saved = EnvironmentState()
        saved.parts = [try inner.savedEnvironmentState()]
        return saved
    }

    open func restoreState(_ saved: EnvironmentState) throws {
        try inner.restoreEnvironmentState(try saved.parts(count: 1, of: name)[0])
    }
}

extension Environment {
    /// The environment under all wrappers.
    public var unwrapped: any Environment {
        var current: any Environment = self
        while let wrapper = current as? Wrapper { current = wrapper.inner }
        return current
    }

    /// The first wrapper (or the environment itself) of type `T`, searching inwards.
    public func find<T>(_ type: T.Type) -> T? {
        var current: any Environment = self
        while true {
            if let match = current as? T { return match }
            guard let wrapper = current as? Wrapper else { return nil }
            current = wrapper.inner
        }
    }
}

/// Ends episodes after `maxEpisodeSteps` steps with `truncated = true` (Gymnasium's `TimeLimit`).
/// Stepping again without a reset is an error.
public final class TimeLimit: Wrapper {
    public let maxEpisodeSteps: Int
    public private(set) var elapsedSteps = 0
    private var ended = false

    public init(_ inner: any Environment, maxEpisodeSteps: Int) throws {
        guard maxEpisodeSteps > 0 else {
            throw EnvironmentError.invalidConfiguration("TimeLimit: max_episode_steps must be positive, got \(maxEpisodeSteps)")
        }
        self.maxEpisodeSteps = maxEpisodeSteps
        super.init(wrapping: inner)
    }

    public override func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: [Float], info: Info) {
        let result = try inner.reset(seed: seed, options: options)
        elapsedSteps = 0
        ended = false
        return result
    }

    public override func step(_ action: [Float]) throws -> Step {
        if ended { throw EnvironmentError.stepAfterEpisodeEnd(environment: name) }
        var result = try inner.step(action)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.truncated = true }
        ended = result.isDone
        return result
    }

    public override func step(_ action: UnsafeBufferPointer<Float>, into observation: UnsafeMutableBufferPointer<Float>) throws -> StepOutcome {
        if ended { throw EnvironmentError.stepAfterEpisodeEnd(environment: name) }
        var result = try inner.step(action, into: observation)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.truncated = true }
        ended = result.isDone
        return result
    }

    public override func savedState() throws -> EnvironmentState {
        var saved = try super.savedState()
        saved.set("elapsed_steps", [elapsedSteps])
        saved.set("ended", ended)
        return saved
    }

    public override func restoreState(_ saved: EnvironmentState) throws {
        try super.restoreState(saved)
        elapsedSteps = try saved.integers("elapsed_steps", count: 1, in: 0...maxEpisodeSteps, of: name)[0]
        ended = try saved.flag("ended", of: name)
    }
}

/// Clips Box actions to the action space's bounds before the environment sees them.
public final class ClipAction: Wrapper {
    private let low: [Float], high: [Float]

    public init(_ inner: any Environment) throws {
        guard case .box(let box) = inner.actionSpace else {
            throw EnvironmentError.invalidConfiguration("ClipAction needs a Box action space; \(inner.name) has \(inner.actionSpace)")
        }
        low = box.low
        high = box.high
        super.init(wrapping: inner)
    }

    public override func step(_ action: [Float]) throws -> Step {
        guard action.count == low.count else { return try inner.step(action) }  // the environment reports the size error
        return try inner.step((0..<action.count).map { Swift.min(Swift.max(action[$0], low[$0]), high[$0]) })
    }
}

/// Presents a Box action space of [`low`, `high`] (default [−1, 1]) and maps actions
/// affinely onto the environment's bounds.
public final class RescaleAction: Wrapper {
    private let space: Space
    private let scale: [Float], offset: [Float]

    public init(_ inner: any Environment, low: Float = -1, high: Float = 1) throws {
        guard case .box(let box) = inner.actionSpace, box.isBounded else {
            throw EnvironmentError.invalidConfiguration("RescaleAction needs a bounded Box action space; \(inner.name) has \(inner.actionSpace)")
        }
        guard low < high else { throw EnvironmentError.invalidConfiguration("RescaleAction: low (\(low)) must be below high (\(high))") }
        let n = box.low.count
        space = .box(.init(low: low, high: high, shape: box.shape))
        scale = (0..<n).map { (box.high[$0] - box.low[$0]) / (high - low) }
        offset = (0..<n).map { box.low[$0] - low * (box.high[$0] - box.low[$0]) / (high - low) }
        super.init(wrapping: inner)
    }

    public override var actionSpace: Space { space }

    public override func step(_ action: [Float]) throws -> Step {
        guard action.count == scale.count else { return try inner.step(action) }
        return try inner.step((0..<action.count).map { action[$0] * scale[$0] + offset[$0] })
    }
}
