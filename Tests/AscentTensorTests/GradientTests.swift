import Testing
@testable import AscentTensor

let elementwiseCases: [GradientCase] = [
    .init(name: "negate", shapes: [[3, 4]]) { -$0[0] },
    .init(name: "exp", shapes: [[3, 4]]) { $0[0].exp() },
    .init(name: "log", shapes: [[3, 4]], positiveInputs: true) { $0[0].log() },
    .init(name: "sqrt", shapes: [[3, 4]], positiveInputs: true) { $0[0].sqrt() },
    .init(name: "pow 3", shapes: [[3, 4]]) { $0[0].pow(3) },
    .init(name: "pow 2", shapes: [[3, 4]]) { $0[0].pow(2) },
    .init(name: "abs", shapes: [[3, 4]]) { $0[0].abs() },
    .init(name: "tanh", shapes: [[5, 7]]) { ($0[0] * 2).tanh() },
    .init(name: "sigmoid", shapes: [[3, 4]]) { ($0[0] * 3).sigmoid() },
    .init(name: "relu", shapes: [[3, 4]]) { $0[0].relu() },
    .init(name: "gelu tanh", shapes: [[3, 4]]) { ($0[0] * 2).gelu(approximation: .tanh) },
    .init(name: "gelu erf", shapes: [[3, 4]]) { ($0[0] * 2).gelu(approximation: .none) },
    .init(name: "softplus", shapes: [[3, 4]]) { ($0[0] * 4).softplus() },
    .init(name: "clamp", shapes: [[4, 4]]) { $0[0].clamped(min: -0.45, max: 0.6) },
    .init(name: "scalar arithmetic", shapes: [[3, 4]], positiveInputs: true) { (2 - $0[0] * 3 + 1) / 4 + 1 / $0[0] },
]

let broadcastingCases: [GradientCase] = [
    .init(name: "add bias", shapes: [[3, 4], [4]]) { $0[0] + $0[1] },
    .init(name: "sub outer", shapes: [[3, 1], [1, 4]]) { $0[0] - $0[1] },
    .init(name: "mul middle axis", shapes: [[2, 3, 4], [3, 1]]) { $0[0] * $0[1] },
    .init(name: "div", shapes: [[3, 4], [4]], positiveInputs: true) { $0[0] / $0[1] },
    .init(name: "pow tensor", shapes: [[3, 4], [3, 4]], positiveInputs: true) { Tensor.pow($0[0], $0[1]) },
    .init(name: "minimum", shapes: [[3, 4], [4]]) { Tensor.minimum($0[0], $0[1] * 0.9) },
    .init(name: "maximum", shapes: [[3, 4], [3, 1]]) { Tensor.maximum($0[0], $0[1] * 0.9) },
    .init(name: "value used twice", shapes: [[3, 4]]) { $0[0] * $0[0] + $0[0] },
    .init(name: "scalar tensor broadcast", shapes: [[3, 4], []]) { $0[0] * $0[1] + $0[1] },
    .init(name: "where", shapes: [[3, 4], [3, 4]]) { Tensor.where($0[0] .> Tensor(0), $0[0] * 2, $0[1].exp()) },
    .init(name: "broadcast to", shapes: [[3, 1]]) { $0[0].broadcast(to: [2, 3, 4]) },
]

let reductionCases: [GradientCase] = [
    .init(name: "sum", shapes: [[3, 4]]) { $0[0].sum() },
    .init(name: "sum axis 0", shapes: [[3, 4]]) { $0[0].sum(alongAxis: 0) },
    .init(name: "sum axis -1 keep", shapes: [[2, 3, 4]]) { $0[0].sum(alongAxis: -1, keepingDimension: true) },
    .init(name: "mean", shapes: [[3, 4]]) { $0[0].mean() },
    .init(name: "mean axis 1", shapes: [[2, 3, 4]]) { $0[0].mean(alongAxis: 1) },
    .init(name: "variance axis", shapes: [[3, 5]]) { $0[0].variance(alongAxis: 1) },
    .init(name: "variance population", shapes: [[6]]) { $0[0].variance(correction: 0) },
    .init(name: "max axis", shapes: [[3, 4]]) { $0[0].max(alongAxis: 1) },
    .init(name: "max all", shapes: [[3, 4]]) { $0[0].max() },
]

let shapeCases: [GradientCase] = [
    .init(name: "reshape", shapes: [[3, 4]]) { $0[0].reshaped([2, -1]) * 2 },
    .init(name: "permute", shapes: [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
    .init(name: "transpose", shapes: [[3, 4]]) { $0[0].transposed() },
    .init(name: "slice", shapes: [[4, 5]]) { $0[0].slice(alongAxis: 1, 1..<4) },
    .init(name: "select", shapes: [[4, 5]]) { $0[0].select(alongAxis: 0, index: 2) },
    .init(name: "concatenate", shapes: [[2, 3], [2, 2]]) { Tensor.concatenate([$0[0], $0[1], $0[0]], alongAxis: 1) },
    .init(name: "stack", shapes: [[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], alongAxis: 1) },
]

let linearAlgebraCases: [GradientCase] = [
    .init(name: "matmul", shapes: [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    .init(name: "matmul transposeB", shapes: [[3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    .init(name: "matmul 3D x 2D", shapes: [[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    .init(name: "batched matmul", shapes: [[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) },
    .init(name: "batched matmul transposeB", shapes: [[2, 3, 4], [2, 5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    .init(name: "linear", shapes: [[3, 4], [5, 4], [5]]) { $0[0].linear(weight: $0[1], bias: $0[2]) },
    .init(name: "linear no bias 3D", shapes: [[2, 3, 4], [5, 4]]) { $0[0].linear(weight: $0[1], bias: nil) },
    .init(name: "linear + tanh", shapes: [[3, 4], [5, 4], [5]]) { $0[0].linear(weight: $0[1], bias: $0[2], activation: .tanh) },
    .init(name: "linear + relu", shapes: [[3, 4], [5, 4], [5]]) { $0[0].linear(weight: $0[1], bias: $0[2], activation: .relu) },
    .init(name: "linear + gelu (unfused)", shapes: [[3, 4], [5, 4], [5]]) { $0[0].linear(weight: $0[1], bias: $0[2], activation: .gelu) },
    .init(name: "large matmul (kernel blocking)", shapes: [[13, 300], [300, 35]], tolerance: 3e-2) { $0[0].matmul($0[1]) * 0.1 },
]

let neuralCases: [GradientCase] = [
    .init(name: "softmax", shapes: [[3, 5]]) { $0[0].softmax() },
    .init(name: "softmax axis 0", shapes: [[3, 5]]) { $0[0].softmax(alongAxis: 0) },
    .init(name: "logSoftmax", shapes: [[3, 5]]) { ($0[0] * 3).logSoftmax() },
    .init(name: "logSumExp", shapes: [[3, 5]]) { $0[0].logSumExp(alongAxis: 1) },
    .init(name: "gather", shapes: [[3, 4]]) {
        $0[0].logSoftmax().gather(alongAxis: 1, indices: IntTensor(shape: [3, 2], [0, 3, 2, 2, 1, 0]))
    },
    .init(name: "embedding", shapes: [[5, 3]]) { $0[0].embedding(IntTensor(shape: [2, 2], [4, 1, 1, 0])) },
    .init(name: "diagonal Gaussian log-probability", shapes: [[4, 2], [4, 2], [2]]) {
        Tensor.diagonalGaussianLogProbability(samples: $0[0], mean: $0[1], logStd: $0[2])
    },
    .init(name: "mean squared error", shapes: [[3, 4], [3, 4]]) { $0[0].meanSquaredError($0[1]) },
    .init(name: "PPO clipped surrogate", shapes: [[8], [8]]) {
        ($0[0] * 0.3).clippedSurrogateLoss(advantages: $0[1], clipRange: 0.2)
    },
    .init(name: "layerNorm", shapes: [[3, 6], [6], [6]]) { $0[0].layerNorm(gain: $0[1], bias: $0[2]) },
    .init(name: "rmsNorm", shapes: [[3, 6], [6]]) { $0[0].rmsNorm(gain: $0[1]) },
    .init(name: "silu", shapes: [[3, 5]]) { ($0[0] * 3).silu() },
    .init(name: "rotary embedding", shapes: [[2, 2, 3, 4]]) { $0[0].rotaryEmbedding(start: 5, theta: 100) * Tensor(shape: [4], [1, -2, 3, 0.5]) },
    .init(name: "causal attention", shapes: [[2, 4, 3], [2, 4, 3], [2, 4, 3]]) { t in
        let scores = t[0].matmul(t[1], transposeB: true) * (1 / Float(3).squareRoot()) + Tensor.causalMask(size: 4)
        return scores.softmax().matmul(t[2])
    },
    .init(name: "masked fill", shapes: [[3, 4]]) { $0[0].masked(where: Tensor.causalMask(size: 4).slice(alongAxis: 0, 0..<3) .< Tensor(0), with: -5).exp() },
]

@Suite("Gradients match central finite differences")
struct GradientTests {
    @Test(arguments: elementwiseCases) func elementwise(_ c: GradientCase) { #expect(gradientError(c) <= 1) }
    @Test(arguments: broadcastingCases) func broadcasting(_ c: GradientCase) { #expect(gradientError(c) <= 1) }
    @Test(arguments: reductionCases) func reductions(_ c: GradientCase) { #expect(gradientError(c) <= 1) }
    @Test(arguments: shapeCases) func shapes(_ c: GradientCase) { #expect(gradientError(c) <= 1) }
    @Test(arguments: linearAlgebraCases) func linearAlgebra(_ c: GradientCase) { #expect(gradientError(c) <= 1) }
    @Test(arguments: neuralCases) func neural(_ c: GradientCase) { #expect(gradientError(c) <= 1) }

    /// The fused PPO loss is exactly its definition written with ordinary ops, loss and
    /// gradient bit for bit, with clipped, unclipped and zero-advantage elements.
    @Test func clippedSurrogateLossEqualsItsComposition() {
        var generator = RandomGenerator(seed: 21, stream: "surrogate")
        var advantageValues = (0..<64).map { _ in generator.normal() }
        advantageValues[5] = 0
        let advantages = Tensor(advantageValues)
        let logRatios = (Tensor.randomNormal([64], generator: &generator) * 0.25).detached()
        let fused = logRatios.requiringGradient(), composed = logRatios.requiringGradient()
        let fusedLoss = fused.clippedSurrogateLoss(advantages: advantages, clipRange: 0.2)
        let ratio = composed.exp(), negated = -advantages
        let composedLoss = Tensor.maximum(negated * ratio, negated * ratio.clamped(min: 0.8, max: 1.2)).mean()
        fusedLoss.backward()
        composedLoss.backward()
        #expect(fusedLoss.item == composedLoss.item)
        #expect(fused.gradient!.scalars == composed.gradient!.scalars)
        #expect(fused.gradient!.scalars.contains(0) && fused.gradient!.scalars.contains { $0 != 0 })
    }

    /// The fused squared error is `(x - y).pow(2).mean()`, loss and gradients, bit for bit.
    @Test func meanSquaredErrorEqualsItsComposition() {
        var generator = RandomGenerator(seed: 22, stream: "mse")
        let x = Tensor.randomNormal([16, 3], generator: &generator), y = Tensor.randomNormal([16, 3], generator: &generator)
        let (fusedX, fusedY) = (x.requiringGradient(), y.requiringGradient())
        let (composedX, composedY) = (x.requiringGradient(), y.requiringGradient())
        let fused = fusedX.meanSquaredError(fusedY), composed = (composedX - composedY).pow(2).mean()
        fused.backward()
        composed.backward()
        #expect(fused.item == composed.item)
        #expect(fusedX.gradient!.scalars == composedX.gradient!.scalars)
        #expect(fusedY.gradient!.scalars == composedY.gradient!.scalars)
    }

    @Test func checkerCatchesAWrongGradient() {
        // A deliberately wrong derivative must be reported: the checker itself can fail.
        let wrong = GradientCase(name: "wrong", shapes: [[4]]) { $0[0].mapElements({ $0 * $0 }, derivative: { x, _ in x }) }
        #expect(gradientError(wrong) > 1)
    }
}
