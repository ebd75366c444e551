/// Running mean and variance of vectors, per element, in Double.
///
/// Batches merge with Chan et al.'s parallel update, which is exact and numerically
/// stable (no sum of squares), so statistics from several workers or vector environments
/// combine into the same result as one pass over all the data.
public struct RunningMeanStd: Sendable, Equatable, Codable {
    public private(set) var mean: [Double]
    /// Population variance.
    public private(set) var variance: [Double]
    /// Number of samples seen (starts at a tiny ε, as Gymnasium and SB3, so the first merge is well defined).
    public private(set) var count: Double

    public init(size: Int, initialCount: Double = 1e-4) {
        mean = [Double](repeating: 0, count: size)
        variance = [Double](repeating: 1, count: size)
        count = initialCount
    }

    public init(mean: [Double], variance: [Double], count: Double) {
        precondition(mean.count == variance.count, "RunningMeanStd: mean and variance sizes differ")
        self.mean = mean
        self.variance = variance
        self.count = count
    }

    /// Decodes and checks the statistics (they come from checkpoint files): equal sizes,
    /// finite values, non-negative variances and count.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mean = try container.decode([Double].self, forKey: .mean)
        let variance = try container.decode([Double].self, forKey: .variance)
        let count = try container.decode(Double.self, forKey: .count)
        guard mean.count == variance.count, mean.allSatisfy(\.isFinite), variance.allSatisfy({ $0.isFinite && $0 >= 0 }),
              count.isFinite, count >= 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "running statistics need equal-length finite means and non-negative variances, and a non-negative count"))
        }
        self.init(mean: mean, variance: variance, count: count)
    }

    public var size: Int { mean.count }

    /// Adds one sample.
    public mutating func update(_ sample: [Float]) {
        merge(batchMean: sample.map(Double.init), batchVariance: [Double](repeating: 0, count: sample.count), batchCount: 1)
    }

    /// Adds `rows` samples stored contiguously.
    public mutating func update(batch: UnsafeBufferPointer<Float>, rows: Int) {
        guard rows > 0 else { return }
        let n = size
        var batchMean = [Double](repeating: 0, count: n), batchVariance = [Double](repeating: 0, count: n)
        for r in 0..<rows { for j in 0..<n { batchMean[j] += Double(batch[r * n + j]) } }
        for j in 0..<n { batchMean[j] /= Double(rows) }
        for r in 0..<rows { for j in 0..<n { let d = Double(batch[r * n + j]) - batchMean[j]; batchVariance[j] += d * d } }
        for j in 0..<n { batchVariance[j] /= Double(rows) }
        merge(batchMean: batchMean, batchVariance: batchVariance, batchCount: Double(rows))
    }

    /// Combines with statistics of another batch (Chan's parallel algorithm).
    public mutating func merge(batchMean: [Double], batchVariance: [Double], batchCount: Double) {
        precondition(batchMean.count == size, "RunningMeanStd.merge: size \(batchMean.count) vs \(size)")
        let total = count + batchCount
        for j in 0..<size {
            let delta = batchMean[j] - mean[j]
            let m2 = variance[j] * count + batchVariance[j] * batchCount + delta * delta * count * batchCount / total
            mean[j] += delta * batchCount / total
            variance[j] = m2 / total
        }
        count = total
    }

    public mutating func merge(_ other: RunningMeanStd) {
        merge(batchMean: other.mean, batchVariance: other.variance, batchCount: other.count)
    }
}

extension RunningMeanStd {
    /// Means, then variances, then the count: the statistics in an ``EnvironmentState``.
    var savedValues: [Double] { mean + variance + [count] }

    /// Statistics of `size` elements saved under `key`, checked as decoding checks them.
    init(_ saved: EnvironmentState, key: String, size: Int, of environment: String) throws {
        let v = try saved.values(key, count: 2 * size + 1, of: environment)
        guard v[size..<(2 * size)].allSatisfy({ $0 >= 0 }), v[2 * size] >= 0 else {
            throw EnvironmentError.invalidSavedState(environment: environment, reason: "has a negative variance or count in '\(key)'")
        }
        self.init(mean: Array(v[0..<size]), variance: Array(v[size..<(2 * size)]), count: v[2 * size])
    }
}
