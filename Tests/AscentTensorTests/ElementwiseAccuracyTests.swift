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

    @Test func expMatchesTheCLibraryEverywhere() {
        let x = Self.elementwiseSamples
        forEachISA { isa in
            var y = [Float](repeating: 0, count: x.count)
            ascent_vexp(x, &y, x.count)
            var worst: Int64 = 0, worstInput: Float = 0
            for i in x.indices {
                let reference = Libm.expf(x[i])
                #expect(y[i].isInfinite == reference.isInfinite, "isa \(isa) exp(\(x[i])) = \(y[i]), expf \(reference)")
                let distance = Self.ulps(y[i], reference)
                if distance > worst { (worst, worstInput) = (distance, x[i]) }
            }
            #expect(worst <= 1, "isa \(isa): \(worst) ulp at exp(\(worstInput))")
            var nan: Float = 0
            ascent_vexp([.nan], &nan, 1)
            #expect(nan.isNaN)
        }
    }

    @Test func tanhMatchesTheCLibraryAndSaturatesWhereItDoes() {
        let x = Self.elementwiseSamples
        forEachISA { isa in
            var y = [Float](repeating: 0, count: x.count)
            ascent_vtanh(x, &y, x.count)
            var worst: Int64 = 0, worstInput: Float = 0
            for i in x.indices {
                let reference = Libm.tanhf(x[i])
                #expect((Swift.abs(y[i]) == 1) == (Swift.abs(reference) == 1), "isa \(isa) tanh(\(x[i])) = \(y[i]), tanhf \(reference)")
                let distance = Self.ulps(y[i], reference)
                if distance > worst { (worst, worstInput) = (distance, x[i]) }
            }
            #expect(worst <= 6, "isa \(isa): \(worst) ulp at tanh(\(worstInput))")
            var nan: Float = 0
            ascent_vtanh([.nan], &nan, 1)
            #expect(nan.isNaN)
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
