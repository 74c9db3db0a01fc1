/* SPDX-License-Identifier: MIT */
/*
 * uptime: how long since boot, from the monotonic clock, as `22:40:00 up
 * 3 min, 7 processes`: the time of day first when there is a wall clock
 * (else it is left out), the processes when the process server answers
 * its list (else left out too). The duration reads as procps's does: `N
 * min` under an hour, `H:MM` under a day, `D days, H:MM` beyond.
 *
 * Not portable like most utilities: the process count is a Cairn
 * request (PROTO_PROC_LIST, include/proto/proc.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>
#include <util/util.h>

static const char uptime_usage[] = "Usage: uptime\n"
                                   "Print the time, how long the system has been up and how\n"
                                   "many processes it runs.\n";

#define UPTIME_LIST_MAX 100000 /* entries before the list is taken to be endless */

/* The processes proc knows, or -1 when it does not answer. */
static long
uptime_processes(void)
{
    static struct proto_proc_info info[CAIRN_MSG_BUF_MAX / sizeof(struct proto_proc_info)];
    long proc = cairn_start_handle(PROTO_HANDLE_PROC, 0), count = 0;
    uint64_t cookie = 0;

    if (proc < 0)
        return -1;
    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_PROC_LIST, cookie, 0, 0, 0}, &ext};
        long err;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)info;
        ext.recv_cap = sizeof(info);
        err = cairn_ipc_call(proc, &msg);
        for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (err != 0 || (int64_t)msg.w[0] < 0 || msg.w[0] > sizeof(info) / sizeof(info[0]))
            return -1;
        if (msg.w[0] == 0)
            return count;
        for (uint64_t i = 0; i < msg.w[0]; i++)
            count += info[i].state == 0; /* the ended, not yet waited for, are not running */
        /* A list that does not move on, or never ends, is proc's fault: stop. */
        if (msg.w[1] <= cookie || count > UPTIME_LIST_MAX)
            return -1;
        cookie = msg.w[1];
    }
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct timespec mono, now;
    long days, hours, mins, procs;

    util_init("uptime", uptime_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index < argc)
        util_usage_error(1, "extra operand '%s'", argv[opts.index]);
    if (clock_gettime(CLOCK_MONOTONIC, &mono) < 0)
        util_exit(util_error("cannot read the clock", errno));
    if (clock_gettime(CLOCK_REALTIME, &now) == 0) {
        struct tm tm;
        char text[16];

        if (gmtime_r(&now.tv_sec, &tm) && strftime(text, sizeof(text), "%H:%M:%S", &tm))
            util_printf("%s ", text);
    }
    days = mono.tv_sec / 86400;
    hours = mono.tv_sec / 3600 % 24;
    mins = mono.tv_sec / 60 % 60;
    util_outs("up ");
    if (days > 0)
        util_printf("%ld day%s, ", days, days == 1 ? "" : "s");
    if (days > 0 || hours > 0)
        util_printf("%ld:%02ld", hours, mins);
    else
        util_printf("%ld min", mins);
    procs = uptime_processes();
    if (procs >= 0)
        util_printf(", %ld process%s", procs, procs == 1 ? "" : "es");
    util_outc('\n');
    util_exit(0);
}
