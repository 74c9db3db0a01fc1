// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for libc's strftime and calendar (libc/strftime.c,
 * libc/calendar.c), which format what a person types (`date +FORMAT`) and
 * whatever fields a program puts in a struct tm. The input is nine ints of
 * a struct tm (tm_gmtoff 0, tm_zone NULL: a struct filled by hand), a buffer size (0..255), then the format, with a NUL added,
 * in an exactly-sized heap block; the output buffer is exactly that size
 * too, so ASan sees any byte read or written past either.
 *
 * Promises checked: strftime returns less than the size, and when it
 * returns n > 0 the buffer holds n bytes and a NUL; with a buffer of 256
 * and the fields of a time of the years 1000..9999 (from the input's
 * first eight bytes), a format of C99's conversions alone (no glibc flags
 * or widths, no %Z) prints what glibc prints (TZ=UTC). timegm of any fields returns -1 or a time
 * that gmtime_r turns back into the normalised fields; asctime_r never
 * writes past its 26 bytes.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

__thread int cl_errno;

struct cl_tm {
    int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
    long tm_gmtoff;
    const char *tm_zone;
};

/* The code under test's environment (TZ unset: UTC) and its lock. */
char *
cl_getenv(const char *name)
{
    (void)name;
    return NULL;
}
int
cl_pthread_mutex_lock(void *m)
{
    (void)m;
    return 0;
}
int
cl_pthread_mutex_unlock(void *m)
{
    (void)m;
    return 0;
}
size_t cl_strftime(char *s, size_t max, const char *fmt, const struct cl_tm *tm);
struct cl_tm *cl_gmtime_r(const long *t, struct cl_tm *out);
long cl_timegm(struct cl_tm *tm);
char *cl_asctime_r(const struct cl_tm *tm, char *buf);

#define HEAD (9 * 4 + 1)

/* Only conversions both libraries read the same way, each after a '%'. */
static bool
format_is_plain(const char *f)
{
    for (; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == 'E' && f[1] && strchr("cCxXyY", f[1]))
            f++;
        else if (*f == 'O' && f[1] && strchr("bBdehHImMSuUVwWy", f[1]))
            f++;
        if (!*f || !strchr("aAbBcCdDeFgGhHIjmMnprRsStTuUVwWxXyYz%", *f))
            return false;
    }
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool tz_set;
    struct cl_tm tm, norm;
    size_t max, n;
    char *fmt, *out, asc[26];
    long t;

    if (size < HEAD)
        return 0;
    if (!tz_set) {
        setenv("TZ", "UTC", 1);
        tzset();
        tz_set = true;
    }
    memset(&tm, 0, sizeof(tm));
    memcpy(&tm, data, 9 * sizeof(int));
    max = data[36];
    fmt = malloc(size - HEAD + 1);
    memcpy(fmt, data + HEAD, size - HEAD);
    fmt[size - HEAD] = '\0';
    out = malloc(max ? max : 1);

    /* Any fields at all, any size. */
    n = cl_strftime(out, max, fmt, &tm);
    FUZZ_CHECK(max == 0 ? n == 0 : n < max);
    if (n > 0)
        FUZZ_CHECK(out[n] == '\0' && strlen(out) == n);
    cl_asctime_r(&tm, asc);
    norm = tm;
    t = cl_timegm(&norm);
    if (t != -1) {
        struct cl_tm back;

        FUZZ_CHECK(cl_gmtime_r(&t, &back) && memcmp(&back, &norm, 9 * sizeof(int)) == 0);
    }

    /* A real time's fields against glibc. */
    memcpy(&t, data, sizeof(t));
    t = (long)((unsigned long)t % (253402300800UL + 30610224000UL)) - 30610224000L; /* 1000..9999 */
    if (format_is_plain(fmt) && cl_gmtime_r(&t, &tm)) {
        struct tm h;
        char a[256], b[256];
        size_t na, nb;

        gmtime_r(&t, &h);
        na = cl_strftime(a, sizeof(a), fmt, &tm);
        nb = strftime(b, sizeof(b), fmt, &h);
        FUZZ_CHECK(na == nb);
        if (na > 0)
            FUZZ_CHECK(strcmp(a, b) == 0);
    }
    free(out);
    free(fmt);
    return 0;
}
