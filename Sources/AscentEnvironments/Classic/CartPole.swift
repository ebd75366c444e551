import Foundation

/// CartPole-v1: balance a pole on a cart by pushing it left or right.
///
/// Exactly Gymnasium's dynamics in Double (explicit Euler by default; positions update
/// with the old velocities). Actions: Discrete(2), 0 pushes left, 1 right. Reward +1 every
/// step including the terminating one (or Sutton & Barto's 0 / −1 with
/// `suttonBartoReward`). Terminates when |x| > 2.4 or |θ| > 12°.
public final class CartPole: ClassicEnvironment {
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    public static let xThreshold = 2.4
    public private(set) var state: (x: Double, xDot: Double, theta: Double, thetaDot: Double) = (0, 0, 0, 0)
    public let suttonBartoReward: Bool
    public let semiImplicitEuler: Bool
    private var gravity = 9.8, cartMass = 1.0, poleMass = 0.1, halfLength = 0.5, forceMagnitude = 10.0, tau = 0.02

    public init(suttonBartoReward: Bool = false, semiImplicitEuler: Bool = false) {
        self.suttonBartoReward = suttonBartoReward
        self.semiImplicitEuler = semiImplicitEuler
        let high: [Float] = [Float(CartPole.xThreshold * 2), .greatestFiniteMagnitude, Float(CartPole.thetaThreshold * 2), .greatestFiniteMagnitude]
        super.init(
            name: "CartPole-v1",
            observationSpace: .box(.init(low: high.map { -$0 }, high: high)),
            actionSpace: .discrete(count: 2),
            resetOptionNames: ["low", "high"],
            physicalParameters: [
                .init(name: "cart_mass", nominal: 1, description: "cart mass (kg)"),
                .init(name: "pole_mass", nominal: 0.1, description: "pole mass (kg)"),
                .init(name: "pole_length", nominal: 0.5, description: "half the pole's length (m), as Gymnasium's `length`"),
                .init(name: "force", nominal: 10, description: "push force magnitude (N)"),
                .init(name: "gravity", nominal: 9.8, description: "gravitational acceleration (m/s²)"),
            ])
    }

    public override func parametersDidChange() {
        cartMass = parameter("cart_mass"); poleMass = parameter("pole_mass"); halfLength = parameter("pole_length")
        forceMagnitude = parameter("force"); gravity = parameter("gravity")
    }

    public func setState(x: Double, xDot: Double, theta: Double, thetaDot: Double) { state = (x, xDot, theta, thetaDot) }

    public override func resetState(options: ResetOptions) throws -> [Float] {
        let (low, high) = try resetBounds(options, low: -0.05, high: 0.05)
        func draw() -> Double { low + (high - low) * generator.uniformDouble() }
        state = (draw(), draw(), draw(), draw())
        return observation
    }

    public override func advance(_ action: [Float]) -> Step {
        var (x, xDot, theta, thetaDot) = state
        let force = action[0] == 1 ? forceMagnitude : -forceMagnitude
        let cosTheta = cos(theta), sinTheta = sin(theta)
        let totalMass = poleMass + cartMass, poleMassLength = poleMass * halfLength
        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let thetaAcc = (gravity * sinTheta - cosTheta * temp)
            / (halfLength * (4.0 / 3.0 - poleMass * (cosTheta * cosTheta) / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        if semiImplicitEuler {
            xDot = xDot + tau * xAcc; x = x + tau * xDot
            thetaDot = thetaDot + tau * thetaAcc; theta = theta + tau * thetaDot
        } else {
            x = x + tau * xDot; xDot = xDot + tau * xAcc
            theta = theta + tau * thetaDot; thetaDot = thetaDot + tau * thetaAcc
        }
        state = (x, xDot, theta, thetaDot)
        let terminated = x < -CartPole.xThreshold || x > CartPole.xThreshold
            || theta < -CartPole.thetaThreshold || theta > CartPole.thetaThreshold
        let reward: Double = suttonBartoReward ? (terminated ? -1 : 0) : 1
        return Step(observation: observation, reward: reward, terminated: terminated)
    }

    public var observation: [Float] { [Float(state.x), Float(state.xDot), Float(state.theta), Float(state.thetaDot)] }

    public override func render() -> RenderFrame {
        RenderFrame(kind: "cartpole", values: ["x": state.x, "theta": state.theta, "pole_length": halfLength,
                                               "x_threshold": CartPole.xThreshold])
    }
}
