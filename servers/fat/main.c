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
#include <time.h>

#include <cairn/registry.h>
#include <cairn/sys.h>

#include "fatsrv.h"

#define FATSRV_DISK_WAIT_NS (10ull * 1000 * 1000 * 1000)
/* Changes sit in the cache at most this long after the last request
 * before they are written back (sync(2) and fsync write them at once). */
#define FATSRV_WRITEBACK_NS (5ull * 1000 * 1000 * 1000)
/* The cache: 2048 sectors (1 MiB) of the volume's FAT, directories and
 * small writes; large reads and writes go around it. */
#define FATSRV_CACHE_BUFS   2048
#define FATSRV_DEV          0x666174u /* proto_stat.dev: "fat" */

struct fatsrv fatsrv;
static struct fat_cache fatsrv_cache;
static struct fat_cache_buf fatsrv_bufs[FATSRV_CACHE_BUFS];
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
    long err = fat_lookup(&fatsrv.vol, path, e);

    *parent = err == 0 && strcmp(e->name, "/") != 0 ? e->dir : 0;
    return err;
}

/*
 * Splits path into its directory, which must exist (its first cluster in
 * *dir, 0 for the root), and its last name (into name, NUL-terminated).
 * -CAIRN_EBUSY for the root itself (the mount point: never made, removed
 * or renamed here).
 */
long
fatsrv_split(const char *path, uint32_t *dir, char *name)
{
    static char up[PROTO_PATH_MAX + 1];
    static struct fat_dirent pe;
    size_t end = strlen(path), start;
    long err;

    while (end > 0 && path[end - 1] == '/')
        end--;
    if (end == 0)
        return -CAIRN_EBUSY;
    for (start = end; start > 0 && path[start - 1] != '/'; start--)
        ;
    memcpy(name, path + start, end - start);
    name[end - start] = 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -CAIRN_EINVAL;
    memcpy(up, path, start);
    up[start] = 0;
    err = fat_lookup(&fatsrv.vol, up, &pe);
    if (err < 0)
        return err;
    if (!fat_is_dir(&pe))
        return -CAIRN_ENOTDIR;
    *dir = pe.cluster;
    return 0;
}

int64_t
fatsrv_now(void)
{
    time_t t = time(NULL);

    return t == (time_t)-1 ? 0 : (int64_t)t;
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

/* Is a directory with first cluster `cluster` open (its cursor would be
 * left pointing at freed clusters)? */
static int
fatsrv_dir_is_open(uint32_t cluster)
{
    for (int i = 0; i < FATSRV_FILES_MAX; i++)
        if (fatsrv.files[i].refs && fat_is_dir(&fatsrv.files[i].ent) &&
            fatsrv.files[i].ent.cluster == cluster)
            return 1;
    return 0;
}

/* PROTO_FS_MKDIR, _UNLINK, _RMDIR and _RENAME. */
static long
fatsrv_change(const struct cairn_msg *m, uint32_t len)
{
    static char path[PROTO_PATH_MAX + 1], to[PROTO_PATH_MAX + 1];
    static char name[PROTO_NAME_MAX + 1], to_name[PROTO_NAME_MAX + 1];
    static struct fat_dirent e;
    uint32_t dir, to_dir;
    const uint8_t *nul;
    long err;

    if (fatsrv.rdonly)
        return -CAIRN_EROFS;
    if (m->w[0] == PROTO_FS_RENAME) {
        nul = memchr(fatsrv_in, 0, len);
        if (!nul)
            return -CAIRN_EINVAL;
        err = fatsrv_path(nul + 1, len - (uint32_t)(nul + 1 - fatsrv_in), to);
        if (err == 0)
            err = fatsrv_split(to, &to_dir, to_name);
        if (err < 0)
            return err;
        len = (uint32_t)(nul - fatsrv_in);
    }
    err = fatsrv_path(fatsrv_in, len, path);
    if (err == 0)
        err = fatsrv_split(path, &dir, name);
    if (err < 0)
        return err;
    switch (m->w[0]) {
    case PROTO_FS_MKDIR:
        return fat_mkdir(&fatsrv.vol, dir, name, fatsrv_now(), NULL);
    case PROTO_FS_UNLINK:
        return fat_unlink(&fatsrv.vol, dir, name);
    case PROTO_FS_RMDIR:
        err = fat_dir_find(&fatsrv.vol, dir, name, &e);
        if (err == 0 && fat_is_dir(&e) && fatsrv_dir_is_open(e.cluster))
            return -CAIRN_EBUSY;
        return err < 0 ? err : fat_rmdir(&fatsrv.vol, dir, name);
    default:
        /* A directory replaced by the rename must not be open either. */
        err = fat_dir_find(&fatsrv.vol, to_dir, to_name, &e);
        if (err == 0 && fat_is_dir(&e) && fatsrv_dir_is_open(e.cluster))
            return -CAIRN_EBUSY;
        return fat_rename(&fatsrv.vol, dir, name, to_dir, to_name, fatsrv_now());
    }
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
            rp->w[0] = (uint64_t)fatsrv_change(m, ext->recv_len);
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

/* Are there changes not on the disk yet? */
static int
fatsrv_dirty(void)
{
    return !fatsrv.rdonly &&
           (fatsrv_cache.ndirty > 0 || fatsrv.vol.fsinfo_dirty ||
            (fatsrv.vol.type != FAT12 && !fatsrv.vol.marked_clean)); /* FAT12 has no such bit */
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
    if (disk_rdonly() && !fatsrv.rdonly) {
        printf("fat: %s: the disk is read-only: mounted read-only\n", disk_what);
        fatsrv.rdonly = 1;
    }
    err = fat_cache_init(&fatsrv_cache, disk_read, disk_write, disk_flush, NULL, disk_sectors(),
                         fatsrv_bufs, FATSRV_CACHE_BUFS);
    if (err == 0 && fatsrv.rdonly)
        err = fat_mount(&fatsrv.vol, disk_read, NULL, disk_sectors());
    else if (err == 0)
        err = fat_mount_rw(&fatsrv.vol, &fatsrv_cache, disk_sectors());
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
    printf("fat: %s: FAT%d volume \"%s\", %lu MiB, served as %s%s\n", disk_what, fatsrv.vol.type,
           fatsrv.vol.label,
           (unsigned long)((uint64_t)fatsrv.vol.clusters * fatsrv.vol.cluster_bytes >> 20), name,
           fatsrv.rdonly ? " (read-only)" : "");

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        struct fatsrv_rep rp = {{0}, 0, -1, 0};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)fatsrv_in;
        ext.recv_cap = sizeof(fatsrv_in);
        /* Idle with changes in the cache: they go to the disk after a
         * while, so a power cut loses at most the last few seconds. */
        err = cairn_ipc_recv(fatsrv.endpoint, &msg,
                             fatsrv_dirty() ? FATSRV_WRITEBACK_NS : CAIRN_WAIT_FOREVER, &badge);
        if (err == -CAIRN_ETIMEDOUT) {
            if ((err = fat_sync(&fatsrv.vol)) < 0)
                printf("fat: %s: writing back: %s\n", disk_what, cairn_strerror((int)err));
            continue;
        }
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
