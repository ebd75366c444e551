// Allocator tuning for tensor workloads (see TensorStorage.allocatorTuned).
#include "AscentKernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void ascent_tune_allocator(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
