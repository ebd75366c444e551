import AscentTensor

/// Standard-normal noise whose power falls as 1/f ("pink"), by the Voss-McCartney method:
/// the sum of `octaves` Gaussian sources, source k redrawn every 2^k steps, scaled to unit
/// variance. Consecutive values are correlated over many time scales, so actions built from
/// it keep a direction long enough to explore (Eberhard et al. 2023, "Pink noise is all you
/// need": SAC with pink action noise solves MountainCarContinuous, white noise does not).
///
/// One stream per (environment, action dimension); ``next(generator:)`` returns a value for each.
public struct PinkNoise: Sendable, Codable {
    public let streams: Int
    public let octaves: Int
    private var sources: [Float]
    private var step = 0

    public init(streams: Int, octaves: Int = 10, generator: inout RandomGenerator) {
        precondition(streams > 0 && octaves > 0, "PinkNoise: streams and octaves must be positive")
        self.streams = streams
        self.octaves = octaves
        sources = (0..<(streams * octaves)).map { _ in generator.normal() }
    }

    /// The next value of every stream.
    public mutating func next(generator: inout RandomGenerator) -> [Float] {
        step += 1
        // Source k changes when bit k of the step counter flips from 0 to 1: every 2^k steps.
        let octave = Swift.min(step.trailingZeroBitCount, octaves - 1)
        let scale = 1 / Float(octaves).squareRoot()
        return (0..<streams).map { s in
            sources[s * octaves + octave] = generator.normal()
            var total: Float = 0
            for k in 0..<octaves { total += sources[s * octaves + k] }
            return total * scale
        }
    }
}
