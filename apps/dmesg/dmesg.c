/* SPDX-License-Identifier: MIT */
/*
 * dmesg: the kernel log, every record the kernel still keeps (its own
 * lines and what processes wrote to the kernel console), each with the
 * time since boot at which it was written. The log comes from the console
 * server (PROTO_CONSOLE_LOG, include/proto/console.h) as a read-only
 * handle, read with klog_read (include/cairn/console.h). Records the ring
 * overwrote while dmesg read are counted, never skipped silently.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/console.h>
#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/console.h>

#include <util/util.h>

#define DMESG_LOOKUP_WAIT (2000ull * 1000 * 1000) /* ns */

static const char dmesg_usage[] = "Usage: dmesg\n"
                                  "Print the kernel log, each line with its time since boot.\n";

static uint8_t dmesg_buf[16384] __attribute__((aligned(8)));

/* The kernel log, from the console; a handle or a negative code. */
static long
dmesg_log(void)
{
    long console = cairn_registry_lookup("console", DMESG_LOOKUP_WAIT), err;
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_CONSOLE_LOG, 0, 0, 0, 0}, &ext};

    if (console < 0)
        return console;
    memset(&ext, 0, sizeof(ext));
    err = cairn_ipc_call(console, &msg);
    cairn_handle_close(console);
    if (err < 0)
        return err;
    if ((int64_t)msg.w[0] < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return (long)msg.w[0];
    }
    return ext.recv_nhandles == 1 ? ext.recv_handles[0] : -CAIRN_EINVAL;
}

/* Prints the text of one record, each of its lines after the time. */
static void
dmesg_record(const struct cairn_klog_record *r, bool *line_start)
{
    const char *text = (const char *)(r + 1);
    char stamp[32];

    snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
             (unsigned long long)(r->time_ns / 1000000000ull),
             (unsigned long long)(r->time_ns / 1000ull % 1000000ull));
    /* The kernel's log lines carry their time already ("[    0.010611]
     * apic: ..."); the rest (its other output, the processes' words) gets
     * the record's. */
    bool stamped = r->len > 0 && text[0] == '[';

    for (size_t i = 0; i < r->len; i++) {
        if (*line_start && !stamped)
            util_outs(stamp);
        util_outc(text[i]);
        *line_start = text[i] == '\n';
    }
}

int
main(int argc, char **argv)
{
    uint64_t seq = 0, lost = 0;
    bool line_start = true;
    long log;

    util_init("dmesg", dmesg_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        util_outs(dmesg_usage);
        util_exit(0);
    }
    if (argc > 1)
        util_usage_error(1, "unexpected argument '%s'", argv[1]);
    log = dmesg_log();
    if (log < 0)
        util_exit(util_error("the kernel log", (int)-log));
    for (;;) {
        long n = cairn_klog_read(log, seq, dmesg_buf, sizeof(dmesg_buf));
        size_t at = 0;

        if (n < 0)
            util_exit(util_error("reading the kernel log", (int)-n));
        if (n == 0)
            break;
        while (at + sizeof(struct cairn_klog_record) <= (size_t)n) {
            const struct cairn_klog_record *r = (const void *)(dmesg_buf + at);
            size_t size = CAIRN_KLOG_RECORD_SIZE(r->len);

            if (r->len > CAIRN_KLOG_TEXT_MAX || at + size > (size_t)n)
                util_exit(util_fail("a malformed log record"));
            if (r->seq > seq)
                lost += r->seq - seq;
            dmesg_record(r, &line_start);
            seq = r->seq + 1;
            at += size;
        }
        if (at == 0)
            break;
    }
    if (!line_start)
        util_outc('\n');
    if (lost)
        util_printf("dmesg: %llu records were overwritten before they could be read\n",
                    (unsigned long long)lost);
    util_exit(0);
}
