/* SPDX-License-Identifier: MIT */
/*
 * sleep: waits the sum of its arguments, each a number of seconds with an
 * optional fraction (`0.25`, `.5`, `3.`), and an optional unit s, m, h or
 * d. The number is read in integer nanoseconds, so there is no rounding
 * by floating point; digits past the ninth decimal place are dropped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <util/util.h>

static const char sleep_usage[] = "Usage: sleep NUMBER[SUFFIX]...\n"
                                  "Wait the sum of the times: seconds (s, or no suffix), minutes "
                                  "(m),\nhours (h) or days (d), fractions allowed.\n";

#define NS_PER_S    1000000000ull
/* A bound far beyond any wait (136 years) that keeps every sum and
 * product below in 64 bits: 2^32 s is 4.3e18 ns, and two of them add up
 * to less than 2^64. */
#define SLEEP_MAX_S (UINT64_C(1) << 32)

static bool
sleep_parse(const char *s, uint64_t *ns)
{
    uint64_t whole = 0, frac = 0, scale = NS_PER_S / 10, mult = 1;
    bool digits = false;

    for (; *s >= '0' && *s <= '9'; s++, digits = true) {
        whole = whole * 10 + (uint64_t)(*s - '0');
        if (whole > SLEEP_MAX_S)
            return false;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
            frac += (uint64_t)(*s - '0') * scale;
            scale /= 10;
        }
    }
    if (!digits)
        return false;
    switch (*s) {
    case '\0':
    case 's':
        break;
    case 'm':
        mult = 60;
        break;
    case 'h':
        mult = 3600;
        break;
    case 'd':
        mult = 86400;
        break;
    default:
        return false;
    }
    if (*s != '\0' && s[1] != '\0')
        return false;
    if (whole * mult > SLEEP_MAX_S)
        return false;
    *ns = whole * mult * NS_PER_S + frac * mult;
    return true;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    uint64_t total = 0;
    struct timespec ts;

    util_init("sleep", sleep_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        util_usage_error(1, "missing operand");
    for (int i = opts.index; i < argc; i++) {
        uint64_t ns;

        if (!sleep_parse(argv[i], &ns))
            util_usage_error(1, "invalid time interval '%s'", argv[i]);
        total += ns;
        if (total > SLEEP_MAX_S * NS_PER_S)
            util_usage_error(1, "invalid time interval '%s'", argv[i]);
    }
    ts.tv_sec = (time_t)(total / NS_PER_S);
    ts.tv_nsec = (long)(total % NS_PER_S);
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR)
            util_exit(util_error("nanosleep", errno));
    }
    util_exit(0);
}
