extension Tensor {
    /// The same elements under a new shape with the same count. One dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshaped: cannot infer -1 in \(newShape) for \(count) elements")
            resolved[inferred] = count / known
        }
        precondition(resolved.allSatisfy { $0 >= 0 } && ShapeMath.count(resolved) == count,
                     "reshaped: shape \(shape) (\(count) elements) cannot become \(newShape)")
        guard node != nil && GradientMode.isRecording else { return Tensor(shape: resolved, storage: storage) }
        // Shares storage; the gradient passes through unchanged.
        return .result(shape: resolved, storage: storage, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in for i in 0..<count { gx[i] += grad.pointer[i] } }
        })
    }

    /// Inserts a dimension of size 1 at `axis`.
    public func expandingDimension(at axis: Int) -> Tensor {
        let resolved = axis < 0 ? axis + rank + 1 : axis
        precondition(resolved >= 0 && resolved <= rank, "expandingDimension: axis \(axis) out of range for rank \(rank)")
        var newShape = shape
        newShape.insert(1, at: resolved)
        return reshaped(newShape)
    }

    /// Removes a dimension of size 1.
    public func squeezingDimension(at axis: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, "squeezingDimension")
        precondition(shape[resolved] == 1, "squeezingDimension: axis \(axis) has size \(shape[resolved]), not 1")
        var newShape = shape
        newShape.remove(at: resolved)
        return reshaped(newShape)
    }

    /// Reorders the axes: result axis i is this tensor's axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation of 0..<\(rank)")
        let newShape = order.map { shape[$0] }
        let sourceStrides = ShapeMath.strides(shape)
        let gatherStrides = order.map { sourceStrides[$0] }
        let out = TensorStorage(uninitializedCount: count)
        Tensor.stridedCopy(from: storage.pointer, strides: gatherStrides, shape: newShape, to: out.pointer)
        return .result(shape: newShape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                // Scatter back: walk the result layout, writing to the source positions.
                Tensor.stridedScatter(from: grad.pointer, shape: newShape, strides: gatherStrides, to: gx)
            }
        })
    }

    /// Swaps two axes (default: the last two, a matrix transpose).
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        let a = ShapeMath.axis(first, rank: rank, "transposed"), b = ShapeMath.axis(second, rank: rank, "transposed")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return permuted(order)
    }

    /// Calls `body(linear, offset)` for every element of a strided view: `linear` counts in
    /// row-major order over `shape`, `offset` is the element's position under `strides`.
    @inline(__always)
    static func forEachStrided(shape: [Int], strides: [Int], _ body: (Int, Int) -> Void) {
        let total = ShapeMath.count(shape)
        guard total > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for linear in 0..<total {
            body(linear, offset)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Copies a strided view (`strides` per result axis) into contiguous `destination`.
    static func stridedCopy(from source: UnsafePointer<Float>, strides: [Int], shape: [Int],
                            to destination: UnsafeMutablePointer<Float>) {
        forEachStrided(shape: shape, strides: strides) { linear, offset in destination[linear] = source[offset] }
    }

    /// Adds contiguous `source` (laid out in `shape`) into the strided view `strides` of `destination`.
    static func stridedScatter(from source: UnsafePointer<Float>, shape: [Int], strides: [Int],
                               to destination: UnsafeMutablePointer<Float>) {
        forEachStrided(shape: shape, strides: strides) { linear, offset in destination[offset] += source[linear] }
    }

    /// Elements `range` along `axis` (Python's `x[..., a:b, ...]`).
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = ShapeMath.axis(axis, rank: rank, "slice(alongAxis:)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: range \(range) is outside 0..<\(shape[axis]) on axis \(axis) of shape \(shape)")
        let (outer, length, inner) = around(axis: axis)
        var newShape = shape
        newShape[axis] = range.count
        let block = range.count * inner
        let out = TensorStorage(uninitializedCount: outer * block)
        for o in 0..<outer {
            (out.pointer + o * block).update(from: storage.pointer + (o * length + range.lowerBound) * inner, count: block)
        }
        return .result(shape: newShape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in
                for o in 0..<outer {
                    let dst = gx + (o * length + range.lowerBound) * inner, src = grad.pointer + o * block
                    for i in 0..<block { dst[i] += src[i] }
                }
            }
        })
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed (Python's `x[:, i]`).
    public func select(alongAxis axis: Int, index: Int) -> Tensor {
        let resolved = ShapeMath.axis(axis, rank: rank, "select(alongAxis:)")
        let i = index < 0 ? index + shape[resolved] : index
        return slice(alongAxis: resolved, i..<(i + 1)).squeezingDimension(at: resolved)
    }

    /// The sub-tensor at `index` along the first axis.
    public subscript(index: Int) -> Tensor { select(alongAxis: 0, index: index) }

    /// Joins tensors along an existing axis; all other dimensions must match.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: needs at least one tensor")
        let first = tensors[0]
        let axis = ShapeMath.axis(axis, rank: first.rank, "concatenate")
        for t in tensors {
            var a = t.shape, b = first.shape
            precondition(a.count == b.count, "concatenate: ranks differ (\(t.shape) vs \(first.shape))")
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "concatenate: shapes \(t.shape) and \(first.shape) differ outside axis \(axis)")
        }
        let (outer, _, inner) = first.around(axis: axis)
        let lengths = tensors.map { $0.shape[axis] }
        let total = lengths.reduce(0, +)
        var newShape = first.shape
        newShape[axis] = total
        let out = TensorStorage(uninitializedCount: outer * total * inner)
        var start = 0
        for (t, length) in zip(tensors, lengths) {
            for o in 0..<outer {
                (out.pointer + (o * total + start) * inner).update(from: t.storage.pointer + o * length * inner, count: length * inner)
            }
            start += length
        }
        return .result(shape: newShape, storage: out, inputs: tensors, backward: { grad in
            var start = 0
            for (t, length) in zip(tensors, lengths) {
                t.accumulateGradient { gx in
                    for o in 0..<outer {
                        let src = grad.pointer + (o * total + start) * inner, dst = gx + o * length * inner
                        for i in 0..<(length * inner) { dst[i] += src[i] }
                    }
                }
                start += length
            }
        })
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: needs at least one tensor")
        precondition(tensors.allSatisfy { $0.shape == tensors[0].shape }, "stack: all tensors must have the same shape")
        return concatenate(tensors.map { $0.expandingDimension(at: axis) }, alongAxis: axis)
    }
}
