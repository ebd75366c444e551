/// Shape arithmetic shared by the tensor operations. Shapes are row-major `[Int]`.
enum ShapeMath {
    @inline(__always)
    static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// NumPy broadcasting: align trailing dimensions; each pair must be equal or contain 1.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else { return nil }
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Resolves a possibly negative axis against `rank`, or stops with a message naming the problem.
    static func axis(_ axis: Int, rank: Int, _ operation: StaticString) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank,
                     "\(operation): axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-rank)..<\(rank))")
        return resolved
    }
}
