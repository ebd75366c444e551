import Testing
import AscentKernels
@testable import AscentTensor

/// The kernels' own exp and tanh against the C library over the whole float range, at every
/// instruction-set level: exp within 1 ulp of `expf` from the subnormals to overflow, tanh
/// within 6 ulp of `tanhf` and exactly ±1 wherever `tanhf` is. Part of the serialized kernel
/// suite: forcing an instruction-set level is process-wide.
extension KernelTests {
    /// Every 4099th float of each sign (about a million values), plus the edges.
    static let elementwiseSamples: [Float] = {
        var values: [Float] = [0, -0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               88.72283, 88.72284, 88.7229, -87.33654, -87.3366, -103.97208, -103.9721, -104,
                               7.9, 7.90532, 8.5, 9.0, 9.01, 9.1, -9.1, 1e-4, 4.0, 4.000001]
        for bits in stride(from: UInt32(0), to: 0x7F80_0000, by: 4099) {
            values.append(Float(bitPattern: bits))
            values.append(-Float(bitPattern: bits))
        }
        return values
    }()

    /// Distance in units in the last place (ordered bit patterns; 0 and −0 coincide).
    static func ulps(_ a: Float, _ b: Float) -> Int64 {
        func ordered(_ x: Float) -> Int64 {
            x.sign == .minus ? -Int64(x.bitPattern & 0x7FFF_FFFF) : Int64(x.bitPattern)
        }
        return Swift.abs(ordered(a) - ordered(b))
    }

    func forEachISA(_ body: (Int32) -> Void) {
        let best = ascent_kernels_isa()
        defer { ascent_kernels_force_isa(best) }
        for isa in 0...best {
            ascent_kernels_force_isa(isa)
            body(isa)
        }
    }

    /// Runs `kernel` over the samples and `reference` on each, checks `agree` for every pair,
    /// and returns the largest distance in ulps with its input; NaN must stay NaN.
    func worstDistance(isa: Int32, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                       _ reference: (Float) -> Float, agree: (Float, Float) -> Bool) -> (ulps: Int64, at: Float) {
        let x = Self.elementwiseSamples
        var y = [Float](repeating: 0, count: x.count)
        kernel(x, &y, x.count)
        var worst: (ulps: Int64, at: Float) = (0, 0)
        for i in x.indices {
            let expected = reference(x[i])
            #expect(agree(y[i], expected), "isa \(isa) at \(x[i]): \(y[i]), the C library \(expected)")
            let distance = Self.ulps(y[i], expected)
            if distance > worst.ulps { worst = (distance, x[i]) }
        }
        var nan: Float = 0
        kernel([.nan], &nan, 1)
        #expect(nan.isNaN, "isa \(isa)")
        return worst
    }

    @Test func expMatchesTheCLibraryEverywhere() {
        forEachISA { isa in
            let worst = worstDistance(isa: isa, { ascent_vexp($0, $1, $2) }, Libm.expf) { $0.isInfinite == $1.isInfinite }
            #expect(worst.ulps <= 1, "isa \(isa): \(worst.ulps) ulp at exp(\(worst.at))")
        }
    }

    @Test func tanhMatchesTheCLibraryAndSaturatesWhereItDoes() {
        forEachISA { isa in
            let worst = worstDistance(isa: isa, { ascent_vtanh($0, $1, $2) }, Libm.tanhf) { (Swift.abs($0) == 1) == (Swift.abs($1) == 1) }
            #expect(worst.ulps <= 6, "isa \(isa): \(worst.ulps) ulp at tanh(\(worst.at))")
        }
    }

    /// One value at a time (the scalar tail of the loop) gives the vector lanes' result, so a
    /// one-row rollout and a 64-row minibatch agree bit for bit.
    @Test func singleValuesEqualVectorLanes() {
        let x = Array(Self.elementwiseSamples.prefix(4096))
        forEachISA { isa in
            var vectorExp = [Float](repeating: 0, count: x.count), vectorTanh = vectorExp
            ascent_vexp(x, &vectorExp, x.count)
            ascent_vtanh(x, &vectorTanh, x.count)
            for i in x.indices {
                var one: Float = 0
                ascent_vexp([x[i]], &one, 1)
                #expect(one.bitPattern == vectorExp[i].bitPattern, "isa \(isa) exp(\(x[i]))")
                ascent_vtanh([x[i]], &one, 1)
                #expect(one.bitPattern == vectorTanh[i].bitPattern, "isa \(isa) tanh(\(x[i]))")
            }
        }
    }
}
