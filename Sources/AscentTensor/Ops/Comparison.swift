extension Tensor {
    /// Elementwise comparison giving 1 where `predicate` holds and 0 elsewhere.
    /// The result is a constant: comparisons have no gradient.
    static func compare(_ a: Tensor, _ b: Tensor, _ name: StaticString, _ predicate: (Float, Float) -> Bool) -> Tensor {
        withoutGradients {
            zipElements(a, b, name, { predicate($0, $1) ? 1 : 0 }, partials: { _, _, _ in (0, 0) })
        }
    }

    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".<", <) }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".<=", <=) }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".>", >) }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".>=", >=) }
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".==", ==) }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ".!=", !=) }
    public static func .< (a: Tensor, b: Float) -> Tensor { a .< Tensor(b) }
    public static func .> (a: Tensor, b: Float) -> Tensor { a .> Tensor(b) }

    /// Picks from `a` where `condition` is non-zero and from `b` elsewhere; all three
    /// broadcast together. Gradients flow to the chosen element only, so an infinity
    /// or NaN in the branch not taken does not poison the gradient.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = ShapeMath.broadcast(a.shape, b.shape), let shape = ShapeMath.broadcast(condition.shape, ab) else {
            preconditionFailure("where: shapes \(condition.shape), \(a.shape) and \(b.shape) do not broadcast together")
        }
        let c = condition.broadcast(to: shape).detached(), x = a.broadcast(to: shape), y = b.broadcast(to: shape)
        let out = TensorStorage(uninitializedCount: c.count)
        let pc = c.storage.pointer, px = x.storage.pointer, py = y.storage.pointer
        for i in 0..<c.count { out.pointer[i] = pc[i] != 0 ? px[i] : py[i] }
        return .result(shape: shape, storage: out, input: x, y, backward: { grad in
            let g = grad.pointer
            x.accumulateGradient { gx in for i in 0..<c.count where pc[i] != 0 { gx[i] += g[i] } }
            y.accumulateGradient { gy in for i in 0..<c.count where pc[i] == 0 { gy[i] += g[i] } }
        })
    }
}
