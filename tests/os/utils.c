// SPDX-License-Identifier: MIT
/*
 * The utilities of /bin (apps/, docs/utilities.md) run on Cairn: each
 * started from its member of the initfs with standard input, output and
 * error handed to it by kind (include/proto/handles.h), all three served
 * by a thread of this program that plays the I/O protocol's server: it
 * feeds the input in the pieces the child asks for and keeps what the
 * child writes. Checks exit statuses and exact output of the utilities
 * that need no file system (none runs yet: a path gets ENOSYS, reported
 * as the utilities report any error), including a 20000-byte input
 * through cat, wc, sha256sum in many messages. And readdir (libc/
 * dirent.c) against the same thread playing a directory's server: entries
 * over several replies, then a malformed reply, a cookie that does not
 * move, and an error, each ending the listing as <dirent.h> says. Then
 * the file utilities against a vfs server started here from the initfs,
 * handed to each as its PROTO_HANDLE_VFS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND     1000000000ull
#define IN_BADGE   1
#define OUT_BADGE  2
#define ERR_BADGE  3
#define DIR_BADGE  4
#define STOP_BADGE 9
#define IO_MAX     (64 * 1024)
#define SEND       (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

enum dir_mode {
    DIR_GOOD,
    DIR_MALFORMED,
    DIR_STUCK,
    DIR_ERROR
};

/* What the server thread serves and keeps; the test sets it up before a
 * child runs and reads it after the child has ended. */
static struct {
    char in[IO_MAX], out[IO_MAX], err[4096];
    size_t in_len, in_off, out_len, err_len;
    long closes;
    enum dir_mode dir_mode;
    long readdirs;
} io;

static uint8_t server_buf[CAIRN_MSG_BUF_MAX] __attribute__((aligned(8)));
static long server_ep;
static struct test_thread server;
/* The vfs server's namespace endpoint while one runs (-1: none); each
 * utility then gets a copy as its PROTO_HANDLE_VFS. */
static long vfs_ns = -1;

/* Appends a directory entry to server_buf at *len. */
static void
dir_put(size_t *len, uint64_t ino, uint8_t type, const char *name, uint16_t reclen)
{
    size_t nl = strlen(name), at = *len;
    uint16_t rl = reclen ? reclen : (uint16_t)((12 + nl + 1 + 7) & ~7u);

    memset(server_buf + at, 0, rl);
    memcpy(server_buf + at, &ino, 8);
    memcpy(server_buf + at + 8, &rl, 2);
    server_buf[at + 10] = type;
    server_buf[at + 11] = (uint8_t)nl;
    memcpy(server_buf + at + 12, name, nl);
    *len = at + rl;
}

/* A READDIR reply: three entries over two replies (cookies 0 -> 7 -> 12
 * -> the end), or one of the bad answers. */
static void
dir_serve(uint64_t *w, size_t *reply_len)
{
    uint64_t cookie = w[1];

    io.readdirs++;
    if (io.dir_mode == DIR_ERROR) {
        w[0] = (uint64_t)-CAIRN_ENOTDIR;
    } else if (cookie == 0) {
        dir_put(reply_len, 100, PROTO_DT_REG, "alpha", 0);
        dir_put(reply_len, 101, PROTO_DT_DIR, "beta", 0);
        w[0] = 2;
        w[1] = 7;
    } else if (cookie == 7 && io.dir_mode == DIR_GOOD) {
        dir_put(reply_len, 102, PROTO_DT_FIFO, "gamma-with-a-longer-name", 0);
        w[0] = 1;
        w[1] = 12;
    } else if (cookie == 7 && io.dir_mode == DIR_MALFORMED) {
        dir_put(reply_len, 102, PROTO_DT_REG, "bad", 0);
        server_buf[8] = 200; /* reclen past the reply */
        w[0] = 1;
        w[1] = 12;
    } else if (cookie == 7 && io.dir_mode == DIR_STUCK) {
        dir_put(reply_len, 102, PROTO_DT_REG, "again", 0);
        w[0] = 1;
        w[1] = 7; /* answers entries without moving on */
    } else {
        w[0] = 0;
    }
}

static void
io_serve(uint64_t badge, uint64_t *w, size_t got, size_t *reply_len)
{
    uint64_t op = w[0];

    *reply_len = 0;
    if (op == PROTO_IO_CLOSE || op == PROTO_IO_DUP) {
        io.closes += op == PROTO_IO_CLOSE;
        w[0] = 0;
    } else if (badge == IN_BADGE && op == PROTO_IO_READ) {
        size_t n = io.in_len - io.in_off;

        n = n < w[1] ? n : w[1];
        n = n < sizeof(server_buf) ? n : sizeof(server_buf);
        memcpy(server_buf, io.in + io.in_off, n);
        io.in_off += n;
        *reply_len = n;
        w[0] = n;
    } else if ((badge == OUT_BADGE || badge == ERR_BADGE) && op == PROTO_IO_WRITE) {
        char *to = badge == OUT_BADGE ? io.out : io.err;
        size_t *len = badge == OUT_BADGE ? &io.out_len : &io.err_len;
        size_t cap = badge == OUT_BADGE ? sizeof(io.out) : sizeof(io.err);
        size_t n = got < cap - *len ? got : cap - *len;

        memcpy(to + *len, server_buf, n);
        *len += n;
        w[0] = got;
    } else if (badge == DIR_BADGE && op == PROTO_IO_READDIR) {
        dir_serve(w, reply_len);
    } else if (op == PROTO_IO_TTY_GET) {
        w[0] = (uint64_t)-CAIRN_ENOTTY;
    } else {
        w[0] = (uint64_t)-CAIRN_ENOSYS;
    }
}

static long
io_server(void *arg)
{
    long ep = *(long *)arg;
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};
    uint64_t badge;
    size_t reply_len = 0;
    long ret;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)server_buf;
    ext.recv_cap = sizeof(server_buf);
    ret = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
    for (;;) {
        if (ret < 0)
            return ret;
        if (badge == STOP_BADGE)
            break;
        io_serve(badge, msg.w, ext.recv_len, &reply_len);
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)server_buf;
        ext.send_len = (uint32_t)reply_len;
        ext.recv_buf = (uint64_t)(uintptr_t)server_buf;
        ext.recv_cap = sizeof(server_buf);
        msg.ext = &ext;
        ret = cairn_ipc_reply_recv(ep, &msg, &badge);
    }
    msg.w[0] = 0;
    msg.ext = NULL;
    cairn_ipc_reply(&msg);
    return 0;
}

static int
server_start(void)
{
    memset(&io, 0, sizeof(io));
    server_ep = cairn_endpoint_create();
    if (server_ep < 0 || test_thread_start(&server, io_server, &server_ep) != 0) {
        test_fail("no server: %s", cairn_error_name((int)server_ep));
        return -1;
    }
    return 0;
}

static void
server_stop(void)
{
    long stop = cairn_handle_mint(server_ep, CAIRN_RIGHT_SIGNAL, STOP_BADGE);
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};
    int64_t status = -1;

    expect_ret("stop the server", cairn_ipc_call(stop, &msg), 0);
    expect_ret("join the server", test_thread_join(&server, 10 * SECOND, &status), 0);
    expect_ret("server's status", status, 0);
    test_thread_free(&server);
    cairn_handle_close(stop);
    cairn_handle_close(server_ep);
}

/* Runs utility argv[0] from the initfs with input on its standard input;
 * its status (or -1 after a failure recorded), output in io. */
static int64_t
run(const char *input, size_t len, const char *const *argv)
{
    uint32_t kinds[4] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT, PROTO_HANDLE_STDERR,
                         PROTO_HANDLE_VFS};
    uint64_t badges[3] = {IN_BADGE, OUT_BADGE, ERR_BADGE};
    struct cairn_spawn_attr attr;
    uint64_t off = 0, size = 0;
    char member[64];
    long image, child, handles[4];
    unsigned n = 3;
    int64_t status = -1;

    snprintf(member, sizeof(member), "bin/%s", argv[0]);
    image = test_program_image(member, &off, &size);
    memcpy(io.in, input, len);
    io.in_len = len;
    io.in_off = io.out_len = io.err_len = 0;
    io.closes = 0;
    if (image < 0)
        return -1;
    for (int i = 0; i < 3; i++)
        handles[i] = cairn_handle_mint(server_ep, SEND, badges[i]);
    if (vfs_ns >= 0)
        handles[n++] = cairn_handle_dup(vfs_ns, SEND);
    memset(&attr, 0, sizeof(attr));
    attr.argv = argv;
    attr.handles = handles;
    attr.nhandles = n;
    attr.handle_kinds = kinds;
    child = cairn_spawn(image, off, size, &attr, NULL);
    if (child < 0) {
        test_fail("spawn %s: %s", argv[0], cairn_error_name((int)child));
    } else {
        if (cairn_process_wait(child, 60 * SECOND, &status) != 0)
            test_fail("%s did not end", argv[0]);
        cairn_handle_close(child);
    }
    for (unsigned i = 0; i < n; i++)
        cairn_handle_close(handles[i]);
    return status;
}

/* Runs and compares status, standard output and standard error. */
static void
expect_run(const char *input, int64_t status, const char *out, const char *err,
           const char *const *argv)
{
    int64_t got = run(input, strlen(input), argv);

    if (got != status)
        test_fail("%s: status %ld, not %ld", argv[0], (long)got, (long)status);
    else if (io.out_len != strlen(out) || memcmp(io.out, out, io.out_len) != 0)
        test_fail("%s: wrote \"%.*s\", not \"%s\"", argv[0], (int)io.out_len, io.out, out);
    else if (io.err_len != strlen(err) || memcmp(io.err, err, io.err_len) != 0)
        test_fail("%s: said \"%.*s\", not \"%s\"", argv[0], (int)io.err_len, io.err, err);
}

#define EXPECT(in, status, out, err, ...) \
    expect_run(in, status, out, err, (const char *const[]){__VA_ARGS__, NULL})

static void
utilities_write_their_output_to_the_stdout_they_are_given(void)
{
    if (server_start() < 0)
        return;
    EXPECT("", 0, "hello, world\n", "", "echo", "hello,", "world");
    EXPECT("", 0, "x", "", "echo", "-n", "x");
    EXPECT("", 0, "", "", "true");
    EXPECT("", 1, "", "", "false");
    EXPECT("one\ntwo\n", 0, "one\ntwo\n", "", "cat");
    EXPECT("a b\nc", 0, "1 3 5\n", "", "wc");
    EXPECT("1\n2\n3\n", 0, "1\n2\n", "", "head", "-n", "2");
    EXPECT("1\n2\n3\n", 0, "3\n", "", "tail", "-n", "1");
    EXPECT("apple\nbanana\ncherry\n", 0, "2:banana\n", "", "grep", "-n", "^b.n*a");
    EXPECT("apple\n", 1, "", "", "grep", "kiwi");
    EXPECT("hi\n", 0,
           "00000000  68 69 0a                                          |hi.|\n00000003\n", "",
           "hexdump", "-C");
    EXPECT("abc", 0, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n", "",
           "sha256sum");
    EXPECT("", 0, "", "", "sleep", "0.05");
    server_stop();
}

static void
every_utility_answers_help_with_its_usage(void)
{
    static const char *const names[] = {"echo",  "cat",   "ls",       "cp",    "mv",    "rm",
                                        "mkdir", "rmdir", "touch",    "pwd",   "wc",    "head",
                                        "tail",  "grep",  "hexdump",  "kill",  "sleep", "sha256sum",
                                        "true",  "false", "poweroff", "reboot"};
    char want[32];

    if (server_start() < 0)
        return;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int64_t status = run("", 0, (const char *const[]){names[i], "--help", NULL});

        snprintf(want, sizeof(want), "Usage: %s", names[i]);
        if (status != 0 || io.out_len < strlen(want) || memcmp(io.out, want, strlen(want)) != 0 ||
            io.err_len != 0)
            test_fail("%s --help: status %ld, \"%.*s\"", names[i], (long)status,
                      (int)(io.out_len < 40 ? io.out_len : 40), io.out);
        /* The child's exit closed all three of its descriptors. */
        if (io.closes != 3)
            test_fail("%s: %ld descriptors closed at exit, not 3", names[i], io.closes);
    }
    server_stop();
}

static void
errors_go_to_stderr_with_a_failing_status(void)
{
    char want[128];

    if (server_start() < 0)
        return;
    /* No vfs runs in this test: the path calls fail with ENOSYS, and the
     * utilities say so as they would say any error. */
    snprintf(want, sizeof(want), "cat: nofile: %s\n", strerror(ENOSYS));
    EXPECT("in", 1, "in", want, "cat", "-", "nofile");
    snprintf(want, sizeof(want), "grep: f: %s\n", strerror(ENOSYS));
    EXPECT("", 2, "", want, "grep", "x", "f");
    EXPECT("", 1, "", "cat: unknown option '-z'\nUsage: cat [FILE]...\n", "cat", "-z");
    EXPECT("", 2, "", "grep: unterminated [ in the pattern\n", "grep", "[a");
    EXPECT("", 1, "", "sleep: invalid time interval 'x'\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep",
           "x");
    /* Started without a registry: no power service to ask, said at once. */
    EXPECT("", 1, "", "poweroff: no power service: not found\n", "poweroff");
    EXPECT("", 1, "", "reboot: extra operand 'now'\nUsage: reboot\n", "reboot", "now");
    server_stop();
}

static void
large_inputs_go_through_in_many_messages(void)
{
    static char big[20000];
    int64_t status;

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i % 61 == 60 ? '\n' : 'a' + i % 26);
    if (server_start() < 0)
        return;
    status = run(big, sizeof(big), (const char *const[]){"cat", NULL});
    if (status != 0 || io.out_len != sizeof(big) || memcmp(io.out, big, sizeof(big)) != 0)
        test_fail("cat of 20000 bytes: status %ld, %zu bytes back", (long)status, io.out_len);
    /* 20000 / 61 = 327 whole lines (the last ends at byte 19947). */
    status = run(big, sizeof(big), (const char *const[]){"wc", "-lc", NULL});
    if (status != 0 || io.out_len != 12 || memcmp(io.out, "  327 20000\n", 12) != 0)
        test_fail("wc -lc: status %ld, \"%.*s\"", (long)status, (int)io.out_len, io.out);
    server_stop();
}

/* A descriptor on the server thread's directory. */
static int
dir_open(void)
{
    long h = cairn_handle_mint(server_ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, DIR_BADGE);
    int fd = cairn_fd_adopt(h, O_RDONLY);

    if (fd < 0)
        test_fail("cairn_fd_adopt: errno %d", errno);
    return fd;
}

static void
readdir_reads_every_entry_across_replies(void)
{
    static const char *const names[] = {"alpha", "beta", "gamma-with-a-longer-name"};
    static const unsigned char types[] = {DT_REG, DT_DIR, DT_FIFO};
    struct dirent *d;
    DIR *dir;
    int fd;

    if (server_start() < 0)
        return;
    fd = dir_open();
    dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (dir == NULL) {
        test_fail("fdopendir: errno %d", errno);
        server_stop();
        return;
    }
    expect_ret("dirfd", dirfd(dir), fd);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++) {
            d = readdir(dir);
            if (d == NULL || strcmp(d->d_name, names[i]) != 0 || d->d_type != types[i] ||
                d->d_ino != (ino_t)(100 + i))
                test_fail("entry %d: %s", i, d ? d->d_name : "none");
        }
        errno = 0;
        expect_ret("the end", readdir(dir) == NULL, 1);
        expect_ret("the end is no error", errno, 0);
        expect_ret("the end again", readdir(dir) == NULL, 1);
        rewinddir(dir);
    }
    expect_ret("three requests a listing", io.readdirs, 6);
    expect_ret("closedir", closedir(dir), 0);
    expect_ret("its close reached the server", io.closes, 1);
    expect_ret("fdopendir of a bad descriptor", fdopendir(40) == NULL, 1);
    expect_ret("its errno", errno, EBADF);
    server_stop();
}

static void
readdir_ends_at_a_bad_reply_with_an_error(void)
{
    static const enum dir_mode modes[] = {DIR_MALFORMED, DIR_STUCK, DIR_ERROR};
    static const int errs[] = {EIO, EIO, ENOTDIR};

    if (server_start() < 0)
        return;
    for (int m = 0; m < 3; m++) {
        DIR *dir;
        int fd = dir_open(), good = 0;

        io.dir_mode = modes[m];
        dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (dir == NULL) {
            test_fail("fdopendir: errno %d", errno);
            break;
        }
        errno = 0;
        while (readdir(dir) != NULL)
            good++;
        if (good != (modes[m] == DIR_ERROR ? 0 : 2) || errno != errs[m])
            test_fail("mode %d: %d entries, errno %d", m, good, errno);
        closedir(dir);
    }
    server_stop();
}

/*
 * Starts the vfs server from the initfs with a registry endpoint served
 * here until it registers (as tests/os/vfs.c does); its process, with the
 * namespace endpoint in vfs_ns, or -1.
 */
static long
vfs_start(void)
{
    static const char *const argv[] = {"vfs", NULL};
    uint32_t kinds[2] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_INITFS};
    long reg = cairn_endpoint_create(), fs = cairn_boot_module("initfs", NULL), handles[2], proc;
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 2, .handle_kinds = kinds};
    uint64_t off = 0, size = 0, badge;
    long image = test_program_image("bin/vfs", &off, &size);
    char name[PROTO_REG_NAME_MAX + 1];
    struct cairn_msg_ext ext = {.recv_buf = (uint64_t)(uintptr_t)name,
                                .recv_cap = PROTO_REG_NAME_MAX};
    struct cairn_msg m = {.ext = &ext};

    if (reg < 0 || fs < 0 || image < 0) {
        test_fail("no endpoint, initfs or bin/vfs (%ld %ld %ld)", reg, fs, image);
        return -1;
    }
    handles[0] = cairn_handle_dup(reg, SEND);
    handles[1] = cairn_handle_dup(fs, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                          CAIRN_RIGHT_TRANSFER);
    proc = cairn_spawn(image, off, size, &attr, NULL);
    cairn_handle_close(handles[0]);
    cairn_handle_close(handles[1]);
    if (proc < 0) {
        test_fail("spawn vfs: %s", cairn_error_name((int)proc));
        cairn_handle_close(reg);
        return -1;
    }
    long e = cairn_ipc_recv(reg, &m, 20 * SECOND, &badge);
    /* Its look-up of `rtc` is refused, as tests/os/vfs.c refuses it. */
    for (int tries = 0; e >= 0 && m.w[0] == PROTO_REG_LOOKUP && tries < 4; tries++) {
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        m = (struct cairn_msg){.w = {(uint64_t)-CAIRN_EPERM}};
        cairn_ipc_reply(&m);
        m = (struct cairn_msg){.ext = &ext};
        e = cairn_ipc_recv(reg, &m, 20 * SECOND, &badge);
    }
    if (e < 0 || m.w[0] != PROTO_REG_REGISTER || ext.recv_nhandles != 1) {
        test_fail("the vfs server did not register");
        cairn_process_kill(proc);
        cairn_process_wait(proc, 10 * SECOND, NULL);
        cairn_handle_close(proc);
        cairn_handle_close(reg);
        return -1;
    }
    vfs_ns = ext.recv_handles[0];
    m = (struct cairn_msg){.w = {0}};
    cairn_ipc_reply(&m);
    cairn_handle_close(reg);
    return proc;
}

static void
vfs_stop(long proc)
{
    cairn_handle_close(vfs_ns);
    vfs_ns = -1;
    cairn_process_kill(proc);
    expect_ret("wait for the vfs server", cairn_process_wait(proc, 10 * SECOND, NULL), 0);
    cairn_handle_close(proc);
}

/* The file utilities against the real vfs server: /tmp is a ramfs, /boot
 * the initfs (read-only), /boot/filler 8192 numbered lines. */
static void
file_utilities_work_on_the_vfs_server(void)
{
    char want[256], hash[80];
    long proc;

    if (server_start() < 0)
        return;
    proc = vfs_start();
    if (proc < 0) {
        server_stop();
        return;
    }
    EXPECT("", 0, "/\n", "", "pwd");
    EXPECT("", 0, "", "", "mkdir", "-p", "/tmp/u/a/b", "/tmp/u/c");
    EXPECT("", 0, "", "", "touch", "/tmp/u/f");
    EXPECT("", 0, "", "", "cp", "/boot/bin/true", "/tmp/u/t");
    EXPECT("", 0, "a\nc\nf\nt\n", "", "ls", "/tmp/u");
    EXPECT("", 0, "/tmp/u/f\n", "", "ls", "/tmp/u/f");
    /* The copy has the same digest as the original. */
    if (run("", 0, (const char *const[]){"sha256sum", "/boot/bin/true", NULL}) != 0 ||
        io.out_len < 64)
        test_fail("sha256sum /boot/bin/true: \"%.*s\"", (int)io.out_len, io.out);
    snprintf(hash, sizeof(hash), "%.64s", io.out);
    snprintf(want, sizeof(want), "%s  /tmp/u/t\n", hash);
    EXPECT("", 0, want, "", "sha256sum", "/tmp/u/t");
    EXPECT("", 0, "", "", "mv", "/tmp/u/t", "/tmp/u/f", "/tmp/u/a");
    EXPECT("", 0, "b\nf\nt\n", "", "ls", "/tmp/u/a");
    EXPECT("", 0, "", "", "mv", "/tmp/u/a/t", "/tmp/u/t2");
    EXPECT("", 0, "0 0 0 /tmp/u/a/f\n", "", "wc", "/tmp/u/a/f");
    EXPECT("", 0, "initfs filler line 000000000000\ninitfs filler line 000000000001\n", "", "head",
           "-n", "2", "/boot/filler");
    EXPECT("", 0, "initfs filler line 000000008191\n", "", "tail", "-n", "1", "/boot/filler");
    EXPECT("", 0, "8192 /boot/filler\n", "", "wc", "-l", "/boot/filler");
    EXPECT("", 0, "10\n", "", "grep", "-c", "line 00000000009", "/boot/filler");
    EXPECT("", 0, "1001:initfs filler line 000000001000\n", "", "grep", "-n", "0001000$",
           "/boot/filler");
    snprintf(want, sizeof(want), "cp: /boot/x: %s\n", strerror(EROFS));
    EXPECT("", 1, "", want, "cp", "/tmp/u/t2", "/boot/x");
    snprintf(want, sizeof(want), "rm: /tmp/u/a: %s\n", strerror(EISDIR));
    EXPECT("", 1, "", want, "rm", "/tmp/u/a");
    snprintf(want, sizeof(want), "rmdir: /tmp/u/a: %s\n", strerror(ENOTEMPTY));
    EXPECT("", 1, "", want, "rmdir", "/tmp/u/a");
    EXPECT("", 0, "", "", "rmdir", "/tmp/u/c");
    EXPECT("", 0, "", "", "rm", "-r", "/tmp/u");
    snprintf(want, sizeof(want), "ls: /tmp/u: %s\n", strerror(ENOENT));
    EXPECT("", 1, "", want, "ls", "/tmp/u");
    EXPECT("", 0, "", "", "ls", "/tmp");
    vfs_stop(proc);
    server_stop();
}

int
main(void)
{
    static const struct usertest tests[] = {
        USERTEST(utilities_write_their_output_to_the_stdout_they_are_given),
        USERTEST(every_utility_answers_help_with_its_usage),
        USERTEST(errors_go_to_stderr_with_a_failing_status),
        USERTEST(large_inputs_go_through_in_many_messages),
        USERTEST(readdir_reads_every_entry_across_replies),
        USERTEST(readdir_ends_at_a_bad_reply_with_an_error),
        USERTEST(file_utilities_work_on_the_vfs_server),
    };

    return harness_run("utils", tests, sizeof(tests) / sizeof(tests[0]));
}
