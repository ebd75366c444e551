import AscentKernels
#if OpenBLAS
import COpenBLAS
#endif

/// Row-major single-precision matrix multiply, C = alpha·op(A)·op(B) + beta·C,
/// on Ascent's own kernels or, when built with the `OpenBLAS` trait, `cblas_sgemm`.
/// With beta = 0, C is not read.
@inline(__always)
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    #if OpenBLAS
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    #else
    ascent_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    #endif
}

/// Which matrix-multiply implementation this build uses, for reports and benchmarks.
public enum MatmulBackend {
    public static var name: String {
        #if OpenBLAS
        return "OpenBLAS"
        #else
        return TensorBenchmark.ascentKernelName
        #endif
    }
}

/// The threads Ascent's kernels split large matrix products over: all online cores by
/// default (or `ASCENT_NUM_THREADS`). Results do not depend on it; speed does.
public enum KernelThreads {
    public static var count: Int { Int(ascent_kernel_threads()) }

    /// Limits the kernels to `threads` threads (1 keeps everything on the calling thread).
    public static func set(_ threads: Int) {
        precondition(threads > 0, "KernelThreads.set: needs at least one thread, got \(threads)")
        ascent_set_kernel_threads(Int32(Swift.min(threads, 64)))
    }
}
