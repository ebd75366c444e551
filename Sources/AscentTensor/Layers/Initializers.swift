/// Weight initialisation schemes for a `[out, in]` weight matrix.
public enum WeightInitializer: Sendable, Equatable {
    /// A (semi-)orthogonal matrix scaled by `gain` (Saxe et al. 2014), as in the PPO
    /// implementation details: √2 for hidden layers, 0.01 for a policy head, 1 for a value head.
    case orthogonal(gain: Float)
    /// Glorot/Xavier uniform: U(−a, a), a = gain · √(6 / (in + out)).
    case glorotUniform(gain: Float = 1)
    /// PyTorch's `nn.Linear` default: U(−1/√in, 1/√in) for weight and bias.
    case pytorchDefault
    /// N(0, σ²), as GPT-2 uses with σ = 0.02.
    case normal(standardDeviation: Float)

    func weight(out: Int, in inputs: Int, generator: inout RandomGenerator) -> Tensor {
        switch self {
        case .orthogonal(let gain):
            return Tensor(shape: [out, inputs], orthogonalMatrix(rows: out, columns: inputs, generator: &generator).map { $0 * gain })
        case .glorotUniform(let gain):
            let bound = gain * (6 / Float(inputs + out)).squareRoot()
            return .randomUniform([out, inputs], low: -bound, high: bound, generator: &generator)
        case .pytorchDefault:
            let bound = 1 / Float(Swift.max(inputs, 1)).squareRoot()
            return .randomUniform([out, inputs], low: -bound, high: bound, generator: &generator)
        case .normal(let std):
            return .randomNormal([out, inputs], standardDeviation: std, generator: &generator)
        }
    }

    func bias(out: Int, in inputs: Int, generator: inout RandomGenerator) -> Tensor {
        guard case .pytorchDefault = self else { return .zeros([out]) }
        let bound = 1 / Float(Swift.max(inputs, 1)).squareRoot()
        return .randomUniform([out], low: -bound, high: bound, generator: &generator)
    }
}

/// A rows × columns matrix with orthonormal rows (if rows ≤ columns) or columns,
/// from the QR decomposition of a Gaussian matrix with the signs fixed so the
/// distribution is uniform (Haar). Modified Gram–Schmidt in Double.
func orthogonalMatrix(rows: Int, columns: Int, generator: inout RandomGenerator) -> [Float] {
    let tall = rows >= columns
    let (n, k) = tall ? (rows, columns) : (columns, rows)  // orthonormalise k vectors of length n
    var vectors = (0..<k).map { _ in (0..<n).map { _ in generator.normalDouble() } }
    for j in 0..<k {
        for i in 0..<j {
            var dot = 0.0
            for t in 0..<n { dot += vectors[i][t] * vectors[j][t] }
            for t in 0..<n { vectors[j][t] -= dot * vectors[i][t] }
        }
        var norm = 0.0
        for t in 0..<n { norm += vectors[j][t] * vectors[j][t] }
        norm = norm.squareRoot()
        if norm < 1e-12 {  // degenerate draw (practically impossible): fall back to a basis vector
            vectors[j] = (0..<n).map { $0 == j ? 1 : 0 }
            norm = 1
        }
        for t in 0..<n { vectors[j][t] /= norm }
    }
    var matrix = [Float](repeating: 0, count: rows * columns)
    for r in 0..<rows {
        for c in 0..<columns {
            matrix[r * columns + c] = Float(tall ? vectors[c][r] : vectors[r][c])
        }
    }
    return matrix
}
