extension Tensor {
    /// Wraps a freshly computed result, recording a graph node when recording is
    /// on and some input requires a gradient.
    ///
    /// `backward` receives the result's gradient and adds each input's share,
    /// typically through ``accumulateGradient(_:)`` on the captured inputs.
    /// `inputs` is evaluated only when recording, so inference builds no input list.
    @inline(__always)
    static func result(
        shape: [Int], storage: TensorStorage, inputs: @autoclosure () -> [Tensor],
        backward: @escaping (TensorStorage) -> Void
    ) -> Tensor {
        guard GradientMode.isRecording else { return Tensor(shape: shape, storage: storage) }
        var nodes: [GradNode] = []
        for input in inputs() { if let node = input.node { nodes.append(node) } }
        guard !nodes.isEmpty else { return Tensor(shape: shape, storage: storage) }
        return Tensor(shape: shape, storage: storage,
                      node: GradNode(count: storage.count, inputs: nodes, output: storage, backward: backward))
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
        if let node {
            let (buffer, beta) = node.gradientBufferOrFresh()
            body(buffer, beta)
        }
    }
}
