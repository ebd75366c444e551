import Foundation

/// Acrobot-v1: swing the tip of a two-link chain above a line, torquing only the middle joint.
///
/// Exactly Gymnasium's "book" dynamics: one classical RK4 step of 0.2 s on
/// (θ₁, θ₂, θ̇₁, θ̇₂) in Double, angles wrapped to [−π, π] by repeated ±2π, velocities clipped
/// to ±4π and ±9π. Actions {0, 1, 2} apply torque −1, 0, +1. Reward −1 per step, 0 on the
/// terminating step (tip more than one link length above the pivot). The reset state is
/// drawn uniformly in ±0.1 and rounded to Float, as Gymnasium's float32 draw.
public final class Acrobot: ClassicEnvironment {
    public static let maxVelocity1 = 4 * Double.pi, maxVelocity2 = 9 * Double.pi
    public private(set) var state: [Double] = [0, 0, 0, 0]
    private var m1 = 1.0, m2 = 1.0, l1 = 1.0, l2 = 1.0
    private let dt = 0.2, inertia = 1.0, g = 9.8
    private var lastTorque = 0.0

    public init() {
        super.init(
            name: "Acrobot-v1",
            observationSpace: .box(.init(low: [-1, -1, -1, -1, -Float(Acrobot.maxVelocity1), -Float(Acrobot.maxVelocity2)],
                                         high: [1, 1, 1, 1, Float(Acrobot.maxVelocity1), Float(Acrobot.maxVelocity2)])),
            actionSpace: .discrete(count: 3),
            resetOptionNames: ["low", "high"],
            physicalParameters: [
                .init(name: "link_mass_1", nominal: 1, description: "mass of link 1 (kg)"),
                .init(name: "link_mass_2", nominal: 1, description: "mass of link 2 (kg)"),
                .init(name: "link_length_1", nominal: 1, description: "length of link 1 (m); its centre of mass is at half"),
                .init(name: "link_length_2", nominal: 1, description: "length of link 2 (m); its centre of mass is at half"),
            ])
    }

    public override func parametersDidChange() {
        m1 = parameter("link_mass_1"); m2 = parameter("link_mass_2")
        l1 = parameter("link_length_1"); l2 = parameter("link_length_2")
    }

    public func setState(_ newState: [Double]) {
        precondition(newState.count == 4, "Acrobot.setState: needs (θ1, θ2, θ̇1, θ̇2)")
        state = newState
    }

    public override func resetState(options: ResetOptions) throws -> [Float] {
        let (low, high) = try resetBounds(options, low: -0.1, high: 0.1)
        state = (0..<4).map { _ in Double(Float(low + (high - low) * generator.uniformDouble())) }
        return observation
    }

    /// Time derivative of (θ₁, θ₂, θ̇₁, θ̇₂) under torque `a`, term by term as Gymnasium's `_dsdt`.
    private func derivatives(_ s: [Double], torque a: Double) -> [Double] {
        let lc1 = l1 / 2, lc2 = l2 / 2, I1 = inertia, I2 = inertia
        let (theta1, theta2, dtheta1, dtheta2) = (s[0], s[1], s[2], s[3])
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
        return [dtheta1, dtheta2, ddtheta1, ddtheta2]
    }

    public override func advance(_ action: [Float]) -> Step {
        let torque = Double(action[0]) - 1
        lastTorque = torque
        // Classical RK4, evaluated in Gymnasium's order: y + dt/6 · (((k1 + 2k2) + 2k3) + k4).
        let y0 = state, half = dt / 2.0
        let k1 = derivatives(y0, torque: torque)
        let k2 = derivatives((0..<4).map { y0[$0] + half * k1[$0] }, torque: torque)
        let k3 = derivatives((0..<4).map { y0[$0] + half * k2[$0] }, torque: torque)
        let k4 = derivatives((0..<4).map { y0[$0] + dt * k3[$0] }, torque: torque)
        var next = (0..<4).map { y0[$0] + dt / 6.0 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
        next[0] = Acrobot.wrap(next[0])
        next[1] = Acrobot.wrap(next[1])
        next[2] = Swift.min(Swift.max(next[2], -Acrobot.maxVelocity1), Acrobot.maxVelocity1)
        next[3] = Swift.min(Swift.max(next[3], -Acrobot.maxVelocity2), Acrobot.maxVelocity2)
        state = next
        let terminated = -cos(state[0]) - cos(state[1] + state[0]) > 1.0
        return Step(observation: observation, reward: terminated ? 0 : -1, terminated: terminated)
    }

    /// Into [−π, π] by repeatedly subtracting or adding 2π (Gymnasium's `wrap`, not a modulo).
    static func wrap(_ x: Double) -> Double {
        var x = x
        let span = 2 * Double.pi
        while x > Double.pi { x -= span }
        while x < -Double.pi { x += span }
        return x
    }

    public var observation: [Float] {
        [Float(cos(state[0])), Float(sin(state[0])), Float(cos(state[1])), Float(sin(state[1])), Float(state[2]), Float(state[3])]
    }

    public override func render() -> RenderFrame {
        RenderFrame(kind: "acrobot", values: ["theta1": state[0], "theta2": state[1], "link_length_1": l1,
                                              "link_length_2": l2, "torque": lastTorque])
    }
}
