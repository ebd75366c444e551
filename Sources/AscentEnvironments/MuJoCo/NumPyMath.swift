/// NumPy's float64 reductions in NumPy's own order, so rewards computed from them are
/// bit-identical to Gymnasium's.
///
/// `np.sum` adds contiguous arrays pairwise (`pairwise_sum` in NumPy's loops): below 8
/// values one by one from 0; up to 128 values in eight interleaved partial sums combined as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the remainder; above 128 the
/// two halves (the first a multiple of 8 long) recursively.
enum NumPyMath {
    /// `np.sum(f(x) for x in values)` over `count` values given by `element`.
    @inline(__always)
    static func sum(_ count: Int, _ element: (Int) -> Double) -> Double {
        pairwise(0, count, element)
    }

    private static func pairwise(_ start: Int, _ n: Int, _ element: (Int) -> Double) -> Double {
        if n < 8 {
            var total = 0.0
            for i in 0..<n { total += element(start + i) }
            return total
        }
        if n <= 128 {
            var r = (element(start), element(start + 1), element(start + 2), element(start + 3),
                     element(start + 4), element(start + 5), element(start + 6), element(start + 7))
            var i = 8
            while i < n - n % 8 {
                r.0 += element(start + i); r.1 += element(start + i + 1); r.2 += element(start + i + 2); r.3 += element(start + i + 3)
                r.4 += element(start + i + 4); r.5 += element(start + i + 5); r.6 += element(start + i + 6); r.7 += element(start + i + 7)
                i += 8
            }
            var total = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { total += element(start + i); i += 1 }
            return total
        }
        var half = n / 2
        half -= half % 8
        return pairwise(start, half, element) + pairwise(start + half, n - half, element)
    }

    /// `np.sum(np.square(action))` for a float32 action converted to float64, as Gymnasium's
    /// control costs compute it.
    static func sumOfSquares(_ action: UnsafeBufferPointer<Float>) -> Double {
        sum(action.count) { let a = Double(action[$0]); return a * a }
    }

    /// `np.sum(np.square(values))`.
    static func sumOfSquares(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        sum(values.count) { values[$0] * values[$0] }
    }

    /// `np.clip(x, low, high)` of one value (NaN passes through, as in NumPy).
    @inline(__always)
    static func clip(_ x: Double, _ low: Double, _ high: Double) -> Double {
        x < low ? low : (x > high ? high : x)
    }

    /// `np.linalg.norm(v)` of a 2- or 3-vector: the square root of `v · v`.
    static func norm(_ x: Double, _ y: Double, _ z: Double = 0) -> Double {
        (x * x + y * y + z * z).squareRoot()
    }
}
