import AscentRandom
import Foundation

/// CartPole-v1: balance a pole on a cart by pushing it left or right.
public typealias CartPole = ClassicEnvironment<CartPoleDynamics>

extension ClassicEnvironment where Dynamics == CartPoleDynamics {
    public convenience init(suttonBartoReward: Bool = false) {
        var dynamics = CartPoleDynamics()
        dynamics.suttonBartoReward = suttonBartoReward
        self.init(dynamics)
    }
}

/// Gymnasium's CartPole physics, exactly, in Double.
///
/// Explicit Euler by default (positions update with the old velocities). Actions:
/// Discrete(2), 0 pushes left and 1 right. Reward +1 every step including the terminating
/// one (Sutton & Barto's 0 / −1 with `suttonBartoReward`). Terminates when |x| > 2.4 or
/// |θ| > 12°. `pole_length` is half the pole's length, as Gymnasium's `length`.
public struct CartPoleDynamics: ClassicDynamics {
    public struct State: Sendable, Equatable {
        public var x, xDot, theta, thetaDot: Double
        public init(x: Double, xDot: Double, theta: Double, thetaDot: Double) {
            self.x = x; self.xDot = xDot; self.theta = theta; self.thetaDot = thetaDot
        }
    }

    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4
    public var gravity = 9.8, cartMass = 1.0, poleMass = 0.1, halfLength = 0.5, forceMagnitude = 10.0, tau = 0.02
    public var suttonBartoReward = false
    public var semiImplicitEuler = false

    public init() {}

    public var name: String { "CartPole-v1" }
    public var observationSpace: Space {
        let high: [Float] = [Float(Self.xThreshold * 2), .greatestFiniteMagnitude, Float(Self.thetaThreshold * 2), .greatestFiniteMagnitude]
        return .box(.init(low: high.map { -$0 }, high: high))
    }
    public var actionSpace: Space { .discrete(count: 2) }
    public var resetOptionNames: [String] { ["low", "high"] }
    public var parameters: [PhysicalParameter] {
        [.init(name: "cart_mass", nominal: 1, description: "cart mass (kg)"),
         .init(name: "pole_mass", nominal: 0.1, description: "pole mass (kg)"),
         .init(name: "pole_length", nominal: 0.5, description: "half the pole's length (m)"),
         .init(name: "force", nominal: 10, description: "push force magnitude (N)"),
         .init(name: "gravity", nominal: 9.8, description: "gravitational acceleration (m/s²)")]
    }

    public subscript(parameter name: String) -> Double {
        get {
            switch name {
            case "cart_mass": cartMass
            case "pole_mass": poleMass
            case "pole_length": halfLength
            case "force": forceMagnitude
            default: gravity
            }
        }
        set {
            switch name {
            case "cart_mass": cartMass = newValue
            case "pole_mass": poleMass = newValue
            case "pole_length": halfLength = newValue
            case "force": forceMagnitude = newValue
            default: gravity = newValue
            }
        }
    }

    /// Each state component ~ U(low, high), default ±0.05.
    public func reset(options: ResetOptions, generator: inout RandomGenerator) throws -> State {
        let (low, high) = try resetBounds(options, low: -0.05, high: 0.05)
        var draws = [Double]()
        for _ in 0..<4 { draws.append(low + (high - low) * generator.uniformDouble()) }
        return State(x: draws[0], xDot: draws[1], theta: draws[2], thetaDot: draws[3])
    }

    @inline(__always)
    public func step(_ s: inout State, action: UnsafeBufferPointer<Float>) -> (reward: Double, terminated: Bool) {
        let force = action[0] == 1 ? forceMagnitude : -forceMagnitude
        let cosTheta = cos(s.theta), sinTheta = sin(s.theta)
        let totalMass = poleMass + cartMass, poleMassLength = poleMass * halfLength
        let temp = (force + poleMassLength * (s.thetaDot * s.thetaDot) * sinTheta) / totalMass
        let thetaAcc = (gravity * sinTheta - cosTheta * temp)
            / (halfLength * (4.0 / 3.0 - poleMass * (cosTheta * cosTheta) / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        if semiImplicitEuler {
            s.xDot = s.xDot + tau * xAcc; s.x = s.x + tau * s.xDot
            s.thetaDot = s.thetaDot + tau * thetaAcc; s.theta = s.theta + tau * s.thetaDot
        } else {
            s.x = s.x + tau * s.xDot; s.xDot = s.xDot + tau * xAcc
            s.theta = s.theta + tau * s.thetaDot; s.thetaDot = s.thetaDot + tau * thetaAcc
        }
        let terminated = s.x < -Self.xThreshold || s.x > Self.xThreshold || s.theta < -Self.thetaThreshold || s.theta > Self.thetaThreshold
        return (suttonBartoReward ? (terminated ? -1 : 0) : 1, terminated)
    }

    @inline(__always)
    public func observe(_ s: State, into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(s.x); observation[1] = Float(s.xDot); observation[2] = Float(s.theta); observation[3] = Float(s.thetaDot)
    }

    public func render(_ s: State) -> RenderFrame {
        RenderFrame(kind: "cartpole", values: ["x": s.x, "theta": s.theta, "pole_length": halfLength, "x_threshold": Self.xThreshold])
    }
}

extension CartPoleDynamics.State: ClassicState {
    public static var savedValueCount: Int { 4 }
    public var savedValues: [Double] { [x, xDot, theta, thetaDot] }
    public init(savedValues v: [Double]) { self.init(x: v[0], xDot: v[1], theta: v[2], thetaDot: v[3]) }
}
