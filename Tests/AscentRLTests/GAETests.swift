import Testing
@testable import AscentRL

/// Hand-computed generalised advantage estimates.
@Suite("Rollout buffer and GAE")
struct GAETests {
    func buffer(steps: Int, environments: Int, rewards: [Float], values: [Float], ended: [Bool] = [], bootstrap: [Float] = []) -> RolloutBuffer {
        var b = RolloutBuffer(steps: steps, environments: environments, observationSize: 1, actionSize: 1)
        let n = environments
        for t in 0..<steps {
            let range = (t * n)..<((t + 1) * n)
            b.add(observations: [Float](repeating: 0, count: n), actions: [Float](repeating: 0, count: n),
                  logProbabilities: [Float](repeating: 0, count: n), values: Array(values[range]), rewards: Array(rewards[range]),
                  episodeEnded: ended.isEmpty ? [Bool](repeating: false, count: n) : Array(ended[range]),
                  bootstrapValues: bootstrap.isEmpty ? [Float](repeating: 0, count: n) : Array(bootstrap[range]))
        }
        return b
    }

    @Test func singleEnvironmentNoEpisodeEnd() {
        // γ = 0.5, λ = 0.5. δ2 = 1 + 0.5·4 − 3 = 0; δ1 = 1 + 0.5·3 − 2 = 0.5; δ0 = 1 + 0.5·2 − 1 = 1.
        // A2 = 0; A1 = 0.5 + 0.25·0 = 0.5; A0 = 1 + 0.25·0.5 = 1.125.
        var b = buffer(steps: 3, environments: 1, rewards: [1, 1, 1], values: [1, 2, 3])
        b.computeAdvantages(lastValues: [4], gamma: 0.5, lambda: 0.5)
        #expect(b.advantages == [1.125, 0.5, 0])
        #expect(b.returns == [2.125, 2.5, 3])
    }

    @Test func terminationStopsBootstrapAndPropagation() {
        // The episode terminates at t = 1: δ1 = r1 − V1 = 1 − 2 = −1, and A0 does not see A2.
        // δ2 = 1 + 0.5·4 − 3 = 0 → A2 = 0; A1 = −1; δ0 = 1 + 0.5·2 − 1 = 1 → A0 = 1 + 0.25·(−1) = 0.75.
        var b = buffer(steps: 3, environments: 1, rewards: [1, 1, 1], values: [1, 2, 3], ended: [false, true, false])
        b.computeAdvantages(lastValues: [4], gamma: 0.5, lambda: 0.5)
        #expect(b.advantages == [0.75, -1, 0])
    }

    @Test func truncationBootstrapsFromTheFinalObservation() {
        // Truncated at t = 1 with V(final obs) = 10: δ1 = 1 + 0.5·10 − 2 = 4, no propagation into A1 from t = 2.
        var b = buffer(steps: 3, environments: 1, rewards: [1, 1, 1], values: [1, 2, 3], ended: [false, true, false], bootstrap: [0, 10, 0])
        b.computeAdvantages(lastValues: [4], gamma: 0.5, lambda: 0.5)
        #expect(b.advantages == [2, 4, 0])  // A0 = δ0 + 0.25·4 = 1 + 1
    }

    @Test func environmentsAreIndependent() {
        // Two environments interleaved time-major; environment 1 terminates at t = 0.
        var b = buffer(steps: 2, environments: 2, rewards: [1, 2, 1, 2], values: [0, 0, 0, 0], ended: [false, true, false, false])
        b.computeAdvantages(lastValues: [0, 0], gamma: 1, lambda: 1)
        // Env 0: A1 = 1, A0 = 1 + 1 = 2. Env 1: A1 = 2, A0 = 2 (episode ended at t = 0).
        #expect(b.advantages == [2, 2, 1, 2])
    }

    @Test func lambdaOneGivesDiscountedReturnsMinusValues() {
        let rewards: [Float] = [1, 2, 3, 4], values: [Float] = [0.5, 0.25, 0, 1]
        var b = buffer(steps: 4, environments: 1, rewards: rewards, values: values)
        b.computeAdvantages(lastValues: [2], gamma: 0.9, lambda: 1)
        var g: Float = 2
        for t in stride(from: 3, through: 0, by: -1) {
            g = rewards[t] + 0.9 * g
            #expect(Swift.abs(b.returns[t] - g) < 1e-5)
        }
    }
}
