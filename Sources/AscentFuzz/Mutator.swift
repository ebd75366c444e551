import AscentRandom

/// Seeded mutations of valid inputs, as libFuzzer's do and aimed at what broke Ascent before:
/// bit flips, bytes set to boundary values, truncation and duplication, and, in text, numbers
/// replaced by hostile ones (2⁶², 10³⁰⁰, −1, NaN) so decoded sizes and counters are probed.
struct Mutator {
    var generator: RandomGenerator

    static let hostileNumbers = ["4611686018427387904", "9223372036854775807", "1e300", "-1", "0", "NaN", "1e9", "-9e18", "2.5", "\"x\""]

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + generator.integer(below: 3)) {
            guard !bytes.isEmpty else { return [UInt8(generator.integer(below: 256))] }
            let at = generator.integer(below: bytes.count)
            switch generator.integer(below: 6) {
            case 0: bytes[at] ^= UInt8(1 << generator.integer(below: 8))
            case 1: bytes[at] = [0, 0xFF, 0x7F, 0x80, 0x22, 0x2C][generator.integer(below: 6)]
            case 2: bytes.removeLast(generator.integer(below: bytes.count - at + 1))
            case 3:
                let length = Swift.min(bytes.count - at, 1 + generator.integer(below: 64))
                bytes.insert(contentsOf: bytes[at..<at + length], at: generator.integer(below: bytes.count + 1))
            case 4: bytes = replacingNumber(in: bytes, near: at)
            default: bytes.remove(at: at)
            }
        }
        return bytes
    }

    /// Replaces the run of digits at or after `at` with a hostile number.
    private mutating func replacingNumber(in bytes: [UInt8], near at: Int) -> [UInt8] {
        func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || b == 0x2E || b == 0x2D || b == 0x65 }
        guard let start = bytes[at...].firstIndex(where: isDigit) else { return bytes }
        let end = bytes[start...].firstIndex { !isDigit($0) } ?? bytes.endIndex
        var result = bytes
        result.replaceSubrange(start..<end, with: Array(Self.hostileNumbers[generator.integer(below: Self.hostileNumbers.count)].utf8))
        return result
    }
}
