#include "kernels_internal.h"
#define ELEMENTWISE_SUFFIX portable
#include "elementwise_impl.h"
