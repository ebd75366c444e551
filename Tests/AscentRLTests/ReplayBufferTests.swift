import AscentEnvironments
import AscentTensor
import Testing
@testable import AscentRL

@Suite("Replay buffer")
struct ReplayBufferTests {
    func transition(_ buffer: inout ReplayBuffer, _ value: Float, terminated: Bool = false, truncated: Bool = false) {
        buffer.add(observation: [value, -value], action: [value * 10], reward: value, nextObservation: [value + 0.5, 0],
                   terminated: terminated, truncated: truncated)
    }

    @Test func overwritesTheOldestWhenFull() throws {
        var buffer = try ReplayBuffer(capacity: 3, observationSize: 2, actionSize: 1)
        for v in 1...5 { transition(&buffer, Float(v)) }
        #expect(buffer.count == 3 && buffer.position == 2)
        #expect(Set(buffer.rewards) == [3, 4, 5])  // 1 and 2 were overwritten
    }

    @Test func samplesUniformlyAndReproducibly() throws {
        var buffer = try ReplayBuffer(capacity: 10, observationSize: 2, actionSize: 1)
        for v in 0..<4 { transition(&buffer, Float(v)) }
        var g1 = RandomGenerator(seed: 1), g2 = RandomGenerator(seed: 1)
        let a = try buffer.sample(4000, generator: &g1), b = try buffer.sample(4000, generator: &g2)
        #expect(a.rewards.scalars == b.rewards.scalars)
        var counts = [Int](repeating: 0, count: 4)
        for r in a.rewards.scalars { counts[Int(r)] += 1 }
        #expect(counts.allSatisfy { Swift.abs($0 - 1000) < 120 })
        // Rows stay together: the action is 10 × the reward, the observation (r, −r).
        for row in 0..<20 {
            let r = a.rewards.scalars[row]
            #expect(a.actions.scalars[row] == r * 10 && a.observations.scalars[2 * row + 1] == -r)
        }
        #expect(throws: RLError.self) { try buffer.sample(0, generator: &g1) }
        #expect(throws: RLError.self) { try ReplayBuffer(capacity: 0, observationSize: 2, actionSize: 1) }
    }

    /// From a vector step: truncated episodes keep their true final observation as the next
    /// observation and do not count as terminal; terminated ones do.
    @Test func vectorStepsKeepFinalObservationsAndTheirKind() throws {
        let vector = try Environments.makeVector("Pendulum-v1", count: 2, options: ["max_episode_steps": 3])
        var previous = try vector.reset(seed: 0)
        var buffer = try ReplayBuffer(capacity: 10, observationSize: 3, actionSize: 1)
        var last: VectorStep?
        for _ in 0..<3 {
            let step = try vector.step([0.5, -0.5])
            buffer.add(observations: previous, actions: [0.5, -0.5], step: step)
            previous = step.observations
            last = step
        }
        let step = try #require(last)
        #expect(step.truncated == [true, true])
        #expect(Array(buffer.nextObservations[12..<15]) == step.finalObservations[0])  // transition 4 = env 0, t = 2
        #expect(Array(buffer.nextObservations[12..<15]) != Array(step.observations[0..<3]))  // not the reset observation
        #expect(buffer.truncated[4] == 1 && buffer.terminated[4] == 0)
    }

    @Test func checkpointRoundTripAndValidation() throws {
        var buffer = try ReplayBuffer(capacity: 4, observationSize: 2, actionSize: 1)
        for v in 1...6 { transition(&buffer, Float(v), terminated: v == 5) }
        let (tensors, metadata) = buffer.checkpoint()
        let encoded = SafeTensors(tensors: tensors, metadata: metadata).encoded()
        let file = try SafeTensors.decode(encoded)
        let restored = try ReplayBuffer(checkpoint: file.tensors, metadata: file.metadata)
        #expect(restored.count == 4 && restored.position == buffer.position)
        #expect(restored.observations == buffer.observations && restored.terminated == buffer.terminated)
        var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
        #expect(try restored.sample(16, generator: &g1).rewards.scalars == buffer.sample(16, generator: &g2).rewards.scalars)
        var broken = file.metadata
        broken["replay.count"] = "9"
        #expect(throws: RLError.self) { try ReplayBuffer(checkpoint: file.tensors, metadata: broken) }
        var missing = file.tensors
        missing.removeValue(forKey: "replay.rewards")
        #expect(throws: RLError.invalidRunDirectory("checkpoint has no tensor 'replay.rewards'")) {
            try ReplayBuffer(checkpoint: missing, metadata: file.metadata)
        }
    }
}
