import AscentKernels

extension Tensor {
    /// PPO's clipped surrogate loss (Schulman et al. 2017, eq. 7, negated to be minimised)
    /// from log-ratios ℓ = log π_new(a|s) − log π_old(a|s) and advantages A, in one node:
    ///
    ///     L = mean_i max(−A_i r_i, −A_i clip(r_i, 1 − ε, 1 + ε)),   r_i = exp(ℓ_i)
    ///
    /// Gradients: where the unclipped term is the larger (always when r is inside the
    /// clip range), ∂L/∂ℓ_i = −A_i r_i / n and ∂L/∂A_i = −r_i / n; elsewhere the clipped term
    /// is constant in ℓ (∂L/∂ℓ_i = 0) and ∂L/∂A_i = −clip(r_i) / n.
    ///
    /// The same loss and log-ratio gradients, bit for bit, as composing `exp`, `*`,
    /// `clamped`, `maximum` and `mean`; one op instead of seven on every PPO minibatch.
    public func clippedSurrogateLoss(advantages: Tensor, clipRange: Float) -> Tensor {
        precondition(shape == advantages.shape, "clippedSurrogateLoss: log-ratios \(shape) and advantages \(advantages.shape) differ")
        precondition(clipRange >= 0 && clipRange.isFinite, "clippedSurrogateLoss: clip range must be finite and non-negative, got \(clipRange)")
        let n = count, scale = 1 / Float(Swift.max(n, 1))
        let (low, high) = (1 - clipRange, 1 + clipRange)
        let logRatios = storage.pointer, a = advantages.storage.pointer
        let ratios = TensorStorage(uninitializedCount: n)
        let r = ratios.pointer
        ascent_vexp(logRatios, r, n)
        var total = 0.0
        for i in 0..<n {
            let negated = -a[i]
            total += Double(Swift.max(negated * r[i], negated * Swift.min(Swift.max(r[i], low), high)))
        }
        let out = TensorStorage(repeating: Float(total) * scale, count: 1)
        return .result(shape: [], storage: out, input: self, advantages, backward: {
            [logRatioNode = node, advantageNode = advantages.node, advantageValues = advantages.storage, ratios] grad in
            let g = grad.pointer[0] * scale
            let a = advantageValues.pointer, r = ratios.pointer
            logRatioNode.accumulateGradientOrWrite { gl, beta in
                for i in 0..<n {
                    let negated = -a[i]
                    let unclippedIsLarger = negated * r[i] >= negated * Swift.min(Swift.max(r[i], low), high)
                    let contribution = unclippedIsLarger ? g * negated * r[i] : 0
                    gl[i] = beta == 0 ? contribution : gl[i] + contribution
                }
            }
            advantageNode.accumulateGradientOrWrite { ga, beta in
                for i in 0..<n {
                    let clipped = Swift.min(Swift.max(r[i], low), high)
                    let unclippedIsLarger = -a[i] * r[i] >= -a[i] * clipped
                    let contribution = -g * (unclippedIsLarger ? r[i] : clipped)
                    ga[i] = beta == 0 ? contribution : ga[i] + contribution
                }
            }
        })
    }
}
