// SPDX-License-Identifier: MIT
/*
 * User-mode tests of libc's file descriptors (libc/fd.c) over the I/O
 * protocol (include/proto/io.h), against a small file server that a
 * thread of this program runs: read, write in pieces, seek, stat, dup and
 * dup2 with the server's reference counts, close, descriptors 1 and 2 on
 * the kernel console when there is no standard output, a descriptor
 * handed to a child as its stdout by kind (include/proto/handles.h), bad
 * descriptors, a lying server; and the path calls and the registry client
 * with no server to ask.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/init.h>
#include <cairn/registry.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>

#include "../child/child.h"
#include "harness.h"

#define SECOND     1000000000ull
#define FILE_MAX   (64 * 1024)
#define FILE_BADGE 7
#define LIAR_BADGE 8 /* reads claim 100 bytes more than they send */
#define STOP_BADGE 9 /* ends the server */

/* The server's one file, its offset, and what it has seen. */
static struct {
    char data[FILE_MAX];
    uint64_t size, offset;
    long refs;      /* references: 1 at the start, + DUP, - CLOSE */
    long closes;    /* PROTO_IO_CLOSE messages */
    long tty_asks;  /* PROTO_IO_TTY_GET messages */
    long max_write; /* the largest single write */
    char child_line[64];
} file;

static char server_buf[CAIRN_MSG_BUF_MAX];

/* The reply to one request about the file; bytes to send back, if any,
 * go out from server_buf with *reply_len set. */
static void
file_serve(uint64_t badge, uint64_t *w, size_t len, size_t *reply_len)
{
    uint64_t op = w[0];

    *reply_len = 0;
    if (op == PROTO_IO_READ) {
        uint64_t n = w[1] < file.size - file.offset ? w[1] : file.size - file.offset;

        if (file.offset > file.size)
            n = 0;
        memcpy(server_buf, file.data + file.offset, n);
        file.offset += n;
        *reply_len = n;
        w[0] = badge == LIAR_BADGE ? n + 100 : n;
    } else if (op == PROTO_IO_WRITE) {
        if (file.offset + len > FILE_MAX)
            len = FILE_MAX - file.offset;
        memcpy(file.data + file.offset, server_buf, len);
        file.offset += len;
        if (file.offset > file.size)
            file.size = file.offset;
        if ((long)len > file.max_write)
            file.max_write = (long)len;
        w[0] = len;
    } else if (op == PROTO_IO_SEEK) {
        int64_t base = w[2] == PROTO_SEEK_SET   ? 0
                       : w[2] == PROTO_SEEK_CUR ? (int64_t)file.offset
                                                : (int64_t)file.size;
        int64_t to = base + (int64_t)w[1];

        if (to < 0) {
            w[0] = (uint64_t)-CAIRN_EINVAL;
        } else {
            file.offset = (uint64_t)to;
            w[0] = (uint64_t)to;
        }
    } else if (op == PROTO_IO_STAT) {
        struct proto_stat st = {0};

        st.size = file.size;
        st.ino = 42;
        st.mode = PROTO_S_IFREG | 0644;
        st.nlink = 1;
        memcpy(server_buf, &st, sizeof(st));
        *reply_len = sizeof(st);
        w[0] = 0;
    } else if (op == PROTO_IO_TRUNCATE) {
        file.size = w[1] < FILE_MAX ? w[1] : FILE_MAX;
        w[0] = 0;
    } else if (op == PROTO_IO_DUP) {
        file.refs++;
        w[0] = 0;
    } else if (op == PROTO_IO_CLOSE) {
        file.refs--;
        file.closes++;
        w[0] = 0;
    } else if (op == PROTO_IO_TTY_GET) {
        file.tty_asks++;
        w[0] = (uint64_t)-CAIRN_ENOTTY;
    } else {
        w[0] = (uint64_t)-CAIRN_ENOSYS;
    }
}

/* The server thread: receives on the endpoint in arg until STOP_BADGE. A
 * write from the child (badge 0 is not used: the child's handle carries
 * FILE_BADGE + 100) is kept as its line. */
static long
file_server(void *arg)
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
        /* Handles sent along are never kept (libc's bulk channel offers
         * its buffer's memory object, refused here with ENOSYS). */
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (badge == FILE_BADGE + 100 && msg.w[0] == PROTO_IO_WRITE) {
            size_t n = ext.recv_len < sizeof(file.child_line) - 1 ? ext.recv_len
                                                                  : sizeof(file.child_line) - 1;
            memcpy(file.child_line, server_buf, n);
            file.child_line[n] = '\0';
            msg.w[0] = ext.recv_len;
        } else if (badge == FILE_BADGE + 100) {
            msg.w[0] = msg.w[0] == PROTO_IO_CLOSE ? 0 : (uint64_t)-CAIRN_ENOSYS;
            if (msg.w[0] == 0)
                file.closes++;
        } else {
            file_serve(badge, msg.w, ext.recv_len, &reply_len);
        }
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)server_buf;
        ext.send_len = (uint32_t)reply_len;
        ext.recv_buf = (uint64_t)(uintptr_t)server_buf;
        ext.recv_cap = sizeof(server_buf);
        msg.ext = &ext;
        reply_len = 0;
        ret = cairn_ipc_reply_recv(ep, &msg, &badge);
    }
    msg.w[0] = 0;
    msg.ext = NULL;
    cairn_ipc_reply(&msg);
    return 0;
}

static long server_ep;
static struct test_thread server;

/* Starts the server; returns a descriptor for its file (badge FILE_BADGE)
 * or -1. */
static int
server_start(void)
{
    long h;
    int fd;

    memset(&file, 0, sizeof(file));
    file.refs = 1;
    server_ep = cairn_endpoint_create();
    if (server_ep < 0 || test_thread_start(&server, file_server, &server_ep) != 0) {
        test_fail("no server: %s", cairn_error_name((int)server_ep));
        return -1;
    }
    h = cairn_handle_mint(
        server_ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, FILE_BADGE);
    fd = cairn_fd_adopt(h, O_RDWR);
    if (fd < 0)
        test_fail("cairn_fd_adopt: errno %d", errno);
    return fd;
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

static char big[10000], back[10000];

static void
read_write_seek_stat_and_truncate_go_to_the_server(void)
{
    /* This program's own pages, touched before the count starts. */
    struct cairn_debug_stats before =
        (memset(&file, 0, sizeof(file)), memset(big, 0, sizeof(big)), memset(back, 0, sizeof(back)),
         memset(server_buf, 0, sizeof(server_buf)), stats_now());
    struct stat st;
    char buf[32];
    int fd = server_start();

    if (fd < 0)
        return;
    expect_ret("write", write(fd, "hello world", 11), 11);
    expect_ret("lseek to 0", lseek(fd, 0, SEEK_SET), 0);
    memset(buf, 0, sizeof(buf));
    expect_ret("read", read(fd, buf, sizeof(buf)), 11);
    if (strcmp(buf, "hello world") != 0)
        test_fail("read back \"%s\"", buf);
    expect_ret("read at the end", read(fd, buf, sizeof(buf)), 0);
    expect_ret("lseek from the end", lseek(fd, -5, SEEK_END), 6);
    expect_ret("lseek before 0", lseek(fd, -100, SEEK_CUR), -1);
    expect_ret("its errno", errno, EINVAL);
    expect_ret("fstat", fstat(fd, &st), 0);
    if (st.st_size != 11 || !S_ISREG(st.st_mode) || st.st_ino != 42 || st.st_nlink != 1)
        test_fail("fstat: size %ld mode %o ino %lu", (long)st.st_size, st.st_mode,
                  (unsigned long)st.st_ino);
    expect_ret("ftruncate", ftruncate(fd, 5), 0);
    expect_ret("ftruncate to -1", ftruncate(fd, -1), -1);
    expect_ret("fstat after", fstat(fd, &st), 0);
    expect_ret("the new size", st.st_size, 5);
    expect_ret("isatty on a file", isatty(fd), 0);
    expect_ret("its errno", errno, ENOTTY);
    struct winsize ws = {7, 7, 7, 7};
    long asks = file.tty_asks;
    expect_ret("tcgetwinsize on a file", tcgetwinsize(fd, &ws), -1);
    expect_ret("its errno", errno, ENOTTY);
    expect_ret("the server was asked", file.tty_asks, asks + 1);
    if (ws.ws_row != 7 || ws.ws_col != 7)
        test_fail("a failed tcgetwinsize wrote %u x %u", ws.ws_row, ws.ws_col);
    expect_ret("tcgetwinsize without a winsize", tcgetwinsize(fd, NULL), -1);
    expect_ret("its errno", errno, EFAULT);
    expect_ret("tcgetwinsize of a closed descriptor", tcgetwinsize(OPEN_MAX - 1, &ws), -1);
    expect_ret("its errno", errno, EBADF);
    expect_ret("tcgetwinsize of -1", tcgetwinsize(-1, &ws), -1);
    expect_ret("its errno", errno, EBADF);

    /* A write larger than a message goes in message-sized pieces, in order. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + 3);
    expect_ret("lseek to 0", lseek(fd, 0, SEEK_SET), 0);
    expect_ret("a 10000-byte write", write(fd, big, sizeof(big)), (long)sizeof(big));
    expect_ret("the largest piece", file.max_write, CAIRN_MSG_BUF_MAX);
    expect_ret("lseek to 0", lseek(fd, 0, SEEK_SET), 0);
    for (size_t done = 0; done < sizeof(back);) {
        ssize_t n = read(fd, back + done, sizeof(back) - done);

        if (n <= 0) {
            test_fail("read at %zu gave %ld", done, (long)n);
            break;
        }
        done += (size_t)n;
    }
    if (memcmp(big, back, sizeof(big)) != 0)
        test_fail("10000 bytes did not come back the same");
    expect_ret("close", close(fd), 0);
    expect_ret("the server's references", file.refs, 0);
    expect_ret("close again", close(fd), -1);
    expect_ret("its errno", errno, EBADF);
    server_stop();
    expect_stats(&before, "after the server and its file are gone");
}

static void
dup_and_dup2_share_the_open_file_and_count_references(void)
{
    int fd = server_start(), two, ten;
    char c = 0;

    if (fd < 0)
        return;
    expect_ret("write", write(fd, "abc", 3), 3);
    two = dup(fd);
    if (two < 0 || two == fd)
        test_fail("dup gave %d, errno %d", two, errno);
    expect_ret("references after dup", file.refs, 2);
    ten = dup2(fd, 10);
    expect_ret("dup2 to 10", ten, 10);
    expect_ret("references after dup2", file.refs, 3);
    expect_ret("dup2 onto itself", dup2(fd, fd), fd);
    expect_ret("references unchanged", file.refs, 3);
    /* One offset for all: seek through one, read through another. */
    expect_ret("lseek through the copy", lseek(two, 1, SEEK_SET), 1);
    expect_ret("read through dup2's", read(ten, &c, 1), 1);
    expect_ret("the byte at 1", c, 'b');
    /* dup2 over an open descriptor closes what it held. */
    expect_ret("dup2 over the copy", dup2(fd, two), two);
    expect_ret("references: one closed, one made", file.refs, 3);
    expect_ret("close 10", close(10), 0);
    expect_ret("close the copy", close(two), 0);
    expect_ret("close the first", close(fd), 0);
    expect_ret("references at the end", file.refs, 0);
    expect_ret("dup of a closed one", dup(fd), -1);
    expect_ret("its errno", errno, EBADF);
    expect_ret("dup2 to -1", dup2(0, -1), -1);
    expect_ret("dup2 past the table", dup2(1, OPEN_MAX), -1);
    server_stop();
}

static void
bad_descriptors_and_a_lying_server_get_errors(void)
{
    int fd = server_start(), liar;
    int fds[OPEN_MAX];
    int n = 0;
    char buf[16];

    if (fd < 0)
        return;
    expect_ret("read -1", read(-1, buf, 1), -1);
    expect_ret("its errno", errno, EBADF);
    expect_ret("write past the table", write(OPEN_MAX, buf, 1), -1);
    expect_ret("close 99", close(99), -1);
    expect_ret("lseek on a free one", lseek(40, 0, SEEK_SET), -1);
    expect_ret("fcntl on a free one", fcntl(40, F_GETFD), -1);
    expect_ret("a read of 0 bytes", read(fd, buf, 0), 0);
    /* A server that claims more than it sent is believed only as far as
     * the bytes that came. */
    expect_ret("write", write(fd, "xyz", 3), 3);
    expect_ret("lseek", lseek(fd, 0, SEEK_SET), 0);
    liar = cairn_fd_adopt(cairn_handle_mint(server_ep, CAIRN_RIGHT_SIGNAL, LIAR_BADGE), O_RDONLY);
    expect_ret("read from the liar", read(liar, buf, sizeof(buf)), 3);
    expect_ret("adopt a bad handle", cairn_fd_adopt(-5, 0), -1);
    /* Fill the table; the next adopt is refused and the handle is left. */
    for (;;) {
        long h = cairn_handle_dup(server_ep, CAIRN_RIGHT_SIGNAL);
        int got = cairn_fd_adopt(h, 0);

        if (got < 0) {
            expect_ret("its errno", errno, EMFILE);
            expect_ret("the handle stays the caller's", cairn_handle_close(h), 0);
            break;
        }
        if (n == OPEN_MAX) {
            test_fail("more than OPEN_MAX descriptors");
            break;
        }
        fds[n++] = got;
    }
    expect_ret("F_SETFD", fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    expect_ret("F_GETFD", fcntl(fd, F_GETFD), FD_CLOEXEC);
    expect_ret("F_GETFL", fcntl(fd, F_GETFL), O_RDWR);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    close(liar);
    close(fd);
    server_stop();
}

/* This program was started without standard output: 1 and 2 write to the
 * kernel console, 0 is not open. */
static void
without_stdout_1_and_2_go_to_the_kernel_console(void)
{
    struct stat st;
    char c;

    expect_ret("write to 1", write(1, "fd: stdout\n", 11), 11);
    expect_ret("write to 2", write(2, "fd: stderr\n", 11), 11);
    expect_ret("isatty(1)", isatty(1), 1);
    struct winsize ws;
    expect_ret("tcgetwinsize(1)", tcgetwinsize(1, &ws), 0);
    if (ws.ws_row != 24 || ws.ws_col != 80 || ws.ws_xpixel || ws.ws_ypixel)
        test_fail("the kernel console's window is %u x %u", ws.ws_row, ws.ws_col);
    expect_ret("fstat(2)", fstat(2, &st), 0);
    if (!S_ISCHR(st.st_mode))
        test_fail("fd 2 is not a character device: mode %o", st.st_mode);
    expect_ret("lseek(1)", lseek(1, 0, SEEK_SET), -1);
    expect_ret("its errno", errno, ESPIPE);
    expect_ret("read(0)", read(0, &c, 1), -1);
    expect_ret("its errno", errno, EBADF);
    expect_ret("write(1) from a bad buffer", write(1, (void *)8, 4), -1);
    expect_ret("its errno", errno, EFAULT);
}

/* A child gets this program's file as its stdout, named by kind. */
static void
a_child_finds_its_stdout_by_kind_and_closes_it_at_exit(void)
{
    uint32_t kinds[4] = {PROTO_HANDLE_STDOUT, 0, PROTO_HANDLE_IRQ, PROTO_HANDLE_IRQ};
    const char *argv[] = {"child", NULL};
    struct cairn_spawn_attr attr;
    uint64_t off = 0, size = 0;
    long image = test_program_image("child", &off, &size), child, handles[4];
    int fd = server_start();
    int64_t status = -1;

    if (fd < 0 || image < 0)
        return;
    handles[0] = cairn_handle_mint(
        server_ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
        FILE_BADGE + 100);
    handles[1] = cairn_notify_create();
    handles[2] = cairn_notify_create();
    handles[3] = cairn_notify_create();
    memset(&attr, 0, sizeof(attr));
    attr.argv = argv;
    attr.handles = handles;
    attr.nhandles = 4;
    attr.handle_kinds = kinds;
    attr.start_arg = CHILD_ARG(CHILD_FDS, 0);
    child = cairn_spawn(image, off, size, &attr, NULL);
    if (child < 0) {
        test_fail("spawn: %s", cairn_error_name((int)child));
    } else {
        expect_ret("wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
        expect_ret("the child's status (child.h)", status, 0);
        if (strcmp(file.child_line, "child fd 1") != 0)
            test_fail("the child wrote \"%s\"", file.child_line);
        expect_ret("the child's exit closed its stdout", file.closes, 1);
        cairn_handle_close(child);
    }
    /* Bad kinds pointers are refused like bad handle lists. */
    attr.handle_kinds = (const uint32_t *)8;
    expect_ret("unreadable kinds", cairn_spawn(image, off, size, &attr, NULL), -CAIRN_EFAULT);
    for (int i = 0; i < 4; i++)
        cairn_handle_close(handles[i]);
    close(fd);
    server_stop();
}

/* With no vfs or registry handle, the calls say so instead of hanging. */
static void
without_servers_paths_and_the_registry_fail_cleanly(void)
{
    char cwd[8];
    struct stat st;

    expect_ret("open", open("/etc/services", O_RDONLY), -1);
    expect_ret("its errno", errno, ENOSYS);
    expect_ret("stat", stat("a/b", &st), -1);
    expect_ret("mkdir", mkdir("/x", 0755), -1);
    expect_ret("pipe", pipe((int[2]){0, 0}), -1);
    expect_ret("its errno", errno, ENOSYS);
    if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/") != 0)
        test_fail("the working directory is not /");
    expect_ret("getcwd into 1 byte", getcwd(cwd, 1) == NULL, 1);
    expect_ret("its errno", errno, ERANGE);
    expect_ret("chdir", chdir("/tmp"), -1);
    expect_ret("lookup", cairn_registry_lookup("vfs", 0), -CAIRN_ENOENT);
    expect_ret("register", cairn_registry_register("x", CAIRN_INIT_HANDLE_PROCESS), -CAIRN_ENOENT);
}

int
main(void)
{
    static const struct usertest tests[] = {
        USERTEST(read_write_seek_stat_and_truncate_go_to_the_server),
        USERTEST(dup_and_dup2_share_the_open_file_and_count_references),
        USERTEST(bad_descriptors_and_a_lying_server_get_errors),
        USERTEST(without_stdout_1_and_2_go_to_the_kernel_console),
        USERTEST(a_child_finds_its_stdout_by_kind_and_closes_it_at_exit),
        USERTEST(without_servers_paths_and_the_registry_fail_cleanly),
    };

    return harness_run("fd", tests, sizeof(tests) / sizeof(tests[0]));
}
