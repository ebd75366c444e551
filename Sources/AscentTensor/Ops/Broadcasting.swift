/// Walks two or three broadcast operands row by row, so elementwise kernels run
/// tight inner loops. Dimensions that are contiguous in every operand are merged
/// first, so same-shape operands become one long row and a bias add becomes
/// `batch` rows of `features`.
struct BroadcastWalk {
    let outputShape: [Int]
    /// Per operand, strides aligned to the output's rank (0 where broadcast).
    private let shape: [Int]
    private let operandStrides: [[Int]]

    init(outputShape: [Int], operands: [[Int]]) {
        self.outputShape = outputShape
        let rank = outputShape.count
        var strides = operands.map { operand -> [Int] in
            let own = ShapeMath.strides(operand)
            return (0..<rank).map { axis in
                let local = axis - (rank - operand.count)
                guard local >= 0, operand[local] != 1 else { return 0 }
                return own[local]
            }
        }
        // Merge axis i into i+1 when, for every operand, stepping axis i equals stepping
        // the whole of axis i+1.
        var merged = outputShape
        var axis = merged.count - 2
        while axis >= 0 {
            let next = axis + 1
            let mergeable = strides.allSatisfy { $0[axis] == $0[next] * merged[next] }
            if mergeable {
                merged[next] *= merged[axis]
                merged.remove(at: axis)
                for i in strides.indices { strides[i].remove(at: axis) }
            }
            axis -= 1
        }
        if merged.isEmpty {
            merged = [1]
            strides = strides.map { _ in [0] }
        }
        shape = merged
        operandStrides = strides
    }

    /// Calls `body(outputOffset, operandOffsets, rowLength, operandInnerStrides)` once per row.
    @inline(__always)
    func forEachRow(_ body: (Int, [Int], Int, [Int]) -> Void) {
        let rank = shape.count
        let rowLength = shape[rank - 1]
        let inner = operandStrides.map { $0[rank - 1] }
        let rows = shape.dropLast().reduce(1, *)
        guard rowLength > 0, rows > 0 else { return }
        var index = [Int](repeating: 0, count: rank)
        var offsets = [Int](repeating: 0, count: operandStrides.count)
        for row in 0..<rows {
            body(row * rowLength, offsets, rowLength, inner)
            // Odometer over the outer axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                for o in offsets.indices { offsets[o] += operandStrides[o][axis] }
                if index[axis] < shape[axis] { break }
                for o in offsets.indices { offsets[o] -= operandStrides[o][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Tensor {
    /// Adds `contribution` (laid out in `fromShape`, which this tensor's shape
    /// broadcasts to) into this tensor's gradient, summing over broadcast axes.
    func accumulateGradient(_ contribution: UnsafePointer<Float>, fromShape: [Int]) {
        accumulateGradient { grad in
            if fromShape == shape || ShapeMath.count(fromShape) == count && fromShape.count >= rank {
                for i in 0..<count { grad[i] += contribution[i] }
                return
            }
            let walk = BroadcastWalk(outputShape: fromShape, operands: [shape])
            walk.forEachRow { out, offsets, n, strides in
                let target = offsets[0]
                if strides[0] == 0 {
                    var total: Float = 0
                    for i in 0..<n { total += contribution[out + i] }
                    grad[target] += total
                } else {
                    for i in 0..<n { grad[target + i] += contribution[out + i] }
                }
            }
        }
    }

    /// This tensor's values repeated to `targetShape` (NumPy `broadcast_to`, materialised).
    public func broadcast(to targetShape: [Int]) -> Tensor {
        guard targetShape != shape else { return self }
        precondition(ShapeMath.broadcast(shape, targetShape) == targetShape,
                     "broadcast(to:): shape \(shape) cannot broadcast to \(targetShape)")
        let out = TensorStorage(uninitializedCount: ShapeMath.count(targetShape))
        let src = storage.pointer, dst = out.pointer
        BroadcastWalk(outputShape: targetShape, operands: [shape]).forEachRow { o, offsets, n, strides in
            let s = strides[0], base = offsets[0]
            for i in 0..<n { dst[o + i] = src[base + i * s] }
        }
        return .result(shape: targetShape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient(grad.pointer, fromShape: targetShape)
        })
    }
}
