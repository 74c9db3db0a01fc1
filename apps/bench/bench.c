// SPDX-License-Identifier: MIT
/*
 * User-mode benchmarks, the program bench, run by init when the kernel was
 * booted with `bench` (make bench). Each figure is the median over n timed operations, read
 * with rdtsc; under QEMU's -icount shift=0 the TSC ticks once per guest
 * instruction, so a figure is a deterministic instruction count. One line
 * per figure: "name: <median> cycles, n=<iterations>" (docs/benchmarks.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <cairn/syscall.h>

#include "bench.h"
#include "bench_ring.h"

#define MAX_SAMPLES 1000

static uint64_t samples[MAX_SAMPLES];

static void
sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

void
bench_report(const char *name, uint64_t *v, unsigned n)
{
    sort(v, n);
    printf("%s: %lu cycles, n=%u\n", name, (unsigned long)v[n / 2], n);
}

static void
report(const char *name, unsigned n)
{
    bench_report(name, samples, n);
}

long
bench_spawn_peer(enum bench_role role, const long *handles, unsigned n)
{
    static const char *const argv[] = {"bench", NULL};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .start_arg = BENCH_ROLE_ARG(role)};
    uint64_t size = 0;
    long image = cairn_boot_module("bench", &size);

    if (image < 0)
        return image;
    return cairn_spawn(image, 0, size, &attr, NULL);
}

/* What a second process does, by its role; its exit status. */
static int
bench_role_main(enum bench_role role)
{
    long handles[RING_PEER_HANDLES];

    switch (role) {
    case BENCH_PEER_RING:
        for (unsigned i = 0; i < RING_PEER_HANDLES; i++)
            handles[i] = BENCH_PEER_HANDLE_FIRST + (long)i;
        return bench_ring_peer(handles);
    case BENCH_PEER_ECHO:
        return bench_echo_peer();
    case BENCH_ROLE_EXIT:
        return 0;
    case BENCH_ROLE_YIELDER:
        for (int i = 0; i < 1100; i++)
            cairn_thread_yield();
        return 0;
    }
    return 1;
}

/* The cheapest round trip: a number outside the table, rejected at once. */
static void
bench_null_syscall(void)
{
    for (unsigned i = 0; i < MAX_SAMPLES; i++) {
        uint64_t t0 = bench_rdtsc();
        cairn_syscall0(9999);
        samples[i] = bench_rdtsc() - t0;
    }
    report("null_syscall", MAX_SAMPLES);
}

/* First touch of a fresh page: fault, zero-filled frame, page-table entry. */
static void
bench_page_fault(void)
{
    const unsigned n = 256;
    long h = cairn_memobj_create(n * 4096ul, 0);
    long a = cairn_vm_map(h, 0, n * 4096ul, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);

    if (h < 0 || a < 0) {
        printf("page_fault_4k: failed (%ld, %ld)\n", h, a);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        volatile uint8_t *p = (volatile uint8_t *)(a + i * 4096ul);
        uint64_t t0 = bench_rdtsc();
        *p = 1;
        samples[i] = bench_rdtsc() - t0;
    }
    report("page_fault_4k", n);
    cairn_vm_unmap((uint64_t)a, n * 4096ul);
    cairn_handle_close(h);
}

/* Map one page of an object, touch it, unmap it. */
static void
bench_map_touch_unmap(void)
{
    const unsigned n = 200;
    long h = cairn_memobj_create(4096, 0);

    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = bench_rdtsc();
        long a = cairn_vm_map(h, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
        *(volatile uint8_t *)a = 1;
        cairn_vm_unmap((uint64_t)a, 4096);
        samples[i] = bench_rdtsc() - t0;
    }
    report("memobj_map_touch_unmap_4k", n);
    cairn_handle_close(h);
}

/* Spawn a small process that exits at once, and wait until it is reaped. */
static void
bench_process_spawn_exit(long image)
{
    const unsigned n = 50;

    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = bench_rdtsc();
        long child = cairn_process_spawn(image, 0, BENCH_ROLE_ARG(BENCH_ROLE_EXIT));
        cairn_process_wait(child, ~0ull, NULL);
        samples[i] = bench_rdtsc() - t0;
        cairn_handle_close(child);
    }
    report("process_spawn_exit", n);
}

/* Two processes on one CPU yielding to each other: each yield is one switch
 * there and one back, so the figure is halved per switch. */
static void
bench_context_switch_yield(long image)
{
    long child = cairn_process_spawn(image, 0, BENCH_ROLE_ARG(BENCH_ROLE_YIELDER));

    cairn_thread_yield(); /* let it start */
    for (unsigned i = 0; i < MAX_SAMPLES; i++) {
        uint64_t t0 = bench_rdtsc();
        cairn_thread_yield();
        samples[i] = (bench_rdtsc() - t0) / 2;
    }
    report("context_switch_yield", MAX_SAMPLES);
    cairn_process_wait(child, ~0ull, NULL);
    cairn_handle_close(child);
}

static int
bench_run(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    long image = cairn_boot_module("bench", NULL); /* this program's own image */

    /* make bench boots twice: on one CPU for every figure but one, and on
     * two for the one that needs a second CPU. */
    if (bi && bi->cpu_count > 1) {
        bench_ipc_cross_cpu();
        return 0;
    }
    bench_null_syscall();
    bench_page_fault();
    bench_map_touch_unmap();
    bench_process_spawn_exit(image);
    bench_context_switch_yield(image);
    bench_ipc();
    bench_ring_throughput();
    return 0;
}

int
main(void)
{
    unsigned role = BENCH_ROLE_OF(cairn_start_arg());

    return role ? bench_role_main((enum bench_role)role) : bench_run();
}
