/* SPDX-License-Identifier: MIT */
/*
 * mount: lists the mounts of the namespace, one a line, in the vfs
 * server's order (PROTO_FS_MOUNTS, include/proto/fs.h):
 *
 *     ramfs on / (rw)
 *     initfs on /boot (ro)
 *     rng on /dev/random (server, reached)
 *
 * A mounted server is `reached` while the vfs holds its endpoint and the
 * last request passed on got through, `not reached yet` before its first
 * use, and `unreachable: why` after a lookup or a request failed. Every
 * record is checked (NUL-terminated strings inside their fields) before
 * it is printed. Cairn-only: it speaks the vfs's protocol on its start
 * handle PROTO_HANDLE_VFS. Mounting and unmounting are not there yet.
 */
#include <errno.h>
#include <string.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <util/util.h>

#define MOUNT_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)

static const char mount_usage[] = "Usage: mount\nList the mounts of the namespace.\n";

/* Is the field of cap bytes a NUL-terminated string? */
static int
mount_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static void
mount_print(const struct proto_mount *m)
{
    util_printf("%s on %s", m->what, m->path);
    if (!(m->flags & PROTO_MNT_REMOTE))
        util_printf(" (%s)\n", m->flags & PROTO_MNT_RDONLY ? "ro" : "rw");
    else if (m->flags & PROTO_MNT_REACHED)
        util_outs(" (server, reached)\n");
    else if (m->error == 0)
        util_outs(" (server, not reached yet)\n");
    else
        util_printf(" (server, unreachable: %s)\n", cairn_error_name(m->error));
}

int
main(int argc, char **argv)
{
    static struct proto_mount rec;
    struct util_opts opts;
    long vfs = cairn_start_handle(PROTO_HANDLE_VFS, 0);
    uint64_t cookie = 0;

    util_init("mount", mount_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index < argc)
        util_usage_error(1, "mounting is not there yet: no operands");
    if (vfs < 0)
        util_exit(util_fail("no vfs server"));
    for (unsigned n = 0; n < 1024; n++) {
        struct cairn_msg_ext ext = {.recv_buf = (uint64_t)&rec, .recv_cap = sizeof(rec)};
        struct cairn_msg m = {.w = {PROTO_FS_MOUNTS, cookie}, .ext = &ext};
        long r;

        memset(&rec, 0, sizeof(rec));
        r = cairn_ipc_call_timed(vfs, &m, MOUNT_TIMEOUT_NS);
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        if (r >= 0)
            r = (long)m.w[0];
        if (r < 0)
            util_exit(util_fail("the vfs server: %s", cairn_error_name((int)r)));
        if (r == 0)
            util_exit(0);
        if (r != 1 || ext.recv_len != sizeof(rec) || m.w[1] <= cookie ||
            !mount_terminated(rec.what, sizeof(rec.what)) ||
            !mount_terminated(rec.path, sizeof(rec.path)))
            util_exit(util_fail("the vfs server: %s", strerror(EIO)));
        mount_print(&rec);
        cookie = m.w[1];
    }
    util_exit(util_fail("the vfs server lists too many mounts"));
}
