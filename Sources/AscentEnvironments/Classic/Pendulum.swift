import AscentRandom
import Foundation

/// Pendulum-v1: swing a pendulum up and balance it, with limited torque.
public typealias Pendulum = ClassicEnvironment<PendulumDynamics>

extension ClassicEnvironment where Dynamics == PendulumDynamics {
    /// A Pendulum with gravity `g` (Gymnasium's constructor argument, default 10).
    public convenience init(gravity: Double = 10) throws {
        var dynamics = PendulumDynamics()
        try dynamics.setValidated("gravity", to: gravity)
        self.init(dynamics)
    }
}

/// Gymnasium's Pendulum-v1 physics, exactly.
///
/// State (θ, θ̇) in Double, θ = 0 upright, counter-clockwise positive, θ not wrapped.
/// Torque u = clip(a, −max_torque, max_torque) as a Float (Gymnasium's float32 action);
/// reward −(norm(θ)² + 0.1 θ̇² + 0.001 u²) from the pre-step state, where norm is a floor
/// modulo into [−π, π); semi-implicit Euler θ̇′ = clip(θ̇ + (3g/2l · sin θ + 3/(ml²) · u) dt, ±8),
/// θ′ = θ + θ̇′ dt. The products with u are computed in Float, as NumPy ≥ 2 does for a float32
/// action. Observation [cos θ, sin θ, θ̇] as Float. Never terminates.
public struct PendulumDynamics: ClassicDynamics {
    public struct State: Sendable, Equatable {
        /// The angle; its sine and cosine are cached on every change (each step needs sin θ
        /// for the dynamics and both for the observation: two libm calls instead of three).
        public var theta: Double {
            didSet { (sinTheta, cosTheta) = sineAndCosine(theta) }
        }
        public var thetaDot: Double
        /// The last applied (clipped) torque, for drawing.
        public var torque: Float = 0
        public private(set) var sinTheta: Double
        public private(set) var cosTheta: Double

        public init(theta: Double, thetaDot: Double) {
            self.theta = theta
            self.thetaDot = thetaDot
            (sinTheta, cosTheta) = sineAndCosine(theta)
        }
    }

    public static let maxSpeed = 8.0
    public var gravity = 10.0, mass = 1.0, length = 1.0, maxTorque = 2.0, dt = 0.05

    public init() {}

    public var name: String { "Pendulum-v1" }
    public var observationSpace: Space { .box(.init(low: [-1, -1, -8], high: [1, 1, 8])) }
    /// Fixed at the nominal ±2 even when `max_torque` is randomised: the policy's output range stays put.
    public var actionSpace: Space { .box(.init(low: [-2], high: [2])) }
    public var resetOptionNames: [String] { ["x_init", "y_init"] }
    public var parameters: [PhysicalParameter] {
        [.init(name: "mass", nominal: 1, description: "pendulum mass m (kg)"),
         .init(name: "length", nominal: 1, description: "pendulum length l (m)"),
         .init(name: "gravity", nominal: 10, description: "gravitational acceleration g (m/s²)"),
         .init(name: "max_torque", nominal: 2, description: "torque limit (N·m); actions are clipped to it"),
         .init(name: "dt", nominal: 0.05, description: "time step (s)")]
    }

    public subscript(parameter name: String) -> Double {
        get {
            switch name {
            case "mass": mass
            case "length": length
            case "gravity": gravity
            case "max_torque": maxTorque
            default: dt
            }
        }
        set {
            switch name {
            case "mass": mass = newValue
            case "length": length = newValue
            case "gravity": gravity = newValue
            case "max_torque": maxTorque = newValue
            default: dt = newValue
            }
        }
    }

    /// θ ~ U(−x_init, x_init), θ̇ ~ U(−y_init, y_init) (defaults π and 1), drawn in that order.
    public func reset(options: ResetOptions, generator: inout RandomGenerator) throws -> State {
        let x = options["x_init"] ?? Double.pi, y = options["y_init"] ?? 1
        let theta = -x + 2 * x * generator.uniformDouble()
        return State(theta: theta, thetaDot: -y + 2 * y * generator.uniformDouble())
    }

    @inline(__always)
    public func step(_ state: inout State, action: UnsafeBufferPointer<Float>) -> (reward: Double, terminated: Bool) {
        let limit = Float(maxTorque)
        let u = Swift.min(Swift.max(action[0], -limit), limit)
        let angle = PendulumDynamics.normalizeAngle(state.theta)
        // `pow` where Gymnasium writes `x ** 2`, for bit equality: on float64 NumPy calls libm's pow,
        // on the float32 torque its powf, which rounds some exact ties of u · u the other way
        // (u = 1.2663574: 1.6036612 against 1.6036611).
        let cost = pow(angle, 2) + 0.1 * pow(state.thetaDot, 2) + Double(Float(0.001) * powf(u, 2))
        var thetaDot = state.thetaDot
            + (3 * gravity / (2 * length) * state.sinTheta + Double(Float(3.0 / (mass * length * length)) * u)) * dt
        thetaDot = Swift.min(Swift.max(thetaDot, -PendulumDynamics.maxSpeed), PendulumDynamics.maxSpeed)
        state.theta = state.theta + thetaDot * dt
        state.thetaDot = thetaDot
        state.torque = u
        return (-cost, false)
    }

    @inline(__always)
    public func observe(_ state: State, into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(state.cosTheta)
        observation[1] = Float(state.sinTheta)
        observation[2] = Float(state.thetaDot)
    }

    public func render(_ state: State) -> RenderFrame {
        RenderFrame(kind: "pendulum", values: ["theta": state.theta, "theta_dot": state.thetaDot, "torque": Double(state.torque),
                                               "length": length, "max_torque": maxTorque])
    }

    /// ((x + π) mod 2π) − π with a floor modulo (NumPy's `%`), giving [−π, π).
    @inline(__always)
    public static func normalizeAngle(_ x: Double) -> Double {
        let shifted = x + Double.pi
        // fmod returns its argument unchanged when it is already in [0, 2π): skip the call.
        if shifted >= 0 && shifted < 2 * Double.pi { return shifted - Double.pi }
        var m = fmod(shifted, 2 * Double.pi)
        if m < 0 { m += 2 * Double.pi }
        return m - Double.pi
    }
}

#if canImport(Glibc)
/// glibc's `sincos`: both values from one argument reduction, bit-identical to `sin` and `cos`
/// (the golden trajectories check it). Not exported by Swift's Glibc module, so declared here.
@_silgen_name("sincos")
private func glibcSinCos(_ x: Double, _ sine: UnsafeMutablePointer<Double>, _ cosine: UnsafeMutablePointer<Double>)

@inline(__always)
func sineAndCosine(_ x: Double) -> (Double, Double) {
    var s = 0.0, c = 0.0
    glibcSinCos(x, &s, &c)
    return (s, c)
}
#else
@inline(__always)
func sineAndCosine(_ x: Double) -> (Double, Double) { (sin(x), cos(x)) }
#endif

extension PendulumDynamics.State: ClassicState {
    public static var savedValueCount: Int { 3 }
    public var savedValues: [Double] { [theta, thetaDot, Double(torque)] }
    public init(savedValues v: [Double]) {
        self.init(theta: v[0], thetaDot: v[1])
        torque = Float(v[2])
    }
}
