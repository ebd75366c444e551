// A process-wide counter for unique identifiers (graph traversal marks).
#include <stdatomic.h>
#include "AscentKernels.h"

static _Atomic unsigned long long counter = 0;

unsigned long long ascent_next_sequence_number(void) {
    return atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed) + 1;
}
