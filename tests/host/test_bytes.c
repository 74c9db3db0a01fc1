// SPDX-License-Identifier: MIT
/*
 * Host tests for common/bytes.h, the little-endian readers and writers of
 * the ACPI and Multiboot2 parsers, the ELF validator and the tests that
 * build their inputs, and the ACPI checksum. Every offset of a buffer is tried, so UBSan's
 * alignment check (on in host tests) would catch a reader that loads a
 * whole word from an odd address; the values are checked against bytes
 * laid out by hand, so the result cannot depend on the host's byte order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/bytes.h"

#define SPAN 32

/* A heap buffer of exactly n bytes 0x11 0x22 ...: ASan watches both its ends. */
static uint8_t *
bytes_at_heap(size_t n)
{
    uint8_t *p = malloc(n);

    if (p == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(0x11 * (i + 1));
    return p;
}

TEST(bytes_read_the_first_byte_as_least_significant)
{
    static const uint8_t le[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

    CHECK(bytes_rd16(le) == 0x2301);
    CHECK(bytes_rd32(le) == 0x67452301u);
    CHECK(bytes_rd64(le) == 0xefcdab8967452301ull);
}

/* Each read touches exactly its 2, 4 or 8 bytes: ASan watches the edges of a buffer that size. */
TEST(bytes_read_only_their_own_bytes)
{
    uint8_t *two = bytes_at_heap(2), *four = bytes_at_heap(4), *eight = bytes_at_heap(8);

    CHECK(bytes_rd16(two) == 0x2211);
    CHECK(bytes_rd32(four) == 0x44332211u);
    CHECK(bytes_rd64(eight) == 0x8877665544332211ull);
    free(two);
    free(four);
    free(eight);
}

TEST(bytes_read_at_every_alignment)
{
    uint8_t buf[SPAN + 8];

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 37 + 5);
    for (size_t off = 0; off < SPAN; off++) {
        const uint8_t *p = buf + off;
        uint64_t want = 0;

        for (int i = 7; i >= 0; i--)
            want = want << 8 | p[i];
        CHECK(bytes_rd16(p) == (uint16_t)want);
        CHECK(bytes_rd32(p) == (uint32_t)want);
        CHECK(bytes_rd64(p) == want);
    }
}

TEST(bytes_keep_the_top_bit)
{
    static const uint8_t ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    CHECK(bytes_rd16(ones) == UINT16_MAX);
    CHECK(bytes_rd32(ones) == UINT32_MAX);
    CHECK(bytes_rd64(ones) == UINT64_MAX);
}

TEST(bytes_write_little_endian_and_nothing_else)
{
    uint8_t buf[SPAN + 8];

    for (size_t off = 0; off < SPAN; off++) {
        memset(buf, 0xee, sizeof(buf));
        bytes_wr16(buf + off, 0xa1b2);
        CHECK(buf[off] == 0xb2 && buf[off + 1] == 0xa1);
        CHECK(off == 0 || buf[off - 1] == 0xee);
        CHECK(buf[off + 2] == 0xee);

        memset(buf, 0xee, sizeof(buf));
        bytes_wr32(buf + off, 0xa1b2c3d4u);
        CHECK(buf[off] == 0xd4 && buf[off + 3] == 0xa1);
        CHECK(buf[off + 4] == 0xee);

        memset(buf, 0xee, sizeof(buf));
        bytes_wr64(buf + off, 0x0102030405060708ull);
        for (int i = 0; i < 8; i++)
            CHECK(buf[off + (size_t)i] == 8 - i);
        CHECK(off == 0 || buf[off - 1] == 0xee);
        CHECK(buf[off + 8] == 0xee);
    }
}

TEST(bytes_read_back_what_they_wrote)
{
    uint8_t buf[SPAN + 8];
    uint64_t v = 0x9e3779b97f4a7c15ull;

    for (size_t off = 0; off < SPAN; off++, v = v * 6364136223846793005ull + 1) {
        bytes_wr16(buf + off, (uint16_t)v);
        CHECK(bytes_rd16(buf + off) == (uint16_t)v);
        bytes_wr32(buf + off, (uint32_t)v);
        CHECK(bytes_rd32(buf + off) == (uint32_t)v);
        bytes_wr64(buf + off, v);
        CHECK(bytes_rd64(buf + off) == v);
    }
}

TEST(bytes_sum8_wraps_modulo_256)
{
    static const uint8_t none[1] = {0x55};
    static const uint8_t table[4] = {0x80, 0x80, 0x01, 0xff}; /* 0x200: 0 modulo 256 */
    uint8_t *heap = bytes_at_heap(8);                         /* 0x11 + ... + 0x88 = 0x264 */

    CHECK(bytes_sum8(none, 0) == 0);
    CHECK(bytes_sum8(table, 4) == 0);
    CHECK(bytes_sum8(table, 3) == 1);
    CHECK(bytes_sum8(heap, 8) == 0x64);
    heap[7] = (uint8_t)(heap[7] - 0x64); /* what a table builder does to seal a checksum */
    CHECK(bytes_sum8(heap, 8) == 0);
    free(heap);
}

int
main(void)
{
    RUN(bytes_read_the_first_byte_as_least_significant);
    RUN(bytes_read_only_their_own_bytes);
    RUN(bytes_read_at_every_alignment);
    RUN(bytes_keep_the_top_bit);
    RUN(bytes_write_little_endian_and_nothing_else);
    RUN(bytes_read_back_what_they_wrote);
    RUN(bytes_sum8_wraps_modulo_256);
    return check_exit();
}
