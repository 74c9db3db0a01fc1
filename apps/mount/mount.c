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
 * it is printed. `mount NAME DIR` mounts the server registered as NAME
 * at DIR (PROTO_FS_MOUNT), through the vfs's `vfs-mount` handle, which
 * only a program whose manifest lets it look that name up gets; umount
 * (apps/umount) is the other half. Cairn-only: it speaks the vfs's
 * protocol on its start handles PROTO_HANDLE_VFS and _REGISTRY.
 */
#include <errno.h>
#include <string.h>

#include <cairn/fd.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/registry.h>
#include <util/util.h>

#define MOUNT_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)

static const char mount_usage[] =
    "Usage: mount [NAME DIR]\n"
    "List the mounts of the namespace, or mount the server registered as NAME at DIR.\n";

/* PROTO_FS_MOUNT of name at dir through the `vfs-mount` handle. */
static int
mount_one(const char *name, const char *dir)
{
    char buf[PROTO_PATH_MAX + 1 + PROTO_REG_NAME_MAX + 1];
    long len = cairn_path_absolute(dir, buf), h, r;
    size_t nlen = strlen(name);

    if (len < 0)
        return util_fail("%s: %s", dir, strerror((int)-len));
    if (nlen > PROTO_REG_NAME_MAX)
        return util_fail("%s: not a service name", name);
    h = cairn_registry_lookup("vfs-mount", MOUNT_TIMEOUT_NS);
    if (h < 0)
        return util_fail("cannot mount (vfs-mount: %s)", strerror((int)-h));
    memcpy(buf + len + 1, name, nlen);
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)buf, .send_len = (uint32_t)(len + 1 + nlen)};
    struct cairn_msg m = {.w = {PROTO_FS_MOUNT}, .ext = &ext};

    r = cairn_ipc_call_timed(h, &m, MOUNT_TIMEOUT_NS);
    cairn_handle_close(h);
    if (r >= 0)
        r = (long)m.w[0];
    if (r < 0)
        return util_fail("%s on %s: %s", name, dir, strerror((int)-r));
    return 0;
}

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
        util_printf(" (server, unreachable: %s)\n", strerror(-m->error));
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
    if (argc - opts.index == 2)
        util_exit(mount_one(argv[opts.index], argv[opts.index + 1]));
    if (opts.index < argc)
        util_usage_error(1, "NAME and DIR, or nothing");
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
            util_exit(util_fail("the vfs server: %s", strerror((int)-r)));
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
