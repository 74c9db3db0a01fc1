// SPDX-License-Identifier: MIT
/*
 * sync(2) and statvfs(3) (fsync, fdatasync and fstatvfs are libc/fd.c's).
 *
 * sync asks every mounted server for a PROTO_IO_SYNC through its mount
 * point, one after another, in the vfs's order (PROTO_FS_MOUNTS): the
 * vfs's own file systems are memory and need none. POSIX lets sync return
 * before the writes are done; this one returns after, so `sync` followed
 * by a power-off loses nothing. A server that fails or does not answer is
 * passed over (sync has no error to report).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>

#define SYNC_LIST_NS (5ull * 1000 * 1000 * 1000)

long
cairn_mounts_next(uint64_t *cookie, struct proto_mount *rec)
{
    long vfs = cairn_start_handle(PROTO_HANDLE_VFS, 0);
    struct cairn_msg_ext ext = {.recv_buf = (uint64_t)(uintptr_t)rec, .recv_cap = sizeof(*rec)};
    struct cairn_msg m = {.w = {PROTO_FS_MOUNTS, *cookie}, .ext = &ext};
    long r;

    if (vfs < 0)
        return vfs;
    memset(rec, 0, sizeof(*rec));
    r = cairn_ipc_call_timed(vfs, &m, SYNC_LIST_NS);
    for (uint32_t k = 0; r >= 0 && k < ext.recv_nhandles && k < CAIRN_MSG_HANDLES; k++)
        cairn_handle_close(ext.recv_handles[k]);
    if (r < 0)
        return r;
    if ((int64_t)m.w[0] <= 0)
        return (long)(int64_t)m.w[0];
    if (ext.recv_len != sizeof(*rec))
        return -CAIRN_EIO;
    rec->what[sizeof(rec->what) - 1] = 0;
    rec->path[sizeof(rec->path) - 1] = 0;
    *cookie = m.w[1];
    return 1;
}

void
sync(void)
{
    static struct proto_mount rec; /* 1 KiB: not on a small thread's stack */
    uint64_t cookie = 0;

    /* The vfs has at most 16 mounts and a few of its own: the bound only
     * guards against a vfs whose cookies never end. */
    for (int i = 0; i < 64 && cairn_mounts_next(&cookie, &rec) > 0; i++) {
        int fd;

        if (!(rec.flags & PROTO_MNT_REMOTE))
            continue;
        fd = open(rec.path, O_RDONLY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
}

int
statvfs(const char *path, struct statvfs *sv)
{
    int fd = open(path, O_RDONLY), r, saved;

    if (fd < 0)
        return -1;
    r = fstatvfs(fd, sv);
    saved = errno;
    close(fd);
    errno = saved;
    return r;
}
