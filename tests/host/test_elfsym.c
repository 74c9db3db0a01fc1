// SPDX-License-Identifier: MIT
/*
 * Tests for the function table reader (lib/elfsym/elfsym.c). Images are
 * built here (an ELF header, one executable PT_LOAD segment, a section
 * header table naming .shstrtab and .cairn.syms) and read from a heap
 * block of exactly their size, so a read past the end is an ASan report.
 * Good tables give the right names and offsets; every truncation and
 * every flipped byte of a good image is refused or read in bounds; each
 * malformed header or table has its case.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "check.h"
#include "elfsym/elfsym.h"

#define TEXT_START 0x401000u
#define TEXT_SIZE  0x1000u

struct img {
    uint8_t d[4096];
    size_t n;
    size_t shoff, syms_off; /* where the section headers and the table are */
    size_t syms_len;        /* the table's exact length */
};

static void
put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static const char *const names[] = {"_start", "main", "strlen", "static_helper"};
static const uint32_t starts[] = {TEXT_START, TEXT_START + 0x100, TEXT_START + 0x400,
                                  TEXT_START + 0x800};
#define NFUNCS 4

/* A good image with the table above (with_table) or none. */
static void
build(struct img *m, int with_table)
{
    static const char shstr[] = "\0.shstrtab\0.cairn.syms";
    size_t at = 64 + 56, shstr_off, nsec = with_table ? 3 : 2;

    memset(m, 0, sizeof(*m));
    memcpy(m->d,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    put(m->d + 16, 2, 2);    /* ET_EXEC */
    put(m->d + 18, 62, 2);   /* x86-64 */
    put(m->d + 32, 64, 8);   /* phoff */
    put(m->d + 52, 64, 2);   /* ehsize */
    put(m->d + 54, 56, 2);   /* phentsize */
    put(m->d + 56, 1, 2);    /* phnum */
    put(m->d + 58, 64, 2);   /* shentsize */
    put(m->d + 60, nsec, 2); /* shnum */
    put(m->d + 62, 1, 2);    /* shstrndx */
    put(m->d + 64, 1, 4);    /* PT_LOAD */
    put(m->d + 68, 5, 4);    /* R X */
    put(m->d + 64 + 16, TEXT_START, 8);
    put(m->d + 64 + 40, TEXT_SIZE, 8);
    shstr_off = at;
    memcpy(m->d + at, shstr, sizeof(shstr));
    at += sizeof(shstr);
    m->syms_off = at;
    if (with_table) {
        put(m->d + at, NFUNCS, 4);
        at += 4;
        for (int i = 0; i < NFUNCS; i++, at += 4)
            put(m->d + at, starts[i], 4);
        for (int i = 0; i < NFUNCS; i++) {
            memcpy(m->d + at, names[i], strlen(names[i]) + 1);
            at += strlen(names[i]) + 1;
        }
    }
    m->syms_len = at - m->syms_off;
    at = (at + 7) & ~(size_t)7;
    m->shoff = at;
    put(m->d + 40, at, 8);
    /* [1] .shstrtab */
    put(m->d + at + 64 + 0, 1, 4);
    put(m->d + at + 64 + 4, 3, 4);
    put(m->d + at + 64 + 24, shstr_off, 8);
    put(m->d + at + 64 + 32, sizeof(shstr), 8);
    if (with_table) { /* [2] .cairn.syms */
        put(m->d + at + 128 + 0, 11, 4);
        put(m->d + at + 128 + 4, 1, 4);
        put(m->d + at + 128 + 24, m->syms_off, 8);
        put(m->d + at + 128 + 32, m->syms_len, 8);
    }
    m->n = at + 64 * nsec;
}

/* elfsym_open over an exact heap copy of the first n bytes; then a lookup
 * of every interesting address, whose names must lie inside the copy. */
static int
open_copy(const struct img *m, size_t n, int lookups)
{
    uint8_t *copy = malloc(n ? n : 1);
    struct elfsym t;
    int r;

    memcpy(copy, m->d, n);
    r = elfsym_open(&t, copy, n);
    for (int i = 0; lookups && i < 8; i++) {
        uint64_t off = 0;
        const char *s = elfsym_lookup(&t, TEXT_START + i * 0x180, &off);

        if (s) {
            CHECK(r == 0);
            CHECK((const uint8_t *)s >= copy && (const uint8_t *)s + strlen(s) < copy + n);
        }
    }
    free(copy);
    return r;
}

TEST(lookup_names_the_function_and_the_offset)
{
    struct img m;
    struct elfsym t;
    uint64_t off = 99;
    const char *s;

    build(&m, 1);
    CHECK(elfsym_open(&t, m.d, m.n) == 0);
    s = elfsym_lookup(&t, TEXT_START + 0x414, &off);
    CHECK(s && strcmp(s, "strlen") == 0 && off == 0x14);
    s = elfsym_lookup(&t, TEXT_START, &off);
    CHECK(s && strcmp(s, "_start") == 0 && off == 0);
    s = elfsym_lookup(&t, TEXT_START + 0x130, &off);
    CHECK(s && strcmp(s, "main") == 0 && off == 0x30);
    s = elfsym_lookup(&t, TEXT_START + TEXT_SIZE - 1, &off);
    CHECK(s && strcmp(s, "static_helper") == 0 && off == TEXT_SIZE - 1 - 0x800);
}

TEST(addresses_outside_the_code_get_no_name)
{
    struct img m;
    struct elfsym t;
    uint64_t off = 0;

    build(&m, 1);
    CHECK(elfsym_open(&t, m.d, m.n) == 0);
    CHECK(elfsym_lookup(&t, TEXT_START - 1, &off) == NULL);
    CHECK(elfsym_lookup(&t, TEXT_START + TEXT_SIZE, &off) == NULL);
    CHECK(elfsym_lookup(&t, 0, &off) == NULL);
    CHECK(elfsym_lookup(&t, UINT64_MAX, &off) == NULL);
}

TEST(an_image_without_the_table_opens_and_names_nothing)
{
    struct img m;
    struct elfsym t;
    uint64_t off = 0;

    build(&m, 0);
    CHECK(elfsym_open(&t, m.d, m.n) == -CAIRN_ENOENT);
    CHECK(elfsym_lookup(&t, TEXT_START + 0x10, &off) == NULL);
}

TEST(malformed_headers_and_tables_are_refused)
{
    struct img m;

    build(&m, 1);
    CHECK(open_copy(&m, m.n, 1) == 0);
    m.d[4] = 1; /* 32-bit */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + 58, 40, 2); /* shentsize */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + 62, 3, 2); /* shstrndx past the table */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + 40, UINT64_MAX - 10, 8); /* shoff wraps */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + 54, 32, 2); /* phentsize */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + 64 + 16, UINT64_MAX - 4, 8); /* the segment wraps */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.syms_off, 1000, 4); /* more functions than the section holds */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.syms_off, UINT32_MAX, 4);
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.syms_off, NFUNCS + 1, 4); /* a name short: "main" read as an address */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.shoff + 128 + 24, m.n, 8); /* the table past the end */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.shoff + 128 + 4, 8, 4); /* NOBITS */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    build(&m, 1);
    put(m.d + m.shoff + 128, 1000, 4); /* a section name past .shstrtab: not the table */
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_ENOENT);
}

TEST(a_table_whose_names_lack_their_last_nul_is_refused)
{
    struct img m;
    size_t len;

    build(&m, 1);
    /* The section ends right before the last name's NUL. */
    len = 4 + 4 * NFUNCS;
    for (int i = 0; i < NFUNCS; i++)
        len += strlen(names[i]) + 1;
    put(m.d + m.shoff + 128 + 32, len - 1, 8);
    CHECK(open_copy(&m, m.n, 1) == -CAIRN_EINVAL);
    put(m.d + m.shoff + 128 + 32, len, 8);
    CHECK(open_copy(&m, m.n, 1) == 0);
}

TEST(every_truncation_and_flipped_byte_stays_in_bounds)
{
    struct img m, bad;
    uint64_t seed = 0x5eed;

    build(&m, 1);
    for (size_t n = 0; n < m.n; n++)
        CHECK(open_copy(&m, n, 1) != 0);
    for (size_t i = 0; i < m.n; i++) {
        for (int k = 0; k < 4; k++) {
            bad = m;
            bad.d[i] ^= (uint8_t)(check_xorshift64(&seed) | 1);
            open_copy(&bad, bad.n, 1); /* any result, but in bounds (ASan) */
        }
    }
}

int
main(void)
{
    RUN(lookup_names_the_function_and_the_offset);
    RUN(addresses_outside_the_code_get_no_name);
    RUN(an_image_without_the_table_opens_and_names_nothing);
    RUN(malformed_headers_and_tables_are_refused);
    RUN(a_table_whose_names_lack_their_last_nul_is_refused);
    RUN(every_truncation_and_flipped_byte_stays_in_bounds);
    return check_exit();
}
