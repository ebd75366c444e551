/// One recorded operation in the define-by-run gradient graph.
///
/// A node owns the gradient of its output (accumulated over every use) and a
/// closure that, given that gradient, adds the contributions to its inputs'
/// gradients. Leaves (parameters) have no closure; their gradient persists until
/// cleared, as in PyTorch.
final class GradNode: @unchecked Sendable {
    /// Element count of the tensor this node produced.
    let count: Int
    /// Accumulated gradient of the output, allocated on first contribution.
    var grad: TensorStorage?
    /// Nodes of the inputs that require gradients.
    private(set) var inputs: [GradNode]
    /// Accumulates into `inputs`' gradients from this node's gradient.
    private(set) var backward: ((TensorStorage) -> Void)?
    /// The forward result's storage, kept while the node can still run `backward`: backward
    /// closures read the output through raw pointers (y = tanh x, √x, ...), and the tensor
    /// that owned it may be gone by then (an intermediate nobody holds).
    private var output: TensorStorage?

    init(leafCount: Int) {
        count = leafCount
        inputs = []
        backward = nil
    }

    init(count: Int, inputs: [GradNode], output: TensorStorage, backward: @escaping (TensorStorage) -> Void) {
        self.count = count
        self.inputs = inputs
        self.output = output
        self.backward = backward
    }

    var isLeaf: Bool { backward == nil && inputs.isEmpty }

    /// The gradient buffer, zero-filled on first use.
    @inline(__always)
    func gradientBuffer() -> UnsafeMutablePointer<Float> {
        if let grad { return grad.pointer }
        let fresh = TensorStorage(repeating: 0, count: count)
        grad = fresh
        return fresh.pointer
    }

    /// Like ``gradientBuffer()``, but a first contribution may overwrite instead of add:
    /// returns the buffer and the factor (0 or 1) to scale its old contents by, which is
    /// exactly GEMM's `beta`. Saves zero-filling a buffer that is about to be written.
    @inline(__always)
    func gradientBufferOrFresh() -> (UnsafeMutablePointer<Float>, beta: Float) {
        if let grad { return (grad.pointer, 1) }
        let fresh = TensorStorage(uninitializedCount: count)
        grad = fresh
        return (fresh.pointer, 0)
    }

    /// Marks nodes during graph traversal without a hash set.
    var visitMark: UInt64 = 0

    /// Drops the closure and edges once the backward pass has used them, freeing
    /// the saved activations (PyTorch's `retain_graph=False`).
    func release() {
        backward = nil
        inputs = []
        grad = nil
        output = nil
    }
}
