// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/mm/memmap.c: crafted maps (a typical PC map, every
 * kind of untidiness, corrupt entries) and random maps checked against a
 * byte-level model. The model decides page by page: a page is free when all
 * of its bytes are covered by usable entries and none by anything else.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log_stub.h"
#include "mm/memmap.h"

#define PG MEMMAP_PAGE_SIZE
#define U  BOOT_MEM_USABLE
#define R  BOOT_MEM_RESERVED

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool
ranges_equal(const struct phys_range *got, size_t ngot, const struct phys_range *want, size_t nwant)
{
    bool same = ngot == nwant;

    for (size_t i = 0; same && i < ngot; i++)
        same = got[i].base == want[i].base && got[i].end == want[i].end;
    if (!same) {
        fprintf(stderr, "  got %zu ranges:", ngot);
        for (size_t i = 0; i < ngot; i++)
            fprintf(stderr, " [%#lx,%#lx)", (unsigned long)got[i].base, (unsigned long)got[i].end);
        fprintf(stderr, "\n  want %zu ranges:", nwant);
        for (size_t i = 0; i < nwant; i++)
            fprintf(stderr, " [%#lx,%#lx)", (unsigned long)want[i].base,
                    (unsigned long)want[i].end);
        fprintf(stderr, "\n");
    }
    return same;
}

static uint64_t
total_bytes(const struct phys_range *r, size_t n)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += r[i].end - r[i].base;
    return sum;
}

TEST(memmap_typical_pc_map_minus_kernel_and_modules)
{
    struct boot_mem_region map[] = {
        {0x0, 0x9fc00, U},
        {0x9fc00, 0x400, R},
        {0xf0000, 0x10000, R},
        {0x100000, 0x7ee0000, U},
        {0x7fe0000, 0x20000, BOOT_MEM_ACPI_RECLAIMABLE},
        {0xfffc0000, 0x40000, R},
    };
    struct phys_range reserved[] = {
        {0x100000, 0x345678}, /* kernel image, unaligned end */
        {0x400123, 0x401000}, /* a module */
    };
    struct phys_range want[] = {
        {0x0, 0x9f000},
        {0x346000, 0x400000},
        {0x401000, 0x7fe0000},
    };
    struct phys_range out[8];
    size_t n;

    log_stub_reset();
    n = memmap_free_ranges(map, N(map), reserved, N(reserved), out, N(out));
    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(memmap_usable_bytes(map, N(map)) == 0x9f000 + (0x7fe0000 - 0x100000));
    CHECK(log_stub_count[LOG_WARN] == 0);
}

TEST(memmap_empty_map_has_no_memory)
{
    struct phys_range out[4];
    struct phys_range reserved[] = {{0, 0x1000}};
    struct boot_mem_region only_reserved[] = {{0x1000, 0x100000, R}};

    CHECK(memmap_free_ranges(NULL, 0, NULL, 0, out, N(out)) == 0);
    CHECK(memmap_free_ranges(NULL, 0, reserved, 1, out, N(out)) == 0);
    CHECK(memmap_free_ranges(only_reserved, 1, NULL, 0, out, N(out)) == 0);
    CHECK(memmap_usable_bytes(NULL, 0) == 0);
    CHECK(memmap_usable_bytes(only_reserved, 1) == 0);
}

TEST(memmap_unaligned_usable_is_trimmed_inward)
{
    struct boot_mem_region map[] = {
        {0x1001, 0x2ffe, U},  /* [0x1001, 0x3fff) holds only page 0x2000 */
        {0x10800, 0x800, U},  /* half a page: nothing */
        {0x20000, 0x1fff, U}, /* just short of two pages: one */
    };
    struct phys_range want[] = {{0x2000, 0x3000}, {0x20000, 0x21000}};
    struct phys_range out[8];
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));

    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(memmap_usable_bytes(map, N(map)) == 2 * PG);
}

TEST(memmap_non_usable_entry_wins_over_overlapping_usable)
{
    struct boot_mem_region map[] = {
        {0x0, 0x100000, U},
        {0x5001, 0x10, BOOT_MEM_ACPI_NVS}, /* one byte into page 5: the page goes */
        {0x8000, 0x1001, BOOT_MEM_BAD},    /* spills into page 9 */
        {0x20000, 0x1000, 77},             /* an unknown type is reserved too */
        {0xff000, 0x2000, R},              /* straddles the end of the usable entry */
    };
    struct phys_range want[] = {
        {0x0, 0x5000}, {0x6000, 0x8000}, {0xa000, 0x20000}, {0x21000, 0xff000}};
    struct phys_range out[8];
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));

    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(memmap_usable_bytes(map, N(map)) == total_bytes(want, N(want)));
}

TEST(memmap_unsorted_duplicate_and_overlapping_entries_merge)
{
    struct boot_mem_region map[] = {
        {0x300000, 0x100000, U}, {0x0, 0x80000, U},  {0x300000, 0x100000, U}, {0x40000, 0x80000, U},
        {0x380000, 0x200000, U}, {0x200000, 0x0, R}, {0x0, 0x80000, U},
    };
    struct phys_range want[] = {{0x0, 0xc0000}, {0x300000, 0x580000}};
    struct phys_range out[8];
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));

    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(memmap_usable_bytes(map, N(map)) == 0xc0000 + 0x280000);
}

/* Touching usable pieces form one range before trimming, not two. */
TEST(memmap_adjacent_unaligned_usable_entries_join_before_trimming)
{
    struct boot_mem_region map[] = {{0x1800, 0x1800, U}, {0x1000, 0x800, U}};
    struct phys_range want[] = {{0x1000, 0x3000}};
    struct phys_range out[4];
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));

    CHECK(ranges_equal(out, n, want, N(want)));
}

TEST(memmap_reserved_ranges_are_widened_outward)
{
    struct boot_mem_region map[] = {{0x0, 0x10000, U}};
    struct phys_range reserved[] = {
        {0x1fff, 0x2001}, /* two bytes, two pages */
        {0x8000, 0x9000}, /* already aligned */
        {0x5000, 0x5000}, /* empty */
        {0x7000, 0x6000}, /* inverted: treated as empty */
        {0xf000, UINT64_MAX},
    };
    struct phys_range want[] = {{0x0, 0x1000}, {0x3000, 0x8000}, {0x9000, 0xf000}};
    struct phys_range out[8];
    size_t n = memmap_free_ranges(map, N(map), reserved, N(reserved), out, N(out));

    CHECK(ranges_equal(out, n, want, N(want)));
    /* Reserved ranges do not count against usable memory. */
    CHECK(memmap_usable_bytes(map, N(map)) == 0x10000);
}

TEST(memmap_wrapping_and_zero_length_entries_are_handled)
{
    struct boot_mem_region map[] = {
        {0x100000, 0x100000, U},
        {0x180000, UINT64_MAX, U},            /* wraps: ignored as corrupt */
        {0x1c0000, UINT64_MAX - 0x100000, R}, /* wraps: reserved to the top */
        {0x140000, 0, R},                     /* zero length: no effect */
        {0x150000, 0, U},
        {UINT64_MAX - 0x2fff, 0x3000, U}, /* ends at 2^64: valid, but blocked above */
        {UINT64_MAX, 2, R},               /* wraps past 2^64 */
    };
    struct phys_range want[] = {{0x100000, 0x1c0000}};
    struct phys_range out[4];
    size_t n;

    log_stub_reset();
    n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));
    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(log_stub_count[LOG_WARN] == 1);
    CHECK(memmap_usable_bytes(map, N(map)) == 0xc0000);

    /* On its own, a wrapping usable entry yields nothing at all. */
    struct boot_mem_region lone[] = {{0x200000, UINT64_MAX - 0x1000, U}};
    CHECK(memmap_free_ranges(lone, N(lone), NULL, 0, out, N(out)) == 0);
    CHECK(memmap_usable_bytes(lone, N(lone)) == 0);
}

TEST(memmap_usable_memory_at_the_top_of_the_address_space)
{
    struct boot_mem_region map[] = {{UINT64_MAX - 0x2fff, 0x3000, U}};
    struct boot_mem_region whole[] = {{0, UINT64_MAX, U}};
    struct phys_range want[] = {{UINT64_MAX - 0x2fff, UINT64_MAX - 0xfff}};
    struct phys_range out[4];
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, N(out));

    /* Ends at 2^64, is clipped to 2^64 - 1 and so loses its last page. */
    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(memmap_usable_bytes(whole, 1) == UINT64_MAX - 0xfff);
}

TEST(memmap_output_is_capped_at_out_max)
{
    struct boot_mem_region map[] = {
        {0x5000, 0x1000, U}, {0x1000, 0x1000, U}, {0x9000, 0x1000, U},
        {0x3000, 0x1000, U}, {0x7000, 0x1000, U},
    };
    struct phys_range want[] = {{0x1000, 0x2000}, {0x3000, 0x4000}, {0x5000, 0x6000}};
    struct phys_range out[4] = {{0}};

    log_stub_reset();
    size_t n = memmap_free_ranges(map, N(map), NULL, 0, out, 3);
    CHECK(ranges_equal(out, n, want, N(want)));
    CHECK(out[3].base == 0 && out[3].end == 0); /* nothing written past out_max */
    CHECK(log_stub_count[LOG_WARN] == 1);
    CHECK(memmap_free_ranges(map, N(map), NULL, 0, NULL, 0) == 0);
    CHECK(memmap_usable_bytes(map, N(map)) == 5 * PG);
}

/* The random maps live in a small space so a byte model stays cheap. */
#define SPACE_PAGES 24
#define SPACE       ((uint64_t)SPACE_PAGES * PG)

static uint64_t rng_state = 0xd1b54a32d192ed03ULL;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

/* Mostly page-aligned addresses, sometimes anywhere. */
static uint64_t
rng_addr(void)
{
    uint64_t page = rng() % (SPACE_PAGES + 1);
    uint64_t addr = page * PG;

    if (rng() % 3 == 0)
        addr += rng() % PG;
    return addr < SPACE ? addr : SPACE;
}

static int usable_cover[SPACE + 1];
static int blocked_cover[SPACE + 1];

/* The reference: expected ranges from a byte-by-byte coverage count. */
static size_t
model_ranges(const struct boot_mem_region *map, size_t n, const struct phys_range *res, size_t nres,
             struct phys_range *out)
{
    size_t count = 0;
    int u = 0, b = 0;
    bool page_free[SPACE_PAGES];

    memset(usable_cover, 0, sizeof(usable_cover));
    memset(blocked_cover, 0, sizeof(blocked_cover));
    for (size_t i = 0; i < n; i++) {
        uint64_t end = map[i].base + map[i].len; /* random maps never wrap */
        int *cover = map[i].type == U ? usable_cover : blocked_cover;
        if (end > SPACE)
            end = SPACE;
        if (map[i].base < end) {
            cover[map[i].base]++;
            cover[end]--;
        }
    }
    for (size_t i = 0; i < nres; i++) {
        if (res[i].base < res[i].end) {
            blocked_cover[res[i].base]++;
            blocked_cover[res[i].end]--;
        }
    }
    for (size_t p = 0; p < SPACE_PAGES; p++)
        page_free[p] = true;
    for (uint64_t x = 0; x < SPACE; x++) {
        u += usable_cover[x];
        b += blocked_cover[x];
        if (u == 0 || b > 0)
            page_free[x / PG] = false;
    }
    for (size_t p = 0; p < SPACE_PAGES; p++) {
        if (!page_free[p])
            continue;
        if (count && out[count - 1].end == p * PG)
            out[count - 1].end += PG;
        else
            out[count++] = (struct phys_range){p * PG, (p + 1) * PG};
    }
    return count;
}

TEST(memmap_random_maps_match_byte_model)
{
    static const uint32_t types[] = {
        U, U, U, R, BOOT_MEM_ACPI_RECLAIMABLE, BOOT_MEM_ACPI_NVS, BOOT_MEM_BAD, 0, 42};

    for (int iter = 0; iter < 600; iter++) {
        struct boot_mem_region map[12];
        struct phys_range res[4], out[SPACE_PAGES], want[SPACE_PAGES];
        size_t n = rng() % N(map), nres = rng() % N(res);

        for (size_t i = 0; i < n; i++) {
            uint64_t a = rng_addr(), b = rng_addr();
            if (rng() % 8 == 0)
                b = a; /* zero length */
            if (a > b) {
                uint64_t t = a;
                a = b;
                b = t;
            }
            map[i] = (struct boot_mem_region){a, b - a, types[rng() % N(types)]};
        }
        for (size_t i = 0; i < nres; i++) {
            uint64_t a = rng_addr(), b = rng_addr();
            res[i] = (struct phys_range){a, b}; /* inverted ones mean empty */
        }

        size_t got = memmap_free_ranges(map, n, res, nres, out, N(out));
        size_t expect = model_ranges(map, n, res, nres, want);
        CHECK(ranges_equal(out, got, want, expect));

        expect = model_ranges(map, n, NULL, 0, want);
        CHECK(memmap_usable_bytes(map, n) == total_bytes(want, expect));
    }
}

int
main(void)
{
    RUN(memmap_typical_pc_map_minus_kernel_and_modules);
    RUN(memmap_empty_map_has_no_memory);
    RUN(memmap_unaligned_usable_is_trimmed_inward);
    RUN(memmap_non_usable_entry_wins_over_overlapping_usable);
    RUN(memmap_unsorted_duplicate_and_overlapping_entries_merge);
    RUN(memmap_adjacent_unaligned_usable_entries_join_before_trimming);
    RUN(memmap_reserved_ranges_are_widened_outward);
    RUN(memmap_wrapping_and_zero_length_entries_are_handled);
    RUN(memmap_usable_memory_at_the_top_of_the_address_space);
    RUN(memmap_output_is_capped_at_out_max);
    RUN(memmap_random_maps_match_byte_model);
    return check_exit();
}
