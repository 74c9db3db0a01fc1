// SPDX-License-Identifier: MIT
/*
 * The fuzzer's entry and its supervisor (see fuzz.h).
 *
 * The supervisor reads `fuzz seed=N calls=M [procs=P] [threads=T]
 * [time=S] [avoid=devspawn,cycles] [trace=K]` from the kernel command
 * line, keeps P workers of T threads running until M calls have been made
 * (or S seconds have passed), and prints
 *
 *   fuzz: result: <calls> calls, <leaks> leaks, <violations> violations, ...
 *
 * A leak is a counter of debug_stats (free frames, threads, live objects
 * of any type) that is not back where it was before the first worker, once
 * every worker has ended and its children have had 30 s to end. A
 * violation is a broken promise a worker saw (calls.c), or a worker that
 * ended any other way than by finishing or being killed. The exit status
 * is leaks plus violations, which init adds to its failures.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/debug.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "fuzz.h"

#define MS_NS 1000000ull
#define S_NS  1000000000ull

/* Each thread of an incarnation makes at most this many calls. */
#define INCARNATION_CALLS 1500
/* Each worker's quota. */
#define WORKER_QUOTA      (8ull << 20)
/* A physical range with no RAM in it: the legacy VGA window and the BIOS
 * area, which is where a worker makes device memory. */
#define PHYS_WINDOW_BASE  0xa0000ull
#define PHYS_WINDOW_SIZE  0x60000ull

struct fuzz_config {
    uint64_t seed, calls, trace_from;
    unsigned procs, threads, time_s;
    uint32_t avoid;
};

/* The value of key=value on the kernel command line, or NULL. */
static const char *
cmdline_value(const char *key, char *buf, size_t size)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    size_t n = strlen(key);

    for (const char *p = bi ? bi->cmdline : ""; *p;) {
        size_t len = 0;

        while (p[len] && p[len] != ' ')
            len++;
        if (len > n && strncmp(p, key, n) == 0 && p[n] == '=') {
            size_t v = len - n - 1 < size - 1 ? len - n - 1 : size - 1;

            memcpy(buf, p + n + 1, v);
            buf[v] = '\0';
            return buf;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

static uint64_t
cmdline_u64(const char *key, uint64_t fallback)
{
    char buf[32];
    const char *v = cmdline_value(key, buf, sizeof(buf));
    uint64_t x = 0;

    if (!v || !*v)
        return fallback;
    for (; *v >= '0' && *v <= '9'; v++)
        x = x * 10 + (uint64_t)(*v - '0');
    return x;
}

/* Is name one of the comma-separated words of list? */
static int
list_has(const char *list, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = list; *p;) {
        size_t len = 0;

        while (p[len] && p[len] != ',')
            len++;
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void
config_read(struct fuzz_config *cfg)
{
    char avoid[64];

    cfg->seed = cmdline_u64("seed", 1);
    cfg->calls = cmdline_u64("calls", 20000);
    cfg->procs = (unsigned)cmdline_u64("procs", 3);
    cfg->threads = (unsigned)cmdline_u64("threads", 2);
    cfg->time_s = (unsigned)cmdline_u64("time", 80);
    cfg->trace_from = cmdline_u64("trace", 0);
    cfg->avoid = 0;
    if (cmdline_value("avoid", avoid, sizeof(avoid))) {
        if (list_has(avoid, "devspawn"))
            cfg->avoid |= FUZZ_AVOID_DEVSPAWN;
        if (list_has(avoid, "cycles"))
            cfg->avoid |= FUZZ_AVOID_CYCLES;
    }
    if (cfg->procs < 1 || cfg->procs > FUZZ_SLOTS_MAX)
        cfg->procs = 3;
    if (cfg->threads < 1 || cfg->threads > FUZZ_THREADS_MAX)
        cfg->threads = 2;
}

/* The supervisor's view of one worker slot. */
struct slot_state {
    long process; /* the running incarnation, or -1 */
    long quota;
    unsigned incarnation;
    uint64_t seed;
    uint64_t per_thread; /* calls each of its threads may make */
    uint64_t budget;     /* calls it may make in all */
    uint64_t kill_at;    /* kill it once it has made this many (0: never) */
    uint64_t last_calls, last_change, killed_at;
    int killed;
    int miscounted; /* a counter read past its thread's budget */
};

struct supervisor {
    const struct fuzz_config *cfg;
    struct fuzz_control *ctl;
    struct fuzz_rng rng;
    long handles[FUZZ_H_COUNT - FUZZ_H_CONTROL]; /* the worker's handles 2 .. */
    long image;
    uint64_t image_size;
    uint64_t done, inflight;
    unsigned violations, kills, incarnations, miscounted;
    struct slot_state slots[FUZZ_SLOTS_MAX];
};

/*
 * The calls a worker has made, from the counters its threads keep in the
 * control page. A worker may map that page a second time through its own
 * handle to it and have the kernel write a call's answer there, so a
 * counter can hold anything: each is taken as at most its thread's
 * budget, which the supervisor keeps in its own memory.
 */
static uint64_t
slot_calls(struct supervisor *sv, unsigned index)
{
    struct slot_state *s = &sv->slots[index];
    const struct fuzz_slot *fs = &sv->ctl->slots[index];
    uint64_t sum = 0;

    for (unsigned t = 0; t < sv->cfg->threads; t++) {
        uint64_t calls = fs->calls[t];

        if (calls > s->per_thread) {
            s->miscounted = 1;
            calls = s->per_thread;
        }
        sum += calls;
    }
    return sum;
}

static void
supervisor_violation(struct supervisor *sv, const char *what, const struct slot_state *s,
                     unsigned index)
{
    printf("fuzz: violation: worker %u incarnation %u (seed %llu): %s\n", index, s->incarnation,
           (unsigned long long)s->seed, what);
    sv->violations++;
}

/* Starts a worker in the slot whose threads make per_thread calls each. */
static void
slot_spawn(struct supervisor *sv, unsigned index, uint64_t per_thread)
{
    const struct fuzz_config *cfg = sv->cfg;
    struct slot_state *s = &sv->slots[index];
    struct fuzz_slot *fs = &sv->ctl->slots[index];
    static const char *const argv[] = {"fuzz", NULL};
    struct cairn_spawn_attr attr;
    long quota;

    /* What an earlier worker's children still hold is charged to its
     * quota until they end; until then there may be no room for another. */
    quota = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, WORKER_QUOTA);
    if (quota < 0)
        return;
    s->incarnation++;
    s->seed = fuzz_mix(fuzz_mix(cfg->seed, index), s->incarnation);
    s->per_thread = per_thread;
    s->budget = per_thread * cfg->threads;
    s->kill_at = s->budget && rng_one_in(&sv->rng, 4) ? 1 + rng_below(&sv->rng, s->budget) : 0;
    s->killed = 0;
    s->miscounted = 0;
    s->last_calls = 0;
    s->last_change = cairn_clock_get();
    memset(fs, 0, sizeof(*fs));
    fs->seed = s->seed;
    fs->budget = per_thread;
    fs->threads = cfg->threads;
    fs->avoid = cfg->avoid;
    fs->trace_from = cfg->trace_from;
    sv->handles[FUZZ_H_QUOTA - FUZZ_H_CONTROL] = quota;
    attr = (struct cairn_spawn_attr){.argv = argv,
                                     .handles = sv->handles,
                                     .nhandles = FUZZ_H_COUNT - FUZZ_H_CONTROL,
                                     .start_arg = FUZZ_WORKER_MAGIC << 32 | index};
    s->process = cairn_spawn(sv->image, 0, sv->image_size, &attr, NULL);
    if (s->process < 0) {
        supervisor_violation(sv, "the worker could not be started", s, index);
        cairn_handle_close(quota);
        return;
    }
    s->quota = quota;
    sv->inflight += s->budget;
    sv->incarnations++;
}

static void
slot_finish(struct supervisor *sv, unsigned index, int64_t status)
{
    struct slot_state *s = &sv->slots[index];
    struct fuzz_slot *fs = &sv->ctl->slots[index];
    uint64_t calls = slot_calls(sv, index);
    char why[200];

    sv->done += calls;
    sv->inflight -= s->budget;
    if (s->miscounted) {
        /* Not a violation: the worker wrote over its own page. */
        printf("fuzz: worker %u incarnation %u (seed %llu): a call counter was overwritten; "
               "counted as its budget\n",
               index, s->incarnation, (unsigned long long)s->seed);
        sv->miscounted++;
    }
    if (fs->violations) {
        snprintf(why, sizeof(why), "%u violations, the first: %.*s", fs->violations,
                 (int)sizeof(fs->why) - 1, fs->why);
        supervisor_violation(sv, why, s, index);
        sv->violations += fs->violations - 1;
    }
    if (status != 0 && !(s->killed && status == CAIRN_STATUS_KILLED)) {
        snprintf(why, sizeof(why), "ended with status %lld after %llu calls", (long long)status,
                 (unsigned long long)calls);
        supervisor_violation(sv, why, s, index);
    }
    cairn_handle_close(s->process);
    cairn_handle_close(s->quota);
    s->process = -1;
}

/* What a hung worker is doing: its process as the kernel sees it, and the
 * call each of its threads is in. */
static void
slot_describe(struct supervisor *sv, unsigned index)
{
    const struct fuzz_slot *fs = &sv->ctl->slots[index];
    struct cairn_process_info info;
    long err = cairn_process_info(sv->slots[index].process, &info);

    if (err < 0)
        printf("fuzz:   process_info: %s\n", cairn_error_name((int)err));
    else
        printf("fuzz:   state %u, %u threads, cpu %llu ms, pid %u\n", info.state, info.threads,
               (unsigned long long)(info.cpu_ns / 1000000), info.pid);
    for (unsigned t = 0; t < fs->threads && t < FUZZ_THREADS_MAX; t++) {
        uint32_t nr = fs->in_call[t];

        if (nr)
            printf("fuzz:   thread %u in %s(%#llx, %#llx) at call %llu\n", t,
                   fuzz_call_name(nr - 1), (unsigned long long)fs->in_args[t][0],
                   (unsigned long long)fs->in_args[t][1], (unsigned long long)fs->calls[t] + 1);
        else
            printf("fuzz:   thread %u between calls, after %llu\n", t,
                   (unsigned long long)fs->calls[t]);
    }
}

static void
slot_kill(struct supervisor *sv, unsigned index)
{
    struct slot_state *s = &sv->slots[index];

    if (s->killed)
        return;
    s->killed = 1;
    s->killed_at = cairn_clock_get();
    sv->kills++;
    cairn_process_kill(s->process);
}

/* Checks one running worker; returns whether it still runs. */
static int
slot_poll(struct supervisor *sv, unsigned index, int time_up)
{
    struct slot_state *s = &sv->slots[index];
    uint64_t calls = slot_calls(sv, index), now = cairn_clock_get();
    int64_t status = 0;

    if (cairn_process_wait(s->process, 0, &status) == 0) {
        slot_finish(sv, index, status);
        return 0;
    }
    if (calls != s->last_calls) {
        s->last_calls = calls;
        s->last_change = now;
    }
    if (s->killed) {
        if (now - s->killed_at > 20 * S_NS) {
            supervisor_violation(sv, "killed 20 s ago and still not ended", s, index);
            slot_describe(sv, index);
            s->killed_at = now;
        }
    } else if (s->kill_at && calls >= s->kill_at) {
        slot_kill(sv, index);
    } else if (now - s->last_change > 20 * S_NS) {
        /* The worker gives up after 1 s without a call returning; this one
         * did not even do that. */
        supervisor_violation(sv, "no call returned for 20 s and it did not end", s, index);
        slot_describe(sv, index);
        slot_kill(sv, index);
    } else if (time_up) {
        slot_kill(sv, index);
    }
    return 1;
}

static int
stats_equal(const struct cairn_debug_stats *a, const struct cairn_debug_stats *b)
{
    if (a->free_frames != b->free_frames || a->live_threads != b->live_threads)
        return 0;
    for (unsigned t = 0; t < CAIRN_DEBUG_OBJ_TYPES; t++) {
        if (a->live_objects[t] != b->live_objects[t])
            return 0;
    }
    return 1;
}

/* The close notices of the handles the workers minted with
 * handle_mint_notify on the endpoint they share with us wait on it until
 * received, as they would for a server: take them all (and answer any
 * message a worker left, though none can call once all have ended). */
static void
drain_notices(long ep)
{
    for (;;) {
        struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};
        uint64_t badge;
        long got = cairn_ipc_recv(ep, &msg, 0, &badge);

        if (got < 0)
            return;
        if (!(got & CAIRN_IPC_CLOSED)) {
            msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
            cairn_ipc_reply(&msg);
        }
    }
}

/* Waits up to 30 s for the counters to come back; returns 1 for a leak. */
static int
check_leaks(const struct cairn_debug_stats *before)
{
    struct cairn_debug_stats now;

    for (int i = 0; i < 300; i++) {
        if (cairn_debug_stats(&now) == 0 && stats_equal(&now, before))
            return 0;
        cairn_thread_sleep(100 * MS_NS);
    }
    printf("fuzz: leak: %lld frames, %d threads",
           (long long)before->free_frames - (long long)now.free_frames,
           (int)now.live_threads - (int)before->live_threads);
    for (unsigned t = 0; t < CAIRN_DEBUG_OBJ_TYPES; t++) {
        if (now.live_objects[t] != before->live_objects[t])
            printf(", %d objects of type %u",
                   (int)now.live_objects[t] - (int)before->live_objects[t], t);
    }
    printf(" not back after 30 s\n");
    return 1;
}

/*
 * Reads the counters once they stand still: the warm-up worker's process
 * and quota are torn down by a reaper thread after their last handle is
 * closed, and a baseline taken before that would count them as live and
 * report the end of the run one process short.
 */
static long
settled_stats(struct cairn_debug_stats *out)
{
    struct cairn_debug_stats next;
    long err = cairn_debug_stats(out);

    for (int i = 0; i < 100 && err == 0; i++) {
        cairn_thread_sleep(50 * MS_NS);
        err = cairn_debug_stats(&next);
        if (err == 0 && stats_equal(&next, out))
            break;
        *out = next;
    }
    return err;
}

/* Grows this process's handle table to room for WARM_HANDLES handles. */
#define WARM_HANDLES 128

static void
warm_handle_table(void)
{
    long h[WARM_HANDLES];

    for (unsigned i = 0; i < WARM_HANDLES; i++)
        h[i] = cairn_handle_dup(CAIRN_INIT_HANDLE_QUOTA, CAIRN_RIGHT_READ);
    for (unsigned i = 0; i < WARM_HANDLES; i++)
        cairn_handle_close(h[i]);
}

static long
supervisor_setup(struct supervisor *sv)
{
    long ctl = cairn_memobj_create(FUZZ_PAGE, 0), addr;

    if (ctl < 0)
        return ctl;
    addr = cairn_vm_map(ctl, 0, FUZZ_PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (addr < 0)
        return addr;
    sv->ctl = (struct fuzz_control *)addr;
    sv->handles[FUZZ_H_CONTROL - FUZZ_H_CONTROL] = ctl;
    sv->handles[FUZZ_H_IRQ - FUZZ_H_CONTROL] = CAIRN_INIT_HANDLE_IRQ_ROOT;
    sv->handles[FUZZ_H_IOPORT - FUZZ_H_CONTROL] = CAIRN_INIT_HANDLE_IOPORT_ROOT;
    sv->handles[FUZZ_H_PHYS - FUZZ_H_CONTROL] =
        cairn_resource_create(CAIRN_INIT_HANDLE_PHYS_ROOT, PHYS_WINDOW_BASE, PHYS_WINDOW_SIZE);
    sv->handles[FUZZ_H_IMAGE - FUZZ_H_CONTROL] = sv->image =
        cairn_boot_module("fuzz", &sv->image_size);
    sv->handles[FUZZ_H_ENDPT - FUZZ_H_CONTROL] = cairn_endpoint_create();
    sv->handles[FUZZ_H_NOTIFY - FUZZ_H_CONTROL] = cairn_notify_create();
    for (unsigned i = 0; i < FUZZ_H_COUNT - FUZZ_H_CONTROL; i++) {
        if (i != FUZZ_H_QUOTA - FUZZ_H_CONTROL && sv->handles[i] < 0)
            return sv->handles[i];
    }
    for (unsigned i = 0; i < FUZZ_SLOTS_MAX; i++)
        sv->slots[i].process = -1;
    return 0;
}

static int
supervise(const struct fuzz_config *cfg)
{
    static struct supervisor sv;
    struct cairn_debug_stats before;
    uint64_t start, last_report;
    unsigned leaks;
    long err;

    sv.cfg = cfg;
    sv.rng.s = fuzz_mix(cfg->seed, 0x5eed);
    err = supervisor_setup(&sv);
    if (err < 0) {
        printf("FAIL fuzz/setup: %s\n", cairn_error_name((int)err));
        return 1;
    }
    /* A first worker that makes no calls: what the first process leaves
     * cached in the kernel (and page tables here) is not a leak; nor is
     * this process's handle table grown for more handles at once, nor
     * stdout's buffer, which its first printf makes (libc/stdio.c). */
    printf("fuzz: starting\n");
    warm_handle_table();
    slot_spawn(&sv, 0, 0);
    if (sv.slots[0].process >= 0) {
        cairn_process_wait(sv.slots[0].process, 10 * S_NS, NULL);
        slot_finish(&sv, 0, 0);
        sv.incarnations = 0;
    }
    if (settled_stats(&before) < 0)
        return 1;
    printf("fuzz: seed %llu, %llu calls, %u processes of %u threads, %u CPUs, avoid %s%s\n",
           (unsigned long long)cfg->seed, (unsigned long long)cfg->calls, cfg->procs, cfg->threads,
           before.cpu_count, cfg->avoid & FUZZ_AVOID_DEVSPAWN ? "devspawn " : "",
           cfg->avoid & FUZZ_AVOID_CYCLES ? "cycles" : (cfg->avoid ? "" : "nothing"));
    start = last_report = cairn_clock_get();
    for (;;) {
        uint64_t now = cairn_clock_get();
        int time_up = now - start > (uint64_t)cfg->time_s * S_NS, running = 0;

        for (unsigned i = 0; i < cfg->procs; i++) {
            if (sv.slots[i].process < 0 && !time_up && sv.done + sv.inflight < cfg->calls) {
                uint64_t left = cfg->calls - sv.done - sv.inflight,
                         share = cfg->threads * cfg->procs;

                slot_spawn(&sv, i,
                           (left + share - 1) / share < INCARNATION_CALLS
                               ? (left + share - 1) / share
                               : INCARNATION_CALLS);
            }
            if (sv.slots[i].process >= 0)
                running |= slot_poll(&sv, i, time_up);
        }
        if (!running && (time_up || sv.done >= cfg->calls || sv.violations > 20))
            break;
        if (now - last_report > 5 * S_NS) {
            printf("fuzz: progress: %llu calls\n", (unsigned long long)(sv.done + 0));
            last_report = now;
        }
        cairn_thread_sleep(10 * MS_NS);
    }
    drain_notices(sv.handles[FUZZ_H_ENDPT - FUZZ_H_CONTROL]);
    leaks = (unsigned)check_leaks(&before);
    if (sv.miscounted)
        printf("fuzz: %u workers overwrote a call counter; their calls are counted as budgeted\n",
               sv.miscounted);
    printf("fuzz: result: %llu calls, %u leaks, %u violations, seed %llu (%u workers, %u killed, "
           "%llu s)\n",
           (unsigned long long)sv.done, leaks, sv.violations, (unsigned long long)cfg->seed,
           sv.incarnations, sv.kills, (unsigned long long)((cairn_clock_get() - start) / S_NS));
    for (unsigned i = 0; i < FUZZ_H_COUNT - FUZZ_H_CONTROL; i++) {
        if (i != FUZZ_H_QUOTA - FUZZ_H_CONTROL && i != FUZZ_H_IRQ - FUZZ_H_CONTROL &&
            i != FUZZ_H_IOPORT - FUZZ_H_CONTROL && i != FUZZ_H_IMAGE - FUZZ_H_CONTROL)
            cairn_handle_close(sv.handles[i]);
    }
    return (int)(leaks + sv.violations);
}

int
main(void)
{
    unsigned long arg = cairn_start_arg();
    const struct cairn_bootinfo *bi;

    if (arg >> 32 == FUZZ_WORKER_MAGIC)
        return fuzz_worker_main((unsigned)(arg & 0xff));
    if (arg == CAIRN_INIT_TEST && (bi = cairn_bootinfo()) != NULL && cairn_cmdline_has("fuzz")) {
        struct fuzz_config cfg;

        config_read(&cfg);
        return supervise(&cfg);
    }
    return fuzz_child_main(arg);
}
