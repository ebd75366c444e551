extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// A tensor with every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "full: dimensions must be non-negative, got \(shape)")
        return Tensor(shape: shape, storage: TensorStorage(repeating: value, count: ShapeMath.count(shape)))
    }

    /// start, start + step, ... up to but excluding `end` (rank 1).
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0 && step.isFinite, "arange: step must be finite and non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// Samples from N(mean, standardDeviation²).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator) -> Tensor {
        let out = TensorStorage(uninitializedCount: ShapeMath.count(shape))
        for i in 0..<out.count { out.pointer[i] = generator.normal(mean: mean, standardDeviation: standardDeviation) }
        return Tensor(shape: shape, storage: out)
    }

    /// Samples from U[low, high).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) -> Tensor {
        let out = TensorStorage(uninitializedCount: ShapeMath.count(shape))
        for i in 0..<out.count { out.pointer[i] = generator.uniform(low, high) }
        return Tensor(shape: shape, storage: out)
    }
}
