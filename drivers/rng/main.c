// SPDX-License-Identifier: MIT
/*
 * The entropy server: start-up, the generator's reseeding, the protocol
 * and the receive loop (rng.h has the layers and the invariants;
 * docs/drivers.md the story).
 *
 *     rng [--jitter] [NAME]
 *
 * --jitter takes timing jitter as the source even on a CPU with RDSEED or
 * RDRAND (for the tests). Start handles: PROTO_HANDLE_REGISTRY, where it
 * registers as NAME (default `rng`).
 *
 * The registered endpoint (badge 0) is the device: the vfs, which mounts
 * it at /dev/random and /dev/urandom, sends it PROTO_FS_OPEN and
 * PROTO_FS_STAT with the path below the mount point, which can only be
 * `/` (anything else -CAIRN_ENOENT); an open gives an I/O handle with a
 * badge of its own, counted with PROTO_IO_DUP and _CLOSE. The handle is
 * minted with handle_mint_notify, so when its last copy goes (a client
 * killed before its close, a descriptor never closed) the kernel's close
 * notice frees the open file all the same: a slot is never lost. A client that
 * found `rng` in the registry (getentropy) may also read, write and stat
 * the device through badge 0 directly; nothing is counted there.
 *
 * I/O requests (include/proto/io.h): PROTO_IO_READ gives w[1] bytes
 * (1..CAIRN_MSG_BUF_MAX) of the generator and never waits (the generator
 * was seeded before the server registered); PROTO_IO_WRITE mixes the
 * bytes into the generator (as Linux does, without crediting them as
 * entropy) and answers their number; PROTO_IO_STAT a character device;
 * TRUNCATE -CAIRN_EINVAL; READDIR -CAIRN_ENOTDIR; DUP and CLOSE count;
 * SEEK -CAIRN_ESPIPE, the terminal requests -CAIRN_ENOTTY and anything
 * else -CAIRN_ENOSYS as every character device (lib/chardev). A
 * read on a file opened write-only, or a write on one opened read-only,
 * -CAIRN_EBADF; a badge of no open file -CAIRN_EBADF; a request
 * carrying handles -CAIRN_EINVAL (the handles closed).
 *
 * Reseeding: after RNG_RESEED_BYTES of output or RNG_RESEED_NS, whichever
 * comes first, before the next read, the source's fresh seed is mixed in.
 * A source that fails then leaves the generator as it was (still good:
 * it was seeded) and is tried again at the next read.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/chacha20.h>
#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "rng.h"

#define RNG_OPEN_MAX     64
#define RNG_RESEED_BYTES (1u << 20)
#define RNG_RESEED_NS    (60 * 1000000000ull)
#define RNG_SEED_TRIES   10 /* at start-up, a second apart */

struct rng_file {
    uint32_t refs;  /* 0: the slot is free */
    uint32_t gen;   /* the badge's upper half, new at each open */
    uint32_t flags; /* PROTO_O_ACCMODE of the open */
};

static struct {
    long endpoint;
    enum rng_source source;
    struct chacha_rng gen;
    uint64_t out_since_seed, seeded_at;
    unsigned reseed_failures; /* in a row, for the log */
    struct rng_file files[RNG_OPEN_MAX];
} rng;

static uint8_t in_buf[CAIRN_MSG_BUF_MAX], out_buf[CAIRN_MSG_BUF_MAX];

static int
fail(const char *what, long err)
{
    printf("rng: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* A fresh seed mixed in; the preferred source, else jitter. */
static long
rng_reseed(void)
{
    uint8_t seed[RNG_SEED_SIZE];
    long err = rng_source_gather(rng.source, seed);

    if (err < 0 && rng.source != RNG_SOURCE_JITTER)
        err = rng_source_gather(RNG_SOURCE_JITTER, seed);
    if (err < 0)
        return err;
    chacha_rng_mix(&rng.gen, seed, sizeof(seed));
    chacha_wipe(seed, sizeof(seed));
    rng.out_since_seed = 0;
    rng.seeded_at = cairn_clock_get();
    return 0;
}

static void
rng_output(void *buf, size_t len)
{
    if (rng.out_since_seed >= RNG_RESEED_BYTES ||
        cairn_clock_get() - rng.seeded_at >= RNG_RESEED_NS) {
        if (rng_reseed() < 0) {
            if (rng.reseed_failures++ == 0)
                printf("rng: reseeding from %s failed; the generator goes on as it is\n",
                       rng_source_name(rng.source));
            rng.seeded_at = cairn_clock_get(); /* not again at every read */
        } else {
            rng.reseed_failures = 0;
        }
    }
    chacha_rng_fill(&rng.gen, buf, len);
    rng.out_since_seed += len;
}

/* The open file a badge names (NULL for badge 0 or a stale badge). */
static struct rng_file *
rng_file_of(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge, gen = (uint32_t)(badge >> 32);

    if (idx == 0 || idx > RNG_OPEN_MAX)
        return NULL;
    if (rng.files[idx - 1].refs == 0 || rng.files[idx - 1].gen != gen)
        return NULL;
    return &rng.files[idx - 1];
}

static void
rng_stat(struct proto_stat *st)
{
    chardev_stat(st, 0666, CAIRN_MSG_BUF_MAX);
    st->ino = 1;
    st->dev = 0x726e67; /* "rng" */
}

/* The reply being built: words, bytes in out_buf, at most one handle moved. */
struct rng_rep {
    uint64_t w[CAIRN_MSG_WORDS];
    uint32_t len;
    long handle;  /* a fresh open file's handle, or -1 */
    int file_idx; /* its slot */
};

/* The path of a PROTO_FS_ request: only the device itself, `/`. */
static long
rng_check_path(const uint8_t *path, uint32_t len)
{
    if (len > PROTO_PATH_MAX)
        return -CAIRN_ENAMETOOLONG;
    if (len == 1 && path[0] == '/')
        return 0;
    if (len == 0 || path[0] != '/')
        return -CAIRN_EINVAL;
    return -CAIRN_ENOENT;
}

static void
rng_do_open(const struct cairn_msg *m, uint32_t len, struct rng_rep *rp)
{
    uint64_t flags = m->w[1];
    long err = rng_check_path(in_buf, len);

    if (err == 0 && (flags & PROTO_O_ACCMODE) == 3)
        err = -CAIRN_EINVAL;
    else if (err == 0 && (flags & PROTO_O_DIRECTORY))
        err = -CAIRN_ENOTDIR;
    else if (err == 0 && (flags & PROTO_O_CREAT) && (flags & PROTO_O_EXCL))
        err = -CAIRN_EEXIST;
    if (err < 0) {
        rp->w[0] = (uint64_t)err;
        return;
    }
    for (int i = 0; i < RNG_OPEN_MAX; i++) {
        struct rng_file *f = &rng.files[i];
        long h;

        if (f->refs)
            continue;
        h = cairn_handle_mint_notify(
            rng.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
            (uint64_t)(f->gen + 1) << 32 | (uint64_t)(i + 1));
        if (h < 0) {
            rp->w[0] = (uint64_t)h;
            return;
        }
        f->gen++;
        f->refs = 1;
        f->flags = (uint32_t)(flags & PROTO_O_ACCMODE);
        rp->handle = h;
        rp->file_idx = i;
        rp->w[0] = 0;
        rp->w[1] = PROTO_S_IFCHR;
        return;
    }
    rp->w[0] = (uint64_t)-CAIRN_EMFILE;
}

/* An I/O request on the device (f NULL: badge 0) or an open file. */
static void
rng_do_io(const struct cairn_msg *m, uint32_t len, struct rng_file *f, struct rng_rep *rp)
{
    uint32_t mode = f ? f->flags : PROTO_O_RDWR;

    switch (m->w[0]) {
    case PROTO_IO_READ:
        if (m->w[1] == 0 || m->w[1] > CAIRN_MSG_BUF_MAX ||
            (m->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
            rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        } else if (mode == PROTO_O_WRONLY) {
            rp->w[0] = (uint64_t)-CAIRN_EBADF;
        } else {
            rng_output(out_buf, m->w[1]);
            rp->len = (uint32_t)m->w[1];
            rp->w[0] = m->w[1];
        }
        break;
    case PROTO_IO_WRITE:
        if (len == 0 || (m->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
            rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        } else if (mode == PROTO_O_RDONLY) {
            rp->w[0] = (uint64_t)-CAIRN_EBADF;
        } else {
            chacha_rng_mix(&rng.gen, in_buf, len);
            rp->w[0] = len;
        }
        break;
    case PROTO_IO_STAT:
        rng_stat((struct proto_stat *)out_buf);
        rp->len = sizeof(struct proto_stat);
        break;
    case PROTO_IO_TRUNCATE:
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        break;
    case PROTO_IO_READDIR:
        rp->w[0] = (uint64_t)-CAIRN_ENOTDIR;
        break;
    case PROTO_IO_DUP:
        if (f && f->refs == UINT32_MAX)
            rp->w[0] = (uint64_t)-CAIRN_EMFILE;
        else if (f)
            f->refs++;
        break;
    case PROTO_IO_CLOSE:
        if (f)
            f->refs--; /* the last close frees the slot */
        break;
    default:
        rp->w[0] = (uint64_t)chardev_default(m->w[0]); /* SEEK, the terminal's, unknown */
    }
}

static void
rng_dispatch(const struct cairn_msg *m, const struct cairn_msg_ext *ext, uint64_t badge,
             struct rng_rep *rp)
{
    struct rng_file *f = rng_file_of(badge);
    long err;

    if (badge != 0 && !f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    } else if (m->w[0] == PROTO_FS_OPEN || m->w[0] == PROTO_FS_STAT) {
        if (f) {
            rp->w[0] = (uint64_t)-CAIRN_ENOSYS; /* an open file has no paths */
        } else if (m->w[0] == PROTO_FS_OPEN) {
            rng_do_open(m, ext->recv_len, rp);
        } else if ((err = rng_check_path(in_buf, ext->recv_len)) < 0) {
            rp->w[0] = (uint64_t)err;
        } else {
            rng_stat((struct proto_stat *)out_buf);
            rp->len = sizeof(struct proto_stat);
        }
    } else if ((m->w[0] & ~0xffull) == 0x200) {
        rp->w[0] = (uint64_t)(f ? -CAIRN_ENOSYS : -CAIRN_EROFS); /* mkdir, unlink, ... */
    } else {
        rng_do_io(m, ext->recv_len, f, rp);
    }
}

static void
rng_reply(struct rng_rep *rp)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{0}, &ext};

    memset(&ext, 0, sizeof(ext));
    memcpy(m.w, rp->w, sizeof(m.w));
    ext.send_buf = (uint64_t)(uintptr_t)out_buf;
    ext.send_len = rp->len;
    if (rp->handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)rp->handle, CAIRN_RIGHTS_SAME,
                                                        CAIRN_MSG_HANDLE_MOVE, 0};
    }
    if (cairn_ipc_reply(&m) < 0 && rp->handle >= 0) {
        cairn_handle_close(rp->handle); /* the caller went away: no open file */
        rng.files[rp->file_idx].refs = 0;
    }
    if (rp->len)
        chacha_wipe(out_buf, rp->len); /* handed out: keep no copy */
}

int
main(int argc, char **argv)
{
    const char *name = "rng";
    int force_jitter = 0;
    long err = -CAIRN_EIO;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--jitter") == 0)
            force_jitter = 1;
        else if (argv[i][0] != '-' && i == argc - 1)
            name = argv[i];
        else
            return fail("usage: rng [--jitter] [NAME]", -CAIRN_EINVAL);
    }
    rng.source = rng_source_pick(force_jitter);
    for (int tries = 0; tries < RNG_SEED_TRIES && err < 0; tries++) {
        uint8_t seed[RNG_SEED_SIZE];

        if (tries)
            cairn_thread_sleep(1000000000ull);
        err = rng_source_gather(rng.source, seed);
        if (err == 0)
            chacha_rng_init(&rng.gen, seed);
        chacha_wipe(seed, sizeof(seed));
    }
    if (err < 0)
        return fail(force_jitter ? "no usable timing jitter on this machine"
                                 : "no entropy from the source",
                    err);
    rng.seeded_at = cairn_clock_get();

    rng.endpoint = cairn_endpoint_create();
    if (rng.endpoint < 0)
        return fail("endpoint_create", rng.endpoint);
    err = chardev_publish(rng.endpoint, name);
    if (err < 0)
        return fail("registering", err);
    printf("rng: %s: seeded from %s\n", name, rng_source_name(rng.source));

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        struct rng_rep rp = {{0}, 0, -1, 0};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)in_buf;
        ext.recv_cap = sizeof(in_buf);
        err = cairn_ipc_recv(rng.endpoint, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err < 0)
            return fail("ipc_recv", err);
        if (err == CAIRN_IPC_CLOSED) {
            /* Every handle of that open file is gone: nobody can use it
             * again, whatever its count says. A stale badge (the slot
             * freed by a last close, perhaps reused) names nothing. */
            struct rng_file *f = rng_file_of(badge);

            if (f)
                f->refs = 0;
            continue; /* a notice has no caller to answer */
        }
        if (!chardev_refuse_malformed(err, &msg, &ext)) {
            rng_dispatch(&msg, &ext, badge, &rp);
            rng_reply(&rp);
        }
        chacha_wipe(in_buf, ext.recv_len < sizeof(in_buf) ? ext.recv_len : sizeof(in_buf));
    }
}
