import Foundation

/// Pendulum-v1: swing a pendulum up and balance it, with limited torque.
///
/// Exactly Gymnasium's dynamics: state (θ, θ̇) in Double with θ = 0 upright, torque
/// u = clip(a, −2, 2) (a Float, as Gymnasium's float32 action), reward
/// −(norm(θ)² + 0.1 θ̇² + 0.001 u²) from the pre-step state, semi-implicit Euler
/// θ̇′ = clip(θ̇ + (3g/2l · sin θ + 3/(ml²) · u) dt, ±8), θ′ = θ + θ̇′ dt.
/// Observation [cos θ, sin θ, θ̇] as Float. Never terminates (200-step limit in the registry).
public final class Pendulum: ClassicEnvironment {
    public static let maxSpeed = 8.0
    public private(set) var theta = 0.0
    public private(set) var thetaDot = 0.0
    public private(set) var lastTorque: Float = 0

    // Cached physical parameters (hot loop).
    private var g = 10.0, mass = 1.0, length = 1.0, maxTorque: Float = 2, dt = 0.05

    public init(gravity: Double = 10) throws {
        super.init(
            name: "Pendulum-v1",
            observationSpace: .box(.init(low: [-1, -1, -8], high: [1, 1, 8])),
            actionSpace: .box(.init(low: [-2], high: [2])),
            resetOptionNames: ["x_init", "y_init"],
            physicalParameters: [
                .init(name: "mass", nominal: 1, description: "pendulum mass m (kg)"),
                .init(name: "length", nominal: 1, description: "pendulum length l (m)"),
                .init(name: "gravity", nominal: 10, description: "gravitational acceleration g (m/s²)"),
                .init(name: "max_torque", nominal: 2, description: "torque limit (N·m); the action is clipped to it"),
                .init(name: "dt", nominal: 0.05, description: "time step (s)"),
            ])
        try setPhysicalParameter("gravity", to: gravity)
    }

    public override func parametersDidChange() {
        g = parameter("gravity"); mass = parameter("mass"); length = parameter("length")
        maxTorque = Float(parameter("max_torque")); dt = parameter("dt")
    }

    /// Sets the state directly (golden tests, demonstrations).
    public func setState(theta: Double, thetaDot: Double) {
        self.theta = theta
        self.thetaDot = thetaDot
    }

    public override func resetState(options: ResetOptions) throws -> [Float] {
        // Symmetric bounds: θ ~ U(−x_init, x_init), θ̇ ~ U(−y_init, y_init).
        let x = options["x_init"] ?? Double.pi, y = options["y_init"] ?? 1
        theta = -x + 2 * x * generator.uniformDouble()
        thetaDot = -y + 2 * y * generator.uniformDouble()
        return observation
    }

    public override func advance(_ action: [Float]) -> Step {
        let u = Swift.min(Swift.max(action[0], -maxTorque), maxTorque)
        lastTorque = u
        let angle = Pendulum.normalizeAngle(theta)
        // Float products where Gymnasium's float32 action makes NumPy compute in float32.
        let cost = angle * angle + 0.1 * thetaDot * thetaDot + Double(Float(0.001) * (u * u))
        var newThetaDot = thetaDot + (3 * g / (2 * length) * sin(theta) + Double(Float(3.0 / (mass * length * length)) * u)) * dt
        newThetaDot = Swift.min(Swift.max(newThetaDot, -Pendulum.maxSpeed), Pendulum.maxSpeed)
        theta = theta + newThetaDot * dt
        thetaDot = newThetaDot
        return Step(observation: observation, reward: -cost, terminated: false)
    }

    public var observation: [Float] { [Float(cos(theta)), Float(sin(theta)), Float(thetaDot)] }

    /// ((x + π) mod 2π) − π with a floor modulo (NumPy's `%`), giving [−π, π).
    @inline(__always)
    public static func normalizeAngle(_ x: Double) -> Double {
        var m = fmod(x + Double.pi, 2 * Double.pi)
        if m < 0 { m += 2 * Double.pi }
        return m - Double.pi
    }

    public override func render() -> RenderFrame {
        RenderFrame(kind: "pendulum", values: ["theta": theta, "theta_dot": thetaDot, "torque": Double(lastTorque),
                                               "length": length, "max_torque": Double(maxTorque)])
    }
}
