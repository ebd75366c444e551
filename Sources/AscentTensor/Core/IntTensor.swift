/// An n-dimensional array of integer indices: actions, token ids, class labels.
/// Used by ``Tensor/gather(alongAxis:indices:)``, ``Tensor/embedding(_:)`` and
/// ``IntTensor/oneHot(depth:)``; never differentiable.
public struct IntTensor: Sendable, Equatable {
    public let shape: [Int]
    public let scalars: [Int]

    public init(shape: [Int], _ scalars: [Int]) {
        precondition(ShapeMath.count(shape) == scalars.count,
                     "IntTensor(shape: \(shape)): needs \(ShapeMath.count(shape)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(_ scalars: [Int]) { self.init(shape: [scalars.count], scalars) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    public func reshaped(_ newShape: [Int]) -> IntTensor { IntTensor(shape: newShape, scalars) }

    /// One-hot encoding: shape `shape + [depth]`, 1 at each index, 0 elsewhere.
    public func oneHot(depth: Int) -> Tensor {
        let out = TensorStorage(repeating: 0, count: count * depth)
        for (i, index) in scalars.enumerated() {
            precondition(index >= 0 && index < depth, "oneHot: index \(index) at position \(i) is outside 0..<\(depth)")
            out.pointer[i * depth + index] = 1
        }
        return Tensor(shape: shape + [depth], storage: out)
    }
}
