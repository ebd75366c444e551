// A minimal fork-join pool for the kernels: helper threads that wait for a job, spin
// briefly and then sleep, so a dispatch costs about a microsecond when work arrives
// often (every GEMM of a training step) and nothing when it does not.
//
// One job runs at a time. A caller that finds the pool busy (another thread's GEMM, or a
// nested call from inside a task) runs its tasks itself, so there is no deadlock and no
// waiting. Results never depend on which thread ran a task: tasks write disjoint outputs.
//
// A job's fields live until every helper that joined it has left: a helper announces itself
// in `active` and then checks `open`; the caller closes the job and waits for `active` to
// reach zero. With sequentially consistent atomics a helper either joins while the caller
// still waits for it, or sees the job closed and touches nothing.

#include "AscentKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

static struct {
    pthread_mutex_t submit;          // held by the thread whose job is running
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    atomic_ulong generation;         // bumped for every job
    atomic_long next_task;           // next task index to claim
    atomic_long tasks_done;
    atomic_int open;                 // a job is accepting helpers
    atomic_int active;               // helpers inside the current job
    long task_count;
    ascent_task_fn fn;
    void *context;
    int helpers;                     // helper threads started
    atomic_int requested;            // threads a job may use (caller included)
} pool = {
    .submit = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static _Thread_local int inside_task = 0;

static void run_tasks(void) {
    inside_task = 1;
    long i;
    while ((i = atomic_fetch_add(&pool.next_task, 1)) < pool.task_count) {
        pool.fn(pool.context, i);
        atomic_fetch_add(&pool.tasks_done, 1);
    }
    inside_task = 0;
}

static void *helper_main(void *unused) {
    (void)unused;
    unsigned long seen = atomic_load(&pool.generation);
    for (;;) {
        // Spin a little: training steps issue GEMMs back to back.
        for (int spin = 0; spin < 20000 && atomic_load(&pool.generation) == seen; spin++) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        }
        pthread_mutex_lock(&pool.sleep_lock);
        while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.sleep_lock);
        pthread_mutex_unlock(&pool.sleep_lock);
        seen = atomic_load(&pool.generation);
        atomic_fetch_add(&pool.active, 1);
        if (atomic_load(&pool.open)) run_tasks();
        atomic_fetch_sub(&pool.active, 1);
    }
    return NULL;
}

static void start_pool(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cpus > 0 ? (int)cpus : 1;
    const char *env = getenv("ASCENT_NUM_THREADS");
    if (env && atoi(env) > 0) threads = atoi(env);
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    atomic_store(&pool.requested, threads);
    for (int t = 0; t < threads - 1; t++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, helper_main, NULL) == 0) pool.helpers++;
        pthread_attr_destroy(&attributes);
    }
}

int ascent_kernel_threads(void) {
    pthread_once(&pool_once, start_pool);
    int requested = atomic_load(&pool.requested);
    return requested < pool.helpers + 1 ? requested : pool.helpers + 1;
}

void ascent_set_kernel_threads(int threads) {
    pthread_once(&pool_once, start_pool);
    atomic_store(&pool.requested, threads < 1 ? 1 : threads);
}

void ascent_parallel_for(long count, ascent_task_fn fn, void *context) {
    if (count <= 0) return;
    if (count == 1 || inside_task || ascent_kernel_threads() < 2 || pthread_mutex_trylock(&pool.submit) != 0) {
        for (long i = 0; i < count; i++) fn(context, i);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    pool.task_count = count;
    atomic_store(&pool.tasks_done, 0);
    atomic_store(&pool.next_task, 0);
    atomic_store(&pool.open, 1);
    pthread_mutex_lock(&pool.sleep_lock);
    atomic_fetch_add(&pool.generation, 1);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.sleep_lock);
    run_tasks();
    while (atomic_load(&pool.tasks_done) < count) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
    atomic_store(&pool.open, 0);
    while (atomic_load(&pool.active) > 0) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_unlock(&pool.submit);
}
