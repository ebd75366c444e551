extension Tensor {
    /// Wraps a freshly computed result, recording a graph node when recording is
    /// on and some input requires a gradient.
    ///
    /// `backward` receives the result's gradient and adds each input's share,
    /// typically through ``accumulateGradient(_:)`` on the captured inputs.
    /// `inputs` and `backward` are evaluated only when recording, so inference builds
    /// neither an input list nor a closure (no allocation, no reference counting).
    @inline(__always)
    static func result(
        shape: [Int], storage: TensorStorage, inputs: @autoclosure () -> [Tensor],
        backward: @autoclosure () -> (TensorStorage) -> Void
    ) -> Tensor {
        guard GradientMode.isRecording else { return Tensor(shape: shape, storage: storage) }
        let nodes = inputs().compactMap(\.node)
        guard !nodes.isEmpty else { return Tensor(shape: shape, storage: storage) }
        return Tensor(shape: shape, storage: storage,
                      node: GradNode(count: storage.count, inputs: nil, nil, nil, more: nodes, output: storage, backward: backward()))
    }

    /// ``result(shape:storage:inputs:backward:)`` for one to three inputs, without building
    /// an array of tensors: the hot path of every elementwise op and layer.
    @inline(__always)
    static func result(
        shape: [Int], storage: TensorStorage, input a: Tensor, _ b: Tensor? = nil,
        _ c: Tensor? = nil, backward: @autoclosure () -> (TensorStorage) -> Void
    ) -> Tensor {
        guard GradientMode.isRecording else { return Tensor(shape: shape, storage: storage) }
        let (first, second, third) = (a.node, b?.node, c?.node)
        guard first != nil || second != nil || third != nil else { return Tensor(shape: shape, storage: storage) }
        return Tensor(shape: shape, storage: storage,
                      node: GradNode(count: storage.count, inputs: first, second, third, output: storage, backward: backward()))
    }

    /// Calls `body` with this tensor's gradient buffer if it requires a gradient.
    @inline(__always)
    func accumulateGradient(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        if let node { body(node.gradientBuffer()) }
    }

    /// Like ``accumulateGradient(_:)`` for kernels with a GEMM-style `beta`: it is 0 when
    /// the buffer is fresh and uninitialised (overwrite it) and 1 when it already holds a
    /// gradient (add to it). Skips zero-filling buffers that are about to be written.
    @inline(__always)
    func accumulateGradientOrWrite(_ body: (UnsafeMutablePointer<Float>, Float) -> Void) {
        node.accumulateGradientOrWrite(body)
    }
}

extension GradNode? {
    /// ``Tensor/accumulateGradientOrWrite(_:)`` for a captured node, so backward closures
    /// can hold an input's node and storage instead of the whole tensor.
    @inline(__always)
    func accumulateGradientOrWrite(_ body: (UnsafeMutablePointer<Float>, Float) -> Void) {
        if let node = self {
            let (buffer, beta) = node.gradientBufferOrFresh()
            body(buffer, beta)
        }
    }
}
