import Testing
import AscentKernels
@testable import AscentTensor

@Suite("Matrix-multiply kernels", .serialized)
struct KernelTests {
    /// Every instruction-set level, every transpose, awkward sizes, alpha and beta.
    @Test(arguments: [(1, 1, 1), (7, 5, 3), (13, 33, 17), (64, 64, 3), (37, 70, 300), (5, 4100, 2)])
    func gemmMatchesNaiveProduct(m: Int, n: Int, k: Int) {
        var generator = RandomGenerator(seed: 11)
        let a = (0..<(m * k)).map { _ in generator.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in generator.uniform(-1, 1) }
        let c0 = (0..<(m * n)).map { _ in generator.uniform(-1, 1) }
        let best = ascent_kernels_isa()
        defer { ascent_kernels_force_isa(best) }
        for isa in 0...best {
            ascent_kernels_force_isa(Int32(isa))
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    var c = c0
                    ascent_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 0.5, a, transposeA ? m : k,
                                 b, transposeB ? k : n, 2, &c, n)
                    var worst: Double = 0
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let x = transposeA ? a[p * m + i] : a[i * k + p]
                                let y = transposeB ? b[j * k + p] : b[p * n + j]
                                sum += Double(x) * Double(y)
                            }
                            worst = Swift.max(worst, Swift.abs(0.5 * sum + 2 * Double(c0[i * n + j]) - Double(c[i * n + j])))
                        }
                    }
                    #expect(worst < 1e-4 * Double(k), "isa \(isa) transposeA \(transposeA) transposeB \(transposeB)")
                }
            }
        }
    }

    /// Large products split over threads by columns or rows give the same bits as one thread,
    /// so results depend on the seed and the build, not on the core count.
    @Test(arguments: [(256, 256, 256), (300, 700, 130), (1000, 4, 256), (256, 3, 1024)])
    func threadedGemmIsBitIdenticalToOneThread(m: Int, n: Int, k: Int) {
        var generator = RandomGenerator(seed: 5)
        let a = (0..<(m * k)).map { _ in generator.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in generator.uniform(-1, 1) }
        let c0 = (0..<(m * n)).map { _ in generator.uniform(-1, 1) }
        let threads = KernelThreads.count
        defer { KernelThreads.set(threads) }
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                var results: [[Float]] = []
                for count in [1, 2, 3] {
                    KernelThreads.set(count)
                    var c = c0
                    ascent_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a, transposeA ? m : k,
                                 b, transposeB ? k : n, 0.5, &c, n)
                    results.append(c)
                }
                #expect(results[0] == results[1] && results[0] == results[2], "m \(m) n \(n) k \(k) transposes \(transposeA) \(transposeB)")
            }
        }
    }

    /// Bias-gradient column sums (blocks of 64 columns in registers, then a scalar tail) and
    /// the in-place activation backward passes, at every instruction-set level, against plain
    /// loops: each column sums its rows in order, so the sums are exact matches.
    @Test(arguments: [1, 5, 64, 70, 130])
    func columnSumsAndInPlaceBackwardMatchPlainLoops(columns: Int) {
        let rows = 33
        var generator = RandomGenerator(seed: 12)
        let x = (0..<(rows * columns)).map { _ in generator.uniform(-1, 1) }
        let start = (0..<columns).map { _ in generator.uniform(-1, 1) }
        var expectedSums = start
        for r in 0..<rows { for j in 0..<columns { expectedSums[j] += x[r * columns + j] } }
        let y = x.map { Libm.tanhf($0) }
        let best = ascent_kernels_isa()
        defer { ascent_kernels_force_isa(best) }
        for isa in 0...best {
            ascent_kernels_force_isa(Int32(isa))
            var sums = start
            ascent_add_column_sums(x, rows, columns, &sums)
            #expect(sums == expectedSums, "isa \(isa)")
            var tanhGrad = x, reluGrad = x
            ascent_vtanh_backward_inplace(y, &tanhGrad, x.count)
            ascent_vrelu_backward_inplace(y, &reluGrad, x.count)
            for i in x.indices {
                let expectedTanh: Float = x[i] * (1 - y[i] * y[i])
                #expect(Swift.abs(tanhGrad[i] - expectedTanh) <= 1e-6, "isa \(isa) element \(i)")
                #expect(reluGrad[i] == (y[i] > 0 ? x[i] : 0), "isa \(isa) element \(i)")
            }
        }
    }

    /// A row's result does not depend on how many rows share the product: one observation in a
    /// rollout and the same observation inside a minibatch give the same bits (PPO's first
    /// probability ratio is exactly 1), at every instruction-set level and K blocking.
    @Test(arguments: [(64, 17), (64, 64), (6, 64), (5, 300), (70, 513), (3, 40)])
    func rowsDoNotDependOnTheirBatch(n: Int, k: Int) {
        var generator = RandomGenerator(seed: 13)
        let rows = 70
        let a = (0..<(rows * k)).map { _ in generator.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in generator.uniform(-1, 1) }
        let best = ascent_kernels_isa()
        defer { ascent_kernels_force_isa(best) }
        for isa in 0...best {
            ascent_kernels_force_isa(Int32(isa))
            for transposeB in [false, true] {
                var whole = [Float](repeating: 0, count: rows * n)
                ascent_sgemm(0, transposeB ? 1 : 0, rows, n, k, 1, a, k, b, transposeB ? k : n, 0, &whole, n)
                for m in [1, 2, 3, 4, 5, 6, 7, 9, 64] {
                    var part = [Float](repeating: 0, count: m * n)
                    ascent_sgemm(0, transposeB ? 1 : 0, m, n, k, 1, a, k, b, transposeB ? k : n, 0, &part, n)
                    #expect(part.map(\.bitPattern) == whole[0..<(m * n)].map(\.bitPattern), "isa \(isa) n \(n) k \(k) m \(m) transposeB \(transposeB)")
                }
            }
        }
    }

    @Test func betaZeroIgnoresGarbageInOutput() {
        var c = [Float](repeating: .nan, count: 4)
        ascent_sgemm(0, 0, 2, 2, 1, 1, [1, 2], 1, [3, 4], 2, 0, &c, 2)
        #expect(c == [3, 4, 6, 8])
    }
}
