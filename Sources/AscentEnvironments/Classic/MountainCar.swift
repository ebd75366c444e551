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
/// reaching x ≥ 0.45 minus 0.1 a² of the *unclipped* action, and the state stored as
/// Float after every step (Gymnasium's float32 array). Both: velocity clipped to ±0.07,
/// position to [−1.2, 0.6], and the car stops against the left wall.
public struct MountainCarDynamics: ClassicDynamics {
    public struct State: Sendable, Equatable {
        public var position, velocity: Double
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
        let a = action[0]
        let push = continuous ? Double(Swift.min(Swift.max(a, -1), 1)) * power : (Double(a) - 1) * power
        // Gymnasium adds the whole right-hand side to the velocity at once: v += (push − g cos 3x).
        var velocity = s.velocity + (push + cos(3 * s.position) * -Self.gravity)
        velocity = Swift.min(Swift.max(velocity, -Self.maxSpeed), Self.maxSpeed)
        var position = Swift.min(Swift.max(s.position + velocity, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= goalPosition && velocity >= goalVelocity
        guard continuous else {
            s = State(position: position, velocity: velocity)
            return (-1, terminated)
        }
        position = Double(Float(position))
        velocity = Double(Float(velocity))
        s = State(position: position, velocity: velocity)
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
    public static var savedValueCount: Int { 2 }
    public var savedValues: [Double] { [position, velocity] }
    public init(savedValues v: [Double]) { self.init(position: v[0], velocity: v[1]) }
}
