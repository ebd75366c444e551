import AscentRandom
import Foundation

/// MountainCar-v0 (discrete pushes) and MountainCarContinuous-v0: drive an under-powered
/// car up a hill by building momentum.
public typealias MountainCar = ClassicEnvironment<MountainCarDynamics>

extension ClassicEnvironment where Dynamics == MountainCarDynamics {
    public convenience init(continuous: Bool, goalVelocity: Double = 0) {
        self.init(MountainCarDynamics(continuous: continuous, goalVelocity: goalVelocity))
    }
}

/// Gymnasium's mountain-car physics, exactly.
///
/// Discrete (v0): actions {0, 1, 2} push with (a − 1) · 0.001, reward −1 per step, goal at
/// x ≥ 0.5, state in Double. Continuous: force = clip(a, −1, 1) · 0.0015, reward 100 on
/// reaching x ≥ 0.45 minus 0.1 a² of the *unclipped* action, in Gymnasium's mixed precision
/// (see ``continuousStep(_:_:)``). Both: velocity clipped to ±0.07, position to [−1.2, 0.6],
/// and the car stops against the left wall.
public struct MountainCarDynamics: ClassicDynamics {
    public struct State: Sendable, Equatable {
        public var position, velocity: Double
        /// The continuous task's state is a float64 array after a reset (and as set from
        /// outside) and a float32 one after every step; NumPy computes in that precision.
        public var isFloat64 = true
        public init(position: Double, velocity: Double) { self.position = position; self.velocity = velocity }
    }

    public static let minPosition = -1.2, maxPosition = 0.6, maxSpeed = 0.07, gravity = 0.0025
    public let continuous: Bool
    public let goalVelocity: Double
    public var power: Double

    public init(continuous: Bool, goalVelocity: Double = 0) {
        self.continuous = continuous
        self.goalVelocity = goalVelocity
        power = continuous ? 0.0015 : 0.001
    }

    var goalPosition: Double { continuous ? 0.45 : 0.5 }
    public var name: String { continuous ? "MountainCarContinuous-v0" : "MountainCar-v0" }
    public var observationSpace: Space { .box(.init(low: [-1.2, -0.07], high: [0.6, 0.07])) }
    public var actionSpace: Space { continuous ? .box(.init(low: [-1], high: [1])) : .discrete(count: 3) }
    public var resetOptionNames: [String] { ["low", "high"] }
    public var parameters: [PhysicalParameter] {
        [.init(name: "power", nominal: continuous ? 0.0015 : 0.001, description: "engine force per unit action")]
    }

    public subscript(parameter name: String) -> Double {
        get { power }
        set { power = newValue }
    }

    /// x ~ U(low, high) (default −0.6…−0.4), v = 0.
    public func reset(options: ResetOptions, generator: inout RandomGenerator) throws -> State {
        let (low, high) = try resetBounds(options, low: -0.6, high: -0.4)
        return State(position: low + (high - low) * generator.uniformDouble(), velocity: 0)
    }

    @inline(__always)
    public func step(_ s: inout State, action: UnsafeBufferPointer<Float>) -> (reward: Double, terminated: Bool) {
        if continuous { return continuousStep(&s, action[0]) }
        // Gymnasium adds the whole right-hand side to the velocity at once: v += (push − g cos 3x).
        var velocity = s.velocity + ((Double(action[0]) - 1) * power + cos(3 * s.position) * -Self.gravity)
        velocity = Swift.min(Swift.max(velocity, -Self.maxSpeed), Self.maxSpeed)
        let position = Swift.min(Swift.max(s.position + velocity, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }
        s = State(position: position, velocity: velocity)
        return (-1, position >= goalPosition && velocity >= goalVelocity)
    }

    /// MountainCarContinuous-v0's step in exactly Gymnasium's arithmetic. Its state is a
    /// float64 array after a reset and a float32 one after every step, and NumPy 2 keeps
    /// float32 values float32 against Python floats (NEP 50: the Python float is rounded to
    /// float32 first, in sums, products and comparisons alike). So after a reset the update
    /// runs in Double; afterwards in Float, except the gravity term 0.0025 · cos(3x), which
    /// `math.cos` computes in Double from the float32 3x. An unclipped force a · 0.0015 is a
    /// float32 product; a clipped one is the Python float ±1 · 0.0015.
    @inline(__always)
    private func continuousStep(_ s: inout State, _ a: Float) -> (reward: Double, terminated: Bool) {
        let clippedForce: Double? = a > 1 ? 1 : (a < -1 ? -1 : nil)
        var position: Double, velocity: Double
        if s.isFloat64 {
            let gravityTerm = Self.gravity * cos(3 * s.position)
            let change = clippedForce.map { $0 * power - gravityTerm } ?? Double(a * Float(power) - Float(gravityTerm))
            velocity = Swift.min(Swift.max(s.velocity + change, -Self.maxSpeed), Self.maxSpeed)
            position = Swift.min(Swift.max(s.position + velocity, Self.minPosition), Self.maxPosition)
        } else {
            let p = Float(s.position), gravityTerm = Self.gravity * cos(Double(3 * p))
            let change = clippedForce.map { Float($0 * power - gravityTerm) } ?? (a * Float(power) - Float(gravityTerm))
            let v = Float(s.velocity) + change
            velocity = v > Float(Self.maxSpeed) ? Self.maxSpeed : (v < -Float(Self.maxSpeed) ? -Self.maxSpeed : Double(v))
            let moved = p + Float(velocity)
            position = moved > Float(Self.maxPosition) ? Self.maxPosition : (moved < Float(Self.minPosition) ? Self.minPosition : Double(moved))
        }
        let atWall = s.isFloat64 ? position == Self.minPosition : Float(position) == Float(Self.minPosition)
        if atWall && velocity < 0 { velocity = 0 }
        let terminated = s.isFloat64 ? position >= goalPosition && velocity >= goalVelocity
            : Float(position) >= Float(goalPosition) && Float(velocity) >= Float(goalVelocity)
        s = State(position: Double(Float(position)), velocity: Double(Float(velocity)))
        s.isFloat64 = false
        return ((terminated ? 100 : 0) - Double(a) * Double(a) * 0.1, terminated)
    }

    @inline(__always)
    public func observe(_ s: State, into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(s.position)
        observation[1] = Float(s.velocity)
    }

    public func render(_ s: State) -> RenderFrame {
        RenderFrame(kind: "mountaincar", values: ["position": s.position, "velocity": s.velocity, "goal_position": goalPosition])
    }
}

extension MountainCarDynamics.State: ClassicState {
    public static var savedValueCount: Int { 3 }
    public var savedValues: [Double] { [position, velocity, isFloat64 ? 1 : 0] }
    public init(savedValues v: [Double]) {
        self.init(position: v[0], velocity: v[1])
        isFloat64 = v[2] != 0
    }
}
