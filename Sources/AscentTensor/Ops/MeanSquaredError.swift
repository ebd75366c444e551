extension Tensor {
    /// Mean squared error, mean_i (x_i − y_i)², as one op (PyTorch's `F.mse_loss`): the
    /// value loss of actor-critic methods and the critic loss of SAC and TD3.
    ///
    /// Gradients: ∂/∂x_i = 2 (x_i − y_i) / n and ∂/∂y_i = −2 (x_i − y_i) / n. The same loss
    /// and gradients, bit for bit, as `(x - y).pow(2).mean()`, with one node instead of three.
    /// `target` must have this tensor's shape (no broadcasting: a `[n]` prediction against
    /// a `[n, 1]` target is almost always a bug).
    public func meanSquaredError(_ target: Tensor) -> Tensor {
        precondition(shape == target.shape, "meanSquaredError: prediction \(shape) and target \(target.shape) differ")
        let n = count, scale = 1 / Float(Swift.max(n, 1))
        let x = storage.pointer, y = target.storage.pointer
        let differences = TensorStorage(uninitializedCount: n)
        let d = differences.pointer
        var total = 0.0
        for i in 0..<n {
            d[i] = x[i] - y[i]
            total += Double(d[i] * d[i])
        }
        let out = TensorStorage(repeating: Float(total) * scale, count: 1)
        return .result(shape: [], storage: out, input: self, target, backward: {
            [predictionNode = node, targetNode = target.node, differences] grad in
            let g = grad.pointer[0] * scale, d = differences.pointer
            predictionNode.accumulateGradientOrWrite { gx, beta in
                for i in 0..<n { gx[i] = beta == 0 ? g * (2 * d[i]) : gx[i] + g * (2 * d[i]) }
            }
            targetNode.accumulateGradientOrWrite { gy, beta in
                for i in 0..<n { gy[i] = beta == 0 ? -(g * (2 * d[i])) : gy[i] - g * (2 * d[i]) }
            }
        })
    }
}
