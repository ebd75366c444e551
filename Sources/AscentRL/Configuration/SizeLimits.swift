import Foundation

/// Bounds on every size a configuration can set (from flags, `--set` or a saved file), and
/// the memory check that every large allocation goes through.
///
/// Sizes are checked against fixed ranges first, so no later arithmetic on them (rollout
/// size, update counts, buffer lengths) can overflow; then a buffer is allocated only when
/// the machine's available memory holds it, else the error gives the estimate and what is
/// available.
enum SizeLimits {
    /// Environment steps a run may train for.
    static let totalSteps = 1...1_000_000_000_000
    /// Parallel environment copies.
    static let environments = 1...65_536
    /// Steps per environment per rollout, and samples per rollout.
    static let rolloutSteps = 1...100_000_000
    static let rolloutSize = 1...1_000_000_000
    /// Replay buffer transitions.
    static let bufferSize = 1...1_000_000_000
    /// Units of a hidden layer, and hidden layers.
    static let layerWidth = 1...65_536
    static let layers = 1...64

    /// Checks that `value` lies in `range`, naming the hyperparameter.
    static func require(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws {
        try AscentRL.require(range.contains(value), name, value, "must lie in \(range.lowerBound)...\(range.upperBound)")
    }

    /// Checks hidden layer sizes, and that the parameters of `networks` such MLPs with their
    /// gradients and two Adam moments (four floats each) fit in memory.
    static func requireHiddenSizes(_ sizes: [Int], networks: Int) throws {
        try AscentRL.require(layers.contains(sizes.count), "hiddenSizes", sizes, "must have \(layers.lowerBound)...\(layers.upperBound) layers")
        for size in sizes { try AscentRL.require(layerWidth.contains(size), "hiddenSizes", sizes, "must be layer sizes in \(layerWidth.lowerBound)...\(layerWidth.upperBound)") }
        let weights = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } + sizes.reduce(0, +)
        try requireMemory(floats: weights * 4 * networks, for: "the networks' parameters, gradients and optimiser state (hiddenSizes \(sizes))")
    }

    /// Refuses an allocation of `floats` 32-bit values larger than the available memory.
    static func requireMemory(floats: Int, for what: String) throws {
        let (bytes, overflow) = floats.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        let available = availableBytes
        guard overflow || bytes > available else { return }
        let needed = overflow ? "more than 9 EB" : format(bytes)
        throw RLError.invalidHyperparameter(name: "memory", value: needed,
                                            expected: "\(what) would need \(needed) but \(format(available)) is available; use smaller sizes")
    }

    /// Memory the process may still use: `MemAvailable` on Linux, else the physical memory.
    static var availableBytes: Int {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
            return kilobytes * 1024
        }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }

    static func format(_ bytes: Int) -> String {
        String(format: "%.1f GiB", Double(bytes) / 1_073_741_824)
    }
}
