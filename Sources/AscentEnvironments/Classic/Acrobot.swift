import AscentRandom
import Foundation

/// Acrobot-v1: swing the tip of a two-link chain above a line, torquing only the middle joint.
public typealias Acrobot = ClassicEnvironment<AcrobotDynamics>

extension ClassicEnvironment where Dynamics == AcrobotDynamics {
    public convenience init() { self.init(AcrobotDynamics()) }
}

/// Gymnasium's Acrobot-v1 ("book" dynamics), exactly, in Double.
///
/// One classical RK4 step of 0.2 s on (θ₁, θ₂, θ̇₁, θ̇₂); angles wrapped to [−π, π] by
/// repeated ±2π, velocities clipped to ±4π and ±9π. Actions {0, 1, 2} apply torque −1, 0,
/// +1 at the middle joint. Reward −1 per step and 0 on the terminating step (tip more than
/// one link length above the pivot). Reset draws each component in ±0.1 and rounds it to
/// Float, as Gymnasium's float32 draw. Centres of mass sit at half of each link.
public struct AcrobotDynamics: ClassicDynamics {
    public struct State: Sendable, Equatable {
        public var theta1, theta2, theta1Dot, theta2Dot: Double
        public var torque = 0.0
        public init(theta1: Double, theta2: Double, theta1Dot: Double, theta2Dot: Double) {
            self.theta1 = theta1; self.theta2 = theta2; self.theta1Dot = theta1Dot; self.theta2Dot = theta2Dot
        }
    }

    public static let maxVelocity1 = 4 * Double.pi, maxVelocity2 = 9 * Double.pi
    public var mass1 = 1.0, mass2 = 1.0, length1 = 1.0, length2 = 1.0
    let dt = 0.2, inertia = 1.0, g = 9.8

    public init() {}

    public var name: String { "Acrobot-v1" }
    public var observationSpace: Space {
        let high: [Float] = [1, 1, 1, 1, Float(Self.maxVelocity1), Float(Self.maxVelocity2)]
        return .box(.init(low: high.map { -$0 }, high: high))
    }
    public var actionSpace: Space { .discrete(count: 3) }
    public var resetOptionNames: [String] { ["low", "high"] }
    public var parameters: [PhysicalParameter] {
        [.init(name: "link_mass_1", nominal: 1, description: "mass of link 1 (kg)"),
         .init(name: "link_mass_2", nominal: 1, description: "mass of link 2 (kg)"),
         .init(name: "link_length_1", nominal: 1, description: "length of link 1 (m)"),
         .init(name: "link_length_2", nominal: 1, description: "length of link 2 (m)")]
    }

    public subscript(parameter name: String) -> Double {
        get {
            switch name {
            case "link_mass_1": mass1
            case "link_mass_2": mass2
            case "link_length_1": length1
            default: length2
            }
        }
        set {
            switch name {
            case "link_mass_1": mass1 = newValue
            case "link_mass_2": mass2 = newValue
            case "link_length_1": length1 = newValue
            default: length2 = newValue
            }
        }
    }

    public func reset(options: ResetOptions, generator: inout RandomGenerator) throws -> State {
        let (low, high) = try resetBounds(options, low: -0.1, high: 0.1)
        var draws = [Double]()
        for _ in 0..<4 { draws.append(Double(Float(low + (high - low) * generator.uniformDouble()))) }
        return State(theta1: draws[0], theta2: draws[1], theta1Dot: draws[2], theta2Dot: draws[3])
    }

    typealias Vector = (Double, Double, Double, Double)

    /// d/dt (θ₁, θ₂, θ̇₁, θ̇₂) under torque `a`, term by term as Gymnasium's `_dsdt`.
    @inline(__always)
    func derivatives(_ s: Vector, torque a: Double) -> Vector {
        let (m1, m2, l1) = (mass1, mass2, length1)
        let lc1 = length1 / 2, lc2 = length2 / 2, I1 = inertia, I2 = inertia
        let (theta1, theta2, dtheta1, dtheta2) = s
        let d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos(theta2)) + I1 + I2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(theta2)) + I2
        let phi2 = m2 * lc2 * g * cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin(theta2) - phi2)
            / (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return (dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    @inline(__always)
    public func step(_ s: inout State, action: UnsafeBufferPointer<Float>) -> (reward: Double, terminated: Bool) {
        let torque = Double(action[0]) - 1
        // Classical RK4 in Gymnasium's order: y + dt/6 · (((k1 + 2k2) + 2k3) + k4).
        let y: Vector = (s.theta1, s.theta2, s.theta1Dot, s.theta2Dot), h = dt / 2.0
        func axpy(_ a: Vector, _ scale: Double, _ k: Vector) -> Vector {
            (a.0 + scale * k.0, a.1 + scale * k.1, a.2 + scale * k.2, a.3 + scale * k.3)
        }
        let k1 = derivatives(y, torque: torque)
        let k2 = derivatives(axpy(y, h, k1), torque: torque)
        let k3 = derivatives(axpy(y, h, k2), torque: torque)
        let k4 = derivatives(axpy(y, dt, k3), torque: torque)
        let w = dt / 6.0
        s.theta1 = Self.wrap(y.0 + w * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0))
        s.theta2 = Self.wrap(y.1 + w * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1))
        s.theta1Dot = Swift.min(Swift.max(y.2 + w * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2), -Self.maxVelocity1), Self.maxVelocity1)
        s.theta2Dot = Swift.min(Swift.max(y.3 + w * (k1.3 + 2 * k2.3 + 2 * k3.3 + k4.3), -Self.maxVelocity2), Self.maxVelocity2)
        s.torque = torque
        let terminated = -cos(s.theta1) - cos(s.theta2 + s.theta1) > 1.0
        return (terminated ? 0 : -1, terminated)
    }

    /// Into [−π, π] by repeatedly subtracting or adding 2π (Gymnasium's `wrap`, not a modulo).
    static func wrap(_ x: Double) -> Double {
        var x = x
        while x > Double.pi { x -= 2 * Double.pi }
        while x < -Double.pi { x += 2 * Double.pi }
        return x
    }

    @inline(__always)
    public func observe(_ s: State, into o: UnsafeMutableBufferPointer<Float>) {
        o[0] = Float(cos(s.theta1)); o[1] = Float(sin(s.theta1)); o[2] = Float(cos(s.theta2)); o[3] = Float(sin(s.theta2))
        o[4] = Float(s.theta1Dot); o[5] = Float(s.theta2Dot)
    }

    public func render(_ s: State) -> RenderFrame {
        RenderFrame(kind: "acrobot", values: ["theta1": s.theta1, "theta2": s.theta2, "link_length_1": length1,
                                              "link_length_2": length2, "torque": s.torque])
    }
}

extension AcrobotDynamics.State: ClassicState {
    public static var savedValueCount: Int { 5 }
    public var savedValues: [Double] { [theta1, theta2, theta1Dot, theta2Dot, torque] }
    public init(savedValues v: [Double]) {
        self.init(theta1: v[0], theta2: v[1], theta1Dot: v[2], theta2Dot: v[3])
        torque = v[4]
    }
}
