import AscentEnvironments
import AscentRandom
import Foundation
import Testing

/// A MuJoCo environment restored from a saved state continues exactly as the original: the
/// same observations, rewards, ends and episode statistics, bit for bit. That is what makes
/// a resumed training run on MuJoCo equal an uninterrupted one.
@Suite("Saving and restoring MuJoCo environment state", .enabled(if: MuJoCoAvailability.installed))
struct MuJoCoStateRestoreTests {
    /// Steps `original` with random actions, saves its state (through JSON, as checkpoints do),
    /// restores it into `copy` and steps both with the same actions.
    func expectExactContinuation(_ original: any VectorEnvironment, _ copy: any VectorEnvironment, before: Int, after: Int) throws {
        var generator = RandomGenerator(seed: 11)
        func actions() -> [Float] { (0..<(original.count * original.actionSize)).map { _ in generator.uniform(-1, 1) } }
        _ = try original.reset(seed: 5)
        _ = try copy.reset(seed: 99)  // a different state, which the restore must replace entirely
        var ended = 0
        for _ in 0..<before { ended += try original.step(actions()).doneIndices.count }
        let json = try JSONEncoder().encode(try original.savedEnvironmentState())
        try copy.restoreEnvironmentState(try JSONDecoder().decode(EnvironmentState.self, from: json))
        for _ in 0..<after {
            let a = actions()
            let (x, y) = (try original.step(a), try copy.step(a))
            #expect(x.observations == y.observations && x.rewards == y.rewards && x.terminated == y.terminated && x.truncated == y.truncated)
            #expect(x.infos == y.infos && x.finalObservations == y.finalObservations)
            ended += x.doneIndices.count
        }
        #expect(ended > 0, "episodes end and restart on both sides of the save")
    }

    /// The native batch: Ant reads contact forces and positions the last step computed.
    @Test(arguments: ["Hopper-v5", "Ant-v5"]) func nativeBatch(id: String) throws {
        try expectExactContinuation(try Environments.makeVector(id, count: 3), try Environments.makeVector(id, count: 3), before: 60, after: 60)
    }

    /// Separate environments with domain randomisation, delayed noisy actions and sensor noise.
    @Test func randomizedSerialCopies() throws {
        let settings = RandomizationSettings(parameters: [.init(name: "body_mass_scale", bounds: .multiplicative(low: 0.7, high: 1.3)),
                                                          .init(name: "geom_friction_scale", bounds: .multiplicative(low: 0.5, high: 1.5))],
                                             actionNoise: 0.05, observationNoise: 0.01, actionDelay: 2)
        func make() throws -> any VectorEnvironment {
            try SyncVectorEnvironment((0..<2).map { i in
                try DomainRandomization(try Environments.make("Hopper-v5"), settings: settings, seed: UInt64(i))
            })
        }
        try expectExactContinuation(try make(), try make(), before: 50, after: 60)
    }

    @Test func aStateOfAnotherModelIsRefused() throws {
        let hopper = try MuJoCoEnvironment("Hopper-v5"), cheetah = try MuJoCoEnvironment("HalfCheetah-v5")
        _ = try hopper.reset(seed: 1)
        #expect { try cheetah.restoreEnvironmentState(try hopper.savedEnvironmentState()) } throws: {
            "\($0)".contains("HalfCheetah-v5: the saved environment state has") && "\($0)".contains("values of 'simulation'")
        }
    }
}
