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
#include <limits.h>
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
    EXPECT("%f 1", "%f %d", 1);         /* no floating point in common/printf.c */
    EXPECT("%Lx 2", "%Lx %d", 2);       /* L is not a length we know */
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
    return check_exit();
}
