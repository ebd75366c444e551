// Allocator tuning for tensor workloads (see TensorStorage.allocatorTuned).
#include "AscentKernels.h"
#include <stdlib.h>  // defines __GLIBC__ on glibc systems (checked next)
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void ascent_tune_allocator(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum on 64-bit; larger values are refused
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
