import Foundation
import Testing
@testable import AscentCLI

/// `--config`: RL Zoo's YAML (and flat JSON) become `--set` pairs under Ascent's keys.
@Suite("Hyperparameter files")
struct HyperparameterFileTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ascent-config-\(UInt32.random(in: 0...UInt32.max)).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rlZooSectionsTranslateToAscentKeys() throws {
        let path = try write("""
            HalfCheetah-v5:
              normalize: true
              policy: 'MlpPolicy'
              n_timesteps: !!float 1e6
              n_steps: 512
              batch_size: 64
              learning_rate: lin_3e-4
              policy_kwargs: "dict(log_std_init=-2, activation_fn=nn.ReLU, net_arch=dict(pi=[256, 256], vf=[256, 256]))"
            Pendulum-v1:
              n_envs: 4
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keys: Set = ["normalizeObservations", "normalizeRewards", "totalSteps", "rolloutSteps", "minibatchSize", "learningRate",
                         "annealLearningRate", "initialLogStd", "activation", "hiddenSizes", "environments"]
        let pairs = try HyperparameterFile.pairs(from: path, environment: "HalfCheetah-v5", algorithm: "ppo", keys: keys)
        #expect(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) }) == [
            "normalizeObservations": "true", "normalizeRewards": "true", "totalSteps": "1000000", "rolloutSteps": "512",
            "minibatchSize": "64", "learningRate": "3e-4", "annealLearningRate": "true", "initialLogStd": "-2",
            "activation": "relu", "hiddenSizes": "256,256"])
        #expect(throws: (any Error).self) { try HyperparameterFile.pairs(from: path, environment: "Hopper-v5", algorithm: "ppo", keys: keys) }
    }

    @Test func flatFilesAndRefusals() throws {
        let json = try write(#"{"learningRate": 0.001, "ent_coef": "auto_0.1", "hiddenSizes": [64, 64]}"#)
        defer { try? FileManager.default.removeItem(atPath: json) }
        let sac: Set = ["learningRate", "autoEntropy", "initialEntropyCoefficient", "hiddenSizes"]
        let pairs = try HyperparameterFile.pairs(from: json, environment: "Pendulum-v1", algorithm: "sac", keys: sac)
        #expect(pairs.map { "\($0.key)=\($0.value)" }.sorted() == ["autoEntropy=true", "hiddenSizes=64,64", "initialEntropyCoefficient=0.1", "learningRate=0.001"])
        let unknown = try write("frame_stack: 4\n")
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        do {
            _ = try HyperparameterFile.pairs(from: unknown, environment: "Pendulum-v1", algorithm: "sac", keys: sac)
            Issue.record("an unknown key was accepted")
        } catch {
            #expect("\(error)".contains("unknown hyperparameter 'frame_stack' for sac"))
        }
    }
}
