// Declarations shared between the per-instruction-set translation units.
#ifndef ASCENT_KERNELS_INTERNAL_H
#define ASCENT_KERNELS_INTERNAL_H

#define GEMM_CAT_(a, b) a##b
#define GEMM_CAT(a, b) GEMM_CAT_(a, b)

#define SGEMM_ARGS int trans_a, int trans_b, long m, long n, long k, float alpha, \
    const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc

void ascent_sgemm_portable(SGEMM_ARGS);
#if defined(__x86_64__)
void ascent_sgemm_avx2(SGEMM_ARGS);
void ascent_sgemm_avx512(SGEMM_ARGS);
#endif

#define ELEMENTWISE_DECLARE(SUFFIX) \
    void ascent_vexp_##SUFFIX(const float *x, float *y, long n); \
    void ascent_vtanh_##SUFFIX(const float *x, float *y, long n); \
    void ascent_vtanh_inplace_##SUFFIX(float *x, long n); \
    void ascent_vtanh_backward_##SUFFIX(const float *y, const float *gy, float *gx, long n, float beta); \
    void ascent_vtanh_backward_inplace_##SUFFIX(const float *y, float *g, long n); \
    void ascent_vrelu_backward_inplace_##SUFFIX(const float *y, float *g, long n); \
    void ascent_vrelu_inplace_##SUFFIX(float *x, long n); \
    void ascent_add_bias_activation_##SUFFIX(float *x, const float *bias, long rows, long cols, int activation); \
    void ascent_vrelu_backward_##SUFFIX(const float *y, const float *gy, float *gx, long n); \
    void ascent_adam_update_##SUFFIX(float *param, const float *grad, float *m, float *v, long n, \
        float beta1, float beta2, float step_size, float bias2, float eps, float decay); \
    double ascent_sum_squares_##SUFFIX(const float *x, long n); \
    void ascent_add_column_sums_##SUFFIX(const float *x, long rows, long cols, float *acc);

ELEMENTWISE_DECLARE(portable)
#if defined(__x86_64__)
ELEMENTWISE_DECLARE(avx2)
ELEMENTWISE_DECLARE(avx512)
#endif

#endif
