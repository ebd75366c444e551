import Foundation
import Testing
@testable import AscentTensor

@Suite("Layers and initialisation")
struct LayerTests {
    @Test func orthogonalInitHasOrthonormalRowsScaledByGain() {
        var generator = RandomGenerator(seed: 5)
        for (out, inputs) in [(16, 64), (64, 16), (32, 32)] {
            let w = WeightInitializer.orthogonal(gain: 2).weight(out: out, in: inputs, generator: &generator)
            // W Wᵀ = gain² I when rows ≤ columns; Wᵀ W = gain² I otherwise.
            let product = out <= inputs ? w.matmul(w, transposeB: true) : w.transposed().matmul(w)
            let n = min(out, inputs)
            for i in 0..<n { for j in 0..<n {
                #expect(Swift.abs(product[element: [i, j]] - (i == j ? 4 : 0)) < 1e-4)
            } }
        }
    }

    @Test func glorotAndPyTorchDefaultBoundsAndVariance() {
        var generator = RandomGenerator(seed: 6)
        let glorot = WeightInitializer.glorotUniform().weight(out: 200, in: 100, generator: &generator)
        let bound = (6 / Float(300)).squareRoot()
        #expect(glorot.scalars.allSatisfy { Swift.abs($0) <= bound })
        // Variance of U(-a, a) is a²/3.
        #expect(Swift.abs(glorot.variance().item - bound * bound / 3) < 0.05 * bound * bound / 3)
        let layer = Linear(inputSize: 100, outputSize: 50, generator: &generator)
        #expect(layer.weight.value.scalars.allSatisfy { Swift.abs($0) <= 0.1 })
        #expect(layer.bias!.value.scalars.allSatisfy { Swift.abs($0) <= 0.1 })
        #expect(layer.bias!.value.scalars.contains { $0 != 0 })
    }

    @Test func orthogonalLinearHasZeroBias() {
        var generator = RandomGenerator(seed: 7)
        let layer = Linear(inputSize: 4, outputSize: 3, initializer: .orthogonal(gain: 1), generator: &generator)
        #expect(layer.bias!.value.scalars == [0, 0, 0])
    }

    final class ActorCritic: Module {
        let actor: MLP
        let critic: MLP
        let logStd = Parameter(.zeros([2]))
        init() {
            var generator = RandomGenerator(seed: 8)
            actor = MLP(sizes: [3, 4, 2], generator: &generator)
            critic = MLP(sizes: [3, 4, 1], generator: &generator)
        }
    }

    @Test func parametersHaveStableDottedNames() {
        let model = ActorCritic()
        #expect(model.namedParameters().map(\.name) == [
            "actor.layers.0.weight", "actor.layers.0.bias", "actor.layers.1.weight", "actor.layers.1.bias",
            "critic.layers.0.weight", "critic.layers.0.bias", "critic.layers.1.weight", "critic.layers.1.bias",
            "logStd",
        ])
        #expect(model.parameterCount == (12 + 4 + 8 + 2) + (12 + 4 + 4 + 1) + 2)
    }

    @Test func stateDictionaryRoundTripsAndReportsMismatches() throws {
        let a = ActorCritic(), b = ActorCritic()
        var generator = RandomGenerator(seed: 99)
        b.logStd.assign(.randomNormal([2], generator: &generator))
        try a.load(stateDictionary: b.stateDictionary())
        #expect(a.logStd.value.scalars == b.logStd.value.scalars)
        var broken = b.stateDictionary()
        broken["extra"] = Tensor([1])
        broken.removeValue(forKey: "logStd")
        #expect(throws: CheckpointError.nameMismatch(missing: ["logStd"], unexpected: ["extra"])) {
            try a.load(stateDictionary: broken)
        }
        var misshapen = b.stateDictionary()
        misshapen["logStd"] = Tensor([1, 2, 3])
        #expect(throws: CheckpointError.shapeMismatch(name: "logStd", expected: [2], found: [3])) {
            try a.load(stateDictionary: misshapen)
        }
    }

    @Test func layerNormNormalisesEachRow() {
        let norm = LayerNorm(size: 4)
        let y = norm(Tensor([[1, 2, 3, 4], [10, 10, 10, 14]]))
        for row in 0..<2 {
            let r = y[row]
            #expect(Swift.abs(r.mean().item) < 1e-5)
            #expect(Swift.abs(r.variance(correction: 0).item - 1) < 1e-3)
        }
    }

    /// RMSNorm against its formula, x / √(mean(x²) + ε) · gain, in Double.
    @Test func rmsNormScalesEachRowToUnitRootMeanSquare() {
        let x: [Float] = [1, -2, 3, 4, 0.5, 0.5, 0.5, 0.5], gain: [Float] = [1, 2, 0.5, -1]
        let y = Tensor(shape: [2, 4], x).rmsNorm(gain: Tensor(gain), epsilon: 1e-6).scalars
        for r in 0..<2 {
            let row = x[(4 * r)..<(4 * r + 4)].map(Double.init)
            let rms = (row.reduce(0) { $0 + $1 * $1 } / 4 + 1e-6).squareRoot()
            for j in 0..<4 { #expect(Swift.abs(Double(y[4 * r + j]) - row[j] / rms * Double(gain[j])) < 1e-6) }
        }
    }

    /// The rotary embedding rotates the pairs (i, i + d/2) by position × θ^(−2i/d) (hand values
    /// for d = 4, θ = 10⁴: frequencies 1 and 0.01), is the identity at position 0, and a token
    /// embedded alone at position k (a KV cache's next token) equals position k of the sequence.
    @Test func rotaryEmbeddingRotatesPairsByPosition() {
        let x = Tensor(shape: [1, 1, 2, 4], [1, 2, 3, 4, 1, 2, 3, 4]).rotaryEmbedding().scalars
        #expect(Array(x[0..<4]) == [1, 2, 3, 4])
        let expected = [1 * cos(1.0) - 3 * sin(1.0), 2 * cos(0.01) - 4 * sin(0.01), 3 * cos(1.0) + 1 * sin(1.0), 4 * cos(0.01) + 2 * sin(0.01)]
        for j in 0..<4 { #expect(Swift.abs(Double(x[4 + j]) - expected[j]) < 1e-6, "element \(j)") }
        var generator = RandomGenerator(seed: 3)
        let sequence = Tensor(shape: [2, 3, 5, 8], (0..<240).map { _ in generator.normal() })
        let whole = sequence.rotaryEmbedding(theta: 500)
        let last = sequence.slice(alongAxis: 2, 4..<5).rotaryEmbedding(start: 4, theta: 500)
        #expect(last.scalars == whole.slice(alongAxis: 2, 4..<5).scalars)
    }

    /// A GPT-2-wide row with a large common offset, against the same formula in Double:
    /// within a float32 rounding or two of every output (summing and centring in float32 loses
    /// the centred values' low bits: errors of about 3e-5 here).
    @Test func layerNormIsAccurateOnWideOffsetRows() {
        var generator = RandomGenerator(seed: 4)
        let width = 768
        let row = (0..<width).map { _ in 1_000 + generator.normal() }
        let y = Tensor(shape: [1, width], row).layerNorm(gain: Tensor([Float](repeating: 1, count: width)), bias: Tensor([Float](repeating: 0, count: width)))
        let mean = row.reduce(0.0) { $0 + Double($1) } / Double(width)
        let variance = row.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(width)
        let worst = zip(y.scalars, row).map { out, x in Swift.abs(Double(out) - (Double(x) - mean) / (variance + 1e-5).squareRoot()) }.max()!
        #expect(worst < 5e-7, "largest error \(worst)")
    }
}
