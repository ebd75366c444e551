extension Tensor {
    /// Layer normalisation over the last axis: (x − μ) / √(σ² + ε) · gain + bias,
    /// with the population variance (as PyTorch and GPT-2). One fused node.
    ///
    /// The row statistics and the centred values are computed in Double: in float32 the
    /// sequential sums of a 768-wide row lose several bits (4-7× PyTorch's error), and a row
    /// with a large common offset loses the centred values' low bits to the rounded mean.
    ///
    /// Backward, with x̂ the normalised input and ĝ = g · gain:
    /// dx = (ĝ − mean(ĝ) − x̂ · mean(ĝ x̂)) / √(σ² + ε).
    public func layerNorm(gain: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let features = shape.last ?? 1
        precondition(rank >= 1 && gain.shape == [features] && bias.shape == [features],
                     "layerNorm: gain \(gain.shape) and bias \(bias.shape) must both be [\(features)] for input \(shape)")
        let rows = count / Swift.max(features, 1)
        let out = TensorStorage(uninitializedCount: count)
        let normalized = TensorStorage(uninitializedCount: count)
        var inverseStd = [Double](repeating: 0, count: rows)
        let x = storage.pointer, w = gain.storage.pointer, b = bias.storage.pointer
        for r in 0..<rows {
            let row = x + r * features
            var mean = 0.0
            for j in 0..<features { mean += Double(row[j]) }
            mean /= Double(features)
            var variance = 0.0
            for j in 0..<features { variance += (Double(row[j]) - mean) * (Double(row[j]) - mean) }
            variance /= Double(features)
            let inv = 1 / (variance + Double(epsilon)).squareRoot()
            inverseStd[r] = inv
            for j in 0..<features {
                let xhat = Float((Double(row[j]) - mean) * inv)
                normalized.pointer[r * features + j] = xhat
                out.pointer[r * features + j] = xhat * w[j] + b[j]
            }
        }
        return .result(shape: shape, storage: out, input: self, gain, bias, backward: { [self] grad in
            let g = grad.pointer, xhat = normalized.pointer
            gain.accumulateGradient { gw in
                for r in 0..<rows { for j in 0..<features { gw[j] += g[r * features + j] * xhat[r * features + j] } }
            }
            bias.accumulateGradient { gb in
                for r in 0..<rows { for j in 0..<features { gb[j] += g[r * features + j] } }
            }
            self.accumulateGradient { gx in
                for r in 0..<rows {
                    var meanG = 0.0, meanGX = 0.0
                    for j in 0..<features {
                        let gh = Double(g[r * features + j] * w[j])
                        meanG += gh
                        meanGX += gh * Double(xhat[r * features + j])
                    }
                    meanG /= Double(features)
                    meanGX /= Double(features)
                    for j in 0..<features {
                        let p = r * features + j
                        gx[p] += Float((Double(g[p] * w[j]) - meanG - Double(xhat[p]) * meanGX) * inverseStd[r])
                    }
                }
            }
        })
    }

    /// Root-mean-square normalisation over the last axis (Zhang & Sennrich 2019, the Llama
    /// family's norm): x / √(mean(x²) + ε) · gain, no centring and no bias. One fused node; the
    /// mean square is summed in Double, as ``layerNorm(gain:bias:epsilon:)``'s statistics.
    ///
    /// Backward, with r = 1/√(mean(x²) + ε), x̂ = x r and ĝ = g · gain:
    /// dx = r (ĝ − x̂ · mean(ĝ x̂)), d gain = Σ g x̂.
    public func rmsNorm(gain: Tensor, epsilon: Float = 1e-6) -> Tensor {
        let features = shape.last ?? 1
        precondition(rank >= 1 && gain.shape == [features], "rmsNorm: gain \(gain.shape) must be [\(features)] for input \(shape)")
        let rows = count / Swift.max(features, 1)
        let out = TensorStorage(uninitializedCount: count)
        let normalized = TensorStorage(uninitializedCount: count)
        var inverseRMS = [Double](repeating: 0, count: rows)
        let x = storage.pointer, w = gain.storage.pointer
        for r in 0..<rows {
            let row = x + r * features
            var meanSquare = 0.0
            for j in 0..<features { meanSquare += Double(row[j]) * Double(row[j]) }
            let inv = 1 / (meanSquare / Double(features) + Double(epsilon)).squareRoot()
            inverseRMS[r] = inv
            for j in 0..<features {
                let xhat = Float(Double(row[j]) * inv)
                normalized.pointer[r * features + j] = xhat
                out.pointer[r * features + j] = xhat * w[j]
            }
        }
        return .result(shape: shape, storage: out, input: self, gain, backward: { [self] grad in
            let g = grad.pointer, xhat = normalized.pointer
            gain.accumulateGradient { gw in
                for r in 0..<rows { for j in 0..<features { gw[j] += g[r * features + j] * xhat[r * features + j] } }
            }
            self.accumulateGradient { gx in
                for r in 0..<rows {
                    var meanGX = 0.0
                    for j in 0..<features { meanGX += Double(g[r * features + j] * w[j]) * Double(xhat[r * features + j]) }
                    meanGX /= Double(features)
                    for j in 0..<features {
                        let p = r * features + j
                        gx[p] += Float((Double(g[p] * w[j]) - Double(xhat[p]) * meanGX) * inverseRMS[r])
                    }
                }
            }
        })
    }

    /// A `[size, size]` additive attention mask: 0 where key ≤ query, −∞ above the diagonal.
    /// Add it to attention scores before the softmax so a position never attends to later ones.
    public static func causalMask(size: Int) -> Tensor {
        let out = TensorStorage(repeating: 0, count: size * size)
        for q in 0..<size { for k in (q + 1)..<Swift.max(q + 1, size) { out.pointer[q * size + k] = -.infinity } }
        return Tensor(shape: [size, size], storage: out)
    }

    /// Replaces elements with `value` where `mask` (broadcast to this shape) is non-zero;
    /// the gradient flows only through the elements kept.
    public func masked(where mask: Tensor, with value: Float) -> Tensor {
        Tensor.where(mask, Tensor(value), self)
    }
}
