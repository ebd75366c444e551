extension Tensor {
    /// Picks elements along `axis` by index (PyTorch's `torch.gather`): the result has
    /// the indices' shape, and `result[..., j, ...] = self[..., indices[..., j, ...], ...]`.
    /// Every other dimension of `indices` must equal this tensor's.
    /// Typical use: the log-probability of each taken action, `logProbs.gather(alongAxis: 1, indices: actions)`.
    public func gather(alongAxis axis: Int, indices: IntTensor) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "gather")
        precondition(indices.rank == rank, "gather: indices of rank \(indices.rank) for a tensor of rank \(rank)")
        for d in 0..<rank where d != axis {
            precondition(indices.shape[d] == shape[d], "gather: indices shape \(indices.shape) differs from \(shape) outside axis \(axis)")
        }
        let (outer, length, inner) = around(axis: axis)
        let picks = indices.shape[axis]
        let out = TensorStorage(uninitializedCount: indices.count)
        var sources = [Int](repeating: 0, count: indices.count)
        for o in 0..<outer {
            for j in 0..<picks {
                for i in 0..<inner {
                    let position = (o * picks + j) * inner + i
                    let index = indices.scalars[position]
                    precondition(index >= 0 && index < length, "gather: index \(index) is outside 0..<\(length) on axis \(axis)")
                    sources[position] = (o * length + index) * inner + i
                    out.pointer[position] = storage.pointer[sources[position]]
                }
            }
        }
        return .result(shape: indices.shape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                for (position, source) in sources.enumerated() { gx[source] += grad.pointer[position] }
            }
        })
    }

    /// Rows of this `[vocabulary, dimension]` table for each index: shape `indices.shape + [dimension]`.
    /// The backward pass adds each row's gradient into the table (repeated indices add up).
    public func embedding(_ indices: IntTensor) -> Tensor {
        precondition(rank == 2, "embedding: the table must be [vocabulary, dimension], got \(shape)")
        let (vocabulary, dimension) = (shape[0], shape[1])
        let out = TensorStorage(uninitializedCount: indices.count * dimension)
        for (row, index) in indices.scalars.enumerated() {
            precondition(index >= 0 && index < vocabulary, "embedding: index \(index) is outside 0..<\(vocabulary)")
            (out.pointer + row * dimension).update(from: storage.pointer + index * dimension, count: dimension)
        }
        return .result(shape: indices.shape + [dimension], storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gt in
                for (row, index) in indices.scalars.enumerated() {
                    let src = grad.pointer + row * dimension, dst = gt + index * dimension
                    for j in 0..<dimension { dst[j] += src[j] }
                }
            }
        })
    }
}
