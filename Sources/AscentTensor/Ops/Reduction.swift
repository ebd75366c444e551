extension Tensor {
    /// Splits the shape around `axis` into (outer, length, inner) for strided loops.
    func around(axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func reducedShape(axis: Int, keepingDimension: Bool) -> [Int] {
        var result = shape
        if keepingDimension { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// Sum of all elements, as a scalar. Accumulates in Double.
    public func sum() -> Tensor { scaledSum(1) }

    /// Sum of all elements times `scale`, as one op (a mean is a loss's last step).
    private func scaledSum(_ scale: Float) -> Tensor {
        var total = 0.0
        for i in 0..<count { total += Double(storage.pointer[i]) }
        let out = TensorStorage(repeating: Float(total) * scale, count: 1)
        return .result(shape: [], storage: out, input: self, backward: { [self] grad in
            let g = grad.pointer[0] * scale
            self.accumulateGradient { gx in for i in 0..<count { gx[i] += g } }
        })
    }

    /// Sum along one axis (negative counts from the end).
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "sum(alongAxis:)")
        let (outer, length, inner) = around(axis: axis)
        let out = TensorStorage(repeating: 0, count: outer * inner)
        let x = storage.pointer, y = out.pointer
        for o in 0..<outer {
            for k in 0..<length {
                let row = x + (o * length + k) * inner
                let dst = y + o * inner
                for i in 0..<inner { dst[i] += row[i] }
            }
        }
        return .result(shape: reducedShape(axis: axis, keepingDimension: keepingDimension), storage: out,
                       input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                let g = grad.pointer
                for o in 0..<outer {
                    for k in 0..<length {
                        let dst = gx + (o * length + k) * inner
                        for i in 0..<inner { dst[i] += g[o * inner + i] }
                    }
                }
            }
        })
    }

    /// Mean of all elements, as a scalar.
    public func mean() -> Tensor { scaledSum(1 / Float(Swift.max(count, 1))) }

    /// Mean along one axis.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, "mean(alongAxis:)")
        return sum(alongAxis: resolved, keepingDimension: keepingDimension) * (1 / Float(shape[resolved]))
    }

    /// Variance along one axis: mean of squared deviations divided by (n - correction);
    /// `correction: 1` is the unbiased estimator (PyTorch's default), 0 the population variance.
    public func variance(alongAxis axis: Int, correction: Int = 1, keepingDimension: Bool = false) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, "variance(alongAxis:)")
        let n = shape[resolved]
        precondition(n - correction > 0, "variance: \(n) elements along axis \(axis) with correction \(correction) leaves no degrees of freedom")
        let deviation = self - mean(alongAxis: resolved, keepingDimension: true)
        return (deviation * deviation).sum(alongAxis: resolved, keepingDimension: keepingDimension) * (1 / Float(n - correction))
    }

    /// Variance of all elements.
    public func variance(correction: Int = 1) -> Tensor {
        reshaped([count]).variance(alongAxis: 0, correction: correction)
    }

    /// Maximum along one axis; the gradient flows to the first maximal element.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "max(alongAxis:)")
        let (outer, length, inner) = around(axis: axis)
        precondition(length > 0, "max(alongAxis:): axis \(axis) is empty")
        let winners = argmaxIndices(outer: outer, length: length, inner: inner)
        let out = TensorStorage(uninitializedCount: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                out.pointer[o * inner + i] = storage.pointer[(o * length + winners[o * inner + i]) * inner + i]
            }
        }
        return .result(shape: reducedShape(axis: axis, keepingDimension: keepingDimension), storage: out,
                       input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                for o in 0..<outer {
                    for i in 0..<inner {
                        gx[(o * length + winners[o * inner + i]) * inner + i] += grad.pointer[o * inner + i]
                    }
                }
            }
        })
    }

    /// Maximum of all elements, as a scalar.
    public func max() -> Tensor { reshaped([count]).max(alongAxis: 0) }

    /// Index of the first maximum along an axis (NaN counts as the maximum, as in NumPy).
    public func argmax(alongAxis axis: Int = -1) -> IntTensor {
        let axis = ShapeMath.axis(axis, rank: rank, "argmax(alongAxis:)")
        let (outer, length, inner) = around(axis: axis)
        precondition(length > 0, "argmax(alongAxis:): axis \(axis) is empty")
        return IntTensor(shape: reducedShape(axis: axis, keepingDimension: false),
                         argmaxIndices(outer: outer, length: length, inner: inner))
    }

    private func argmaxIndices(outer: Int, length: Int, inner: Int) -> [Int] {
        var result = [Int](repeating: 0, count: outer * inner)
        let x = storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = x[o * length * inner + i]
                if bestValue.isNaN { result[o * inner + i] = 0; continue }
                for k in 1..<length {
                    let v = x[(o * length + k) * inner + i]
                    if v.isNaN { best = k; break }
                    if v > bestValue { best = k; bestValue = v }
                }
                result[o * inner + i] = best
            }
        }
        return result
    }
}
