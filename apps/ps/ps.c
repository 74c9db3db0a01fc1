/* SPDX-License-Identifier: MIT */
/*
 * ps: every process the process server (servers/proc) started, one line
 * each, from its list request (PROTO_PROC_LIST, include/proto/proc.h):
 * pid, parent, process group, state, threads, memory charged, CPU time
 * and name. The servers init starts from its manifest are not proc's and
 * do not appear. The list is read whole before anything is printed, so a
 * process that ends meanwhile does not split the table.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>

#include <util/util.h>

#define PS_MAX 1024 /* processes shown; proc's table is smaller */

static const char ps_usage[] = "Usage: ps\n"
                               "List the processes started through the process server.\n";

static struct proto_proc_info ps_procs[PS_MAX];
static unsigned ps_count;

/* Asks proc for the whole list; 0 or a negative CAIRN_E* code. */
static long
ps_read(long proc)
{
    static struct proto_proc_info batch[CAIRN_MSG_BUF_MAX / sizeof(struct proto_proc_info)];
    uint64_t cookie = 0;

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_PROC_LIST, cookie, 0, 0, 0}, &ext};
        long err;
        uint64_t n;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)batch;
        ext.recv_cap = sizeof(batch);
        err = cairn_ipc_call(proc, &msg);
        if (err < 0)
            return err;
        if ((int64_t)msg.w[0] < 0)
            return (long)msg.w[0];
        n = msg.w[0];
        if (n == 0)
            return 0;
        if (n > sizeof(batch) / sizeof(batch[0]) || ext.recv_len < n * sizeof(batch[0]))
            return -CAIRN_EINVAL; /* a reply that does not hold what it says */
        for (uint64_t i = 0; i < n && ps_count < PS_MAX; i++)
            ps_procs[ps_count++] = batch[i];
        if (msg.w[1] <= cookie || ps_count == PS_MAX)
            return 0; /* the cookie must move on: no endless loop on a bad reply */
        cookie = msg.w[1];
    }
}

int
main(int argc, char **argv)
{
    long proc, err;

    util_init("ps", ps_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        util_outs(ps_usage);
        util_exit(0);
    }
    if (argc > 1)
        util_usage_error(1, "unexpected argument '%s'", argv[1]);
    proc = cairn_start_handle(PROTO_HANDLE_PROC, 0);
    if (proc < 0)
        util_exit(util_fail("no process server: this program was not started through it"));
    err = ps_read(proc);
    if (err < 0)
        util_exit(util_error("the process list", (int)-err));
    util_printf("  PID  PPID  PGID S THR    MEM     TIME CMD\n");
    for (unsigned i = 0; i < ps_count; i++) {
        const struct proto_proc_info *p = &ps_procs[i];
        uint64_t s = p->cpu_ns / 1000000000ull;
        char mem[16], name[sizeof(p->name)];

        memcpy(name, p->name, sizeof(name));
        name[sizeof(name) - 1] = '\0';
        util_format_size(p->memory, mem);
        util_printf("%5d %5d %5d %c %3u %6s %2llu:%02llu.%02llu %s\n", p->pid, p->ppid, p->pgid,
                    p->state == 0 ? 'R' : 'Z', p->threads, mem, (unsigned long long)(s / 60),
                    (unsigned long long)(s % 60),
                    (unsigned long long)(p->cpu_ns / 10000000ull % 100), name);
    }
    util_exit(0);
}
