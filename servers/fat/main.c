// SPDX-License-Identifier: MIT
/*
 * The fat server: start-up, the receive loop and the path requests
 * (fatsrv.h has the layers and the invariants, docs/storage.md the story).
 *
 *     fat --device=NAME[,NAME...] [--part=auto|whole|N] [--register=NAME] [--ro]
 *
 * Start handles: PROTO_HANDLE_REGISTRY, where it looks the disk up and
 * registers as NAME (default `disk`). A disk that is not there within ten
 * seconds is not an error of the server: it says so and ends with status
 * 0 (a machine without a disk). A volume that is not FAT, or is damaged
 * past mounting, ends it with status 1 and the reason.
 *
 * The registered endpoint (badge 0) takes the path requests the vfs
 * passes on (PROTO_FS_OPEN, _STAT, _MKDIR, _UNLINK, _RMDIR, _RENAME) with
 * paths relative to the mount point; the open files' handles carry their
 * own badges (file.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>

#include "fatsrv.h"

#define FATSRV_DISK_WAIT_NS (10ull * 1000 * 1000 * 1000)
#define FATSRV_DEV          0x666174u /* proto_stat.dev: "fat" */

struct fatsrv fatsrv;
uint8_t fatsrv_in[CAIRN_MSG_BUF_MAX], fatsrv_out[CAIRN_MSG_BUF_MAX];

static int
fail(const char *what, long err)
{
    printf("fat: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* The request's path as a C string in out (PROTO_PATH_MAX + 1 bytes):
 * absolute, no NUL inside, names no longer than PROTO_NAME_MAX. */
long
fatsrv_path(const uint8_t *path, uint32_t len, char *out)
{
    uint32_t name = 0;

    if (len > PROTO_PATH_MAX)
        return -CAIRN_ENAMETOOLONG;
    if (len == 0 || path[0] != '/')
        return -CAIRN_EINVAL;
    for (uint32_t i = 0; i < len; i++) {
        if (path[i] == 0)
            return -CAIRN_EINVAL;
        name = path[i] == '/' ? 0 : name + 1;
        if (name > PROTO_NAME_MAX)
            return -CAIRN_ENAMETOOLONG;
    }
    memcpy(out, path, len);
    out[len] = 0;
    return 0;
}

/* Finds path's entry, and the first cluster of the directory holding it
 * (0 for the root, and for the root itself). */
long
fatsrv_find(const char *path, struct fat_dirent *e, uint32_t *parent)
{
    static char dir[PROTO_PATH_MAX + 1];
    static struct fat_dirent pe;
    size_t end = strlen(path);
    long err;

    while (end > 0 && path[end - 1] == '/')
        end--;
    *parent = 0;
    if (end == 0)
        return fat_lookup(&fatsrv.vol, "/", e);
    while (end > 0 && path[end - 1] != '/')
        end--;
    memcpy(dir, path, end);
    dir[end] = 0;
    err = fat_lookup(&fatsrv.vol, dir, &pe);
    if (err < 0)
        return err;
    if (!fat_is_dir(&pe))
        return -CAIRN_ENOTDIR;
    *parent = pe.cluster;
    return fat_lookup(&fatsrv.vol, path, e);
}

void
fatsrv_stat_of(const struct fat_dirent *e, uint32_t parent, struct proto_stat *st)
{
    int root = strcmp(e->name, "/") == 0;

    memset(st, 0, sizeof(*st));
    st->ino = root ? 1 : (((uint64_t)parent << 16) | e->index) + 2;
    st->dev = FATSRV_DEV;
    st->size = e->size;
    if (fat_is_dir(e)) {
        st->mode = PROTO_S_IFDIR | 0755;
        st->nlink = 2;
    } else {
        st->mode = PROTO_S_IFREG | ((e->attr & FAT_ATTR_READ_ONLY) ? 0444 : 0644);
        st->nlink = 1;
    }
    st->mtime_ns = e->mtime * 1000000000ll;
    st->ctime_ns = st->mtime_ns;
    st->blksize = fatsrv.vol.cluster_bytes;
}

static void
fatsrv_do_stat(uint32_t len, struct fatsrv_rep *rp)
{
    static char path[PROTO_PATH_MAX + 1];
    static struct fat_dirent e;
    uint32_t parent;
    long err = fatsrv_path(fatsrv_in, len, path);

    if (err == 0)
        err = fatsrv_find(path, &e, &parent);
    if (err < 0) {
        rp->w[0] = (uint64_t)err;
        return;
    }
    fatsrv_stat_of(&e, parent, (struct proto_stat *)fatsrv_out);
    rp->len = sizeof(struct proto_stat);
}

static void
fatsrv_dispatch(long err, const struct cairn_msg *m, const struct cairn_msg_ext *ext,
                uint64_t badge, struct fatsrv_rep *rp)
{
    struct fatsrv_file *f;

    /* A channel answers its bulk requests and passes the rest on to its
     * open file, as if they came through the file's own handle. */
    if (fatsrv_is_chan(badge) && err != CAIRN_MSG_TRUNCATED && !ext->recv_nhandles &&
        fatsrv_bulk(m, rp, &badge))
        return;
    f = fatsrv_file_of(badge);
    if (err != CAIRN_MSG_TRUNCATED && ext->recv_nhandles == 1 && f &&
        m->w[0] == PROTO_IO_BULK_OPEN) {
        fatsrv_io(m, ext, f, rp); /* the buffer's object: mapped or refused, then closed */
        cairn_handle_close(ext->recv_handles[0]);
    } else if (err == CAIRN_MSG_TRUNCATED || ext->recv_nhandles) {
        for (uint32_t i = 0; i < ext->recv_nhandles; i++)
            cairn_handle_close(ext->recv_handles[i]); /* never keep what a client sends */
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
    } else if (badge != 0 && !f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    } else if ((m->w[0] & ~0xffull) == 0x200) {
        if (f)
            rp->w[0] = (uint64_t)-CAIRN_ENOSYS; /* an open file has no paths */
        else if (m->w[0] == PROTO_FS_OPEN)
            fatsrv_open(m, ext->recv_len, rp);
        else if (m->w[0] == PROTO_FS_STAT)
            fatsrv_do_stat(ext->recv_len, rp);
        else if (m->w[0] >= PROTO_FS_MKDIR && m->w[0] <= PROTO_FS_RENAME)
            rp->w[0] = (uint64_t)-CAIRN_EROFS;
        else
            rp->w[0] = (uint64_t)-CAIRN_ENOSYS;
    } else if (!f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF; /* I/O needs an open file */
    } else {
        fatsrv_io(m, ext, f, rp);
    }
}

static void
fatsrv_reply(struct fatsrv_rep *rp)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{0}, &ext};

    memset(&ext, 0, sizeof(ext));
    memcpy(m.w, rp->w, sizeof(m.w));
    ext.send_buf = (uint64_t)(uintptr_t)fatsrv_out;
    ext.send_len = rp->len;
    if (rp->handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)rp->handle, CAIRN_RIGHTS_SAME,
                                                        CAIRN_MSG_HANDLE_MOVE, 0};
    }
    if (cairn_ipc_reply(&m) < 0 && rp->handle >= 0) {
        cairn_handle_close(rp->handle); /* the caller went away: no open file */
        if (rp->slot >= 0)
            fatsrv_file_unref(&fatsrv.files[rp->slot]);
    }
}

static int
usage(void)
{
    printf("usage: fat --device=NAME[,NAME...] [--part=auto|whole|N] [--register=NAME] [--ro]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    const char *devices = NULL, *part = "auto", *name = "disk";
    long client, err;

    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--device=", 9) == 0 && argv[i][9])
            devices = argv[i] + 9;
        else if (strncmp(argv[i], "--part=", 7) == 0 && argv[i][7])
            part = argv[i] + 7;
        else if (strncmp(argv[i], "--register=", 11) == 0 && argv[i][11])
            name = argv[i] + 11;
        else if (strcmp(argv[i], "--ro") == 0)
            fatsrv.rdonly = 1;
        else
            return usage();
    }
    if (!devices)
        return usage();

    err = disk_open(devices, part, FATSRV_DISK_WAIT_NS);
    if (err == -CAIRN_ENOENT) {
        printf("fat: no disk (%s) with a FAT volume: nothing to serve\n", devices);
        return 0;
    }
    if (err < 0)
        return fail(devices, err);
    err = fat_mount(&fatsrv.vol, disk_read, NULL, disk_sectors());
    if (err < 0) {
        printf("fat: %s: not mounted: %s\n", disk_what,
               fatsrv.vol.why ? fatsrv.vol.why : cairn_strerror((int)err));
        return 1;
    }

    for (int i = 0; i < FATSRV_CHANS_MAX; i++)
        fatsrv.chans[i].file = -1;
    fatsrv.endpoint = cairn_endpoint_create();
    if (fatsrv.endpoint < 0)
        return fail("endpoint_create", fatsrv.endpoint);
    client = cairn_handle_dup(fatsrv.endpoint,
                              CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (client < 0)
        return fail("handle_dup", client);
    err = cairn_registry_register(name, client);
    cairn_handle_close(client);
    if (err < 0)
        return fail("registering", err);
    printf("fat: %s: FAT%d volume \"%s\", %lu MiB, served as %s\n", disk_what, fatsrv.vol.type,
           fatsrv.vol.label,
           (unsigned long)((uint64_t)fatsrv.vol.clusters * fatsrv.vol.cluster_bytes >> 20), name);

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        struct fatsrv_rep rp = {{0}, 0, -1, 0};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)fatsrv_in;
        ext.recv_cap = sizeof(fatsrv_in);
        err = cairn_ipc_recv(fatsrv.endpoint, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err < 0)
            return fail("ipc_recv", err);
        if (err == CAIRN_IPC_CLOSED) {
            /* Every handle of that channel or open file is gone. */
            if (fatsrv_is_chan(badge))
                fatsrv_chan_gone(badge);
            else
                fatsrv_file_gone(badge);
            continue;
        }
        fatsrv_dispatch(err, &msg, &ext, badge, &rp);
        fatsrv_reply(&rp);
    }
}
