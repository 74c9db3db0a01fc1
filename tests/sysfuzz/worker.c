// SPDX-License-Identifier: MIT
/*
 * The worker and child roles (see fuzz.h).
 *
 * A worker lays out what it keeps in FUZZ_INFRA: the control page, a page
 * of dots (the only text debug_write may print), and for each fuzzing
 * thread a stack and scratch pages for the buffers the kernel writes.
 * Then it starts the fuzzing threads and one more that keeps mapping,
 * protecting and unmapping the FUZZ_VOLATILE pages the others hand to the
 * kernel, closes every handle to itself, and watches: it ends when every
 * thread has made its calls, or when no call has returned for 1 s (they
 * are all blocked, say in an ipc_call that nobody answers).
 */
#include <stdint.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/rights.h>
#include <cairn/sys.h>

#include "fuzz.h"

#define MS_NS 1000000ull

#define STACK_ADDR(t)   (FUZZ_THREAD_AREA(t) + FUZZ_PAGE)
#define SCRATCH_ADDR(t) (FUZZ_THREAD_AREA(t) + 0x20000)
/* The unmapping thread has the area after the last fuzzing thread's. */
#define UNMAPPER_AREA   FUZZ_THREADS_MAX

/* How long a worker waits for any call to return before it gives up. */
#define STALL_NS (1000 * MS_NS)

static struct fuzz_thread threads[FUZZ_THREADS_MAX];
static long volatile_dots = -1, volatile_rw = -1;
/* Set once no handle names this process any more: until then no thread
 * makes a random call, which could pass one on or kill the worker. */
static volatile int go;

/* A fresh memory object mapped at addr; its handle, or a negative code. */
static long
map_fresh(uint64_t addr, uint64_t size, uint32_t prot)
{
    long obj = cairn_memobj_create(size, 0), ret;

    if (obj < 0)
        return obj;
    ret = cairn_vm_map(obj, 0, size, addr, prot, CAIRN_MAP_FIXED);
    if (ret < 0) {
        cairn_handle_close(obj);
        return ret;
    }
    return obj;
}

/* A read-only page of dots at FUZZ_DOTS_ADDR, and the thread's scratch. */
static int
env_setup(unsigned nthreads)
{
    long obj = map_fresh(FUZZ_DOTS_ADDR, FUZZ_PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);

    if (obj < 0)
        return -1;
    memset((void *)FUZZ_DOTS_ADDR, '.', FUZZ_PAGE);
    cairn_vm_protect(FUZZ_DOTS_ADDR, FUZZ_PAGE, CAIRN_PROT_READ);
    cairn_handle_close(obj);
    for (unsigned t = 0; t < nthreads; t++) {
        obj = map_fresh(SCRATCH_ADDR(t), FUZZ_SCRATCH_SIZE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);
        if (obj < 0)
            return -1;
        cairn_handle_close(obj);
        threads[t].scratch = (uint8_t *)SCRATCH_ADDR(t);
    }
    return 0;
}

/* Two pages of dots that only a read-only handle maps, then two writable
 * pages; the unmapping thread keeps changing both. */
static int
volatile_setup(void)
{
    long dots = map_fresh(FUZZ_VOLATILE, 2 * FUZZ_PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);

    if (dots < 0)
        return -1;
    memset((void *)FUZZ_VOLATILE, '.', 2 * FUZZ_PAGE);
    cairn_vm_unmap(FUZZ_VOLATILE, 2 * FUZZ_PAGE);
    volatile_dots = cairn_handle_dup(dots, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    cairn_handle_close(dots);
    volatile_rw =
        map_fresh(FUZZ_VOLATILE + 2 * FUZZ_PAGE, 2 * FUZZ_PAGE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    return volatile_dots < 0 || volatile_rw < 0 ? -1 : 0;
}

static long
unmapper(void *arg)
{
    struct fuzz_rng r = {(uint64_t)(uintptr_t)arg};

    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        cairn_thread_yield();
    for (;;) {
        uint64_t page = rng_below(&r, 2) * FUZZ_PAGE;

        switch (rng_below(&r, 8)) {
        case 0:
            cairn_vm_unmap(FUZZ_VOLATILE, FUZZ_VOLATILE_PAGES * FUZZ_PAGE);
            break;
        case 1:
            cairn_vm_map(volatile_dots, 0, 2 * FUZZ_PAGE, FUZZ_VOLATILE, CAIRN_PROT_READ,
                         CAIRN_MAP_FIXED);
            break;
        case 2:
            cairn_vm_map(volatile_rw, 0, 2 * FUZZ_PAGE, FUZZ_VOLATILE + 2 * FUZZ_PAGE,
                         CAIRN_PROT_READ | CAIRN_PROT_WRITE, CAIRN_MAP_FIXED);
            break;
        case 3:
            cairn_vm_protect(FUZZ_VOLATILE + 2 * FUZZ_PAGE + page, FUZZ_PAGE,
                             (uint32_t)rng_below(&r, 4));
            break;
        case 4:
            cairn_vm_unmap(FUZZ_VOLATILE + 2 * page, FUZZ_PAGE);
            break;
        default:
            cairn_thread_yield();
            break;
        }
    }
    return 0;
}

static long
fuzz_thread(void *arg)
{
    struct fuzz_thread *ft = arg;

    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        cairn_thread_yield();
    while (ft->n < ft->budget) {
        fuzz_one_call(ft);
        ft->slot->calls[ft->index] = ft->n;
    }
    __atomic_add_fetch(&ft->slot->threads_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static long
start_thread(long (*fn)(void *), void *arg, unsigned area)
{
    long obj = map_fresh(STACK_ADDR(area), FUZZ_STACK_SIZE, CAIRN_PROT_READ | CAIRN_PROT_WRITE);
    long t;

    if (obj < 0)
        return obj;
    cairn_handle_close(obj);
    t = cairn_thread_create_fn(FUZZ_H_PROCESS, fn, arg,
                               (void *)(STACK_ADDR(area) + FUZZ_STACK_SIZE),
                               CAIRN_PRIORITY_DEFAULT);
    if (t >= 0 && cairn_thread_start(t) < 0) {
        cairn_handle_close(t);
        return -CAIRN_EINVAL;
    }
    return t;
}

static uint64_t
slot_calls(const struct fuzz_slot *s)
{
    uint64_t sum = 0;

    for (unsigned t = 0; t < s->threads; t++)
        sum += s->calls[t];
    return sum;
}

int
fuzz_worker_main(unsigned index)
{
    long initial[FUZZ_H_COUNT + FUZZ_THREADS_MAX + 2], tid[FUZZ_THREADS_MAX];
    struct fuzz_control *ctl;
    struct fuzz_slot *slot;
    unsigned n = 0, nthreads;
    uint64_t last = 0, last_change;

    if (index >= FUZZ_SLOTS_MAX ||
        cairn_vm_map(FUZZ_H_CONTROL, 0, FUZZ_PAGE, FUZZ_CONTROL_ADDR,
                     CAIRN_PROT_READ | CAIRN_PROT_WRITE, CAIRN_MAP_FIXED) < 0)
        return 1;
    /* With the handle closed no call can map the page a second time and
     * have the kernel write an answer over the counters. */
    cairn_handle_close(FUZZ_H_CONTROL);
    ctl = (struct fuzz_control *)FUZZ_CONTROL_ADDR;
    slot = &ctl->slots[index];
    nthreads = slot->threads;
    if (nthreads == 0 || nthreads > FUZZ_THREADS_MAX)
        return 1;
    /* Everything from here on is charged to the worker's own quota. */
    if (cairn_process_set_quota(FUZZ_H_PROCESS, FUZZ_H_QUOTA) < 0 || env_setup(nthreads) < 0 ||
        volatile_setup() < 0)
        return 1;

    for (long h = FUZZ_H_CONTROL + 1; h < FUZZ_H_COUNT; h++)
        initial[n++] = h;
    initial[n++] = volatile_dots;
    initial[n++] = volatile_rw;
    for (unsigned t = 0; t < nthreads; t++) {
        struct fuzz_thread *ft = &threads[t];

        ft->worker = index;
        ft->index = t;
        ft->slot = slot;
        ft->budget = slot->budget;
        ft->avoid = slot->avoid;
        ft->trace_from = slot->trace_from;
        fuzz_thread_init(ft, fuzz_mix(slot->seed, 100 + t), initial, n);
    }
    if (start_thread(unmapper, (void *)(uintptr_t)fuzz_mix(slot->seed, 99), UNMAPPER_AREA) < 0)
        return 1;
    for (unsigned t = 0; t < nthreads; t++) {
        tid[t] = start_thread(fuzz_thread, &threads[t], t);
        if (tid[t] < 0)
            return 1;
    }
    /* From now on no handle names this process: no call can end it. */
    cairn_handle_close(FUZZ_H_PROCESS);
    cairn_handle_close(FUZZ_H_THREAD);
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);

    last_change = cairn_clock_get();
    for (;;) {
        uint64_t calls, now;

        cairn_thread_sleep(20 * MS_NS);
        if (__atomic_load_n(&slot->threads_done, __ATOMIC_ACQUIRE) >= nthreads)
            break;
        calls = slot_calls(slot);
        now = cairn_clock_get();
        if (calls != last) {
            last = calls;
            last_change = now;
        } else if (now - last_change > STALL_NS) {
            break; /* the threads left are blocked for good */
        }
    }
    cairn_process_exit(0);
}

/* A child: a few random calls from an empty handle table, then the end
 * (or an earlier one, by process_exit, thread_exit or a fault). */
int
fuzz_child_main(uint64_t seed)
{
    struct fuzz_thread *ft = &threads[0];
    uint64_t calls = 8 + seed % 64;

    if (env_setup(1) < 0)
        return 1;
    ft->child = 1;
    ft->worker = 99;
    fuzz_thread_init(ft, fuzz_mix(seed, 7), NULL, 0);
    while (ft->n < calls)
        fuzz_one_call(ft);
    return 0;
}
