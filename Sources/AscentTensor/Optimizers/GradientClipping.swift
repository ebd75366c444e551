import AscentKernels

/// Scales all gradients together so their global L2 norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`: scale = maxNorm / (norm + 1e-6) when that is below 1).
///
/// - Returns: the global norm before clipping (log it: spikes reveal instability).
///   A non-finite norm is returned unchanged and nothing is scaled, so the caller can stop.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    precondition(maxNorm > 0 && maxNorm.isFinite, "clipGradientNorm: maxNorm must be positive and finite, got \(maxNorm)")
    let norm = globalGradientNorm(parameters)
    guard norm.isFinite else { return norm }
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters {
            guard let grad = p.gradientPointer else { continue }
            for i in 0..<p.count { grad[i] *= scale }
        }
    }
    return norm
}

/// The L2 norm of all parameters' gradients taken as one vector (accumulated in Double).
public func globalGradientNorm(_ parameters: [Parameter]) -> Float {
    var total = 0.0
    for p in parameters {
        guard let grad = p.gradientPointer else { continue }
        total += ascent_sum_squares(grad, p.count)
    }
    return Float(total.squareRoot())
}
