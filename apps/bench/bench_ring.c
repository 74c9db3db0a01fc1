// SPDX-License-Identifier: MIT
/*
 * ring_throughput_mbps: how fast a ring moves 4 KiB records from one
 * process to another, wake-ups included. init (the producer) formats a
 * 64 KiB ring in a memory object and starts a peer process that reads
 * every record into its own buffer (one copy in, one copy out). After a
 * warm-up that lets the peer start and attach, the figure times
 * BENCH_RECORDS records from the first write until the peer has taken the
 * last one (ring_flush_wait).
 *
 * Under make bench (-icount shift=0) the TSC ticks once per guest
 * instruction, and one instruction is 1 ns of virtual time: the figure is
 * bytes / virtual time, in MB/s (10^6 bytes per second), and is as
 * deterministic as the other figures. With one CPU, the two processes take
 * turns: the producer fills the ring and sleeps, the peer drains it and
 * sleeps; each turn costs one signal and one wait per side. A record's
 * number is stored with common/bytes.h, one move each way: a memcpy call
 * per record would be counted in the figure.
 */
#include <stdint.h>
#include <stdio.h>

#include <cairn/ring.h>
#include <cairn/sys.h>
#include <common/bytes.h>

#include "bench.h"
#include "bench_ring.h"

#define BENCH_RING_LOG2 16 /* 64 KiB: 15 records of 4 KiB */
#define BENCH_RING_MEM  ((ring_mem_size(BENCH_RING_LOG2) + 4095) & ~4095ul)
#define BENCH_RECORD    4096u
#define BENCH_WARMUP    64u
#define BENCH_RECORDS   2048u          /* 8 MiB */
#define BENCH_WAIT_NS   10000000000ull /* 10 s: a lost wake-up ends the run */
#define BENCH_RW        (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

static uint8_t record[BENCH_RECORD];

/* Writes records first .. first + n - 1, each carrying its number. */
static long
bench_ring_send(struct ring *r, uint64_t first, unsigned n)
{
    for (uint64_t seq = first; seq < first + n; seq++) {
        long err;
        bytes_wr64(record, seq);
        err = ring_write_wait(r, record, BENCH_RECORD, BENCH_WAIT_NS);
        if (err)
            return err;
    }
    return ring_flush_wait(r, BENCH_WAIT_NS);
}

void
bench_ring_throughput(void)
{
    long mem, mine, theirs, a = -1, child = -1, err;
    long handles[RING_PEER_HANDLES] = {-1, -1, -1};
    uint64_t t0, cycles = 0;
    int64_t status = -1;
    struct ring r;

    mem = cairn_memobj_create(BENCH_RING_MEM, 0);
    mine = cairn_notify_create();
    theirs = cairn_notify_create();
    if (mem >= 0)
        a = cairn_vm_map(mem, 0, BENCH_RING_MEM, 0, BENCH_RW, 0);
    const struct ring_notify n = {&ring_notify_sys, mine, theirs, 1};
    err = a < 0 ? a : ring_init(&r, (void *)a, BENCH_RING_MEM, BENCH_RING_LOG2, RING_PRODUCER, &n);
    if (!err && mine >= 0 && theirs >= 0) {
        handles[RING_PEER_MEMOBJ] =
            cairn_handle_dup(mem, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP |
                                      CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
        handles[RING_PEER_OWN_NOTIFY] = cairn_handle_dup(
            theirs, CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
        handles[RING_PEER_PARENT_NOTIFY] = cairn_handle_dup(
            mine, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
        child = bench_spawn_peer(BENCH_PEER_RING, handles, RING_PEER_HANDLES);
        for (int i = 0; i < RING_PEER_HANDLES; i++)
            cairn_handle_close(handles[i]);
        err = child < 0 ? child : 0;
    } else if (!err) {
        err = mine < 0 ? mine : theirs;
    }
    if (!err)
        err = bench_ring_send(&r, 0, BENCH_WARMUP);
    if (!err) {
        t0 = bench_rdtsc();
        err = bench_ring_send(&r, BENCH_WARMUP, BENCH_RECORDS);
        cycles = bench_rdtsc() - t0;
    }
    if (!err)
        ring_close(&r);
    if (child >= 0 && cairn_process_wait(child, BENCH_WAIT_NS, &status) == 0 && status != 0 && !err)
        err = -CAIRN_EINVAL; /* the peer saw records out of order */
    if (err || cycles == 0)
        printf("ring_throughput_mbps: failed (%s, peer status %ld)\n", cairn_error_name((int)err),
               (long)status);
    else
        printf("ring_throughput_mbps: %lu MB/s, %lu cycles, n=%u\n",
               (unsigned long)((uint64_t)BENCH_RECORDS * BENCH_RECORD * 1000 / cycles),
               (unsigned long)cycles, BENCH_RECORDS);
    if (child >= 0)
        cairn_handle_close(child);
    if (a > 0)
        cairn_vm_unmap((uint64_t)a, BENCH_RING_MEM);
    cairn_handle_close(mem);
    cairn_handle_close(mine);
    cairn_handle_close(theirs);
}

int
bench_ring_peer(const long handles[RING_PEER_HANDLES])
{
    static uint8_t buf[BENCH_RECORD];
    const struct ring_notify n = {&ring_notify_sys, handles[RING_PEER_OWN_NOTIFY],
                                  handles[RING_PEER_PARENT_NOTIFY], 1};
    uint64_t want = 0, seq;
    struct ring r;
    long a, got;
    int bad = 0;

    a = cairn_vm_map(handles[RING_PEER_MEMOBJ], 0, BENCH_RING_MEM, 0, BENCH_RW, 0);
    if (a < 0)
        return 100 - (int)a;
    got = ring_attach(&r, (void *)a, BENCH_RING_MEM, RING_CONSUMER, &n);
    if (got)
        return 100 - (int)got;
    while ((got = ring_read_wait(&r, buf, sizeof(buf), BENCH_WAIT_NS)) >= 0) {
        seq = bytes_rd64(buf);
        if (got != BENCH_RECORD || seq != want)
            bad++;
        want++;
    }
    ring_close(&r);
    if (got != -CAIRN_ECLOSED)
        return 100 - (int)got;
    return bad < 100 ? bad : 99;
}
