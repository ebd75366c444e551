import AscentEnvironments
import AscentTensor
import Foundation
import Testing
@testable import AscentRL

/// Trains `configuration` to its total in one go, and again to `split` steps, through a
/// checkpoint written to bytes and read back, then on to the total. Both must give the same
/// metrics rows (wall-clock columns aside) and the same final checkpoint, tensor for tensor
/// and field for field. Returns the uninterrupted run.
@discardableResult
func expectResumeEqualsUninterrupted<Run: ConfigurableRun>(_ type: Run.Type, _ configuration: Run.Configuration, split: Int,
                                                          sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
    let uninterrupted = try Run(configuration)
    try uninterrupted.train()
    let first = try Run(configuration)
    try first.train(untilStep: split) { _ in true }
    #expect(first.globalStep < uninterrupted.globalStep, "the split must fall inside the run", sourceLocation: sourceLocation)
    let resumed = try Run.restore(from: try SafeTensors.decode(first.checkpoint().encoded()))
    try resumed.train()

    let clock = Set(["wall_seconds", "steps_per_second"])
    let kept = Run.Metrics.columns.indices.filter { !clock.contains(Run.Metrics.columns[$0]) }
    func rows(_ run: Run) -> [[String]] { run.history.map { row in kept.map { "\(row.values[$0])" } } }  // NaN == NaN as text
    #expect(rows(resumed) == rows(uninterrupted), sourceLocation: sourceLocation)

    let (a, b) = (resumed.checkpoint(), uninterrupted.checkpoint())
    #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted(), sourceLocation: sourceLocation)
    for key in b.tensors.keys.sorted() {
        #expect(a.tensors[key]?.scalars == b.tensors[key]?.scalars, "tensor \(key)", sourceLocation: sourceLocation)
    }
    for key in b.metadata.keys.sorted() where key != "history" {
        #expect(a.metadata[key] == b.metadata[key], "metadata \(key)", sourceLocation: sourceLocation)
    }
    return uninterrupted
}

@Suite("Resume equals an uninterrupted run")
struct ResumeTests {
    @Test func ppoOnNativeVectorEnvironments() throws {
        var c = PPOConfiguration()
        (c.environments, c.rolloutSteps, c.minibatchSize, c.epochs, c.totalSteps) = (2, 96, 64, 2, 960)
        try expectResumeEqualsUninterrupted(PPO.self, c, split: 384)  // mid-episode: Pendulum's last 200 steps
    }

    /// Separate environments behind time limits, domain randomisation with delayed, noisy
    /// actions and observation noise: every wrapper's state must survive.
    @Test func ppoOnRandomisedSerialEnvironments() throws {
        var c = PPOConfiguration()
        (c.environments, c.rolloutSteps, c.minibatchSize, c.epochs, c.totalSteps, c.vectorMode) = (3, 64, 64, 1, 960, "serial")
        c.randomization = RandomizationSettings(parameters: [.init(name: "mass", bounds: .multiplicative(low: 0.5, high: 2))],
                                                resampleEveryEpisodes: 1, actionNoise: 0.1, observationNoise: 0.05, actionDelay: 2)
        try expectResumeEqualsUninterrupted(PPO.self, c, split: 576)
    }

    @Test func a2c() throws {
        var c = A2CConfiguration()
        (c.totalSteps, c.logInterval) = (2_000, 400)
        try expectResumeEqualsUninterrupted(A2C.self, c, split: 800)
    }

    @Test func reinforce() throws {
        var c = REINFORCEConfiguration()
        (c.totalSteps, c.logInterval) = (3_000, 500)
        try expectResumeEqualsUninterrupted(REINFORCE.self, c, split: 1_200)
    }

    @Test func sac() throws {
        try expectResumeEqualsUninterrupted(SAC.self, smallSAC(steps: 500), split: 300)
    }

    @Test func td3() throws {
        try expectResumeEqualsUninterrupted(TD3.self, smallTD3(steps: 500), split: 300)
    }

    @Test func dqn() throws {
        try expectResumeEqualsUninterrupted(DQN.self, smallDQN(steps: 500), split: 300)
    }

    /// A checkpoint whose environment state does not fit the environments is refused by name.
    @Test func mismatchedEnvironmentStateIsRefused() throws {
        var c = PPOConfiguration()
        (c.environments, c.rolloutSteps, c.minibatchSize, c.epochs, c.totalSteps) = (2, 64, 64, 1, 256)
        let run = try PPO(c)
        try run.train(untilStep: 128) { _ in true }
        var file = run.checkpoint()
        var state = try JSONDecoder().decode(EnvironmentState.self, from: Data(file.metadata["environment_state"]!.utf8))
        state.parts[0].values["states"]?.removeLast()
        file.metadata["environment_state"] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        #expect {
            _ = try PPO.restore(from: file)
        } throws: { "\($0)".contains("'environment_state'") && "\($0)".contains("values of 'states', expected 6") }
    }
}
