import AscentTensor
import Foundation
import Testing
@testable import AscentRL

/// Every algorithm's checkpoint restores to a run that saves exactly the same tensor names,
/// and a checkpoint with a tensor the algorithm never writes is refused (not silently
/// ignored by eval or resume).
@Suite("Checkpoint names")
struct CheckpointNamesTests {
    func runs() throws -> [any TrainingRun] {
        var a2c = A2CConfiguration()
        a2c.totalSteps = 200
        var reinforce = REINFORCEConfiguration()
        reinforce.totalSteps = 600
        let trained: [any TrainingRun] = [try PPO(try smallCartPole(steps: 512)), try A2C(a2c), try REINFORCE(reinforce),
                                          try SAC(smallSAC(steps: 200)), try TD3(smallTD3(steps: 200)), try DQN(smallDQN(steps: 200))]
        for run in trained { try run.train(untilStep: nil) { _ in true } }
        return trained
    }

    @Test func extraTensorsAreRefusedForEveryAlgorithm() throws {
        for run in try runs() {
            let algorithm = type(of: run).algorithm
            var file = run.checkpoint()
            let restored = try TrainingAlgorithms.restore(file, algorithm: algorithm)
            #expect(Set(restored.checkpoint().tensors.keys) == Set(file.tensors.keys), "\(algorithm)")
            file.tensors["garbage.weight"] = Tensor([1, 2])
            #expect(throws: CheckpointError.nameMismatch(missing: [], unexpected: ["garbage.weight"]), "\(algorithm)") {
                try TrainingAlgorithms.restore(file, algorithm: algorithm)
            }
        }
    }
}
