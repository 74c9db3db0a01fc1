/* SPDX-License-Identifier: MIT */
/*
 * mouseev: prints the mouse's events (include/proto/input.h), one a line,
 * `dx DX dy DY wheel W buttons B` (B the PROTO_MOUSE_* bits: 1 left,
 * 2 right, 4 middle), after a first line naming the device. It finds the
 * mouse in the registry as `mouse` (drivers/ps2kbd) and reads whole event
 * records, waiting for each; -n COUNT ends it after COUNT events, else
 * ^C does. A tool to see that the mouse works, and the example of a
 * client for a window server to copy.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/input.h>
#include <proto/io.h>
#include <util/util.h>

static const char mouseev_usage[] = "Usage: mouseev [-n COUNT]\n"
                                    "Print the mouse's events, one a line: motion (x right, y "
                                    "down),\nwheel notches (up positive) and the buttons held.\n"
                                    "  -n COUNT  stop after COUNT events\n";

#define LOOKUP_NS 5000000000ull /* 5 s: the driver may still be starting */

static struct proto_mouse_event events[CAIRN_MSG_BUF_MAX / sizeof(struct proto_mouse_event)];

/* One call of op with w1; the reply's w[0] (or the call's error), the
 * reply's words in w and its bytes in events. */
static long
mouseev_call(long ep, uint64_t op, uint64_t w1, uint64_t *w, uint32_t *len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)events;
    ext.recv_cap = sizeof(events);
    err = cairn_ipc_call(ep, &msg);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]);
    if (err < 0)
        return err;
    memcpy(w, msg.w, sizeof(msg.w));
    *len = ext.recv_len;
    return (long)msg.w[0];
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    uint64_t count = 0, seen = 0, w[CAIRN_MSG_WORDS];
    uint32_t len;
    long ep, r;
    int c;

    util_init("mouseev", mouseev_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "n:")) != -1) {
        if (c == 'n' && (!util_parse_u64(opts.arg, &count) || count == 0))
            util_usage_error(1, "a bad count: %s", opts.arg);
    }
    if (opts.index != argc)
        util_usage_error(1, "extra operand %s", argv[opts.index]);
    ep = cairn_registry_lookup("mouse", LOOKUP_NS);
    if (ep < 0)
        return util_error("looking up mouse", (int)-ep);
    r = mouseev_call(ep, PROTO_INPUT_INFO, 0, w, &len);
    if (r < 0)
        return util_error("mouse", (int)-r);
    if (!(w[1] & PROTO_INPUT_PRESENT))
        util_printf("mouseev: no mouse answered; waiting anyway\n");
    else
        util_printf("mouseev: mouse id %lu%s, %lu samples/s, %lu counts/mm\n", (unsigned long)w[2],
                    (w[1] & PROTO_INPUT_WHEEL) ? " with a wheel" : "", (unsigned long)w[3],
                    (unsigned long)w[4]);
    util_flush();
    while (count == 0 || seen < count) {
        uint64_t want = count ? count - seen : sizeof(events) / sizeof(events[0]);

        if (want > sizeof(events) / sizeof(events[0]))
            want = sizeof(events) / sizeof(events[0]);
        r = mouseev_call(ep, PROTO_IO_READ, want * sizeof(events[0]), w, &len);
        if (r < 0)
            return util_error("reading the mouse", (int)-r);
        if (r == 0 || (uint64_t)r != len || len % sizeof(events[0]) != 0)
            return util_fail("a malformed reply of %ld bytes", r);
        for (uint32_t i = 0; i < len / sizeof(events[0]); i++)
            util_printf("dx %d dy %d wheel %d buttons %u\n", (int)events[i].dx, (int)events[i].dy,
                        (int)events[i].wheel, (unsigned)events[i].buttons);
        seen += len / sizeof(events[0]);
        util_flush();
    }
    util_exit(0);
}
