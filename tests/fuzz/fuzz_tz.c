// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for libc's TZ parser and the time-zone arithmetic over what
 * it accepts (libc/timezone.c): TZ is whatever a person or a program puts
 * in the environment. The input is eight bytes of a time, then the TZ
 * string, with a NUL added, in an exactly-sized heap block.
 *
 * Promises checked: tz_parse returns 0 or -1, and -1 leaves UTC; an
 * accepted zone has names of 3..TZ_NAME_MAX bytes of letters (or, quoted,
 * letters, digits, '+' and '-'), offsets within 24:59:59 (DST's an hour
 * more when it is the default, an hour east of standard time) and rules within
 * POSIX's ranges. For the time (kept within years -10000..10000), its
 * local time has the zone's standard or DST offset and name, and mktime
 * of those fields with their own tm_isdst gives the time back; with no
 * hint it gives a time whose local wall clock is the same unless it was
 * an hour DST skips. tzset of the string as TZ sets tzname, timezone and
 * daylight from the same zone, and UTC for a refused string.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libc/timezone.h"

__thread int cl_errno;

static const char *fuzz_tz_env;

char *
cl_getenv(const char *name)
{
    return strcmp(name, "TZ") == 0 ? (char *)fuzz_tz_env : NULL;
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
void cl_tzset(void);
extern char *cl_tzname[2];
extern long cl_timezone;
extern int cl_daylight;

#define OFFSET_MAX (24 * 3600 + 59 * 60 + 59)
#define RULE_MAX   (167 * 3600 + 59 * 60 + 59)

static bool
name_ok(const char *n)
{
    size_t len = strlen(n);

    if (len < 3 || len > TZ_NAME_MAX)
        return false;
    for (; *n; n++) {
        if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') ||
              *n == '+' || *n == '-'))
            return false;
    }
    return true;
}

static bool
rule_ok(const struct tz_rule *r)
{
    if (r->secs < -RULE_MAX || r->secs > RULE_MAX)
        return false;
    switch (r->kind) {
    case TZ_RULE_JULIAN:
        return r->day >= 1 && r->day <= 365;
    case TZ_RULE_DAY:
        return r->day >= 0 && r->day <= 365;
    case TZ_RULE_MONTH:
        return r->month >= 1 && r->month <= 12 && r->week >= 1 && r->week <= 5 && r->day >= 0 &&
               r->day <= 6;
    default:
        return false;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tz_zone z;
    struct tm local, again;
    char *s;
    int64_t raw;
    time_t t, back;
    int r;

    if (size < 8)
        return 0;
    memcpy(&raw, data, 8);
    t = (time_t)(raw % 377711769600LL); /* within years -10000..10000 */
    s = malloc(size - 8 + 1);
    memcpy(s, data + 8, size - 8);
    s[size - 8] = '\0';

    r = tz_parse(s, &z);
    FUZZ_CHECK(r == 0 || r == -1);
    if (r < 0) {
        FUZZ_CHECK(strcmp(z.std_name, "UTC") == 0 && z.std_off == 0 && !z.has_dst);
    } else {
        FUZZ_CHECK(name_ok(z.std_name) && z.std_off >= -OFFSET_MAX && z.std_off <= OFFSET_MAX);
        if (z.has_dst)
            /* DST's offset, when not given, is an hour east of standard time's. */
            FUZZ_CHECK(name_ok(z.dst_name) && z.dst_off >= -OFFSET_MAX &&
                       z.dst_off <= OFFSET_MAX + 3600 && rule_ok(&z.start) && rule_ok(&z.end));
        else
            FUZZ_CHECK(strcmp(z.dst_name, z.std_name) == 0 && z.dst_off == z.std_off);
    }
    z.std_zone = z.std_name;
    z.dst_zone = z.dst_name;

    FUZZ_CHECK(tz_localtime(&z, t, &local) == &local);
    FUZZ_CHECK(local.tm_gmtoff == (local.tm_isdst ? z.dst_off : z.std_off));
    FUZZ_CHECK(local.tm_zone == (local.tm_isdst ? z.dst_zone : z.std_zone));
    again = local;
    back = tz_mktime(&z, &again);
    FUZZ_CHECK(back == t && again.tm_hour == local.tm_hour && again.tm_isdst == local.tm_isdst);
    again = local;
    again.tm_isdst = -1;
    back = tz_mktime(&z, &again);
    FUZZ_CHECK(back != (time_t)-1 || t == -1);
    FUZZ_CHECK(back == t || again.tm_isdst != local.tm_isdst);

    fuzz_tz_env = s;
    cl_tzset();
    FUZZ_CHECK(strcmp(cl_tzname[0], z.std_name) == 0 && strcmp(cl_tzname[1], z.dst_name) == 0);
    FUZZ_CHECK(cl_timezone == -z.std_off && cl_daylight == z.has_dst);
    fuzz_tz_env = NULL;
    free(s);
    return 0;
}
