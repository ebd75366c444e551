import Foundation

/// KL(π ‖ π_ref) of sampled responses from per-token log-probabilities (Schulman's
/// estimators): with r = π_ref / π at each sampled token,
///
///     k1 = Σ_t −log r      (unbiased, can be negative on a batch)
///     k3 = Σ_t (r − 1) − log r   (unbiased, never negative, lower variance)
///
/// summed over the tokens where `mask` is non-zero, averaged over `responses`.
public func klEstimates(policy: [Float], reference: [Float], mask: [Float], responses: Int) -> (k1: Double, k3: Double) {
    var k1 = 0.0, k3 = 0.0
    for i in mask.indices where mask[i] > 0 {
        let logRatio = Double(policy[i] - reference[i])  // log π − log π_ref = −log r
        k1 += logRatio
        k3 += Foundation.exp(-logRatio) - 1 + logRatio
    }
    let n = Double(Swift.max(responses, 1))
    return (k1 / n, k3 / n)
}
