/* SPDX-License-Identifier: MIT */
/*
 * The utilities' shared code (util.h). One output buffer of UTIL_OUT_SIZE
 * bytes; it is flushed whole when full, by util_flush and by util_exit, so
 * standard output sees the utility's bytes in order and complete or a
 * message says why not. Nothing here keeps state across utilities: each
 * is its own process.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UTIL_OUT_SIZE 4096
#define UTIL_MSG_MAX  1024

static const char *util_prog = "util";
static const char *util_usage_text = "";
static char util_obuf[UTIL_OUT_SIZE];
static size_t util_olen;
static bool util_write_failed;

void
util_init(const char *name, const char *usage)
{
    util_prog = name;
    util_usage_text = usage;
}

const char *
util_name(void)
{
    return util_prog;
}

int
util_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A write to standard output failed with err. A reader that has gone
 * (EPIPE: the rest of a pipeline ended, as `head` does) wants nothing
 * more: the utility ends at once and quietly, as SIGPIPE would end it
 * (Cairn has no such signal yet), instead of reading on for ever from a
 * source that never ends. Any other error is reported once. */
static void
util_write_failure(int err)
{
    util_write_failed = true;
    if (err == EPIPE) {
        util_olen = 0;
        exit(1);
    }
    util_error("write error", err);
}

void
util_flush(void)
{
    if (util_olen > 0 && !util_write_failed && util_write_all(1, util_obuf, util_olen) < 0)
        util_write_failure(errno);
    util_olen = 0;
}

void
util_out(const void *buf, size_t len)
{
    const char *p = buf;

    if (len >= UTIL_OUT_SIZE) {
        util_flush();
        if (!util_write_failed && util_write_all(1, p, len) < 0)
            util_write_failure(errno);
        return;
    }
    if (util_olen + len > UTIL_OUT_SIZE)
        util_flush();
    memcpy(util_obuf + util_olen, p, len);
    util_olen += len;
}

void
util_outs(const char *s)
{
    util_out(s, strlen(s));
}

void
util_outc(char c)
{
    if (util_olen == UTIL_OUT_SIZE)
        util_flush();
    util_obuf[util_olen++] = c;
}

void
util_printf(const char *fmt, ...)
{
    char buf[UTIL_MSG_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* Callers format numbers and short names; a longer text is cut, never
     * overrun. Long data goes through util_out. */
    util_out(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

_Noreturn void
util_exit(int status)
{
    util_flush();
    exit(util_write_failed ? 1 : status);
}

/* Writes a message to standard error after flushing standard output, so
 * the two keep their order on a terminal. */
static void
util_message(const char *text, size_t len)
{
    util_flush();
    (void)util_write_all(2, text, len);
}

int
util_error(const char *what, int err)
{
    char buf[UTIL_MSG_MAX];
    int n = snprintf(buf, sizeof(buf), "%s: %s: %s\n", util_prog, what, strerror(err));

    if (n >= (int)sizeof(buf)) {
        n = sizeof(buf) - 1;
        buf[n - 1] = '\n';
    }
    if (n > 0)
        util_message(buf, (size_t)n);
    return 1;
}

static int
util_vfail(const char *fmt, va_list ap)
{
    char buf[UTIL_MSG_MAX];
    int n = snprintf(buf, sizeof(buf), "%s: ", util_prog);
    int m;

    if (n < 0 || n >= (int)sizeof(buf) - 1)
        return 1;
    m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return 1;
    if (m > (int)sizeof(buf) - n - 2)
        m = (int)sizeof(buf) - n - 2;
    n += m;
    buf[n++] = '\n';
    util_message(buf, (size_t)n);
    return 1;
}

int
util_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    util_vfail(fmt, ap);
    va_end(ap);
    return 1;
}

_Noreturn void
util_usage_error(int status, const char *fmt, ...)
{
    va_list ap;
    const char *nl = strchr(util_usage_text, '\n');

    va_start(ap, fmt);
    util_vfail(fmt, ap);
    va_end(ap);
    /* The usage's first line, then where the rest is. */
    util_message(util_usage_text,
                 nl ? (size_t)(nl - util_usage_text) + 1 : strlen(util_usage_text));
    util_exit(status);
}

void
util_opts_init(struct util_opts *st)
{
    st->index = 1;
    st->pos = 0;
    st->arg = NULL;
    st->bad_status = 1;
}

int
util_getopt(struct util_opts *st, int argc, char **argv, const char *spec)
{
    const char *word, *at;
    char c;

    if (st->pos == 0) {
        if (st->index >= argc)
            return -1;
        word = argv[st->index];
        if (strcmp(word, "--help") == 0) {
            util_outs(util_usage_text);
            util_exit(0);
        }
        if (strcmp(word, "--") == 0) {
            st->index++;
            return -1;
        }
        if (word[0] != '-' || word[1] == '\0')
            return -1;
        if (word[1] == '-')
            util_usage_error(st->bad_status, "unknown option '%s'", word);
        st->pos = 1;
    }
    word = argv[st->index];
    c = word[st->pos++];
    at = c != ':' ? strchr(spec, c) : NULL;
    if (at == NULL)
        util_usage_error(st->bad_status, "unknown option '-%c'", c);
    if (at[1] == ':') {
        if (word[st->pos] != '\0') {
            st->arg = (char *)word + st->pos;
        } else if (st->index + 1 < argc) {
            st->arg = argv[++st->index];
        } else {
            util_usage_error(st->bad_status, "option '-%c' needs an argument", c);
        }
        st->index++;
        st->pos = 0;
        return c;
    }
    if (word[st->pos] == '\0') {
        st->index++;
        st->pos = 0;
    }
    return c;
}

bool
util_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

bool
util_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "KMG";
    char digits[24];
    size_t n = strlen(s);
    const char *unit = n ? strchr(units, s[n - 1]) : NULL;
    unsigned shift = unit ? 10 * (unsigned)(unit - units + 1) : 0;
    uint64_t v;

    if (shift)
        n--;
    if (n == 0 || n >= sizeof(digits))
        return false;
    memcpy(digits, s, n);
    digits[n] = '\0';
    if (!util_parse_u64(digits, &v) || v > UINT64_MAX >> shift)
        return false;
    *out = v << shift;
    return true;
}

int
util_open_read(const char *path)
{
    int fd;

    if (strcmp(path, "-") == 0)
        return 0;
    fd = open(path, O_RDONLY);
    if (fd < 0)
        util_error(path, errno);
    return fd;
}

void
util_close_read(int fd)
{
    if (fd > 0)
        close(fd);
}

int
util_copy_out(int fd, const char *path)
{
    char buf[4096];

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return util_error(path, errno);
        }
        if (n == 0)
            return 0;
        util_out(buf, (size_t)n);
    }
}

void
util_lines_init(struct util_lines *l, int fd)
{
    l->fd = fd;
    l->buf = NULL;
    l->cap = l->start = l->end = 0;
    l->eof = false;
}

int
util_lines_next(struct util_lines *l, char **line, size_t *len)
{
    for (;;) {
        char *nl = l->end > l->start ? memchr(l->buf + l->start, '\n', l->end - l->start) : NULL;
        ssize_t n;

        if (nl != NULL || (l->eof && l->end > l->start)) {
            size_t stop = nl ? (size_t)(nl - l->buf) + 1 : l->end;

            *line = l->buf + l->start;
            *len = stop - l->start;
            l->start = stop;
            return 1;
        }
        if (l->eof)
            return 0;
        /* Keep the partial line at the front and make room after it. */
        if (l->start > 0) {
            memmove(l->buf, l->buf + l->start, l->end - l->start);
            l->end -= l->start;
            l->start = 0;
        }
        if (l->cap - l->end < 1024) {
            size_t cap = l->cap ? l->cap * 2 : 4096;
            char *p = cap > l->cap ? realloc(l->buf, cap) : NULL;

            if (p == NULL) {
                errno = ENOMEM;
                return -1;
            }
            l->buf = p;
            l->cap = cap;
        }
        n = read(l->fd, l->buf + l->end, l->cap - l->end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            l->eof = true;
        l->end += (size_t)n;
    }
}

void
util_lines_fini(struct util_lines *l)
{
    free(l->buf);
    l->buf = NULL;
}

int
util_read_all(int fd, char **out, size_t *len)
{
    char *buf = NULL;
    size_t cap = 0, used = 0;

    for (;;) {
        ssize_t n;

        if (cap - used < 4096) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *p = ncap > cap ? realloc(buf, ncap) : NULL;

            if (p == NULL) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
            cap = ncap;
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    *out = buf;
    *len = used;
    return 0;
}

void
util_basename(const char *path, char *out, size_t size)
{
    size_t end = strlen(path), start;

    while (end > 1 && path[end - 1] == '/')
        end--;
    start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end == 1 && path[0] == '/')
        start = 0;
    if (size == 0)
        return;
    if (end - start >= size)
        end = start + size - 1;
    memcpy(out, path + start, end - start);
    out[end - start] = '\0';
}

char *
util_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + slash + nl + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + slash, name, nl + 1);
    return p;
}

/* Days since 1970-01-01 to a civil date (the proleptic Gregorian
 * calendar's 400-year cycle, counted from March so the leap day is last). */
static void
util_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void
util_format_time(int64_t seconds, char out[32])
{
    int64_t days = seconds / 86400, rem = seconds % 86400, y;
    unsigned m, d;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    util_civil(days, &y, &m, &d);
    snprintf(out, 32, "%04lld-%02u-%02u %02u:%02u", (long long)y, m, d, (unsigned)(rem / 3600),
             (unsigned)(rem % 3600 / 60));
}

void
util_format_size(uint64_t bytes, char out[16])
{
    static const char units[] = "KMGTPE";
    uint64_t whole = bytes, tenths = 0;
    int unit = -1;

    while (whole >= 1024 && unit < 5) {
        tenths = (whole % 1024) * 10 / 1024;
        whole /= 1024;
        unit++;
    }
    /* Below 1024 of its unit (or 2^64 EiB), so each number fits 32 bits. */
    if (unit < 0)
        snprintf(out, 16, "%u", (unsigned)bytes);
    else if (whole < 10)
        snprintf(out, 16, "%u.%u%c", (unsigned)whole, (unsigned)tenths, units[unit]);
    else
        snprintf(out, 16, "%u%c", (unsigned)whole, units[unit]);
}

int
util_each_into_target(int argc, char **argv, int first, int (*fn)(const char *from, const char *to))
{
    int nsrc = argc - first - 1, status = 0;
    const char *target;
    struct stat st;
    bool into_dir;

    if (nsrc < 1)
        util_usage_error(1, nsrc < 0 ? "missing file operand" : "missing destination operand");
    target = argv[argc - 1];
    into_dir = stat(target, &st) == 0 && S_ISDIR(st.st_mode);
    if (nsrc > 1 && !into_dir)
        util_exit(util_fail("target '%s' is not a directory", target));
    for (int i = first; i < argc - 1; i++) {
        char base[256], *to;

        if (!into_dir) {
            status |= fn(argv[i], target);
            continue;
        }
        util_basename(argv[i], base, sizeof(base));
        to = util_path_join(target, base);
        if (to == NULL)
            util_exit(util_error(argv[i], ENOMEM));
        status |= fn(argv[i], to);
        free(to);
    }
    return status;
}

int
util_copy_fd(int in, const char *from, int out, const char *to)
{
    char buf[8192];
    int status = 0;

    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            status = util_error(from, errno);
            break;
        }
        if (n == 0)
            break;
        if (util_write_all(out, buf, (size_t)n) < 0) {
            status = util_error(to, errno);
            break;
        }
    }
    if (close(out) < 0 && status == 0)
        status = util_error(to, errno);
    return status;
}
