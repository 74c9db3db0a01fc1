/* SPDX-License-Identifier: MIT */
/*
 * The vfs server (docs/vfs.md): one thread serving the whole namespace
 * over include/proto/fs.h and io.h. main.c has the receive loop and the
 * dispatch table; fsops.c the requests that take a path (badge 0, the
 * handle the registry hands out); file.c the open files, each named by
 * the badge of the handles minted for it, and their I/O requests.
 *
 * Invariants:
 *   - an open file is in use while refs > 0; its badge is its slot + 1 in
 *     the low 32 bits and the slot's generation above them, so a badge of
 *     a freed open file never names the one that took its slot;
 *   - a waiting pipe caller is a reply handle held by its pipe (pipe.h),
 *     counted in waiters; every reply handle is closed once answered;
 *   - handles a client sends along with a request are closed at once.
 *
 *   - a view is in use until its handles' close notice (view.h);
 *
 * This thread serves every request; the only other threads are remote.c's
 * workers, which pass requests on to mounted servers (so a slow or dead
 * one holds up a worker, never the namespace) and touch nothing but their
 * jobs and the remote table, under remote.c's lock.
 */
#ifndef CAIRN_SERVERS_VFS_VFS_H
#define CAIRN_SERVERS_VFS_VFS_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/ipc.h>

#include "mount.h"
#include "ns.h"
#include "pipe.h"
#include "ramfs.h"
#include "view.h"

#define VFS_FILES_MAX     256 /* open files at once (-CAIRN_EMFILE past it) */
/* The badge of the handle registered as `vfs-mount`: its low 32 bits are
 * 0, so it names no open file. */
#define VFS_BADGE_MOUNT   (1ull << 63)
#define VFS_WAITERS_MAX   256 /* pipe callers waiting at once (-CAIRN_EAGAIN past it) */
/* The ramfs budgets: bytes of nodes and file contents each may hold. */
#define VFS_ROOT_BUDGET   (64ull << 20)
#define VFS_TMP_BUDGET    (64ull << 20)
#define VFS_INITFS_BUDGET (8ull << 20) /* nodes only: the bytes stay in the archive */

/* The file systems' numbers (proto_stat.dev). */
enum vfs_dev {
    VFS_DEV_ROOT = 1,
    VFS_DEV_TMP = 2,
    VFS_DEV_BOOT = 3,
    VFS_DEV_PIPE = 4,
    VFS_DEV_DEV = 5, /* /dev: its device nodes and mount points */
};
#define VFS_DEV_BUDGET (64ull << 10)

enum vfs_file_kind {
    VFS_FILE_FREE = 0,
    VFS_FILE_NODE,       /* a file or a directory of a ramfs */
    VFS_FILE_PIPE_READ,  /* a pipe's read end */
    VFS_FILE_PIPE_WRITE, /* a pipe's write end */
    VFS_FILE_DEV,        /* /dev/null or /dev/zero (node says which) */
};

struct vfs_file {
    uint32_t gen;
    uint32_t refs;  /* references: the plain handles' and the channels' */
    uint32_t chans; /* bulk channels on it (bulk.c), each one of refs */
    enum vfs_file_kind kind;
    uint32_t flags; /* PROTO_O_* it was opened with */
    uint64_t offset;
    struct ramfs *fs;
    struct ramfs_node *node;
    struct pipe *pipe;
    uint64_t pipe_ino;
};

/*
 * Bulk channels (bulk.c): at most VFS_CHANS_MAX at once, VFS_CHANS_PER_FILE
 * on one open file, each a buffer of at most VFS_BULK_MAX bytes (so what
 * clients can make the server map is at most 32 MiB). A channel's badge
 * is VFS_CHAN_BASE + its slot in the low 32 bits (above every open file's
 * slot + 1) and its generation above them.
 */
#define VFS_CHANS_MAX      32
#define VFS_CHANS_PER_FILE 4
#define VFS_BULK_MAX       (1ull << 20)
#define VFS_CHAN_BASE      0x10000u

struct vfs_chan {
    uint32_t gen;
    int file;    /* the open file's slot, or -1: free */
    uint64_t at; /* the client's buffer, mapped here */
    uint64_t size;
};

/* A request as received, and the reply being built. */
struct vfs_req {
    uint64_t badge;
    uint64_t w[CAIRN_MSG_WORDS];
    const uint8_t *buf;
    uint32_t len;
    long handles[CAIRN_MSG_HANDLES]; /* sent along; closed after the request */
    uint32_t nhandles;
};

struct vfs_rep {
    uint64_t w[CAIRN_MSG_WORDS];
    const void *buf;
    uint32_t len;
    long handles[2]; /* minted for new open files, moved to the caller */
    int files[2];    /* those open files' slots, undone if the reply fails
                      * (-1: a bulk channel, which its close notice undoes) */
    unsigned nhandles;
    int deferred; /* answered later through a reply handle: no reply now */
};

struct vfs {
    long endpoint; /* ours: receive, mint */
    struct ramfs root, tmp, boot, dev;
    int have_boot, have_bin;
    struct ramfs_node *dev_null, *dev_zero;
    struct mount_table mounts; /* the mounted servers (remote.c) */
    struct ns ns;
    struct vfs_file files[VFS_FILES_MAX];
    unsigned files_open;
    struct vfs_chan chans[VFS_CHANS_MAX];
    unsigned chans_open;
    unsigned waiters;
    uint64_t next_pipe_ino;
    struct pipe_ops pipe_ops;
    struct view_table views;
    /* The view the request being served came through (main.c sets it for
     * each), or NULL for the whole namespace (badge 0). */
    const struct view *view;
};

extern struct vfs vfs;

/* fsops.c: the requests on badge 0 and on views (view.h): through a
 * view, every path is the client's joined to the view's root. */
void vfs_do_open(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_fs_stat(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_mkdir(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_unlink(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_rmdir(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_rename(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_pipe(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_view(const struct vfs_req *rq, struct vfs_rep *rp);

/* mountops.c: the mounts of other servers. vfs_do_mount and _umount are
 * for the handle of badge VFS_BADGE_MOUNT only; vfs_mount_points makes
 * the mount points of the arguments' mounts at start (one that cannot be
 * made is dropped with a message). */
void vfs_do_mounts(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_mount(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_umount(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_mount_points(void);

/* file.c: the open files and their requests. */
void vfs_do_read(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_write(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_seek(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_io_stat(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_sync(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_statfs(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_truncate(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_readdir(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_dup(const struct vfs_req *rq, struct vfs_rep *rp);
void vfs_do_close(const struct vfs_req *rq, struct vfs_rep *rp);

/* The open file a badge names (and its slot), or NULL. */
struct vfs_file *vfs_file_of(uint64_t badge, int *slot);

/* Reads from / writes to an open file of kind VFS_FILE_NODE or _DEV at its
 * offset (moving it), access mode checked: the bytes, or a negative code. */
long vfs_file_read(struct vfs_file *f, void *out, uint64_t want);
long vfs_file_write(struct vfs_file *f, const void *buf, uint64_t len);

/* A pipe read / write on f (its read / write end), answered in rp or
 * deferred (file.c): bulk 0 for a message's, whose bytes are in the
 * request or go in the reply; else a bulk channel's, out / data its
 * buffer, want / len checked against its size. */
void vfs_pipe_read(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp, void *out,
                   uint32_t want, int bulk);
void vfs_pipe_write(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp,
                    const void *data, uint32_t len, int bulk);

/*
 * bulk.c: the bulk channels. vfs_do_bulk_open is PROTO_IO_BULK_OPEN on an
 * open file's handle. bulk_is_chan says whether a badge is a channel's
 * (live or not); bulk_dispatch serves a request on one: 1 when it
 * answered in rp, 0 when the request is for the channel's open file, whose
 * badge it puts in *file_badge. bulk_gone is a channel's close notice.
 */
void vfs_do_bulk_open(const struct vfs_req *rq, struct vfs_rep *rp);
int bulk_is_chan(uint64_t badge);
int bulk_dispatch(const struct vfs_req *rq, struct vfs_rep *rp, uint64_t *file_badge);
void bulk_gone(uint64_t badge);

/*
 * A new open file of kind, with one reference, and a handle minted for it
 * put in rp (to be moved to the caller): the slot, or -CAIRN_EMFILE, or
 * the mint's error (nothing is left behind).
 */
int vfs_file_new(enum vfs_file_kind kind, struct vfs_rep *rp, struct vfs_file **out);

/* Takes back the open files vfs_file_new put in rp (before anything else
 * refers to them): their handles closed, their slots free. */
void vfs_file_drop_new(struct vfs_rep *rp);

/* One reference fewer to the open file in slot; the last frees it. */
void vfs_file_unref(int slot);
/* The close notice of badge: the last handle to that open file is gone,
 * so the open file ends whatever its count says (no caller to answer). */
void vfs_file_gone(uint64_t badge);

/*
 * remote.c: requests passed to mounted servers. remote_init before the
 * first; remote_pass takes the caller out (a deferred reply) and queues
 * the request (words w, bytes buf of len) for mount index m, to be
 * answered by a worker; when it cannot queue it (too many waiting), it
 * puts the error in rp for an answer at once. remote_state gives what
 * PROTO_FS_MOUNTS shows of mount m.
 */
int remote_init(void);
extern uint64_t remote_call_ns; /* a mounted server's time to answer */
void remote_pass(struct vfs_rep *rp, int m, const uint64_t *w, const void *buf, uint32_t len);
void remote_state(int m, uint32_t *flags, int32_t *error);
/* Forgets mount m's server before its slot is freed: 0, or -CAIRN_EBUSY
 * while requests of it are queued or running. */
int remote_release(int m);

/* Answers a deferred caller (pipe.h's pipe_ops.answer). */
int vfs_answer(void *ctx, long reply, long result, const void *data, size_t len);

#endif
