extension Tensor {
    /// log N(x; μ, σ²) summed over the last axis, with σ = exp(logStd), in one fused node:
    ///
    ///     Σ_d [−½ z_d² − log σ_d − ½ log 2π],   z = (x − μ) / σ
    ///
    /// `samples` and `mean` are `[batch, d]`; `logStd` is `[d]` (shared by every row).
    /// Gradients: ∂/∂μ = z / σ, ∂/∂x = −z / σ, ∂/∂log σ = z² − 1 (summed over rows).
    /// A policy-gradient step evaluates this on every minibatch, so it is one op instead of eight.
    public static func diagonalGaussianLogProbability(samples: Tensor, mean: Tensor, logStd: Tensor) -> Tensor {
        precondition(samples.rank == 2 && samples.shape == mean.shape && logStd.shape == [mean.shape[1]],
                     "diagonalGaussianLogProbability: samples \(samples.shape) and mean \(mean.shape) must be [batch, d], logStd \(logStd.shape) must be [d]")
        let (rows, d) = (mean.shape[0], mean.shape[1])
        let halfLogTwoPi: Float = 0.918938533204672741780329736406
        let inverseStd = logStd.scalars.map { Libm.expf(-$0) }
        let z = TensorStorage(uninitializedCount: rows * d)
        let out = TensorStorage(uninitializedCount: rows)
        let x = samples.storage.pointer, mu = mean.storage.pointer, ls = logStd.storage.pointer
        for r in 0..<rows {
            var total: Float = 0
            for j in 0..<d {
                let zj = (x[r * d + j] - mu[r * d + j]) * inverseStd[j]
                z.pointer[r * d + j] = zj
                total += -0.5 * zj * zj - ls[j] - halfLogTwoPi
            }
            out.pointer[r] = total
        }
        return .result(shape: [rows], storage: out, input: samples, mean, logStd, backward: { grad in
            let g = grad.pointer, zp = z.pointer
            mean.accumulateGradient { gm in
                for r in 0..<rows { for j in 0..<d { gm[r * d + j] += g[r] * zp[r * d + j] * inverseStd[j] } }
            }
            samples.accumulateGradient { gx in
                for r in 0..<rows { for j in 0..<d { gx[r * d + j] -= g[r] * zp[r * d + j] * inverseStd[j] } }
            }
            logStd.accumulateGradient { gl in
                for r in 0..<rows { for j in 0..<d { gl[j] += g[r] * (zp[r * d + j] * zp[r * d + j] - 1) } }
            }
        })
    }
}
