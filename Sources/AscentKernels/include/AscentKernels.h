// Ascent's hot loops. Each entry point dispatches at run time to the best
// implementation this CPU supports (AVX-512, AVX2+FMA, or portable C), so a
// plain `swift build` gets full speed without any compiler flags.
#ifndef ASCENT_KERNELS_H
#define ASCENT_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels the kernels are compiled for.
typedef enum {
    ASCENT_ISA_PORTABLE = 0,
    ASCENT_ISA_AVX2 = 1,
    ASCENT_ISA_AVX512 = 2,
} ascent_isa;

/// The level the kernels currently use (the best the CPU supports unless forced).
int ascent_kernels_isa(void);
/// Forces a level (clamped to what the CPU supports); returns the level now in use.
/// For benchmarks and tests that compare implementations.
int ascent_kernels_force_isa(int isa);
/// Human-readable name of a level.
const char *ascent_kernels_isa_name(int isa);

/// Keeps large freed blocks in the heap for reuse instead of returning them to the kernel
/// (glibc only; elsewhere nothing).
void ascent_tune_allocator(void);

/// A task of ``ascent_parallel_for``: `index` runs from 0 to count − 1.
typedef void (*ascent_task_fn)(void *context, long index);
/// Runs fn(context, i) for every i < count on the calling thread and the kernel pool's
/// helpers; returns when all are done. Tasks must write disjoint memory.
void ascent_parallel_for(long count, ascent_task_fn fn, void *context);
/// Threads the kernels use (default: online CPUs, or ASCENT_NUM_THREADS).
int ascent_kernel_threads(void);
/// Limits the kernels to `threads` threads (1: everything on the calling thread).
void ascent_set_kernel_threads(int threads);

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, where
/// op(A) is M x K and op(B) is K x N. When beta == 0, C is not read (it may hold NaN).
/// Large products are split over the kernel threads by blocks of columns (or rows) of C;
/// every element is computed the same way whatever the split, so results do not depend on
/// the thread count.
void ascent_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta,
                  float *c, long ldc);

/// y[i] = exp(x[i]) (about 1 ulp; NaN propagates; overflow gives +inf).
void ascent_vexp(const float *x, float *y, long n);
/// y[i] = tanh(x[i]) (a few ulp; NaN propagates).
void ascent_vtanh(const float *x, float *y, long n);
/// x[i] = tanh(x[i]) in place (a separate entry point: an aliased x/y pair would defeat vectorisation).
void ascent_vtanh_inplace(float *x, long n);
/// x ← max(x, 0) in place (NaN → 0).
void ascent_vrelu_inplace(float *x, long n);
/// gx = y > 0 ? gy : 0, where y = relu(x): ReLU's backward pass (overwrites gx; gx must not overlap y or gy).
void ascent_vrelu_backward(const float *y, const float *gy, float *gx, long n);
/// The tanh backward pass from its output: gx[i] = beta * gx[i] + gy[i] * (1 - y[i]^2),
/// with beta 0 (overwrite; gx may hold garbage) or 1 (accumulate). gx must not overlap y or gy.
void ascent_vtanh_backward(const float *y, const float *gy, float *gx, long n, float beta);

/// One Adam/AdamW update over n parameters (in place). `step_size` is
/// lr / (1 - beta1^t); `bias2` is 1 - beta2^t; `decay` is lr * weight_decay for
/// AdamW's decoupled decay (0 for Adam).
void ascent_adam_update(float *param, const float *grad, float *m, float *v, long n,
                        float beta1, float beta2, float step_size, float bias2,
                        float eps, float decay);

/// Activations a fused layer can apply (see ``ascent_add_bias_activation``).
enum { ASCENT_ACTIVATION_IDENTITY = 0, ASCENT_ACTIVATION_TANH = 1, ASCENT_ACTIVATION_RELU = 2 };
/// x[r, j] ← act(x[r, j] + bias[j]) in place for a row-major rows x cols matrix: the
/// epilogue of a linear layer after its GEMM. ReLU maps NaN to 0, as ascent_vrelu_inplace.
void ascent_add_bias_activation(float *x, const float *bias, long rows, long cols, int activation);

/// g[i] *= 1 - y[i]^2 and g[i] = y[i] > 0 ? g[i] : 0: the tanh and ReLU backward passes
/// in place, for a gradient buffer nobody else reads (separate entry points: an aliased
/// pair of pointers would defeat vectorisation). g must not overlap y.
void ascent_vtanh_backward_inplace(const float *y, float *g, long n);
void ascent_vrelu_backward_inplace(const float *y, float *g, long n);

/// acc[j] += sum over rows of x[r, j] (x is rows x cols, row-major): bias gradients.
/// Each column adds its rows in order; acc must not overlap x.
void ascent_add_column_sums(const float *x, long rows, long cols, float *acc);

/// A fresh number on every call, unique across threads (starts at 1).
unsigned long long ascent_next_sequence_number(void);

/// Sum of squares, accumulated in double so the result does not depend on n's size.
double ascent_sum_squares(const float *x, long n);

#ifdef __cplusplus
}
#endif
#endif
