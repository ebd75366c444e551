/// An n-dimensional array of `Float`s, stored contiguously in row-major order,
/// that records the operations applied to it when it takes part in a gradient
/// computation.
///
/// Tensors are immutable values: every operation returns a new tensor. A tensor
/// that requires a gradient (a ``Parameter``'s value, or one made with
/// ``requiringGradient()``) carries a node of the define-by-run graph; operations
/// on it add nodes, and ``backward(_:)`` walks them in reverse. See `docs/design.md`.
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension; `[]` for a scalar.
    public let shape: [Int]
    /// The elements. Shared (never copied) by reshapes and detached copies.
    public let storage: TensorStorage
    /// The autodiff graph node, or `nil` for a constant.
    let node: GradNode?

    init(shape: [Int], storage: TensorStorage, node: GradNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of the given shape with elements from `values` in row-major order.
    public init(shape: [Int], _ values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:): dimensions must be non-negative, got \(shape)")
        precondition(ShapeMath.count(shape) == values.count,
                     "Tensor(shape: \(shape)): needs \(ShapeMath.count(shape)) values, got \(values.count)")
        self.init(shape: shape, storage: TensorStorage(copying: values))
    }

    /// A rank-1 tensor.
    public init(_ values: [Float]) { self.init(shape: [values.count], values) }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) { self.init(shape: [], [value]) }

    /// A rank-2 tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows): rows must have equal lengths")
        self.init(shape: [rows.count, columns], rows.flatMap { $0 })
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Read access to the elements without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Element at a multi-dimensional index.
    public subscript(element index: [Int]) -> Float {
        precondition(index.count == rank, "subscript(element:): index \(index) has rank \(index.count), tensor has rank \(rank)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "subscript(element:): index \(index) is out of bounds for shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return storage.pointer[offset]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

extension Tensor {
    /// Whether gradients flow back into this tensor.
    public var requiresGradient: Bool { node != nil }

    /// The same values as a leaf of the gradient graph: ``backward(_:)`` accumulates into its ``gradient``.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GradNode(leafCount: count))
    }

    /// The same values cut off from the gradient graph (stop-gradient).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// The gradient accumulated in a leaf by ``backward(_:)``, or `nil` if none has reached it.
    /// A copy: later backward passes reuse the buffer it was read from.
    public var gradient: Tensor? {
        guard let node, let grad = node.grad else { return nil }
        return Tensor(shape: shape, storage: grad.copy())
    }

    /// Whether every element is finite (no NaN or infinity).
    public var isFinite: Bool { storage.buffer.allSatisfy { $0.isFinite } }
}
