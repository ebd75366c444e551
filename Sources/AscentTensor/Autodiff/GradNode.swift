/// One recorded operation in the define-by-run gradient graph.
///
/// A node owns the gradient of its output (accumulated over every use) and a
/// closure that, given that gradient, adds the contributions to its inputs'
/// gradients. Leaves (parameters) have no closure; their gradient persists until
/// cleared, as in PyTorch.
final class GradNode: @unchecked Sendable {
    /// Element count of the tensor this node produced.
    let count: Int
    /// Buffer for the accumulated gradient of the output, allocated on first contribution.
    /// A leaf keeps it when its gradient is cleared, so a training loop does not allocate
    /// and free every parameter's gradient on every step.
    private var gradBuffer: TensorStorage?
    /// Whether `gradBuffer` holds a gradient (false after ``clearGradient()``).
    private var holdsGradient = false

    /// The accumulated gradient, or `nil` if nothing has reached this node since it was cleared.
    var grad: TensorStorage? { holdsGradient ? gradBuffer : nil }
    /// Nodes of the inputs that require gradients: up to three held inline (every op but
    /// concatenation), so recording an op allocates no edge list; any others in `moreInputs`.
    private var input0, input1, input2: GradNode?
    private var moreInputs: [GradNode]
    /// Accumulates into the inputs' gradients from this node's gradient.
    private(set) var backward: ((TensorStorage) -> Void)?
    /// The forward result's storage, kept while the node can still run `backward`: backward
    /// closures read the output through raw pointers (y = tanh x, √x, ...), and the tensor
    /// that owned it may be gone by then (an intermediate nobody holds).
    private var output: TensorStorage?

    init(leafCount: Int) {
        count = leafCount
        moreInputs = []
        backward = nil
    }

    /// A node for an op whose inputs' nodes are `first`, `second`, `third` (`nil` for inputs
    /// that need no gradient) and `more`.
    init(count: Int, inputs first: GradNode?, _ second: GradNode?, _ third: GradNode?, more: [GradNode] = [],
         output: TensorStorage, backward: @escaping (TensorStorage) -> Void) {
        self.count = count
        (input0, input1, input2, moreInputs) = (first, second, third, more)
        self.output = output
        self.backward = backward
    }

    var hasInputs: Bool { input0 != nil || input1 != nil || input2 != nil || !moreInputs.isEmpty }

    var isLeaf: Bool { backward == nil && !hasInputs }

    /// Calls `body` with each input's node.
    @inline(__always)
    func forEachInput(_ body: (GradNode) -> Void) {
        if let input0 { body(input0) }
        if let input1 { body(input1) }
        if let input2 { body(input2) }
        for input in moreInputs { body(input) }
    }

    /// The gradient buffer, zero-filled on first use.
    @inline(__always)
    func gradientBuffer() -> UnsafeMutablePointer<Float> {
        let (buffer, beta) = gradientBufferOrFresh()
        if beta == 0 { buffer.update(repeating: 0, count: count) }
        return buffer
    }

    /// Like ``gradientBuffer()``, but a first contribution may overwrite instead of add:
    /// returns the buffer and the factor (0 or 1) to scale its old contents by, which is
    /// exactly GEMM's `beta`. Saves zero-filling a buffer that is about to be written.
    @inline(__always)
    func gradientBufferOrFresh() -> (UnsafeMutablePointer<Float>, beta: Float) {
        if let gradBuffer {
            if holdsGradient { return (gradBuffer.pointer, 1) }
            holdsGradient = true
            return (gradBuffer.pointer, 0)
        }
        let fresh = TensorStorage(uninitializedCount: count)
        gradBuffer = fresh
        holdsGradient = true
        return (fresh.pointer, 0)
    }

    /// Forgets the accumulated gradient but keeps its buffer for the next one.
    func clearGradient() { holdsGradient = false }

    /// Marks nodes during graph traversal without a hash set.
    var visitMark: UInt64 = 0

    /// Runs the backward closure on the accumulated gradient (if any reached this node), then
    /// frees the closure, the gradient and the saved activations (PyTorch's
    /// `retain_graph=False`). The edges stay until ``releaseInputs()``. Leaves keep their gradient.
    func propagate() {
        guard !isLeaf else { return }
        // Swapped out rather than copied: the closure and the buffer change hands without
        // reference counting, and are freed when this call returns.
        var closure: ((TensorStorage) -> Void)? = nil, buffer: TensorStorage? = nil
        swap(&closure, &backward)
        swap(&buffer, &gradBuffer)
        if holdsGradient, let closure, let buffer { closure(buffer) }
        holdsGradient = false
        output = nil
    }

    /// Drops the edges once the backward pass is over.
    func releaseInputs() {
        (input0, input1, input2) = (nil, nil, nil)
        moreInputs = []
    }
}
