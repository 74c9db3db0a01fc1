// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for libc's sscanf (libc/scanf.c), which reads text a program
 * got from anywhere. The first input byte picks one of a table of formats
 * (every conversion, widths, lengths, *, %n, scansets); the rest, with a
 * NUL added, is the string read, in an exactly-sized heap block so that a
 * read past its end is an ASan report. The result must be the host's: the
 * count returned, every byte stored and the %n count.
 */
#define _GNU_SOURCE /* the recursive mutex initializer */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* --- what the code under test takes from the rest of the C library --- */

__thread int cl_errno;
void (*cairn_exit_flush)(void);
static pthread_mutex_t host_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
struct cl_mutex;

int
cl_pthread_mutex_lock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_lock(&host_mutex);
}

int
cl_pthread_mutex_unlock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_unlock(&host_mutex);
}

int
cl_pthread_mutex_trylock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_trylock(&host_mutex);
}

int
cl_pthread_mutex_init(struct cl_mutex *m, const void *attr)
{
    (void)m, (void)attr;
    return 0;
}

void *
cl_malloc(size_t n)
{
    return malloc(n);
}

void *
cl_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void *
cl_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

void
cl_free(void *p)
{
    free(p);
}

int
cl_open(const char *path, int flags, ...)
{
    (void)path, (void)flags;
    return -1;
}

int
cl_fcntl(int fd, int cmd, ...)
{
    (void)fd, (void)cmd;
    return -1;
}

int cl_sscanf(const char *s, const char *fmt, ...);

/* Each takes at most two pointers, to 16 bytes each, then %n's. */
static const char *const formats[] = {
    "%d%n",        "%i%n",    "%u%n",      "%o%n",      "%x%n",      "%5d%n",     "%2i%n",
    "%hhd%n",      "%hd%n",   "%ld%n",     "%lld%n",    "%jd%n",     "%zu%n",     "%llx%n",
    "%lf%n",       "%f%n",    "%Lf%n",     "%le%n",     "%lg%n",     "%la%n",     "%4lf%n",
    "%2lf%n",      "%s%n",    "%5s%n",     "%c%n",      "%3c%n",     "%[a-z]%n",  "%[^,]%n",
    "%[]a]%n",     "%[-a]%n", "%*d %d%n",  "%d,%d%n",   " %d %d%n",  "%%%d%n",    "a%db%n",
    "%d %s%n",     "%3s%d%n", "%lf,%lf%n", "%*s %s%n",  "%1[0-9]%n", "%x %lld%n", "%*c%c%n",
    "%hhu %hhx%n", "%s %c%n", "%ld.%ld%n", "%*[ ]%s%n", "%2c%d%n",   "%3i%n",     "%1lf%n",
    "%3lf%n",      "%5lf%n",  "%10lf%n",   "%Le%n",     "%La%n",     "%e%n",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    union {
        long long i[4];
        long double ld[2];
        char s[64];
    } a, b;
    int na, nb, pos_a = -7, pos_b = -7;
    const char *fmt;
    char *s;

    if (size < 1 || size > 40) /* the destinations hold 64 bytes */
        return 0;
    fmt = formats[data[0] % (sizeof(formats) / sizeof(formats[0]))];
    s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    memset(&a, 0x5a, sizeof(a));
    memset(&b, 0x5a, sizeof(b));
    a.s[63] = b.s[63] = 0;
    na = cl_sscanf(s, fmt, &a.i[0], &a.i[2], &pos_a);
    nb = sscanf(s, fmt, &b.i[0], &b.i[2], &pos_b);
    if (na != nb || memcmp(&a, &b, sizeof(a)) != 0 || pos_a != pos_b)
        fprintf(stderr, "sscanf(\"%s\", \"%s\"): got %d (n %d), host %d (n %d)\n", s, fmt, na,
                pos_a, nb, pos_b);
    FUZZ_CHECK(na == nb);
    FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
    FUZZ_CHECK(pos_a == pos_b);
    free(s);
    return 0;
}
