import AscentRandom

/// The set of valid observations or actions, as Gymnasium's `spaces`.
///
/// Actions and observations are `[Float]` in row-major order; a `Discrete` value is one
/// element holding the integer (so vector environments can keep every sub-environment's
/// actions in one contiguous buffer).
public indirect enum Space: Sendable, Equatable, CustomStringConvertible {
    /// A box in ℝⁿ: each element between its `low` and `high` (either may be infinite).
    case box(Box)
    /// The integers `start ..< start + count`.
    case discrete(count: Int, start: Int = 0)
    /// A fixed sequence of spaces, flattened in order.
    case tuple([Space])

    /// A box with one bound for every element.
    public struct Box: Sendable, Equatable {
        public let low: [Float]
        public let high: [Float]
        public let shape: [Int]

        public init(low: [Float], high: [Float], shape: [Int]? = nil) {
            precondition(low.count == high.count, "Box: low has \(low.count) elements, high has \(high.count)")
            precondition(zip(low, high).allSatisfy { !($0 > $1) }, "Box: every low must be ≤ its high")
            self.low = low
            self.high = high
            self.shape = shape ?? [low.count]
            precondition(self.shape.reduce(1, *) == low.count, "Box: shape \(self.shape) does not hold \(low.count) elements")
        }

        /// The same bound for every element.
        public init(low: Float, high: Float, shape: [Int]) {
            let n = shape.reduce(1, *)
            self.init(low: [Float](repeating: low, count: n), high: [Float](repeating: high, count: n), shape: shape)
        }

        public var isBounded: Bool { low.allSatisfy(\.isFinite) && high.allSatisfy(\.isFinite) }
    }

    /// Number of `Float`s a value of this space occupies.
    public var flatCount: Int {
        switch self {
        case .box(let box): box.low.count
        case .discrete: 1
        case .tuple(let spaces): spaces.reduce(0) { $0 + $1.flatCount }
        }
    }

    /// Whether some Discrete part has no values (nothing can be sampled from it).
    public var hasEmptyDiscrete: Bool {
        switch self {
        case .box: false
        case .discrete(let count, _): count <= 0
        case .tuple(let spaces): spaces.contains { $0.hasEmptyDiscrete }
        }
    }

    /// Whether `value` lies in the space (right size, finite where bounded, within bounds, integral for Discrete).
    public func contains(_ value: [Float]) -> Bool { violation(of: value) == nil }

    /// Why `value` is not in the space, or nil if it is.
    public func violation(of value: [Float]) -> String? {
        guard value.count == flatCount else { return "has \(value.count) elements, \(self) needs \(flatCount)" }
        switch self {
        case .box(let box):
            for i in value.indices {
                if value[i].isNaN { return "element \(i) is NaN" }
                if value[i] < box.low[i] || value[i] > box.high[i] {
                    return "element \(i) = \(value[i]) is outside [\(box.low[i]), \(box.high[i])]"
                }
            }
            return nil
        case .discrete(let count, let start):
            let v = value[0]
            guard v == v.rounded(), v >= Float(start), v < Float(start + count) else {
                return "\(v) is not an integer in \(start)..<\(start + count)"
            }
            return nil
        case .tuple(let spaces):
            var offset = 0
            for (i, space) in spaces.enumerated() {
                if let problem = space.violation(of: Array(value[offset..<(offset + space.flatCount)])) { return "component \(i): \(problem)" }
                offset += space.flatCount
            }
            return nil
        }
    }

    /// A random member: uniform in a bounded box (Gaussian for unbounded dimensions,
    /// exponential for half-bounded ones, as Gymnasium), uniform over a Discrete.
    public func sample(using generator: inout RandomGenerator) -> [Float] {
        switch self {
        case .box(let box):
            return (0..<box.low.count).map { i in
                let (lo, hi) = (box.low[i], box.high[i])
                switch (lo.isFinite, hi.isFinite) {
                case (true, true): return lo + (hi - lo) * generator.uniform()
                case (false, false): return generator.normal()
                case (true, false): return lo + Float(generator.exponential())
                case (false, true): return hi - Float(generator.exponential())
                }
            }
        case .discrete(let count, let start):
            return [Float(start + generator.integer(below: count))]
        case .tuple(let spaces):
            return spaces.flatMap { $0.sample(using: &generator) }
        }
    }

    public var description: String {
        switch self {
        case .box(let box):
            let uniform = Set(box.low).count == 1 && Set(box.high).count == 1
            return uniform ? "Box(\(box.low[0]), \(box.high[0]), shape: \(box.shape))" : "Box(low: \(box.low), high: \(box.high))"
        case .discrete(let count, let start):
            return start == 0 ? "Discrete(\(count))" : "Discrete(\(count), start: \(start))"
        case .tuple(let spaces):
            return "Tuple(\(spaces.map(\.description).joined(separator: ", ")))"
        }
    }
}
