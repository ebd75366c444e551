import Foundation
import Testing
@testable import AscentEnvironments

/// Trajectories recorded from Gymnasium itself by `scripts/gymnasium_fixtures.py`.
struct Fixture: Decodable {
    struct Case: Decodable {
        let start: [Double]
        let actions: [[Double]]
        let steps: [Step]
    }
    struct Step: Decodable {
        let observation: [Double]
        let reward: Double
        let terminated: Bool
        let state: [Double]
    }
    let environment: String
    let cases: [Case]

    static func load(_ name: String) throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }
}

/// Replays every recorded step through `dynamics`. `tolerance` 0 demands bit equality.
func replay<D: ClassicDynamics>(_ dynamics: D, fixture name: String, tolerance: Double,
                                state: ([Double]) -> D.State, values: (D.State) -> [Double]) throws -> Int {
    let fixture = try Fixture.load(name)
    var checked = 0
    for (c, recorded) in fixture.cases.enumerated() {
        var current = state(recorded.start)
        for (t, step) in recorded.steps.enumerated() {
            let action = recorded.actions[t].map { Float($0) }
            let (reward, terminated) = action.withUnsafeBufferPointer { dynamics.step(&current, action: $0) }
            var observation = [Float](repeating: 0, count: dynamics.observationSpace.flatCount)
            observation.withUnsafeMutableBufferPointer { dynamics.observe(current, into: $0) }
            let context = "\(name) case \(c) step \(t)"
            #expect(terminated == step.terminated, "\(context): terminated")
            #expect(Swift.abs(reward - step.reward) <= tolerance, "\(context): reward \(reward) vs \(step.reward)")
            for (ours, theirs) in zip(observation, step.observation) {
                #expect(Swift.abs(Double(ours) - theirs) <= tolerance, "\(context): observation \(observation) vs \(step.observation)")
            }
            for (ours, theirs) in zip(values(current), step.state) {
                #expect(Swift.abs(ours - theirs) <= tolerance, "\(context): state \(values(current)) vs \(step.state)")
            }
            checked += 1
        }
    }
    return checked
}

@Suite("Dynamics match Gymnasium's recorded trajectories")
struct GoldenTrajectoryTests {
    @Test func pendulumBitExact() throws {
        let n = try replay(PendulumDynamics(), fixture: "Pendulum-v1", tolerance: 0,
                           state: { .init(theta: $0[0], thetaDot: $0[1]) }, values: { [$0.theta, $0.thetaDot] })
        #expect(n == 360)
    }

    @Test func cartPoleBitExactThroughTermination() throws {
        let n = try replay(CartPoleDynamics(), fixture: "CartPole-v1", tolerance: 0,
                           state: { .init(x: $0[0], xDot: $0[1], theta: $0[2], thetaDot: $0[3]) },
                           values: { [$0.x, $0.xDot, $0.theta, $0.thetaDot] })
        #expect(n > 40)
    }

    @Test func mountainCarBitExact() throws {
        let n = try replay(MountainCarDynamics(continuous: false), fixture: "MountainCar-v0", tolerance: 0,
                           state: { .init(position: $0[0], velocity: $0[1]) }, values: { [$0.position, $0.velocity] })
        #expect(n > 100)
    }

    /// Gymnasium squares the float32 torque with `**` (libm's powf), which differs from u · u on
    /// exact ties: state (0, 0), torque 1.2663574 gives Gymnasium's −0.0016036612214520574.
    @Test func pendulumRewardSquaresTheTorqueAsGymnasiumDoes() {
        var state = PendulumDynamics.State(theta: 0, thetaDot: 0)
        let (reward, _) = [Float(1.2663574)].withUnsafeBufferPointer { PendulumDynamics().step(&state, action: $0) }
        #expect(reward == -0.0016036612214520574)
    }

    /// Gymnasium's mixed float64/float32 arithmetic, emulated step for step.
    @Test func mountainCarContinuousBitExact() throws {
        let n = try replay(MountainCarDynamics(continuous: true), fixture: "MountainCarContinuous-v0", tolerance: 0,
                           state: { .init(position: $0[0], velocity: $0[1]) }, values: { [$0.position, $0.velocity] })
        #expect(n > 100)
    }

    @Test func acrobotRK4BitExact() throws {
        let n = try replay(AcrobotDynamics(), fixture: "Acrobot-v1", tolerance: 0,
                           state: { .init(theta1: $0[0], theta2: $0[1], theta1Dot: $0[2], theta2Dot: $0[3]) },
                           values: { [$0.theta1, $0.theta2, $0.theta1Dot, $0.theta2Dot] })
        #expect(n > 100)
    }
}
