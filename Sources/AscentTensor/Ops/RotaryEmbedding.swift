extension Tensor {
    /// Rotary position embedding (Su et al. 2021) as the Llama family applies it to queries and
    /// keys `[batch, heads, time, d]`: the pairs (i, i + d/2) of each head vector at position p
    /// are rotated by the angle p · θ^(−2i/d),
    ///
    ///     x'ᵢ = xᵢ cos − x_{i+d/2} sin,   x'_{i+d/2} = x_{i+d/2} cos + xᵢ sin
    ///
    /// (Hugging Face's `rotate_half` layout). Positions start at `start` (the tokens a KV cache
    /// already holds). `inverseFrequencies` (d/2 values; default θ^(−2i/d) computed in float32 as
    /// `transformers` does) lets a caller apply a scaled schedule. The rotation is orthogonal, so
    /// the backward pass rotates the gradient by the opposite angle.
    public func rotaryEmbedding(start: Int = 0, theta: Float = 10_000, inverseFrequencies: [Float]? = nil) -> Tensor {
        precondition(rank == 4 && shape[3] % 2 == 0, "rotaryEmbedding: input must be [batch, heads, time, d] with d even, got \(shape)")
        let (outer, time, d) = (shape[0] * shape[1], shape[2], shape[3])
        let half = d / 2
        let frequencies = inverseFrequencies ?? (0..<half).map { 1 / Libm.powf(theta, Float(2 * $0) / Float(d)) }
        precondition(frequencies.count == half, "rotaryEmbedding: \(frequencies.count) inverse frequencies for head size \(d) (need \(half))")
        var cosines = [Float](repeating: 0, count: time * half), sines = cosines
        for t in 0..<time {
            for i in 0..<half {
                let angle = Float(start + t) * frequencies[i]
                (cosines[t * half + i], sines[t * half + i]) = (Libm.cosf(angle), Libm.sinf(angle))
            }
        }
        /// Rotates every pair of `source` into `target` by the angle, or by its opposite.
        func rotate(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, inverse: Bool, accumulate: Bool) {
            for o in 0..<outer {
                for t in 0..<time {
                    let base = (o * time + t) * d
                    for i in 0..<half {
                        let (c, s) = (cosines[t * half + i], inverse ? -sines[t * half + i] : sines[t * half + i])
                        let (a, b) = (source[base + i], source[base + i + half])
                        let (ra, rb) = (a * c - b * s, b * c + a * s)
                        if accumulate { target[base + i] += ra; target[base + i + half] += rb } else { (target[base + i], target[base + i + half]) = (ra, rb) }
                    }
                }
            }
        }
        let out = TensorStorage(uninitializedCount: count)
        rotate(storage.pointer, out.pointer, inverse: false, accumulate: false)
        return .result(shape: shape, storage: out, input: self, backward: { [self] grad in
            self.accumulateGradient { gx in rotate(grad.pointer, gx, inverse: true, accumulate: true) }
        })
    }
}
