// SPDX-License-Identifier: MIT
/*
 * Cairn's strtod, strtof, strtold and atof (libc/strtod.c, renamed to cl_*
 * by libc_prefix.h) against the host's, bit for bit, with the end pointer
 * and ERANGE: hand-picked strings (the syntax's corners, the limits of
 * each type, famous hard cases), random decimal strings of every length
 * and exponent, the exact halfway points between neighbouring doubles and
 * floats and the numbers just off them, mantissas of thousands of digits,
 * and random hexadecimal floats.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* --- what the code under test takes from the rest of the C library --- */

__thread int cl_errno;

/* --- the functions under test --- */

double cl_strtod(const char *s, char **end);
float cl_strtof(const char *s, char **end);
long double cl_strtold(const char *s, char **end);
double cl_atof(const char *s);

#define CL_ERANGE 7 /* Cairn's error numbers differ from the host's */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

/* The same value: the same bits, or both NaNs of the same sign. */
static bool
same_bits(const void *a, const void *b, size_t size, bool nan_a, bool nan_b)
{
    if (nan_a || nan_b)
        return nan_a && nan_b &&
               (((const unsigned char *)a)[size - 1] & 0x80) ==
                   (((const unsigned char *)b)[size - 1] & 0x80);
    return memcmp(a, b, size) == 0;
}

static int strtod_failures;

static void
report(const char *what, const char *s, const char *got, const char *want)
{
    if (strtod_failures++ < 10)
        fprintf(stderr, "  %s(\"%.120s\"): got %s, want %s\n", what, s, got, want);
}

/* All three conversions of s, compared with the host's. */
static void
compare_strtod(const char *s)
{
    char *end_host, *end_cl, got[128], want[128];
    int err_host, err_cl;

    errno = 0, cl_errno = 0;
    double d_host = strtod(s, &end_host);
    err_host = errno;
    double d_cl = cl_strtod(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&d_cl, &d_host, 8, isnan(d_cl), isnan(d_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%a end +%td%s", d_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%a end +%td%s", d_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtod", s, got, want);
        CHECK(!"strtod differs from the host's");
    }

    errno = 0, cl_errno = 0;
    float f_host = strtof(s, &end_host);
    err_host = errno;
    float f_cl = cl_strtof(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&f_cl, &f_host, 4, isnan(f_cl), isnan(f_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%a end +%td%s", f_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%a end +%td%s", f_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtof", s, got, want);
        CHECK(!"strtof differs from the host's");
    }

    errno = 0, cl_errno = 0;
    long double l_host = strtold(s, &end_host);
    err_host = errno;
    long double l_cl = cl_strtold(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&l_cl, &l_host, 10, isnan(l_cl), isnan(l_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%La end +%td%s", l_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%La end +%td%s", l_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtold", s, got, want);
        CHECK(!"strtold differs from the host's");
    }
}

TEST(strtod_syntax_matches_the_host)
{
    static const char *const fixed[] = {
        "",
        " ",
        "+",
        "-",
        ".",
        "-.",
        "+.e1",
        "1.",
        ".5",
        "-.5e-1",
        "1e",
        "1e+",
        "1e-",
        "1e-5x",
        "1E+05",
        " \t\n\v\f\r-42.5",
        "0",
        "-0",
        "+0.0e0",
        "00000.00000e99999",
        "0x",
        "0X",
        "0x1p",
        "0x1.8",
        "0X.8P1",
        "0x.p1",
        "0x.8",
        "0x1P-1",
        "0x1p+",
        "0xg",
        "-0x1.fffffffffffffp1023",
        "0x1.fffffffffffff8p1023",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.0000000000001p-1075",
        "0x0.0000000000000000000000000001p0",
        "0x123456789abcdef123456789p-3",
        "inf",
        "-INF",
        "iNfInItY",
        "infinit",
        "infinityy",
        "in",
        "nan",
        "-nan",
        "NaN()",
        "nan(abc_1)",
        "nan(",
        "nan(a b)",
        "nan(-)",
        "nanx",
        "1e400",
        "-1e400",
        "1e-400",
        "-1e-400",
        "1e99999999999999999999",
        "1e-99999999999999999999",
        "0e99999999999",
        "4.9e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "9007199254740993",
        "9007199254740992.5",
        "1e23",
        "8.988465674311579e307",
        "123456789012345678901234567890e-10",
        "3.4028235e38",
        "3.4028236e38",
        "1.4e-45",
        "7e-46",
        "7.1e-46",
        "1.17549435e-38",
        "1.1754942e-38",
        "1.18973149535723176502e4932",
        "1.18973149535723176503e4932",
        "3.6e-4951",
        "1.8e-4951",
        "1.9e-4951",
        "0.1",
        "0.2",
        "0.3",
        "3.14159265358979323846264338327950288",
        "1,5",
        "1..5",
        "--1",
        "+-1",
        "e5",
        ".e5",
    };

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        compare_strtod(fixed[i]);
    CHECK(cl_atof(" 2.5e1x") == 25.0);
}

/* Digits with a point somewhere, an exponent often near a limit. */
static void
random_decimal(char *buf, size_t cap, int max_digits)
{
    static const int limits[] = {0, 10, 38, 45, 300, 308, 323, 4930, 4950, 5000};
    size_t n = 0, digits = 1 + rng() % (size_t)max_digits;
    size_t point = rng() % (digits + 2);
    int lim;

    if (rng() % 4 == 0)
        buf[n++] = rng() % 2 ? '-' : '+';
    for (size_t i = 0; i < digits && n + 30 < cap; i++) {
        if (i == point)
            buf[n++] = '.';
        switch (rng() % 8) {
        case 0:
            buf[n++] = '0';
            break;
        case 1:
            buf[n++] = '9';
            break;
        default:
            buf[n++] = (char)('0' + rng() % 10);
            break;
        }
    }
    if (rng() % 4) {
        lim = limits[rng() % 10];
        n += (size_t)snprintf(buf + n, cap - n, "e%d",
                              (int)(rng() % 2 ? lim : -lim) + (int)(rng() % 41) - 20 -
                                  (int)(rng() % 2 ? digits : 0));
    }
    buf[n] = 0;
}

TEST(strtod_random_decimals_match_the_host)
{
    char buf[200];

    for (int i = 0; i < 150000; i++) {
        random_decimal(buf, sizeof(buf), i % 3 ? 20 : 60);
        compare_strtod(buf);
    }
}

/*
 * The exact decimal of a long double (exact: the host prints all of it),
 * written with "%.*Le" and then edited: the halfway point itself, a hair
 * above it (a 1 far past its last digit) and, from its lower neighbour, a
 * hair below.
 */
TEST(strtod_halfway_points_round_to_even_as_the_host)
{
    static char buf[6000];

    for (int i = 0; i < 8000; i++) {
        uint64_t bits = rng();
        double d, next;
        float f;
        long double mid;
        char *e;

        if (i % 3 == 0)
            bits &= 0x800fffffffffffffull; /* a subnormal */
        memcpy(&d, &bits, sizeof(d));
        if (!isfinite(d))
            continue;
        if (i % 2) {
            f = (float)d;
            mid = ((long double)f + (long double)nextafterf(f, INFINITY)) / 2;
        } else {
            next = nextafter(d, INFINITY);
            mid = ((long double)d + (long double)next) / 2;
        }
        if (!isfinite(mid))
            continue;
        snprintf(buf, sizeof(buf), "%.1100Le", mid);
        compare_strtod(buf);
        e = strchr(buf, 'e');
        memmove(e + 6, e, strlen(e) + 1);
        memcpy(e, "000001", 6);
        compare_strtod(buf);
        snprintf(buf, sizeof(buf), "%.1100Le", nextafterl(mid, 0));
        compare_strtod(buf);
    }
}

/* Mantissas longer than any digit could matter, and the one digit that does. */
TEST(strtod_long_mantissas_match_the_host)
{
    static char buf[14000];

    for (int i = 0; i < 120; i++) {
        size_t n = 0, len = 700 + rng() % 12500;

        buf[n++] = '0' + (char)(rng() % 10);
        buf[n++] = '.';
        for (size_t k = 0; k < len; k++)
            buf[n++] = rng() % 3 ? '0' + (char)(rng() % 10) : (char)('0' + 9 * (i & 1));
        if (rng() % 2) {
            /* ... then zeros, and maybe a last 1 far down. */
            size_t z = rng() % 800;

            for (size_t k = 0; k < z; k++)
                buf[n++] = '0';
            if (rng() % 2)
                buf[n++] = '1';
        }
        n += (size_t)sprintf(buf + n, "e%d", (int)(rng() % 10000) - 5000);
        buf[n] = 0;
        compare_strtod(buf);
    }
}

TEST(strtod_random_hex_floats_match_the_host)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    char buf[120];

    for (int i = 0; i < 50000; i++) {
        size_t n = 0, digits = 1 + rng() % 40, point = rng() % (digits + 2);

        if (rng() % 4 == 0)
            buf[n++] = '-';
        buf[n++] = '0';
        buf[n++] = rng() % 2 ? 'x' : 'X';
        for (size_t k = 0; k < digits; k++) {
            if (k == point)
                buf[n++] = '.';
            buf[n++] = hex[rng() % 22];
        }
        if (rng() % 5)
            n += (size_t)sprintf(buf + n, "%c%d", rng() % 2 ? 'p' : 'P',
                                 (int)(rng() % 33000) - 16500);
        buf[n] = 0;
        compare_strtod(buf);
    }
}

int
main(void)
{
    RUN(strtod_syntax_matches_the_host);
    RUN(strtod_random_decimals_match_the_host);
    RUN(strtod_halfway_points_round_to_even_as_the_host);
    RUN(strtod_long_mantissas_match_the_host);
    RUN(strtod_random_hex_floats_match_the_host);
    return check_exit();
}
