#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C math library under names that methods like `Tensor.log()` cannot shadow.
enum Libm {
    @inline(__always) static func logf(_ x: Float) -> Float { c_logf(x) }
    @inline(__always) static func expf(_ x: Float) -> Float { c_expf(x) }
    @inline(__always) static func powf(_ x: Float, _ y: Float) -> Float { c_powf(x, y) }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { c_pow(x, y) }
    @inline(__always) static func tanhf(_ x: Float) -> Float { c_tanhf(x) }
    @inline(__always) static func erff(_ x: Float) -> Float { c_erff(x) }
    @inline(__always) static func sinf(_ x: Float) -> Float { c_sinf(x) }
    @inline(__always) static func cosf(_ x: Float) -> Float { c_cosf(x) }
    @inline(__always) static func log1pf(_ x: Float) -> Float { c_log1pf(x) }
}

// Free functions outside the enum, so `logf` here means the C function, not `Libm.logf`.
@inline(__always) private func c_logf(_ x: Float) -> Float { logf(x) }
@inline(__always) private func c_expf(_ x: Float) -> Float { expf(x) }
@inline(__always) private func c_powf(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inline(__always) private func c_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func c_tanhf(_ x: Float) -> Float { tanhf(x) }
@inline(__always) private func c_erff(_ x: Float) -> Float { erff(x) }
@inline(__always) private func c_sinf(_ x: Float) -> Float { sinf(x) }
@inline(__always) private func c_cosf(_ x: Float) -> Float { cosf(x) }
@inline(__always) private func c_log1pf(_ x: Float) -> Float { log1pf(x) }
