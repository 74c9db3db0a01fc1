/* SPDX-License-Identifier: MIT */
/*
 * In-OS tests of the ring library (<cairn/ring.h>) against the kernel's
 * notifications and memory objects: one process with two mappings of one
 * memory object, and two processes echoing records over two rings.
 *
 * Not yet run by init. Wiring them in needs, from the kernel side, a way
 * for a parent to hand a child handles (see ring_spawn_peer_fn), and in
 * init: call ring_tests_run() in a test boot and add its result to the
 * failure count; start ring_test_peer() in a child started for that.
 */
#ifndef CAIRN_TESTS_OS_RING_TEST_H
#define CAIRN_TESTS_OS_RING_TEST_H

/* What a ring peer is given, in this order. */
enum {
    RING_PEER_MEMOBJ,        /* the shared memory object: READ, WRITE, MAP */
    RING_PEER_OWN_NOTIFY,    /* the peer's notification: WAIT */
    RING_PEER_PARENT_NOTIFY, /* the parent's notification: SIGNAL */
    RING_PEER_HANDLES,
};

/*
 * Starts a second process whose code calls a peer function (ring_test_peer
 * or bench_ring_peer) with handles[] as they are numbered in the child.
 * It may move the three handles to the child or copy them; the caller
 * closes its numbers afterwards either way (a moved one just fails with
 * EBADH). Returns the child's process handle (with WAIT), or a negative
 * error. The lead supplies it, once a parent can give a child
 * handles (at spawn, or over a bootstrap endpoint).
 */
typedef long (*ring_spawn_peer_fn)(const long handles[RING_PEER_HANDLES]);

/*
 * Runs the ring tests, printing `ok <name>` or `FAIL <name>: <why>` for
 * each. spawn starts the peer of the two-process test; with NULL that test
 * fails (it must not pass unrun). Returns the number of failed tests.
 */
int ring_tests_run(ring_spawn_peer_fn spawn);

/*
 * The child's side of the two-process test: attaches to both rings in the
 * memory object and echoes every request until the parent closes. Returns
 * the child's exit status: 0, or 100 + the error that stopped it.
 */
int ring_test_peer(const long handles[RING_PEER_HANDLES]);

#endif
