/* SPDX-License-Identifier: MIT */
/*
 * The user-mode benchmarks (bench.c, bench_ipc.c, bench_ring.c), run by
 * init when the kernel was booted with `bench`. Some need a second
 * process: a peer, which is init's own image started with
 * CAIRN_INIT_BENCH_PEER and a role in bits 16-31 of its flags, holding the
 * handles it was given from handle 2 on (libc's cairn_spawn_elf).
 */
#ifndef CAIRN_USER_INIT_BENCH_H
#define CAIRN_USER_INIT_BENCH_H

#include <stdint.h>

/* The roles of a peer process. */
enum bench_peer_role {
    BENCH_PEER_RING = 1, /* bench_ring_peer: a memory object and two notifications */
    BENCH_PEER_ECHO = 2, /* bench_echo_peer: an endpoint to serve */
};

/* The first handle a peer is given. */
#define BENCH_PEER_HANDLE_FIRST 2

/* Run the user-mode benchmarks and print one line per figure. */
int bench_run(void);

/* Start a peer with role and handles (copied into it); its process handle
 * or a negative code. */
long bench_spawn_peer(enum bench_peer_role role, const long *handles, unsigned n);

/* What a peer runs (init's main, given CAIRN_INIT_BENCH_PEER): its status. */
int bench_peer_main(unsigned long flags);

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
