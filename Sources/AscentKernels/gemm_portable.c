// Portable GEMM for CPUs without AVX2 (and non-x86 machines): the same loop nest
// with a 4 x 16 tile of plain C that compilers vectorise for the default target.
#include "kernels_internal.h"

static void kernel_portable(int mr, int nr, long kc, const float *a, long rsa, long csa,
                            const float *bp, float *c, long ldc, float alpha, float beta) {
    float acc[4][16] = {{0}};
    for (long p = 0; p < kc; p++) {
        const float *brow = bp + p * 16;
        for (int i = 0; i < mr; i++) {
            float ai = a[i * rsa + p * csa];
            for (int j = 0; j < 16; j++) acc[i][j] += ai * brow[j];
        }
    }
    for (int i = 0; i < mr; i++) {
        float *ci = c + i * ldc;
        for (int j = 0; j < nr; j++)
            ci[j] = beta != 0.0f ? alpha * acc[i][j] + beta * ci[j] : alpha * acc[i][j];
    }
}

#define GEMM_MR 4
#define GEMM_NR 16
#define GEMM_KERNEL kernel_portable
#define GEMM_DRIVER sgemm_portable_driver
#include "gemm_driver.h"

void ascent_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, float alpha,
                           const float *a, long lda, const float *b, long ldb, float beta,
                           float *c, long ldc) {
    sgemm_portable_driver(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
