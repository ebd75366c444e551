extension Tensor {
    /// Runs `body(outer, inner, length, x, y)` over each 1-D lane along `axis`.
    private func lanes(alongAxis axis: Int, _ operation: StaticString) -> (axis: Int, outer: Int, length: Int, inner: Int) {
        let axis = ShapeMath.axis(axis, rank: rank, operation)
        let (outer, length, inner) = around(axis: axis)
        return (axis, outer, length, inner)
    }

    /// log Σ exp(x) along an axis, computed stably by subtracting the maximum.
    /// Lanes that are entirely -inf give -inf. Gradient: softmax(x).
    public func logSumExp(alongAxis axis: Int = -1, keepingDimension: Bool = false) -> Tensor {
        let (axis, outer, length, inner) = lanes(alongAxis: axis, "logSumExp")
        let out = TensorStorage(uninitializedCount: outer * inner)
        let x = storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var peak = -Float.infinity
                for k in 0..<length { peak = Swift.max(peak, x[base + k * inner]) }
                var total: Float = 0
                if peak.isFinite { for k in 0..<length { total += Libm.expf(x[base + k * inner] - peak) } }
                out.pointer[o * inner + i] = peak.isFinite ? peak + Libm.logf(total) : peak
            }
        }
        return .result(shape: reducedShape(axis: axis, keepingDimension: keepingDimension), storage: out,
                       input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * length * inner + i, lse = out.pointer[o * inner + i], g = grad.pointer[o * inner + i]
                        guard lse.isFinite else { continue }
                        for k in 0..<length { gx[base + k * inner] += g * Libm.expf(x[base + k * inner] - lse) }
                    }
                }
            }
        })
    }

    /// softmax along an axis: exp(x - logsumexp(x)). Gradient: y ⊙ (g − Σ g y).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let (_, outer, length, inner) = lanes(alongAxis: axis, "softmax")
        let y = normalizedExponentials(outer: outer, length: length, inner: inner, logarithmic: false)
        return .result(shape: shape, storage: y, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                Tensor.forEachLane(outer: outer, length: length, inner: inner) { base in
                    var dot: Float = 0
                    for k in 0..<length { dot += grad.pointer[base + k * inner] * y.pointer[base + k * inner] }
                    for k in 0..<length {
                        let p = base + k * inner
                        gx[p] += y.pointer[p] * (grad.pointer[p] - dot)
                    }
                }
            }
        })
    }

    /// log-softmax along an axis: x - logsumexp(x). Gradient: g − softmax ⊙ Σ g.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let (_, outer, length, inner) = lanes(alongAxis: axis, "logSoftmax")
        let y = normalizedExponentials(outer: outer, length: length, inner: inner, logarithmic: true)
        return .result(shape: shape, storage: y, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                Tensor.forEachLane(outer: outer, length: length, inner: inner) { base in
                    var total: Float = 0
                    for k in 0..<length { total += grad.pointer[base + k * inner] }
                    for k in 0..<length {
                        let p = base + k * inner
                        gx[p] += grad.pointer[p] - Libm.expf(y.pointer[p]) * total
                    }
                }
            }
        })
    }

    private static func forEachLane(outer: Int, length: Int, inner: Int, _ body: (Int) -> Void) {
        for o in 0..<outer { for i in 0..<inner { body(o * length * inner + i) } }
    }

    /// softmax (or log-softmax) values of each lane, max-subtracted for stability.
    private func normalizedExponentials(outer: Int, length: Int, inner: Int, logarithmic: Bool) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: count)
        let x = storage.pointer, y = out.pointer
        Tensor.forEachLane(outer: outer, length: length, inner: inner) { base in
            var peak = -Float.infinity
            for k in 0..<length { peak = Swift.max(peak, x[base + k * inner]) }
            if !peak.isFinite { peak = 0 }  // all -inf lane: yields NaN like PyTorch, rather than hiding it
            var total: Float = 0
            for k in 0..<length {
                let e = Libm.expf(x[base + k * inner] - peak)
                y[base + k * inner] = e
                total += e
            }
            if logarithmic {
                let logTotal = Libm.logf(total)
                for k in 0..<length { y[base + k * inner] = x[base + k * inner] - peak - logTotal }
            } else {
                let scale = 1 / total
                for k in 0..<length { y[base + k * inner] *= scale }
            }
        }
        return out
    }
}
