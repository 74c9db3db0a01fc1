/* SPDX-License-Identifier: MIT */
/*
 * The ring_throughput_mbps benchmark (bench_ring.c). Not yet run by init:
 * it needs a second process holding a memory object and a notification,
 * started through a ring_spawn_peer_fn (tests/os/ring_test.h), whose code
 * calls bench_ring_peer() with the handles it was given.
 */
#ifndef CAIRN_USER_INIT_BENCH_RING_H
#define CAIRN_USER_INIT_BENCH_RING_H

#include "ring_test.h" /* tests/os: the peer's handles and the spawn hook */

/* Streams 4 KiB records to a peer and prints one line:
 * "ring_throughput_mbps: <MB/s> MB/s, <cycles> cycles, n=<records>". */
void bench_ring_throughput(ring_spawn_peer_fn spawn);

/* The peer: reads records until the producer closes. Its exit status: 0,
 * or the number of records out of sequence, or 100 + an error. */
int bench_ring_peer(const long handles[RING_PEER_HANDLES]);

#endif
