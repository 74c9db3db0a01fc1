/* SPDX-License-Identifier: MIT */
/*
 * The user-mode benchmarks (bench.c, bench_ipc.c, bench_ring.c): the
 * program bench, boot module `bench`, which init runs when the kernel was
 * booted with `bench`. Some figures need a second process: the program's
 * own image started with a role (BENCH_ROLE_ARG), a peer holding the
 * handles it was given from handle 2 on (libc's cairn_spawn).
 */
#ifndef CAIRN_APPS_BENCH_H
#define CAIRN_APPS_BENCH_H

#include <stdint.h>

/* The roles of a second process. */
enum bench_role {
    BENCH_PEER_RING = 1,    /* bench_ring_peer: a memory object and two notifications */
    BENCH_PEER_ECHO = 2,    /* bench_echo_peer: an endpoint to serve */
    BENCH_ROLE_EXIT = 3,    /* exit at once (process_spawn_exit) */
    BENCH_ROLE_YIELDER = 4, /* yield 1100 times, then exit (context_switch_yield) */
};

/* The start argument of a process in role r; init starts the benchmarks
 * themselves with CAIRN_INIT_BENCH, which is no such argument. */
#define BENCH_ROLE_ARG(r)  (0xbe0000ul | (unsigned long)(r))
#define BENCH_ROLE_OF(arg) ((arg) >> 16 == 0xbe ? (unsigned)((arg)&0xffff) : 0u)

/* The first handle a peer is given. */
#define BENCH_PEER_HANDLE_FIRST 2

/* Start a peer with role and handles (copied into it); its process handle
 * or a negative code. */
long bench_spawn_peer(enum bench_role role, const long *handles, unsigned n);

/* Median of n samples, printed as "name: <median> cycles, n=<n>". */
void bench_report(const char *name, uint64_t *samples, unsigned n);

static inline uint64_t
bench_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* bench_ipc.c: the one-CPU figures, and the one that needs two CPUs */
void bench_ipc(void);
void bench_ipc_cross_cpu(void);
int bench_echo_peer(void);

#endif
