// Elementwise loops written once in plain, branch-free C and compiled per
// instruction-set level (the including file sets the target), so the compiler
// vectorises each for its level. Included with ELEMENTWISE_SUFFIX defined.
#include "AscentKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

/// Square root without errno handling, so loops containing it vectorise.
#define EW_SQRT(x) __builtin_elementwise_sqrt(x)

#define EW_NAME_(base, suffix) base##_##suffix
#define EW_NAME(base, suffix) EW_NAME_(base, suffix)

/// exp(x) by range reduction x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial
/// for exp(r) (Cephes, about 1 ulp), and 2^n applied as two normal powers of two
/// 2^(n - n/2) · 2^(n/2): so the largest inputs (up to ln FLT_MAX = 88.7228) reach FLT_MAX
/// and overflow to infinity beyond it, and the smallest (down to −103.97) round once into
/// the subnormals, as `expf` does, instead of clamping at either end.
static inline float ew_exp(float x) {
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    // Beyond these exp is infinite or rounds to 0 anyway; the clamp keeps 2^n's halves normal.
    float xc = x > 89.0f ? 89.0f : x;
    xc = xc < -105.0f ? -105.0f : xc;
    // Round to nearest by the 1.5 * 2^23 trick: vectorises on every target.
    float n = (xc * log2e + 12582912.0f) - 12582912.0f;
    float r = xc - n * ln2_hi;
    r = r - n * ln2_lo;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t whole = (int32_t)n, half = whole >> 1;
    int32_t bits_half = (half + 127) << 23, bits_rest = (whole - half + 127) << 23;
    float scale_half, scale_rest;
    memcpy(&scale_half, &bits_half, sizeof scale_half);
    memcpy(&scale_rest, &bits_rest, sizeof scale_rest);
    float y = (p * scale_half) * scale_rest;  // the first product is exact, the second rounds once
    return x != x ? x : y;
}

/// tanh(x): for |x| <= 4 an odd rational minimax approximation (a few ulp; tiny |x|
/// returns x), beyond it sign(x) · (1 − 2 / (e^{2|x|} + 1)), which keeps approaching 1
/// and reaches it exactly where `tanhf` does (|x| ≳ 9.01), and saturates for infinite x.
static inline float ew_tanh(float x) {
    const float clamp = 4.0f;
    float xc = x > clamp ? clamp : (x < -clamp ? -clamp : x);
    float x2 = xc * xc;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * xc;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    float rational = p / q;
    float magnitude = x < 0 ? -x : x;
    float tail = 1.0f - 2.0f / (ew_exp(2.0f * (magnitude > clamp ? magnitude : clamp)) + 1.0f);
    float y = magnitude > clamp ? (x < 0 ? -tail : tail) : rational;
    // NaN needs no test of its own: it fails every comparison and reaches `rational` unchanged.
    return magnitude < 0.0004f ? x : y;
}

void EW_NAME(ascent_vexp, ELEMENTWISE_SUFFIX)(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = ew_exp(x[i]);
}

void EW_NAME(ascent_vtanh, ELEMENTWISE_SUFFIX)(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = ew_tanh(x[i]);
}

void EW_NAME(ascent_vtanh_inplace, ELEMENTWISE_SUFFIX)(float *x, long n) {
    for (long i = 0; i < n; i++) x[i] = ew_tanh(x[i]);
}

void EW_NAME(ascent_add_bias_activation, ELEMENTWISE_SUFFIX)(float *restrict x, const float *restrict bias,
                                                             long rows, long cols, int activation) {
    // One loop per activation, so each vectorises over the columns.
    for (long r = 0; r < rows; r++) {
        float *row = x + r * cols;
        switch (activation) {
        case ASCENT_ACTIVATION_TANH:
            for (long j = 0; j < cols; j++) row[j] = ew_tanh(row[j] + bias[j]);
            break;
        case ASCENT_ACTIVATION_RELU:
            for (long j = 0; j < cols; j++) {
                float v = row[j] + bias[j];
                row[j] = v <= 0.0f ? 0.0f : v;  // NaN stays NaN, as in PyTorch
            }
            break;
        default:
            for (long j = 0; j < cols; j++) row[j] += bias[j];
        }
    }
}

void EW_NAME(ascent_vtanh_backward, ELEMENTWISE_SUFFIX)(const float *restrict y, const float *restrict gy,
                                                        float *restrict gx,
                                                        long n, float beta) {
    if (beta == 0.0f) {
        for (long i = 0; i < n; i++) gx[i] = gy[i] * (1.0f - y[i] * y[i]);
    } else {
        for (long i = 0; i < n; i++) gx[i] += gy[i] * (1.0f - y[i] * y[i]);
    }
}

void EW_NAME(ascent_vtanh_backward_inplace, ELEMENTWISE_SUFFIX)(const float *restrict y, float *restrict g, long n) {
    for (long i = 0; i < n; i++) g[i] *= 1.0f - y[i] * y[i];
}

void EW_NAME(ascent_vrelu_backward_inplace, ELEMENTWISE_SUFFIX)(const float *restrict y, float *restrict g, long n) {
    for (long i = 0; i < n; i++) g[i] = y[i] > 0.0f ? g[i] : 0.0f;
}

void EW_NAME(ascent_vrelu_inplace, ELEMENTWISE_SUFFIX)(float *x, long n) {
    /* max(x, 0), branch-free so it vectorises; NaN fails the comparison and stays NaN (as in
       PyTorch), so diverged weights surface instead of turning into zeros. */
    for (long i = 0; i < n; i++) x[i] = x[i] <= 0.0f ? 0.0f : x[i];
}

void EW_NAME(ascent_vrelu_backward, ELEMENTWISE_SUFFIX)(const float *restrict y, const float *restrict gy,
                                                        float *restrict gx, long n) {
    for (long i = 0; i < n; i++) gx[i] = y[i] > 0.0f ? gy[i] : 0.0f;
}

void EW_NAME(ascent_adam_update, ELEMENTWISE_SUFFIX)(float *param, const float *grad, float *m,
                                                     float *v, long n, float beta1, float beta2,
                                                     float step_size, float bias2, float eps,
                                                     float decay) {
    const float inv_sqrt_bias2 = 1.0f / EW_SQRT(bias2);
    for (long i = 0; i < n; i++) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        // PyTorch's form: p -= lr/bias1 * m / (sqrt(v)/sqrt(bias2) + eps)
        float denom = EW_SQRT(vi) * inv_sqrt_bias2 + eps;
        param[i] = param[i] - decay * param[i] - step_size * mi / denom;
    }
}

double EW_NAME(ascent_sum_squares, ELEMENTWISE_SUFFIX)(const float *x, long n) {
    // Reassociation lets the compiler keep several vector accumulators instead of one
    // serial chain; the order is still fixed for a given instruction-set level.
#pragma clang fp reassociate(on)
    double total = 0.0;
    for (long i = 0; i < n; i++) total += (double)x[i] * (double)x[i];
    return total;
}

void EW_NAME(ascent_add_column_sums, ELEMENTWISE_SUFFIX)(const float *restrict x, long rows, long cols,
                                                         float *restrict acc) {
    // Blocks of 64 columns kept in registers over all rows: several independent vector
    // chains instead of a load-add-store of acc per row. Each column still adds its rows
    // in order, so the result does not depend on the block width.
    enum { BLOCK = 64 };
    long j = 0;
    for (; j + BLOCK <= cols; j += BLOCK) {
        float sums[BLOCK];
        for (int t = 0; t < BLOCK; t++) sums[t] = acc[j + t];
        for (long r = 0; r < rows; r++) {
            const float *row = x + r * cols + j;
            for (int t = 0; t < BLOCK; t++) sums[t] += row[t];
        }
        for (int t = 0; t < BLOCK; t++) acc[j + t] = sums[t];
    }
    for (; j < cols; j++) {
        float sum = acc[j];
        for (long r = 0; r < rows; r++) sum += x[r * cols + j];
        acc[j] = sum;
    }
}
