// AVX2+FMA GEMM: 6 x 16 micro-tile (12 ymm accumulators); edges go through a
// small stack tile because AVX2 has no cheap masked float stores.
#if defined(__x86_64__)
#include <immintrin.h>
#include "kernels_internal.h"

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

#define MR256 6

static inline __attribute__((always_inline)) void kernel256_tile(
    const int mr, int nr, long kc, const float *a, long rsa, long csa, const float *bp,
    float *c, long ldc, float alpha, float beta) {
    __m256 acc0[MR256], acc1[MR256];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR256; i++) {
        if (i < mr) { acc0[i] = _mm256_setzero_ps(); acc1[i] = _mm256_setzero_ps(); }
    }
    const float *arow[MR256];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR256; i++) arow[i] = a + (i < mr ? i : 0) * rsa;
    for (long p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(bp);
        __m256 b1 = _mm256_load_ps(bp + 8);
        bp += 16;
#pragma clang loop unroll(full)
        for (int i = 0; i < MR256; i++) {
            if (i < mr) {
                __m256 ai = _mm256_broadcast_ss(&arow[i][p * csa]);
                acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
                acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
            }
        }
    }
    __m256 va = _mm256_set1_ps(alpha);
    __m256 vb = _mm256_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR256; i++) {
        if (i < mr) {
            float *ci = c + i * ldc;
            __m256 r0 = _mm256_mul_ps(acc0[i], va);
            __m256 r1 = _mm256_mul_ps(acc1[i], va);
            if (nr == 16) {
                if (beta != 0.0f) {
                    r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), r0);
                    r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), r1);
                }
                _mm256_storeu_ps(ci, r0);
                _mm256_storeu_ps(ci + 8, r1);
            } else {
                float tile[16];
                _mm256_storeu_ps(tile, r0);
                _mm256_storeu_ps(tile + 8, r1);
                for (int j = 0; j < nr; j++)
                    ci[j] = beta != 0.0f ? tile[j] + beta * ci[j] : tile[j];
            }
        }
    }
}

static void kernel256(int mr, int nr, long kc, const float *a, long rsa, long csa,
                      const float *bp, float *c, long ldc, float alpha, float beta) {
    switch (mr) {
#define TILE_CASE(R) case R: kernel256_tile(R, nr, kc, a, rsa, csa, bp, c, ldc, alpha, beta); break;
        TILE_CASE(1) TILE_CASE(2) TILE_CASE(3) TILE_CASE(4) TILE_CASE(5) TILE_CASE(6)
#undef TILE_CASE
    }
}

#define GEMM_MR MR256
#define GEMM_NR 16
#define GEMM_KERNEL kernel256
#include "transpose_avx.h"
#define GEMM_DRIVER sgemm_avx2_driver
#include "gemm_driver.h"

void ascent_sgemm_avx2(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb, float beta,
                       float *c, long ldc) {
    sgemm_avx2_driver(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

#pragma clang attribute pop
#endif
