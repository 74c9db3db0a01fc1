// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock's driver: the ports, careful reads, the
 * protocol (include/proto/rtc.h) and the receive loop (rtc.h has the
 * layers; docs/rtc.md the story).
 *
 *     rtc [--century=INDEX]
 *
 * Start handles (include/proto/handles.h): PROTO_HANDLE_IOPORT, the range
 * 0x70-0x71; PROTO_HANDLE_REGISTRY, where it registers as `rtc` and, for
 * setting the clock, a handle badged RTC_BADGE_SET as `rtc-set` (a
 * registry that refuses that name leaves the clock unsettable); and,
 * when the manifest grants it, PROTO_HANDLE_BOOTINFO, whose rtc_century
 * names the CMOS register holding the century as the FADT does (0x32 on
 * QEMU and most PCs) and whose rtc_flags may say the machine has no CMOS
 * clock at all (include/cairn/bootinfo.h). --century=INDEX overrides the
 * register; with neither, the years are 2000..2099. Without a clock the
 * driver still registers, and every read gets -CAIRN_EIO.
 *
 * A read is a snapshot taken with the update-in-progress bit clear (the
 * clock changes its registers for up to 2 ms once a second, and a read in
 * the middle could mix two seconds), taken twice until two in a row
 * agree: an update that began between the check and the last register
 * shows as a difference. The snapshot is then checked whole (cmos.c).
 *
 * The CMOS counts whole seconds, so once after start-up the driver polls
 * the seconds register every millisecond (between requests) until it
 * changes: that instant is a whole second, and the offset from the
 * monotonic clock found there is good to about a millisecond. Each READ
 * then still reads the CMOS, and answers from the offset while the CMOS
 * agrees with it to the second; when it does not (the clock was set
 * meanwhile, or the monotonic clock drifted a second away) the driver
 * answers the CMOS's whole second and watches for an edge again.
 *
 * Setting (PROTO_RTC_SET, on the `rtc-set` handle only) checks the time
 * against the clock's range in the format status register B names
 * (cmos.c), waits for an update to end, stops updates with B's SET bit,
 * writes the time registers, and restores B. The time asked for becomes
 * the offset READ answers from, to the nanosecond.
 *
 * Invariant: the driver holds no state a request can corrupt; a request
 * carrying handles gets -CAIRN_EINVAL with them closed, an unknown
 * operation -CAIRN_ENOSYS, a garbage CMOS -CAIRN_EIO. Nothing a client
 * or the clock sends ends the driver.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairn/bootinfo.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <portio/portio.h>
#include <proto/handles.h>
#include <proto/rtc.h>

#include "rtc.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

#define NS_PER_S        1000000000ll
#define RTC_UIP_WAIT_NS 10000000ull   /* an update takes at most 2 ms; 10 is a dead clock */
#define RTC_TRIES       8             /* snapshots before two in a row must have agreed */
#define RTC_EDGE_POLL   1000000ull    /* 1 ms between looks at the seconds register */
#define RTC_EDGE_FOR_NS 3000000000ull /* a second that has not changed in 3 s never will */

static uint8_t century_reg;
static int clock_absent; /* the FADT says there is none: the ports are not touched */

/* The edge watch: the last seconds byte seen and until when to look. */
static struct {
    int synced;        /* offset is from a second's edge */
    int64_t offset;    /* UTC ns minus monotonic ns, when synced */
    int watching;      /* looking for the next edge */
    uint8_t last_sec;  /* the seconds register at the last look */
    uint64_t deadline; /* monotonic ns when the watch gives up */
} edge;

/* One register. Bit 7 of the index stays clear: NMIs stay enabled. */
static uint8_t
cmos_get(uint8_t reg)
{
    port_out8(CMOS_INDEX, reg);
    return port_in8(CMOS_DATA);
}

static void
cmos_put(uint8_t reg, uint8_t v)
{
    port_out8(CMOS_INDEX, reg);
    port_out8(CMOS_DATA, v);
}

/* Waits for the update-in-progress bit to clear: 0, or -CAIRN_EIO when
 * it stays set. */
static int
rtc_wait_update(void)
{
    uint64_t end = cairn_clock_get() + RTC_UIP_WAIT_NS;

    while (cmos_get(RTC_REG_A) & RTC_A_UIP) {
        if (cairn_clock_get() > end)
            return -CAIRN_EIO;
    }
    return 0;
}

/* Waits for the update-in-progress bit to clear, then copies the time
 * registers: 0, or -CAIRN_EIO when it stays set. */
static int
rtc_snapshot(struct rtc_regs *r)
{
    if (rtc_wait_update() < 0)
        return -CAIRN_EIO;
    r->sec = cmos_get(RTC_REG_SEC);
    r->min = cmos_get(RTC_REG_MIN);
    r->hour = cmos_get(RTC_REG_HOUR);
    r->mday = cmos_get(RTC_REG_MDAY);
    r->mon = cmos_get(RTC_REG_MON);
    r->year = cmos_get(RTC_REG_YEAR);
    r->century = century_reg ? cmos_get(century_reg) : 0;
    r->status_b = cmos_get(RTC_REG_B);
    r->century_reg = century_reg;
    return 0;
}

/* The CMOS's time in seconds since 1970 and the monotonic clock just
 * after the read: 0, or -CAIRN_EIO. */
static int
rtc_read(int64_t *secs, uint64_t *mono)
{
    struct rtc_regs a, b;
    int err = clock_absent ? -CAIRN_EIO : rtc_snapshot(&a);

    for (int i = 0; err == 0 && i < RTC_TRIES; i++) {
        if ((err = rtc_snapshot(&b)) < 0)
            break;
        if (rtc_regs_same(&a, &b)) {
            *mono = cairn_clock_get();
            return rtc_decode(&b, secs);
        }
        a = b;
    }
    return -CAIRN_EIO;
}

/* Starts looking for the next change of the seconds register. */
static void
rtc_edge_start(void)
{
    struct rtc_regs r;

    edge.synced = 0;
    edge.watching = !clock_absent && rtc_snapshot(&r) == 0;
    edge.last_sec = r.sec;
    edge.deadline = cairn_clock_get() + RTC_EDGE_FOR_NS;
}

/* One look for the edge; at the edge, the offset. */
static void
rtc_edge_poll(void)
{
    int64_t secs;
    uint64_t mono;

    if (cairn_clock_get() > edge.deadline) {
        edge.watching = 0;
        printf("rtc: the clock's second does not change; answers are whole seconds\n");
        return;
    }
    if (cmos_get(RTC_REG_A) & RTC_A_UIP)
        return; /* the edge comes within 2 ms; look again then */
    if (cmos_get(RTC_REG_SEC) == edge.last_sec)
        return;
    edge.watching = 0;
    if (clock_absent) {
        printf("rtc: the FADT says this machine has no CMOS clock; reads will fail\n");
    } else if (rtc_read(&secs, &mono) == 0) {
        edge.offset = secs * NS_PER_S - (int64_t)mono;
        edge.synced = 1;
    }
}

/* PROTO_RTC_READ into w. */
static void
rtc_do_read(uint64_t *w)
{
    int64_t secs, now;
    uint64_t mono;
    int err = rtc_read(&secs, &mono);

    if (err < 0) {
        w[0] = (uint64_t)(int64_t)err;
        return;
    }
    now = secs * NS_PER_S;
    if (edge.synced) {
        int64_t predicted = (int64_t)mono + edge.offset;

        /* The CMOS's second and the offset's may straddle an edge. */
        if (predicted >= now - NS_PER_S && predicted < now + 2 * NS_PER_S)
            now = predicted;
        else
            rtc_edge_start();
    }
    w[0] = 0;
    w[1] = (uint64_t)now;
    w[2] = mono;
}

/* PROTO_RTC_SET of msg (badge: the handle it came through) into w. */
static void
rtc_do_set(const struct cairn_msg *msg, uint64_t badge, uint64_t *w)
{
    int64_t ns = (int64_t)msg->w[1], secs = ns / NS_PER_S - (ns % NS_PER_S < 0);
    struct rtc_regs r;
    uint8_t b;
    uint64_t mono;

    if (badge != RTC_BADGE_SET) {
        w[0] = (uint64_t)-CAIRN_EPERM;
        return;
    }
    if (msg->w[2] || msg->w[3] || msg->w[4]) {
        w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    if (clock_absent) {
        w[0] = (uint64_t)-CAIRN_EIO;
        return;
    }
    b = cmos_get(RTC_REG_B) & (uint8_t)~RTC_B_SET;
    if (rtc_encode(secs, b, century_reg, &r) < 0) {
        w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    /* The data sheet's order: no update under way, updates stopped, the
     * registers written, updates resumed (from the new time). */
    if (rtc_wait_update() < 0) {
        w[0] = (uint64_t)-CAIRN_EIO;
        return;
    }
    cmos_put(RTC_REG_B, b | RTC_B_SET);
    cmos_put(RTC_REG_SEC, r.sec);
    cmos_put(RTC_REG_MIN, r.min);
    cmos_put(RTC_REG_HOUR, r.hour);
    cmos_put(RTC_REG_WDAY, r.wday);
    cmos_put(RTC_REG_MDAY, r.mday);
    cmos_put(RTC_REG_MON, r.mon);
    cmos_put(RTC_REG_YEAR, r.year);
    if (century_reg)
        cmos_put(century_reg, r.century);
    cmos_put(RTC_REG_B, b);
    mono = cairn_clock_get();
    /* The CMOS goes on from the whole second at its own phase; READ
     * answers from the time asked for while the two agree to the second. */
    edge.offset = ns - (int64_t)mono;
    edge.synced = 1;
    edge.watching = 0;
    w[0] = 0;
    w[1] = (uint64_t)ns;
    w[2] = mono;
}

static void
rtc_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext, uint64_t badge)
{
    uint64_t w[CAIRN_MSG_WORDS] = {0};
    struct cairn_msg_ext out;

    if (err == CAIRN_MSG_TRUNCATED || ext->recv_nhandles) {
        for (uint32_t i = 0; i < ext->recv_nhandles; i++)
            cairn_handle_close(ext->recv_handles[i]); /* never keep what a client sends */
        w[0] = (uint64_t)-CAIRN_EINVAL;
    } else if (msg->w[0] == PROTO_RTC_READ) {
        rtc_do_read(w);
    } else if (msg->w[0] == PROTO_RTC_SET) {
        rtc_do_set(msg, badge, w);
    } else {
        w[0] = (uint64_t)-CAIRN_ENOSYS;
    }
    memset(&out, 0, sizeof(out));
    memcpy(msg->w, w, sizeof(w));
    msg->ext = &out;
    (void)cairn_ipc_reply(msg);
}

/* The FADT's word on the clock, from the boot information if granted. */
static void
rtc_read_bootinfo(void)
{
    long info = cairn_start_handle(PROTO_HANDLE_BOOTINFO, 0), at;
    const struct cairn_bootinfo *bi;

    if (info < 0)
        return;
    at = cairn_vm_map(info, 0, 4096, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        printf("rtc: the boot information does not map: %s\n", cairn_strerror((int)at));
        return;
    }
    bi = (const struct cairn_bootinfo *)at;
    if (bi->magic == CAIRN_BOOTINFO_MAGIC && bi->version >= 2 &&
        bi->size >= offsetof(struct cairn_bootinfo, fb)) {
        if (bi->rtc_century >= RTC_CENTURY_MIN && bi->rtc_century <= RTC_CENTURY_MAX)
            century_reg = bi->rtc_century;
        else if (bi->rtc_century != 0)
            printf("rtc: the FADT's century register %#x is not past the clock's own; ignored\n",
                   bi->rtc_century);
        clock_absent = (bi->rtc_flags & CAIRN_RTC_ABSENT) != 0;
    }
    cairn_vm_unmap((uint64_t)at, 4096);
}

static int
fail(const char *what, long err)
{
    printf("rtc: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

int
main(int argc, char **argv)
{
    long ports, ep, client, err;
    int64_t secs;
    uint64_t mono;

    rtc_read_bootinfo();
    for (int i = 1; i < argc; i++) {
        char *end;
        unsigned long v;

        if (strncmp(argv[i], "--century=", 10) != 0)
            return fail("usage: rtc [--century=INDEX]", -CAIRN_EINVAL);
        v = strtoul(argv[i] + 10, &end, 0);
        if (*end || end == argv[i] + 10 || v < RTC_CENTURY_MIN || v > RTC_CENTURY_MAX)
            return fail("--century: not a CMOS register past the clock's own", -CAIRN_EINVAL);
        century_reg = (uint8_t)v;
    }
    ports = cairn_start_handle(PROTO_HANDLE_IOPORT, 0);
    if (ports < 0)
        return fail("no I/O port range among the start handles", ports);
    if ((err = cairn_ioport_enable(ports, -1, 1)) < 0)
        return fail("ioport_enable (0x70-0x71)", err);

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    client =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (client < 0)
        return fail("handle_dup", client);
    err = cairn_registry_register("rtc", client);
    cairn_handle_close(client);
    if (err < 0)
        return fail("registering", err);
    client = cairn_handle_mint(
        ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, RTC_BADGE_SET);
    if (client < 0)
        return fail("handle_mint", client);
    err = cairn_registry_register("rtc-set", client);
    cairn_handle_close(client);
    if (err < 0 && err != -CAIRN_EPERM)
        printf("rtc: cannot register rtc-set (%s); the clock cannot be set\n",
               cairn_strerror((int)err));
    if (rtc_read(&secs, &mono) == 0) {
        time_t t = (time_t)secs;
        struct tm tm;
        char text[32];

        gmtime_r(&t, &tm);
        strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
        printf("rtc: the clock says %s UTC (century %s)\n", text,
               century_reg ? "from its register" : "taken as 20");
    } else {
        printf("rtc: the clock holds no valid time; reads will fail\n");
    }
    rtc_edge_start();

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext)); /* no room for bytes: a request with any is truncated */
        err = cairn_ipc_recv(ep, &msg, edge.watching ? RTC_EDGE_POLL : CAIRN_WAIT_FOREVER, &badge);
        if (err == 0 || err == CAIRN_MSG_TRUNCATED)
            rtc_dispatch(err, &msg, &ext, badge);
        else if (err != -CAIRN_ETIMEDOUT)
            return fail("ipc_recv", err);
        if (edge.watching)
            rtc_edge_poll();
    }
}
