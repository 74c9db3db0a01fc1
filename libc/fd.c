// SPDX-License-Identifier: MIT
/*
 * File descriptors (<unistd.h>, <fcntl.h>): a table of handles to open
 * things of any server, each spoken to with the I/O protocol
 * (include/proto/io.h). The server keeps the open file's state (offset,
 * mode); the table keeps only which handle a descriptor is and the
 * descriptor's own flag, close-on-exec.
 *
 * Invariants: an entry is free (handle < 0) or holds one handle of this
 * process that counts as one reference at its server (PROTO_IO_DUP was
 * sent for every copy made here, PROTO_IO_CLOSE is sent when the entry
 * lets it go). The kernel-console entry, which descriptors 1 and 2 get
 * when the program was started without a standard output or error, holds
 * no handle: writes go to debug_write, so programs print before any
 * console server exists (init, the test programs).
 *
 * The table's lock covers only changes to entries; a call copies the
 * handle out and talks to the server unlocked, so a read that blocks in
 * the server holds up no other descriptor. A descriptor closed by another
 * thread meanwhile makes that call fail with EBADF, as a handle closed
 * under it gives -CAIRN_EBADH.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <termios.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <proto/handles.h>

#define FD_CONSOLE (-2) /* the kernel console: writes go to debug_write */
#define FD_FREE    (-1)

struct fd_entry {
    long handle; /* a handle, FD_CONSOLE or FD_FREE */
    int flags;   /* FD_CLOEXEC */
    int status;  /* O_NONBLOCK and the access mode, for F_GETFL */
};

static struct fd_entry fd_table[OPEN_MAX];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static int fd_ready;

/*
 * Bulk channels (include/proto/io.h, PROTO_IO_BULK_*): a read or write of
 * FD_BULK_MIN bytes or more asks the server, once per descriptor, for a
 * private channel with a buffer of FD_BULK_SIZE bytes shared with it, and
 * then goes one request per buffer-full (files and pipes of the vfs). A
 * server without them refuses (the console EINVAL for a request carrying
 * a handle, another server ENOSYS), and after any refusal the descriptor
 * stays on messages. The channel is this process's alone: dup, dup2 and
 * spawn hand on the plain handle, and the channel goes with the
 * descriptor (closing its handle makes the server's close notice end it).
 *
 * The state is per descriptor number and says which plain handle it was
 * made for (owner), so a descriptor closed and opened again meanwhile
 * never uses the channel of the file it named before. Its lock is held
 * across one bulk request and the copy in or out of the buffer, so two
 * threads never share the buffer. A request on a pipe may wait for as
 * long as the other end likes, so close (and exit) do not wait for one:
 * they leave the plain handle in forget, and whoever holds the lock next
 * (the request's own thread when it ends, or the next request) drops the
 * channel before anything else, as POSIX has a read under way on a closed
 * descriptor finish on the file it began with.
 */
#define FD_BULK_MIN  8192u
#define FD_BULK_SIZE (256u << 10)

enum fd_bulk_state {
    FD_BULK_UNTRIED = 0,
    FD_BULK_OPEN,
    FD_BULK_REFUSED, /* the server has no channel for it: messages */
};

struct fd_bulk {
    pthread_mutex_t lock;
    long owner;               /* [lock] the plain handle it is for */
    enum fd_bulk_state state; /* [lock] */
    long chan;                /* [lock] the channel, when FD_BULK_OPEN */
    uint8_t *buf;             /* [lock] its buffer, mapped here */
    long forget;              /* [a] a plain handle closed while the lock was
                               * held: its channel is to go, or 0 */
};

static struct fd_bulk fd_bulk[OPEN_MAX];

static int
fd_fail(long err)
{
    errno = (int)-err;
    return -1;
}

/* Descriptors 0 to 2 from the start handles, once, before any use. */
static void
fd_init_locked(void)
{
    static const uint32_t kinds[3] = {PROTO_HANDLE_STDIN, PROTO_HANDLE_STDOUT, PROTO_HANDLE_STDERR};

    if (fd_ready)
        return;
    for (int i = 0; i < OPEN_MAX; i++)
        fd_table[i] = (struct fd_entry){FD_FREE, 0, 0};
    for (int i = 0; i < 3; i++) {
        long h = cairn_start_handle(kinds[i], 0);

        if (h >= 0)
            fd_table[i] = (struct fd_entry){h, 0, i == 0 ? O_RDONLY : O_WRONLY};
        else if (i > 0)
            fd_table[i] = (struct fd_entry){FD_CONSOLE, 0, O_WRONLY};
    }
    fd_ready = 1;
}

/* The handle of fd (or FD_CONSOLE) and its status flags; FD_FREE if fd is
 * not open. */
static long
fd_get(int fd, int *status)
{
    long h = FD_FREE;

    if (fd < 0 || fd >= OPEN_MAX)
        return FD_FREE;
    pthread_mutex_lock(&fd_lock);
    fd_init_locked();
    h = fd_table[fd].handle;
    if (status)
        *status = fd_table[fd].status;
    pthread_mutex_unlock(&fd_lock);
    return h;
}

/*
 * One request on an I/O handle: msg's words out, the reply's in. Bytes
 * go out from send/send_len and come back into recv/recv_cap. Returns the
 * reply's w[0] (the server's result), or the call's error; *got is the
 * number of bytes received. Handles a server sends where none were asked
 * for are closed: a server cannot fill the table with them.
 */
static long
fd_call(long h, struct cairn_msg *msg, const void *send, size_t send_len, void *recv,
        size_t recv_cap, size_t *got)
{
    struct cairn_msg_ext ext;
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = (uint32_t)send_len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = (uint32_t)recv_cap;
    msg->ext = &ext;
    err = cairn_ipc_call(h, msg);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        cairn_handle_close(ext.recv_handles[i]);
    if (got)
        *got = err >= 0 ? ext.recv_len : 0;
    if (err == -CAIRN_EBADH || err == -CAIRN_EWRONGTYPE || err == -CAIRN_ERIGHTS)
        return -CAIRN_EBADF;
    if (err == -CAIRN_ECLOSED)
        return -CAIRN_EIO; /* the server is gone */
    return err < 0 ? err : (long)msg->w[0];
}

long
cairn_fd_request(int fd, struct cairn_msg *msg, const void *send, size_t send_len, void *recv,
                 size_t recv_cap, size_t *got)
{
    long h = fd_get(fd, NULL);

    if (h < 0)
        return -CAIRN_EBADF;
    return fd_call(h, msg, send, send_len, recv, recv_cap, got);
}

long
cairn_fd_handle(int fd)
{
    long h = fd_get(fd, NULL);

    return h < 0 ? -CAIRN_EBADF : h;
}

/* Lets the channel go: the handle (the server's close notice ends the
 * channel there) and the buffer. */
static void
fd_bulk_drop_locked(struct fd_bulk *b)
{
    if (b->state == FD_BULK_OPEN) {
        cairn_handle_close(b->chan);
        cairn_vm_unmap((uint64_t)(uintptr_t)b->buf, FD_BULK_SIZE);
    }
    b->state = FD_BULK_UNTRIED;
    b->owner = 0;
}

/* Drops the channel of a plain handle left in b->forget, if it is b's. */
static void
fd_bulk_forgotten_locked(struct fd_bulk *b)
{
    long h = __atomic_exchange_n(&b->forget, 0, __ATOMIC_SEQ_CST);

    if (h && b->owner == h)
        fd_bulk_drop_locked(b);
}

/* Unlocks b, then drops a channel a close left meanwhile: a close that
 * found the lock taken stored forget before trying it once more, so
 * either that try or this load sees the other's side. */
static void
fd_bulk_unlock(struct fd_bulk *b)
{
    pthread_mutex_unlock(&b->lock);
    if (__atomic_load_n(&b->forget, __ATOMIC_SEQ_CST) && pthread_mutex_trylock(&b->lock) == 0) {
        fd_bulk_forgotten_locked(b);
        pthread_mutex_unlock(&b->lock);
    }
}

/* Descriptor fd's channel, if it was made for h, goes: now, or when the
 * request under way (which may wait on a pipe) ends. Never waits. */
static void
fd_bulk_forget(int fd, long h)
{
    struct fd_bulk *b = &fd_bulk[fd];

    if (pthread_mutex_trylock(&b->lock) != 0) {
        __atomic_store_n(&b->forget, h, __ATOMIC_SEQ_CST);
        if (pthread_mutex_trylock(&b->lock) != 0)
            return; /* the holder drops it (fd_bulk_unlock) */
    }
    fd_bulk_forgotten_locked(b);
    if (b->owner == h)
        fd_bulk_drop_locked(b);
    pthread_mutex_unlock(&b->lock);
}

/* Asks h's server for a channel (PROTO_IO_BULK_OPEN) with a new buffer:
 * b is then FD_BULK_OPEN, or FD_BULK_REFUSED whatever went wrong. */
static void
fd_bulk_open_locked(struct fd_bulk *b, long h)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_IO_BULK_OPEN, FD_BULK_SIZE, 0, 0, 0}, &ext};
    long mo = cairn_memobj_create(FD_BULK_SIZE, 0), at = -CAIRN_ENOMEM, err;

    b->state = FD_BULK_REFUSED;
    if (mo >= 0)
        at = cairn_vm_map(mo, 0, FD_BULK_SIZE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at >= 0) {
        memset(&ext, 0, sizeof(ext));
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
        err = cairn_ipc_call(h, &msg);
        if (err >= 0 && (int64_t)msg.w[0] == 0 && ext.recv_nhandles == 1) {
            b->state = FD_BULK_OPEN;
            b->chan = ext.recv_handles[0];
            b->buf = (uint8_t *)(uintptr_t)at;
        } else {
            /* Whatever the server sent with a refusal is not kept. */
            for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
                cairn_handle_close(ext.recv_handles[i]);
            cairn_vm_unmap((uint64_t)at, FD_BULK_SIZE);
        }
        if (err >= 0)
            mo = -1; /* moved: the mapping kept the object while it was there */
    }
    if (mo >= 0)
        cairn_handle_close(mo);
}

/*
 * A read (op PROTO_IO_BULK_READ) or write (_WRITE) of [buf, buf + len)
 * on descriptor fd, whose handle is h, through its channel, opened now if
 * it was never tried. *used is 0 when there is no channel (nothing was
 * done: the caller goes on with messages). Otherwise the bytes moved, or
 * a negative code when none were; it stops at the first short answer.
 */
static long
fd_bulk_rw(int fd, long h, uint64_t op, char *buf, size_t len, uint64_t flags, int *used)
{
    struct fd_bulk *b = &fd_bulk[fd];
    size_t done = 0;
    long n = 0;

    *used = 0;
    pthread_mutex_lock(&b->lock);
    fd_bulk_forgotten_locked(b);
    if (b->owner != h) {
        fd_bulk_drop_locked(b);
        b->owner = h;
    }
    if (b->state == FD_BULK_UNTRIED)
        fd_bulk_open_locked(b, h);
    if (b->state != FD_BULK_OPEN) {
        fd_bulk_unlock(b);
        return 0;
    }
    *used = 1;
    while (done < len) {
        size_t piece = len - done < FD_BULK_SIZE ? len - done : FD_BULK_SIZE;
        struct cairn_msg msg = {{op, piece, flags, 0, 0}, NULL};

        if (op == PROTO_IO_BULK_WRITE)
            memcpy(b->buf, buf + done, piece);
        n = fd_call(b->chan, &msg, NULL, 0, NULL, 0, NULL);
        if (n < 0)
            break;
        if ((size_t)n > piece) /* a server cannot make us claim more */
            n = (long)piece;
        if (op == PROTO_IO_BULK_READ)
            memcpy(buf + done, b->buf, (size_t)n);
        done += (size_t)n;
        if ((size_t)n < piece)
            break;
    }
    fd_bulk_unlock(b);
    return done ? (long)done : n;
}

/* Puts h into the lowest free entry at or above from; the descriptor or
 * -CAIRN_EMFILE. */
static int
fd_install(long h, int from, int flags, int status)
{
    pthread_mutex_lock(&fd_lock);
    fd_init_locked();
    for (int fd = from; fd < OPEN_MAX; fd++) {
        if (fd_table[fd].handle == FD_FREE) {
            fd_table[fd] = (struct fd_entry){h, flags, status};
            pthread_mutex_unlock(&fd_lock);
            return fd;
        }
    }
    pthread_mutex_unlock(&fd_lock);
    return -CAIRN_EMFILE;
}

/* Lets one reference go: the server's, then the handle. */
static void
fd_release(long h)
{
    struct cairn_msg msg = {{PROTO_IO_CLOSE, 0, 0, 0, 0}, NULL};

    if (h < 0)
        return;
    fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    cairn_handle_close(h);
}

void
cairn_fd_close_all(void)
{
    long handles[OPEN_MAX];
    int n = 0;

    /* The table emptied in one go; the servers told after, unlocked. */
    pthread_mutex_lock(&fd_lock);
    fd_init_locked();
    for (int fd = 0; fd < OPEN_MAX; fd++) {
        if (fd_table[fd].handle >= 0)
            handles[n++] = fd_table[fd].handle;
        fd_table[fd] = (struct fd_entry){FD_FREE, 0, 0};
    }
    pthread_mutex_unlock(&fd_lock);
    /* A channel whose request is under way (a thread waiting on a pipe)
     * is left to it, or to the end of the process: exit never waits. */
    for (int fd = 0; fd < OPEN_MAX; fd++) {
        if (pthread_mutex_trylock(&fd_bulk[fd].lock) != 0)
            continue;
        fd_bulk_drop_locked(&fd_bulk[fd]);
        pthread_mutex_unlock(&fd_bulk[fd].lock);
    }
    for (int i = 0; i < n; i++) {
        struct cairn_msg msg = {{PROTO_IO_CLOSE, 0, 0, 0, 0}, NULL};

        cairn_ipc_call_timed(handles[i], &msg, CAIRN_FD_EXIT_WAIT_NS);
        cairn_handle_close(handles[i]);
    }
}

int
cairn_fd_adopt(long handle, int flags)
{
    int fd;

    if (handle < 0)
        return fd_fail(-CAIRN_EBADF);
    fd =
        fd_install(handle, 0, flags & O_CLOEXEC ? FD_CLOEXEC : 0, flags & (O_ACCMODE | O_NONBLOCK));
    return fd < 0 ? fd_fail(fd) : fd;
}

ssize_t
read(int fd, void *buf, size_t len)
{
    int status = 0;
    long h = fd_get(fd, &status);
    struct cairn_msg msg = {{PROTO_IO_READ, 0, 0, 0, 0}, NULL};
    size_t got;
    long n;

    if (h < 0)
        return fd_fail(-CAIRN_EBADF);
    if (len == 0)
        return 0;
    msg.w[2] = status & O_NONBLOCK ? PROTO_IO_NONBLOCK : 0;
    if (len >= FD_BULK_MIN) {
        int used;

        n = fd_bulk_rw(fd, h, PROTO_IO_BULK_READ, buf, len, msg.w[2], &used);
        if (used)
            return n < 0 ? fd_fail(n) : (ssize_t)n;
    }
    if (len > CAIRN_MSG_BUF_MAX)
        len = CAIRN_MSG_BUF_MAX;
    msg.w[1] = len;
    n = fd_call(h, &msg, NULL, 0, buf, len, &got);
    if (n < 0)
        return fd_fail(n);
    /* A server cannot make us claim bytes it did not send. */
    return (ssize_t)((size_t)n < got ? (size_t)n : got);
}

/* All of [buf, buf + len) to the kernel console. */
static ssize_t
fd_console_write(const char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        size_t n = len - done < CAIRN_DEBUG_WRITE_MAX ? len - done : CAIRN_DEBUG_WRITE_MAX;
        long ret = cairn_debug_write(buf + done, n);

        if (ret < 0)
            return done ? (ssize_t)done : fd_fail(ret);
        done += (size_t)ret;
    }
    return (ssize_t)done;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
    int status = 0;
    long h = fd_get(fd, &status);
    size_t done = 0;

    if (h == FD_CONSOLE)
        return fd_console_write(buf, len);
    if (h < 0)
        return fd_fail(-CAIRN_EBADF);
    if (len >= FD_BULK_MIN) {
        int used;
        long n = fd_bulk_rw(fd, h, PROTO_IO_BULK_WRITE, (char *)buf, len,
                            status & O_NONBLOCK ? PROTO_IO_NONBLOCK : 0, &used);

        if (used)
            return n < 0 ? fd_fail(n) : (ssize_t)n;
    }
    /* A write goes out in message-sized pieces; it stops at the first
     * short one (a full pipe with O_NONBLOCK, a full disk), as POSIX lets
     * a write return fewer bytes. */
    while (done < len) {
        size_t piece = len - done < CAIRN_MSG_BUF_MAX ? len - done : CAIRN_MSG_BUF_MAX;
        struct cairn_msg msg = {{PROTO_IO_WRITE, piece, 0, 0, 0}, NULL};
        long n;

        msg.w[2] = status & O_NONBLOCK ? PROTO_IO_NONBLOCK : 0;
        n = fd_call(h, &msg, (const char *)buf + done, piece, NULL, 0, NULL);
        if (n < 0)
            return done ? (ssize_t)done : fd_fail(n);
        if ((size_t)n > piece)
            n = (long)piece;
        done += (size_t)n;
        if ((size_t)n < piece)
            break;
    }
    return (ssize_t)done;
}

off_t
lseek(int fd, off_t offset, int whence)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_SEEK, (uint64_t)offset, (uint64_t)whence, 0, 0}, NULL};
    long n;

    if (h == FD_CONSOLE)
        return fd_fail(-CAIRN_ESPIPE);
    if (h < 0)
        return fd_fail(-CAIRN_EBADF);
    n = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    return n < 0 ? fd_fail(n) : (off_t)n;
}

int
close(int fd)
{
    long h;

    if (fd < 0 || fd >= OPEN_MAX)
        return fd_fail(-CAIRN_EBADF);
    pthread_mutex_lock(&fd_lock);
    fd_init_locked();
    h = fd_table[fd].handle;
    fd_table[fd] = (struct fd_entry){FD_FREE, 0, 0};
    pthread_mutex_unlock(&fd_lock);
    if (h == FD_FREE)
        return fd_fail(-CAIRN_EBADF);
    fd_bulk_forget(fd, h);
    fd_release(h);
    return 0;
}

/* A second reference to what h names, in *copy: the server told first,
 * then a copy of the handle (FD_CONSOLE copies as itself). 0 or a
 * negative code. */
static long
fd_copy(long h, long *copy)
{
    struct cairn_msg msg = {{PROTO_IO_DUP, 0, 0, 0, 0}, NULL};
    struct cairn_handle_info info;
    long err;

    *copy = h;
    if (h == FD_CONSOLE)
        return 0;
    err = cairn_handle_info(h, &info);
    if (err < 0)
        return -CAIRN_EBADF;
    err = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    if (err < 0)
        return err;
    *copy = cairn_handle_dup(h, info.rights);
    if (*copy < 0) {
        err = *copy;
        /* Give the server its reference back through the original. */
        msg = (struct cairn_msg){{PROTO_IO_CLOSE, 0, 0, 0, 0}, NULL};
        fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
        return err == -CAIRN_ENOMEM ? -CAIRN_EMFILE : err;
    }
    return 0;
}

long
cairn_fd_copy(int fd)
{
    long h = fd_get(fd, NULL), copy, err;

    if (h == FD_CONSOLE)
        return -CAIRN_ENOENT;
    if (h < 0)
        return -CAIRN_EBADF;
    err = fd_copy(h, &copy);
    return err < 0 ? err : copy;
}

long
cairn_io_copy(long h)
{
    long copy, err = fd_copy(h, &copy);

    return err < 0 ? err : copy;
}

void
cairn_io_release(long h)
{
    fd_release(h);
}

int
dup(int fd)
{
    int status = 0;
    long h = fd_get(fd, &status), copy, err;
    int to;

    if (h == FD_FREE)
        return fd_fail(-CAIRN_EBADF);
    err = fd_copy(h, &copy);
    if (err < 0)
        return fd_fail(err);
    to = fd_install(copy, 0, 0, status);
    if (to < 0) {
        if (copy != FD_CONSOLE)
            fd_release(copy);
        return fd_fail(to);
    }
    return to;
}

int
dup2(int fd, int to)
{
    int status = 0;
    long h = fd_get(fd, &status), copy, old, err;

    if (h == FD_FREE || to < 0 || to >= OPEN_MAX)
        return fd_fail(-CAIRN_EBADF);
    if (fd == to)
        return to;
    err = fd_copy(h, &copy);
    if (err < 0)
        return fd_fail(err);
    pthread_mutex_lock(&fd_lock);
    old = fd_table[to].handle;
    fd_table[to] = (struct fd_entry){copy, 0, status};
    pthread_mutex_unlock(&fd_lock);
    if (old >= 0) {
        fd_bulk_forget(to, old);
        fd_release(old);
    }
    return to;
}

int
isatty(int fd)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_TTY_GET, 0, 0, 0, 0}, NULL};
    long err;

    if (h == FD_CONSOLE)
        return 1;
    if (h < 0) {
        errno = EBADF;
        return 0;
    }
    err = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    if (err < 0) {
        errno = err == -CAIRN_ENOSYS ? ENOTTY : (int)-err;
        return 0;
    }
    return 1;
}

int
tcgetwinsize(int fd, struct winsize *ws)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_TTY_GET, 0, 0, 0, 0}, NULL};
    long err;

    if (h < 0 && h != FD_CONSOLE)
        return fd_fail(-CAIRN_EBADF);
    if (!ws)
        return fd_fail(-CAIRN_EFAULT);
    if (h == FD_CONSOLE) {
        msg.w[2] = 24; /* the kernel console tells no size: a terminal's classic one */
        msg.w[3] = 80;
    } else {
        err = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
        if (err < 0)
            return fd_fail(err == -CAIRN_ENOSYS ? -CAIRN_ENOTTY : err);
        if (msg.w[2] > 0xffff || msg.w[3] > 0xffff)
            return fd_fail(-CAIRN_EIO);
    }
    *ws = (struct winsize){(unsigned short)msg.w[2], (unsigned short)msg.w[3], 0, 0};
    return 0;
}

int
ftruncate(int fd, off_t length)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_TRUNCATE, (uint64_t)length, 0, 0, 0}, NULL};
    long err;

    if (h < 0)
        return fd_fail(h == FD_CONSOLE ? -CAIRN_EINVAL : -CAIRN_EBADF);
    if (length < 0)
        return fd_fail(-CAIRN_EINVAL);
    err = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    return err < 0 ? fd_fail(err) : 0;
}

int
fsync(int fd)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_SYNC, 0, 0, 0, 0}, NULL};
    long err;

    if (h < 0)
        return fd_fail(h == FD_CONSOLE ? -CAIRN_EINVAL : -CAIRN_EBADF);
    err = fd_call(h, &msg, NULL, 0, NULL, 0, NULL);
    return err < 0 ? fd_fail(err == -CAIRN_ENOSYS ? -CAIRN_EINVAL : err) : 0;
}

/* Cairn's servers keep no file metadata that fsync would write and this
 * could leave out. */
int
fdatasync(int fd)
{
    return fsync(fd);
}

int
fstatvfs(int fd, struct statvfs *sv)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_STATFS, 0, 0, 0, 0}, NULL};
    struct proto_statfs sf;
    size_t got;
    long err;

    if (h < 0)
        return fd_fail(h == FD_CONSOLE ? -CAIRN_EINVAL : -CAIRN_EBADF);
    err = fd_call(h, &msg, NULL, 0, &sf, sizeof(sf), &got);
    if (err < 0)
        return fd_fail(err == -CAIRN_ENOSYS ? -CAIRN_EINVAL : err);
    if (got != sizeof(sf))
        return fd_fail(-CAIRN_EIO);
    memset(sv, 0, sizeof(*sv));
    sv->f_bsize = sv->f_frsize = sf.bsize;
    sv->f_blocks = sf.blocks;
    sv->f_bfree = sv->f_bavail = sf.bfree;
    sv->f_files = sf.files;
    sv->f_ffree = sv->f_favail = sf.ffree;
    sv->f_namemax = sf.namemax;
    sv->f_flag = (sf.flags & PROTO_STATFS_RDONLY) ? ST_RDONLY : 0;
    sf.type[sizeof(sf.type) - 1] = 0;
    memcpy(sv->f_basetype, sf.type, sizeof(sv->f_basetype));
    return 0;
}

void
cairn_stat_from_proto(struct stat *st, const struct proto_stat *ps)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = ps->dev;
    st->st_ino = ps->ino;
    st->st_mode = ps->mode;
    st->st_nlink = ps->nlink;
    st->st_size = (off_t)ps->size;
    st->st_blksize = ps->blksize ? ps->blksize : 4096;
    st->st_blocks = (blkcnt_t)((ps->size + 511) / 512);
    st->st_mtim.tv_sec = ps->mtime_ns / 1000000000;
    st->st_mtim.tv_nsec = ps->mtime_ns % 1000000000;
    st->st_ctim.tv_sec = ps->ctime_ns / 1000000000;
    st->st_ctim.tv_nsec = ps->ctime_ns % 1000000000;
    st->st_atim = st->st_mtim;
}

int
fstat(int fd, struct stat *st)
{
    long h = fd_get(fd, NULL);
    struct cairn_msg msg = {{PROTO_IO_STAT, 0, 0, 0, 0}, NULL};
    struct proto_stat ps;
    size_t got;
    long err;

    if (h == FD_CONSOLE) {
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFCHR | 0620;
        st->st_nlink = 1;
        return 0;
    }
    if (h < 0)
        return fd_fail(-CAIRN_EBADF);
    err = fd_call(h, &msg, NULL, 0, &ps, sizeof(ps), &got);
    if (err < 0)
        return fd_fail(err);
    if (got != sizeof(ps))
        return fd_fail(-CAIRN_EIO);
    cairn_stat_from_proto(st, &ps);
    return 0;
}

int
fcntl(int fd, int cmd, ...)
{
    int ret = 0;
    va_list ap;

    if (fd < 0 || fd >= OPEN_MAX)
        return fd_fail(-CAIRN_EBADF);
    va_start(ap, cmd);
    pthread_mutex_lock(&fd_lock);
    fd_init_locked();
    if (fd_table[fd].handle == FD_FREE) {
        ret = -CAIRN_EBADF;
    } else if (cmd == F_GETFD) {
        ret = fd_table[fd].flags;
    } else if (cmd == F_SETFD) {
        fd_table[fd].flags = va_arg(ap, int) & FD_CLOEXEC;
    } else if (cmd == F_GETFL) {
        ret = fd_table[fd].status;
    } else {
        ret = -CAIRN_EINVAL;
    }
    pthread_mutex_unlock(&fd_lock);
    va_end(ap);
    return ret < 0 ? fd_fail(ret) : ret;
}

int
pipe(int fds[2])
{
    long vfs = cairn_service_handle(PROTO_HANDLE_VFS);
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_FS_PIPE, 0, 0, 0, 0}, &ext};
    long err;

    if (vfs < 0)
        return fd_fail(-CAIRN_ENOSYS);
    memset(&ext, 0, sizeof(ext));
    err = cairn_ipc_call(vfs, &msg);
    if (err == -CAIRN_ECLOSED) {
        /* The vfs server was restarted: ask the new one, once. */
        vfs = cairn_service_reconnect(PROTO_HANDLE_VFS, "vfs", vfs);
        msg = (struct cairn_msg){{PROTO_FS_PIPE, 0, 0, 0, 0}, &ext};
        memset(&ext, 0, sizeof(ext));
        err = vfs < 0 ? vfs : cairn_ipc_call(vfs, &msg);
    }
    if (err >= 0 && (int64_t)msg.w[0] < 0)
        err = (long)msg.w[0];
    if (err >= 0 && ext.recv_nhandles != 2)
        err = -CAIRN_EIO;
    if (err < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return fd_fail(err);
    }
    fds[0] = fd_install(ext.recv_handles[0], 0, 0, O_RDONLY);
    fds[1] = fds[0] < 0 ? -1 : fd_install(ext.recv_handles[1], 0, 0, O_WRONLY);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            close(fds[0]);
        else
            fd_release(ext.recv_handles[0]);
        fd_release(ext.recv_handles[1]);
        return fd_fail(-CAIRN_EMFILE);
    }
    return 0;
}
