// SPDX-License-Identifier: MIT
/*
 * The vfs server (docs/vfs.md): start-up and the receive loop with its one
 * dispatch table. At start it builds the namespace (a ramfs at `/` and one
 * at `/tmp`; the initfs, start handle PROTO_HANDLE_INITFS, read-only at
 * `/boot` with its `bin/` at `/bin`; a malformed archive is refused with a
 * message and `/boot` stays empty), makes its endpoint and registers a
 * SIGNAL copy under the name `vfs` with the registry (start handle
 * PROTO_HANDLE_REGISTRY). Then it serves one request at a time, forever:
 * nothing a client sends can end the loop.
 *
 * Arguments: --root-size=N and --tmp-size=N set the byte budgets of the
 * two ramfs (a K or M may follow N; the defaults are VFS_ROOT_BUDGET and
 * VFS_TMP_BUDGET); --mount=PATH:NAME (any number) mounts the server
 * registered as NAME at PATH (mount.h, remote.c), its directory (a device
 * node under /dev) made at start with the directories on the way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <path/path.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/registry.h>
#include <tar/tar.h>

#include "initfs.h"
#include "vfs.h"

struct vfs vfs;

#define PAGE            4096ull
/* How long the registry may take to answer the `vfs-mount` registration. */
#define VFS_REGISTER_NS (5000ull * 1000 * 1000)

/* Which requests go where: path requests on badge 0 only, I/O requests
 * on an open file's badge only (fs.h, io.h). */
enum vfs_on {
    VFS_ON_NAMESPACE,
    VFS_ON_FILE,
    VFS_ON_MOUNT, /* the `vfs-mount` handle only */
};

/* PROTO_IO_BULK_READ and _WRITE on an open file's own handle: only a
 * channel has a buffer (bulk.c). */
static void
vfs_do_not_chan(const struct vfs_req *rq, struct vfs_rep *rp)
{
    (void)rq;
    rp->w[0] = (uint64_t)-CAIRN_EBADF;
}

static const struct {
    uint64_t op;
    enum vfs_on on;
    void (*fn)(const struct vfs_req *, struct vfs_rep *);
} vfs_ops[] = {
    {PROTO_FS_OPEN, VFS_ON_NAMESPACE, vfs_do_open},
    {PROTO_FS_STAT, VFS_ON_NAMESPACE, vfs_do_fs_stat},
    {PROTO_FS_MKDIR, VFS_ON_NAMESPACE, vfs_do_mkdir},
    {PROTO_FS_UNLINK, VFS_ON_NAMESPACE, vfs_do_unlink},
    {PROTO_FS_RMDIR, VFS_ON_NAMESPACE, vfs_do_rmdir},
    {PROTO_FS_RENAME, VFS_ON_NAMESPACE, vfs_do_rename},
    {PROTO_FS_PIPE, VFS_ON_NAMESPACE, vfs_do_pipe},
    {PROTO_FS_MOUNTS, VFS_ON_NAMESPACE, vfs_do_mounts},
    {PROTO_FS_VIEW, VFS_ON_NAMESPACE, vfs_do_view},
    {PROTO_FS_MOUNT, VFS_ON_MOUNT, vfs_do_mount},
    {PROTO_FS_UMOUNT, VFS_ON_MOUNT, vfs_do_umount},
    {PROTO_IO_READ, VFS_ON_FILE, vfs_do_read},
    {PROTO_IO_WRITE, VFS_ON_FILE, vfs_do_write},
    {PROTO_IO_SEEK, VFS_ON_FILE, vfs_do_seek},
    {PROTO_IO_STAT, VFS_ON_FILE, vfs_do_io_stat},
    {PROTO_IO_TRUNCATE, VFS_ON_FILE, vfs_do_truncate},
    {PROTO_IO_SYNC, VFS_ON_FILE, vfs_do_sync},
    {PROTO_IO_STATFS, VFS_ON_FILE, vfs_do_statfs},
    {PROTO_IO_READDIR, VFS_ON_FILE, vfs_do_readdir},
    {PROTO_IO_DUP, VFS_ON_FILE, vfs_do_dup},
    {PROTO_IO_CLOSE, VFS_ON_FILE, vfs_do_close},
    {PROTO_IO_BULK_OPEN, VFS_ON_FILE, vfs_do_bulk_open},
    {PROTO_IO_BULK_READ, VFS_ON_FILE, vfs_do_not_chan},
    {PROTO_IO_BULK_WRITE, VFS_ON_FILE, vfs_do_not_chan},
};

/* Files' times: the wall clock (libc asks the rtc driver, and while it
 * is not registered yet asks again at most every 50 ms); until there is
 * one, the monotonic clock, so a file changed at boot before the driver
 * registered reads as a time early in 1970 rather than nothing. */
static int64_t
vfs_clock(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    return (int64_t)cairn_clock_get();
}

/* The size of a memory object: the most whole pages that map (there is no
 * size query; a range past the end gets -CAIRN_ERANGE). */
static uint64_t
vfs_memobj_pages(long mo)
{
    uint64_t lo = 0, hi = 1;
    long at;

    /* Double until a mapping fails, then halve the gap. */
    while (hi <= (1ull << 20) &&
           (at = cairn_vm_map(mo, 0, hi * PAGE, 0, CAIRN_PROT_READ, 0)) >= 0) {
        cairn_vm_unmap((uint64_t)at, hi * PAGE);
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        at = cairn_vm_map(mo, 0, mid * PAGE, 0, CAIRN_PROT_READ, 0);
        if (at >= 0) {
            cairn_vm_unmap((uint64_t)at, mid * PAGE);
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* /boot and /bin from the initfs, if there is one and it is well formed. */
/* The initfs member --fstab names (the system's etc/fstab): its mounts go
 * into the table beside the arguments'. A malformed line, or a mount the
 * table refuses, is logged and left out; the rest are made. */
static const char *vfs_fstab_member;

static void
vfs_fstab(const void *image, uint64_t size)
{
    static char path[PROTO_PATH_MAX + 1];
    char name[PROTO_REG_NAME_MAX + 1];
    struct tar_member m;
    const char *pos, *end;
    unsigned line = 0;
    int r;

    if (!vfs_fstab_member)
        return;
    if (tar_find(image, size, vfs_fstab_member, &m) < 0 || m.type != '0') {
        printf("vfs: no %s in the initfs: no mounts from it\n", vfs_fstab_member);
        return;
    }
    pos = (const char *)image + m.offset;
    end = pos + m.size;
    while ((r = mount_fstab_next(&pos, end, &line, path, sizeof(path), name)) != 0) {
        if (r > 0 && (r = mount_add(&vfs.mounts, path, name)) >= 0)
            continue;
        printf("vfs: %s line %u: %s (SOURCE MOUNTPOINT TYPE [OPTIONS]; the mount point not `/` "
               "and not at, above or below another mount)\n",
               vfs_fstab_member, line, cairn_error_name(r));
    }
}

static void
vfs_mount_initfs(struct ramfs_node *boot_at, struct ramfs_node *bin_at)
{
    long mo = cairn_start_handle(PROTO_HANDLE_INITFS, 0), at;
    uint64_t pages;
    struct ramfs_node *bin;
    char why[160];
    long members;

    if (mo < 0) {
        printf("vfs: no initfs handle: /boot is empty\n");
        return;
    }
    pages = vfs_memobj_pages(mo);
    at = pages ? cairn_vm_map(mo, 0, pages * PAGE, 0, CAIRN_PROT_READ, 0) : -CAIRN_EINVAL;
    if (at < 0) {
        printf("vfs: the initfs cannot be mapped (%s): /boot is empty\n",
               cairn_error_name((int)at));
        return;
    }
    if (ramfs_init(&vfs.boot, VFS_DEV_BOOT, VFS_INITFS_BUDGET, vfs_clock) < 0)
        return;
    members = initfs_load(&vfs.boot, (const void *)at, pages * PAGE, why, sizeof(why));
    if (members < 0) {
        printf("vfs: the initfs is refused: %s (%s); /boot is empty\n", why,
               cairn_error_name((int)members));
        ramfs_fini(&vfs.boot);
        cairn_vm_unmap((uint64_t)at, pages * PAGE);
        return;
    }
    vfs.have_boot = 1;
    vfs_fstab((const void *)at, pages * PAGE);
    ns_mount(&vfs.ns, boot_at, &vfs.boot, vfs.boot.root);
    bin = ramfs_lookup(vfs.boot.root, "bin", 3);
    if (bin && ramfs_is_dir(bin) && ns_mount(&vfs.ns, bin_at, &vfs.boot, bin) == 0)
        vfs.have_bin = 1;
}

/* "N", "NK" or "NM" as bytes, or 0 for anything else. */
static uint64_t
vfs_size_arg(const char *s)
{
    char *end;
    unsigned long long n = strtoull(s, &end, 10);

    if (end == s || n == 0 || n > (1ull << 40))
        return 0;
    if (*end == 'K' || *end == 'k')
        n <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        n <<= 20, end++;
    return *end == '\0' ? n : 0;
}

/* One --mount=PATH:NAME into the mount table (its directory is made
 * later, by vfs_mount_points): 0, or -1 with a message. */
static int
vfs_mount_arg(const char *spec)
{
    static char path[PROTO_PATH_MAX + 1];
    char name[PROTO_REG_NAME_MAX + 1];
    int r = mount_parse(spec, path, sizeof(path), name);

    if (r == 0)
        r = mount_add(&vfs.mounts, path, name);
    if (r < 0) {
        printf("vfs: --mount=%s: %s (PATH:NAME, PATH not `/` and not at, above or below "
               "another mount)\n",
               spec, cairn_error_name(r));
        return -1;
    }
    return 0;
}

/* The budgets and mounts from the arguments; -1 for one it does not know. */
static int
vfs_args(int argc, char **argv, uint64_t *root, uint64_t *tmp)
{
    *root = VFS_ROOT_BUDGET;
    *tmp = VFS_TMP_BUDGET;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--root-size=", 12) == 0 && (*root = vfs_size_arg(argv[i] + 12)))
            continue;
        if (strncmp(argv[i], "--tmp-size=", 11) == 0 && (*tmp = vfs_size_arg(argv[i] + 11)))
            continue;
        if (strncmp(argv[i], "--mount=", 8) == 0) {
            if (vfs_mount_arg(argv[i] + 8) < 0)
                return -1;
            continue;
        }
        if (strncmp(argv[i], "--call-limit=", 13) == 0) {
            char *end;
            unsigned long sec = strtoul(argv[i] + 13, &end, 10);

            if (end != argv[i] + 13 && *end == '\0' && sec >= 1 && sec <= 3600) {
                remote_call_ns = sec * 1000000000ull;
                continue;
            }
        }
        if (strncmp(argv[i], "--fstab=", 8) == 0 && argv[i][8]) {
            vfs_fstab_member = argv[i] + 8;
            continue;
        }
        printf("vfs: unknown argument %s (--root-size=N, --tmp-size=N, --mount=PATH:NAME, "
               "--fstab=MEMBER, --call-limit=SECONDS)\n",
               argv[i]);
        return -1;
    }
    return 0;
}

/* /dev: null and zero, and the mount points made in it; read-only, so
 * nothing else is made there. */
static int
vfs_setup_dev(struct ramfs_node *at)
{
    if (ramfs_init(&vfs.dev, VFS_DEV_DEV, VFS_DEV_BUDGET, vfs_clock) < 0 ||
        ramfs_create(&vfs.dev, vfs.dev.root, "null", 4, PROTO_S_IFCHR | 0666, &vfs.dev_null) < 0 ||
        ramfs_create(&vfs.dev, vfs.dev.root, "zero", 4, PROTO_S_IFCHR | 0666, &vfs.dev_zero) < 0)
        return -CAIRN_ENOMEM;
    vfs.dev_null->pinned = vfs.dev_zero->pinned = 1;
    return ns_mount(&vfs.ns, at, &vfs.dev, vfs.dev.root);
}

static int
vfs_setup(uint64_t root_budget, uint64_t tmp_budget)
{
    struct ramfs_node *tmp, *boot, *bin, *dev;

    vfs.pipe_ops.answer = vfs_answer;
    for (int i = 0; i < VFS_CHANS_MAX; i++)
        vfs.chans[i].file = -1;
    if (ramfs_init(&vfs.root, VFS_DEV_ROOT, root_budget, vfs_clock) < 0 ||
        ramfs_init(&vfs.tmp, VFS_DEV_TMP, tmp_budget, vfs_clock) < 0)
        return -CAIRN_ENOMEM;
    ns_init(&vfs.ns, &vfs.root);
    if (ramfs_create(&vfs.root, vfs.root.root, "tmp", 3, PROTO_S_IFDIR | 01777, &tmp) < 0 ||
        ramfs_create(&vfs.root, vfs.root.root, "boot", 4, PROTO_S_IFDIR | 0755, &boot) < 0 ||
        ramfs_create(&vfs.root, vfs.root.root, "bin", 3, PROTO_S_IFDIR | 0755, &bin) < 0 ||
        ramfs_create(&vfs.root, vfs.root.root, "dev", 3, PROTO_S_IFDIR | 0755, &dev) < 0)
        return -CAIRN_ENOMEM;
    ns_mount(&vfs.ns, tmp, &vfs.tmp, vfs.tmp.root);
    vfs_mount_initfs(boot, bin);
    /* /boot and /bin stay put even without an initfs. */
    boot->pinned = bin->pinned = 1;
    if (vfs_setup_dev(dev) < 0)
        return -CAIRN_ENOMEM;
    vfs_mount_points();
    vfs.dev.readonly = 1;
    return remote_init();
}

static int
vfs_register(void)
{
    long copy = cairn_handle_dup(vfs.endpoint,
                                 CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    long r;

    if (copy < 0)
        return (int)copy;
    r = cairn_registry_register("vfs", copy);
    cairn_handle_close(copy);
    return (int)r;
}

/*
 * The handle that mounts and unmounts, registered as `vfs-mount` for the
 * services whose manifest entry may look that name up. A registry that
 * refuses (the manifest does not list the name) or does not answer
 * within VFS_REGISTER_NS leaves the mounts to the arguments: nothing else
 * changes.
 */
static void
vfs_register_mount(void)
{
    long reg = cairn_start_handle(PROTO_HANDLE_REGISTRY, 0), h, r;
    struct cairn_msg_ext ext = {.send_buf = (uint64_t) "vfs-mount", .send_len = 9};
    struct cairn_msg m = {.w = {PROTO_REG_REGISTER}, .ext = &ext};

    h = cairn_handle_mint(vfs.endpoint,
                          CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
                          VFS_BADGE_MOUNT);
    if (reg < 0 || h < 0)
        return;
    ext.send_nhandles = 1;
    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)h, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    r = cairn_ipc_call_timed(reg, &m, VFS_REGISTER_NS);
    for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        cairn_handle_close(ext.recv_handles[i]);
    cairn_handle_close(h);
    if (r >= 0 && (int64_t)m.w[0] < 0 && (int64_t)m.w[0] != -CAIRN_EPERM)
        printf("vfs: cannot register vfs-mount (%s)\n", cairn_error_name((int)m.w[0]));
}

/* Each handle takes its own requests: the namespace handle (badge 0) and
 * views the path requests, an open file's the I/O requests, the
 * `vfs-mount` handle mount and umount. Another handle's request gets
 * -CAIRN_EPERM (mount), -CAIRN_EBADF (I/O) or -CAIRN_ENOSYS (paths: an
 * open file has none). */
static void
vfs_dispatch(const struct vfs_req *rq, struct vfs_rep *rp)
{
    enum vfs_on who;
    struct vfs_req on_file;

    vfs.view = view_badge_is(rq->badge) ? view_of(&vfs.views, rq->badge) : NULL;
    if (rq->badge == 0 || vfs.view)
        who = VFS_ON_NAMESPACE;
    else
        who = rq->badge == VFS_BADGE_MOUNT ? VFS_ON_MOUNT : VFS_ON_FILE;

    /* A bulk channel answers its own requests and passes the rest on to
     * its open file, as if they came through the file's own handle. */
    if (bulk_is_chan(rq->badge)) {
        on_file = *rq;
        if (bulk_dispatch(rq, rp, &on_file.badge))
            return;
        rq = &on_file;
    }
    for (size_t i = 0; i < sizeof(vfs_ops) / sizeof(vfs_ops[0]); i++) {
        if (vfs_ops[i].op != rq->w[0])
            continue;
        if (vfs_ops[i].on == who)
            vfs_ops[i].fn(rq, rp);
        else if (vfs_ops[i].on == VFS_ON_MOUNT)
            rp->w[0] = (uint64_t)-CAIRN_EPERM;
        else if (vfs_ops[i].on == VFS_ON_FILE)
            rp->w[0] = (uint64_t)-CAIRN_EBADF;
        else
            rp->w[0] = (uint64_t)-CAIRN_ENOSYS;
        return;
    }
    rp->w[0] = (uint64_t)-CAIRN_ENOSYS;
}

/* Sends rp to the caller; a reply that cannot be delivered takes back
 * the open files it was to hand over. */
static void
vfs_reply(struct vfs_rep *rp)
{
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {.ext = &ext};
    long r;

    memcpy(m.w, rp->w, sizeof(m.w));
    ext.send_buf = (uint64_t)rp->buf;
    ext.send_len = rp->len;
    ext.send_nhandles = rp->nhandles;
    for (unsigned i = 0; i < rp->nhandles; i++)
        ext.send_handles[i] = (struct cairn_msg_handle){(int32_t)rp->handles[i], CAIRN_RIGHTS_SAME,
                                                        CAIRN_MSG_HANDLE_MOVE, 0};
    r = cairn_ipc_reply(&m);
    if (r < 0 && rp->nhandles) {
        for (unsigned i = 0; i < rp->nhandles; i++) {
            cairn_handle_close(rp->handles[i]); /* if the move did not happen */
            if (rp->files[i] >= 0)
                vfs_file_unref(rp->files[i]);
        }
    }
}

int
main(int argc, char **argv)
{
    static uint8_t in[CAIRN_MSG_BUF_MAX];
    uint64_t root_budget, tmp_budget;
    long r;

    if (vfs_args(argc, argv, &root_budget, &tmp_budget) < 0)
        return 2;
    if (vfs_setup(root_budget, tmp_budget) < 0) {
        printf("vfs: out of memory at start\n");
        return 1;
    }
    vfs.endpoint = cairn_endpoint_create();
    if (vfs.endpoint < 0) {
        printf("vfs: no endpoint (%s)\n", cairn_error_name((int)vfs.endpoint));
        return 1;
    }
    r = vfs_register();
    if (r < 0) {
        printf("vfs: cannot register with the registry (%s)\n", cairn_error_name((int)r));
        return 1;
    }
    vfs_register_mount();
    for (;;) {
        struct cairn_msg_ext ext = {.recv_buf = (uint64_t)in, .recv_cap = sizeof(in)};
        struct cairn_msg m = {.ext = &ext};
        struct vfs_req rq = {0};
        struct vfs_rep rp = {0};

        r = cairn_ipc_recv(vfs.endpoint, &m, CAIRN_WAIT_FOREVER, &rq.badge);
        if (r < 0)
            continue;
        if (r & CAIRN_IPC_CLOSED) {
            /* A notice: there is no caller to answer. */
            if (bulk_is_chan(rq.badge))
                bulk_gone(rq.badge);
            else if (view_badge_is(rq.badge))
                view_remove(&vfs.views, rq.badge);
            else
                vfs_file_gone(rq.badge);
            continue;
        }
        memcpy(rq.w, m.w, sizeof(rq.w));
        rq.buf = in;
        rq.len = ext.recv_len <= sizeof(in) ? ext.recv_len : 0;
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            rq.handles[rq.nhandles++] = ext.recv_handles[i];
        vfs_dispatch(&rq, &rp);
        /* Handles sent along are never kept (a bulk buffer stays by its
         * mapping). */
        for (uint32_t i = 0; i < rq.nhandles; i++)
            cairn_handle_close(rq.handles[i]);
        if (!rp.deferred)
            vfs_reply(&rp);
    }
}
