// SPDX-License-Identifier: MIT
/*
 * The printf family onto streams and descriptors (<stdio.h>): the one
 * formatter (common/printf.c) hands its output in pieces to a sink, which
 * puts them into the stream's buffer (printf, fprintf), writes them to a
 * descriptor (dprintf) or gathers them in a growing block (asprintf).
 * The stream's lock is held for the whole call, so one printf is never
 * interleaved with another thread's output; a line-buffered stream holds
 * the output back until the call ends, then writes it out with one write
 * when it had a newline (printf_to_stream).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdio_impl.h"

struct stream_sink {
    struct printf_sink sink;
    FILE *f;
    bool newline; /* a newline went into a line-buffered stream */
    int err;
};

static void
stream_sink_write(struct printf_sink *s, const char *p, size_t n)
{
    struct stream_sink *ss = (struct stream_sink *)s;

    if (ss->err)
        return;
    if (ss->f->mode == _IOLBF && memchr(p, '\n', n)) {
        ss->newline = true;
    }
    /* A line-buffered stream buffers fully until the call ends. */
    if (ss->f->mode == _IOLBF) {
        ss->f->mode = _IOFBF;
        ss->err = cairn_stdio_write_locked(ss->f, p, n);
        ss->f->mode = _IOLBF;
    } else {
        ss->err = cairn_stdio_write_locked(ss->f, p, n);
    }
}

int
vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    struct stream_sink ss = {{stream_sink_write}, f, false, 0};
    int n;

    pthread_mutex_lock(&f->lock);
    n = printf_format(&ss.sink, fmt, ap);
    if (!ss.err && ss.newline)
        ss.err = cairn_stdio_flush_locked(f);
    pthread_mutex_unlock(&f->lock);
    return ss.err ? -1 : n;
}

int
fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int
vprintf(const char *restrict fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int
printf(const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

struct fd_sink {
    struct printf_sink sink;
    int fd;
    int err;
};

static void
fd_sink_write(struct printf_sink *s, const char *p, size_t n)
{
    struct fd_sink *fs = (struct fd_sink *)s;

    while (n > 0 && !fs->err) {
        ssize_t w = write(fs->fd, p, n);

        if (w <= 0) {
            fs->err = 1;
            break;
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Up to PRINTF_SINK_CHUNK bytes of output make one write. */
int
vdprintf(int fd, const char *restrict fmt, va_list ap)
{
    struct fd_sink fs = {{fd_sink_write}, fd, 0};
    int n = printf_format(&fs.sink, fmt, ap);

    return fs.err ? -1 : n;
}

int
dprintf(int fd, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int
vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int
sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

struct grow_sink {
    struct printf_sink sink;
    char *buf;
    size_t len, cap;
    bool failed;
};

static void
grow_sink_write(struct printf_sink *s, const char *p, size_t n)
{
    struct grow_sink *gs = (struct grow_sink *)s;

    if (gs->failed)
        return;
    if (gs->len + n + 1 > gs->cap) {
        size_t cap = gs->cap ? gs->cap : 64;
        char *b;

        while (cap < gs->len + n + 1)
            cap *= 2;
        b = realloc(gs->buf, cap);
        if (!b) {
            gs->failed = true;
            return;
        }
        gs->buf = b;
        gs->cap = cap;
    }
    memcpy(gs->buf + gs->len, p, n);
    gs->len += n;
}

int
vasprintf(char **out, const char *restrict fmt, va_list ap)
{
    struct grow_sink gs = {{grow_sink_write}, NULL, 0, 0, false};

    printf_format(&gs.sink, fmt, ap);
    if (!gs.failed && !gs.buf)
        grow_sink_write(&gs.sink, "", 0);
    if (gs.failed) {
        free(gs.buf);
        *out = NULL;
        errno = ENOMEM;
        return -1;
    }
    gs.buf[gs.len] = '\0';
    *out = gs.buf;
    return gs.len > INT_MAX ? INT_MAX : (int)gs.len;
}

int
asprintf(char **out, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(out, fmt, ap);
    va_end(ap);
    return n;
}
