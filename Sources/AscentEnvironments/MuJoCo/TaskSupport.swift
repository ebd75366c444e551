import AscentRandom

/// A task's constructor options (Gymnasium's keyword arguments), read with defaults.
/// Booleans are 0 or 1; a `(low, high)` tuple argument is two options, `NAME_low` and `NAME_high`.
struct TaskOptions {
    let environment: String
    let values: [String: Double]

    func callAsFunction(_ name: String, _ defaultValue: Double) -> Double { values[name] ?? defaultValue }

    func flag(_ name: String, _ defaultValue: Bool) -> Bool { values[name].map { $0 != 0 } ?? defaultValue }

    /// `NAME_low` and `NAME_high`, checked low ≤ high (either may be ±infinity).
    func range(_ name: String, _ low: Double, _ high: Double) throws -> ClosedRange<Double> {
        let lo = values[name + "_low"] ?? low, hi = values[name + "_high"] ?? high
        guard lo <= hi else { throw EnvironmentError.invalidOption(environment: environment, name: name + "_low", reason: "(\(lo)) must not exceed \(name)_high (\(hi))") }
        return lo...hi
    }

    /// A non-negative option (noise scales).
    func nonNegative(_ name: String, _ defaultValue: Double) throws -> Double {
        let value = self(name, defaultValue)
        guard value >= 0 else { throw EnvironmentError.invalidOption(environment: environment, name: name, reason: "must be ≥ 0, got \(value)") }
        return value
    }

    /// `frame_skip`: a positive integer.
    func frameSkip(_ defaultValue: Int) throws -> Int {
        let value = self("frame_skip", Double(defaultValue))
        guard value >= 1, value <= 1_000, value == value.rounded() else {
            throw EnvironmentError.invalidOption(environment: environment, name: "frame_skip", reason: "must be an integer in 1...1000, got \(value)")
        }
        return Int(value)
    }

    /// The options every locomotion task shares, with their Gymnasium meaning.
    static func descriptions(_ specific: [String: String], frameSkip: Int) -> [String: String] {
        specific.merging(["frame_skip": "mj_step calls per step (default \(frameSkip))"]) { a, _ in a }
    }
}

/// Writes an observation from pieces in order, converting mjtNum to Float.
struct ObservationWriter {
    let out: UnsafeMutableBufferPointer<Float>
    private(set) var count = 0

    init(_ out: UnsafeMutableBufferPointer<Float>) { self.out = out }

    @inline(__always)
    mutating func append(_ value: Double) {
        out[count] = Float(value)
        count += 1
    }

    /// `values[from...]`, each clipped to ±`clip` when given (NumPy's `np.clip`).
    @inline(__always)
    mutating func append(_ values: UnsafeMutableBufferPointer<Double>, from start: Int = 0, upTo end: Int? = nil, clip: Double? = nil) {
        for i in start..<(end ?? values.count) {
            append(clip.map { NumPyMath.clip(values[i], -$0, $0) } ?? values[i])
        }
    }
}

extension RandomGenerator {
    /// NumPy's `uniform(low, high)`: `low + (high − low) · u`, u uniform in [0, 1).
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniformDouble() }
}

/// Gymnasium's two start-state noises: `qpos += U(−s, s)`, and `qvel += U(−s, s)` or `qvel += s · N(0, 1)`.
enum StartNoise {
    case uniform
    case normal

    func perturb(qpos: UnsafeMutableBufferPointer<Double>, qvel: UnsafeMutableBufferPointer<Double>, scale: Double, generator: inout RandomGenerator) {
        for i in qpos.indices { qpos[i] += generator.uniform(-scale, scale) }
        for i in qvel.indices {
            switch self {
            case .uniform: qvel[i] += generator.uniform(-scale, scale)
            case .normal: qvel[i] += scale * generator.normalDouble()
            }
        }
    }
}
