// SPDX-License-Identifier: MIT
/*
 * FILE streams (<stdio.h>) over file descriptors: opening, buffering,
 * bytes and lines in and out, position and state. Formatted output onto a
 * stream is libc/stdio_printf.c, formatted input libc/scanf.c; both use
 * the _locked functions declared in stdio_impl.h.
 *
 * A stream's buffer is either a read buffer (buf[rpos, rend) not yet
 * read, dir == DIR_READ) or a write buffer (buf[0, wlen) not yet written,
 * dir == DIR_WRITE), never both; switching direction writes out or gives
 * back (by seeking the descriptor back over what was read ahead) what the
 * buffer holds. The descriptor's offset is therefore the stream's position
 * plus what was read ahead, or minus what waits to be written. One pushed
 * back character (ungetc) sits before the buffer, in `ungot`.
 *
 * Locks: each stream has its own mutex, taken by every public call. The
 * list of open streams has stdio_list_lock; fflush(NULL) and exit walk it
 * taking each stream's lock in turn, never two at once (a read writes out
 * stdout first only when it is another stream, so no call holds two
 * stream locks either).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdio_impl.h"

static struct cairn_file stdin_file = {.fd = 0,
                                       .flags = FILE_READ | FILE_STATIC,
                                       .mode = -1,
                                       .ungot = -1,
                                       .lock = PTHREAD_MUTEX_INITIALIZER};
static struct cairn_file stdout_file = {.fd = 1,
                                        .flags = FILE_WRITE | FILE_STATIC,
                                        .mode = -1,
                                        .ungot = -1,
                                        .lock = PTHREAD_MUTEX_INITIALIZER};
static struct cairn_file stderr_file = {.fd = 2,
                                        .flags = FILE_WRITE | FILE_STATIC,
                                        .mode = _IONBF,
                                        .ungot = -1,
                                        .lock = PTHREAD_MUTEX_INITIALIZER};

FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

/* Every stream fopen made that is not closed yet; the three above are not
 * on it but are always flushed. [stdio_list_lock] */
static struct cairn_file *stdio_list;
static pthread_mutex_t stdio_list_lock = PTHREAD_MUTEX_INITIALIZER;

static void stdio_flush_all(void);
static void stdio_flush_every(bool at_exit);

/* exit's hook (libc/exit.c): set once any stream is used. */
extern void (*cairn_exit_flush)(void);

/* --- buffers --- */

/* A stream's own buffer: one page with malloc's 16-byte header. */
#define STDIO_BUF_SIZE (4096 - 16)

/* Gives f its buffer and mode on first use: a page from malloc, or none
 * (unbuffered) when memory is short. */
static void
stdio_setup_locked(FILE *f)
{
    cairn_exit_flush = stdio_flush_all;
    if (f->mode < 0)
        f->mode = f == stdout && isatty(f->fd) ? _IOLBF : _IOFBF;
    if (f->buf || f->mode == _IONBF) {
        if (!f->buf) {
            f->buf = f->small;
            f->cap = sizeof(f->small);
        }
        return;
    }
    f->buf = malloc(STDIO_BUF_SIZE);
    if (f->buf) {
        f->cap = STDIO_BUF_SIZE;
        f->flags |= FILE_OWNBUF;
    } else {
        f->mode = _IONBF;
        f->buf = f->small;
        f->cap = sizeof(f->small);
    }
}

/* Writes all of [p, p + n) to the descriptor. */
static int
stdio_write_all(FILE *f, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(f->fd, p, n);

        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            f->flags |= FILE_ERR;
            return EOF;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes out the write buffer. */
static int
stdio_drain_locked(FILE *f)
{
    size_t n = f->wlen;

    f->wlen = 0;
    if (f->dir == DIR_WRITE)
        f->dir = DIR_NONE;
    return n ? stdio_write_all(f, f->buf, n) : 0;
}

/* Ends reading: seeks the descriptor back over what was read ahead (a
 * pipe cannot, and loses nothing by it: the bytes are only dropped). */
static void
stdio_unread_locked(FILE *f)
{
    off_t ahead = (off_t)(f->rend - f->rpos) + (f->ungot >= 0 ? 1 : 0);

    if (ahead)
        lseek(f->fd, -ahead, SEEK_CUR);
    f->rpos = f->rend = 0;
    f->ungot = -1;
    f->dir = DIR_NONE;
}

int
cairn_stdio_flush_locked(FILE *f)
{
    if (f->dir == DIR_WRITE)
        return stdio_drain_locked(f);
    if (f->dir == DIR_READ)
        stdio_unread_locked(f);
    return 0;
}

/* Makes f ready to write; EOF if it cannot be written. */
static int
stdio_to_write_locked(FILE *f)
{
    if (!(f->flags & FILE_WRITE)) {
        errno = EBADF;
        f->flags |= FILE_ERR;
        return EOF;
    }
    stdio_setup_locked(f);
    if (f->dir == DIR_READ)
        stdio_unread_locked(f);
    /* The descriptor writes at the end anyway; being there keeps ftell
     * right while the bytes wait in the buffer. */
    if (f->dir != DIR_WRITE && (f->flags & FILE_APPEND))
        lseek(f->fd, 0, SEEK_END);
    f->dir = DIR_WRITE;
    return 0;
}

int
cairn_stdio_write_locked(FILE *f, const char *p, size_t n)
{
    bool newline;

    if (stdio_to_write_locked(f) < 0)
        return EOF;
    if (f->mode == _IONBF)
        return stdio_write_all(f, p, n);
    newline = f->mode == _IOLBF && memchr(p, '\n', n);
    while (n > 0) {
        size_t room = f->cap - f->wlen;

        if (room == 0) {
            if (stdio_drain_locked(f) < 0)
                return EOF;
            f->dir = DIR_WRITE;
            continue;
        }
        /* Past a whole buffer, straight from the caller's memory. */
        if (f->wlen == 0 && n >= f->cap) {
            if (stdio_write_all(f, p, n) < 0)
                return EOF;
            break;
        }
        if (room > n)
            room = n;
        memcpy(f->buf + f->wlen, p, room);
        f->wlen += room;
        p += room;
        n -= room;
    }
    if (newline)
        return stdio_drain_locked(f);
    return 0;
}

/* Writes out stdout if it is line buffered, before f reads (C11 7.21.3). */
static void
stdio_flush_stdout_for(FILE *f)
{
    if (f == stdout || stdout->mode != _IOLBF)
        return;
    pthread_mutex_lock(&stdout->lock);
    if (stdout->dir == DIR_WRITE)
        stdio_drain_locked(stdout);
    pthread_mutex_unlock(&stdout->lock);
}

/* Refills the read buffer; EOF at the end of the file or on an error. */
static int
stdio_fill_locked(FILE *f)
{
    ssize_t n;

    stdio_flush_stdout_for(f);
    n = read(f->fd, f->buf, f->cap);
    if (n <= 0) {
        f->flags |= n == 0 ? FILE_EOF : FILE_ERR;
        return EOF;
    }
    f->rpos = 0;
    f->rend = (size_t)n;
    return 0;
}

/* Makes f ready to read; EOF if it cannot be read. */
static int
stdio_to_read_locked(FILE *f)
{
    if (!(f->flags & FILE_READ)) {
        errno = EBADF;
        f->flags |= FILE_ERR;
        return EOF;
    }
    stdio_setup_locked(f);
    if (f->dir == DIR_WRITE && stdio_drain_locked(f) < 0)
        return EOF;
    f->dir = DIR_READ;
    return 0;
}

int
cairn_stdio_getc_locked(FILE *f)
{
    int c;

    if (f->ungot >= 0 && f->dir == DIR_READ) {
        c = f->ungot;
        f->ungot = -1;
        return c;
    }
    if (stdio_to_read_locked(f) < 0)
        return EOF;
    if (f->rpos == f->rend && stdio_fill_locked(f) < 0)
        return EOF;
    return (unsigned char)f->buf[f->rpos++];
}

int
cairn_stdio_ungetc_locked(int c, FILE *f)
{
    if (c == EOF || f->ungot >= 0 || stdio_to_read_locked(f) < 0)
        return EOF;
    f->ungot = (unsigned char)c;
    f->flags &= ~FILE_EOF;
    return (unsigned char)c;
}

/* --- opening and closing --- */

/* open(2) flags of a mode string, or -1 for a bad one. */
static int
stdio_mode_flags(const char *mode, int *file_flags)
{
    int flags;

    switch (mode[0]) {
    case 'r':
        flags = O_RDONLY;
        *file_flags = FILE_READ;
        break;
    case 'w':
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        *file_flags = FILE_WRITE;
        break;
    case 'a':
        flags = O_WRONLY | O_CREAT | O_APPEND;
        *file_flags = FILE_WRITE | FILE_APPEND;
        break;
    default:
        return -1;
    }
    for (const char *m = mode + 1; *m; m++) {
        if (*m == '+') {
            flags = (flags & ~O_ACCMODE) | O_RDWR;
            *file_flags |= FILE_READ | FILE_WRITE;
        } else if (*m == 'x') {
            flags |= O_EXCL;
        } else if (*m == 'e') {
            flags |= O_CLOEXEC;
        } else if (*m != 'b') {
            return -1;
        }
    }
    return flags;
}

static FILE *
stdio_new(int fd, int file_flags)
{
    FILE *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->fd = fd;
    f->flags = file_flags;
    f->mode = _IOFBF;
    f->ungot = -1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_mutex_lock(&stdio_list_lock);
    f->next = stdio_list;
    stdio_list = f;
    pthread_mutex_unlock(&stdio_list_lock);
    return f;
}

FILE *
fopen(const char *restrict path, const char *restrict mode)
{
    int file_flags, flags = stdio_mode_flags(mode, &file_flags), fd;
    FILE *f;

    if (flags < 0) {
        errno = EINVAL;
        return NULL;
    }
    fd = open(path, flags, 0666);
    if (fd < 0)
        return NULL;
    /* Mode a starts at the end, a+ at the start (for reading), as
     * glibc's do (ftell says so). */
    if ((file_flags & FILE_APPEND) && !(file_flags & FILE_READ))
        lseek(fd, 0, SEEK_END);
    f = stdio_new(fd, file_flags);
    if (!f)
        close(fd);
    return f;
}

FILE *
fdopen(int fd, const char *mode)
{
    int file_flags;

    if (stdio_mode_flags(mode, &file_flags) < 0) {
        errno = EINVAL;
        return NULL;
    }
    if (fcntl(fd, F_GETFD) < 0)
        return NULL;
    return stdio_new(fd, file_flags);
}

static void
stdio_release_buffer_locked(FILE *f)
{
    if (f->flags & FILE_OWNBUF)
        free(f->buf);
    f->flags &= ~FILE_OWNBUF;
    f->buf = NULL;
    f->cap = 0;
    f->rpos = f->rend = f->wlen = 0;
    f->ungot = -1;
    f->dir = DIR_NONE;
}

FILE *
freopen(const char *restrict path, const char *restrict mode, FILE *restrict f)
{
    int file_flags, flags = stdio_mode_flags(mode, &file_flags), fd;

    pthread_mutex_lock(&f->lock);
    cairn_stdio_flush_locked(f);
    close(f->fd);
    fd = -1;
    if (!path || flags < 0)
        errno = EINVAL;
    else
        fd = open(path, flags, 0666);
    if (fd >= 0 && fd != f->fd && f->flags & FILE_STATIC) {
        /* stdin, stdout and stderr keep their descriptor numbers. */
        if (dup2(fd, f->fd) < 0) {
            close(fd);
            fd = -1;
        } else {
            close(fd);
            fd = f->fd;
        }
    }
    stdio_release_buffer_locked(f);
    f->flags = (f->flags & FILE_STATIC) | (fd >= 0 ? file_flags : 0);
    f->fd = fd;
    if (f->flags & FILE_STATIC)
        f->mode = f == stderr ? _IONBF : -1;
    pthread_mutex_unlock(&f->lock);
    if (fd < 0) {
        if (!(f->flags & FILE_STATIC))
            fclose(f);
        return NULL;
    }
    return f;
}

int
fclose(FILE *f)
{
    int err;

    pthread_mutex_lock(&f->lock);
    err = cairn_stdio_flush_locked(f);
    if (f->fd >= 0 && close(f->fd) < 0)
        err = EOF;
    f->fd = -1;
    stdio_release_buffer_locked(f);
    f->flags &= FILE_STATIC;
    pthread_mutex_unlock(&f->lock);
    if (f->flags & FILE_STATIC)
        return err;
    pthread_mutex_lock(&stdio_list_lock);
    for (FILE **p = &stdio_list; *p; p = &(*p)->next) {
        if (*p == f) {
            *p = f->next;
            break;
        }
    }
    pthread_mutex_unlock(&stdio_list_lock);
    free(f);
    return err;
}

/* At exit a stream whose lock another thread holds (blocked reading a
 * pipe, say) is passed over rather than waited for. */
static int
stdio_flush_one(FILE *f, bool at_exit)
{
    int err;

    if (at_exit) {
        if (pthread_mutex_trylock(&f->lock) != 0)
            return 0;
    } else {
        pthread_mutex_lock(&f->lock);
    }
    err = f->dir == DIR_WRITE ? stdio_drain_locked(f) : 0;
    pthread_mutex_unlock(&f->lock);
    return err;
}

/* Every stream's pending output. A stream being read keeps its read-ahead
 * (C leaves fflush of an input stream undefined; fflush(NULL) only writes). */
static void
stdio_flush_every(bool at_exit)
{
    stdio_flush_one(stdout, at_exit);
    stdio_flush_one(stderr, at_exit);
    pthread_mutex_lock(&stdio_list_lock);
    for (FILE *f = stdio_list; f; f = f->next)
        stdio_flush_one(f, at_exit);
    pthread_mutex_unlock(&stdio_list_lock);
}

static void
stdio_flush_all(void)
{
    stdio_flush_every(true);
}

int
fflush(FILE *f)
{
    int err;

    if (!f) {
        stdio_flush_every(false);
        return 0;
    }
    pthread_mutex_lock(&f->lock);
    err = cairn_stdio_flush_locked(f);
    pthread_mutex_unlock(&f->lock);
    return err;
}

int
setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
    int err = 0;

    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
        errno = EINVAL;
        return EOF;
    }
    pthread_mutex_lock(&f->lock);
    if (cairn_stdio_flush_locked(f) < 0) {
        err = EOF;
    } else {
        stdio_release_buffer_locked(f);
        f->mode = mode;
        if (mode != _IONBF && buf && size > 0) {
            f->buf = buf;
            f->cap = size;
        } else if (mode != _IONBF && size > 0) {
            f->buf = malloc(size);
            if (f->buf) {
                f->cap = size;
                f->flags |= FILE_OWNBUF;
            }
        }
    }
    pthread_mutex_unlock(&f->lock);
    return err;
}

void
setbuf(FILE *restrict f, char *restrict buf)
{
    setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

/* --- bytes --- */

size_t
fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    size_t want, got = 0;
    char *out = p;

    if (size == 0 || n == 0)
        return 0;
    if (n > SIZE_MAX / size) {
        errno = EINVAL;
        return 0;
    }
    want = size * n;
    pthread_mutex_lock(&f->lock);
    if (stdio_to_read_locked(f) < 0)
        goto out;
    if (f->ungot >= 0) {
        out[got++] = (char)f->ungot;
        f->ungot = -1;
    }
    while (got < want) {
        size_t have = f->rend - f->rpos;

        if (have) {
            if (have > want - got)
                have = want - got;
            memcpy(out + got, f->buf + f->rpos, have);
            f->rpos += have;
            got += have;
            continue;
        }
        /* A large read goes straight into the caller's memory. */
        if (want - got >= f->cap) {
            ssize_t r;

            stdio_flush_stdout_for(f);
            r = read(f->fd, out + got, want - got);
            if (r <= 0) {
                f->flags |= r == 0 ? FILE_EOF : FILE_ERR;
                break;
            }
            got += (size_t)r;
            continue;
        }
        if (stdio_fill_locked(f) < 0)
            break;
    }
out:
    pthread_mutex_unlock(&f->lock);
    return got / size;
}

size_t
fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    size_t done = n;

    if (size == 0 || n == 0)
        return 0;
    if (n > SIZE_MAX / size) {
        errno = EINVAL;
        return 0;
    }
    pthread_mutex_lock(&f->lock);
    if (cairn_stdio_write_locked(f, p, size * n) < 0)
        done = 0; /* how much of it went out is not known: none counts */
    pthread_mutex_unlock(&f->lock);
    return done;
}

int
fgetc(FILE *f)
{
    int c;

    pthread_mutex_lock(&f->lock);
    c = cairn_stdio_getc_locked(f);
    pthread_mutex_unlock(&f->lock);
    return c;
}

int
getc(FILE *f)
{
    return fgetc(f);
}

int
getchar(void)
{
    return fgetc(stdin);
}

int
ungetc(int c, FILE *f)
{
    pthread_mutex_lock(&f->lock);
    c = cairn_stdio_ungetc_locked(c, f);
    pthread_mutex_unlock(&f->lock);
    return c;
}

char *
fgets(char *restrict s, int n, FILE *restrict f)
{
    int i = 0, c = 0;

    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    pthread_mutex_lock(&f->lock);
    while (i < n - 1 && c != '\n') {
        c = cairn_stdio_getc_locked(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
    }
    pthread_mutex_unlock(&f->lock);
    /* Nothing read at the end of the file, or an error: NULL (C11 7.21.7.2). */
    if ((c == EOF && i == 0) || (c == EOF && ferror(f)))
        return NULL;
    s[i] = '\0';
    return s;
}

ssize_t
getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
    size_t len = 0;
    int c = 0;

    if (!line || !cap) {
        errno = EINVAL;
        return -1;
    }
    if (!*line)
        *cap = 0;
    pthread_mutex_lock(&f->lock);
    while (c != delim) {
        c = cairn_stdio_getc_locked(f);
        if (c == EOF)
            break;
        if (len + 2 > *cap) {
            size_t ncap = *cap < 64 ? 128 : *cap * 2;
            char *n = realloc(*line, ncap);

            if (!n) {
                f->flags |= FILE_ERR;
                pthread_mutex_unlock(&f->lock);
                return -1;
            }
            *line = n;
            *cap = ncap;
        }
        (*line)[len++] = (char)c;
    }
    pthread_mutex_unlock(&f->lock);
    if (len == 0 || (c == EOF && ferror(f)))
        return -1;
    (*line)[len] = '\0';
    return len > SSIZE_MAX ? SSIZE_MAX : (ssize_t)len;
}

ssize_t
getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
    return getdelim(line, cap, '\n', f);
}

int
fputc(int c, FILE *f)
{
    char ch = (char)c;
    int err;

    pthread_mutex_lock(&f->lock);
    err = cairn_stdio_write_locked(f, &ch, 1);
    pthread_mutex_unlock(&f->lock);
    return err < 0 ? EOF : (unsigned char)ch;
}

int
putc(int c, FILE *f)
{
    return fputc(c, f);
}

int
putchar(int c)
{
    return fputc(c, stdout);
}

int
fputs(const char *restrict s, FILE *restrict f)
{
    int err;

    pthread_mutex_lock(&f->lock);
    err = cairn_stdio_write_locked(f, s, strlen(s));
    pthread_mutex_unlock(&f->lock);
    return err < 0 ? EOF : 0;
}

/* The line and its newline in one call, so a line-buffered stdout writes
 * them together. */
int
puts(const char *s)
{
    int err;

    pthread_mutex_lock(&stdout->lock);
    err = stdio_to_write_locked(stdout);
    if (err == 0 && stdout->mode == _IOLBF) {
        /* Held back until the newline is in, then written as one. */
        stdout->mode = _IOFBF;
        err = cairn_stdio_write_locked(stdout, s, strlen(s));
        stdout->mode = _IOLBF;
    } else if (err == 0) {
        err = cairn_stdio_write_locked(stdout, s, strlen(s));
    }
    if (err == 0)
        err = cairn_stdio_write_locked(stdout, "\n", 1);
    pthread_mutex_unlock(&stdout->lock);
    return err < 0 ? EOF : 1;
}

/* --- position and state --- */

int
fseeko(FILE *f, off_t offset, int whence)
{
    int err = 0;

    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&f->lock);
    if (f->dir == DIR_WRITE && stdio_drain_locked(f) < 0) {
        err = -1;
    } else {
        /* SEEK_CUR counts from the stream's position, not the descriptor's. */
        if (whence == SEEK_CUR && f->dir == DIR_READ)
            offset -= (off_t)(f->rend - f->rpos) + (f->ungot >= 0 ? 1 : 0);
        f->rpos = f->rend = 0;
        f->ungot = -1;
        f->dir = DIR_NONE;
        if (lseek(f->fd, offset, whence) < 0)
            err = -1;
        else
            f->flags &= ~FILE_EOF;
    }
    pthread_mutex_unlock(&f->lock);
    return err;
}

int
fseek(FILE *f, long offset, int whence)
{
    return fseeko(f, offset, whence);
}

off_t
ftello(FILE *f)
{
    off_t pos;

    pthread_mutex_lock(&f->lock);
    pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos >= 0) {
        if (f->dir == DIR_READ)
            pos -= (off_t)(f->rend - f->rpos) + (f->ungot >= 0 ? 1 : 0);
        else if (f->dir == DIR_WRITE)
            pos += (off_t)f->wlen;
    }
    pthread_mutex_unlock(&f->lock);
    return pos < 0 ? -1 : pos;
}

long
ftell(FILE *f)
{
    return ftello(f);
}

void
rewind(FILE *f)
{
    fseeko(f, 0, SEEK_SET);
    clearerr(f);
}

int
fgetpos(FILE *restrict f, fpos_t *restrict pos)
{
    off_t p = ftello(f);

    if (p < 0)
        return -1;
    pos->pos = p;
    return 0;
}

int
fsetpos(FILE *f, const fpos_t *pos)
{
    return fseeko(f, pos->pos, SEEK_SET);
}

int
feof(FILE *f)
{
    int r;

    pthread_mutex_lock(&f->lock);
    r = (f->flags & FILE_EOF) != 0;
    pthread_mutex_unlock(&f->lock);
    return r;
}

int
ferror(FILE *f)
{
    int r;

    pthread_mutex_lock(&f->lock);
    r = (f->flags & FILE_ERR) != 0;
    pthread_mutex_unlock(&f->lock);
    return r;
}

void
clearerr(FILE *f)
{
    pthread_mutex_lock(&f->lock);
    f->flags &= ~(FILE_EOF | FILE_ERR);
    pthread_mutex_unlock(&f->lock);
}

int
fileno(FILE *f)
{
    if (f->fd < 0)
        errno = EBADF;
    return f->fd;
}

void
flockfile(FILE *f)
{
    pthread_mutex_lock(&f->lock);
}

void
funlockfile(FILE *f)
{
    pthread_mutex_unlock(&f->lock);
}

/* --- files and errors --- */

void
perror(const char *s)
{
    const char *msg = strerror(errno);

    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

int
remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    if (errno == EISDIR)
        return rmdir(path);
    return -1;
}
