// The blocked GEMM loop nest, shared by every instruction-set level.
//
// Included once per level with these macros defined:
//   GEMM_MR, GEMM_NR   micro-tile rows and columns
//   GEMM_KERNEL        static inline micro-kernel (see below)
//   GEMM_DRIVER        name of the driver function to define
//
// Layout (BLIS-style, simplified): K is split into blocks of GEMM_KC; for each
// block, op(B) is packed into contiguous GEMM_NR-wide column panels (zero-padded),
// so the micro-kernel reads B with unit stride whatever the transpose. A is read
// in place through its row/column strides: a micro-panel (MR rows x KC) is small
// enough to stay in L1 while the kernel sweeps the packed B panels.
//
// GEMM_KERNEL(mr, nr, kc, a, rsa, csa, bp, c, ldc, alpha, beta) computes
// C[0..mr, 0..nr] = alpha * sum_k A[i, k] * Bp[k, j] + beta * C (C unread if beta == 0).

#include <stdlib.h>
#include <string.h>

#define GEMM_KC 256
#define GEMM_NC 4096

static _Thread_local float *GEMM_CAT(pack_buffer_, GEMM_NR) = NULL;
static _Thread_local size_t GEMM_CAT(pack_capacity_, GEMM_NR) = 0;

static float *GEMM_CAT(pack_storage_, GEMM_NR)(size_t floats) {
    if (floats > GEMM_CAT(pack_capacity_, GEMM_NR)) {
        free(GEMM_CAT(pack_buffer_, GEMM_NR));
        size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        GEMM_CAT(pack_buffer_, GEMM_NR) = aligned_alloc(64, bytes);
        GEMM_CAT(pack_capacity_, GEMM_NR) = GEMM_CAT(pack_buffer_, GEMM_NR) ? floats : 0;
    }
    return GEMM_CAT(pack_buffer_, GEMM_NR);
}

/// Packs op(B)[p0 ..< p0+kc, j0 ..< j0+nc] into NR-wide panels, each kc x NR, row-major.
static void GEMM_CAT(pack_b_, GEMM_NR)(const float *b, long ldb, int trans_b, long p0, long kc,
                                       long j0, long nc, float *out) {
    for (long jp = 0; jp < nc; jp += GEMM_NR) {
        long nr = nc - jp < GEMM_NR ? nc - jp : GEMM_NR;
        float *panel = out + jp * kc;
        if (!trans_b) {
            const float *src = b + p0 * ldb + j0 + jp;
            for (long p = 0; p < kc; p++) {
                float *dst = panel + p * GEMM_NR;
                long j = 0;
                for (; j < nr; j++) dst[j] = src[p * ldb + j];
                for (; j < GEMM_NR; j++) dst[j] = 0.0f;
            }
        } else {
            // op(B)[p, j] = B[j, p]. Eight rows of B at a time: eight sequential read
            // streams, written as 8 x 8 blocks transposed in registers where the level has it.
            long j = 0;
            for (; j + 8 <= nr; j += 8) {
                const float *src = b + (j0 + jp + j) * ldb + p0;
                long p = 0;
#ifdef GEMM_TRANSPOSE8x8
                for (; p + 8 <= kc; p += 8) GEMM_TRANSPOSE8x8(src + p, ldb, panel + p * GEMM_NR + j, GEMM_NR);
#endif
                for (; p < kc; p++) {
                    float *dst = panel + p * GEMM_NR + j;
                    for (int jj = 0; jj < 8; jj++) dst[jj] = src[jj * ldb + p];
                }
            }
            for (; j < nr; j++) {
                const float *src = b + (j0 + jp + j) * ldb + p0;
                for (long p = 0; p < kc; p++) panel[p * GEMM_NR + j] = src[p];
            }
            for (j = nr; j < GEMM_NR; j++)
                for (long p = 0; p < kc; p++) panel[p * GEMM_NR + j] = 0.0f;
        }
    }
}

/// dot(x, y) over n floats; reassociation lets the compiler vectorise the sum.
static inline float GEMM_CAT(dot_, GEMM_NR)(const float *x, const float *y, long n) {
#pragma clang fp reassociate(on)
    float sum = 0.0f;
    for (long i = 0; i < n; i++) sum += x[i] * y[i];
    return sum;
}

/// Products with at most GEMM_SKINNY columns (a value head's 64 x 1 output): packing for
/// the tile kernel would waste most lanes, so each output is a dot product or an axpy sweep
/// over contiguous memory. Every row is computed on its own, the same way whatever m is.
#define GEMM_SKINNY 4

static void GEMM_CAT(gemm_thin_, GEMM_NR)(int trans_a, int trans_b, long m, long n, long k, float alpha,
                                          const float *a, long lda, const float *b, long ldb, float beta,
                                          float *c, long ldc) {
    float *scratch = GEMM_CAT(pack_storage_, GEMM_NR)((size_t)(k + m));
    if (!scratch) abort();
    float *line = scratch, *acc = scratch + k;
    for (long j = 0; j < n; j++) {
        for (long p = 0; p < k; p++) line[p] = trans_b ? b[j * ldb + p] : b[p * ldb + j];  // column j of op(B)
        if (!trans_a) {
            for (long i = 0; i < m; i++) acc[i] = GEMM_CAT(dot_, GEMM_NR)(a + i * lda, line, k);
        } else {  // op(A)[i, p] = A[p, i]: sweep rows of A
            for (long i = 0; i < m; i++) acc[i] = 0.0f;
            for (long p = 0; p < k; p++) {
                const float *row = a + p * lda, coefficient = line[p];
                for (long i = 0; i < m; i++) acc[i] += coefficient * row[i];
            }
        }
        for (long i = 0; i < m; i++)
            c[i * ldc + j] = beta == 0.0f ? alpha * acc[i] : alpha * acc[i] + beta * c[i * ldc + j];
    }
}

static void GEMM_DRIVER(int trans_a, int trans_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, long ldb, float beta,
                        float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0f) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++)
                c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
    if (n <= GEMM_SKINNY) {
        GEMM_CAT(gemm_thin_, GEMM_NR)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    const long rsa = trans_a ? 1 : lda;
    const long csa = trans_a ? lda : 1;
    // Every output element is the tile kernel's sequence of fused multiply-adds over each K
    // block, whatever m is: a row's result does not depend on how many rows share the
    // product (one observation in a rollout, 64 in a minibatch give the same bits).
    if (m <= GEMM_MR) {
        // One row tile: nothing to reuse a packed panel across, so each NR-wide panel is
        // packed just before the kernel reads it, and stays in L1 (one observation, one token).
        long kc_max = k < GEMM_KC ? k : GEMM_KC;
        float *panel = GEMM_CAT(pack_storage_, GEMM_NR)((size_t)(GEMM_NR * kc_max));
        if (!panel) abort();
        for (long jp = 0; jp < n; jp += GEMM_NR) {
            int nr = (int)(n - jp < GEMM_NR ? n - jp : GEMM_NR);
            for (long p0 = 0; p0 < k; p0 += GEMM_KC) {
                long kc = k - p0 < GEMM_KC ? k - p0 : GEMM_KC;
                GEMM_CAT(pack_b_, GEMM_NR)(b, ldb, trans_b, p0, kc, jp, nr, panel);
                GEMM_KERNEL((int)m, nr, kc, a + p0 * csa, rsa, csa, panel, c + jp, ldc, alpha, p0 == 0 ? beta : 1.0f);
            }
        }
        return;
    }
    long nc_max = n < GEMM_NC ? n : GEMM_NC;
    long kc_max = k < GEMM_KC ? k : GEMM_KC;
    long padded = (nc_max + GEMM_NR - 1) / GEMM_NR * GEMM_NR;
    float *packed = GEMM_CAT(pack_storage_, GEMM_NR)((size_t)(padded * kc_max));
    if (!packed) abort(); // out of memory for a few MB: nothing sensible to do

    for (long j0 = 0; j0 < n; j0 += GEMM_NC) {
        long nc = n - j0 < GEMM_NC ? n - j0 : GEMM_NC;
        for (long p0 = 0; p0 < k; p0 += GEMM_KC) {
            long kc = k - p0 < GEMM_KC ? k - p0 : GEMM_KC;
            float block_beta = p0 == 0 ? beta : 1.0f;
            GEMM_CAT(pack_b_, GEMM_NR)(b, ldb, trans_b, p0, kc, j0, nc, packed);
            for (long i0 = 0; i0 < m; i0 += GEMM_MR) {
                int mr = (int)(m - i0 < GEMM_MR ? m - i0 : GEMM_MR);
                const float *a_panel = a + i0 * rsa + p0 * csa;
                for (long jp = 0; jp < nc; jp += GEMM_NR) {
                    int nr = (int)(nc - jp < GEMM_NR ? nc - jp : GEMM_NR);
                    GEMM_KERNEL(mr, nr, kc, a_panel, rsa, csa, packed + jp * kc,
                                c + i0 * ldc + j0 + jp, ldc, alpha, block_beta);
                }
            }
        }
    }
}
