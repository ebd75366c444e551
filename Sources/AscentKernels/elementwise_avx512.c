#if defined(__x86_64__)
#include "kernels_internal.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx2,fma"))), apply_to = function)
#define ELEMENTWISE_SUFFIX avx512
#include "elementwise_impl.h"
#pragma clang attribute pop
#endif
