// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the vfs server (servers/vfs, docs/vfs.md). The test
 * starts the server itself from its member of the initfs (bin/vfs), with
 * a registry endpoint that this program serves (so it receives the
 * server's PROTO_REG_REGISTER and, with it, the namespace handle) and the
 * initfs module as PROTO_HANDLE_INITFS; then it speaks include/proto/fs.h
 * and io.h to it directly: files created, written, read back, sought,
 * stated, truncated, unlinked while open; directories made, listed with
 * cookies, renamed and removed; /boot read-only and byte for byte the
 * initfs, /bin its bin/; pipes between two threads blocking both ways,
 * end of file and EPIPE; bad requests of every kind answered with errors
 * while the server goes on; a 1 MiB file intact, also through a bulk
 * channel, whose bad requests and buffers are refused, whose bounds hold
 * and which come back when dropped; a 16 MiB file through libc's bulk
 * path with the same SHA-256; nothing leaking once everything is
 * closed; /dev/null and /dev/zero. More servers are started
 * with a corrupt initfs (refused, the rest served), with no registry (a
 * message and exit 1), and with mounts (--mount) of a fake file server
 * that threads of this program serve, with the registry that finds it:
 * opens passed on with relative paths and the client reading from the
 * fake server directly, the mount points listed and not removable, a
 * hung server blocking no other client while its caller times out, a
 * server that ends giving ECLOSED and found again once restarted.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/registry.h>
#include <tar/tar.h>
#include <util/sha256.h>

#include "harness.h"

#define SECOND    (1000 * MS_NS)
#define PAGE      4096ull
#define SEND      (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
/* The start word of a copy of this program that uses the server through
 * libc (its PROTO_HANDLE_VFS start handle). */
#define MODE_LIBC 0x7f5e
/* The server's open files at once (servers/vfs/vfs.h, VFS_FILES_MAX). */
#define VFS_FILES 256

/* The server under test: its process and the namespace handle. */
static long vfs_proc = -1, vfs_ep = -1;

struct reply {
    uint64_t w[CAIRN_MSG_WORDS];
    uint32_t len, nh;
    long h[CAIRN_MSG_HANDLES];
};

/* One request on ep; the reply's words, bytes (straight into out, up to
 * cap: no buffer is shared, so threads may call at once) and handles in
 * *r (NULL: handles closed). Returns w[0], or the call's own error. */
static long
call_ep(long ep, uint64_t op, uint64_t a1, uint64_t a2, const void *buf, size_t len, void *out,
        size_t cap, struct reply *r)
{
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)buf,
                                .send_len = (uint32_t)len,
                                .recv_buf = (uint64_t)out,
                                .recv_cap = out ? (uint32_t)cap : 0};
    struct cairn_msg m = {.w = {op, a1, a2}, .ext = &ext};
    long e = cairn_ipc_call(ep, &m);

    if (r)
        memset(r, 0, sizeof(*r));
    if (e < 0)
        return e;
    if (r) {
        memcpy(r->w, m.w, sizeof(r->w));
        r->len = ext.recv_len;
        r->nh = ext.recv_nhandles;
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            r->h[i] = ext.recv_handles[i];
    } else {
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
    }
    return (long)m.w[0];
}

/* The tests' random numbers (xorshift64). */
static uint64_t
rand64(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A path request (stat, mkdir, unlink, rmdir) on the namespace. */
static long
fs_path(uint64_t op, const char *path, uint64_t arg)
{
    return call_ep(vfs_ep, op, arg, 0, path, strlen(path), NULL, 0, NULL);
}

static long
fs_stat(const char *path, struct proto_stat *st)
{
    memset(st, 0, sizeof(*st));
    return call_ep(vfs_ep, PROTO_FS_STAT, 0, 0, path, strlen(path), st, sizeof(*st), NULL);
}

/* Opens path: the handle, or a negative code. */
static long
fs_open(const char *path, uint32_t flags, uint32_t mode)
{
    struct reply r;
    long e = call_ep(vfs_ep, PROTO_FS_OPEN, flags, mode, path, strlen(path), NULL, 0, &r);

    if (e < 0) {
        for (uint32_t i = 0; i < r.nh && i < CAIRN_MSG_HANDLES && e != -CAIRN_ECLOSED; i++)
            cairn_handle_close(r.h[i]);
        return e;
    }
    if (r.nh != 1) {
        test_fail("open %s: %u handles in the reply", path, r.nh);
        return -CAIRN_EINVAL;
    }
    return r.h[0];
}

/* PROTO_FS_STAT on any handle: its result. */
static long
fs_stat_on(long h, const char *path)
{
    struct proto_stat st;

    return call_ep(h, PROTO_FS_STAT, 0, 0, path, strlen(path), &st, sizeof(st), NULL);
}

static long
fs_rename(const char *from, const char *to)
{
    char buf[2 * PROTO_PATH_MAX + 2];
    size_t a = strlen(from), b = strlen(to);

    memcpy(buf, from, a);
    buf[a] = '\0';
    memcpy(buf + a + 1, to, b);
    return call_ep(vfs_ep, PROTO_FS_RENAME, 0, 0, buf, a + 1 + b, NULL, 0, NULL);
}

static long
io_write(long h, const void *buf, size_t len)
{
    return call_ep(h, PROTO_IO_WRITE, 0, 0, buf, len, NULL, 0, NULL);
}

static long
io_read(long h, void *out, size_t len)
{
    return call_ep(h, PROTO_IO_READ, len, 0, NULL, 0, out, len, NULL);
}

static long
io_seek(long h, int64_t off, int whence)
{
    return call_ep(h, PROTO_IO_SEEK, (uint64_t)off, (uint64_t)whence, NULL, 0, NULL, 0, NULL);
}

static long
io_stat(long h, struct proto_stat *st)
{
    return call_ep(h, PROTO_IO_STAT, 0, 0, NULL, 0, st, sizeof(*st), NULL);
}

/* PROTO_IO_CLOSE, then the handle itself. */
static long
io_close(long h)
{
    long e = call_ep(h, PROTO_IO_CLOSE, 0, 0, NULL, 0, NULL, 0, NULL);

    cairn_handle_close(h);
    return e;
}

/* --- starting servers --- */

/*
 * Starts a vfs server with the given handles and kinds, then serves its
 * registry endpoint until the server registers: the namespace handle in
 * *ep. Returns the process, or a negative code (and fails the test).
 */
static long
vfs_start_args(const char *const *argv, const long *handles, const uint32_t *kinds, unsigned n,
               long reg, long *ep)
{
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .handle_kinds = kinds};
    uint64_t offset = 0, size = 0, badge;
    long image = test_program_image("bin/vfs", &offset, &size), proc;
    char name[PROTO_REG_NAME_MAX + 1];
    struct cairn_msg_ext ext = {.recv_buf = (uint64_t)name, .recv_cap = PROTO_REG_NAME_MAX};
    struct cairn_msg m = {.ext = &ext};

    *ep = -1;
    if (image < 0) {
        test_fail("no bin/vfs in the initfs (%s)", cairn_error_name((int)image));
        return image;
    }
    proc = cairn_spawn(image, offset, size, &attr, NULL);
    if (proc < 0) {
        test_fail("spawn vfs: %s", cairn_error_name((int)proc));
        return proc;
    }
    if (reg < 0)
        return proc;
    long e = cairn_ipc_recv(reg, &m, 20 * SECOND, &badge);
    /* Its look-up of `rtc` (for files' times) is refused as init refuses
     * a service whose entry does not name it: the server then never asks
     * again, and uses the monotonic clock. */
    for (int tries = 0; e >= 0 && m.w[0] == PROTO_REG_LOOKUP && tries < 4; tries++) {
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        m = (struct cairn_msg){.w = {(uint64_t)-CAIRN_EPERM}};
        cairn_ipc_reply(&m);
        m = (struct cairn_msg){.ext = &ext};
        e = cairn_ipc_recv(reg, &m, 20 * SECOND, &badge);
    }
    if (e < 0 || m.w[0] != PROTO_REG_REGISTER || ext.recv_len != 3 || memcmp(name, "vfs", 3) != 0 ||
        ext.recv_nhandles != 1) {
        test_fail("the server did not register as vfs (%s, op %#lx, %u bytes, %u handles)",
                  cairn_error_name((int)e), (unsigned long)m.w[0], ext.recv_len, ext.recv_nhandles);
        if (e >= 0) {
            m = (struct cairn_msg){.w = {(uint64_t)-CAIRN_EINVAL}};
            cairn_ipc_reply(&m);
        }
        cairn_process_kill(proc);
        cairn_process_wait(proc, 10 * SECOND, NULL);
        cairn_handle_close(proc);
        return -CAIRN_EINVAL;
    }
    struct cairn_handle_info info;
    if (cairn_handle_info(ext.recv_handles[0], &info) != 0 || info.type != CAIRN_OBJ_ENDPOINT ||
        (info.rights & CAIRN_RIGHT_WAIT) || (info.rights & SEND) != SEND)
        test_fail("registered a handle of type %u, rights %#x", info.type, info.rights);
    *ep = ext.recv_handles[0];
    m = (struct cairn_msg){.w = {0}};
    cairn_ipc_reply(&m);
    return proc;
}

static long
vfs_start(const long *handles, const uint32_t *kinds, unsigned n, long reg, long *ep)
{
    static const char *const argv[] = {"vfs", NULL};

    return vfs_start_args(argv, handles, kinds, n, reg, ep);
}

static void
vfs_stop(long *proc, long *ep)
{
    int64_t status;

    if (*ep >= 0)
        cairn_handle_close(*ep);
    if (*proc >= 0) {
        cairn_process_kill(*proc);
        expect_ret("wait for the server", cairn_process_wait(*proc, 10 * SECOND, &status), 0);
        cairn_handle_close(*proc);
    }
    *proc = *ep = -1;
}

static void
the_server_starts_from_the_initfs_and_registers_as_vfs(void)
{
    long reg = cairn_endpoint_create(), reg_send, fs, fs_ro;
    uint32_t kinds[2] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_INITFS};
    struct proto_stat st;

    fs = cairn_boot_module("initfs", NULL);
    if (reg < 0 || fs < 0) {
        test_fail("no endpoint (%ld) or no initfs module (%ld)", reg, fs);
        return;
    }
    reg_send = cairn_handle_dup(reg, SEND);
    /* READ and MAP for the server; DUPLICATE and TRANSFER to install it. */
    fs_ro = cairn_handle_dup(fs, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                     CAIRN_RIGHT_TRANSFER);
    long handles[2] = {reg_send, fs_ro};
    vfs_proc = vfs_start(handles, kinds, 2, reg, &vfs_ep);
    cairn_handle_close(reg_send);
    cairn_handle_close(fs_ro);
    cairn_handle_close(reg);
    if (vfs_ep < 0)
        return;
    expect_ret("stat /", fs_stat("/", &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFDIR || st.dev != 1 || st.nlink < 5)
        test_fail("/: mode %o dev %lu nlink %u", st.mode, (unsigned long)st.dev, st.nlink);
    expect_ret("stat /tmp", fs_stat("/tmp", &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFDIR || st.dev != 2)
        test_fail("/tmp: mode %o dev %lu", st.mode, (unsigned long)st.dev);
    expect_ret("stat /boot", fs_stat("/boot", &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFDIR || st.dev != 3)
        test_fail("/boot: mode %o dev %lu", st.mode, (unsigned long)st.dev);
}

static void
files_are_created_written_read_back_sought_and_stated(void)
{
    char got[64];
    struct proto_stat st, st2;
    long h;

    h = fs_open("/tmp/a", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_EXCL, 0640);
    if (h < 0) {
        test_fail("create /tmp/a: %s", cairn_error_name((int)h));
        return;
    }
    expect_ret("create it again with O_EXCL",
               fs_open("/tmp/a", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_EXCL, 0640), -CAIRN_EEXIST);
    expect_ret("write", io_write(h, "hello, world", 12), 12);
    expect_ret("read at the end", io_read(h, got, 10), 0);
    expect_ret("seek to 7", io_seek(h, 7, PROTO_SEEK_SET), 7);
    memset(got, 0, sizeof(got));
    expect_ret("read", io_read(h, got, 64), 5);
    if (memcmp(got, "world", 5) != 0)
        test_fail("read back \"%.5s\"", got);
    expect_ret("seek back 5 from the current", io_seek(h, -5, PROTO_SEEK_CUR), 7);
    expect_ret("seek -2 from the end", io_seek(h, -2, PROTO_SEEK_END), 10);
    expect_ret("seek before 0", io_seek(h, -13, PROTO_SEEK_END), -CAIRN_EINVAL);
    expect_ret("seek to 0 from the end", io_seek(h, -12, PROTO_SEEK_END), 0);
    expect_ret("seek with a bad whence", io_seek(h, 0, 3), -CAIRN_EINVAL);
    expect_ret("seek past the end", io_seek(h, 100, PROTO_SEEK_SET), 100);
    expect_ret("write past the end", io_write(h, "!", 1), 1);
    expect_ret("fstat", io_stat(h, &st), 0);
    if (st.size != 101 || (st.mode & PROTO_S_IFMT) != PROTO_S_IFREG || (st.mode & 07777) != 0640 ||
        st.nlink != 1 || st.dev != 2 || st.ino == 0 || st.blksize == 0)
        test_fail("fstat: size %lu mode %o nlink %u dev %lu", (unsigned long)st.size, st.mode,
                  st.nlink, (unsigned long)st.dev);
    expect_ret("stat by path", fs_stat("/tmp/a", &st2), 0);
    if (st2.ino != st.ino || st2.size != 101 || st2.mtime_ns < st2.ctime_ns - 1000000000000ll)
        test_fail("stat by path differs from fstat");
    expect_ret("read the hole", io_seek(h, 12, PROTO_SEEK_SET), 12);
    memset(got, 1, sizeof(got));
    expect_ret("read the hole", io_read(h, got, 10), 10);
    for (int i = 0; i < 10; i++)
        if (got[i] != 0)
            test_fail("the hole has byte %d at %d", got[i], i);
    expect_ret("close", io_close(h), 0);
    /* Read-only and write-only opens keep to their mode; O_APPEND appends. */
    h = fs_open("/tmp/a", PROTO_O_RDONLY, 0);
    expect_ret("write on a read-only open", io_write(h, "x", 1), -CAIRN_EBADF);
    expect_ret("truncate on a read-only open",
               call_ep(h, PROTO_IO_TRUNCATE, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_EBADF);
    io_close(h);
    h = fs_open("/tmp/a", PROTO_O_WRONLY | PROTO_O_APPEND, 0);
    expect_ret("read on a write-only open", io_read(h, got, 1), -CAIRN_EBADF);
    expect_ret("append", io_write(h, "END", 3), 3);
    io_close(h);
    expect_ret("stat", fs_stat("/tmp/a", &st), 0);
    if (st.size != 104)
        test_fail("after the append the size is %lu", (unsigned long)st.size);
    /* O_TRUNC empties it. */
    h = fs_open("/tmp/a", PROTO_O_WRONLY | PROTO_O_TRUNC, 0);
    io_close(h);
    expect_ret("stat", fs_stat("/tmp/a", &st), 0);
    if (st.size != 0)
        test_fail("after O_TRUNC the size is %lu", (unsigned long)st.size);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/tmp/a", 0), 0);
    expect_ret("open what is gone", fs_open("/tmp/a", PROTO_O_RDONLY, 0), -CAIRN_ENOENT);
}

static void
truncate_grows_and_shrinks_a_file(void)
{
    long h = fs_open("/t", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    static char buf[CAIRN_MSG_BUF_MAX];
    struct proto_stat st;

    memset(buf, 'q', sizeof(buf));
    expect_ret("write", io_write(h, buf, sizeof(buf)), sizeof(buf));
    expect_ret("shrink", call_ep(h, PROTO_IO_TRUNCATE, 10, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("grow", call_ep(h, PROTO_IO_TRUNCATE, 5000, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("fstat", io_stat(h, &st), 0);
    if (st.size != 5000)
        test_fail("size %lu after the truncates", (unsigned long)st.size);
    expect_ret("seek", io_seek(h, 0, PROTO_SEEK_SET), 0);
    memset(buf, 1, sizeof(buf));
    expect_ret("read", io_read(h, buf, sizeof(buf)), sizeof(buf));
    for (int i = 0; i < (int)sizeof(buf); i++)
        if (buf[i] != (i < 10 ? 'q' : 0)) {
            test_fail("byte %d is %d after shrinking and growing", i, buf[i]);
            break;
        }
    expect_ret("truncate past the largest file",
               call_ep(h, PROTO_IO_TRUNCATE, 1ull << 50, 0, NULL, 0, NULL, 0, NULL), -CAIRN_EINVAL);
    io_close(h);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/t", 0), 0);
}

static void
an_unlinked_file_stays_open_until_its_last_close(void)
{
    long h = fs_open("/tmp/u", PROTO_O_RDWR | PROTO_O_CREAT, 0644), h2;
    struct proto_stat st;
    char got[8];

    expect_ret("write", io_write(h, "abc", 3), 3);
    /* A copy shares the open file (and its offset). */
    expect_ret("dup", call_ep(h, PROTO_IO_DUP, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    h2 = cairn_handle_dup(h, SEND);
    expect_ret("unlink while open", fs_path(PROTO_FS_UNLINK, "/tmp/u", 0), 0);
    expect_ret("stat the name", fs_stat("/tmp/u", &st), -CAIRN_ENOENT);
    expect_ret("close one copy", io_close(h), 0);
    expect_ret("the copy still seeks", io_seek(h2, 0, PROTO_SEEK_SET), 0);
    expect_ret("and reads", io_read(h2, got, 8), 3);
    expect_ret("and writes", io_write(h2, "d", 1), 1);
    expect_ret("fstat", io_stat(h2, &st), 0);
    if (st.nlink != 0 || st.size != 4)
        test_fail("unlinked open file: nlink %u size %lu", st.nlink, (unsigned long)st.size);
    expect_ret("last close", io_close(h2), 0);
    /* The same name is free for a new file. */
    h = fs_open("/tmp/u", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_EXCL, 0644);
    expect_ret("fstat the new file", io_stat(h, &st), 0);
    if (st.size != 0)
        test_fail("the new file has %lu bytes", (unsigned long)st.size);
    io_close(h);
    fs_path(PROTO_FS_UNLINK, "/tmp/u", 0);
}

/* The names in directory path, joined by ',' in order, read with a
 * readdir of at most `want` entries' room at a time (a small cap). */
static void
list_dir(const char *path, char *names, size_t cap)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    uint64_t cookie = 0;
    long h = fs_open(path, PROTO_O_RDONLY | PROTO_O_DIRECTORY, 0), n;
    struct reply r;

    names[0] = '\0';
    if (h < 0) {
        test_fail("open %s: %s", path, cairn_error_name((int)h));
        return;
    }
    while ((n = call_ep(h, PROTO_IO_READDIR, cookie, 0, NULL, 0, buf, sizeof(buf), &r)) > 0) {
        size_t at = 0;

        for (long i = 0; i < n; i++) {
            const struct proto_dirent *d = (const void *)(buf + at);

            if (at + d->reclen > r.len || d->reclen % 8 || d->namelen == 0 ||
                d->name[d->namelen] != '\0' || d->ino == 0) {
                test_fail("%s: a bad entry at %zu", path, at);
                io_close(h);
                return;
            }
            if (strlen(names) + d->namelen + 2 < cap) {
                strcat(names, d->name);
                strcat(names, d->type == PROTO_DT_DIR ? "/," : ",");
            }
            at += d->reclen;
        }
        if (r.w[1] <= cookie)
            test_fail("the cookie did not move on");
        cookie = r.w[1];
    }
    expect_ret("the last readdir", n, 0);
    io_close(h);
}

static void
directories_are_made_listed_renamed_and_removed(void)
{
    char names[2048], path[64];
    long h;

    expect_ret("mkdir /d", fs_path(PROTO_FS_MKDIR, "/d", 0755), 0);
    expect_ret("mkdir /d again", fs_path(PROTO_FS_MKDIR, "/d", 0755), -CAIRN_EEXIST);
    expect_ret("mkdir /", fs_path(PROTO_FS_MKDIR, "/", 0755), -CAIRN_EEXIST);
    expect_ret("mkdir in a missing dir", fs_path(PROTO_FS_MKDIR, "/no/d", 0755), -CAIRN_ENOENT);
    expect_ret("mkdir /d/sub", fs_path(PROTO_FS_MKDIR, "/d/sub", 0755), 0);
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof(path), "/d/file-%03d", i);
        h = fs_open(path, PROTO_O_WRONLY | PROTO_O_CREAT, 0644);
        if (h < 0) {
            test_fail("create %s: %s", path, cairn_error_name((int)h));
            return;
        }
        io_close(h);
    }
    list_dir("/d", names, sizeof(names));
    if (strncmp(names, "sub/,file-000,file-001,", 23) != 0 || !strstr(names, "file-199,") ||
        strstr(names, "file-199,") != names + strlen(names) - 9)
        test_fail("/d lists %.60s...", names);
    expect_ret("open a directory for writing", fs_open("/d", PROTO_O_RDWR, 0), -CAIRN_EISDIR);
    expect_ret("O_DIRECTORY on a file", fs_open("/d/file-000", PROTO_O_DIRECTORY, 0),
               -CAIRN_ENOTDIR);
    expect_ret("O_CREAT on a directory", fs_open("/d", PROTO_O_CREAT, 0644), -CAIRN_EISDIR);
    expect_ret("rmdir a full dir", fs_path(PROTO_FS_RMDIR, "/d", 0), -CAIRN_ENOTEMPTY);
    expect_ret("rmdir a file", fs_path(PROTO_FS_RMDIR, "/d/file-000", 0), -CAIRN_ENOTDIR);
    expect_ret("unlink a dir", fs_path(PROTO_FS_UNLINK, "/d/sub", 0), -CAIRN_EISDIR);
    expect_ret("rmdir /", fs_path(PROTO_FS_RMDIR, "/", 0), -CAIRN_EBUSY);
    expect_ret("rmdir a mount point", fs_path(PROTO_FS_RMDIR, "/tmp", 0), -CAIRN_EBUSY);
    expect_ret("a path through a file", fs_path(PROTO_FS_MKDIR, "/d/file-000/x", 0755),
               -CAIRN_ENOTDIR);
    /* Renames: a file, a file over a file, a directory, and the refusals. */
    expect_ret("rename", fs_rename("/d/file-000", "/d/sub/moved"), 0);
    expect_ret("rename over a file", fs_rename("/d/file-001", "/d/sub/moved"), 0);
    expect_ret("the old name is gone", fs_open("/d/file-001", 0, 0), -CAIRN_ENOENT);
    expect_ret("a dir into itself", fs_rename("/d", "/d/sub/d"), -CAIRN_EINVAL);
    expect_ret("a file over a dir", fs_rename("/d/file-002", "/d/sub"), -CAIRN_EISDIR);
    expect_ret("a dir over a file", fs_rename("/d/sub", "/d/file-002"), -CAIRN_ENOTDIR);
    expect_ret("across file systems", fs_rename("/d/file-002", "/tmp/x"), -CAIRN_EXDEV);
    expect_ret("a mount point", fs_rename("/tmp", "/tmp2"), -CAIRN_EBUSY);
    expect_ret("/", fs_rename("/", "/x"), -CAIRN_EBUSY);
    expect_ret("no 0 between the names",
               call_ep(vfs_ep, PROTO_FS_RENAME, 0, 0, "/d/a/d/b", 8, NULL, 0, NULL), -CAIRN_EINVAL);
    expect_ret("a missing file", fs_rename("/d/nope", "/d/x"), -CAIRN_ENOENT);
    expect_ret("a dir", fs_rename("/d/sub", "/d2"), 0);
    list_dir("/d2", names, sizeof(names));
    if (strcmp(names, "moved,") != 0)
        test_fail("/d2 lists %s", names);
    /* Empty them and remove both. */
    for (int i = 2; i < 200; i++) {
        snprintf(path, sizeof(path), "/d/file-%03d", i);
        if (fs_path(PROTO_FS_UNLINK, path, 0) != 0)
            test_fail("unlink %s", path);
    }
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/d2/moved", 0), 0);
    expect_ret("rmdir /d2", fs_path(PROTO_FS_RMDIR, "/d2", 0), 0);
    expect_ret("rmdir /d", fs_path(PROTO_FS_RMDIR, "/d", 0), 0);
    list_dir("/", names, sizeof(names));
    if (strcmp(names, "tmp/,boot/,bin/,dev/,") != 0)
        test_fail("/ lists %s", names);
}

/* Reads the whole file at path: its bytes must be the size bytes at want. */
static void
expect_contents(const char *path, const uint8_t *want, uint64_t size)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    long h = fs_open(path, PROTO_O_RDONLY, 0), n;
    uint64_t at = 0;

    if (h < 0) {
        test_fail("open %s: %s", path, cairn_error_name((int)h));
        return;
    }
    while ((n = io_read(h, buf, sizeof(buf))) > 0) {
        if (at + (uint64_t)n > size || memcmp(buf, want + at, (size_t)n) != 0) {
            test_fail("%s differs at %lu", path, (unsigned long)at);
            break;
        }
        at += (uint64_t)n;
    }
    if (n == 0 && at != size)
        test_fail("%s has %lu bytes, not %lu", path, (unsigned long)at, (unsigned long)size);
    io_close(h);
}

static void
boot_is_the_initfs_read_only_and_bin_is_its_bin(void)
{
    uint64_t size = 0, mapped;
    long fs = cairn_boot_module("initfs", &size), at;
    struct tar_member m;
    struct proto_stat a, b;
    char names[2048];

    if (fs < 0) {
        test_fail("no initfs module");
        return;
    }
    mapped = (size + PAGE - 1) & ~(PAGE - 1);
    at = cairn_vm_map(fs, 0, mapped, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        test_fail("map the initfs: %s", cairn_error_name((int)at));
        return;
    }
    expect_ret("find bin/vfs", tar_find((const void *)at, size, "bin/vfs", &m), 0);
    expect_contents("/boot/bin/vfs", (const uint8_t *)at + m.offset, m.size);
    expect_contents("/bin/vfs", (const uint8_t *)at + m.offset, m.size);
    expect_ret("find filler", tar_find((const void *)at, size, "filler", &m), 0);
    expect_contents("/boot/filler", (const uint8_t *)at + m.offset, m.size);
    cairn_vm_unmap((uint64_t)at, mapped);
    expect_ret("stat /boot/bin/vfs", fs_stat("/boot/bin/vfs", &a), 0);
    expect_ret("stat /bin/vfs", fs_stat("/bin/vfs", &b), 0);
    if (a.ino != b.ino || a.dev != b.dev || a.dev != 3 || (a.mode & PROTO_S_IFMT) != PROTO_S_IFREG)
        test_fail("/bin/vfs is not /boot/bin/vfs");
    list_dir("/bin", names, sizeof(names));
    if (!strstr(names, "vfs,"))
        test_fail("/bin lists %s", names);
    list_dir("/boot", names, sizeof(names));
    if (strncmp(names, "bin/,", 5) != 0 || !strstr(names, "test-vfs,") || !strstr(names, "filler,"))
        test_fail("/boot lists %.80s", names);
    /* Every change is refused. */
    expect_ret("open for writing", fs_open("/boot/filler", PROTO_O_RDWR, 0), -CAIRN_EROFS);
    expect_ret("O_TRUNC", fs_open("/bin/vfs", PROTO_O_RDONLY | PROTO_O_TRUNC, 0), -CAIRN_EROFS);
    expect_ret("create", fs_open("/boot/new", PROTO_O_RDWR | PROTO_O_CREAT, 0644), -CAIRN_EROFS);
    expect_ret("create in /bin", fs_open("/bin/new", PROTO_O_WRONLY | PROTO_O_CREAT, 0644),
               -CAIRN_EROFS);
    expect_ret("mkdir", fs_path(PROTO_FS_MKDIR, "/boot/d", 0755), -CAIRN_EROFS);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/boot/filler", 0), -CAIRN_EROFS);
    expect_ret("rmdir", fs_path(PROTO_FS_RMDIR, "/boot/bin", 0), -CAIRN_EROFS);
    expect_ret("rename within", fs_rename("/boot/filler", "/boot/f2"), -CAIRN_EROFS);
    expect_ret("rename out", fs_rename("/boot/filler", "/f2"), -CAIRN_EROFS);
    expect_ret("rmdir /boot", fs_path(PROTO_FS_RMDIR, "/boot", 0), -CAIRN_EBUSY);
    expect_ret("rmdir /bin", fs_path(PROTO_FS_RMDIR, "/bin", 0), -CAIRN_EBUSY);
    long h = fs_open("/boot/filler", PROTO_O_RDONLY, 0);
    expect_ret("write to it", io_write(h, "x", 1), -CAIRN_EBADF);
    io_close(h);
}

static void
paths_fold_dots_and_never_climb_above_the_root(void)
{
    static char longpath[PROTO_PATH_MAX + 16];
    struct proto_stat st;
    long h;

    h = fs_open("/tmp/./x", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    expect_ret("write", io_write(h, "dots", 4), 4);
    io_close(h);
    expect_ret("..", fs_stat("/tmp/../tmp/x", &st), 0);
    expect_ret(".. above /", fs_stat("/../../../tmp/x", &st), 0);
    expect_ret("slashes", fs_stat("//tmp///x/", &st), 0);
    if (st.size != 4)
        test_fail("/tmp/x has %lu bytes", (unsigned long)st.size);
    expect_ret("/.. is /", fs_stat("/..", &st), 0);
    if (st.dev != 1 || (st.mode & PROTO_S_IFMT) != PROTO_S_IFDIR)
        test_fail("/.. is not /");
    expect_ret("a relative path", fs_stat("tmp/x", &st), -CAIRN_EINVAL);
    expect_ret("an empty path", call_ep(vfs_ep, PROTO_FS_STAT, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EINVAL);
    expect_ret("a NUL inside", call_ep(vfs_ep, PROTO_FS_STAT, 0, 0, "/tmp\0x", 6, NULL, 0, NULL),
               -CAIRN_EINVAL);
    memset(longpath, '/', sizeof(longpath));
    memcpy(longpath + PROTO_PATH_MAX - 5, "tmp/x", 5);
    expect_ret("PROTO_PATH_MAX bytes",
               call_ep(vfs_ep, PROTO_FS_STAT, 0, 0, longpath, PROTO_PATH_MAX, NULL, 0, NULL), 0);
    expect_ret("one byte more",
               call_ep(vfs_ep, PROTO_FS_STAT, 0, 0, longpath, PROTO_PATH_MAX + 1, NULL, 0, NULL),
               -CAIRN_ENAMETOOLONG);
    longpath[0] = '/';
    memset(longpath + 1, 'n', PROTO_NAME_MAX + 1);
    expect_ret("a name too long",
               call_ep(vfs_ep, PROTO_FS_OPEN, PROTO_O_CREAT | PROTO_O_RDWR, 0644, longpath,
                       PROTO_NAME_MAX + 2, NULL, 0, NULL),
               -CAIRN_ENAMETOOLONG);
    h = call_ep(vfs_ep, PROTO_FS_MKDIR, 0755, 0, longpath, PROTO_NAME_MAX + 1, NULL, 0, NULL);
    expect_ret("a name of PROTO_NAME_MAX", h, 0);
    longpath[PROTO_NAME_MAX + 1] = '\0';
    expect_ret("rmdir it", fs_path(PROTO_FS_RMDIR, longpath, 0), 0);
    expect_ret("a missing name", fs_stat("/tmp/nope", &st), -CAIRN_ENOENT);
    expect_ret("through a file", fs_stat("/tmp/x/y", &st), -CAIRN_ENOTDIR);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/tmp/x", 0), 0);
}

/* --- pipes --- */

#define PIPE_BYTES (96 * 1024)

static long
pipe_make(long *rd, long *wr)
{
    struct reply r;
    long e = call_ep(vfs_ep, PROTO_FS_PIPE, 0, 0, NULL, 0, NULL, 0, &r);

    if (e < 0) {
        test_fail("pipe: %s", cairn_error_name((int)e));
        return e;
    }
    if (r.nh != 2) {
        test_fail("pipe: %u handles", r.nh);
        return -CAIRN_EINVAL;
    }
    *rd = r.h[0];
    *wr = r.h[1];
    return 0;
}

static uint8_t
pattern(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 9));
}

/* A writer thread: PIPE_BYTES of pattern() in pieces of 1 to 4096 bytes,
 * then it closes its end. Returns 0 or the first failing result. */
static long
pipe_writer(void *arg)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    long wr = (long)arg, e;
    uint64_t at = 0, step = 1;

    while (at < PIPE_BYTES) {
        uint64_t n = (step * 997) % CAIRN_MSG_BUF_MAX + 1;

        if (n > PIPE_BYTES - at)
            n = PIPE_BYTES - at;
        for (uint64_t i = 0; i < n; i++)
            buf[i] = pattern(at + i);
        e = io_write(wr, buf, n);
        if (e != (long)n)
            return e < 0 ? e : -1000;
        at += n;
        step++;
    }
    return io_close(wr);
}

static void
a_pipe_between_two_threads_blocks_both_ways_and_ends(void)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    struct test_thread t;
    struct proto_stat st;
    long rd, wr, n;
    uint64_t at = 0, want = 1;
    int64_t status = -1;

    if (pipe_make(&rd, &wr) < 0)
        return;
    expect_ret("seek on a pipe", io_seek(rd, 0, PROTO_SEEK_SET), -CAIRN_ESPIPE);
    expect_ret("fstat a pipe", io_stat(wr, &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFIFO)
        test_fail("a pipe's mode is %o", st.mode);
    expect_ret("read the write end", io_read(wr, buf, 1), -CAIRN_EBADF);
    expect_ret("write the read end", io_write(rd, "x", 1), -CAIRN_EBADF);
    expect_ret("a non-blocking read of an empty pipe",
               call_ep(rd, PROTO_IO_READ, 10, PROTO_IO_NONBLOCK, NULL, 0, NULL, 0, NULL),
               -CAIRN_EAGAIN);
    if (test_thread_start(&t, pipe_writer, (void *)wr) != 0)
        return;
    /* Reads of varying sizes; the writer waits while the pipe is full,
     * this thread while it is empty. */
    while ((n = io_read(rd, buf, want)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] != pattern(at + (uint64_t)i)) {
                test_fail("byte %lu is wrong", (unsigned long)(at + (uint64_t)i));
                n = -1;
                break;
            }
        if (n < 0)
            break;
        at += (uint64_t)n;
        want = (want * 7 + 13) % CAIRN_MSG_BUF_MAX + 1;
    }
    expect_ret("the end of the stream", n, 0);
    if (at != PIPE_BYTES)
        test_fail("read %lu bytes of %u", (unsigned long)at, PIPE_BYTES);
    expect_ret("join the writer", test_thread_join(&t, 30 * SECOND, &status), 0);
    if (status != 0)
        test_fail("the writer ended with %ld", (long)status);
    test_thread_free(&t);
    expect_ret("read after the end", io_read(rd, buf, 10), 0);
    io_close(rd);
}

/* Fills the pipe then writes on: returns the first non-full result. */
static long
pipe_filler(void *arg)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    long wr = (long)arg, e;

    for (;;) {
        e = io_write(wr, buf, sizeof(buf));
        if (e != (long)sizeof(buf))
            return e;
    }
}

static long
pipe_reader(void *arg)
{
    uint8_t buf[16];

    return io_read((long)arg, buf, sizeof(buf));
}

static void
a_reader_gets_end_of_file_and_a_writer_epipe_when_the_other_end_closes(void)
{
    struct test_thread t1, t2, t3;
    long rd, wr;
    int64_t s1 = 1, s2 = 1, s3 = 1;

    /* Two readers wait on an empty pipe; the writer's close ends both. */
    if (pipe_make(&rd, &wr) < 0)
        return;
    if (test_thread_start(&t1, pipe_reader, (void *)rd) != 0 ||
        test_thread_start(&t2, pipe_reader, (void *)rd) != 0)
        return;
    cairn_thread_sleep(20 * MS_NS); /* not needed for the result: the readers may come late */
    expect_ret("close the write end", io_close(wr), 0);
    expect_ret("join reader 1", test_thread_join(&t1, 10 * SECOND, &s1), 0);
    expect_ret("join reader 2", test_thread_join(&t2, 10 * SECOND, &s2), 0);
    if (s1 != 0 || s2 != 0)
        test_fail("the readers got %ld and %ld, not end of file", (long)s1, (long)s2);
    test_thread_free(&t1);
    test_thread_free(&t2);
    io_close(rd);
    /* A writer waits on a full pipe; the reader's close gives it EPIPE. */
    if (pipe_make(&rd, &wr) < 0)
        return;
    if (test_thread_start(&t3, pipe_filler, (void *)wr) != 0)
        return;
    cairn_thread_sleep(20 * MS_NS);
    expect_ret("close the read end", io_close(rd), 0);
    expect_ret("join the writer", test_thread_join(&t3, 10 * SECOND, &s3), 0);
    if (s3 != -CAIRN_EPIPE)
        test_fail("the writer got %s, not EPIPE", cairn_error_name((int)s3));
    test_thread_free(&t3);
    expect_ret("write again", io_write(wr, "x", 1), -CAIRN_EPIPE);
    io_close(wr);
}

/* More than the server's open files (VFS_FILES_MAX, 256). */
#define VFS_TEST_OPENS 300

/* A process that dies without closing: its handles go without
 * PROTO_IO_CLOSE, and the server learns of it from the kernel's close
 * notice. Here the handles are closed without a word to the server. */
static void
a_pipe_end_let_go_without_a_close_still_ends_the_pipe(void)
{
    struct test_thread t;
    long rd, wr;
    int64_t s = 1;

    if (pipe_make(&rd, &wr) < 0)
        return;
    if (test_thread_start(&t, pipe_reader, (void *)rd) != 0)
        return;
    cairn_thread_sleep(20 * MS_NS); /* not needed for the result */
    expect_ret("let the write end go", cairn_handle_close(wr), 0);
    expect_ret("join the reader", test_thread_join(&t, 10 * SECOND, &s), 0);
    if (s != 0)
        test_fail("the reader got %ld, not end of file", (long)s);
    test_thread_free(&t);
    io_close(rd);
    /* Open files let go the same way come back: all the server's opens
     * taken, every handle dropped without a close, then as many again
     * (each open retried while the notices are still on their way). */
    {
        static long h[VFS_TEST_OPENS];
        int n = 0;

        while (n < VFS_TEST_OPENS) {
            h[n] = fs_open("/tmp/gone", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
            if (h[n] < 0)
                break;
            n++;
        }
        if (n == VFS_TEST_OPENS || h[n] != -CAIRN_EMFILE)
            test_fail("%d opens, then %s (want EMFILE)", n,
                      n == VFS_TEST_OPENS ? "more" : cairn_error_name((int)h[n]));
        for (int i = 0; i < n; i++)
            cairn_handle_close(h[i]);
        for (int i = 0; i < n; i++) {
            long again = fs_open("/tmp/gone", PROTO_O_RDWR, 0);
            uint64_t t0 = cairn_clock_get();

            while (again == -CAIRN_EMFILE && cairn_clock_get() - t0 < 10 * SECOND) {
                cairn_thread_sleep(10 * MS_NS);
                again = fs_open("/tmp/gone", PROTO_O_RDWR, 0);
            }
            if (again < 0) {
                test_fail("open %d after the handles went: %s", i + 1,
                          cairn_error_name((int)again));
                break;
            }
            h[i] = again;
        }
        for (int i = 0; i < n; i++)
            io_close(h[i]);
    }
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/tmp/gone", 0), 0);
}

/* --- bad input --- */

static void
bad_requests_get_errors_and_the_server_goes_on(void)
{
    static uint8_t junk[CAIRN_MSG_BUF_MAX];
    struct proto_stat st;
    uint64_t seed = 0x1234567887654321ull;
    long h, f, stale, note, opened[300];
    int n = 0, got_emfile = 0;

    expect_ret("an unknown operation", call_ep(vfs_ep, 0x999, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_ENOSYS);
    expect_ret("an I/O request on the namespace",
               call_ep(vfs_ep, PROTO_IO_READ, 10, 0, NULL, 0, NULL, 0, NULL), -CAIRN_EBADF);
    h = fs_open("/", PROTO_O_RDONLY, 0);
    expect_ret("a path request on an open file",
               call_ep(h, PROTO_FS_STAT, 0, 0, "/", 1, NULL, 0, NULL), -CAIRN_ENOSYS);
    expect_ret("an unknown operation on an open file",
               call_ep(h, 0x1ff, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_ENOSYS);
    expect_ret("read a directory", io_read(h, junk, 10), -CAIRN_EISDIR);
    f = fs_open("/bin/vfs", PROTO_O_RDONLY, 0);
    expect_ret("readdir a file",
               call_ep(f, PROTO_IO_READDIR, 0, 0, NULL, 0, junk, sizeof(junk), NULL),
               -CAIRN_ENOTDIR);
    io_close(f);
    expect_ret("a terminal request", call_ep(h, PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_ENOSYS);
    /* A closed open file's handle names nothing, even after its slot is reused. */
    stale = cairn_handle_dup(h, SEND);
    expect_ret("close", io_close(h), 0);
    expect_ret("a closed open file", io_stat(stale, &st), -CAIRN_EBADF);
    h = fs_open("/", PROTO_O_RDONLY, 0);
    expect_ret("still closed after reuse", io_stat(stale, &st), -CAIRN_EBADF);
    expect_ret("close it again", call_ep(stale, PROTO_IO_CLOSE, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EBADF);
    cairn_handle_close(stale);
    /* Sizes out of range. */
    f = fs_open("/tmp/bad", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    expect_ret("read 0 bytes", io_read(f, junk, 0), -CAIRN_EINVAL);
    expect_ret("read too many",
               call_ep(f, PROTO_IO_READ, CAIRN_MSG_BUF_MAX + 1, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EINVAL);
    expect_ret("write 0 bytes", io_write(f, junk, 0), -CAIRN_EINVAL);
    expect_ret("bad open flags", fs_open("/tmp/bad", 0x80000000u, 0), -CAIRN_EINVAL);
    expect_ret("access mode 3", fs_open("/tmp/bad", 3, 0), -CAIRN_EINVAL);
    expect_ret("seek far", io_seek(f, INT64_MAX, PROTO_SEEK_SET), -CAIRN_EINVAL);
    expect_ret("seek far from the current", io_seek(f, 1ll << 41, PROTO_SEEK_CUR), -CAIRN_EINVAL);
    io_close(f);
    fs_path(PROTO_FS_UNLINK, "/tmp/bad", 0);
    /* Handles sent along are closed by the server: the notification dies. */
    struct cairn_debug_stats before = stats_settled();
    note = cairn_notify_create();
    struct cairn_msg_ext ext = {.send_buf = (uint64_t) "/",
                                .send_len = 1,
                                .send_nhandles = 1,
                                .recv_buf = (uint64_t)&st,
                                .recv_cap = sizeof(st)};
    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)note, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    struct cairn_msg m = {.w = {PROTO_FS_STAT}, .ext = &ext};
    expect_ret("a request with a handle", cairn_ipc_call(vfs_ep, &m), 0);
    expect_ret("its result", (long)m.w[0], 0);
    cairn_handle_close(note);
    expect_stats(&before, "a notification sent along with a request");
    /* Garbage: random bytes and operations, every answer an error or a result. */
    for (int i = 0; i < 3000; i++) {
        uint64_t ops[] = {PROTO_FS_OPEN,  PROTO_FS_STAT,   PROTO_FS_MKDIR, PROTO_FS_UNLINK,
                          PROTO_FS_RMDIR, PROTO_FS_RENAME, PROTO_FS_PIPE};
        uint64_t op = ops[rand64(&seed) % 7];
        size_t len = rand64(&seed) % (i < 2000 ? 40 : sizeof(junk) + 1);
        struct reply r;
        long e;

        for (size_t k = 0; k < len; k++)
            junk[k] = (uint8_t)rand64(&seed);
        if (len && (i & 1))
            junk[0] = '/';
        if (op == PROTO_FS_MKDIR || op == PROTO_FS_OPEN) /* keep the tree small */
            for (size_t k = 1; k < len; k++)
                junk[k] = (uint8_t)('a' + junk[k] % 3);
        e = call_ep(vfs_ep, op, rand64(&seed) & (PROTO_O_RDONLY | PROTO_O_DIRECTORY), 0644, junk,
                    len, NULL, 0, &r);
        if (e < -40 || (e > 0 && op != PROTO_FS_OPEN)) {
            test_fail("op %#lx on %zu garbage bytes: %ld", (unsigned long)op, len, e);
            break;
        }
        for (uint32_t k = 0; k < r.nh && k < CAIRN_MSG_HANDLES && e >= 0; k++)
            io_close(r.h[k]);
    }
    expect_ret("the server still answers", fs_stat("/", &st), 0);
    /* The table of open files is bounded. */
    while (n < 300) {
        long o = fs_open("/", PROTO_O_RDONLY, 0);

        if (o == -CAIRN_EMFILE) {
            got_emfile = 1;
            break;
        }
        if (o < 0) {
            test_fail("open %d: %s", n, cairn_error_name((int)o));
            break;
        }
        opened[n++] = o;
    }
    if (!got_emfile || n < 200)
        test_fail("%d opens, then no EMFILE", n);
    expect_ret("a pipe with the table full",
               call_ep(vfs_ep, PROTO_FS_PIPE, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_EMFILE);
    while (n > 0)
        io_close(opened[--n]);
    io_close(h);
    expect_ret("opens work again", (h = fs_open("/", PROTO_O_RDONLY, 0)) >= 0, 1);
    io_close(h);
}

static void
a_mebibyte_file_is_written_and_read_back_intact(void)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    long h = fs_open("/big", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_TRUNC, 0644), n;
    struct proto_stat st;
    uint64_t at;

    if (h < 0) {
        test_fail("create /big: %s", cairn_error_name((int)h));
        return;
    }
    for (at = 0; at < (1u << 20); at += sizeof(buf)) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = pattern(at + i);
        if ((n = io_write(h, buf, sizeof(buf))) != (long)sizeof(buf)) {
            test_fail("write at %lu: %ld", (unsigned long)at, n);
            break;
        }
    }
    expect_ret("fstat", io_stat(h, &st), 0);
    if (st.size != (1u << 20))
        test_fail("size %lu", (unsigned long)st.size);
    expect_ret("seek", io_seek(h, 0, PROTO_SEEK_SET), 0);
    for (at = 0; (n = io_read(h, buf, 3000)) > 0; at += (uint64_t)n)
        for (long i = 0; i < n; i++)
            if (buf[i] != pattern(at + (uint64_t)i)) {
                test_fail("byte %lu is wrong", (unsigned long)(at + (uint64_t)i));
                n = 0;
                at = 1u << 20;
                goto done;
            }
done:
    if (at != (1u << 20))
        test_fail("read back %lu bytes", (unsigned long)at);
    io_close(h);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/big", 0), 0);
}

/* --- bulk channels (io.h, PROTO_IO_BULK_*) --- */

/* The server's bounds (servers/vfs/vfs.h): a buffer's size, channels on
 * one open file, channels in all. */
#define VFS_BULK_MAX       (1u << 20)
#define VFS_CHANS_PER_FILE 4
#define VFS_CHANS_MAX      32

/* A buffer to share: a memory object and this program's mapping of it. */
struct bulkbuf {
    long mo;
    uint8_t *p;
    uint64_t size;
};

static int
bulkbuf_make(struct bulkbuf *b, uint64_t size, uint64_t flags)
{
    long at;

    b->mo = cairn_memobj_create(size, flags);
    if (b->mo < 0) {
        test_fail("memobj_create(%lu): %s", (unsigned long)size, cairn_error_name((int)b->mo));
        return -1;
    }
    at = cairn_vm_map(b->mo, 0, size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0) {
        test_fail("map the buffer: %s", cairn_error_name((int)at));
        cairn_handle_close(b->mo);
        return -1;
    }
    b->p = (uint8_t *)at;
    b->size = size;
    return 0;
}

static void
bulkbuf_free(struct bulkbuf *b)
{
    cairn_vm_unmap((uint64_t)b->p, b->size);
    cairn_handle_close(b->mo);
}

/* PROTO_IO_BULK_OPEN on h with a copy of mo (none if mo < 0) claiming
 * size bytes: the channel's handle or a negative code; *limit (if not
 * NULL) the largest buffer the server said it takes. */
static long
bulk_open(long h, long mo, uint64_t size, uint64_t *limit)
{
    struct reply r;
    struct cairn_msg_ext ext = {.send_nhandles = mo >= 0 ? 1 : 0};
    struct cairn_msg m = {.w = {PROTO_IO_BULK_OPEN, size}, .ext = &ext};
    long e;

    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    e = cairn_ipc_call(h, &m);
    memset(&r, 0, sizeof(r));
    if (e >= 0)
        e = (long)m.w[0];
    if (limit)
        *limit = m.w[1];
    if (e < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return e;
    }
    if (ext.recv_nhandles != 1) {
        test_fail("a channel came with %u handles", ext.recv_nhandles);
        return -CAIRN_EINVAL;
    }
    return ext.recv_handles[0];
}

static long
bulk_read(long ch, uint64_t len)
{
    return call_ep(ch, PROTO_IO_BULK_READ, len, 0, NULL, 0, NULL, 0, NULL);
}

static long
bulk_write(long ch, uint64_t len)
{
    return call_ep(ch, PROTO_IO_BULK_WRITE, len, 0, NULL, 0, NULL, 0, NULL);
}

/* The first byte of [p, p + n) that is not pattern(at + i), or -1. */
static long
pattern_differs(const uint8_t *p, uint64_t at, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (p[i] != pattern(at + i))
            return (long)i;
    return -1;
}

static void
a_mebibyte_goes_through_a_bulk_channel_intact(void)
{
    static uint8_t msg[3000];
    struct bulkbuf b;
    struct proto_stat st;
    long h, ch, n, at;

    h = fs_open("/bulk", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_TRUNC, 0644);
    if (h < 0 || bulkbuf_make(&b, VFS_BULK_MAX, 0) < 0) {
        test_fail("open /bulk: %s", cairn_error_name((int)h));
        return;
    }
    ch = bulk_open(h, b.mo, b.size, NULL);
    if (ch < 0) {
        test_fail("bulk open: %s", cairn_error_name((int)ch));
        goto out;
    }
    for (uint64_t i = 0; i < b.size; i++)
        b.p[i] = pattern(i);
    expect_ret("write the whole buffer at once", bulk_write(ch, b.size), (long)b.size);
    expect_ret("a stat through the channel", io_stat(ch, &st), 0);
    if (st.size != b.size)
        test_fail("the file has %lu bytes", (unsigned long)st.size);
    /* The offset is the open file's: moved by the channel, seen by both. */
    expect_ret("the offset on the plain handle", io_seek(h, 0, PROTO_SEEK_CUR), (long)b.size);
    expect_ret("seek back", io_seek(h, 0, PROTO_SEEK_SET), 0);
    memset(b.p, 0, b.size);
    expect_ret("read it all back at once", bulk_read(ch, b.size), (long)b.size);
    if ((at = pattern_differs(b.p, 0, b.size)) >= 0)
        test_fail("byte %ld read through the channel is wrong", at);
    expect_ret("at the end", bulk_read(ch, 4096), 0);
    /* Messages read what the channel wrote, and a channel's plain read
     * acts on its open file. */
    expect_ret("seek through the channel", io_seek(ch, 12345, PROTO_SEEK_SET), 12345);
    n = io_read(h, msg, sizeof(msg));
    if (n != (long)sizeof(msg) || pattern_differs(msg, 12345, sizeof(msg)) >= 0)
        test_fail("a message read after the bulk write: %ld bytes, or wrong ones", n);
    n = io_read(ch, msg, sizeof(msg));
    if (n != (long)sizeof(msg) || pattern_differs(msg, 12345 + sizeof(msg), sizeof(msg)) >= 0)
        test_fail("a message read on the channel: %ld bytes, or wrong ones", n);
    /* Pieces of any size, from the middle. */
    expect_ret("seek", io_seek(h, 1000, PROTO_SEEK_SET), 1000);
    for (uint64_t off = 1000; off < b.size; off += (uint64_t)n) {
        n = bulk_read(ch, 100003);
        if (n <= 0 || pattern_differs(b.p, off, (uint64_t)n) >= 0) {
            test_fail("a bulk read at %lu: %ld bytes, or wrong ones", (unsigned long)off, n);
            break;
        }
    }
    expect_ret("close the channel", io_close(ch), 0);
out:
    bulkbuf_free(&b);
    io_close(h);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/bulk", 0), 0);
}

static void
bulk_requests_with_bad_sizes_or_buffers_are_refused(void)
{
    struct bulkbuf b, small, big;
    struct proto_stat st;
    uint64_t limit = 0;
    long h, ch, ro, note, f, rd, wr, dir, q;

    h = fs_open("/tmp/bb", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_TRUNC, 0644);
    if (h < 0 || bulkbuf_make(&b, 64 << 10, 0) < 0)
        return;
    if (bulkbuf_make(&small, 16 << 10, 0) < 0 || bulkbuf_make(&big, 2 * VFS_BULK_MAX, 0) < 0)
        return;
    expect_ret("no memory object", bulk_open(h, -1, b.size, &limit), -CAIRN_EINVAL);
    if (limit != VFS_BULK_MAX)
        test_fail("the server's limit is %lu", (unsigned long)limit);
    expect_ret("size 0", bulk_open(h, b.mo, 0, NULL), -CAIRN_EINVAL);
    expect_ret("not whole pages", bulk_open(h, b.mo, 4097, NULL), -CAIRN_EINVAL);
    expect_ret("an object smaller than claimed", bulk_open(h, small.mo, 32 << 10, NULL),
               -CAIRN_EINVAL);
    limit = 0;
    expect_ret("past the limit", bulk_open(h, big.mo, big.size, &limit), -CAIRN_EINVAL);
    if (limit != VFS_BULK_MAX)
        test_fail("the limit with EINVAL is %lu", (unsigned long)limit);
    ro = cairn_handle_dup(b.mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                    CAIRN_RIGHT_TRANSFER);
    expect_ret("a read-only object", bulk_open(h, ro, b.size, NULL), -CAIRN_EINVAL);
    cairn_handle_close(ro);
    note = cairn_notify_create();
    expect_ret("a notification for a buffer", bulk_open(h, note, 4096, NULL), -CAIRN_EINVAL);
    cairn_handle_close(note);
    /* An object charged as it is touched, on a quota that cannot pay for
     * its pages: refused at the open, never a fault in the server later. */
    q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 64 << 10);
    if (q >= 0 && cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q) == 0) {
        long mo = cairn_memobj_create(VFS_BULK_MAX, CAIRN_MEMOBJ_ON_TOUCH);

        expect_ret("set_quota(back)",
                   cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
        expect_ret("pages its quota cannot pay for", bulk_open(h, mo, VFS_BULK_MAX, NULL),
                   -CAIRN_EINVAL);
        cairn_handle_close(mo);
    } else {
        test_fail("no small quota: %s", cairn_error_name((int)q));
    }
    cairn_handle_close(q);
    expect_ret("on the namespace handle", bulk_open(vfs_ep, b.mo, b.size, NULL), -CAIRN_EBADF);
    dir = fs_open("/", PROTO_O_RDONLY, 0);
    expect_ret("on a directory", bulk_open(dir, b.mo, b.size, NULL), -CAIRN_EISDIR);
    io_close(dir);
    if (pipe_make(&rd, &wr) == 0) {
        /* A pipe's ends take channels, with the same checks (more in
         * "bulk channels on pipes" below). */
        expect_ret("size 0 on a pipe", bulk_open(rd, b.mo, 0, NULL), -CAIRN_EINVAL);
        expect_ret("past the limit on a pipe", bulk_open(wr, big.mo, big.size, NULL),
                   -CAIRN_EINVAL);
        expect_ret("no memory object on a pipe", bulk_open(wr, -1, b.size, NULL), -CAIRN_EINVAL);
        ch = bulk_open(rd, b.mo, b.size, NULL);
        if (ch < 0)
            test_fail("a channel on a pipe's read end: %s", cairn_error_name((int)ch));
        else
            io_close(ch);
        io_close(rd);
        io_close(wr);
    }
    /* A good channel, and bad requests on it. */
    ch = bulk_open(h, b.mo, b.size, NULL);
    if (ch < 0) {
        test_fail("bulk open: %s", cairn_error_name((int)ch));
        return;
    }
    expect_ret("read 0", bulk_read(ch, 0), -CAIRN_EINVAL);
    expect_ret("read past the buffer", bulk_read(ch, b.size + 1), -CAIRN_EINVAL);
    expect_ret("read far past it", bulk_read(ch, ~0ull), -CAIRN_EINVAL);
    expect_ret("write 0", bulk_write(ch, 0), -CAIRN_EINVAL);
    expect_ret("write past the buffer", bulk_write(ch, b.size + 4096), -CAIRN_EINVAL);
    expect_ret("a bulk read on the plain handle", bulk_read(h, 100), -CAIRN_EBADF);
    expect_ret("a bulk write on the plain handle", bulk_write(h, 100), -CAIRN_EBADF);
    expect_ret("dup a channel", call_ep(ch, PROTO_IO_DUP, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EPERM);
    expect_ret("a channel of a channel", bulk_open(ch, b.mo, b.size, NULL), -CAIRN_EPERM);
    expect_ret("a path request on a channel", fs_stat_on(ch, "/"), -CAIRN_ENOSYS);
    /* The client's side of the buffer gone changes nothing for the server. */
    bulkbuf_free(&b);
    expect_ret("a write after the client unmapped", bulk_write(ch, 4096), 4096);
    expect_ret("seek", io_seek(ch, 0, PROTO_SEEK_SET), 0);
    expect_ret("a read after it", bulk_read(ch, 8192), 4096);
    expect_ret("close the channel", call_ep(ch, PROTO_IO_CLOSE, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("a closed channel", bulk_read(ch, 1), -CAIRN_EBADF);
    expect_ret("a plain request on it", io_stat(ch, &st), -CAIRN_EBADF);
    cairn_handle_close(ch);
    /* Read-only files: a bulk write is EBADF, a bulk read of the initfs
     * gives its bytes. */
    if (bulkbuf_make(&b, 64 << 10, 0) < 0)
        return;
    f = fs_open("/bin/vfs", PROTO_O_RDONLY, 0);
    ch = bulk_open(f, b.mo, b.size, NULL);
    if (ch >= 0) {
        static uint8_t msg[4096];

        expect_ret("write a read-only file", bulk_write(ch, 10), -CAIRN_EBADF);
        expect_ret("read the initfs", bulk_read(ch, b.size), (long)b.size);
        expect_ret("seek", io_seek(f, 5000, PROTO_SEEK_SET), 5000);
        expect_ret("read it with a message", io_read(f, msg, sizeof(msg)), (long)sizeof(msg));
        if (memcmp(msg, b.p + 5000, sizeof(msg)) != 0)
            test_fail("the initfs read in bulk and with a message differ");
        io_close(ch);
    } else {
        test_fail("bulk open of an initfs file: %s", cairn_error_name((int)ch));
    }
    io_close(f);
    f = fs_open("/tmp/bb", PROTO_O_WRONLY, 0);
    ch = bulk_open(f, b.mo, b.size, NULL);
    expect_ret("read a write-only file", bulk_read(ch, 10), -CAIRN_EBADF);
    io_close(ch);
    io_close(f);
    bulkbuf_free(&b);
    bulkbuf_free(&small);
    bulkbuf_free(&big);
    io_close(h);
    expect_ret("the server still answers", fs_stat("/", &st), 0);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/tmp/bb", 0), 0);
}

/* Opens channels on h with 4 KiB buffers until one is refused: how many,
 * their handles in ch; *err the refusal. */
static int
bulk_open_all(long h, long *ch, int max, long *err)
{
    struct bulkbuf b;
    int n = 0;

    *err = 0;
    if (bulkbuf_make(&b, 4096, 0) < 0)
        return 0;
    while (n < max && (ch[n] = bulk_open(h, b.mo, b.size, NULL)) >= 0)
        n++;
    if (n < max)
        *err = ch[n];
    bulkbuf_free(&b); /* the server's mappings keep the pages */
    return n;
}

static void
a_channel_outlives_its_plain_handle_and_dropped_channels_come_back(void)
{
    static long ch[VFS_CHANS_MAX + 1], files[VFS_CHANS_MAX / VFS_CHANS_PER_FILE + 1];
    struct bulkbuf b;
    long h, c, err;
    int n, nf = 0, total = 0;

    h = fs_open("/tmp/bc", PROTO_O_RDWR | PROTO_O_CREAT | PROTO_O_TRUNC, 0644);
    if (h < 0 || bulkbuf_make(&b, 128 << 10, 0) < 0)
        return;
    c = bulk_open(h, b.mo, b.size, NULL);
    for (uint64_t i = 0; i < b.size; i++)
        b.p[i] = pattern(i * 7);
    expect_ret("write", bulk_write(c, b.size), (long)b.size);
    /* The open file's own handle closed the ordinary way and let go: the
     * channel's reference keeps the open file. */
    expect_ret("close the plain handle", io_close(h), 0);
    expect_ret("seek on the channel", io_seek(c, 0, PROTO_SEEK_SET), 0);
    memset(b.p, 0, b.size);
    expect_ret("read on the channel", bulk_read(c, b.size), (long)b.size);
    for (uint64_t i = 0; i < b.size; i++)
        if (b.p[i] != pattern(i * 7)) {
            test_fail("byte %lu read after the plain close is wrong", (unsigned long)i);
            break;
        }
    expect_ret("close the channel", io_close(c), 0);
    bulkbuf_free(&b);
    /* The bound per open file; the channels dropped without a close come
     * back through their close notices (each open retried meanwhile). */
    h = fs_open("/tmp/bc", PROTO_O_RDWR, 0);
    n = bulk_open_all(h, ch, VFS_CHANS_PER_FILE + 1, &err);
    if (n != VFS_CHANS_PER_FILE || err != -CAIRN_EMFILE)
        test_fail("%d channels on one open file, then %s", n, cairn_error_name((int)err));
    for (int i = 0; i < n; i++)
        cairn_handle_close(ch[i]);
    for (uint64_t t0 = cairn_clock_get(); cairn_clock_get() - t0 < 10 * SECOND;) {
        n = bulk_open_all(h, ch, VFS_CHANS_PER_FILE, &err);
        if (n == VFS_CHANS_PER_FILE || err != -CAIRN_EMFILE)
            break;
        for (int i = 0; i < n; i++)
            io_close(ch[i]);
        cairn_thread_sleep(10 * MS_NS);
    }
    if (n != VFS_CHANS_PER_FILE)
        test_fail("%d channels after the dropped ones, then %s", n, cairn_error_name((int)err));
    for (int i = 0; i < n; i++)
        io_close(ch[i]);
    io_close(h);
    /* The bound in all. */
    while (total < VFS_CHANS_MAX + 1 && nf < (int)(sizeof(files) / sizeof(files[0]))) {
        files[nf] = fs_open("/tmp/bc", PROTO_O_RDONLY, 0);
        n = bulk_open_all(files[nf++], ch + total, VFS_CHANS_MAX + 1 - total, &err);
        total += n;
        if (err != -CAIRN_EMFILE || n < VFS_CHANS_PER_FILE)
            break;
    }
    if (total != VFS_CHANS_MAX || err != -CAIRN_EMFILE)
        test_fail("%d channels in all, then %s", total, cairn_error_name((int)err));
    for (int i = 0; i < total; i++)
        io_close(ch[i]);
    for (int i = 0; i < nf; i++)
        io_close(files[i]);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/tmp/bc", 0), 0);
}

/* --- bulk channels on pipes --- */

#define PIPE_BULK (256u << 10) /* each end's buffer, libc's size */

/* A pipe with a bulk channel at each end. */
struct pipe_bulk {
    long rd, wr, chr, chw;
    struct bulkbuf rb, wb;
};

static int
pipe_bulk_make(struct pipe_bulk *pb)
{
    pb->rd = pb->wr = pb->chr = pb->chw = -1;
    if (pipe_make(&pb->rd, &pb->wr) < 0)
        return -1;
    if (bulkbuf_make(&pb->rb, PIPE_BULK, 0) < 0)
        return -1;
    if (bulkbuf_make(&pb->wb, PIPE_BULK, 0) < 0) {
        bulkbuf_free(&pb->rb);
        return -1;
    }
    pb->chr = bulk_open(pb->rd, pb->rb.mo, PIPE_BULK, NULL);
    pb->chw = bulk_open(pb->wr, pb->wb.mo, PIPE_BULK, NULL);
    if (pb->chr < 0 || pb->chw < 0) {
        test_fail("channels on a pipe's ends: %s, %s", cairn_error_name((int)pb->chr),
                  cairn_error_name((int)pb->chw));
        return -1;
    }
    return 0;
}

static void
pipe_bulk_free(struct pipe_bulk *pb)
{
    long *h[4] = {&pb->chr, &pb->chw, &pb->rd, &pb->wr};

    for (int i = 0; i < 4; i++)
        if (*h[i] >= 0)
            io_close(*h[i]);
    bulkbuf_free(&pb->rb);
    bulkbuf_free(&pb->wb);
}

/* One request on a channel: op with w[1] len and w[2] flags. */
static long
bulk_call(long ch, uint64_t op, uint64_t len, uint64_t flags)
{
    return call_ep(ch, op, len, flags, NULL, 0, NULL, 0, NULL);
}

/* A thread's blocking bulk request (it returns the answer). */
struct bulk_job {
    long ch;
    uint64_t op, len;
};

static long
bulk_job_run(void *arg)
{
    const struct bulk_job *j = arg;

    return bulk_call(j->ch, j->op, j->len, 0);
}

/* Waits (up to 10 s) until the pipe of end h holds n bytes (its stat's
 * size): a writer thread's request has come and put them in. */
static void
pipe_holds(long h, long n)
{
    struct proto_stat st = {0};
    uint64_t t0 = cairn_clock_get();

    while (io_stat(h, &st) == 0 && st.size != (uint64_t)n && cairn_clock_get() - t0 < 10 * SECOND)
        cairn_thread_sleep(MS_NS);
    if (st.size != (uint64_t)n)
        test_fail("the pipe holds %lu bytes, not %ld", (unsigned long)st.size, n);
}

static void
fill_pattern(uint8_t *p, uint64_t at, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        p[i] = pattern(at + i);
}

static void
a_pipe_moves_big_pieces_through_bulk_channels_in_one_request(void)
{
    static uint8_t msg[16];
    struct pipe_bulk pb;
    struct test_thread t;
    struct bulk_job job;
    int64_t status = -1;
    long n;

    if (pipe_bulk_make(&pb) < 0)
        return;
    /* A writer first: its 200000 bytes wait (the ring holds less), and
     * one read takes them all, the ring's and the rest straight from the
     * writer's buffer; the writer is answered once all are in. */
    fill_pattern(pb.wb.p, 0, 200000);
    job = (struct bulk_job){pb.chw, PROTO_IO_BULK_WRITE, 200000};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    cairn_thread_sleep(20 * MS_NS); /* not needed for the result */
    n = bulk_read(pb.chr, PIPE_BULK);
    expect_ret("one read of a waiting 200000-byte write", n, 200000);
    if (n > 0 && pattern_differs(pb.rb.p, 0, (uint64_t)n) >= 0)
        test_fail("byte %ld of the read is wrong", pattern_differs(pb.rb.p, 0, (uint64_t)n));
    expect_ret("join the writer", test_thread_join(&t, 10 * SECOND, &status), 0);
    expect_ret("the writer's answer", (long)status, 200000);
    test_thread_free(&t);
    /* A reader first: a write of 150000 fills it in one go. */
    job = (struct bulk_job){pb.chr, PROTO_IO_BULK_READ, PIPE_BULK};
    memset(pb.rb.p, 0, PIPE_BULK);
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    cairn_thread_sleep(20 * MS_NS); /* not needed for the result */
    fill_pattern(pb.wb.p, 7, 150000);
    expect_ret("a write of 150000 to a waiting reader", bulk_write(pb.chw, 150000), 150000);
    expect_ret("join the reader", test_thread_join(&t, 10 * SECOND, &status), 0);
    expect_ret("the reader's answer", (long)status, 150000);
    if (status > 0 && pattern_differs(pb.rb.p, 7, (uint64_t)status) >= 0)
        test_fail("the waiting reader got wrong bytes");
    test_thread_free(&t);
    /* Messages and bulk requests share the stream. */
    expect_ret("a message write", io_write(pb.wr, "abc", 3), 3);
    fill_pattern(pb.wb.p, 0, 9000);
    expect_ret("then a bulk write", bulk_write(pb.chw, 9000), 9000);
    expect_ret("a message read takes the message's bytes first", io_read(pb.rd, msg, 2), 2);
    n = bulk_read(pb.chr, PIPE_BULK);
    expect_ret("a bulk read takes the rest", n, 9001);
    if (n != 9001 || pb.rb.p[0] != 'c' || pattern_differs(pb.rb.p + 1, 0, 9000) >= 0)
        test_fail("the mixed stream came back wrong");
    /* The end: a reader waiting on an empty pipe gets 0 once the write
     * end (its plain handle and its channel) is closed. */
    job = (struct bulk_job){pb.chr, PROTO_IO_BULK_READ, PIPE_BULK};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    cairn_thread_sleep(20 * MS_NS); /* not needed for the result */
    expect_ret("close the write end's channel", io_close(pb.chw), 0);
    expect_ret("close the write end", io_close(pb.wr), 0);
    pb.chw = pb.wr = -1;
    expect_ret("join the reader", test_thread_join(&t, 10 * SECOND, &status), 0);
    expect_ret("a waiting bulk read at the end of the stream", (long)status, 0);
    test_thread_free(&t);
    expect_ret("another read", bulk_read(pb.chr, 10), 0);
out:
    pipe_bulk_free(&pb);
}

static void
bulk_requests_on_a_pipe_wait_end_and_refuse_as_posix_says(void)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    struct pipe_bulk pb;
    struct test_thread t;
    struct bulk_job job;
    int64_t status = -1;
    long ring, n, total;

    if (pipe_bulk_make(&pb) < 0)
        return;
    /* Bad requests on a pipe's channels. */
    expect_ret("read 0", bulk_read(pb.chr, 0), -CAIRN_EINVAL);
    expect_ret("read past the buffer", bulk_read(pb.chr, PIPE_BULK + 1), -CAIRN_EINVAL);
    expect_ret("read far past it", bulk_read(pb.chr, ~0ull), -CAIRN_EINVAL);
    expect_ret("write 0", bulk_write(pb.chw, 0), -CAIRN_EINVAL);
    expect_ret("write past the buffer", bulk_write(pb.chw, PIPE_BULK + 4096), -CAIRN_EINVAL);
    expect_ret("write far past it", bulk_write(pb.chw, 1ull << 40), -CAIRN_EINVAL);
    expect_ret("a bulk write on the read end", bulk_write(pb.chr, 10), -CAIRN_EBADF);
    expect_ret("a bulk read on the write end", bulk_read(pb.chw, 10), -CAIRN_EBADF);
    expect_ret("a bulk read on the plain handle", bulk_read(pb.rd, 10), -CAIRN_EBADF);
    expect_ret("a bulk write on the plain handle", bulk_write(pb.wr, 10), -CAIRN_EBADF);
    expect_ret("seek on a channel", io_seek(pb.chr, 0, PROTO_SEEK_SET), -CAIRN_ESPIPE);
    expect_ret("dup a channel", bulk_call(pb.chw, PROTO_IO_DUP, 0, 0), -CAIRN_EPERM);
    expect_ret("a channel of a channel", bulk_open(pb.chr, pb.rb.mo, PIPE_BULK, NULL),
               -CAIRN_EPERM);
    expect_ret("an unknown operation", bulk_call(pb.chr, 0x1ff, 10, 0), -CAIRN_ENOSYS);
    expect_ret("a message read on a channel is the open file's",
               call_ep(pb.chr, PROTO_IO_READ, 1, PROTO_IO_NONBLOCK, NULL, 0, buf, 1, NULL),
               -CAIRN_EAGAIN);
    /* Non-blocking: an empty pipe is EAGAIN; a large write puts what fits
     * and says how much; a full pipe is EAGAIN; a write of at most
     * PIPE_BUF (4096) goes whole or not at all. */
    expect_ret("a non-blocking read of an empty pipe",
               bulk_call(pb.chr, PROTO_IO_BULK_READ, 100, PROTO_IO_NONBLOCK), -CAIRN_EAGAIN);
    fill_pattern(pb.wb.p, 0, PIPE_BULK);
    ring = bulk_call(pb.chw, PROTO_IO_BULK_WRITE, PIPE_BULK, PROTO_IO_NONBLOCK);
    if (ring <= 0 || ring >= (long)PIPE_BULK)
        test_fail("a non-blocking write of 256 KiB to an empty pipe put %ld", ring);
    expect_ret("a non-blocking write to a full pipe",
               bulk_call(pb.chw, PROTO_IO_BULK_WRITE, 8192, PROTO_IO_NONBLOCK), -CAIRN_EAGAIN);
    expect_ret("a non-blocking message write to a full pipe",
               call_ep(pb.wr, PROTO_IO_WRITE, 0, PROTO_IO_NONBLOCK, "x", 1, NULL, 0, NULL),
               -CAIRN_EAGAIN);
    expect_ret("make 100 bytes of room", io_read(pb.rd, buf, 100), 100);
    expect_ret("4096 bytes do not fit whole",
               bulk_call(pb.chw, PROTO_IO_BULK_WRITE, 4096, PROTO_IO_NONBLOCK), -CAIRN_EAGAIN);
    fill_pattern(pb.wb.p, (uint64_t)ring, 8192);
    expect_ret("8192 bytes put 100",
               bulk_call(pb.chw, PROTO_IO_BULK_WRITE, 8192, PROTO_IO_NONBLOCK), 100);
    n = bulk_call(pb.chr, PROTO_IO_BULK_READ, PIPE_BULK, PROTO_IO_NONBLOCK);
    expect_ret("a non-blocking read takes it all", n, ring);
    if (n > 0 && pattern_differs(pb.rb.p, 100, (uint64_t)n) >= 0)
        test_fail("the non-blocking read's bytes are wrong");
    expect_ret("and the pipe is empty",
               bulk_call(pb.chr, PROTO_IO_BULK_READ, PIPE_BULK, PROTO_IO_NONBLOCK), -CAIRN_EAGAIN);
    /* A bulk reader's channel closed while it waits: the reader is told
     * EBADF (or its call finds no handle, if it came late); the plain
     * handles go on. */
    job = (struct bulk_job){pb.chr, PROTO_IO_BULK_READ, PIPE_BULK};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    cairn_thread_sleep(20 * MS_NS);
    expect_ret("close the waiting reader's channel", io_close(pb.chr), 0);
    pb.chr = -1;
    expect_ret("join the reader", test_thread_join(&t, 10 * SECOND, &status), 0);
    if (status >= 0)
        test_fail("a read on a channel closed under it got %ld", (long)status);
    test_thread_free(&t);
    expect_ret("a message write after it", io_write(pb.wr, "ok", 2), 2);
    expect_ret("a message read after it", io_read(pb.rd, buf, 10), 2);
    /* A writer part-way in when its channel closes: EBADF for it, its
     * bytes that went in stay, and the pipe goes on. */
    job = (struct bulk_job){pb.chw, PROTO_IO_BULK_WRITE, PIPE_BULK};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    pipe_holds(pb.rd, ring);
    expect_ret("close the waiting writer's channel", io_close(pb.chw), 0);
    pb.chw = -1;
    expect_ret("join the writer", test_thread_join(&t, 10 * SECOND, &status), 0);
    if (status >= 0)
        test_fail("a write on a channel closed under it got %ld", (long)status);
    test_thread_free(&t);
    for (total = 0; (n = call_ep(pb.rd, PROTO_IO_READ, sizeof(buf), PROTO_IO_NONBLOCK, NULL, 0, buf,
                                 sizeof(buf), NULL)) > 0;)
        total += n;
    if (total != ring)
        test_fail("%ld bytes of the cut write stayed, not the %ld that went in", total, ring);
    expect_ret("a write after it", io_write(pb.wr, "z", 1), 1);
out:
    pipe_bulk_free(&pb);
}

static void
a_bulk_write_cut_short_by_the_reader_says_how_much_went_in_then_epipe(void)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    struct pipe_bulk pb;
    struct test_thread t;
    struct bulk_job job;
    int64_t status = -1;
    long ring;

    if (pipe_bulk_make(&pb) < 0)
        return;
    /* The ring's size, from a non-blocking write to the empty pipe. */
    ring = bulk_call(pb.chw, PROTO_IO_BULK_WRITE, PIPE_BULK, PROTO_IO_NONBLOCK);
    while (call_ep(pb.rd, PROTO_IO_READ, sizeof(buf), PROTO_IO_NONBLOCK, NULL, 0, buf, sizeof(buf),
                   NULL) > 0)
        ;
    /* 256 KiB waits part-way in; 1000 bytes read make room for 1000 more;
     * then the read end goes (its channel, then its handle). */
    job = (struct bulk_job){pb.chw, PROTO_IO_BULK_WRITE, PIPE_BULK};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    expect_ret("read 1000", io_read(pb.rd, buf, 1000), 1000);
    expect_ret("close the read end's channel", io_close(pb.chr), 0);
    expect_ret("close the read end", io_close(pb.rd), 0);
    pb.chr = pb.rd = -1;
    expect_ret("join the writer", test_thread_join(&t, 10 * SECOND, &status), 0);
    expect_ret("the cut write's answer: the bytes that went in", (long)status, ring + 1000);
    test_thread_free(&t);
    expect_ret("the next bulk write", bulk_write(pb.chw, 10), -CAIRN_EPIPE);
    expect_ret("a non-blocking one", bulk_call(pb.chw, PROTO_IO_BULK_WRITE, 10, PROTO_IO_NONBLOCK),
               -CAIRN_EPIPE);
out:
    pipe_bulk_free(&pb);
}

/* A thread that scribbles over a buffer the server is copying from and
 * into, until *stop. */
struct scribble {
    uint8_t *p;
    uint64_t size;
    volatile int stop;
};

static long
scribbler(void *arg)
{
    struct scribble *s = arg;

    for (uint8_t v = 0; !s->stop; v++)
        memset(s->p, v, s->size);
    return 0;
}

static void
a_client_changing_its_buffers_mid_copy_changes_only_its_bytes(void)
{
    struct pipe_bulk pb;
    struct test_thread t, ts;
    struct bulk_job job;
    struct scribble sw, sr;
    int64_t status = -1;
    long n, total = 0;

    if (pipe_bulk_make(&pb) < 0)
        return;
    sw = (struct scribble){pb.wb.p, PIPE_BULK, 0};
    sr = (struct scribble){pb.rb.p, PIPE_BULK, 0};
    job = (struct bulk_job){pb.chw, PROTO_IO_BULK_WRITE, PIPE_BULK};
    if (test_thread_start(&t, bulk_job_run, &job) != 0)
        goto out;
    if (test_thread_start(&ts, scribbler, &sw) != 0)
        goto out;
    while (total < (long)PIPE_BULK && (n = bulk_read(pb.chr, 5000)) > 0) {
        sr.p[n - 1] ^= 0xff; /* the reading side's buffer changes too */
        total += n;
    }
    sw.stop = 1;
    expect_ret("join the writer", test_thread_join(&t, 10 * SECOND, &status), 0);
    expect_ret("the writer's answer", (long)status, (long)PIPE_BULK);
    expect_ret("join the scribbler", test_thread_join(&ts, 10 * SECOND, &status), 0);
    if (total != (long)PIPE_BULK)
        test_fail("%ld bytes read of %u", total, PIPE_BULK);
    test_thread_free(&t);
    test_thread_free(&ts);
    expect_ret("the server still answers", io_write(pb.wr, "a", 1), 1);
out:
    pipe_bulk_free(&pb);
}

/* A round of everything the server keeps: files, directories, pipes. */
static void
workload(void)
{
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    struct bulkbuf b;
    long h, rd, wr, ch;

    fs_path(PROTO_FS_MKDIR, "/tmp/w", 0755);
    for (int i = 0; i < 20; i++) {
        char p[32];

        snprintf(p, sizeof(p), "/tmp/w/%d", i);
        h = fs_open(p, PROTO_O_RDWR | PROTO_O_CREAT, 0644);
        for (int k = 0; k < 10; k++)
            io_write(h, buf, sizeof(buf));
        io_close(h);
    }
    if (bulkbuf_make(&b, 64 << 10, 0) == 0) {
        h = fs_open("/tmp/w/0", PROTO_O_RDWR, 0);
        ch = bulk_open(h, b.mo, b.size, NULL);
        bulk_write(ch, b.size);
        io_seek(h, 0, PROTO_SEEK_SET);
        bulk_read(ch, b.size);
        io_close(ch);
        io_close(h);
        bulkbuf_free(&b);
    }
    if (pipe_make(&rd, &wr) == 0) {
        io_write(wr, buf, 100);
        io_read(rd, buf, 100);
        io_close(rd);
        io_close(wr);
    }
    for (int i = 0; i < 20; i++) {
        char p[32];

        snprintf(p, sizeof(p), "/tmp/w/%d", i);
        fs_path(PROTO_FS_UNLINK, p, 0);
    }
    fs_path(PROTO_FS_RMDIR, "/tmp/w", 0);
}

static void
closing_everything_leaks_nothing_in_the_server_or_here(void)
{
    struct cairn_debug_stats before;

    workload();
    a_mebibyte_file_is_written_and_read_back_intact();
    before = stats_settled();
    for (int round = 0; round < 3; round++) {
        workload();
        a_mebibyte_file_is_written_and_read_back_intact();
    }
    expect_stats(&before, "after three rounds of files, directories and pipes");
    /* Every open file of every test so far was closed: the server's whole
     * table is free. */
    long opened[VFS_FILES], n = 0, o;
    while (n < VFS_FILES + 1 && (o = fs_open("/", PROTO_O_RDONLY, 0)) >= 0)
        opened[n < VFS_FILES ? n : 0] = o, n++;
    if (n != VFS_FILES || o != -CAIRN_EMFILE)
        test_fail("%ld open files fit before %s, not %d", n, cairn_error_name((int)o), VFS_FILES);
    while (n > 0)
        io_close(opened[--n]);
}

/* --- views --- */

static long fs_view_binds(long ns, const char *root, uint64_t flags, const char *const *pairs,
                          unsigned n);

/* PROTO_FS_VIEW of path on the namespace handle ns: the view's handle, or
 * a negative code. */
static long
fs_view_on(long ns, const char *path, uint64_t flags)
{
    return fs_view_binds(ns, path, flags, NULL, 0);
}

/* A new file at path (on vfs_ep) holding text. */
static void
put_file(const char *path, const char *text)
{
    long h = fs_open(path, PROTO_O_WRONLY | PROTO_O_CREAT | PROTO_O_TRUNC, 0644);

    if (h < 0) {
        test_fail("create %s: %s", path, cairn_error_name((int)h));
        return;
    }
    expect_ret(path, io_write(h, text, strlen(text)), (long)strlen(text));
    io_close(h);
}

/* The mounts ns lists, "PATH:WHAT[:ro]," each, into out. */
static void
list_mounts(long ns, char *out, size_t cap)
{
    static struct proto_mount rec;
    uint64_t cookie = 0;
    struct reply r;
    long e;
    unsigned n = 0;

    out[0] = '\0';
    while ((e = call_ep(ns, PROTO_FS_MOUNTS, cookie, 0, NULL, 0, &rec, sizeof(rec), &r)) == 1) {
        if (r.w[1] <= cookie || ++n > 64) {
            test_fail("the mounts' cookie did not move on");
            return;
        }
        cookie = r.w[1];
        if (strlen(out) + strlen(rec.path) + strlen(rec.what) + 6 < cap) {
            strcat(out, rec.path);
            strcat(out, ":");
            strcat(out, rec.what);
            strcat(out, rec.flags & PROTO_MNT_RDONLY ? ":ro," : ",");
        }
    }
    expect_ret("the end of the mounts", e, 0);
}

static void
a_view_serves_the_namespace_below_its_directory_and_nothing_above(void)
{
    static char deep[PROTO_PATH_MAX + 1];
    struct proto_stat st, box, sub;
    char names[256];
    long v, v2, saved = vfs_ep, h;

    expect_ret("mkdir /tmp/box", fs_path(PROTO_FS_MKDIR, "/tmp/box", 0755), 0);
    expect_ret("mkdir /tmp/box/sub", fs_path(PROTO_FS_MKDIR, "/tmp/box/sub", 0755), 0);
    put_file("/tmp/box/f", "inside");
    put_file("/tmp/outside", "outside");
    expect_ret("stat the box", fs_stat("/tmp/box", &box), 0);
    expect_ret("stat its sub", fs_stat("/tmp/box/sub", &sub), 0);
    v = fs_view_on(vfs_ep, "/tmp/../tmp/box/", 0);
    if (v < 0) {
        test_fail("a view of /tmp/box: %s", cairn_error_name((int)v));
        return;
    }
    vfs_ep = v;
    /* Its `/` is the box, and no path leaves it. */
    expect_ret("stat /", fs_stat("/", &st), 0);
    if (st.ino != box.ino || st.dev != box.dev)
        test_fail("the view's / is inode %lu, the box %lu", (unsigned long)st.ino,
                  (unsigned long)box.ino);
    expect_ret("/.. is /", fs_stat("/..", &st), 0);
    if (st.ino != box.ino)
        test_fail("/.. left the view");
    expect_contents("/f", (const uint8_t *)"inside", 6);
    expect_contents("/../../../f", (const uint8_t *)"inside", 6);
    expect_ret("/tmp/outside", fs_stat("/tmp/outside", &st), -CAIRN_ENOENT);
    expect_ret("/../outside", fs_stat("/../outside", &st), -CAIRN_ENOENT);
    expect_ret("/boot", fs_stat("/boot", &st), -CAIRN_ENOENT);
    /* Changes land below the box. */
    put_file("/new", "made in the view");
    expect_ret("mkdir /d", fs_path(PROTO_FS_MKDIR, "/d", 0755), 0);
    expect_ret("rename /new /d/moved", fs_rename("/new", "/d/moved"), 0);
    list_dir("/", names, sizeof(names));
    if (strcmp(names, "sub/,f,d/,") != 0)
        test_fail("the view's / lists %s", names);
    /* Its root can be neither made, removed nor renamed. */
    expect_ret("mkdir /", fs_path(PROTO_FS_MKDIR, "/", 0755), -CAIRN_EEXIST);
    expect_ret("rmdir /", fs_path(PROTO_FS_RMDIR, "/..", 0), -CAIRN_EBUSY);
    expect_ret("unlink /", fs_path(PROTO_FS_UNLINK, "/", 0), -CAIRN_EISDIR);
    expect_ret("rename / away", fs_rename("/", "/x"), -CAIRN_EBUSY);
    expect_ret("rename onto /", fs_rename("/f", "/"), -CAIRN_EBUSY);
    /* Pipes work as on the namespace. */
    expect_ret("a pipe", call_ep(v, PROTO_FS_PIPE, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    /* Its mounts: the file system that holds it, as `/`. */
    list_mounts(v, names, sizeof(names));
    if (strcmp(names, "/:ramfs,") != 0)
        test_fail("the view lists the mounts %s", names);
    /* A path that fits the protocol but not once joined to the root. */
    memset(deep, 'd', sizeof(deep) - 1);
    for (size_t i = 0; i < PROTO_PATH_MAX; i += 200)
        deep[i] = '/';
    expect_ret("a path too long below the root",
               call_ep(v, PROTO_FS_STAT, 0, 0, deep, PROTO_PATH_MAX, NULL, 0, NULL),
               -CAIRN_ENAMETOOLONG);
    /* A view of the view is below it. */
    v2 = fs_view_on(v, "/sub", 0);
    if (v2 >= 0) {
        expect_ret("stat / of the view's view", fs_stat_on(v2, "/"), 0);
        call_ep(v2, PROTO_FS_STAT, 0, 0, "/..", 3, &st, sizeof(st), NULL);
        if (st.ino != sub.ino)
            test_fail("the view's view has / at inode %lu, not the sub's %lu",
                      (unsigned long)st.ino, (unsigned long)sub.ino);
        expect_ret("the box's f from below", fs_stat_on(v2, "/f"), -CAIRN_ENOENT);
        cairn_handle_close(v2);
    } else {
        test_fail("a view of the view: %s", cairn_error_name((int)v2));
    }
    /* What a view cannot be made of. */
    expect_ret("a view of a file", fs_view_on(v, "/f", 0), -CAIRN_ENOTDIR);
    expect_ret("a view of nothing", fs_view_on(v, "/none", 0), -CAIRN_ENOENT);
    expect_ret("unknown flags", fs_view_on(v, "/", 2), -CAIRN_EINVAL);
    expect_ret("a relative path", fs_view_on(v, "sub", 0), -CAIRN_EINVAL);
    h = fs_open("/f", PROTO_O_RDONLY, 0);
    expect_ret("a view through an open file", fs_view_on(h, "/", 0), -CAIRN_ENOSYS);
    io_close(h);
    vfs_ep = saved;
    /* What the view made is in the box. */
    expect_contents("/tmp/box/d/moved", (const uint8_t *)"made in the view", 16);
    expect_contents("/tmp/outside", (const uint8_t *)"outside", 7);
    /* The view of `/` is the namespace. */
    v2 = fs_view_on(vfs_ep, "/", 0);
    if (v2 >= 0) {
        char whole[256];

        list_mounts(vfs_ep, whole, sizeof(whole));
        list_mounts(v2, names, sizeof(names));
        if (strcmp(names, whole) != 0)
            test_fail("the view of / lists %s, the namespace %s", names, whole);
        expect_ret("/tmp/outside through the view of /", fs_stat_on(v2, "/tmp/outside"), 0);
        cairn_handle_close(v2);
    }
    /* The view's / removed from outside: its paths name nothing. */
    expect_ret("unlink f", fs_path(PROTO_FS_UNLINK, "/tmp/box/f", 0), 0);
    expect_ret("unlink moved", fs_path(PROTO_FS_UNLINK, "/tmp/box/d/moved", 0), 0);
    expect_ret("rmdir d", fs_path(PROTO_FS_RMDIR, "/tmp/box/d", 0), 0);
    expect_ret("rmdir sub", fs_path(PROTO_FS_RMDIR, "/tmp/box/sub", 0), 0);
    expect_ret("rmdir the box", fs_path(PROTO_FS_RMDIR, "/tmp/box", 0), 0);
    expect_ret("stat / of a view whose directory is gone", fs_stat_on(v, "/"), -CAIRN_ENOENT);
    cairn_handle_close(v);
    expect_ret("unlink outside", fs_path(PROTO_FS_UNLINK, "/tmp/outside", 0), 0);
}

static void
a_read_only_view_refuses_every_change_and_reads_as_before(void)
{
    char names[256];
    long v, w, h, saved = vfs_ep;

    expect_ret("mkdir /tmp/ro", fs_path(PROTO_FS_MKDIR, "/tmp/ro", 0755), 0);
    expect_ret("mkdir /tmp/ro/sub", fs_path(PROTO_FS_MKDIR, "/tmp/ro/sub", 0755), 0);
    put_file("/tmp/ro/f", "kept");
    v = fs_view_on(vfs_ep, "/tmp/ro", PROTO_VIEW_RDONLY);
    if (v < 0) {
        test_fail("a read-only view: %s", cairn_error_name((int)v));
        return;
    }
    vfs_ep = v;
    expect_contents("/f", (const uint8_t *)"kept", 4);
    list_dir("/", names, sizeof(names));
    if (strcmp(names, "sub/,f,") != 0)
        test_fail("the read-only view lists %s", names);
    expect_ret("open for writing", fs_open("/f", PROTO_O_WRONLY, 0), -CAIRN_EROFS);
    expect_ret("open for reading and writing", fs_open("/f", PROTO_O_RDWR, 0), -CAIRN_EROFS);
    expect_ret("open to truncate", fs_open("/f", PROTO_O_RDONLY | PROTO_O_TRUNC, 0), -CAIRN_EROFS);
    expect_ret("open to create", fs_open("/g", PROTO_O_RDONLY | PROTO_O_CREAT, 0644), -CAIRN_EROFS);
    expect_ret("mkdir", fs_path(PROTO_FS_MKDIR, "/d", 0755), -CAIRN_EROFS);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/f", 0), -CAIRN_EROFS);
    expect_ret("rmdir", fs_path(PROTO_FS_RMDIR, "/sub", 0), -CAIRN_EROFS);
    expect_ret("rename", fs_rename("/f", "/sub/f"), -CAIRN_EROFS);
    list_mounts(v, names, sizeof(names));
    if (strcmp(names, "/:ramfs:ro,") != 0)
        test_fail("the read-only view lists the mounts %s", names);
    /* A view asked for through it is read-only too. */
    w = fs_view_on(v, "/sub", 0);
    if (w >= 0) {
        vfs_ep = w;
        expect_ret("create through the view's view",
                   fs_open("/g", PROTO_O_WRONLY | PROTO_O_CREAT, 0644), -CAIRN_EROFS);
        expect_ret("stat its /", fs_stat_on(w, "/"), 0);
        cairn_handle_close(w);
    } else {
        test_fail("a view of the read-only view: %s", cairn_error_name((int)w));
    }
    vfs_ep = saved;
    /* Nothing changed, and the namespace itself still writes there. */
    expect_contents("/tmp/ro/f", (const uint8_t *)"kept", 4);
    list_dir("/tmp/ro", names, sizeof(names));
    if (strcmp(names, "sub/,f,") != 0)
        test_fail("/tmp/ro lists %s", names);
    h = fs_open("/tmp/ro/f", PROTO_O_WRONLY | PROTO_O_APPEND, 0);
    expect_ret("append outside the view", io_write(h, "!", 1), 1);
    io_close(h);
    cairn_handle_close(v);
    expect_ret("unlink f", fs_path(PROTO_FS_UNLINK, "/tmp/ro/f", 0), 0);
    expect_ret("rmdir sub", fs_path(PROTO_FS_RMDIR, "/tmp/ro/sub", 0), 0);
    expect_ret("rmdir ro", fs_path(PROTO_FS_RMDIR, "/tmp/ro", 0), 0);
}

/* PROTO_FS_VIEW of root on ns with n binds (pairs[2i] the path in the
 * view, pairs[2i + 1] the directory shown): the handle, or a code. */
static long
fs_view_binds(long ns, const char *root, uint64_t flags, const char *const *pairs, unsigned n)
{
    static char buf[4096];
    size_t len = strlen(root);
    struct reply r;
    long e;

    memcpy(buf, root, len);
    for (unsigned i = 0; i < 2 * n; i++) {
        buf[len++] = '\0';
        memcpy(buf + len, pairs[i], strlen(pairs[i]));
        len += strlen(pairs[i]);
    }
    e = call_ep(ns, PROTO_FS_VIEW, flags, n, buf, len, NULL, 0, &r);
    if (e < 0) {
        for (uint32_t i = 0; i < r.nh && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(r.h[i]);
        return e;
    }
    if (r.nh != 1) {
        test_fail("view %s: %u handles in the reply", root, r.nh);
        return -CAIRN_EINVAL;
    }
    return r.h[0];
}

static void
a_bind_shows_another_directory_read_only_inside_a_view(void)
{
    static const char *const binds[] = {"/bin", "/bin", "/data/../data", "/tmp/shared"};
    static const char *const at_root[] = {"/", "/tmp/shared"};
    static const char *const nested[] = {"/a", "/tmp", "/a/b", "/tmp"};
    static const char *const of_file[] = {"/x", "/tmp/shared/a"};
    static const char *const missing[] = {"/x", "/tmp/none"};
    static const char *const five[] = {"/a",   "/tmp", "/b",   "/tmp", "/c",
                                       "/tmp", "/d",   "/tmp", "/e",   "/tmp"};
    struct proto_stat st, shared;
    long v, w, saved = vfs_ep;

    expect_ret("mkdir /tmp/jail", fs_path(PROTO_FS_MKDIR, "/tmp/jail", 0755), 0);
    expect_ret("mkdir /tmp/shared", fs_path(PROTO_FS_MKDIR, "/tmp/shared", 0755), 0);
    put_file("/tmp/shared/a", "shared");
    expect_ret("stat /tmp/shared", fs_stat("/tmp/shared", &shared), 0);
    v = fs_view_binds(vfs_ep, "/tmp/jail", 0, binds, 2);
    if (v < 0) {
        test_fail("a view with binds: %s", cairn_error_name((int)v));
        return;
    }
    vfs_ep = v;
    /* The binds show their directories, read-only. */
    expect_ret("stat /bin/vfs through the bind", fs_stat("/bin/vfs", &st), 0);
    expect_contents("/data/a", (const uint8_t *)"shared", 6);
    expect_ret("stat /data", fs_stat("/data", &st), 0);
    if (st.ino != shared.ino)
        test_fail("/data is inode %lu, /tmp/shared %lu", (unsigned long)st.ino,
                  (unsigned long)shared.ino);
    expect_ret("write through a bind", fs_open("/data/a", PROTO_O_WRONLY, 0), -CAIRN_EROFS);
    expect_ret("create through a bind", fs_open("/data/b", PROTO_O_WRONLY | PROTO_O_CREAT, 0644),
               -CAIRN_EROFS);
    expect_ret("mkdir through a bind", fs_path(PROTO_FS_MKDIR, "/data/d", 0755), -CAIRN_EROFS);
    expect_ret("unlink through a bind", fs_path(PROTO_FS_UNLINK, "/data/a", 0), -CAIRN_EROFS);
    expect_ret("rmdir a bind", fs_path(PROTO_FS_RMDIR, "/data", 0), -CAIRN_EROFS);
    /* The rest is the view's, writable, and nothing else is there. */
    put_file("/f", "in the jail");
    expect_ret("rename into a bind", fs_rename("/f", "/data/f"), -CAIRN_EROFS);
    expect_ret("/tmp/shared by its own name", fs_stat("/tmp/shared", &st), -CAIRN_ENOENT);
    expect_ret("/data/.. is the jail", fs_stat("/data/../f", &st), 0);
    /* A view of a bind's directory is read-only. */
    w = fs_view_on(v, "/data", 0);
    if (w >= 0) {
        expect_ret("stat /a through it", fs_stat_on(w, "/a"), 0);
        vfs_ep = w;
        expect_ret("create through it", fs_open("/x", PROTO_O_WRONLY | PROTO_O_CREAT, 0644),
                   -CAIRN_EROFS);
        vfs_ep = v;
        cairn_handle_close(w);
    } else {
        test_fail("a view of a bind: %s", cairn_error_name((int)w));
    }
    /* Binds that cannot be. */
    expect_ret("a bind at /", fs_view_binds(saved, "/", 0, at_root, 1), -CAIRN_EINVAL);
    expect_ret("nested binds", fs_view_binds(saved, "/", 0, nested, 2), -CAIRN_EINVAL);
    expect_ret("five binds", fs_view_binds(saved, "/", 0, five, 5), -CAIRN_EINVAL);
    expect_ret("a bind of a file", fs_view_binds(saved, "/tmp", 0, of_file, 1), -CAIRN_ENOTDIR);
    expect_ret("a bind of nothing", fs_view_binds(saved, "/tmp", 0, missing, 1), -CAIRN_ENOENT);
    expect_ret("a bind with no 0s", call_ep(saved, PROTO_FS_VIEW, 0, 1, "/tmp/x", 6, NULL, 0, NULL),
               -CAIRN_EINVAL);
    /* Through the view, a bind names the view's paths: /tmp/shared is not one. */
    expect_ret("a bind of what the view cannot see",
               fs_view_binds(v, "/", 0, (const char *const[]){"/y", "/tmp/shared"}, 1),
               -CAIRN_ENOENT);
    vfs_ep = saved;
    cairn_handle_close(v);
    expect_contents("/tmp/jail/f", (const uint8_t *)"in the jail", 11);
    expect_ret("unlink f", fs_path(PROTO_FS_UNLINK, "/tmp/jail/f", 0), 0);
    expect_ret("rmdir jail", fs_path(PROTO_FS_RMDIR, "/tmp/jail", 0), 0);
    expect_ret("unlink a", fs_path(PROTO_FS_UNLINK, "/tmp/shared/a", 0), 0);
    expect_ret("rmdir shared", fs_path(PROTO_FS_RMDIR, "/tmp/shared", 0), 0);
}

/* The server's views at once (servers/vfs/view.h, VIEWS_MAX). */
#define VFS_VIEWS 64

/*
 * Makes views until the server has no room: how many it made (into
 * views, VFS_VIEWS + 1 at most). A view closed just before is freed by its
 * close notice, which waits behind requests already queued, so a full
 * table is tried again for a while before it counts.
 */
static unsigned
fill_views(long *views)
{
    unsigned n = 0;
    long v = 0;

    for (int tries = 0; tries < 200; tries++) {
        while (n <= VFS_VIEWS && (v = fs_view_on(vfs_ep, "/tmp", 0)) >= 0)
            views[n++] = v;
        if (n >= VFS_VIEWS || v != -CAIRN_ENOSPC)
            break;
        cairn_thread_sleep(10 * MS_NS);
    }
    if (v < 0 && v != -CAIRN_ENOSPC)
        test_fail("view %u: %s", n, cairn_error_name((int)v));
    return n;
}

static void
a_view_ends_with_the_last_copy_of_its_handle(void)
{
    static long views[VFS_VIEWS + 1];
    unsigned n;
    long v = -1, copy;

    /* Every view of the tests before was closed: the whole table is free. */
    n = fill_views(views);
    if (n != VFS_VIEWS)
        test_fail("%u views fit, not %d", n, VFS_VIEWS);
    expect_ret("one more", fs_view_on(vfs_ep, "/tmp", 0), -CAIRN_ENOSPC);
    if (n == 0)
        return;
    /* A copy keeps the view when the first handle goes. */
    copy = cairn_handle_dup(views[0], SEND);
    cairn_handle_close(views[0]);
    expect_ret("the copy stats /", fs_stat_on(copy, "/"), 0);
    expect_ret("still full", fs_view_on(vfs_ep, "/tmp", 0), -CAIRN_ENOSPC);
    /* The last copy's close notice frees the slot. */
    cairn_handle_close(copy);
    for (int tries = 0; tries < 200 && v < 0; tries++) {
        v = fs_view_on(vfs_ep, "/tmp", 0);
        if (v < 0)
            cairn_thread_sleep(10 * MS_NS);
    }
    if (v < 0)
        test_fail("no view after the last copy closed: %s", cairn_error_name((int)v));
    else
        views[0] = v;
    while (n > 0)
        cairn_handle_close(views[--n]);
    /* And every one of them comes back. */
    n = fill_views(views);
    if (n != VFS_VIEWS)
        test_fail("%u views fit again, not %d", n, VFS_VIEWS);
    while (n > 0)
        cairn_handle_close(views[--n]);
}

/* --- libc in a child --- */

/* The big file's bytes: 16 MiB, or 4 MiB in a small machine (the 64 MiB
 * boots), which the vfs server holds in its heap. */
#define BIG_PIECE (1u << 20)

static uint8_t
big_byte(uint64_t i)
{
    return (uint8_t)((i ^ (i >> 11) ^ (i >> 19)) * 151);
}

/*
 * A big file written with libc in 1 MiB writes and read back in reads of
 * other sizes, through the bulk channel (a read of more than one message's
 * bytes answered at once says so): the same SHA-256 both ways.
 */
static int
libc_big_file(void)
{
    static uint8_t piece[BIG_PIECE];
    struct cairn_debug_stats ds;
    uint8_t want[UTIL_SHA256_SIZE], got[UTIL_SHA256_SIZE];
    struct util_sha256 sha;
    uint64_t size = 16u << 20, at = 0;
    ssize_t n;
    int fd;

    if (cairn_debug_stats(&ds) == 0 && ds.total_frames * 4096 < (200ull << 20))
        size = 4u << 20;
    fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    util_sha256_init(&sha);
    for (at = 0; at < size; at += BIG_PIECE) {
        for (uint64_t i = 0; i < BIG_PIECE; i++)
            piece[i] = big_byte(at + i);
        util_sha256_update(&sha, piece, BIG_PIECE);
        if (write(fd, piece, BIG_PIECE) != (ssize_t)BIG_PIECE)
            return -1;
    }
    util_sha256_final(&sha, want);
    if (close(fd) != 0 || (fd = open("/tmp/big", O_RDONLY)) < 0)
        return -1;
    util_sha256_init(&sha);
    at = 0;
    /* 300000 bytes at a time: the channel's buffer-fulls and a remainder. */
    while ((n = read(fd, piece, 300000)) > 0) {
        if (at + (uint64_t)n < size && n != 300000)
            return -1; /* a file is read whole, not in messages */
        util_sha256_update(&sha, piece, (size_t)n);
        at += (uint64_t)n;
    }
    util_sha256_final(&sha, got);
    if (n < 0 || at != size || memcmp(want, got, sizeof(want)) != 0)
        return -1;
    /* fread of a big block goes straight through too. */
    {
        FILE *f = fdopen(fd, "r");

        if (!f || fseek(f, 12345, SEEK_SET) != 0 || fread(piece, 1, 200000, f) != 200000)
            return -1;
        for (uint64_t i = 0; i < 200000; i++)
            if (piece[i] != big_byte(12345 + i))
                return -1;
        fclose(f);
    }
    return unlink("/tmp/big");
}

/*
 * The child: libc's file calls against the server, each step numbered;
 * returns 0 or the first step that went wrong.
 */
static int
libc_child(void)
{
    static char buf[10000], got[10000];
    char cwd[64];
    struct stat st;
    int fd, fd2, p[2];

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)('a' + i % 23);
    if (mkdir("/tmp/lc", 0755) != 0)
        return 1;
    if (chdir("/tmp/lc") != 0 || !getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/tmp/lc") != 0)
        return 2;
    fd = open("f", O_CREAT | O_RDWR, 0600);
    if (fd < 0)
        return 3;
    if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
        return 4;
    if (lseek(fd, 0, SEEK_SET) != 0)
        return 5;
    for (size_t at = 0; at < sizeof(got);) { /* a read may give fewer bytes */
        ssize_t n = read(fd, got + at, sizeof(got) - at);

        if (n <= 0)
            return 5;
        at += (size_t)n;
    }
    if (memcmp(buf, got, sizeof(buf)) != 0)
        return 5;
    if (fstat(fd, &st) != 0 || st.st_size != (off_t)sizeof(buf) || !S_ISREG(st.st_mode))
        return 6;
    fd2 = dup(fd);
    if (fd2 < 0 || lseek(fd2, 5, SEEK_SET) != 5 || lseek(fd, 0, SEEK_CUR) != 5)
        return 7;
    if (close(fd) != 0 || close(fd2) != 0)
        return 8;
    if (rename("f", "../g") != 0 || stat("/tmp/g", &st) != 0 || st.st_size != (off_t)sizeof(buf))
        return 9;
    if (pipe(p) != 0 || write(p[1], "ping", 4) != 4 || read(p[0], got, sizeof(got)) != 4 ||
        memcmp(got, "ping", 4) != 0)
        return 10;
    if (close(p[1]) != 0 || read(p[0], got, 10) != 0 || close(p[0]) != 0)
        return 11;
    fd = open("/boot/bin/vfs", O_RDONLY);
    if (fd < 0 || write(fd, "x", 1) != -1 || errno != EBADF || close(fd) != 0)
        return 12;
    if (open("/boot/x", O_CREAT | O_WRONLY, 0644) != -1 || errno != EROFS)
        return 13;
    if (open("../../../nope", O_RDONLY) != -1 || errno != ENOENT)
        return 14;
    if (unlink("/tmp/g") != 0 || chdir("/") != 0 || rmdir("/tmp/lc") != 0)
        return 15;
    if (libc_big_file() != 0)
        return 16;
    /* A pipe takes a bulk channel too: 10000 bytes go in with one write
     * and come back with one read. */
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 7);
    if (pipe(p) != 0 || write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf) || close(p[1]) != 0)
        return 17;
    if (read(p[0], got, sizeof(got)) != (ssize_t)sizeof(got) || memcmp(buf, got, sizeof(buf)) != 0)
        return 18;
    if (read(p[0], got, sizeof(got)) != 0 || close(p[0]) != 0)
        return 19;
    return 0;
}

/* --- pipes between processes, through libc --- */

/* The start words of copies of this program that are one end of a pipe
 * (their fd 0 or 1), for the tests below. */
#define MODE_PIPE_SOURCE  0x7f60 /* PIPE_STREAM bytes of big_byte() to fd 1 */
#define MODE_PIPE_SINK    0x7f61 /* fd 0 to its end; a struct pipe_sum to fd 1 */
#define MODE_PIPE_RECORDS 0x7f62 /* PIPE_RECORDS records of PIPE_BUF bytes to fd 1 */
#define MODE_PIPE_CHUNKS  0x7f63 /* PIPE_CHUNKED bytes in PIPE_CHUNK writes to fd 1 */
#define MODE_PIPE_CHECK   0x7f64 /* fd 0 parsed as both; a struct pipe_mix to fd 1 */
#define MODE_PIPE_HANG    0x7f65 /* closes fd 0 under a thread's read of it, then ends */

#define PIPE_STREAM  (8u << 20)
#define PIPE_RECORDS 512u
#define PIPE_RECORD  4096u /* PIPE_BUF: never split */
#define PIPE_CHUNKED (6u << 20)
#define PIPE_CHUNK   100000u

struct pipe_sum {
    uint64_t bytes, big_reads; /* reads that gave more than a message's bytes */
    uint8_t sha[UTIL_SHA256_SIZE];
};

struct pipe_mix {
    uint64_t records, chunk_bytes, errors, records_inside_chunks;
};

/* Writes all of [p, p + n) to fd; 0 or -1. */
static int
write_all(int fd, const void *p, size_t n)
{
    return write(fd, p, n) == (ssize_t)n ? 0 : -1;
}

static int
pipe_source(void)
{
    static const uint32_t sizes[] = {8192, 300000, 100, 65536, 4096, 262144, 12345, 1u << 20};
    static uint8_t buf[1u << 20];
    uint64_t at = 0;

    for (unsigned k = 0; at < PIPE_STREAM; k++) {
        uint64_t n = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];

        if (n > PIPE_STREAM - at)
            n = PIPE_STREAM - at;
        for (uint64_t i = 0; i < n; i++)
            buf[i] = big_byte(at + i);
        if (write_all(1, buf, n) < 0)
            return 1;
        at += n;
    }
    return 0;
}

static int
pipe_sink(void)
{
    static const uint32_t sizes[] = {300000, 1, 65536, 8192, 4096, 1u << 20, 9999};
    static uint8_t buf[1u << 20];
    struct pipe_sum sum = {0};
    struct util_sha256 sha;
    ssize_t n;

    util_sha256_init(&sha);
    for (unsigned k = 0;; k++) {
        n = read(0, buf, sizes[k % (sizeof(sizes) / sizeof(sizes[0]))]);
        if (n <= 0)
            break;
        util_sha256_update(&sha, buf, (size_t)n);
        sum.bytes += (uint64_t)n;
        sum.big_reads += n > CAIRN_MSG_BUF_MAX;
    }
    util_sha256_final(&sha, sum.sha);
    if (n < 0)
        return 1;
    return write_all(1, &sum, sizeof(sum)) < 0 ? 2 : 0;
}

static int
pipe_records(void)
{
    static uint8_t rec[PIPE_RECORD];

    for (uint32_t k = 0; k < PIPE_RECORDS; k++) {
        memset(rec, 0x80 | (k & 0x7f), sizeof(rec));
        if (write_all(1, rec, sizeof(rec)) < 0)
            return 1;
    }
    return 0;
}

static int
pipe_chunks(void)
{
    static uint8_t buf[PIPE_CHUNK];
    uint64_t at = 0;

    while (at < PIPE_CHUNKED) {
        uint64_t n = PIPE_CHUNKED - at < PIPE_CHUNK ? PIPE_CHUNKED - at : PIPE_CHUNK;

        for (uint64_t i = 0; i < n; i++)
            buf[i] = (uint8_t)((at + i) % 127);
        if (write_all(1, buf, n) < 0)
            return 1;
        at += n;
    }
    return 0;
}

/* The stream of pipe_records and pipe_chunks together: a byte with the
 * top bit set starts a record, whose PIPE_RECORD bytes must all be its
 * (records in order); every other byte is the chunks' next. */
static int
pipe_check(void)
{
    static uint8_t buf[256u << 10];
    struct pipe_mix mix = {0};
    uint32_t rec_left = 0, next_rec = 0;
    uint8_t rec_val = 0;
    ssize_t n;

    while ((n = read(0, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            uint8_t b = buf[i];

            if (rec_left) {
                mix.errors += b != rec_val;
                if (--rec_left == 0)
                    mix.records++;
            } else if (b & 0x80) {
                mix.errors += b != (0x80 | (next_rec & 0x7f));
                mix.records_inside_chunks +=
                    mix.chunk_bytes % PIPE_CHUNK != 0 && mix.chunk_bytes < PIPE_CHUNKED;
                rec_val = b;
                rec_left = PIPE_RECORD - 1;
                next_rec++;
            } else {
                mix.errors += b != mix.chunk_bytes % 127;
                mix.chunk_bytes++;
            }
        }
    }
    mix.errors += rec_left != 0 || n < 0;
    return write_all(1, &mix, sizeof(mix)) < 0 ? 2 : 0;
}

static void *
hang_reader(void *arg)
{
    static uint8_t buf[64u << 10];

    (void)arg;
    return (void *)(intptr_t)read(0, buf, sizeof(buf)); /* a bulk read: it waits */
}

/* A thread waits in a bulk read of fd 0 (nobody writes); close(0) and the
 * end of the process must not wait for it. Writes "c" to fd 1 once close
 * returned. */
static int
pipe_hang(void)
{
    pthread_t t;

    if (pthread_create(&t, NULL, hang_reader, NULL) != 0)
        return 1;
    cairn_thread_sleep(50 * MS_NS); /* the read reaches the server */
    if (close(0) != 0)
        return 2;
    if (write_all(1, "c", 1) < 0)
        return 3;
    return 0; /* exit, the reader still waiting */
}

/* A copy of this program in mode with the given handles as its start
 * handles of the given kinds (copied; this program keeps its own). */
static long
spawn_end(uint64_t mode, const long *handles, const uint32_t *kinds, uint32_t n)
{
    static const char *const argv[] = {"test-vfs", NULL};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .handle_kinds = kinds, .start_arg = mode};
    uint64_t offset = 0, size = 0;
    long image = test_program_image("test-vfs", &offset, &size), child;

    if (image < 0) {
        test_fail("no image (%ld)", image);
        return image;
    }
    child = cairn_spawn(image, offset, size, &attr, NULL);
    if (child < 0)
        test_fail("spawn: %s", cairn_error_name((int)child));
    return child;
}

/* Waits for child to end with status 0. */
static void
expect_child_ok(const char *what, long child)
{
    int64_t status = -1;

    if (child < 0)
        return;
    expect_ret(what, cairn_process_wait(child, 60 * SECOND, &status), 0);
    if (status != 0)
        test_fail("%s ended with %ld", what, (long)status);
    cairn_handle_close(child);
}

static void
eight_mib_go_through_a_pipe_between_two_processes_intact(void)
{
    static uint8_t piece[64u << 10];
    static const uint32_t out_kind[1] = {PROTO_HANDLE_STDOUT};
    static const uint32_t in_out_kinds[2] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT};
    uint8_t want[UTIL_SHA256_SIZE];
    struct util_sha256 sha;
    struct pipe_sum sum = {0};
    long rd, wr, res_rd, res_wr, source, sink;

    if (pipe_make(&rd, &wr) < 0 || pipe_make(&res_rd, &res_wr) < 0)
        return;
    source = spawn_end(MODE_PIPE_SOURCE, &wr, out_kind, 1);
    sink = spawn_end(MODE_PIPE_SINK, (long[2]){rd, res_wr}, in_out_kinds, 2);
    /* The children hold the ends now; theirs are the references. */
    cairn_handle_close(wr);
    cairn_handle_close(rd);
    cairn_handle_close(res_wr);
    util_sha256_init(&sha);
    for (uint64_t at = 0; at < PIPE_STREAM; at += sizeof(piece)) {
        for (uint64_t i = 0; i < sizeof(piece); i++)
            piece[i] = big_byte(at + i);
        util_sha256_update(&sha, piece, sizeof(piece));
    }
    util_sha256_final(&sha, want);
    expect_ret("the sink's sums", io_read(res_rd, &sum, sizeof(sum)), (long)sizeof(sum));
    io_close(res_rd);
    expect_child_ok("the source", source);
    expect_child_ok("the sink", sink);
    if (sum.bytes != PIPE_STREAM || memcmp(sum.sha, want, sizeof(want)) != 0)
        test_fail("the sink read %lu bytes with another SHA-256", (unsigned long)sum.bytes);
    if (sum.big_reads == 0)
        test_fail("no read gave more than a message's bytes: no bulk channel");
}

static void
close_and_exit_never_wait_for_a_bulk_read_waiting_on_a_pipe(void)
{
    static const uint32_t in_out_kinds[2] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT};
    int64_t status = -1;
    long rd, wr, res_rd, res_wr, child, r = 0;
    char c = 0;

    if (pipe_make(&rd, &wr) < 0 || pipe_make(&res_rd, &res_wr) < 0)
        return;
    child = spawn_end(MODE_PIPE_HANG, (long[2]){rd, res_wr}, in_out_kinds, 2);
    cairn_handle_close(rd);
    cairn_handle_close(res_wr);
    if (child < 0)
        goto out;
    if (cairn_process_wait(child, 10 * SECOND, &status) != 0) {
        test_fail("the child still runs: close or exit waited for the read");
        cairn_process_kill(child);
        cairn_process_wait(child, 10 * SECOND, NULL);
    } else if (status != 0) {
        test_fail("the child ended with %ld", (long)status);
    }
    cairn_handle_close(child);
    expect_ret("close returned", io_read(res_rd, &c, 1), 1);
    /* The channel went with the process, and with it the read end: a
     * write gets EPIPE once the close notices are through. */
    for (uint64_t t0 = cairn_clock_get(); cairn_clock_get() - t0 < 10 * SECOND;) {
        r = call_ep(wr, PROTO_IO_WRITE, 0, PROTO_IO_NONBLOCK, "x", 1, NULL, 0, NULL);
        if (r != 1 && r != -CAIRN_EAGAIN)
            break;
        cairn_thread_sleep(MS_NS);
    }
    expect_ret("a write once the reader's process is gone", r, -CAIRN_EPIPE);
out:
    io_close(res_rd);
    io_close(wr);
}

static void
records_and_big_chunks_share_a_pipe_and_no_record_is_split(void)
{
    static const uint32_t out_kind[1] = {PROTO_HANDLE_STDOUT};
    static const uint32_t in_out_kinds[2] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT};
    struct pipe_mix mix = {0};
    long rd, wr, res_rd, res_wr, records, chunks, check;

    if (pipe_make(&rd, &wr) < 0 || pipe_make(&res_rd, &res_wr) < 0)
        return;
    /* Two writers share the write end: one reference each. */
    expect_ret("dup the write end", call_ep(wr, PROTO_IO_DUP, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    check = spawn_end(MODE_PIPE_CHECK, (long[2]){rd, res_wr}, in_out_kinds, 2);
    records = spawn_end(MODE_PIPE_RECORDS, &wr, out_kind, 1);
    chunks = spawn_end(MODE_PIPE_CHUNKS, &wr, out_kind, 1);
    cairn_handle_close(wr);
    cairn_handle_close(rd);
    cairn_handle_close(res_wr);
    expect_ret("the checker's counts", io_read(res_rd, &mix, sizeof(mix)), (long)sizeof(mix));
    io_close(res_rd);
    expect_child_ok("the record writer", records);
    expect_child_ok("the chunk writer", chunks);
    expect_child_ok("the checker", check);
    if (mix.records != PIPE_RECORDS || mix.chunk_bytes != PIPE_CHUNKED || mix.errors != 0)
        test_fail("%lu records, %lu chunk bytes, %lu wrong bytes", (unsigned long)mix.records,
                  (unsigned long)mix.chunk_bytes, (unsigned long)mix.errors);
    printf("vfs: %lu records came between two bytes of one chunk write\n",
           (unsigned long)mix.records_inside_chunks);
}

static void
a_program_uses_the_server_through_libc(void)
{
    static const char *const argv[] = {"test-vfs", NULL};
    uint32_t kinds[1] = {PROTO_HANDLE_VFS};
    long copy = cairn_handle_dup(vfs_ep, SEND), image, child;
    struct cairn_spawn_attr attr = {.argv = argv,
                                    .handles = &copy,
                                    .nhandles = 1,
                                    .handle_kinds = kinds,
                                    .start_arg = MODE_LIBC};
    uint64_t offset = 0, size = 0;
    int64_t status = -1;

    image = test_program_image("test-vfs", &offset, &size);
    if (copy < 0 || image < 0) {
        test_fail("no handle (%ld) or no image (%ld)", copy, image);
        return;
    }
    child = cairn_spawn(image, offset, size, &attr, NULL);
    cairn_handle_close(copy);
    if (child < 0) {
        test_fail("spawn: %s", cairn_error_name((int)child));
        return;
    }
    expect_ret("wait", cairn_process_wait(child, 30 * SECOND, &status), 0);
    if (status != 0)
        test_fail("the child's step %ld went wrong (libc_child)", (long)status);
    cairn_handle_close(child);
}

/* --- other servers --- */

static void
a_corrupt_initfs_is_refused_and_the_rest_is_served(void)
{
    long reg = cairn_endpoint_create(), reg_send, bad, ep = -1, proc, at, h;
    uint32_t kinds[2] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_INITFS};
    struct proto_stat st;

    bad = cairn_memobj_create(4 * PAGE, 0);
    at = cairn_vm_map(bad, 0, 4 * PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (reg < 0 || bad < 0 || at < 0) {
        test_fail("set-up");
        return;
    }
    memset((void *)at, 'x', 4 * PAGE); /* no tar header at all */
    cairn_vm_unmap((uint64_t)at, 4 * PAGE);
    reg_send = cairn_handle_dup(reg, SEND);
    long handles[2] = {reg_send, bad};
    proc = vfs_start(handles, kinds, 2, reg, &ep);
    cairn_handle_close(reg_send);
    cairn_handle_close(reg);
    cairn_handle_close(bad);
    if (ep < 0) {
        vfs_stop(&proc, &ep);
        return;
    }
    long saved = vfs_ep;
    vfs_ep = ep;
    expect_ret("stat /boot", fs_stat("/boot", &st), 0);
    expect_ret("/boot is empty", fs_stat("/boot/bin", &st), -CAIRN_ENOENT);
    h = fs_open("/tmp/f", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    expect_ret("/tmp works", io_write(h, "x", 1), 1);
    io_close(h);
    vfs_ep = saved;
    vfs_stop(&proc, &ep);
}

static void
a_full_file_system_says_enospc_and_the_server_goes_on(void)
{
    static const char *const argv[] = {"vfs", "--tmp-size=64K", NULL};
    static uint8_t buf[CAIRN_MSG_BUF_MAX];
    long reg = cairn_endpoint_create(), reg_send, ep = -1, proc, h, e, saved = vfs_ep;
    uint32_t kinds[1] = {PROTO_HANDLE_REGISTRY};
    struct proto_stat st;
    uint64_t written = 0;

    reg_send = cairn_handle_dup(reg, SEND);
    proc = vfs_start_args(argv, &reg_send, kinds, 1, reg, &ep);
    cairn_handle_close(reg_send);
    cairn_handle_close(reg);
    if (ep < 0) {
        vfs_stop(&proc, &ep);
        return;
    }
    vfs_ep = ep;
    h = fs_open("/tmp/fill", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    while ((e = io_write(h, buf, sizeof(buf))) == (long)sizeof(buf) && written < (1u << 20))
        written += sizeof(buf);
    expect_ret("the write past the budget", e, -CAIRN_ENOSPC);
    if (written < 32 * 1024 || written > 64 * 1024)
        test_fail("%lu bytes fit in a 64 KiB /tmp", (unsigned long)written);
    expect_ret("fstat", io_stat(h, &st), 0);
    if (st.size != written)
        test_fail("the file has %lu bytes, %lu written", (unsigned long)st.size,
                  (unsigned long)written);
    /* A new file's node may still fit; its bytes do not. */
    e = fs_open("/tmp/more", PROTO_O_RDWR | PROTO_O_CREAT, 0644);
    if (e >= 0) {
        expect_ret("a write to a new file", io_write(e, buf, sizeof(buf)), -CAIRN_ENOSPC);
        io_close(e);
    } else {
        expect_ret("a new file", e, -CAIRN_ENOSPC);
    }
    expect_ret("/ is not full", fs_path(PROTO_FS_MKDIR, "/d", 0755), 0);
    expect_ret("truncate makes room", call_ep(h, PROTO_IO_TRUNCATE, 0, 0, NULL, 0, NULL, 0, NULL),
               0);
    expect_ret("seek", io_seek(h, 0, PROTO_SEEK_SET), 0);
    expect_ret("write again", io_write(h, buf, sizeof(buf)), sizeof(buf));
    io_close(h);
    vfs_ep = saved;
    vfs_stop(&proc, &ep);
}

static void
a_server_with_an_unknown_argument_says_so_and_ends(void)
{
    static const char *const argv[] = {"vfs", "--tmp-size=lots", NULL};
    long ep = -1, proc = vfs_start_args(argv, NULL, NULL, 0, -1, &ep);
    int64_t status = 0;

    if (proc < 0)
        return;
    expect_ret("wait", cairn_process_wait(proc, 20 * SECOND, &status), 0);
    if (status != 2)
        test_fail("it ended with %ld, not 2", (long)status);
    cairn_handle_close(proc);
}

static void
a_server_without_a_registry_says_so_and_ends(void)
{
    long ep = -1, proc = vfs_start(NULL, NULL, 0, -1, &ep);
    int64_t status = 0;

    if (proc < 0)
        return;
    expect_ret("wait", cairn_process_wait(proc, 20 * SECOND, &status), 0);
    if (status != 1)
        test_fail("it ended with %ld, not 1", (long)status);
    cairn_handle_close(proc);
}

/* --- /dev --- */

static void
dev_null_swallows_writes_and_dev_zero_reads_zeros(void)
{
    uint8_t buf[300];
    struct proto_stat st;
    char names[256];
    long h;

    list_dir("/dev", names, sizeof(names));
    if (strcmp(names, "null,zero,") != 0)
        test_fail("/dev lists %s", names);
    expect_ret("stat /dev/null", fs_stat("/dev/null", &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFCHR || st.dev != 5)
        test_fail("/dev/null: mode %o dev %lu", st.mode, (unsigned long)st.dev);
    /* What a shell's `> /dev/null` asks for. */
    h = fs_open("/dev/null", PROTO_O_WRONLY | PROTO_O_CREAT | PROTO_O_TRUNC, 0644);
    if (h < 0) {
        test_fail("open /dev/null for writing: %s", cairn_error_name((int)h));
        return;
    }
    expect_ret("write /dev/null", io_write(h, "gone", 4), 4);
    expect_ret("read a write-only /dev/null", io_read(h, buf, 10), -CAIRN_EBADF);
    expect_ret("fstat", io_stat(h, &st), 0);
    if ((st.mode & PROTO_S_IFMT) != PROTO_S_IFCHR)
        test_fail("fstat /dev/null: mode %o", st.mode);
    expect_ret("seek /dev/null", io_seek(h, 100, PROTO_SEEK_SET), 0);
    expect_ret("close", io_close(h), 0);
    h = fs_open("/dev/null", PROTO_O_RDWR, 0);
    expect_ret("read /dev/null", io_read(h, buf, 10), 0);
    expect_ret("readdir /dev/null", call_ep(h, PROTO_IO_READDIR, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_ENOTDIR);
    io_close(h);
    h = fs_open("/dev/zero", PROTO_O_RDWR, 0);
    memset(buf, 0x5a, sizeof(buf));
    expect_ret("read /dev/zero", io_read(h, buf, sizeof(buf)), sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        if (buf[i] != 0) {
            test_fail("/dev/zero gave %#x at %zu", buf[i], i);
            break;
        }
    expect_ret("write /dev/zero", io_write(h, buf, 7), 7);
    io_close(h);
    expect_ret("O_DIRECTORY on /dev/zero", fs_open("/dev/zero", PROTO_O_DIRECTORY, 0),
               -CAIRN_ENOTDIR);
    expect_ret("a new file in /dev", fs_open("/dev/x", PROTO_O_WRONLY | PROTO_O_CREAT, 0644),
               -CAIRN_EROFS);
    expect_ret("unlink /dev/null", fs_path(PROTO_FS_UNLINK, "/dev/null", 0), -CAIRN_EROFS);
    expect_ret("rmdir /dev", fs_path(PROTO_FS_RMDIR, "/dev", 0), -CAIRN_EBUSY);
}

/* --- mounted servers --- */

/*
 * A vfs started with two mounts of a fake file server, `fake`, which a
 * thread of this program serves, and one of a name the registry refuses.
 * This program serves that vfs's registry too (another thread), so it
 * decides what a lookup finds: the fake server's current endpoint while
 * it lives, -CAIRN_ETIMEDOUT while it is "down".
 */
#define FAKE_BADGE     0xfa4eu
#define FAKE_QUIT      0x7f01u /* a request of this program's own: end */
#define FAKE_DATA      "fake data"
#define MNT_TIMEOUT    (60 * SECOND)
/* The vfs's limit on a call to a mounted server (servers/vfs/remote.c). */
#define VFS_CALL_LIMIT (2 * SECOND)

static long mnt_proc = -1, mnt_ep = -1, mnt_reg = -1, mnt_reg_recv = -1;
static volatile long mnt_admin = -1; /* the vfs's `vfs-mount` handle */
static long fake_recv = -1, fake_send = -1;
static volatile int fake_alive;
static volatile uint32_t fake_reads, fake_closes, fake_hang_seen;
static volatile long fake_hung = -1;
static char fake_path[2 * PROTO_PATH_MAX + 2];
static volatile uint32_t fake_path_len;
static volatile uint64_t fake_op;
/* Every fake server's thread and the others: their stacks are freed at
 * the end, once none of them runs. */
static struct test_thread fake_ts[4], reg_t, hung_t, hung_t2;
static unsigned fake_n;
static volatile int hung_done;
static int hung_started, hung_started2;
static const char *hung_path = "/mnt/fake/hang";

static void
fake_answer(uint64_t w0, uint64_t w1, const void *buf, uint32_t len, long handle)
{
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)buf, .send_len = len};
    struct cairn_msg m = {.w = {w0, w1}, .ext = &ext};

    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    cairn_ipc_reply(&m);
}

/*
 * The fake file server: include/proto/fs.h with paths below its mount
 * point. `/` and `/hello` open (a handle of its own that reads FAKE_DATA),
 * `/hang` is never answered (its reply handle kept in fake_hung), mkdir
 * of `/die` drops its caller and ends the server; every other path
 * request is recorded and answered 0.
 */
static long
fake_server(void *arg)
{
    static uint8_t in[CAIRN_MSG_BUF_MAX];
    long ep = (long)arg;

    for (;;) {
        struct cairn_msg_ext ext = {.recv_buf = (uint64_t)in, .recv_cap = sizeof(in)};
        struct cairn_msg m = {.ext = &ext};
        uint64_t badge;
        long r = cairn_ipc_recv(ep, &m, CAIRN_WAIT_FOREVER, &badge);

        if (r < 0)
            return r;
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (badge == FAKE_BADGE) {
            if (m.w[0] == PROTO_IO_READ) {
                fake_reads++;
                fake_answer(sizeof(FAKE_DATA) - 1, 0, FAKE_DATA, sizeof(FAKE_DATA) - 1, -1);
            } else if (m.w[0] == PROTO_IO_CLOSE) {
                fake_closes++;
                fake_answer(0, 0, NULL, 0, -1);
            } else {
                fake_answer((uint64_t)-CAIRN_ENOSYS, 0, NULL, 0, -1);
            }
            continue;
        }
        if (m.w[0] == FAKE_QUIT) {
            fake_answer(0, 0, NULL, 0, -1);
            return 0;
        }
        memcpy(fake_path, in, ext.recv_len);
        fake_path[ext.recv_len] = '\0';
        fake_path_len = ext.recv_len;
        fake_op = m.w[0];
        if (m.w[0] == PROTO_FS_OPEN && strcmp(fake_path, "/hang") == 0) {
            fake_hung = cairn_ipc_reply_save();
            fake_hang_seen = 1;
        } else if (m.w[0] == PROTO_FS_OPEN &&
                   (strcmp(fake_path, "/") == 0 || strcmp(fake_path, "/hello") == 0)) {
            long h = cairn_handle_mint(ep, SEND, FAKE_BADGE);

            fake_answer(h < 0 ? (uint64_t)h : 0, PROTO_S_IFREG, NULL, 0, h);
        } else if (m.w[0] == PROTO_FS_OPEN) {
            fake_answer((uint64_t)-CAIRN_ENOENT, 0, NULL, 0, -1);
        } else if (m.w[0] == PROTO_FS_STAT) {
            struct proto_stat st = {.size = 9, .ino = 7, .dev = 77, .mode = PROTO_S_IFREG | 0444};

            fake_answer(0, 0, &st, sizeof(st), -1);
        } else if (m.w[0] == PROTO_FS_MKDIR && strcmp(fake_path, "/die") == 0) {
            long reply = cairn_ipc_reply_save();

            fake_alive = 0;
            cairn_handle_close(reply); /* unanswered: the caller gets ECLOSED */
            return 1;
        } else {
            fake_answer(0, 0, NULL, 0, -1);
        }
    }
}

/* The registry of the vfs under test: `fake` while the fake server lives. */
static long
fake_registry(void *arg)
{
    char name[PROTO_REG_NAME_MAX + 1];
    long ep = (long)arg;

    for (;;) {
        struct cairn_msg_ext ext = {.recv_buf = (uint64_t)name, .recv_cap = PROTO_REG_NAME_MAX};
        struct cairn_msg m = {.ext = &ext};
        uint64_t badge;
        long r = cairn_ipc_recv(ep, &m, CAIRN_WAIT_FOREVER, &badge);

        if (r < 0)
            return r;
        if (m.w[0] == PROTO_REG_REGISTER && ext.recv_len == 9 &&
            memcmp(name, "vfs-mount", 9) == 0 && ext.recv_nhandles == 1 && mnt_admin < 0) {
            mnt_admin = cairn_handle_dup(ext.recv_handles[0], SEND);
            cairn_handle_close(ext.recv_handles[0]);
            fake_answer(0, 0, NULL, 0, -1);
            continue;
        }
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (m.w[0] == FAKE_QUIT) {
            fake_answer(0, 0, NULL, 0, -1);
            return 0;
        }
        if (m.w[0] != PROTO_REG_LOOKUP || ext.recv_len != 4 || memcmp(name, "fake", 4) != 0) {
            fake_answer((uint64_t)-CAIRN_EPERM, 0, NULL, 0, -1);
            continue;
        }
        if (!fake_alive) {
            fake_answer((uint64_t)-CAIRN_ETIMEDOUT, 0, NULL, 0, -1);
            continue;
        }
        struct cairn_msg_ext out = {.send_nhandles = 1};
        struct cairn_msg ans = {.w = {0}, .ext = &out};

        out.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)fake_send, SEND, CAIRN_MSG_HANDLE_COPY, 0};
        if (cairn_ipc_reply(&ans) < 0)
            fake_answer((uint64_t)-CAIRN_ETIMEDOUT, 0, NULL, 0, -1);
    }
}

/* A new fake server: its endpoint, and the thread serving it. */
static int
fake_start(void)
{
    fake_recv = cairn_endpoint_create();
    fake_send = fake_recv < 0 ? -1 : cairn_handle_dup(fake_recv, SEND);
    if (fake_send < 0) {
        test_fail("fake server: no endpoint");
        return -1;
    }
    fake_alive = 1;
    if (fake_n == sizeof(fake_ts) / sizeof(fake_ts[0]) ||
        test_thread_start(&fake_ts[fake_n++], fake_server, (void *)fake_recv) != 0) {
        test_fail("fake server: no thread");
        return -1;
    }
    return 0;
}

/* Ends the fake server's thread (FAKE_QUIT unless it ended itself) and
 * closes its endpoint: calls through old copies then fail with ECLOSED. */
static void
fake_stop(int ended_itself)
{
    int64_t status = -1;

    fake_alive = 0;
    if (!ended_itself)
        expect_ret("quit", call_ep(fake_send, FAKE_QUIT, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("join the fake server", test_thread_join(&fake_ts[fake_n - 1], MNT_TIMEOUT, &status),
               0);
    cairn_handle_close(fake_send);
    cairn_handle_close(fake_recv);
    fake_send = fake_recv = -1;
}

static void
a_vfs_with_mounts_starts_and_lists_them(void)
{
    static const char *const argv[] = {"vfs",
                                       "--mount=/mnt/fake:fake",
                                       "--mount=/dev/fakedev:fake",
                                       "--mount=/mnt/nobody:nobody",
                                       "--call-limit=2",
                                       NULL};
    static const char *const want[][3] = {
        {"/", "ramfs", ""},
        {"/tmp", "ramfs", ""},
        {"/boot", "initfs", "ro"},
        {"/bin", "initfs", "ro"},
        {"/dev", "devfs", ""},
        {"/mnt/fake", "fake", "remote"},
        {"/dev/fakedev", "fake", "remote"},
        {"/mnt/nobody", "nobody", "remote"},
    };
    static struct proto_mount rec;
    long reg = cairn_endpoint_create(), reg_send, fs, fs_ro;
    uint32_t kinds[2] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_INITFS};
    uint64_t cookie = 0;
    unsigned n = 0;
    char names[256];
    struct reply r;
    long e;

    fs = cairn_boot_module("initfs", NULL);
    if (reg < 0 || fs < 0 || fake_start() < 0) {
        test_fail("set-up");
        return;
    }
    reg_send = cairn_handle_dup(reg, SEND);
    fs_ro = cairn_handle_dup(fs, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                     CAIRN_RIGHT_TRANSFER);
    long handles[2] = {reg_send, fs_ro};
    mnt_proc = vfs_start_args(argv, handles, kinds, 2, reg, &mnt_ep);
    cairn_handle_close(reg_send);
    cairn_handle_close(fs_ro);
    if (mnt_ep < 0) {
        cairn_handle_close(reg);
        return;
    }
    mnt_reg = cairn_handle_dup(reg, SEND);
    mnt_reg_recv = reg;
    if (test_thread_start(&reg_t, fake_registry, (void *)reg) != 0) {
        test_fail("no registry thread");
        return;
    }
    while ((e = call_ep(mnt_ep, PROTO_FS_MOUNTS, cookie, 0, NULL, 0, &rec, sizeof(rec), &r)) == 1) {
        if (n < sizeof(want) / sizeof(want[0]) &&
            (strcmp(rec.path, want[n][0]) != 0 || strcmp(rec.what, want[n][1]) != 0 ||
             !!(rec.flags & PROTO_MNT_RDONLY) != (want[n][2][0] == 'r' && want[n][2][1] == 'o') ||
             !!(rec.flags & PROTO_MNT_REMOTE) != (want[n][2][0] == 'r' && want[n][2][1] == 'e') ||
             (rec.flags & PROTO_MNT_REACHED) || rec.error != 0))
            test_fail("mount %u: %s on %s, flags %#x, error %d", n, rec.what, rec.path, rec.flags,
                      rec.error);
        if (r.len != sizeof(rec) || r.w[1] <= cookie)
            test_fail("mount %u: %u bytes, cookie %lu", n, r.len, (unsigned long)r.w[1]);
        cookie = r.w[1];
        if (++n > 100)
            break;
    }
    expect_ret("the end of the mounts", e, 0);
    if (n != sizeof(want) / sizeof(want[0]))
        test_fail("%u mounts listed", n);
    /* The mount points show in their directories. */
    long saved = vfs_ep;
    vfs_ep = mnt_ep;
    list_dir("/mnt", names, sizeof(names));
    if (strcmp(names, "fake/,nobody/,") != 0)
        test_fail("/mnt lists %s", names);
    list_dir("/dev", names, sizeof(names));
    if (strcmp(names, "null,zero,fakedev,") != 0)
        test_fail("/dev lists %s", names);
    vfs_ep = saved;
}

static void
a_mounted_server_answers_opens_and_the_client_reads_from_it_directly(void)
{
    static struct proto_mount rec;
    struct proto_stat st;
    char got[32];
    long h, saved = vfs_ep;

    if (mnt_ep < 0)
        return;
    vfs_ep = mnt_ep;
    uint32_t closes = fake_closes;
    h = fs_open("/mnt/fake/hello", PROTO_O_RDONLY, 0);
    if (h < 0) {
        test_fail("open /mnt/fake/hello: %s", cairn_error_name((int)h));
        vfs_ep = saved;
        return;
    }
    if (fake_op != PROTO_FS_OPEN || strcmp(fake_path, "/hello") != 0)
        test_fail("the fake server got op %#lx for %s", (unsigned long)fake_op, fake_path);
    uint32_t reads = fake_reads;
    memset(got, 0, sizeof(got));
    expect_ret("read through the handle", io_read(h, got, sizeof(got)), 9);
    if (strcmp(got, FAKE_DATA) != 0 || fake_reads != reads + 1)
        test_fail("read \"%s\", the server counted %u reads", got, fake_reads - reads);
    expect_ret("close", io_close(h), 0);
    /* The vfs kept no reference of its own: the client's close is the one. */
    if (fake_closes != closes + 1)
        test_fail("the server counted %u closes", fake_closes - closes);
    /* The mount point itself is `/` to the server, under /dev too. */
    h = fs_open("/dev/fakedev", PROTO_O_RDONLY, 0);
    if (h < 0 || strcmp(fake_path, "/") != 0)
        test_fail("open /dev/fakedev: %ld, the server got %s", h, fake_path);
    if (h >= 0)
        io_close(h);
    expect_ret("a missing name", fs_open("/mnt/fake/x/../nope", 0, 0), -CAIRN_ENOENT);
    if (strcmp(fake_path, "/nope") != 0)
        test_fail("the server got %s for /mnt/fake/x/../nope", fake_path);
    expect_ret("stat", fs_stat("/mnt/fake/hello", &st), 0);
    if (st.dev != 77 || st.size != 9)
        test_fail("stat gave dev %lu size %lu", (unsigned long)st.dev, (unsigned long)st.size);
    /* Changes pass on with relative paths; renames only within one mount. */
    expect_ret("mkdir", fs_path(PROTO_FS_MKDIR, "/mnt/fake/d", 0755), 0);
    if (fake_op != PROTO_FS_MKDIR || strcmp(fake_path, "/d") != 0)
        test_fail("mkdir: the server got op %#lx for %s", (unsigned long)fake_op, fake_path);
    expect_ret("unlink", fs_path(PROTO_FS_UNLINK, "/mnt/fake/d/f", 0), 0);
    expect_ret("rmdir", fs_path(PROTO_FS_RMDIR, "/mnt/fake/d", 0), 0);
    if (fake_op != PROTO_FS_RMDIR || strcmp(fake_path, "/d") != 0)
        test_fail("rmdir: the server got op %#lx for %s", (unsigned long)fake_op, fake_path);
    expect_ret("rename within", fs_rename("/mnt/fake/a", "/mnt/fake/d/b"), 0);
    if (fake_op != PROTO_FS_RENAME || fake_path_len != 7 || memcmp(fake_path, "/a\0/d/b", 8) != 0)
        test_fail("rename: the server got %u bytes", fake_path_len);
    expect_ret("rename out", fs_rename("/mnt/fake/a", "/tmp/a"), -CAIRN_EXDEV);
    expect_ret("rename in", fs_rename("/tmp/a", "/mnt/fake/a"), -CAIRN_EXDEV);
    expect_ret("rename between mounts", fs_rename("/mnt/fake/a", "/dev/fakedev/a"), -CAIRN_EXDEV);
    /* The mount point stays. */
    expect_ret("rmdir the mount point", fs_path(PROTO_FS_RMDIR, "/mnt/fake", 0), -CAIRN_EBUSY);
    expect_ret("unlink the mount point", fs_path(PROTO_FS_UNLINK, "/mnt/fake", 0), -CAIRN_EBUSY);
    expect_ret("mkdir the mount point", fs_path(PROTO_FS_MKDIR, "/mnt/fake", 0755), -CAIRN_EEXIST);
    expect_ret("rename the mount point", fs_rename("/mnt/fake", "/mnt/x"), -CAIRN_EBUSY);
    expect_ret("rename onto the mount point", fs_rename("/tmp", "/dev/fakedev"), -CAIRN_EBUSY);
    expect_ret("rmdir its parent", fs_path(PROTO_FS_RMDIR, "/mnt", 0), -CAIRN_EBUSY);
    expect_ret("rename its parent", fs_rename("/mnt", "/mnt2"), -CAIRN_EBUSY);
    expect_ret("rmdir /dev/fakedev", fs_path(PROTO_FS_RMDIR, "/dev/fakedev", 0), -CAIRN_EBUSY);
    /* A name the vfs may not look up: an error, and the mount says why. */
    expect_ret("open under a refused name", fs_open("/mnt/nobody", 0, 0), -CAIRN_EIO);
    expect_ret("mounts", call_ep(mnt_ep, PROTO_FS_MOUNTS, 5, 0, NULL, 0, &rec, sizeof(rec), NULL),
               1);
    if (strcmp(rec.path, "/mnt/fake") != 0 || !(rec.flags & PROTO_MNT_REACHED) || rec.error != 0)
        test_fail("%s: flags %#x error %d", rec.path, rec.flags, rec.error);
    expect_ret("mounts", call_ep(mnt_ep, PROTO_FS_MOUNTS, 7, 0, NULL, 0, &rec, sizeof(rec), NULL),
               1);
    if (strcmp(rec.path, "/mnt/nobody") != 0 || (rec.flags & PROTO_MNT_REACHED) ||
        rec.error != -CAIRN_EPERM)
        test_fail("%s: flags %#x error %d", rec.path, rec.flags, rec.error);
    vfs_ep = saved;
}

static long
hung_open(void *arg)
{
    long r = fs_open(hung_path, PROTO_O_RDONLY, 0);

    (void)arg;
    hung_done = 1;
    return r;
}

static void
a_hung_mounted_server_blocks_nobody_else_and_its_caller_times_out(void)
{
    struct proto_stat st;
    int64_t status = 0;
    long h, saved = vfs_ep;

    if (mnt_ep < 0)
        return;
    vfs_ep = mnt_ep;
    fake_hang_seen = 0;
    hung_started = 1;
    /* The vfs's limit for the call runs from after this, so if the call
     * ends within that long of it, the end was not the limit's. */
    uint64_t start = cairn_clock_get();
    if (test_thread_start(&hung_t, hung_open, NULL) != 0) {
        vfs_ep = saved;
        return;
    }
    for (int i = 0; i < 2000 && !fake_hang_seen; i++)
        cairn_thread_sleep(10 * MS_NS);
    if (!fake_hang_seen)
        test_fail("the hanging open never reached the fake server");
    /* While it hangs: the vfs's own files, and the same server, answer. */
    expect_ret("stat /tmp", fs_stat("/tmp", &st), 0);
    expect_ret("mkdir /tmp/while", fs_path(PROTO_FS_MKDIR, "/tmp/while", 0755), 0);
    h = fs_open("/mnt/fake/hello", PROTO_O_RDONLY, 0);
    if (h < 0)
        test_fail("open beside the hanging one: %s", cairn_error_name((int)h));
    else
        io_close(h);
    if (hung_done && cairn_clock_get() - start < VFS_CALL_LIMIT)
        test_fail("the hanging open ended before the others were done");
    uint64_t t0 = cairn_clock_get();
    expect_ret("join the hanging open", test_thread_join(&hung_t, MNT_TIMEOUT, &status), 0);
    if (status != -CAIRN_ETIMEDOUT)
        test_fail("the hanging open ended with %s", cairn_error_name((int)status));
    if (cairn_clock_get() - t0 > MNT_TIMEOUT)
        test_fail("it took %lu ms", (unsigned long)((cairn_clock_get() - t0) / MS_NS));
    /* The answer the server gives at last finds nobody. */
    struct cairn_msg m = {.w = {(uint64_t)-CAIRN_ENOENT}};
    expect_ret("the late answer", cairn_ipc_reply_to(fake_hung, &m), -CAIRN_ECLOSED);
    cairn_handle_close(fake_hung);
    fake_hung = -1;
    expect_ret("rmdir /tmp/while", fs_path(PROTO_FS_RMDIR, "/tmp/while", 0), 0);
    vfs_ep = saved;
}

/* PROTO_FS_MOUNT (path, 0, name) or PROTO_FS_UMOUNT (path) on handle h. */
static long
fs_mount(long h, const char *path, const char *name)
{
    char buf[PROTO_PATH_MAX + PROTO_REG_NAME_MAX + 2];
    size_t a = strlen(path), b = name ? strlen(name) : 0;

    memcpy(buf, path, a);
    if (!name)
        return call_ep(h, PROTO_FS_UMOUNT, 0, 0, buf, a, NULL, 0, NULL);
    buf[a] = '\0';
    memcpy(buf + a + 1, name, b);
    return call_ep(h, PROTO_FS_MOUNT, 0, 0, buf, a + 1 + b, NULL, 0, NULL);
}

static void
mounts_are_added_and_removed_through_the_vfs_mount_handle_only(void)
{
    static struct proto_mount rec;
    struct proto_stat st;
    int64_t status = 0;
    char names[256];
    long h, saved = vfs_ep;

    if (mnt_ep < 0)
        return;
    if (mnt_admin < 0) {
        test_fail("the vfs did not register vfs-mount");
        return;
    }
    vfs_ep = mnt_ep;
    expect_ret("mount on the namespace handle", fs_mount(mnt_ep, "/tmp/m", "fake"), -CAIRN_EPERM);
    expect_ret("umount on the namespace handle", fs_mount(mnt_ep, "/mnt/fake", NULL), -CAIRN_EPERM);
    expect_ret("a path request on the mount handle", fs_stat_on(mnt_admin, "/"), -CAIRN_ENOSYS);
    expect_ret("mount", fs_mount(mnt_admin, "/tmp/m/./", "fake"), 0);
    list_dir("/tmp", names, sizeof(names));
    if (strcmp(names, "m/,") != 0)
        test_fail("/tmp lists %s", names);
    h = fs_open("/tmp/m/hello", PROTO_O_RDONLY, 0);
    if (h < 0 || strcmp(fake_path, "/hello") != 0)
        test_fail("open /tmp/m/hello: %ld, the server got %s", h, fake_path);
    if (h >= 0)
        io_close(h);
    expect_ret("mounts", call_ep(mnt_ep, PROTO_FS_MOUNTS, 8, 0, NULL, 0, &rec, sizeof(rec), NULL),
               1);
    if (strcmp(rec.path, "/tmp/m") != 0 || strcmp(rec.what, "fake") != 0)
        test_fail("the new mount is listed as %s on %s", rec.what, rec.path);
    expect_ret("the same path again", fs_mount(mnt_admin, "/tmp/m", "fake"), -CAIRN_EBUSY);
    expect_ret("below it", fs_mount(mnt_admin, "/tmp/m/x", "fake"), -CAIRN_EBUSY);
    expect_ret("above it", fs_mount(mnt_admin, "/tmp", "fake"), -CAIRN_EBUSY);
    expect_ret("over /", fs_mount(mnt_admin, "/", "fake"), -CAIRN_EBUSY);
    expect_ret("over /dev/null", fs_mount(mnt_admin, "/dev/null", "fake"), -CAIRN_EBUSY);
    expect_ret("under /boot", fs_mount(mnt_admin, "/boot/x", "fake"), -CAIRN_EROFS);
    expect_ret("a bad name", fs_mount(mnt_admin, "/tmp/y", "Fake"), -CAIRN_EINVAL);
    expect_ret("no 0", call_ep(mnt_admin, PROTO_FS_MOUNT, 0, 0, "/tmp/y", 6, NULL, 0, NULL),
               -CAIRN_EINVAL);
    h = fs_open("/tmp/file", PROTO_O_WRONLY | PROTO_O_CREAT, 0644);
    io_close(h);
    expect_ret("over a file", fs_mount(mnt_admin, "/tmp/file", "fake"), -CAIRN_ENOTDIR);
    expect_ret("through a file", fs_mount(mnt_admin, "/tmp/file/x", "fake"), -CAIRN_ENOTDIR);
    expect_ret("rmdir the new mount point", fs_path(PROTO_FS_RMDIR, "/tmp/m", 0), -CAIRN_EBUSY);
    /* An umount waits for no request: one in flight makes it EBUSY
     * (unless the host stalled past the vfs's time limit for it, which
     * ended the request: then the umount is done). */
    fake_hang_seen = 0;
    hung_path = "/tmp/m/hang";
    hung_started2 = 1;
    bool umounted = false;
    uint64_t hang_start = cairn_clock_get();
    if (test_thread_start(&hung_t2, hung_open, NULL) == 0) {
        for (int i = 0; i < 2000 && !fake_hang_seen; i++)
            cairn_thread_sleep(10 * MS_NS);
        long r = fs_mount(mnt_admin, "/tmp/m", NULL);
        umounted = r == 0 && cairn_clock_get() - hang_start >= VFS_CALL_LIMIT;
        if (!umounted)
            expect_ret("umount with a request in flight", r, -CAIRN_EBUSY);
        /* Answered late, the answer goes through (unless the host stalled
         * past the vfs's time limit meanwhile: then the caller timed out). */
        struct cairn_msg m = {.w = {(uint64_t)-CAIRN_ENOENT}};
        long late = cairn_ipc_reply_to(fake_hung, &m);
        cairn_handle_close(fake_hung);
        fake_hung = -1;
        expect_ret("join the hanging open", test_thread_join(&hung_t2, MNT_TIMEOUT, &status), 0);
        expect_ret("the hanging open", status, late == 0 ? -CAIRN_ENOENT : -CAIRN_ETIMEDOUT);
    }
    if (!umounted)
        expect_ret("umount", fs_mount(mnt_admin, "/tmp/m", NULL), 0);
    expect_ret("umount again", fs_mount(mnt_admin, "/tmp/m", NULL), -CAIRN_EINVAL);
    expect_ret("umount a directory of the vfs", fs_mount(mnt_admin, "/tmp", NULL), -CAIRN_EINVAL);
    expect_ret("the mount point is a directory of /tmp", fs_stat("/tmp/m", &st), 0);
    if (st.dev != 2 || (st.mode & PROTO_S_IFMT) != PROTO_S_IFDIR)
        test_fail("/tmp/m after the umount: dev %lu mode %o", (unsigned long)st.dev, st.mode);
    expect_ret("rmdir it", fs_path(PROTO_FS_RMDIR, "/tmp/m", 0), 0);
    /* Over a directory with names: hidden while mounted, back after. */
    expect_ret("mkdir /tmp/e", fs_path(PROTO_FS_MKDIR, "/tmp/e", 0755), 0);
    expect_ret("rename /tmp/file into it", fs_rename("/tmp/file", "/tmp/e/file"), 0);
    expect_ret("mount over /tmp/e", fs_mount(mnt_admin, "/tmp/e", "fake"), 0);
    expect_ret("its file is hidden", fs_open("/tmp/e/file", 0, 0), -CAIRN_ENOENT);
    if (strcmp(fake_path, "/file") != 0)
        test_fail("the server got %s", fake_path);
    expect_ret("umount /tmp/e", fs_mount(mnt_admin, "/tmp/e", NULL), 0);
    expect_ret("its file is back", fs_stat("/tmp/e/file", &st), 0);
    expect_ret("unlink it", fs_path(PROTO_FS_UNLINK, "/tmp/e/file", 0), 0);
    expect_ret("rmdir /tmp/e", fs_path(PROTO_FS_RMDIR, "/tmp/e", 0), 0);
    /* In /dev: a device node, gone with the umount. */
    expect_ret("mount in /dev", fs_mount(mnt_admin, "/dev/fake2", "fake"), 0);
    list_dir("/dev", names, sizeof(names));
    if (strcmp(names, "null,zero,fakedev,fake2,") != 0)
        test_fail("/dev lists %s", names);
    expect_ret("umount in /dev", fs_mount(mnt_admin, "/dev/fake2", NULL), 0);
    list_dir("/dev", names, sizeof(names));
    if (strcmp(names, "null,zero,fakedev,") != 0)
        test_fail("/dev lists %s after the umount", names);
    /* The directories made on the way are ordinary ones again. */
    expect_ret("mount deep", fs_mount(mnt_admin, "/tmp/a/b/c", "fake"), 0);
    expect_ret("rmdir on the way", fs_path(PROTO_FS_RMDIR, "/tmp/a/b", 0), -CAIRN_EBUSY);
    expect_ret("umount deep", fs_mount(mnt_admin, "/tmp/a/b/c", NULL), 0);
    expect_ret("rmdir c", fs_path(PROTO_FS_RMDIR, "/tmp/a/b/c", 0), 0);
    expect_ret("rmdir b", fs_path(PROTO_FS_RMDIR, "/tmp/a/b", 0), 0);
    expect_ret("rmdir a", fs_path(PROTO_FS_RMDIR, "/tmp/a", 0), 0);
    vfs_ep = saved;
}

static void
a_mounted_server_that_ends_is_found_again_once_restarted(void)
{
    static struct proto_mount rec;
    long h, saved = vfs_ep;
    char got[16];

    if (mnt_ep < 0)
        return;
    vfs_ep = mnt_ep;
    /* It ends with a request of the vfs in hand. */
    expect_ret("mkdir while it ends", fs_path(PROTO_FS_MKDIR, "/mnt/fake/die", 0755),
               -CAIRN_ECLOSED);
    fake_stop(1);
    expect_ret("mounts", call_ep(mnt_ep, PROTO_FS_MOUNTS, 5, 0, NULL, 0, &rec, sizeof(rec), NULL),
               1);
    if ((rec.flags & PROTO_MNT_REACHED) || rec.error != -CAIRN_ECLOSED)
        test_fail("%s after its end: flags %#x error %d", rec.path, rec.flags, rec.error);
    /* While it is down its name is not found. */
    expect_ret("open while it is down", fs_open("/mnt/fake/hello", 0, 0), -CAIRN_EIO);
    /* Restarted, it is looked up again. */
    if (fake_start() < 0) {
        vfs_ep = saved;
        return;
    }
    h = fs_open("/mnt/fake/hello", PROTO_O_RDONLY, 0);
    if (h < 0) {
        test_fail("open after the restart: %s", cairn_error_name((int)h));
    } else {
        expect_ret("read after the restart", io_read(h, got, sizeof(got)), 9);
        io_close(h);
    }
    /* It ends between two requests: the vfs's endpoint is stale, the open
     * finds the restarted server all the same. */
    fake_stop(0);
    if (fake_start() < 0) {
        vfs_ep = saved;
        return;
    }
    h = fs_open("/mnt/fake/hello", PROTO_O_RDONLY, 0);
    if (h < 0)
        test_fail("open after a quiet restart: %s", cairn_error_name((int)h));
    else
        io_close(h);
    vfs_ep = saved;
}

static void
the_vfs_with_mounts_and_its_servers_end(void)
{
    int64_t status = -1;

    if (mnt_ep < 0)
        return;
    if (fake_recv >= 0)
        fake_stop(0);
    vfs_stop(&mnt_proc, &mnt_ep);
    expect_ret("quit the registry", call_ep(mnt_reg, FAKE_QUIT, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("join the registry", test_thread_join(&reg_t, MNT_TIMEOUT, &status), 0);
    cairn_handle_close(mnt_reg);
    cairn_handle_close(mnt_reg_recv);
    mnt_reg = mnt_reg_recv = -1;
    test_thread_free(&reg_t);
    if (hung_started)
        test_thread_free(&hung_t);
    if (hung_started2)
        test_thread_free(&hung_t2);
    if (mnt_admin >= 0)
        cairn_handle_close(mnt_admin);
    mnt_admin = -1;
    for (unsigned i = 0; i < fake_n; i++)
        test_thread_free(&fake_ts[i]);
}

static void
the_server_ends_when_killed(void)
{
    vfs_stop(&vfs_proc, &vfs_ep);
}

static const struct usertest tests[] = {
    USERTEST(the_server_starts_from_the_initfs_and_registers_as_vfs),
    USERTEST(files_are_created_written_read_back_sought_and_stated),
    USERTEST(truncate_grows_and_shrinks_a_file),
    USERTEST(an_unlinked_file_stays_open_until_its_last_close),
    USERTEST(directories_are_made_listed_renamed_and_removed),
    USERTEST(boot_is_the_initfs_read_only_and_bin_is_its_bin),
    USERTEST(paths_fold_dots_and_never_climb_above_the_root),
    USERTEST(dev_null_swallows_writes_and_dev_zero_reads_zeros),
    USERTEST(a_pipe_between_two_threads_blocks_both_ways_and_ends),
    USERTEST(a_reader_gets_end_of_file_and_a_writer_epipe_when_the_other_end_closes),
    USERTEST(a_pipe_end_let_go_without_a_close_still_ends_the_pipe),
    USERTEST(bad_requests_get_errors_and_the_server_goes_on),
    USERTEST(a_mebibyte_file_is_written_and_read_back_intact),
    USERTEST(a_mebibyte_goes_through_a_bulk_channel_intact),
    USERTEST(bulk_requests_with_bad_sizes_or_buffers_are_refused),
    USERTEST(a_channel_outlives_its_plain_handle_and_dropped_channels_come_back),
    USERTEST(a_pipe_moves_big_pieces_through_bulk_channels_in_one_request),
    USERTEST(bulk_requests_on_a_pipe_wait_end_and_refuse_as_posix_says),
    USERTEST(a_bulk_write_cut_short_by_the_reader_says_how_much_went_in_then_epipe),
    USERTEST(a_client_changing_its_buffers_mid_copy_changes_only_its_bytes),
    USERTEST(a_view_serves_the_namespace_below_its_directory_and_nothing_above),
    USERTEST(a_read_only_view_refuses_every_change_and_reads_as_before),
    USERTEST(a_bind_shows_another_directory_read_only_inside_a_view),
    USERTEST(a_view_ends_with_the_last_copy_of_its_handle),
    USERTEST(closing_everything_leaks_nothing_in_the_server_or_here),
    USERTEST(a_program_uses_the_server_through_libc),
    USERTEST(eight_mib_go_through_a_pipe_between_two_processes_intact),
    USERTEST(records_and_big_chunks_share_a_pipe_and_no_record_is_split),
    USERTEST(close_and_exit_never_wait_for_a_bulk_read_waiting_on_a_pipe),
    USERTEST(a_corrupt_initfs_is_refused_and_the_rest_is_served),
    USERTEST(a_full_file_system_says_enospc_and_the_server_goes_on),
    USERTEST(a_server_with_an_unknown_argument_says_so_and_ends),
    USERTEST(a_server_without_a_registry_says_so_and_ends),
    USERTEST(a_vfs_with_mounts_starts_and_lists_them),
    USERTEST(a_mounted_server_answers_opens_and_the_client_reads_from_it_directly),
    USERTEST(a_hung_mounted_server_blocks_nobody_else_and_its_caller_times_out),
    USERTEST(mounts_are_added_and_removed_through_the_vfs_mount_handle_only),
    USERTEST(a_mounted_server_that_ends_is_found_again_once_restarted),
    USERTEST(the_vfs_with_mounts_and_its_servers_end),
    USERTEST(the_server_ends_when_killed),
};

int
main(void)
{
    switch (cairn_start_arg()) {
    case MODE_LIBC:
        return libc_child();
    case MODE_PIPE_SOURCE:
        return pipe_source();
    case MODE_PIPE_SINK:
        return pipe_sink();
    case MODE_PIPE_RECORDS:
        return pipe_records();
    case MODE_PIPE_CHUNKS:
        return pipe_chunks();
    case MODE_PIPE_CHECK:
        return pipe_check();
    case MODE_PIPE_HANG:
        return pipe_hang();
    }
    return harness_run("vfs", tests, sizeof(tests) / sizeof(tests[0]));
}
