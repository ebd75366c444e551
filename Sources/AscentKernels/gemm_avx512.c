// AVX-512 GEMM: 12 x 32 micro-tile (24 zmm accumulators), masked edge stores.
#if defined(__x86_64__)
#include <immintrin.h>
#include "kernels_internal.h"

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx2,fma"))), apply_to = function)

#define MR512 12

static inline __attribute__((always_inline)) void kernel512_tile(
    const int mr, int nr, long kc, const float *a, long rsa, long csa, const float *bp,
    float *c, long ldc, float alpha, float beta) {
    __m512 acc0[MR512], acc1[MR512];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR512; i++) {
        if (i < mr) { acc0[i] = _mm512_setzero_ps(); acc1[i] = _mm512_setzero_ps(); }
    }
    const float *arow[MR512];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR512; i++) arow[i] = a + (i < mr ? i : 0) * rsa;
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(bp);
        __m512 b1 = _mm512_load_ps(bp + 16);
        bp += 32;
#pragma clang loop unroll(full)
        for (int i = 0; i < MR512; i++) {
            if (i < mr) {
                __m512 ai = _mm512_set1_ps(arow[i][p * csa]);
                acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
                acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
            }
        }
    }
    __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1u);
    __mmask16 m1 = nr >= 32 ? (__mmask16)0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1u) : 0;
    __m512 va = _mm512_set1_ps(alpha);
    __m512 vb = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR512; i++) {
        if (i < mr) {
            float *ci = c + i * ldc;
            __m512 r0 = _mm512_mul_ps(acc0[i], va);
            __m512 r1 = _mm512_mul_ps(acc1[i], va);
            if (beta != 0.0f) {
                r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), r0);
                r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), r1);
            }
            _mm512_mask_storeu_ps(ci, m0, r0);
            _mm512_mask_storeu_ps(ci + 16, m1, r1);
        }
    }
}

static void kernel512(int mr, int nr, long kc, const float *a, long rsa, long csa,
                      const float *bp, float *c, long ldc, float alpha, float beta) {
    switch (mr) {
#define TILE_CASE(R) case R: kernel512_tile(R, nr, kc, a, rsa, csa, bp, c, ldc, alpha, beta); break;
        TILE_CASE(1) TILE_CASE(2) TILE_CASE(3) TILE_CASE(4) TILE_CASE(5) TILE_CASE(6)
        TILE_CASE(7) TILE_CASE(8) TILE_CASE(9) TILE_CASE(10) TILE_CASE(11) TILE_CASE(12)
#undef TILE_CASE
    }
}

#define GEMM_MR MR512
#define GEMM_NR 32
#define GEMM_KERNEL kernel512
#include "transpose_avx.h"
#define GEMM_DRIVER sgemm_avx512_driver
#include "gemm_driver.h"

void ascent_sgemm_avx512(int trans_a, int trans_b, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta,
                         float *c, long ldc) {
    sgemm_avx512_driver(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

#pragma clang attribute pop
#endif
