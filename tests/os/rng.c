// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the entropy server (drivers/rng) and of libc's
 * getentropy and arc4random on top of it.
 *
 * The test plays init and the vfs, as tests/os/kbdfb.c does: it starts the
 * server from its member of the initfs with a registry endpoint it serves
 * and takes the server's endpoint from the registration; then it speaks
 * the file protocol to it as the vfs does for a mount point (PROTO_FS_OPEN
 * of `/`) and the I/O protocol on the open file. Two reads differ, 64 KiB
 * hold every byte value, writes are taken, references are counted, and
 * bad requests are refused; open files are bounded, and freed by the
 * kernel's close notice when a client lets its handles go without a
 * close. A second server runs with --jitter, the
 * timing-jitter source whatever the CPU has: it must work wherever this
 * test's own measurement of the same kind of work sees the timer jitter,
 * and must refuse to start (never serve predictable bytes) where it does
 * not (QEMU's instruction clock, as the soak boot uses). A child, a copy
 * of this program started with this test's registry as its registry,
 * calls getentropy and arc4random, which find the server by name. At the
 * end the servers are killed and nothing they made is left.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND     (1000 * MS_NS)
#define MODE_CHILD 0x726e6701u /* the child's start word: the libc checks */

/* What the child found wrong: its exit status. */
enum check {
    CHECK_GETENTROPY = 1, /* getentropy(256) failed */
    CHECK_DIFFER = 2,     /* two getentropy calls gave the same bytes */
    CHECK_TOO_LONG = 3,   /* getentropy(257) was not refused with EINVAL */
    CHECK_ARC4 = 4,       /* two arc4random_buf calls gave the same bytes */
    CHECK_UNIFORM = 5,    /* arc4random_uniform left its range or missed a value */
};

struct server {
    long process, registry, client, endpoint;
};
static struct server dev = {-1, -1, -1, -1}, jit = {-1, -1, -1, -1};
static struct cairn_debug_stats before;
static uint8_t recv_buf[CAIRN_MSG_BUF_MAX];
static uint32_t recv_len;
/* The tests' big buffers, touched before the leak baseline is taken. */
static uint8_t read_a[4096], read_b[4096], read_big[64 * 1024];
static volatile uint8_t jitter_mem[64 * 1024];
static unsigned jitter_counts[256];
static long open_handles[1000];

/* One request: op, w1, w2, bytes, an optional handle to copy along; the
 * reply's w[0] (or the call's error), its bytes in recv_buf (recv_len),
 * its first handle in *got (if got; else closed), its w[1] in *w1. */
static long
call(long ep, uint64_t op, uint64_t w1, uint64_t w2, const void *send, uint32_t len, long handle,
     long *got, uint64_t *rw1)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv_buf;
    ext.recv_cap = sizeof(recv_buf);
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    if (got)
        *got = -1;
    err = cairn_ipc_call_timed(ep, &msg, 10 * SECOND);
    if (err < 0)
        return err;
    recv_len = ext.recv_len;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++) {
        if (got && i == 0)
            *got = ext.recv_handles[0];
        else
            cairn_handle_close(ext.recv_handles[i]);
    }
    if (rw1)
        *rw1 = msg.w[1];
    return (long)msg.w[0];
}

static long
io(long ep, uint64_t op, uint64_t w1, uint64_t w2)
{
    return call(ep, op, w1, w2, NULL, 0, -1, NULL, NULL);
}

/* PROTO_FS_OPEN of path with flags; the open file's handle or a code. */
static long
fs_open(long ep, const char *path, uint64_t flags)
{
    uint64_t type = 0;
    long h, r = call(ep, PROTO_FS_OPEN, flags, 0, path, (uint32_t)strlen(path), -1, &h, &type);

    if (r < 0)
        return r;
    if (h < 0 || type != PROTO_S_IFCHR) {
        test_fail("open %s: handle %ld, type %#lx", path, h, (unsigned long)type);
        if (h >= 0)
            cairn_handle_close(h);
        return -CAIRN_EIO;
    }
    return h;
}

/* Starts bin/rng with args and a registry endpoint of its own; takes its
 * registration of regname. 0, or a negative code when it registered
 * nothing within the time (then s->process stays for the caller). */
static long
server_start(struct server *s, const char *regname, int jitter)
{
    const char *argv_plain[] = {"rng", regname, NULL},
               *argv_jit[] = {"rng", "--jitter", regname, NULL};
    uint32_t kinds[1] = {PROTO_HANDLE_REGISTRY};
    uint64_t offset, size, badge;
    long image = test_program_image("rng", &offset, &size), err, handles[1];
    char got[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    s->registry = cairn_endpoint_create();
    s->client = cairn_handle_dup(s->registry,
                                 CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (image < 0 || s->registry < 0 || s->client < 0) {
        test_fail("no rng in the initfs (%ld) or no registry (%ld, %ld)", image, s->registry,
                  s->client);
        return -CAIRN_ENOENT;
    }
    handles[0] = s->client;
    struct cairn_spawn_attr attr = {.argv = jitter ? argv_jit : argv_plain,
                                    .handles = handles,
                                    .nhandles = 1,
                                    .handle_kinds = kinds};
    s->process = cairn_spawn(image, offset, size, &attr, NULL);
    if (s->process < 0) {
        test_fail("spawning rng: %ld", s->process);
        return s->process;
    }
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    /* The jitter source takes many samples; 60 s is far more than it
     * needs. A server that gives up ends: no need to wait for it. */
    for (uint64_t end = cairn_clock_get() + 60 * SECOND;;) {
        int64_t status;

        err = cairn_ipc_recv(s->registry, &msg, 200 * MS_NS, &badge);
        if (err != -CAIRN_ETIMEDOUT || cairn_clock_get() >= end)
            break;
        if (cairn_process_wait(s->process, 0, &status) == 0)
            return -CAIRN_ECLOSED;
    }
    if (err != 0)
        return err;
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, regname) != 0 || ext.recv_nhandles != 1)
        test_fail("rng sent op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0], got,
                  ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        s->endpoint = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
    return 0;
}

static void
server_stop(struct server *s)
{
    int64_t status;

    if (s->process >= 0) {
        expect_ret("process_kill", cairn_process_kill(s->process), 0);
        expect_ret("process_wait", cairn_process_wait(s->process, 10 * SECOND, &status), 0);
        if (s->endpoint >= 0)
            expect_ret("a request to the dead server", io(s->endpoint, PROTO_IO_STAT, 0, 0),
                       -CAIRN_ECLOSED);
        cairn_handle_close(s->process);
    }
    if (s->endpoint >= 0)
        cairn_handle_close(s->endpoint);
    if (s->client >= 0)
        cairn_handle_close(s->client);
    if (s->registry >= 0)
        cairn_handle_close(s->registry);
    *s = (struct server){-1, -1, -1, -1};
}

/* n bytes read from h into buf, in reads of at most 4096; 0 or a failure. */
static int
read_all(long h, uint8_t *buf, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t want = n - done < CAIRN_MSG_BUF_MAX ? n - done : CAIRN_MSG_BUF_MAX;
        long r = io(h, PROTO_IO_READ, want, 0);

        if (r != (long)want || recv_len != want) {
            test_fail("a read of %zu gave %ld (%u bytes)", want, r, recv_len);
            return -1;
        }
        memcpy(buf + done, recv_buf, want);
        done += want;
    }
    return 0;
}

/* Reads twice 4096 bytes, which must differ, and 64 KiB holding every
 * byte value (a uniform source misses one with odds below 2^-300). */
static void
expect_random_reads(long h)
{
    uint8_t *a = read_a, *b = read_b, *big = read_big;
    unsigned seen[256] = {0}, missing = 0;

    if (read_all(h, a, sizeof(read_a)) < 0 || read_all(h, b, sizeof(read_b)) < 0)
        return;
    if (memcmp(a, b, sizeof(read_a)) == 0)
        test_fail("two reads of 4096 bytes gave the same bytes");
    if (read_all(h, big, sizeof(read_big)) < 0)
        return;
    for (size_t i = 0; i < sizeof(read_big); i++)
        seen[big[i]]++;
    for (int v = 0; v < 256; v++)
        missing += seen[v] == 0;
    if (missing)
        test_fail("%u byte values never appear in 64 KiB", missing);
}

static void
server_seeds_and_registers(void)
{
    long err;

    memset(read_a, 0, sizeof(read_a));
    memset(read_b, 0, sizeof(read_b));
    memset(read_big, 0, sizeof(read_big));
    memset((void *)jitter_mem, 0, sizeof(jitter_mem));
    memset(jitter_counts, 0, sizeof(jitter_counts));
    memset(open_handles, 0, sizeof(open_handles));
    before = stats_settled();
    err = server_start(&dev, "rng-test", 0);
    if (err < 0 && !test_has_failed())
        test_fail("no registration from rng: %ld", err);
}

static void
the_device_opens_as_a_character_device(void)
{
    struct proto_stat st;
    long h;

    if (dev.endpoint < 0) {
        test_fail("no server");
        return;
    }
    expect_ret("stat /", call(dev.endpoint, PROTO_FS_STAT, 0, 0, "/", 1, -1, NULL, NULL), 0);
    memcpy(&st, recv_buf, sizeof(st));
    if (recv_len != sizeof(st) || (st.mode & PROTO_S_IFMT) != PROTO_S_IFCHR)
        test_fail("stat of / gave %u bytes, mode %#o", recv_len, st.mode);
    h = fs_open(dev.endpoint, "/", PROTO_O_RDONLY);
    if (h < 0) {
        test_fail("open / read-only: %ld", h);
        return;
    }
    expect_ret("stat the open file", io(h, PROTO_IO_STAT, 0, 0), 0);
    memcpy(&st, recv_buf, sizeof(st));
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFCHR)
        test_fail("the open file's mode is %#o", st.mode);
    expect_ret("close", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    cairn_handle_close(h);
}

static void
reads_differ_and_cover_every_byte_value(void)
{
    long h = dev.endpoint < 0 ? -1 : fs_open(dev.endpoint, "/", PROTO_O_RDONLY);

    if (h < 0) {
        test_fail("no open file: %ld", h);
        return;
    }
    expect_random_reads(h);
    /* a read of fewer bytes gives that many */
    expect_ret("a read of 1 byte", io(h, PROTO_IO_READ, 1, 0), 1);
    expect_ret("a nonblocking read", io(h, PROTO_IO_READ, 16, PROTO_IO_NONBLOCK), 16);
    expect_ret("close", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    cairn_handle_close(h);
}

static void
the_device_reads_through_its_registered_endpoint_too(void)
{
    if (dev.endpoint < 0) {
        test_fail("no server");
        return;
    }
    expect_random_reads(dev.endpoint);
}

/* Past RNG_RESEED_BYTES (1 MiB) the server reseeds from its source
 * before the next read: the reads go on, and still differ. */
static void
reads_go_on_past_a_reseed(void)
{
    if (dev.endpoint < 0) {
        test_fail("no server");
        return;
    }
    for (int i = 0; i < 260 && !test_has_failed(); i++)
        expect_ret("a read", io(dev.endpoint, PROTO_IO_READ, CAIRN_MSG_BUF_MAX, 0),
                   CAIRN_MSG_BUF_MAX);
    expect_random_reads(dev.endpoint);
}

static void
writes_are_taken_and_reads_go_on(void)
{
    static const char words[] = "some bytes of no particular entropy";
    long h = dev.endpoint < 0 ? -1 : fs_open(dev.endpoint, "/", PROTO_O_RDWR);

    if (h < 0) {
        test_fail("no open file: %ld", h);
        return;
    }
    expect_ret("write", call(h, PROTO_IO_WRITE, 0, 0, words, sizeof(words), -1, NULL, NULL),
               sizeof(words));
    expect_ret("a read after it", io(h, PROTO_IO_READ, 64, 0), 64);
    expect_ret("close", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    cairn_handle_close(h);
}

static void
references_are_counted_until_the_last_close(void)
{
    long h = dev.endpoint < 0 ? -1 : fs_open(dev.endpoint, "/", PROTO_O_RDONLY);

    if (h < 0) {
        test_fail("no open file: %ld", h);
        return;
    }
    expect_ret("dup", io(h, PROTO_IO_DUP, 0, 0), 0);
    expect_ret("close one of two", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    expect_ret("a read on the one left", io(h, PROTO_IO_READ, 8, 0), 8);
    expect_ret("the last close", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    expect_ret("a read after it", io(h, PROTO_IO_READ, 8, 0), -CAIRN_EBADF);
    expect_ret("a close after it", io(h, PROTO_IO_CLOSE, 0, 0), -CAIRN_EBADF);
    cairn_handle_close(h);
}

/* Opens until the server says EMFILE (it must, within 1000): the bound
 * holds. Then every handle is closed without PROTO_IO_CLOSE, as a killed
 * client's are: the close notices free the open files, and as many opens
 * succeed again. */
static void
open_files_are_bounded_and_freed_when_their_handles_go(void)
{
    unsigned n = 0;
    long h = 0;

    if (dev.endpoint < 0) {
        test_fail("no server");
        return;
    }
    while (n < sizeof(open_handles) / sizeof(open_handles[0]) &&
           (h = fs_open(dev.endpoint, "/", PROTO_O_RDONLY)) >= 0)
        open_handles[n++] = h;
    if (h != -CAIRN_EMFILE || n == 0)
        test_fail("%u opens, then %ld, expected EMFILE", n, h);
    for (unsigned i = 0; i < n; i++)
        cairn_handle_close(open_handles[i]);
    for (unsigned i = 0; i < n && !test_has_failed(); i++) {
        h = fs_open(dev.endpoint, "/", PROTO_O_RDONLY);
        if (h < 0)
            test_fail("open %u of %u after the handles went: %ld", i + 1, n, h);
        else
            open_handles[i] = h;
    }
    for (unsigned i = 0; i < n && !test_has_failed(); i++) {
        expect_ret("close", io(open_handles[i], PROTO_IO_CLOSE, 0, 0), 0);
        cairn_handle_close(open_handles[i]);
    }
    expect_ret("a read after it all", io(dev.endpoint, PROTO_IO_READ, 8, 0), 8);
}

static void
bad_requests_are_refused(void)
{
    static const char x[] = "x";
    long ep = dev.endpoint, own = cairn_notify_create(), r, w;
    const struct {
        const char *path;
        uint64_t flags;
        long want;
    } opens[] = {
        {"/x", PROTO_O_RDONLY, -CAIRN_ENOENT},
        {"/random", PROTO_O_RDONLY, -CAIRN_ENOENT},
        {"", PROTO_O_RDONLY, -CAIRN_EINVAL},
        {"random", PROTO_O_RDONLY, -CAIRN_EINVAL},
        {"/", PROTO_O_RDONLY | PROTO_O_DIRECTORY, -CAIRN_ENOTDIR},
        {"/", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_EXCL, -CAIRN_EEXIST},
        {"/", 3, -CAIRN_EINVAL},
    };

    if (ep < 0 || own < 0) {
        test_fail("no server");
        return;
    }
    for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
        r = fs_open(ep, opens[i].path, opens[i].flags);
        if (r != opens[i].want)
            test_fail("open \"%s\" %#lx gave %ld, expected %ld", opens[i].path,
                      (unsigned long)opens[i].flags, r, opens[i].want);
        if (r >= 0)
            cairn_handle_close(r);
    }
    expect_ret("stat /x", call(ep, PROTO_FS_STAT, 0, 0, "/x", 2, -1, NULL, NULL), -CAIRN_ENOENT);
    expect_ret("mkdir", call(ep, PROTO_FS_MKDIR, 0, 0, "/d", 2, -1, NULL, NULL), -CAIRN_EROFS);
    r = fs_open(ep, "/", PROTO_O_RDONLY);
    w = fs_open(ep, "/", PROTO_O_WRONLY);
    if (r < 0 || w < 0) {
        test_fail("opening: %ld %ld", r, w);
        return;
    }
    expect_ret("a read of 0 bytes", io(r, PROTO_IO_READ, 0, 0), -CAIRN_EINVAL);
    expect_ret("a read of too many bytes", io(r, PROTO_IO_READ, CAIRN_MSG_BUF_MAX + 1, 0),
               -CAIRN_EINVAL);
    expect_ret("a read with unknown flags", io(r, PROTO_IO_READ, 16, 0x80), -CAIRN_EINVAL);
    expect_ret("a write to a read-only open file",
               call(r, PROTO_IO_WRITE, 0, 0, x, 1, -1, NULL, NULL), -CAIRN_EBADF);
    expect_ret("a read of a write-only open file", io(w, PROTO_IO_READ, 16, 0), -CAIRN_EBADF);
    expect_ret("a write to the write-only one", call(w, PROTO_IO_WRITE, 0, 0, x, 1, -1, NULL, NULL),
               1);
    expect_ret("an empty write", call(w, PROTO_IO_WRITE, 0, 0, NULL, 0, -1, NULL, NULL),
               -CAIRN_EINVAL);
    expect_ret("seek", io(r, PROTO_IO_SEEK, 0, PROTO_SEEK_SET), -CAIRN_ESPIPE);
    expect_ret("truncate", io(r, PROTO_IO_TRUNCATE, 0, 0), -CAIRN_EINVAL);
    expect_ret("readdir", io(r, PROTO_IO_READDIR, 0, 0), -CAIRN_ENOTDIR);
    expect_ret("tty_get", io(r, PROTO_IO_TTY_GET, 0, 0), -CAIRN_ENOTTY);
    expect_ret("an unknown request", io(r, 0x999, 0, 0), -CAIRN_ENOSYS);
    expect_ret("an open through an open file", fs_open(r, "/", PROTO_O_RDONLY), -CAIRN_ENOSYS);
    expect_ret("a request carrying a handle",
               call(r, PROTO_IO_READ, 16, 0, NULL, 0, own, NULL, NULL), -CAIRN_EINVAL);
    expect_ret("the server goes on", io(r, PROTO_IO_READ, 16, 0), 16);
    expect_ret("close", io(r, PROTO_IO_CLOSE, 0, 0), 0);
    expect_ret("close", io(w, PROTO_IO_CLOSE, 0, 0), 0);
    cairn_handle_close(r);
    cairn_handle_close(w);
    cairn_handle_close(own);
}

/* The server's health check run here: does rdtsc around the same work
 * vary in its low byte? (Equal work every time: only the timer decides.) */
static int
machine_has_timing_jitter(void)
{
    volatile uint8_t *mem = jitter_mem;
    unsigned *counts = jitter_counts;
    unsigned most = 0, n = 4096, pos = 1;

    memset(counts, 0, sizeof(jitter_counts));
    for (unsigned i = 0; i < n; i++) {
        uint32_t lo0, hi0, lo1, hi1;

        __asm__ volatile("lfence; rdtsc" : "=a"(lo0), "=d"(hi0) : : "memory");
        for (int j = 0; j < 48; j++) {
            pos = (pos + 4099u * (mem[pos] + 1u)) % sizeof(jitter_mem);
            mem[pos] += (uint8_t)j;
        }
        __asm__ volatile("lfence; rdtsc" : "=a"(lo1), "=d"(hi1) : : "memory");
        counts[(uint8_t)(lo1 - lo0)]++;
    }
    for (int v = 0; v < 256; v++)
        if (counts[v] > most)
            most = counts[v];
    return most <= n / 2;
}

static void
the_jitter_source_serves_where_the_timer_jitters_and_refuses_where_not(void)
{
    int jitter = machine_has_timing_jitter();
    long err = server_start(&jit, "rng-jitter", 1), h;
    int64_t status;

    if (!jitter) {
        printf("rng: this machine's timer does not jitter (an instruction clock?): the jitter "
               "source must refuse\n");
        if (err == 0)
            test_fail("the jitter source registered on a timer without jitter");
        else if (jit.process >= 0 &&
                 (cairn_process_wait(jit.process, 5 * SECOND, &status) != 0 || status == 0))
            test_fail("the jitter server did not end with a failure");
        return;
    }
    if (err < 0) {
        if (!test_has_failed())
            test_fail("no registration from rng --jitter: %ld", err);
        return;
    }
    h = fs_open(jit.endpoint, "/", PROTO_O_RDONLY);
    if (h < 0) {
        test_fail("open: %ld", h);
        return;
    }
    expect_random_reads(h);
    expect_ret("close", io(h, PROTO_IO_CLOSE, 0, 0), 0);
    cairn_handle_close(h);
}

/* Serves this test's registry to the child until it ends: `rng` is the
 * first server's endpoint, every other name -CAIRN_EPERM. The child's
 * exit status, or -1. */
static int64_t
serve_child(long child, long registry)
{
    uint64_t end = cairn_clock_get() + 60 * SECOND;
    int64_t status = -1;

    while (cairn_clock_get() < end) {
        char name[PROTO_REG_NAME_MAX + 1];
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge;
        long err;

        if (cairn_process_wait(child, 0, &status) == 0)
            return status;
        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)name;
        ext.recv_cap = sizeof(name) - 1;
        err = cairn_ipc_recv(registry, &msg, 50 * MS_NS, &badge);
        if (err == -CAIRN_ETIMEDOUT)
            continue;
        if (err != 0) {
            test_fail("the child's registry: %ld", err);
            break;
        }
        name[ext.recv_len] = '\0';
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        memset(&ext, 0, sizeof(ext));
        if (msg.w[0] == PROTO_REG_LOOKUP && strcmp(name, "rng") == 0) {
            msg.w[0] = 0;
            ext.send_nhandles = 1;
            ext.send_handles[0] = (struct cairn_msg_handle){
                (int32_t)dev.endpoint, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
        } else {
            msg.w[0] = (uint64_t)-CAIRN_EPERM;
        }
        (void)cairn_ipc_reply(&msg);
    }
    return cairn_process_wait(child, 10 * SECOND, &status) == 0 ? status : -1;
}

static void
getentropy_and_arc4random_find_the_server_by_name(void)
{
    uint32_t kinds[1] = {PROTO_HANDLE_REGISTRY};
    const char *argv[] = {"test-rng", NULL};
    uint64_t offset, size;
    long image = test_program_image("test-rng", &offset, &size), registry, client, handles[1],
         child;
    int64_t status;

    if (dev.endpoint < 0 || image < 0) {
        test_fail("no server (%ld) or no image of this program (%ld)", dev.endpoint, image);
        return;
    }
    registry = cairn_endpoint_create();
    client = cairn_handle_dup(registry,
                              CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    handles[0] = client;
    struct cairn_spawn_attr attr = {.argv = argv,
                                    .handles = handles,
                                    .nhandles = 1,
                                    .handle_kinds = kinds,
                                    .start_arg = MODE_CHILD};
    child =
        registry < 0 || client < 0 ? -CAIRN_ENOMEM : cairn_spawn(image, offset, size, &attr, NULL);
    if (child < 0) {
        test_fail("spawning the child: %ld", child);
    } else {
        status = serve_child(child, registry);
        if (status != 0)
            test_fail("the child found check %ld wrong (enum check)", (long)status);
        cairn_handle_close(child);
    }
    cairn_handle_close(client);
    cairn_handle_close(registry);
}

static void
the_servers_end_and_leave_nothing_behind(void)
{
    server_stop(&dev);
    server_stop(&jit);
    expect_stats(&before, "after the servers ended");
}

/* The child: libc's side, through a registry that names `rng`. */
static int
child_main(void)
{
    static uint8_t a[256], b[256], c[4096], d[4096];
    unsigned seen[10] = {0};

    if (getentropy(a, sizeof(a)) != 0 || getentropy(b, sizeof(b)) != 0)
        return CHECK_GETENTROPY;
    if (memcmp(a, b, sizeof(a)) == 0)
        return CHECK_DIFFER;
    errno = 0;
    if (getentropy(c, 257) != -1 || errno != EINVAL)
        return CHECK_TOO_LONG;
    arc4random_buf(c, sizeof(c));
    arc4random_buf(d, sizeof(d));
    if (memcmp(c, d, sizeof(c)) == 0 || arc4random() == arc4random())
        return CHECK_ARC4; /* the second: equal with odds 2^-32 */
    for (int i = 0; i < 1000; i++) {
        uint32_t v = arc4random_uniform(10);

        if (v >= 10)
            return CHECK_UNIFORM;
        seen[v]++;
    }
    for (int v = 0; v < 10; v++)
        if (seen[v] == 0) /* odds 10 * 0.9^1000, about 10^-45 */
            return CHECK_UNIFORM;
    if (arc4random_uniform(0) != 0 || arc4random_uniform(1) != 0)
        return CHECK_UNIFORM;
    return 0;
}

static const struct usertest tests[] = {
    USERTEST(server_seeds_and_registers),
    USERTEST(the_device_opens_as_a_character_device),
    USERTEST(reads_differ_and_cover_every_byte_value),
    USERTEST(the_device_reads_through_its_registered_endpoint_too),
    USERTEST(reads_go_on_past_a_reseed),
    USERTEST(writes_are_taken_and_reads_go_on),
    USERTEST(references_are_counted_until_the_last_close),
    USERTEST(open_files_are_bounded_and_freed_when_their_handles_go),
    USERTEST(bad_requests_are_refused),
    USERTEST(the_jitter_source_serves_where_the_timer_jitters_and_refuses_where_not),
    USERTEST(getentropy_and_arc4random_find_the_server_by_name),
    USERTEST(the_servers_end_and_leave_nothing_behind),
};

int
main(void)
{
    if (cairn_start_arg() == MODE_CHILD)
        return child_main();
    return harness_run("rng", tests, sizeof(tests) / sizeof(tests[0]));
}
