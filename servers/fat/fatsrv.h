/* SPDX-License-Identifier: MIT */
/*
 * The fat server (docs/storage.md): a FAT volume on a block device served
 * as a mounted file system (include/proto/fs.h, "Mounted servers"). The
 * vfs passes it the path requests below its mount point; the open files it
 * hands out are handles to its own endpoint, so their reads and writes come
 * straight here.
 *
 *     fat --device=NAME[,NAME...] [--part=auto|whole|N] [--register=NAME] [--ro]
 *
 * disk.c reaches the disk (the block protocol through a channel); lib/fat
 * reads and writes the volume; main.c has the start-up, the receive loop
 * and the path requests; file.c the open files and their I/O requests.
 *
 * One thread serves everything, so lib/fat's volume (which is not safe to
 * share) is only ever used by it, and a request is done before the next
 * is taken.
 *
 * Invariants:
 *   - an open file is in use while refs > 0; its badge is its slot + 1 in
 *     the low 32 bits and the slot's generation above them (a stale badge
 *     names nothing);
 *   - handles a client sends with a request are closed at once (but the
 *     memory object of PROTO_IO_BULK_OPEN, which a channel maps).
 */
#ifndef CAIRN_SERVERS_FAT_FATSRV_H
#define CAIRN_SERVERS_FAT_FATSRV_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/ipc.h>
#include <fat/cache.h>
#include <fat/fat.h>
#include <proto/fs.h>

#define FATSRV_FILES_MAX      64 /* open files at once (-CAIRN_EMFILE past it) */
/* Bulk channels (bulk.c): at most FATSRV_CHANS_MAX at once, of at most
 * FATSRV_BULK_MAX bytes each and FATSRV_CHANS_PER_FILE on one open file,
 * so what clients can make the server map is bounded (16 MiB). A
 * channel's badge is FATSRV_CHAN_BASE + its slot in the low 32 bits (above
 * every open file's), its generation above them. */
#define FATSRV_CHANS_MAX      16
#define FATSRV_CHANS_PER_FILE 4
#define FATSRV_BULK_MAX       (1u << 20)
#define FATSRV_CHAN_BASE      0x10000u

struct fatsrv_file {
    uint32_t gen;
    uint32_t refs;  /* 0: the slot is free; the plain handles' and the channels' */
    uint32_t chans; /* bulk channels on it, each one of refs */
    uint32_t flags; /* PROTO_O_* of the open */
    uint64_t offset;
    uint32_t parent;       /* the first cluster of the directory holding it (0: the root) */
    struct fat_dirent ent; /* as found at the open */
    struct fat_file file;  /* a file's read cursor */
    struct fat_dir dir;    /* a directory's listing cursor */
};

/* The reply being built: words, bytes in fatsrv_out, at most one handle moved. */
struct fatsrv_rep {
    uint64_t w[CAIRN_MSG_WORDS];
    uint32_t len;
    long handle; /* a fresh open file's handle, or -1 */
    int slot;    /* its slot, freed if the reply cannot be sent */
};

struct fatsrv_chan {
    int file; /* its open file's slot, or -1: free */
    uint32_t gen;
    uint64_t at, size; /* the client's buffer, mapped here */
};

extern struct fatsrv {
    long endpoint;
    int rdonly;
    struct fat_vol vol;
    struct fatsrv_file files[FATSRV_FILES_MAX];
    struct fatsrv_chan chans[FATSRV_CHANS_MAX];
} fatsrv;

extern uint8_t fatsrv_in[CAIRN_MSG_BUF_MAX], fatsrv_out[CAIRN_MSG_BUF_MAX];

/* disk.c: the disk. disk_what names it for the log ("vblk0 partition 1"). */
extern char disk_what[96];
long disk_open(const char *names, const char *part, uint64_t wait_ns);
uint64_t disk_sectors(void);
int disk_rdonly(void);
int disk_read(void *ctx, uint64_t sector, uint32_t count, void *buf);
int disk_write(void *ctx, uint64_t sector, uint32_t count, const void *buf);
int disk_flush(void *ctx);

/* file.c: open files. */
struct fatsrv_file *fatsrv_file_of(uint64_t badge);
void fatsrv_file_gone(uint64_t badge);
void fatsrv_file_unref(struct fatsrv_file *f);
long fatsrv_file_read(struct fatsrv_file *f, void *buf, uint64_t len);
long fatsrv_file_write(struct fatsrv_file *f, const void *buf, uint64_t len);
void fatsrv_open(const struct cairn_msg *m, uint32_t len, struct fatsrv_rep *rp);
void fatsrv_io(const struct cairn_msg *m, const struct cairn_msg_ext *ext, struct fatsrv_file *f,
               struct fatsrv_rep *rp);

/* bulk.c: bulk channels. fatsrv_bulk handles a request on a channel's
 * badge: 1 when it answered, 0 when the request is for the open file
 * (*file_badge then names it). */
int fatsrv_is_chan(uint64_t badge);
void fatsrv_bulk_open(const struct cairn_msg *m, const struct cairn_msg_ext *ext,
                      struct fatsrv_file *f, struct fatsrv_rep *rp);
int fatsrv_bulk(const struct cairn_msg *m, struct fatsrv_rep *rp, uint64_t *file_badge);
void fatsrv_chan_gone(uint64_t badge);

/* main.c: what file.c shares. */
long fatsrv_path(const uint8_t *path, uint32_t len, char *out);
long fatsrv_find(const char *path, struct fat_dirent *e, uint32_t *parent);
long fatsrv_split(const char *path, uint32_t *dir, char *name);
int64_t fatsrv_now(void);
void fatsrv_stat_of(const struct fat_dirent *e, uint32_t parent, struct proto_stat *st);

#endif
