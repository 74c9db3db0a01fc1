/* SPDX-License-Identifier: MIT */
/*
 * The ring_throughput_mbps benchmark (bench_ring.c): bench streams records
 * to a peer process (bench.h, BENCH_PEER_RING) through a ring in a shared
 * memory object.
 */
#ifndef CAIRN_APPS_BENCH_RING_H
#define CAIRN_APPS_BENCH_RING_H

/* What the peer is given, in this order. */
enum {
    RING_PEER_MEMOBJ,        /* the shared memory object: READ, WRITE, MAP */
    RING_PEER_OWN_NOTIFY,    /* the peer's notification: WAIT */
    RING_PEER_PARENT_NOTIFY, /* the parent's notification: SIGNAL */
    RING_PEER_HANDLES,
};

/* Streams 4 KiB records to a peer and prints one line:
 * "ring_throughput_mbps: <MB/s> MB/s, <cycles> cycles, n=<records>". */
void bench_ring_throughput(void);

/* The peer: reads records until the producer closes. Its exit status: 0,
 * or the number of records out of sequence, or 100 + an error. */
int bench_ring_peer(const long handles[RING_PEER_HANDLES]);

#endif
