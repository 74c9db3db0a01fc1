// SPDX-License-Identifier: MIT
/*
 * Host tests for common/printf.c, reached as common_vsnprintf and
 * common_snprintf (common/names.h). Most cases are compared with the host
 * snprintf: a table of hand-picked formats (every conversion, length
 * modifier and flag, the corner cases of precision 0 and '#') and a few
 * thousand random specifications. The places where it differs from
 * libc on purpose (%p of NULL, unknown conversions, field caps) and the
 * truncation rules are checked against fixed expected strings.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/printf.h"

/* Unchecked wrappers, so formats can be built at run time or be invalid. */
static int
kfmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = common_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int
libc_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static bool
same_output(const char *fmt, int got_n, const char *got, int want_n, const char *want)
{
    if (got_n == want_n && strcmp(got, want) == 0)
        return true;
    fprintf(stderr, "  format \"%s\": got %d \"%s\", want %d \"%s\"\n", fmt, got_n, got, want_n,
            want);
    return false;
}

/*
 * Formats the same arguments with both printfs and compares the results. It
 * goes through the unchecked wrappers because several formats here are
 * deliberately odd (flags that C says to ignore) and gcc would reject them.
 */
#define SAME(fmt, ...)                                                    \
    do {                                                                  \
        char got_[512], want_[512];                                       \
        int got_n_ = kfmt(got_, sizeof(got_), fmt, ##__VA_ARGS__);        \
        int want_n_ = libc_fmt(want_, sizeof(want_), fmt, ##__VA_ARGS__); \
        CHECK(same_output(fmt, got_n_, got_, want_n_, want_));            \
    } while (0)

/* Formats with common/printf.c and compares with a fixed expected string. */
#define EXPECT(want, fmt, ...)                                          \
    do {                                                                \
        char got_[512];                                                 \
        int got_n_ = kfmt(got_, sizeof(got_), fmt, ##__VA_ARGS__);      \
        CHECK(same_output(fmt, got_n_, got_, (int)strlen(want), want)); \
    } while (0)

TEST(printf_plain_text_and_percent_match_libc)
{
    SAME("hello");
    SAME("100%% sure");
    SAME("%%%%");
    SAME("%c%c%c", 'a', 'b', 'c');
    EXPECT("", "");
}

TEST(printf_decimal_conversions_match_libc)
{
    int ints[] = {0, 1, -1, 9, 10, 42, -42, 12345, -99999, INT_MAX, INT_MIN};

    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        int v = ints[i];
        SAME("%d", v);
        SAME("%i", v);
        SAME("[%5d]", v);
        SAME("[%-5d]", v);
        SAME("[%05d]", v);
        SAME("[%+d]", v);
        SAME("[% d]", v);
        SAME("[%+ d]", v);
        SAME("[% 08d]", v);
        SAME("[%+08d]", v);
        SAME("[%-08d]", v);
        SAME("[%.3d]", v);
        SAME("[%.0d]", v);
        SAME("[%8.3d]", v);
        SAME("[%-8.3d]", v);
        SAME("[%08.3d]", v); /* precision disables the 0 flag */
        SAME("[%+.0d]", v);
        SAME("[%.12i]", v);
        SAME("[%.d]", v);
        SAME("[%u]", (unsigned)v);
        SAME("[%12u]", (unsigned)v);
        SAME("[%012u]", (unsigned)v);
        SAME("[%.0u]", (unsigned)v);
    }
}

TEST(printf_hex_and_octal_conversions_match_libc)
{
    unsigned vals[] = {0, 1, 7, 8, 15, 16, 255, 0xdeadbeef, 0x80000000u, UINT_MAX};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        unsigned v = vals[i];
        SAME("%x %X %o", v, v, v);
        SAME("[%#x] [%#X] [%#o]", v, v, v);
        SAME("[%10x] [%-10X] [%010o]", v, v, v);
        SAME("[%#10x] [%#-10X] [%#010o]", v, v, v);
        SAME("[%#010x] [%#010X]", v, v);
        SAME("[%.0x] [%.0X] [%.0o]", v, v, v);
        SAME("[%#.0x] [%#.0o]", v, v); /* '#' keeps a lone 0 for octal only */
        SAME("[%.5x] [%#.5x] [%#.5o] [%#.1o]", v, v, v, v);
        SAME("[%#12.5x] [%#-12.5o]", v, v);
        SAME("[%+x] [% o]", v, v); /* sign flags mean nothing for unsigned */
    }
}

TEST(printf_length_modifiers_match_libc)
{
    SAME("%hhd %hhd %hhd", 127, 128, -129); /* narrowed to signed char */
    SAME("%hhu %hhx %hho", 255, 256 + 0xab, 511);
    SAME("%hd %hd %hu %hx", 32767, 32768, 70000, 0x12345);
    SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
    SAME("%lld %llu %llx %llo", LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL, ULLONG_MAX);
    SAME("%lli %lli", LLONG_MAX, -1LL);
    SAME("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)0x1000, (ssize_t)-5);
    SAME("%td %tu %tx", (ptrdiff_t)-77, (ptrdiff_t)77, (ptrdiff_t)0x77);
    SAME("%jd %ju %jx %jo", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xabc, (uintmax_t)8);
    SAME("[%#20llx] [%-+25lld] [%030llu]", 0x1234ULL, -12345678901LL, 98765432109ULL);
    SAME("[%.20lld] [%#.25llo]", LLONG_MIN, ULLONG_MAX);
}

TEST(printf_star_width_and_precision_match_libc)
{
    SAME("[%*d]", 6, 42);
    SAME("[%*d]", -6, 42); /* negative width: left-justify */
    SAME("[%-*d]", -6, 42);
    SAME("[%.*d]", 4, 42);
    SAME("[%.*d]", -4, 42); /* negative precision: as if absent */
    SAME("[%0*.*d]", 8, -1, 42);
    SAME("[%*.*s]", 10, 3, "abcdef");
    SAME("[%-*.*s]", 10, 3, "abcdef");
    SAME("[%*c]", -4, 'z');
    SAME("[%*x|%*X]", 5, 0xabu, 3, 0xcdu);
}

TEST(printf_strings_and_chars_match_libc)
{
    const char *s = "cairn";
    char unterminated[3] = {'x', 'y', 'z'};

    SAME("%s", s);
    SAME("[%10s] [%-10s] [%.2s] [%.0s] [%.9s]", s, s, s, s, s);
    SAME("[%8.3s] [%-8.3s]", s, s);
    SAME("[%s]", "");
    SAME("[%5s]", "");
    SAME("[%c] [%3c] [%-3c]", 'q', 'r', 's');
    SAME("%c", '\xe9');
    SAME("[%.3s]", unterminated); /* precision: reads no further than 3 bytes */
}

/* A %c of 0 produces a real NUL byte that counts towards the length. */
TEST(printf_char_zero_is_emitted)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    CHECK(common_snprintf(buf, sizeof(buf), "a%cb", 0) == 3);
    CHECK(buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b' && buf[3] == '\0');
}

TEST(printf_pointer_prints_0x_lowercase_hex)
{
    int x;
    char got[64], want[64];

    common_snprintf(got, sizeof(got), "%p", (void *)&x);
    snprintf(want, sizeof(want), "0x%lx", (unsigned long)(uintptr_t)&x);
    CHECK(strcmp(got, want) == 0);
    SAME("[%p]", (void *)&x);
    SAME("[%30p] [%-30p]", (void *)&x, (void *)&x);
    EXPECT("0xdeadbeef", "%p", (void *)0xDEADBEEFUL);
    EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    EXPECT("0x0", "%p", (void *)0); /* glibc says "(nil)"; common/ keeps the 0x form */
    EXPECT("[     0x0]", "[%8p]", (void *)0);
}

TEST(printf_null_string_prints_null)
{
    EXPECT("(null)", "%s", (char *)NULL);
    EXPECT("[  (null)]", "[%8s]", (char *)NULL);
    EXPECT("[(nu]", "[%.3s]", (char *)NULL);
}

TEST(printf_unknown_conversions_are_printed_literally)
{
    EXPECT("%y", "%y");
    EXPECT("a%yb", "a%yb");
    EXPECT("[%-5k] 7", "[%-5k] %d", 7); /* no argument consumed by %k */
    EXPECT("%n 3", "%n %d", 3);         /* %n is never honoured */
    EXPECT("%hf 1", "%hf %d", 1);       /* h, hh, z, t, j do not go with %f */
    EXPECT("%Lx 2", "%Lx %d", 2);       /* nor L with the integers */
    EXPECT("abc%", "abc%");             /* format ends after the % */
    EXPECT("abc%-08.", "abc%-08.");     /* ... or inside a specification */
    EXPECT("abc%ll", "abc%ll");
    EXPECT("%%", "%%%%");
}

TEST(printf_width_and_precision_are_capped)
{
    static char big[PRINTF_MAX_FIELD * 3];

    CHECK(kfmt(NULL, 0, "%99999999999999999999d", 1) == PRINTF_MAX_FIELD);
    CHECK(kfmt(NULL, 0, "%.99999999999d", 1) == PRINTF_MAX_FIELD);
    CHECK(kfmt(NULL, 0, "%*d", INT_MIN, 1) == PRINTF_MAX_FIELD);
    CHECK(kfmt(big, sizeof(big), "%*d|", INT_MAX, 5) == PRINTF_MAX_FIELD + 1);
    CHECK(big[PRINTF_MAX_FIELD - 1] == '5' && big[PRINTF_MAX_FIELD] == '|');
    CHECK(big[0] == ' ');
}

TEST(printf_truncation_returns_full_length_and_terminates)
{
    char buf[16];
    const char *want = "value=12345";
    int len = (int)strlen(want);

    /* Size 0: nothing is written, not even the terminator. */
    memset(buf, '#', sizeof(buf));
    CHECK(common_snprintf(buf, 0, "value=%d", 12345) == len);
    CHECK(buf[0] == '#');
    CHECK(common_snprintf(NULL, 0, "value=%d", 12345) == len);

    for (size_t size = 1; size < sizeof(buf); size++) {
        memset(buf, '#', sizeof(buf));
        CHECK(common_snprintf(buf, size, "value=%d", 12345) == len);
        size_t stored = size - 1 < (size_t)len ? size - 1 : (size_t)len;
        CHECK(memcmp(buf, want, stored) == 0);
        CHECK(buf[stored] == '\0');
        for (size_t i = stored + 1; i < sizeof(buf); i++)
            CHECK(buf[i] == '#'); /* nothing past the terminator */
    }

    /* Exact fit: len + 1 bytes hold it all; len bytes lose the last char. */
    memset(buf, '#', sizeof(buf));
    CHECK(common_snprintf(buf, (size_t)len + 1, "value=%d", 12345) == len);
    CHECK(strcmp(buf, want) == 0);
    CHECK(common_snprintf(buf, (size_t)len, "value=%d", 12345) == len);
    CHECK(strcmp(buf, "value=1234") == 0);

    /* Padding and prefixes are cut at the same boundary as digits. */
    memset(buf, '#', sizeof(buf));
    CHECK(common_snprintf(buf, 5, "%#10x", 0xab) == 10);
    CHECK(strcmp(buf, "    ") == 0);
    CHECK(common_snprintf(buf, 1, "%s", "abc") == 3 && buf[0] == '\0');
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

/* Values spread over every magnitude, with the extremes overrepresented. */
static uint64_t
rng_value(void)
{
    switch (rng() % 6) {
    case 0:
        return 0;
    case 1:
        return UINT64_MAX - rng() % 3;
    case 2:
        return (uint64_t)INT64_MIN + rng() % 3;
    default:
        return rng() >> (rng() % 64);
    }
}

/* Builds one random integer specification; returns how many '*' it has. */
static int
random_int_spec(char *spec, char *conv, int *length)
{
    static const char convs[] = "diuxXo";
    static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    int stars = 0;
    char *p = spec;

    *conv = convs[rng() % 6];
    *length = (int)(rng() % 8);
    *p++ = '%';
    if (rng() % 3 == 0)
        *p++ = '-';
    if (rng() % 3 == 0)
        *p++ = '0';
    if (rng() % 4 == 0)
        *p++ = '+';
    if (rng() % 4 == 0)
        *p++ = ' ';
    if (*conv != 'd' && *conv != 'i' && *conv != 'u' && rng() % 2 == 0)
        *p++ = '#';
    switch (rng() % 3) {
    case 0:
        break;
    case 1:
        p += sprintf(p, "%d", (int)(rng() % 30));
        break;
    case 2:
        *p++ = '*';
        stars++;
        break;
    }
    switch (rng() % 4) {
    case 0:
        break;
    case 1:
        p += sprintf(p, ".%d", (int)(rng() % 25));
        break;
    case 2:
        *p++ = '.';
        break;
    case 3:
        p += sprintf(p, ".*");
        stars++;
        break;
    }
    p += sprintf(p, "%s%c", lengths[*length], *conv);
    *p = 0;
    return stars;
}

#define FUZZ_CALL(value)                                                \
    do {                                                                \
        if (stars == 0) {                                               \
            got_n = kfmt(got, sizeof(got), spec, value);                \
            want_n = libc_fmt(want, sizeof(want), spec, value);         \
        } else if (stars == 1) {                                        \
            got_n = kfmt(got, sizeof(got), spec, s1, value);            \
            want_n = libc_fmt(want, sizeof(want), spec, s1, value);     \
        } else {                                                        \
            got_n = kfmt(got, sizeof(got), spec, s1, s2, value);        \
            want_n = libc_fmt(want, sizeof(want), spec, s1, s2, value); \
        }                                                               \
    } while (0)

TEST(printf_random_integer_specs_match_libc)
{
    for (int iter = 0; iter < 20000; iter++) {
        char spec[64], got[256], want[256], conv;
        int length, got_n = 0, want_n = 0;
        int stars = random_int_spec(spec, &conv, &length);
        int s1 = (int)(rng() % 41) - 20, s2 = (int)(rng() % 30) - 5;
        uint64_t v = rng_value();
        bool sgn = conv == 'd' || conv == 'i';

        switch (length) {
        case 0:
            if (sgn)
                FUZZ_CALL((int)v);
            else
                FUZZ_CALL((unsigned)v);
            break;
        case 1:
        case 2:
            /* hh and h take an int and narrow it themselves. */
            FUZZ_CALL((int)v);
            break;
        case 3:
            if (sgn)
                FUZZ_CALL((long)v);
            else
                FUZZ_CALL((unsigned long)v);
            break;
        case 4:
            if (sgn)
                FUZZ_CALL((long long)v);
            else
                FUZZ_CALL((unsigned long long)v);
            break;
        case 5:
            FUZZ_CALL((size_t)v);
            break;
        case 6:
            FUZZ_CALL((ptrdiff_t)v);
            break;
        default:
            if (sgn)
                FUZZ_CALL((intmax_t)v);
            else
                FUZZ_CALL((uintmax_t)v);
            break;
        }
        CHECK(same_output(spec, got_n, got, want_n, want));
    }
}

TEST(printf_random_string_specs_match_libc)
{
    static const char *const strs[] = {"", "a", "kernel", "a longer string, with spaces"};

    for (int iter = 0; iter < 5000; iter++) {
        char spec[64], got[256], want[256], *p = spec;
        int got_n, want_n;
        const char *s = strs[rng() % 4];
        bool is_char = rng() % 4 == 0;

        *p++ = '%';
        if (rng() % 2)
            *p++ = '-';
        if (rng() % 2)
            p += sprintf(p, "%d", (int)(rng() % 40));
        if (!is_char && rng() % 2)
            p += sprintf(p, ".%d", (int)(rng() % 40));
        *p++ = is_char ? 'c' : 's';
        *p = 0;
        if (is_char) {
            int c = 'A' + (int)(rng() % 26);
            got_n = kfmt(got, sizeof(got), spec, c);
            want_n = libc_fmt(want, sizeof(want), spec, c);
        } else {
            got_n = kfmt(got, sizeof(got), spec, s);
            want_n = libc_fmt(want, sizeof(want), spec, s);
        }
        CHECK(same_output(spec, got_n, got, want_n, want));
    }
}

/* The same random formats, cut at every size: length and prefix must agree. */
TEST(printf_random_truncation_matches_libc)
{
    for (int iter = 0; iter < 2000; iter++) {
        char spec[64], got[64], want[64], conv;
        int length;
        random_int_spec(spec, &conv, &length);
        if (strchr(spec, '*'))
            continue;
        long long v = (long long)rng_value();
        size_t size = rng() % 40;
        char fmt[80];

        /* Keep only flags, width and precision; force the ll length. */
        char *end = spec + strcspn(spec, "hljztdiuxXo");
        snprintf(fmt, sizeof(fmt), "<%.*sll%c>", (int)(end - spec), spec, conv);
        memset(got, '#', sizeof(got));
        memset(want, '#', sizeof(want));
        int got_n = kfmt(size ? got : NULL, size, fmt, v);
        int want_n = libc_fmt(size ? want : NULL, size, fmt, v);
        CHECK(got_n == want_n);
        CHECK(memcmp(got, want, sizeof(got)) == 0);
    }
}

/* --- floating point: compared with the host's printf, byte for byte --- */

#define FLOAT_BUF 12000 /* LDBL_MAX's 4933 integer digits and a 4096-digit fraction */

static char *float_got, *float_want;

/*
 * The one place common/printf.c means to differ from glibc: %#g of a value
 * whose rounding carries it to 10^P (999999.5 with P = 6). C11 7.21.6.1
 * asks for the %e form with P - 1 digits after the point, "1.00000e+06";
 * glibc 2.36 prints "1.e+06". True when fmt is such a case.
 */
static bool
glibc_alt_g_differs(const char *fmt, int stars, int s1, int s2, long double v)
{
    const char *conv = fmt + strcspn(fmt, "gG"), *dot = strchr(fmt, '.');
    int p = 6, x_before, x_after;
    char buf[80];

    if (!*conv || !strchr(fmt, '#') || v != v || v == 0 || v - v != 0)
        return false;
    if (dot && dot[1] == '*')
        p = stars == 2 ? s2 : s1;
    else if (dot)
        p = atoi(dot + 1);
    if (p < 0)
        p = 6;
    if (p == 0)
        p = 1;
    if (p > 60)
        return false;
    snprintf(buf, sizeof(buf), "%.60Le", v);
    x_before = atoi(strchr(buf, 'e') + 1);
    snprintf(buf, sizeof(buf), "%.*Le", p - 1, v);
    x_after = atoi(strchr(buf, 'e') + 1);
    return x_before < p && x_after >= p;
}

/* Formats one value with both printfs; v is a double or, with is_long, a long double. */
static bool
same_float_one(const char *fmt, int stars, int s1, int s2, bool is_long, double d, long double ld)
{
    int got_n, want_n;

    if (is_long) {
        if (stars == 0) {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, ld);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, ld);
        } else if (stars == 1) {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, s1, ld);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, s1, ld);
        } else {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, s1, s2, ld);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, s1, s2, ld);
        }
    } else {
        if (stars == 0) {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, d);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, d);
        } else if (stars == 1) {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, s1, d);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, s1, d);
        } else {
            got_n = kfmt(float_got, FLOAT_BUF, fmt, s1, s2, d);
            want_n = libc_fmt(float_want, FLOAT_BUF, fmt, s1, s2, d);
        }
    }
    if (got_n == want_n && strcmp(float_got, float_want) == 0)
        return true;
    if (glibc_alt_g_differs(fmt, stars, s1, s2, is_long ? ld : d))
        return true;
    fprintf(stderr, "  format \"%s\" (%d, %d) of %a / %La: got %d \"%.200s\", want %d \"%.200s\"\n",
            fmt, s1, s2, d, ld, got_n, float_got, want_n, float_want);
    return false;
}

static bool
same_double(const char *fmt, double d)
{
    return same_float_one(fmt, 0, 0, 0, false, d, 0);
}

static bool
same_long_double(const char *fmt, long double ld)
{
    return same_float_one(fmt, 0, 0, 0, true, 0, ld);
}

static double
double_from_bits(uint64_t bits)
{
    double d;

    memcpy(&d, &bits, sizeof(d));
    return d;
}

/* A long double from its exponent field and mantissa, with the integer bit
 * set as a valid encoding has it (clear for zero and the subnormals). */
static long double
long_double_from(unsigned sign_exp, uint64_t mant)
{
    long double ld = 0;
    unsigned char b[sizeof(long double)] = {0};

    if ((sign_exp & 0x7fff) == 0)
        mant &= ~(1ull << 63);
    else
        mant |= 1ull << 63;
    memcpy(b, &mant, 8);
    b[8] = (unsigned char)sign_exp;
    b[9] = (unsigned char)(sign_exp >> 8);
    memcpy(&ld, b, 10);
    return ld;
}

static const char *const float_formats[] = {
    "%f",          "%F",      "%e",       "%E",        "%g",        "%G",          "%a",
    "%A",          "[%.0f]",  "[%.1f]",   "[%.2f]",    "[%.3e]",    "[%.0e]",      "[%.0g]",
    "[%.1g]",      "[%.2g]",  "[%#.0f]",  "[%#.0e]",   "[%#g]",     "[%#.3g]",     "[%#a]",
    "[%#.0a]",     "[%.0a]",  "[%.1a]",   "[%.3a]",    "[%.13a]",   "[%.20a]",     "[%+f]",
    "[% e]",       "[%+ g]",  "[%012f]",  "[%-12e|]",  "[%012a]",   "[%-+15.4g|]", "[%015.3E]",
    "[% 020.10f]", "[%.17g]", "[%.20e]",  "[%.40f]",   "[%30.20g]", "[%-30a|]",    "[%.60g]",
    "[%.100e]",    "[%5.0f]", "[%#5.0f]", "[%#08.0e]",
};

TEST(printf_alt_g_keeps_its_zeros_when_rounding_carries)
{
    EXPECT("1.00000e+06", "%#g", 999999.5);
    EXPECT("1.00e+03", "%#.3g", 999.5);
    EXPECT("10.0000", "%#g", 9.9999995);
    EXPECT("1.e+01", "%#.1g", 9.5);
    EXPECT("1e+06", "%g", 999999.5);
}

TEST(printf_float_special_values_match_libc)
{
    static const double vals[] = {0.0,
                                  -0.0,
                                  1.0,
                                  -1.0,
                                  0.5,
                                  1.5,
                                  2.5,
                                  0.125,
                                  0.1,
                                  1e-5,
                                  1e-4,
                                  9.9999e-5,
                                  123456.0,
                                  999999.5,
                                  9.5,
                                  99.5,
                                  0.05,
                                  0.95,
                                  1e15,
                                  1e16,
                                  1e17,
                                  1e22,
                                  1e23,
                                  3.14159265358979,
                                  DBL_MAX,
                                  -DBL_MAX,
                                  DBL_MIN,
                                  DBL_TRUE_MIN,
                                  DBL_MIN - DBL_TRUE_MIN,
                                  DBL_EPSILON,
                                  (double)(1ull << 53),
                                  18446744073709551616.0,
                                  HUGE_VAL,
                                  -HUGE_VAL,
                                  NAN,
                                  -NAN};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        for (size_t f = 0; f < sizeof(float_formats) / sizeof(float_formats[0]); f++)
            CHECK(same_double(float_formats[f], vals[i]));
}

TEST(printf_long_double_special_values_match_libc)
{
    static const long double vals[] = {0.0L,     -0.0L,         1.0L,      0.5L,         2.5L,
                                       0.1L,     1e-5L,         1e4000L,   1e-4000L,     LDBL_MAX,
                                       LDBL_MIN, LDBL_TRUE_MIN, DBL_MAX,   DBL_TRUE_MIN, 0xf.8p0L,
                                       0x8.8p0L, 0xf.f8p0L,     HUGE_VALL, -HUGE_VALL,   NAN};
    static const char *const fmts[] = {
        "%Lf",     "%Le",       "%Lg",           "%La",         "[%.0Lf]", "[%.3Le]", "[%.0La]",
        "[%.1La]", "[%#.20Lg]", "[%-+30.25La|]", "[%030.10Le]", "%.30Lf",  "%lf"};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
            if (strcmp(fmts[f], "%lf") == 0)
                CHECK(same_double(fmts[f], (double)vals[i]));
            else
                CHECK(same_long_double(fmts[f], vals[i]));
        }
}

/* Halfway cases: exact binary fractions cut right at a 5. */
TEST(printf_float_rounds_half_to_even_on_the_exact_value)
{
    char fmt[32];

    for (int k = 0; k < 200; k++) {
        CHECK(same_double("%.0f", k + 0.5));
        CHECK(same_double("%.0e", (k + 0.5) * 10));
        CHECK(same_double("%.1f", k / 4.0 + 0.125 / 2)); /* x.x25 and x.x75 are not ties */
        snprintf(fmt, sizeof(fmt), "%%.%df", k % 60);
        CHECK(same_double(fmt, ldexp(2 * k + 1, -(k % 60) - 1)));
        CHECK(same_double("%.2f", k / 8.0));
        CHECK(same_double("%.3g", k * 0.0125));
        CHECK(same_double("%.1a", 1.0 + k / 256.0));
    }
}

/* The exact expansion, all of it: every digit of the extremes. */
TEST(printf_float_prints_whole_expansions_at_large_precision)
{
    static const double vals[] = {DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 0.1, 1.0 / 3, 1e300, 1e-300};
    static const long double lvals[] = {LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN, 0.1L, 1e-4900L};
    static const char *const fmts[] = {"%.1100f", "%.800e",   "%.4096f", "%.4096e",
                                       "%.4096g", "%#.4096g", "%.1500g"};
    static const char *const lfmts[] = {"%.4096Lf", "%.4096Le", "%.4096Lg", "%.3000Lg"};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
            CHECK(same_double(fmts[f], vals[i]));
    for (size_t i = 0; i < sizeof(lvals) / sizeof(lvals[0]); i++)
        for (size_t f = 0; f < sizeof(lfmts) / sizeof(lfmts[0]); f++)
            CHECK(same_long_double(lfmts[f], lvals[i]));
}

/* Random bits: mostly any pattern, often a subnormal, a value near 1, an
 * integer or a short decimal (where the rounding ties are). */
static double
rng_double(void)
{
    switch (rng() % 8) {
    case 0:
        return double_from_bits((rng() & ((1ull << 52) - 1)) | (rng() & 1ull << 63));
    case 1:
        return double_from_bits((rng() & 0x800fffffffffffffULL) | (0x3f0ull + rng() % 32) << 52);
    case 2:
        return (double)(int64_t)(rng() >> (rng() % 64));
    case 3:
        return (double)(int64_t)(rng() % 2000000 - 1000000) / (double)(1 << (rng() % 12));
    case 4:
        return (double)(rng() % 100000) / 1000.0;
    default:
        return double_from_bits(rng());
    }
}

static long double
rng_long_double(void)
{
    switch (rng() % 4) {
    case 0:
        return long_double_from((unsigned)(rng() & 0x8000), rng());
    case 1:
        return long_double_from((unsigned)(rng() & 0x8000) | (16383 - 10 + rng() % 20), rng());
    case 2:
        return (long double)rng_double();
    default:
        return long_double_from((unsigned)(rng() % 0xffff), rng());
    }
}

/* One random floating-point specification; returns how many '*' it has. */
static int
random_float_spec(char *spec, bool is_long)
{
    static const char convs[] = "fFeEgGaA";
    int stars = 0;
    char *p = spec;

    *p++ = '%';
    if (rng() % 3 == 0)
        *p++ = '-';
    if (rng() % 3 == 0)
        *p++ = '0';
    if (rng() % 4 == 0)
        *p++ = '+';
    if (rng() % 4 == 0)
        *p++ = ' ';
    if (rng() % 3 == 0)
        *p++ = '#';
    switch (rng() % 3) {
    case 0:
        break;
    case 1:
        p += sprintf(p, "%d", (int)(rng() % 40));
        break;
    case 2:
        *p++ = '*';
        stars++;
        break;
    }
    switch (rng() % 6) {
    case 0:
        break;
    case 1:
    case 2:
        p += sprintf(p, ".%d", (int)(rng() % 25));
        break;
    case 3:
        p += sprintf(p, ".%d", (int)(rng() % (rng() % 8 == 0 ? 1200 : 80)));
        break;
    case 4:
        *p++ = '.';
        break;
    case 5:
        p += sprintf(p, ".*");
        stars++;
        break;
    }
    if (is_long)
        *p++ = 'L';
    else if (rng() % 8 == 0)
        *p++ = 'l';
    *p++ = convs[rng() % 8];
    *p = 0;
    return stars;
}

TEST(printf_random_doubles_match_libc)
{
    for (int iter = 0; iter < 200000; iter++) {
        char spec[64];
        int stars = random_float_spec(spec, false);
        int s1 = (int)(rng() % 61) - 20, s2 = (int)(rng() % 60) - 5;

        CHECK(same_float_one(spec, stars, s1, s2, false, rng_double(), 0));
    }
}

TEST(printf_random_long_doubles_match_libc)
{
    for (int iter = 0; iter < 50000; iter++) {
        char spec[64];
        int stars = random_float_spec(spec, true);
        int s1 = (int)(rng() % 61) - 20, s2 = (int)(rng() % 60) - 5;

        CHECK(same_float_one(spec, stars, s1, s2, true, 0, rng_long_double()));
    }
}

/* A cut output keeps the full length and the same prefix as libc's. */
TEST(printf_random_float_truncation_matches_libc)
{
    for (int iter = 0; iter < 5000; iter++) {
        char spec[64], fmt[80], got[48], want[48];
        int stars = random_float_spec(spec, false);
        size_t size = rng() % 40;
        double d = rng_double();

        if (stars)
            continue;
        snprintf(fmt, sizeof(fmt), "<%s>", spec);
        memset(got, '#', sizeof(got));
        memset(want, '#', sizeof(want));
        CHECK(kfmt(size ? got : NULL, size, fmt, d) == libc_fmt(size ? want : NULL, size, fmt, d));
        CHECK(memcmp(got, want, sizeof(got)) == 0);
    }
}

int
main(void)
{
    RUN(printf_plain_text_and_percent_match_libc);
    RUN(printf_decimal_conversions_match_libc);
    RUN(printf_hex_and_octal_conversions_match_libc);
    RUN(printf_length_modifiers_match_libc);
    RUN(printf_star_width_and_precision_match_libc);
    RUN(printf_strings_and_chars_match_libc);
    RUN(printf_char_zero_is_emitted);
    RUN(printf_pointer_prints_0x_lowercase_hex);
    RUN(printf_null_string_prints_null);
    RUN(printf_unknown_conversions_are_printed_literally);
    RUN(printf_width_and_precision_are_capped);
    RUN(printf_truncation_returns_full_length_and_terminates);
    RUN(printf_random_integer_specs_match_libc);
    RUN(printf_random_string_specs_match_libc);
    RUN(printf_random_truncation_matches_libc);
    float_got = malloc(FLOAT_BUF);
    float_want = malloc(FLOAT_BUF);
    RUN(printf_alt_g_keeps_its_zeros_when_rounding_carries);
    RUN(printf_float_special_values_match_libc);
    RUN(printf_long_double_special_values_match_libc);
    RUN(printf_float_rounds_half_to_even_on_the_exact_value);
    RUN(printf_float_prints_whole_expansions_at_large_precision);
    RUN(printf_random_doubles_match_libc);
    RUN(printf_random_long_doubles_match_libc);
    RUN(printf_random_float_truncation_matches_libc);
    free(float_got);
    free(float_want);
    return check_exit();
}
