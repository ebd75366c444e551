import Foundation

/// MountainCar-v0 and MountainCarContinuous-v0: drive an under-powered car up a hill by
/// building momentum.
///
/// Both follow Gymnasium exactly. Discrete (v0): actions {0, 1, 2} push with force
/// (a − 1) · 0.001, reward −1 per step, goal at x ≥ 0.5, state kept in Double.
/// Continuous: force = clip(a, −1, 1) · power (0.0015), reward 100 on reaching x ≥ 0.45
/// minus 0.1 a² of the *unclipped* action, and the state stored as Float after every step
/// (as Gymnasium's float32 array). Both: velocity clipped to ±0.07, position to
/// [−1.2, 0.6], and the car stops against the left wall.
public final class MountainCar: ClassicEnvironment {
    public let continuous: Bool
    public private(set) var position = 0.0
    public private(set) var velocity = 0.0
    public let goalVelocity: Double
    private var power: Double
    private let goalPosition: Double
    static let minPosition = -1.2, maxPosition = 0.6, maxSpeed = 0.07, gravity = 0.0025

    public init(continuous: Bool, goalVelocity: Double = 0) {
        self.continuous = continuous
        self.goalVelocity = goalVelocity
        goalPosition = continuous ? 0.45 : 0.5
        power = continuous ? 0.0015 : 0.001
        super.init(
            name: continuous ? "MountainCarContinuous-v0" : "MountainCar-v0",
            observationSpace: .box(.init(low: [-1.2, -0.07], high: [0.6, 0.07])),
            actionSpace: continuous ? .box(.init(low: [-1], high: [1])) : .discrete(count: 3),
            resetOptionNames: ["low", "high"],
            physicalParameters: [
                .init(name: "power", nominal: continuous ? 0.0015 : 0.001, description: "engine force per unit action"),
            ])
    }

    public override func parametersDidChange() { power = parameter("power") }

    public func setState(position: Double, velocity: Double) {
        self.position = position
        self.velocity = velocity
    }

    public override func resetState(options: ResetOptions) throws -> [Float] {
        let (low, high) = try resetBounds(options, low: -0.6, high: -0.4)
        position = low + (high - low) * generator.uniformDouble()
        velocity = 0
        return observation
    }

    public override func advance(_ action: [Float]) -> Step {
        let push = continuous ? Double(Swift.min(Swift.max(action[0], -1), 1)) * power : (Double(action[0]) - 1) * power
        velocity += push - MountainCar.gravity * cos(3 * position)
        velocity = Swift.min(Swift.max(velocity, -MountainCar.maxSpeed), MountainCar.maxSpeed)
        position += velocity
        position = Swift.min(Swift.max(position, MountainCar.minPosition), MountainCar.maxPosition)
        if position == MountainCar.minPosition && velocity < 0 { velocity = 0 }
        let terminated = position >= goalPosition && velocity >= goalVelocity
        var reward = -1.0
        if continuous {
            reward = (terminated ? 100 : 0) - Double(action[0]) * Double(action[0]) * 0.1
            position = Double(Float(position))
            velocity = Double(Float(velocity))
        }
        return Step(observation: observation, reward: reward, terminated: terminated)
    }

    public var observation: [Float] { [Float(position), Float(velocity)] }

    public override func render() -> RenderFrame {
        RenderFrame(kind: "mountaincar", values: ["position": position, "velocity": velocity, "goal_position": goalPosition])
    }
}
