/* SPDX-License-Identifier: MIT */
/*
 * A pipe: a bounded byte buffer between a read end and a write end, and
 * the queues of callers waiting on it. Pure C over malloc, built into the
 * vfs server and the host test; the server passes in how a waiting caller
 * is answered (struct pipe_ops: a deferred reply, docs/ipc.md), so the
 * order and the bookkeeping are tested on the host.
 *
 * Semantics (POSIX's, with PIPE_BUF = PIPE_ATOMIC):
 *   - a read takes what is there, up to what was asked; an empty pipe
 *     waits while a write end is open and gives 0 (end of file) once none
 *     is;
 *   - a write of at most PIPE_ATOMIC bytes goes in whole or waits until
 *     it fits (never interleaved with another write); a larger one (only
 *     a bulk channel's, docs/vfs.md) goes in as room comes, and its
 *     writer is answered once all of it is in; to a pipe whose read end
 *     is closed a write gets -CAIRN_EPIPE, and writers waiting when the
 *     read end closes get it too (their bytes are dropped), or the count
 *     of bytes already in when part of a large write went;
 *   - waiting readers are served in the order they came, and so are
 *     writers: a write waits behind the writers already waiting, even if
 *     it would fit; the first writer's bytes are the next ones after the
 *     buffer's, so a reader that empties the buffer takes on from a large
 *     first writer's bytes directly (one copy, never through the buffer);
 *   - a caller that is gone when its turn comes (the answer fails) loses
 *     nothing for the others: a reader's bytes stay in the pipe, a
 *     writer's are not put in (every answer is given before the change it
 *     reports is made); the part of a large write already in stays.
 * Invariants after pipe_pump: readers wait only while the pipe is empty
 * and a write end is open; the first writer waits only while its bytes do
 * not fit (a large one: while the buffer is full) and the read end is
 * open.
 *
 * A bulk waiter's bytes are in its channel's buffer (bulk), which the
 * server keeps mapped while the waiter is queued: pipe_cancel takes a
 * channel's waiters out before the channel goes. Lengths are the
 * server's (checked against the buffer's size before queueing); the
 * buffer's contents are never read for anything but copying.
 */
#ifndef CAIRN_SERVERS_VFS_PIPE_H
#define CAIRN_SERVERS_VFS_PIPE_H

#include <stddef.h>
#include <stdint.h>

#define PIPE_SIZE   16384u /* the buffer */
#define PIPE_ATOMIC 4096u  /* PIPE_BUF, and a message's bytes (CAIRN_MSG_BUF_MAX) */

struct pipe_waiter {
    struct pipe_waiter *next;
    long reply;    /* the server's handle for the deferred answer */
    uint32_t len;  /* bytes wanted, or a writer's bytes */
    uint32_t done; /* a writer's bytes already in the pipe (a large one's) */
    uint8_t *bulk; /* a bulk channel's buffer: where the bytes go or come
                    * from, and what pipe_cancel knows it by; NULL: a
                    * message's (a writer's in data) */
    uint8_t data[];
};

/*
 * The server's half: answer a waiting caller through reply with result and
 * (for a reader) len bytes at data. Returns 0, or a negative code when the
 * caller is gone (the answer was not delivered).
 */
struct pipe_ops {
    int (*answer)(void *ctx, long reply, long result, const void *data, size_t len);
    void *ctx;
};

struct pipe {
    uint8_t buf[PIPE_SIZE];
    uint32_t head, count; /* the oldest byte's index, and the bytes held */
    int reader_open, writer_open;
    struct pipe_waiter *readers, *readers_tail;
    struct pipe_waiter *writers, *writers_tail;
};

/* A new pipe with both ends open, or NULL when memory is short. */
struct pipe *pipe_create(void);

/* Frees a pipe; both ends closed (so no waiter is left). */
void pipe_destroy(struct pipe *p);

/*
 * A read of up to len bytes (at least 1; a message's at most PIPE_ATOMIC,
 * a channel's at most its buffer) into out: the count, 0 at the end of the
 * stream, or -CAIRN_EAGAIN when it would have to wait (the caller then
 * queues it with pipe_wait_read or _read_into, or answers -CAIRN_EAGAIN to
 * a non-blocking read). Call pipe_pump afterwards (room was made, or a
 * large writer's last bytes taken).
 */
long pipe_read(struct pipe *p, uint32_t len, void *out);

/* A write of len bytes (1..PIPE_ATOMIC), whole: len, -CAIRN_EPIPE, or
 * -CAIRN_EAGAIN when it would have to wait. Call pipe_pump afterwards. */
long pipe_write(struct pipe *p, const void *data, uint32_t len);

/*
 * A bulk channel's write of len bytes (at least 1) from data: what goes
 * in now, by the rules above (at most PIPE_ATOMIC bytes: whole or
 * nothing; more: as much as there is room for), so 0..len; -CAIRN_EPIPE;
 * or -CAIRN_EAGAIN when writers wait before it (nothing put). A blocking
 * caller queues the rest with pipe_wait_write_from. Call pipe_pump
 * afterwards.
 */
long pipe_write_some(struct pipe *p, const void *data, uint32_t len);

/* Queues a reader (len bytes wanted) / a writer (its bytes are copied) to
 * be answered through reply: 0, or -CAIRN_ENOMEM. */
int pipe_wait_read(struct pipe *p, long reply, uint32_t len);
int pipe_wait_write(struct pipe *p, long reply, const void *data, uint32_t len);

/* The same for a bulk channel: the reader's bytes go to out, the
 * writer's come from data, of which done bytes are in already. The
 * buffer must stay mapped until the waiter is answered or cancelled. */
int pipe_wait_read_into(struct pipe *p, long reply, void *out, uint32_t len);
int pipe_wait_write_from(struct pipe *p, long reply, const void *data, uint32_t len, uint32_t done);

/* Takes out every waiter whose bytes are in the channel buffer buf,
 * answered -CAIRN_EBADF (its channel is going), then pumps: the others go
 * on as if it never came. A live channel's buffer is a mapping of its
 * own, so buf names one channel. */
void pipe_cancel(struct pipe *p, const void *buf, const struct pipe_ops *ops);

/* Answers every waiter that can be answered now (see above). */
void pipe_pump(struct pipe *p, const struct pipe_ops *ops);

/* Closes the read end (reader 1) or the write end: the waiters of that end
 * are answered -CAIRN_EBADF (the open file they used is gone), then the
 * other end's as the semantics above say. */
void pipe_close_end(struct pipe *p, int reader, const struct pipe_ops *ops);

#endif
