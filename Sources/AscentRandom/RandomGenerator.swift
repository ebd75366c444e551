/// A seeded random number generator with independent named streams.
///
/// The engine is xoshiro256** (Blackman & Vigna): 256 bits of state, period
/// 2^256 − 1, fast and statistically strong. A generator is identified by a
/// seed and a stream name; `RandomGenerator(seed: 7, stream: "actions")` and
/// `RandomGenerator(seed: 7, stream: "minibatches")` produce unrelated
/// sequences, so adding a random draw in one part of a program never shifts the
/// numbers another part sees.
///
/// Every method uses integer arithmetic and IEEE basic operations only
/// (normals use ``PortableMath``), so a seed gives the same numbers on every
/// machine and platform.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four xoshiro words; save and restore them to resume a stream exactly.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second normal of the last Box–Muller pair, not yet returned.
    public private(set) var spareNormal: Double?

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool {
        a.state == b.state && a.spareNormal == b.spareNormal
    }

    /// A generator for `stream` under `seed`.
    public init(seed: UInt64, stream: String = "") {
        // Mix the seed with a 64-bit FNV-1a hash of the stream name, then expand with SplitMix64.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var splitmix = seed ^ (hash &* 0x9e37_79b9_7f4a_7c15)
        func next() -> UInt64 {
            splitmix &+= 0x9e37_79b9_7f4a_7c15
            var z = splitmix
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
        spareNormal = nil
    }

    /// Restores a generator from saved ``state`` (and ``spareNormal``).
    public init(state: (UInt64, UInt64, UInt64, UInt64), spareNormal: Double? = nil) {
        precondition(state != (0, 0, 0, 0), "RandomGenerator: the all-zero state is invalid for xoshiro256**")
        self.state = state
        self.spareNormal = spareNormal
    }

    /// A derived, independent generator, e.g. one per environment of a vector.
    public func stream(_ name: String) -> RandomGenerator {
        var copy = self
        return RandomGenerator(seed: copy.next(), stream: name)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits (every representable step of a Float near 1).
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Uniform integer in 0..<bound, without modulo bias (Lemire's method).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:): bound must be positive, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Standard normal (mean 0, variance 1) by the Box–Muller transform.
    public mutating func normalDouble() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        // u1 in (0, 1] so the log is finite.
        let u1 = Double((next() >> 11) + 1) * 0x1.0p-53
        let u2 = uniformDouble()
        let radius = (-2 * PortableMath.log(u1)).squareRoot()
        let (c, s) = PortableMath.cosSinTwoPi(u2)
        spareNormal = radius * s
        return radius * c
    }

    /// Standard normal as a Float.
    public mutating func normal() -> Float { Float(normalDouble()) }

    /// Normal with the given mean and standard deviation.
    public mutating func normal(mean: Float, standardDeviation: Float) -> Float {
        mean + standardDeviation * normal()
    }

    /// Exponential with rate 1 (mean 1): −log(1 − u).
    public mutating func exponential() -> Double { -PortableMath.log(1 - uniformDouble()) }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical<C: Collection>(weights: C) -> Int where C.Element == Float {
        var total = 0.0
        for w in weights {
            precondition(w >= 0 && w.isFinite, "categorical: weights must be finite and non-negative, got \(w)")
            total += Double(w)
        }
        precondition(total > 0, "categorical: weights must not all be zero")
        let target = uniformDouble() * total
        var running = 0.0
        var lastPositive = 0
        for (i, w) in weights.enumerated() {
            running += Double(w)
            if w > 0 { lastPositive = i }
            if target < running { return i }
        }
        return lastPositive  // rounding left target at the very top
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var result = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                result.swapAt(i, integer(below: i + 1))
            }
        }
        return result
    }
}
