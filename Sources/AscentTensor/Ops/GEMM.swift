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
