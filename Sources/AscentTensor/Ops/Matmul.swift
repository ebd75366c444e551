import AscentKernels

extension Tensor {
    /// Matrix product over the last two axes.
    ///
    /// - `[m, k] · [k, n] → [m, n]`
    /// - `[..., m, k] · [k, n] → [..., m, n]` (a shared weight matrix; leading axes fold into m)
    /// - `[b..., m, k] · [b..., k, n] → [b..., m, n]` (batched, equal leading axes)
    ///
    /// `transposeB` multiplies by the transpose of the right operand without copying it.
    public func matmul(_ other: Tensor, transposeB: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul: operands need rank ≥ 2, got \(shape) and \(other.shape)")
        let k = shape[rank - 1]
        let m = shape[rank - 2]
        let bRows = other.shape[other.rank - 2], bCols = other.shape[other.rank - 1]
        let (kb, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
        precondition(k == kb, "matmul: inner dimensions differ: \(shape) · \(other.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(kb))")
        if other.rank == 2 {
            let rows = shape.dropLast().reduce(1, *)
            return Tensor.matmul2D(self, other, m: rows, k: k, n: n, transposeB: transposeB,
                                   outputShape: Array(shape.dropLast()) + [n])
        }
        let batchShape = Array(shape.dropLast(2))
        precondition(batchShape == Array(other.shape.dropLast(2)),
                     "matmul: batch dimensions differ: \(shape) · \(other.shape) (use equal leading axes, or a rank-2 right operand)")
        return Tensor.batchedMatmul(self, other, batch: ShapeMath.count(batchShape), m: m, k: k, n: n,
                                    transposeB: transposeB, outputShape: batchShape + [m, n])
    }

    private static func matmul2D(_ a: Tensor, _ b: Tensor, m: Int, k: Int, n: Int, transposeB: Bool,
                                 outputShape: [Int]) -> Tensor {
        let out = TensorStorage(uninitializedCount: m * n)
        let ldb = transposeB ? k : n
        gemm(transposeA: false, transposeB: transposeB, m: m, n: n, k: k,
             a: a.storage.pointer, lda: k, b: b.storage.pointer, ldb: ldb, beta: 0, c: out.pointer, ldc: n)
        return .result(shape: outputShape, storage: out, input: a, b, backward: { grad in
            // dA = G · op(B)ᵀ ; dB = Aᵀ · G (or Gᵀ · A when B was used transposed). Accumulate in place.
            a.accumulateGradientOrWrite { ga, beta in
                gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                     a: grad.pointer, lda: n, b: b.storage.pointer, ldb: ldb, beta: beta, c: ga, ldc: k)
            }
            b.accumulateGradientOrWrite { gb, beta in
                if transposeB {
                    gemm(transposeA: true, transposeB: false, m: n, n: k, k: m,
                         a: grad.pointer, lda: n, b: a.storage.pointer, ldb: k, beta: beta, c: gb, ldc: k)
                } else {
                    gemm(transposeA: true, transposeB: false, m: k, n: n, k: m,
                         a: a.storage.pointer, lda: k, b: grad.pointer, ldb: n, beta: beta, c: gb, ldc: n)
                }
            }
        })
    }

    private static func batchedMatmul(_ a: Tensor, _ b: Tensor, batch: Int, m: Int, k: Int, n: Int,
                                      transposeB: Bool, outputShape: [Int]) -> Tensor {
        let out = TensorStorage(uninitializedCount: batch * m * n)
        let ldb = transposeB ? k : n
        let aStride = m * k, bStride = k * n, cStride = m * n
        for i in 0..<batch {
            gemm(transposeA: false, transposeB: transposeB, m: m, n: n, k: k,
                 a: a.storage.pointer + i * aStride, lda: k, b: b.storage.pointer + i * bStride, ldb: ldb,
                 beta: 0, c: out.pointer + i * cStride, ldc: n)
        }
        return .result(shape: outputShape, storage: out, input: a, b, backward: { grad in
            a.accumulateGradientOrWrite { ga, beta in
                for i in 0..<batch {
                    gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                         a: grad.pointer + i * cStride, lda: n, b: b.storage.pointer + i * bStride, ldb: ldb,
                         beta: beta, c: ga + i * aStride, ldc: k)
                }
            }
            b.accumulateGradientOrWrite { gb, beta in
                for i in 0..<batch {
                    if transposeB {
                        gemm(transposeA: true, transposeB: false, m: n, n: k, k: m,
                             a: grad.pointer + i * cStride, lda: n, b: a.storage.pointer + i * aStride, ldb: k,
                             beta: beta, c: gb + i * bStride, ldc: k)
                    } else {
                        gemm(transposeA: true, transposeB: false, m: k, n: n, k: m,
                             a: a.storage.pointer + i * aStride, lda: k, b: grad.pointer + i * cStride, ldb: n,
                             beta: beta, c: gb + i * bStride, ldc: n)
                    }
                }
            }
        })
    }

    /// Affine map `x · Wᵀ + bias` in one pass (PyTorch's `F.linear`), optionally followed by
    /// tanh or ReLU in the same node: `weight` is `[out, in]`, `bias` is `[out]`, `x` is
    /// `[..., in]`. Gradients are accumulated straight into the parameters' buffers.
    ///
    /// Fusing the activation saves a node, an output buffer and a pass over memory for every
    /// hidden layer of every MLP, which matters at RL's small batch sizes. Other activations
    /// are applied as a separate operation.
    public func linear(weight: Tensor, bias: Tensor?, activation: Activation = .identity) -> Tensor {
        precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        precondition(rank >= 1 && shape[rank - 1] == inFeatures,
                     "linear: input \(shape) does not end in \(inFeatures) features (weight \(weight.shape))")
        if let bias {
            precondition(bias.rank == 1 && bias.count == outFeatures, "linear: bias \(bias.shape) should be [\(outFeatures)]")
        }
        guard activation == .identity || activation == .tanh || activation == .relu else {
            return activation(linear(weight: weight, bias: bias))
        }
        let rows = inFeatures > 0 ? self.count / inFeatures : shape.dropLast().reduce(1, *)
        let count = rows * outFeatures
        let out = TensorStorage(uninitializedCount: count)
        gemm(transposeA: false, transposeB: true, m: rows, n: outFeatures, k: inFeatures,
             a: storage.pointer, lda: inFeatures, b: weight.storage.pointer, ldb: inFeatures,
             beta: 0, c: out.pointer, ldc: outFeatures)
        let kernelActivation: Int32 = switch activation {
        case .tanh: Int32(ASCENT_ACTIVATION_TANH)
        case .relu: Int32(ASCENT_ACTIVATION_RELU)
        default: Int32(ASCENT_ACTIVATION_IDENTITY)
        }
        if let bias {
            // Bias and activation in one pass over the product.
            ascent_add_bias_activation(out.pointer, bias.storage.pointer, rows, outFeatures, kernelActivation)
        } else if activation == .tanh {
            ascent_vtanh_inplace(out.pointer, count)
        } else if activation == .relu {
            ascent_vrelu_inplace(out.pointer, count)
        }
        var outputShape = shape
        outputShape[rank - 1] = outFeatures
        // The closure holds storages and nodes rather than whole tensors: fewer references to
        // count on the path every MLP layer takes. The output is kept alive by the node.
        let y = UnsafePointer(out.pointer)
        return .result(shape: outputShape, storage: out, input: self, weight, bias, backward: {
            [input = storage, inputNode = node, weights = weight.storage, weightNode = weight.node, biasNode = bias?.node] grad in
            // Gradient with respect to the pre-activation, in place: the buffer is this node's
            // own and is freed after this closure.
            switch activation {
            case .tanh: ascent_vtanh_backward_inplace(y, grad.pointer, count)
            case .relu: ascent_vrelu_backward_inplace(y, grad.pointer, count)
            default: break
            }
            let g = UnsafePointer(grad.pointer)
            inputNode.accumulateGradientOrWrite { gx, beta in
                gemm(transposeA: false, transposeB: false, m: rows, n: inFeatures, k: outFeatures,
                     a: g, lda: outFeatures, b: weights.pointer, ldb: inFeatures, beta: beta, c: gx, ldc: inFeatures)
            }
            weightNode.accumulateGradientOrWrite { gw, beta in
                gemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: rows,
                     a: g, lda: outFeatures, b: input.pointer, ldb: inFeatures, beta: beta, c: gw, ldc: inFeatures)
            }
            biasNode.accumulateGradientOrWrite { gb, beta in
                if beta == 0 { gb.update(repeating: 0, count: outFeatures) }
                ascent_add_column_sums(g, rows, outFeatures, gb)
            }
        })
    }
}
