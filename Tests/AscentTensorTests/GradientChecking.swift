import Testing
@testable import AscentTensor

/// Compares reverse-mode gradients with central finite differences.
///
/// The objective is a fixed random projection Σ r ⊙ f(inputs), so every output
/// element's gradient is exercised; finite differences are accumulated in Double.
struct GradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    let shapes: [[Int]]
    /// Keeps inputs away from 0 for log, sqrt, division, and kinks.
    var positiveInputs = false
    var tolerance: Float = 2e-2
    let function: @Sendable ([Tensor]) -> Tensor

    var testDescription: String { name }
}

func randomInputs(_ shapes: [[Int]], positive: Bool, seed: UInt64) -> [Tensor] {
    var generator = RandomGenerator(seed: seed, stream: "gradient-check")
    return shapes.map { shape in
        let values = (0..<ShapeMath.count(shape)).map { _ -> Float in
            let u = generator.uniform(-1, 1)
            // Stay away from 0 so kinks (abs, relu, clamp, max ties) are not straddled.
            return positive ? 0.5 + Swift.abs(u) : (u >= 0 ? 0.1 + u : -0.1 + u)
        }
        return Tensor(shape: shape, values)
    }
}

/// Largest violation of |analytic − numeric| ≤ tolerance · (1 + |numeric|), over all inputs.
func gradientError(_ testCase: GradientCase, seed: UInt64 = 1) -> Float {
    let inputs = randomInputs(testCase.shapes, positive: testCase.positiveInputs, seed: seed).map { $0.requiringGradient() }
    let output = testCase.function(inputs)
    var generator = RandomGenerator(seed: seed, stream: "projection")
    let projection = Tensor.randomNormal(output.shape, generator: &generator)
    (output * projection).sum().backward()

    func objective(_ values: [Tensor]) -> Double {
        let out = withoutGradients { testCase.function(values) }
        var total = 0.0
        for i in 0..<out.count { total += Double(out.storage.pointer[i]) * Double(projection.storage.pointer[i]) }
        return total
    }
    let h: Float = 1e-2
    var worst: Float = 0
    for (index, input) in inputs.enumerated() {
        let analytic = input.gradient ?? .zeros(input.shape)
        for element in 0..<input.count {
            var plus = inputs.map { $0.detached().copied() }
            var minus = inputs.map { $0.detached().copied() }
            plus[index].storage.pointer[element] += h
            minus[index].storage.pointer[element] -= h
            let numeric = Float((objective(plus) - objective(minus)) / Double(2 * h))
            _ = (plus.removeAll(), minus.removeAll())
            let difference = Swift.abs(analytic.storage.pointer[element] - numeric)
            worst = Swift.max(worst, difference / (testCase.tolerance * (1 + Swift.abs(numeric))))
        }
    }
    return worst
}
