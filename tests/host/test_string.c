// SPDX-License-Identifier: MIT
/*
 * Host tests for common/string.c. Its functions are reached through their
 * common_ names (see common/names.h) and compared with the host
 * libc over every small length and every alignment of source and
 * destination, so the word loops, their head and tail bytes and the
 * overlapping memmove cases are all exercised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/string.h"

#define BUF 256

static unsigned char pool_a[BUF + 64];
static unsigned char pool_b[BUF + 64];

static void
fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31u + i * 7u + 1u);
}

static int
sign(int v)
{
    return (v > 0) - (v < 0);
}

/* The plain definition: strlcpy is not in glibc before 2.38. */
static size_t
ref_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

TEST(memcpy_matches_libc_for_all_alignments_and_lengths)
{
    unsigned char want[BUF + 64];

    for (size_t da = 0; da < 16; da++) {
        for (size_t sa = 0; sa < 16; sa++) {
            for (size_t n = 0; n < 80; n++) {
                fill_pattern(pool_a, sizeof(pool_a), 1);
                fill_pattern(pool_b, sizeof(pool_b), 2);
                memcpy(want, pool_a, sizeof(want));
                memcpy(want + da, pool_b + sa, n);
                void *r = common_memcpy(pool_a + da, pool_b + sa, n);
                CHECK(r == pool_a + da);
                CHECK(memcmp(want, pool_a, sizeof(want)) == 0);
            }
        }
    }
}

TEST(memcpy_copies_large_blocks)
{
    size_t n = 1 << 16;
    unsigned char *src = malloc(n + 8), *dst = malloc(n + 8);

    fill_pattern(src, n + 8, 9);
    memset(dst, 0, n + 8);
    common_memcpy(dst + 3, src + 3, n);
    CHECK(memcmp(dst + 3, src + 3, n) == 0);
    CHECK(dst[0] == 0 && dst[1] == 0 && dst[2] == 0 && dst[n + 3] == 0);
    free(src);
    free(dst);
}

/* Every overlap: dst below, above and equal to src, by every small shift. */
TEST(memmove_handles_overlap_in_both_directions)
{
    unsigned char want[BUF];
    unsigned char got[BUF];

    for (size_t src = 0; src < 40; src++) {
        for (size_t dst = 0; dst < 40; dst++) {
            for (size_t n = 0; n <= 100; n++) {
                fill_pattern(want, BUF, 3);
                fill_pattern(got, BUF, 3);
                memmove(want + dst, want + src, n);
                void *r = common_memmove(got + dst, got + src, n);
                CHECK(r == got + dst);
                CHECK(memcmp(want, got, BUF) == 0);
            }
        }
    }
}

TEST(memmove_copies_between_disjoint_buffers)
{
    for (size_t n = 0; n < 70; n++) {
        fill_pattern(pool_a, sizeof(pool_a), 4);
        fill_pattern(pool_b, sizeof(pool_b), 5);
        common_memmove(pool_a + 1, pool_b + 5, n);
        CHECK(memcmp(pool_a + 1, pool_b + 5, n) == 0);
        CHECK(pool_a[1 + n] == (unsigned char)(4 * 31u + (1 + n) * 7u + 1u));
    }
}

TEST(memset_matches_libc_for_all_alignments_and_lengths)
{
    unsigned char want[BUF];
    int values[] = {0, 0xff, 0x5a, 0x1ff /* only the low byte counts */, -1};

    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t a = 0; a < 16; a++) {
            for (size_t n = 0; n < 100; n++) {
                fill_pattern(want, BUF, 6);
                fill_pattern(pool_a, BUF, 6);
                memset(want + a, values[v], n);
                void *r = common_memset(pool_a + a, values[v], n);
                CHECK(r == pool_a + a);
                CHECK(memcmp(want, pool_a, BUF) == 0);
            }
        }
    }
}

TEST(memcmp_sign_matches_libc_and_compares_unsigned)
{
    unsigned char a[64], b[64];

    for (size_t n = 0; n < 64; n++) {
        for (size_t diff = 0; diff <= n; diff++) {
            fill_pattern(a, 64, 7);
            fill_pattern(b, 64, 7);
            if (diff < n) {
                b[diff] = (unsigned char)(a[diff] + 0x80); /* crosses the sign bit */
            }
            CHECK(sign(common_memcmp(a, b, n)) == sign(memcmp(a, b, n)));
            CHECK(sign(common_memcmp(b, a, n)) == sign(memcmp(b, a, n)));
        }
    }
    CHECK(common_memcmp("\x80", "\x01", 1) > 0);
    CHECK(common_memcmp("abc", "abd", 0) == 0);
}

static const char *const strings[] = {
    "",
    "a",
    "b",
    "ab",
    "abc",
    "abd",
    "abcd",
    "abcdefghijklmnopqrstuvwxyz",
    "ABC",
    "\x80",
    "\x7f",
    "\xff\x01",
    "hello world",
    "hello",
    "hello\x90",
};
#define NSTRINGS (sizeof(strings) / sizeof(strings[0]))

TEST(strlen_and_strnlen_match_libc)
{
    char buf[64];

    for (size_t i = 0; i < NSTRINGS; i++) {
        CHECK(common_strlen(strings[i]) == strlen(strings[i]));
        for (size_t max = 0; max < 30; max++)
            CHECK(common_strnlen(strings[i], max) == strnlen(strings[i], max));
    }
    /* strnlen must not read past max: no terminator inside the limit. */
    memset(buf, 'x', sizeof(buf));
    CHECK(common_strnlen(buf, sizeof(buf)) == sizeof(buf));
    for (size_t off = 0; off < 16; off++) {
        memset(buf, 'y', sizeof(buf));
        buf[off + 20] = 0;
        CHECK(common_strlen(buf + off) == 20);
    }
}

TEST(strcmp_and_strncmp_signs_match_libc)
{
    for (size_t i = 0; i < NSTRINGS; i++) {
        for (size_t j = 0; j < NSTRINGS; j++) {
            const char *a = strings[i], *b = strings[j];
            CHECK(sign(common_strcmp(a, b)) == sign(strcmp(a, b)));
            for (size_t n = 0; n < 30; n++)
                CHECK(sign(common_strncmp(a, b, n)) == sign(strncmp(a, b, n)));
        }
    }
    /* strncmp stops at n even when the strings continue and differ later. */
    CHECK(common_strncmp("abcX", "abcY", 3) == 0);
    CHECK(common_strncmp("abc", "abcdef", 3) == 0);
    CHECK(common_strncmp("abc", "abcdef", 4) < 0);
}

TEST(strchr_finds_first_match_and_terminator)
{
    const char *s = "hello world";

    for (int c = 0; c < 256; c++) {
        CHECK(common_strchr(s, c) == strchr(s, c));
        CHECK(common_strchr("", c) == strchr("", c));
        CHECK(common_strchr("\x80\xff", c) == strchr("\x80\xff", c));
    }
    CHECK(common_strchr(s, 'o') == s + 4);
    CHECK(common_strchr(s, 0) == s + 11);
    CHECK(common_strchr(s, 'z') == NULL);
    CHECK(common_strchr(s, 'o' + 256) == s + 4); /* converted to char first */
}

TEST(strlcpy_truncates_terminates_and_returns_source_length)
{
    char want[32], got[32];

    for (size_t i = 0; i < NSTRINGS; i++) {
        for (size_t size = 0; size < sizeof(got); size++) {
            memset(want, '#', sizeof(want));
            memset(got, '#', sizeof(got));
            size_t rw = ref_strlcpy(want, strings[i], size);
            size_t rg = common_strlcpy(got, strings[i], size);
            CHECK(rw == rg);
            CHECK(memcmp(want, got, sizeof(got)) == 0);
        }
    }
    memset(got, '#', sizeof(got));
    CHECK(common_strlcpy(got, "hello", 3) == 5);
    CHECK(memcmp(got, "he\0#", 4) == 0);
    CHECK(common_strlcpy(got, "hello", 0) == 5 && got[0] == 'h');
    CHECK(common_strlcpy(NULL, "abc", 0) == 3); /* size 0 never touches dst */
}

int
main(void)
{
    RUN(memcpy_matches_libc_for_all_alignments_and_lengths);
    RUN(memcpy_copies_large_blocks);
    RUN(memmove_handles_overlap_in_both_directions);
    RUN(memmove_copies_between_disjoint_buffers);
    RUN(memset_matches_libc_for_all_alignments_and_lengths);
    RUN(memcmp_sign_matches_libc_and_compares_unsigned);
    RUN(strlen_and_strnlen_match_libc);
    RUN(strcmp_and_strncmp_signs_match_libc);
    RUN(strchr_finds_first_match_and_terminator);
    RUN(strlcpy_truncates_terminates_and_returns_source_length);
    return check_exit();
}
