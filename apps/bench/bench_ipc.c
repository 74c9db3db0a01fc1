// SPDX-License-Identifier: MIT
/*
 * The IPC figures of make bench (docs/benchmarks.md): a call and its reply
 * with one word of payload, timed from before the call until it returns,
 *
 *   ipc_call_reply_same_as    to a server thread of the same process,
 *   ipc_call_reply_cross_as   to a server in another process, same CPU,
 *   ipc_call_reply_cross_cpu  between a client thread pinned to CPU 0 and a
 *                             server thread pinned to CPU 1 (the bench
 *                             boot with two CPUs runs only this one),
 *
 * and notify_signal_wait_roundtrip: a thread signals a notification that
 * a second thread waits on, which signals back on another: wake-up to
 * wake-up, the way an interrupt reaches a driver. Servers answer with
 * reply_recv, the loop a real server runs, so every round trip is one
 * call and one reply_recv. A warm-up round precedes every figure.
 */
#include <stdint.h>
#include <stdio.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/sys.h>

#include "bench.h"

#define IPC_SAMPLES 1000
#define IPC_WARMUP  50
#define STACK_SIZE  (16 * 1024)

static uint64_t samples[IPC_SAMPLES];

/* Answer every call with its first word + 1, until the endpoint closes. */
static long
echo_loop(long ep)
{
    struct cairn_msg m = {{0}, NULL};
    long err = cairn_ipc_recv(ep, &m, CAIRN_WAIT_FOREVER, NULL);

    while (err >= 0) {
        m.w[0]++;
        err = cairn_ipc_reply_recv(ep, &m, NULL);
    }
    return 0;
}

static long
echo_thread(void *arg)
{
    return echo_loop((long)(uintptr_t)arg);
}

int
bench_echo_peer(void)
{
    return (int)echo_loop(BENCH_PEER_HANDLE_FIRST);
}

/* Time IPC_SAMPLES calls on ep and report them under name. */
static void
time_calls(const char *name, long ep)
{
    struct cairn_msg m = {{0}, NULL};

    for (unsigned i = 0; i < IPC_WARMUP; i++)
        cairn_ipc_call(ep, &m);
    for (unsigned i = 0; i < IPC_SAMPLES; i++) {
        uint64_t t0 = bench_rdtsc();
        long err = cairn_ipc_call(ep, &m);
        samples[i] = bench_rdtsc() - t0;
        if (err) {
            printf("%s: failed (%s)\n", name, cairn_error_name((int)err));
            return;
        }
    }
    bench_report(name, samples, IPC_SAMPLES);
}

/* A thread of this process running fn(arg) on a fresh stack; the thread
 * handle, or a negative code. cpu >= 0 pins it there before it starts. */
static long
start_thread(long (*fn)(void *), void *arg, long cpu)
{
    long stack = cairn_memobj_create(STACK_SIZE, 0), at, t;

    if (stack < 0)
        return stack;
    at = cairn_vm_map(stack, 0, STACK_SIZE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    cairn_handle_close(stack); /* the mapping keeps it */
    if (at < 0)
        return at;
    t = cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, fn, arg, (void *)(at + STACK_SIZE),
                               CAIRN_PRIORITY_DEFAULT);
    if (t >= 0 && cpu >= 0 && cairn_thread_set_cpu(t, cpu) < 0)
        printf("bench: cannot pin a thread to CPU %ld\n", cpu);
    if (t >= 0)
        cairn_thread_start(t);
    return t;
}

/* Close the endpoint (the server's receive fails) and wait for the server. */
static void
stop_server(long ep, long thread)
{
    cairn_handle_close(ep);
    if (thread >= 0) {
        cairn_thread_wait(thread, CAIRN_WAIT_FOREVER, NULL);
        cairn_handle_close(thread);
    }
}

static void
bench_call_reply_same_as(void)
{
    long ep = cairn_endpoint_create();
    long client = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    long server = start_thread(echo_thread, (void *)(uintptr_t)ep, -1);

    time_calls("ipc_call_reply_same_as", client);
    cairn_handle_close(client);
    stop_server(ep, server);
}

static long
cross_cpu_client(void *arg)
{
    time_calls("ipc_call_reply_cross_cpu", (long)(uintptr_t)arg);
    return 0;
}

/* Client pinned to CPU 0, server to CPU 1: every call wakes the other CPU. */
void
bench_ipc_cross_cpu(void)
{
    long ep = cairn_endpoint_create();
    long client_ep = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    long server = start_thread(echo_thread, (void *)(uintptr_t)ep, 1);
    long client = start_thread(cross_cpu_client, (void *)(uintptr_t)client_ep, 0);

    if (client >= 0) {
        cairn_thread_wait(client, CAIRN_WAIT_FOREVER, NULL);
        cairn_handle_close(client);
    }
    cairn_handle_close(client_ep);
    stop_server(ep, server);
}

static void
bench_call_reply_cross_as(void)
{
    long ep = cairn_endpoint_create();
    long client = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    long child = bench_spawn_peer(BENCH_PEER_ECHO, &ep, 1);

    cairn_handle_close(ep); /* the peer holds the only receive handle */
    if (child < 0) {
        printf("ipc_call_reply_cross_as: failed (%s)\n", cairn_error_name((int)child));
        return;
    }
    time_calls("ipc_call_reply_cross_as", client);
    cairn_handle_close(client);
    /* The peer holds the endpoint's only receive handle, so the endpoint
     * stays open without callers and its receive would wait for ever. */
    cairn_process_kill(child);
    cairn_process_wait(child, CAIRN_WAIT_FOREVER, NULL);
    cairn_handle_close(child);
}

/* The notification ping-pong's far side: wait on one, signal the other. */
struct pong {
    long ping, pong;
};

static long
pong_thread(void *arg)
{
    struct pong *p = arg;
    uint64_t bits;

    while (cairn_notify_wait(p->ping, CAIRN_WAIT_FOREVER, &bits) == 0 && !(bits & 2))
        cairn_notify_signal(p->pong, 1);
    return 0;
}

static void
bench_notify_roundtrip(void)
{
    static struct pong p;
    uint64_t bits;
    long t;

    p.ping = cairn_notify_create();
    p.pong = cairn_notify_create();
    t = start_thread(pong_thread, &p, -1);
    for (unsigned i = 0; i < IPC_WARMUP + IPC_SAMPLES; i++) {
        uint64_t t0 = bench_rdtsc();
        cairn_notify_signal(p.ping, 1);
        cairn_notify_wait(p.pong, CAIRN_WAIT_FOREVER, &bits);
        if (i >= IPC_WARMUP)
            samples[i - IPC_WARMUP] = bench_rdtsc() - t0;
    }
    bench_report("notify_signal_wait_roundtrip", samples, IPC_SAMPLES);
    cairn_notify_signal(p.ping, 2);
    if (t >= 0) {
        cairn_thread_wait(t, CAIRN_WAIT_FOREVER, NULL);
        cairn_handle_close(t);
    }
    cairn_handle_close(p.ping);
    cairn_handle_close(p.pong);
}

void
bench_ipc(void)
{
    bench_call_reply_same_as();
    bench_call_reply_cross_as();
    bench_notify_roundtrip();
}
