import Foundation
import AscentEnvironments
import Testing

@Suite("Domain randomisation of MuJoCo physics", .enabled(if: MuJoCoAvailability.installed))
struct MuJoCoRandomizationTests {
    @Test func invalidValuesAreRefusedWithTheValidRange() throws {
        let env = try MuJoCoEnvironment("Hopper-v5")
        #expect { try env.setPhysicalParameter("body_mass:torso", to: 0) } throws: { "\($0)".contains("must be finite and > 0.0") }
        #expect { try env.setPhysicalParameter("geom_friction_scale", to: -0.1) } throws: { "\($0)".contains("≥ 0") }
        #expect { try env.setPhysicalParameter("gravity", to: .nan) } throws: { "\($0)".contains("must be finite") }
        #expect { try env.setPhysicalParameter("body_mass:wing", to: 1) } throws: { "\($0)".contains("body_mass:torso") }
        try env.setPhysicalParameter("geom_friction_scale", to: 0)  // frictionless is physical
        #expect(try env.physicalParameter("geom_friction_scale") == 0)
    }

    @Test func randomizationSettingsAreValidatedAgainstTheModel() throws {
        let env = try MuJoCoEnvironment("HalfCheetah-v5")
        let empty = RandomizationSettings(parameters: [.init(name: "body_mass:torso", bounds: .multiplicative(low: 1.2, high: 0.8))])
        #expect { try DomainRandomization(env, settings: empty) } throws: { "\($0)".contains("is empty") }
        let massless = RandomizationSettings(parameters: [.init(name: "body_mass_scale", bounds: .absolute(low: 0, high: 1))])
        #expect { try DomainRandomization(env, settings: massless) } throws: { "\($0)".contains("must stay above 0") }
    }

    @Test func randomizedEpisodesReportAndApplyTheirParameters() throws {
        let settings = RandomizationSettings(parameters: [.init(name: "body_mass_scale", bounds: .multiplicative(low: 0.5, high: 1.5)),
                                                          .init(name: "geom_friction_scale", bounds: .multiplicative(low: 0.5, high: 1.5))])
        let env = try MuJoCoEnvironment("HalfCheetah-v5")
        let randomized = try DomainRandomization(env, settings: settings, seed: 3)
        var masses: Set<Double> = []
        for episode in 0..<5 {
            let (_, info) = try randomized.reset(seed: episode == 0 ? 1 : nil)
            let mass = try #require(info["param.body_mass_scale"])
            #expect((0.5...1.5).contains(mass))
            #expect(try env.physicalParameter("body_mass_scale") == mass)
            masses.insert(mass)
        }
        #expect(masses.count == 5)
    }

    /// Heavier bodies under the same torques move less: the parameter reaches the physics.
    @Test func heavierCheetahAcceleratesLess() throws {
        func distance(massScale: Double) throws -> Double {
            let env = try MuJoCoEnvironment("HalfCheetah-v5", options: ["reset_noise_scale": 0])
            try env.setPhysicalParameter("body_mass_scale", to: massScale)
            _ = try env.reset(seed: 0)
            for t in 0..<100 { _ = try env.step([Float](repeating: t % 20 < 10 ? 1 : -1, count: 6)) }
            return abs(env.qvel.reduce(0) { $0 + abs($1) })
        }
        #expect(try distance(massScale: 3) < distance(massScale: 1))
    }

    @Test func vectorSubEnvironmentsTakeTheirOwnParameters() throws {
        let vector = try #require(try Environments.makeVector("InvertedPendulum-v5", count: 2, options: ["reset_noise_scale": 0]) as? MuJoCoVectorEnvironment)
        try vector.setPhysicalParameter("gravity", to: 30, index: 1)
        _ = try vector.reset(seed: 0)
        var step = VectorStep()
        try vector.step([0.5, 0.5], into: &step)
        for _ in 0..<20 { try vector.step([0, 0], into: &step) }
        #expect(step.observations[0..<4] != step.observations[4..<8], "gravity 30 changes the second pendulum's motion")
        #expect { try vector.setPhysicalParameter("gravity", to: 5, index: 2) } throws: { "\($0)".contains("no sub-environment 2") }
    }
}

@Suite("Actuator latency", .enabled(if: MuJoCoAvailability.installed))
struct ActionDelayTests {
    /// With a delay of k, step t applies the action of step t − k: the delayed run equals the
    /// undelayed one fed k zero actions first.
    @Test func delayedActionsEqualShiftedActions() throws {
        let actions: [[Float]] = (0..<30).map { t in [Float](repeating: t % 7 < 3 ? 0.8 : -0.6, count: 6) }
        let delayed = try DomainRandomization(try MuJoCoEnvironment("HalfCheetah-v5"), settings: RandomizationSettings(parameters: [], actionDelay: 2))
        let plain = try MuJoCoEnvironment("HalfCheetah-v5")
        _ = try delayed.reset(seed: 4)
        _ = try plain.reset(seed: 4)
        let shifted = [[Float]](repeating: [Float](repeating: 0, count: 6), count: 2) + actions
        for t in 0..<30 {
            #expect(try delayed.step(actions[t]).observation == plain.step(shifted[t]).observation, "step \(t)")
        }
        #expect { try delayed.step([0, .nan, 0, 0, 0, 0]) } throws: { "\($0)".contains("finite") }
    }

    @Test func oldSettingsWithoutADelayStillDecode() throws {
        let json = #"{"parameters":[],"resampleEveryEpisodes":1,"actionNoise":0,"observationNoise":0}"#
        #expect(try JSONDecoder().decode(RandomizationSettings.self, from: Data(json.utf8)).actionDelay == 0)
        #expect { try DomainRandomization(try MuJoCoEnvironment("Hopper-v5"), settings: RandomizationSettings(parameters: [], actionDelay: -1)) } throws: {
            "\($0)".contains("actionDelay")
        }
    }
}
