import Foundation
import Testing
@testable import AscentRL
import AscentTensor

@Suite("Distributions")
struct DistributionTests {
    @Test func gaussianLogProbabilityAndEntropyMatchClosedForms() {
        let mean = Tensor([[0.5, -1]]), logStd = Tensor([0.2, -0.3])
        let d = DiagonalGaussian(mean: mean, logStd: logStd)
        let x: [Float] = [1, 0]
        var expected = 0.0, entropy = 0.0
        for i in 0..<2 {
            let s = exp(Double(logStd.scalars[i])), z = (Double(x[i]) - Double(mean.scalars[i])) / s
            expected += -0.5 * z * z - log(s) - 0.5 * log(2 * Double.pi)
            entropy += 0.5 + 0.5 * log(2 * Double.pi) + log(s)
        }
        #expect(Swift.abs(Double(d.logProbability(ofUnsquashed: Tensor([x])).item) - expected) < 1e-5)
        #expect(Swift.abs(Double(d.entropy().item) - entropy) < 1e-5)
    }

    @Test func squashedLogProbabilityIncludesTheJacobian() {
        let d = DiagonalGaussian(mean: Tensor([[0]]), logStd: Tensor([0]), squashed: true)
        let u: Float = 0.7
        let plain = -0.5 * Double(u * u) - 0.5 * log(2 * Double.pi)
        let expected = plain - log(1 - pow(tanh(Double(u)), 2) + 1e-6)
        #expect(Swift.abs(Double(d.logProbability(ofUnsquashed: Tensor([[u]])).item) - expected) < 1e-5)
    }

    @Test func categoricalLogProbabilityAndEntropy() {
        let d = Categorical(logits: Tensor([[0, 0, log(2)]]))  // probabilities 1/4, 1/4, 1/2
        #expect(Swift.abs(d.logProbability(of: IntTensor([2])).item - Float(log(0.5))) < 1e-6)
        let entropy = -(0.25 * log(0.25) * 2 + 0.5 * log(0.5))
        #expect(Swift.abs(Double(d.entropy().item) - entropy) < 1e-6)
    }

    @Test func actorCriticInitialisation() throws {
        var g = RandomGenerator(seed: 1)
        let model = ActorCritic(observationSize: 3, head: .gaussian(dimensions: 1, low: [-2], high: [2]), generator: &g)
        #expect(model.namedParameters().map(\.name).first == "actor.layers.0.weight")
        #expect(model.namedParameters().map(\.name).last == "logStd")
        // The 0.01-gain policy head starts with near-zero means.
        let mean = model.actor(Tensor.randomNormal([100, 3], generator: &g)).scalars
        #expect(mean.allSatisfy { Swift.abs($0) < 0.1 })
        // Sampled actions are clipped only for the environment; stored actions keep the raw sample.
        var sampler = RandomGenerator(seed: 2)
        let big = ActorCritic(observationSize: 3, head: .gaussian(dimensions: 1, low: [-0.01], high: [0.01]), generator: &g)
        let (stored, environment, _) = try big.act(Tensor.zeros([200, 3]), deterministic: false, generator: &sampler)
        #expect(environment.allSatisfy { Swift.abs($0) <= 0.01 })
        #expect(stored.contains { Swift.abs($0) > 0.5 })
    }
}
