extension Tensor {
    /// Elementwise binary operation with NumPy broadcasting.
    ///
    /// `partials(a, b, y)` returns (∂y/∂a, ∂y/∂b) for one element; the backward pass
    /// multiplies by the incoming gradient and sums over broadcast axes.
    @inline(__always)
    static func zipElements(
        _ a: Tensor, _ b: Tensor, _ name: StaticString,
        _ forward: (Float, Float) -> Float,
        partials: @escaping (_ a: Float, _ b: Float, _ y: Float) -> (Float, Float)
    ) -> Tensor {
        if a.shape == b.shape { return zipSameShape(a, b, forward, partials: partials) }
        guard let shape = ShapeMath.broadcast(a.shape, b.shape) else {
            preconditionFailure("\(name): shapes \(a.shape) and \(b.shape) do not broadcast (each trailing dimension must match or be 1)")
        }
        let walk = BroadcastWalk(outputShape: shape, operands: [a.shape, b.shape])
        let out = TensorStorage(uninitializedCount: ShapeMath.count(shape))
        let pa = a.storage.pointer, pb = b.storage.pointer, py = out.pointer
        walk.forEachRow { o, offsets, n, strides in
            let sa = strides[0], sb = strides[1], ia = offsets[0], ib = offsets[1]
            for i in 0..<n { py[o + i] = forward(pa[ia + i * sa], pb[ib + i * sb]) }
        }
        return .result(shape: shape, storage: out, input: a, b, backward: { grad in
            // Per-element contributions in the output's shape, then summed over broadcast axes.
            let total = out.count
            let ga = a.requiresGradient ? TensorStorage(uninitializedCount: total) : nil
            let gb = b.requiresGradient ? TensorStorage(uninitializedCount: total) : nil
            let g = grad.pointer
            walk.forEachRow { o, offsets, n, strides in
                let sa = strides[0], sb = strides[1], ia = offsets[0], ib = offsets[1]
                for i in 0..<n {
                    let (da, db) = partials(pa[ia + i * sa], pb[ib + i * sb], py[o + i])
                    ga?.pointer[o + i] = g[o + i] * da
                    gb?.pointer[o + i] = g[o + i] * db
                }
            }
            if let ga { a.accumulateGradient(ga.pointer, fromShape: shape) }
            if let gb { b.accumulateGradient(gb.pointer, fromShape: shape) }
        })
    }

    /// The common case of equal shapes: straight loops, gradients added in place.
    @inline(__always)
    private static func zipSameShape(
        _ a: Tensor, _ b: Tensor, _ forward: (Float, Float) -> Float,
        partials: @escaping (Float, Float, Float) -> (Float, Float)
    ) -> Tensor {
        let count = a.count
        let out = TensorStorage(uninitializedCount: count)
        let pa = a.storage.pointer, pb = b.storage.pointer, py = out.pointer
        for i in 0..<count { py[i] = forward(pa[i], pb[i]) }
        return .result(shape: a.shape, storage: out, input: a, b, backward: { grad in
            let g = grad.pointer
            a.accumulateGradient { ga in
                for i in 0..<count { ga[i] += g[i] * partials(pa[i], pb[i], py[i]).0 }
            }
            b.accumulateGradient { gb in
                for i in 0..<count { gb[i] += g[i] * partials(pa[i], pb[i], py[i]).1 }
            }
        })
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        zipElements(a, b, "+", +, partials: { _, _, _ in (1, 1) })
    }
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        zipElements(a, b, "-", -, partials: { _, _, _ in (1, -1) })
    }
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        zipElements(a, b, "*", *, partials: { a, b, _ in (b, a) })
    }
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        zipElements(a, b, "/", /, partials: { a, b, _ in (1 / b, -a / (b * b)) })
    }

    /// a^b elementwise; ∂/∂b = a^b ln a (defined for a > 0).
    public static func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipElements(a, b, "pow", { Libm.powf($0, $1) }, partials: { a, b, y in
            (b * Libm.powf(a, b - 1), a > 0 ? y * Libm.logf(a) : 0)
        })
    }

    /// Elementwise minimum; at ties the gradient is split equally.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipElements(a, b, "minimum", { Swift.min($0, $1) }, partials: { a, b, _ in
            a < b ? (1, 0) : (a > b ? (0, 1) : (0.5, 0.5))
        })
    }

    /// Elementwise maximum; at ties the gradient is split equally.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipElements(a, b, "maximum", { Swift.max($0, $1) }, partials: { a, b, _ in
            a > b ? (1, 0) : (a < b ? (0, 1) : (0.5, 0.5))
        })
    }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
}
