// Run-time choice of the instruction-set level, made once from CPUID.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "AscentKernels.h"
#include "kernels_internal.h"

static int detect_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        return ASCENT_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return ASCENT_ISA_AVX2;
#endif
    return ASCENT_ISA_PORTABLE;
}

static _Atomic int detected = -1;  // what the CPU supports
static _Atomic int active = -1;    // what is in use

// The level the ASCENT_ISA environment variable asks for (portable, avx2, avx512), or -1.
// It lets anyone rerun a result with another machine's kernels, as far as the CPU allows.
static int requested_isa(void) {
    const char *name = getenv("ASCENT_ISA");
    if (name == NULL) return -1;
    if (strcmp(name, "portable") == 0) return ASCENT_ISA_PORTABLE;
    if (strcmp(name, "avx2") == 0) return ASCENT_ISA_AVX2;
    if (strcmp(name, "avx512") == 0) return ASCENT_ISA_AVX512;
    return -1;
}

int ascent_kernels_isa(void) {
    int isa = atomic_load_explicit(&active, memory_order_relaxed);
    if (isa < 0) {
        int supported = detect_isa(), requested = requested_isa();
        isa = requested >= 0 && requested < supported ? requested : supported;
        atomic_store(&detected, supported);
        atomic_store(&active, isa);
    }
    return isa;
}

int ascent_kernels_force_isa(int isa) {
    ascent_kernels_isa();
    int best = atomic_load(&detected);
    if (isa < 0) isa = 0;
    atomic_store(&active, isa < best ? isa : best);
    return atomic_load(&active);
}

const char *ascent_kernels_isa_name(int isa) {
    switch (isa) {
    case ASCENT_ISA_AVX512: return "avx512";
    case ASCENT_ISA_AVX2: return "avx2+fma";
    default: return "portable";
    }
}

#if defined(__x86_64__)
#define DISPATCH(fn, ...)                                           \
    switch (ascent_kernels_isa()) {                                 \
    case ASCENT_ISA_AVX512: return fn##_avx512(__VA_ARGS__);        \
    case ASCENT_ISA_AVX2: return fn##_avx2(__VA_ARGS__);            \
    default: return fn##_portable(__VA_ARGS__);                     \
    }
#else
#define DISPATCH(fn, ...) return fn##_portable(__VA_ARGS__);
#endif

static void sgemm_serial(int trans_a, int trans_b, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta,
                         float *c, long ldc) {
    DISPATCH(ascent_sgemm, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

/// Work below this many multiply-adds stays on one thread: a dispatch costs about a
/// microsecond, a 2^20-FMA product about eight.
#define PARALLEL_MIN_FMAS (1L << 20)
/// Blocks are multiples of this many columns or rows, so every block keeps the kernels'
/// regular path (tile widths 32/16, skinny threshold 4).
#define PARALLEL_GRAIN 64

struct sgemm_job {
    int trans_a, trans_b, split_columns;
    long m, n, k, lda, ldb, ldc, block;
    float alpha, beta;
    const float *a, *b;
    float *c;
};

static void sgemm_block(void *context, long index) {
    const struct sgemm_job *j = context;
    long start = index * j->block;
    if (j->split_columns) {
        long width = j->n - start < j->block ? j->n - start : j->block;
        const float *b = j->trans_b ? j->b + start * j->ldb : j->b + start;
        sgemm_serial(j->trans_a, j->trans_b, j->m, width, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta, j->c + start, j->ldc);
    } else {
        long height = j->m - start < j->block ? j->m - start : j->block;
        const float *a = j->trans_a ? j->a + start : j->a + start * j->lda;
        sgemm_serial(j->trans_a, j->trans_b, height, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta, j->c + start * j->ldc, j->ldc);
    }
}

void ascent_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta,
                  float *c, long ldc) {
    int threads = m * n * k >= PARALLEL_MIN_FMAS ? ascent_kernel_threads() : 1;
    int split_columns = n >= 2 * PARALLEL_GRAIN;
    long extent = split_columns ? n : m;
    if (threads < 2 || extent < 2 * PARALLEL_GRAIN) {
        sgemm_serial(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    long grains = (extent + PARALLEL_GRAIN - 1) / PARALLEL_GRAIN;
    long per_block = (grains + threads - 1) / threads;
    struct sgemm_job job = {trans_a, trans_b, split_columns, m, n, k, lda, ldb, ldc, per_block * PARALLEL_GRAIN, alpha, beta, a, b, c};
    long blocks = (extent + job.block - 1) / job.block;
    ascent_parallel_for(blocks, sgemm_block, &job);
}

void ascent_vexp(const float *x, float *y, long n) { DISPATCH(ascent_vexp, x, y, n) }
void ascent_vtanh(const float *x, float *y, long n) { DISPATCH(ascent_vtanh, x, y, n) }
void ascent_vtanh_inplace(float *x, long n) { DISPATCH(ascent_vtanh_inplace, x, n) }
void ascent_vrelu_inplace(float *x, long n) { DISPATCH(ascent_vrelu_inplace, x, n) }
void ascent_vrelu_backward(const float *y, const float *gy, float *gx, long n) { DISPATCH(ascent_vrelu_backward, y, gy, gx, n) }
void ascent_add_bias_activation(float *x, const float *bias, long rows, long cols, int activation) {
    DISPATCH(ascent_add_bias_activation, x, bias, rows, cols, activation)
}
void ascent_vtanh_backward_inplace(const float *y, float *g, long n) { DISPATCH(ascent_vtanh_backward_inplace, y, g, n) }
void ascent_vrelu_backward_inplace(const float *y, float *g, long n) { DISPATCH(ascent_vrelu_backward_inplace, y, g, n) }
void ascent_vtanh_backward(const float *y, const float *gy, float *gx, long n, float beta) {
    DISPATCH(ascent_vtanh_backward, y, gy, gx, n, beta)
}
void ascent_adam_update(float *param, const float *grad, float *m, float *v, long n,
                        float beta1, float beta2, float step_size, float bias2, float eps,
                        float decay) {
    DISPATCH(ascent_adam_update, param, grad, m, v, n, beta1, beta2, step_size, bias2, eps, decay)
}
double ascent_sum_squares(const float *x, long n) { DISPATCH(ascent_sum_squares, x, n) }
void ascent_add_column_sums(const float *x, long rows, long cols, float *acc) {
    DISPATCH(ascent_add_column_sums, x, rows, cols, acc)
}
