// SPDX-License-Identifier: MIT
/*
 * The fuzzer's random numbers and argument values (see fuzz.h).
 *
 * Every generator mostly returns a value of the kind its argument wants
 * (a live handle of the right type, a mapped buffer, a page-sized size)
 * and sometimes one of the values that break kernels: 0, -1, 2^63, a
 * handle number from past the table or with high bits set, a kernel, a
 * non-canonical, an unmapped or a read-only address, a range that runs off
 * the end of a mapping or of user space. All choices come from ft->call,
 * so the same seed makes the same choices.
 *
 * The one thing no generator ever gives is a way for the fuzzer to hurt
 * itself: a buffer the kernel writes is never memory the fuzzer uses, and
 * a range to unmap or protect never covers its code, stacks or pools
 * (fuzz_range_is_protected).
 */
#include <stddef.h>
#include <stdint.h>

#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/sys.h>

#include "fuzz.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Where nothing is ever mapped but by a random fixed vm_map. */
#define FUZZ_FREE_ZONE 0x0000300000000000ull

uint64_t
fuzz_mix(uint64_t a, uint64_t b)
{
    uint64_t z = a ^ (b * 0x9e3779b97f4a7c15ull) ^ 0x632be59bd9b4e019ull;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* splitmix64: small, fast, and every seed gives a full-period stream. */
uint64_t
rng_next(struct fuzz_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t
rng_below(struct fuzz_rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

int
rng_one_in(struct fuzz_rng *r, uint64_t n)
{
    return rng_below(r, n) == 0;
}

static const uint64_t boundary_values[] = {
    0,
    1,
    2,
    7,
    8,
    0xfff,
    0x1000,
    0x1001,
    0x2000,
    0x10000,
    0x400000,
    0x1000000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x100001000ull,
    0x10000000000ull,
    0x7ffffffffffff000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xfffffffffffff000ull,
    0xffffffffffffffffull,
};

uint64_t
gen_boundary(struct fuzz_thread *ft)
{
    uint64_t v = boundary_values[rng_below(&ft->call, ARRAY_LEN(boundary_values))];

    /* Sometimes one off either way. */
    switch (rng_below(&ft->call, 8)) {
    case 0:
        return v - 1;
    case 1:
        return v + 1;
    default:
        return v;
    }
}

/* Addresses no call may use: outside user space, unmapped, or the last
 * page (never mapped: include/cairn/init.h). */
static const uint64_t bad_addresses[] = {
    0,
    1,
    0x1000,
    CAIRN_USER_BASE - 8,
    CAIRN_USER_TOP - 8,
    CAIRN_USER_TOP - 1,
    CAIRN_USER_TOP,
    CAIRN_USER_TOP + 0x800,
    0x00007fffffffffffull,
    0x0000800000000000ull, /* the first non-canonical address */
    0x0000fffffffff000ull,
    0x8000000000000000ull,
    0xffff800000000000ull, /* the kernel's direct map */
    0xffffc00000000000ull, /* its device window */
    0xffffffff80000000ull, /* its image */
    0xffffffff80200000ull,
    0xfffffffffffff000ull,
    0xffffffffffffffffull,
    CAIRN_USER_STACK_TOP,                                 /* just above the stack */
    CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - 0x800, /* its guard page */
    FUZZ_FREE_ZONE,
    FUZZ_INFRA + FUZZ_INFRA_SIZE,
};

uint64_t
gen_bad_addr(struct fuzz_thread *ft)
{
    if (rng_one_in(&ft->call, 8))
        return FUZZ_FREE_ZONE + rng_below(&ft->call, 1ull << 36);
    return bad_addresses[rng_below(&ft->call, ARRAY_LEN(bad_addresses))];
}

/* --- handles --- */

void
pool_add_handle(struct fuzz_thread *ft, long value)
{
    struct cairn_handle_info info;
    struct fuzz_handle *h;

    if (ft->nhandles < FUZZ_POOL_HANDLES) {
        h = &ft->handles[ft->nhandles++];
    } else {
        h = &ft->handles[ft->next_handle];
        ft->next_handle = (ft->next_handle + 1) % FUZZ_POOL_HANDLES;
        /* Keep the table from filling up, mostly. */
        if (rng_below(&ft->call, 4) != 0)
            cairn_handle_close(h->value);
    }
    h->value = value;
    h->type = cairn_handle_info(value, &info) == 0 ? info.type : CAIRN_OBJ_NONE;
}

void
pool_add_map(struct fuzz_thread *ft, uint64_t addr, uint64_t size)
{
    struct fuzz_map *m;

    if (ft->nmaps < FUZZ_POOL_MAPS) {
        m = &ft->maps[ft->nmaps++];
    } else {
        m = &ft->maps[ft->next_map];
        ft->next_map = (ft->next_map + 1) % FUZZ_POOL_MAPS;
    }
    m->addr = addr;
    m->size = size;
}

/* Handle numbers that name nothing, or a closed or reused slot, or that
 * only the low 32 bits of would name something. */
static long
gen_bad_handle(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 10)) {
    case 0:
        return -1;
    case 1:
        return FUZZ_H_PROCESS; /* closed at start: stale */
    case 2:
        return 1023 + (long)rng_below(&ft->call, 3);
    case 3:
        return 0x7fffffff;
    case 4:
        return (long)0x80000000u;
    case 5:
        return (long)(1ull << 32) + (long)rng_below(&ft->call, FUZZ_H_COUNT);
    case 6:
        return (long)0x8000000000000000ull;
    case 7:
        return (long)rng_next(&ft->call);
    default:
        return (long)rng_below(&ft->call, 64);
    }
}

long
gen_handle(struct fuzz_thread *ft, uint32_t type)
{
    unsigned match[FUZZ_POOL_HANDLES], n = 0;
    uint64_t r = rng_below(&ft->call, 10);

    if (r < 2 || ft->nhandles == 0)
        return gen_bad_handle(ft);
    if (type != CAIRN_OBJ_NONE && r < 9) {
        for (unsigned i = 0; i < ft->nhandles; i++) {
            if (ft->handles[i].type == type)
                match[n++] = i;
        }
    }
    if (n > 0) {
        /* The newest often, so chains (quotas of quotas, processes holding
         * processes) grow deep. */
        if (rng_one_in(&ft->call, 3))
            return ft->handles[match[n - 1]].value;
        return ft->handles[match[rng_below(&ft->call, n)]].value;
    }
    return ft->handles[rng_below(&ft->call, ft->nhandles)].value;
}

uint32_t
gen_rights(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 8)) {
    case 0:
    case 1:
        return CAIRN_RIGHTS_ALL;
    case 2:
    case 3:
        return (uint32_t)rng_next(&ft->call) & CAIRN_RIGHTS_ALL;
    case 4:
        return CAIRN_RIGHTS_SAME;
    case 5:
        return 0;
    case 6:
        return 1u << rng_below(&ft->call, 32);
    default:
        return (uint32_t)rng_next(&ft->call);
    }
}

/* --- sizes and words --- */

uint64_t
gen_size(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 10)) {
    case 0:
    case 1:
    case 2:
    case 3:
        return FUZZ_PAGE * (1 + rng_below(&ft->call, 8));
    case 4:
        return FUZZ_PAGE * (1 + rng_below(&ft->call, 1024));
    case 5:
        return rng_below(&ft->call, 1u << 20);
    case 6:
        return rng_next(&ft->call);
    default:
        return gen_boundary(ft);
    }
}

uint64_t
gen_offset(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 8)) {
    case 0:
    case 1:
    case 2:
    case 3:
        return 0;
    case 4:
    case 5:
        return FUZZ_PAGE * rng_below(&ft->call, 8);
    default:
        return gen_boundary(ft);
    }
}

uint64_t
gen_timeout(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 16)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
        return 0;
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
        return rng_below(&ft->call, 50000);
    case 13:
    case 14:
        return 1000000 + rng_below(&ft->call, 1000000);
    default:
        /* Now and then a limit that overflows any deadline arithmetic, or
         * none at all; a child, which must end by itself, never waits long. */
        if (ft->child || !rng_one_in(&ft->call, 32))
            return rng_below(&ft->call, 2000000);
        return rng_one_in(&ft->call, 2) ? CAIRN_WAIT_FOREVER : gen_boundary(ft);
    }
}

uint64_t
gen_word(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 4)) {
    case 0:
        return gen_boundary(ft);
    case 1:
        return rng_below(&ft->call, 256);
    default:
        return rng_next(&ft->call);
    }
}

/* --- addresses --- */

static uint64_t
code_address(void)
{
    return (uint64_t)(uintptr_t)&gen_word;
}

/* A buffer of len bytes inside the thread's scratch pages, at a random
 * (often unaligned) place; or across their end when len does not fit. */
static uint64_t
scratch_addr(struct fuzz_thread *ft, uint64_t len)
{
    uint64_t base = (uint64_t)(uintptr_t)ft->scratch;

    if (len >= FUZZ_SCRATCH_SIZE)
        return base;
    return base + rng_below(&ft->call, FUZZ_SCRATCH_SIZE - len + 1);
}

static uint64_t
map_addr_pick(struct fuzz_thread *ft, uint64_t len)
{
    const struct fuzz_map *m = &ft->maps[rng_below(&ft->call, ft->nmaps)];

    if (len >= m->size || rng_one_in(&ft->call, 4))
        return m->addr + (m->size - (len < m->size ? len : 0)) - rng_below(&ft->call, 16);
    return m->addr + rng_below(&ft->call, m->size - len);
}

/* The picks gen_addr_in and gen_addr_out share: a mapping of the thread's,
 * its code (read-only), across the end of the scratch pages, the top of
 * user space, or an address that is bad outright. */
static uint64_t
addr_elsewhere(struct fuzz_thread *ft, uint64_t len)
{
    switch (rng_below(&ft->call, 8)) {
    case 0:
        return ft->nmaps ? map_addr_pick(ft, len) : scratch_addr(ft, len);
    case 1:
        return code_address() + rng_below(&ft->call, 256);
    case 2:
        return (uint64_t)(uintptr_t)ft->scratch + FUZZ_SCRATCH_SIZE - 1 -
               rng_below(&ft->call, len ? len : 1);
    case 3:
        return CAIRN_USER_TOP - FUZZ_PAGE - rng_below(&ft->call, 8);
    default:
        return gen_bad_addr(ft);
    }
}

uint64_t
gen_addr_in(struct fuzz_thread *ft, uint64_t len)
{
    switch (rng_below(&ft->call, 16)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
        return scratch_addr(ft, len);
    case 5:
    case 6:
        return FUZZ_DOTS_ADDR + rng_below(&ft->call, 64);
    case 7:
        return FUZZ_VOLATILE + rng_below(&ft->call, FUZZ_VOLATILE_PAGES * FUZZ_PAGE);
    default:
        return addr_elsewhere(ft, len);
    }
}

uint64_t
gen_addr_out(struct fuzz_thread *ft, uint64_t len)
{
    switch (rng_below(&ft->call, 16)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
        return scratch_addr(ft, len);
    case 6:
        return FUZZ_DOTS_ADDR + rng_below(&ft->call, 64); /* read-only */
    case 7:
        /* Read-only or gone, or writable: the unmapping thread decides. */
        return FUZZ_VOLATILE + 2 * FUZZ_PAGE + rng_below(&ft->call, 2 * FUZZ_PAGE);
    default:
        return addr_elsewhere(ft, len);
    }
}

uint64_t
gen_map_addr(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 10)) {
    case 0:
    case 1:
    case 2:
        return 0;
    case 3:
    case 4:
        return FUZZ_FREE_ZONE + FUZZ_PAGE * rng_below(&ft->call, 4096);
    case 5:
        return FUZZ_VOLATILE + FUZZ_PAGE * rng_below(&ft->call, FUZZ_VOLATILE_PAGES);
    case 6:
        return CAIRN_USER_TOP - FUZZ_PAGE * (1 + rng_below(&ft->call, 2));
    case 7:
        return CAIRN_USER_BASE - FUZZ_PAGE * rng_below(&ft->call, 2);
    default:
        return gen_bad_addr(ft);
    }
}

uint64_t
gen_code_addr(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 6)) {
    case 0:
        return CAIRN_USER_BASE;
    case 1:
        return FUZZ_FREE_ZONE + FUZZ_PAGE * rng_below(&ft->call, 4096);
    case 2:
        return CAIRN_VM_PICK_BASE + FUZZ_PAGE * rng_below(&ft->call, 64);
    default:
        return gen_bad_addr(ft);
    }
}

/* What a worker must keep: its image (generously), its main stack and
 * guard, and the pages where it keeps its threads, pools and control page. */
int
fuzz_range_is_protected(uint64_t addr, uint64_t size)
{
    static const uint64_t keep[][2] = {
        {CAIRN_USER_BASE, CAIRN_USER_BASE + 0x4000000},
        {CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - FUZZ_PAGE, CAIRN_USER_STACK_TOP},
        {FUZZ_INFRA, FUZZ_INFRA + FUZZ_INFRA_SIZE},
    };
    uint64_t end = addr + size;

    /* A range the kernel refuses whole (wrapping, past user space) is fine. */
    if (end < addr || end > CAIRN_USER_TOP)
        return 0;
    for (unsigned i = 0; i < ARRAY_LEN(keep); i++) {
        if (addr < keep[i][1] && end > keep[i][0])
            return 1;
    }
    return 0;
}

void
gen_unmap_range(struct fuzz_thread *ft, uint64_t *addr, uint64_t *size)
{
    switch (rng_below(&ft->call, 10)) {
    case 0:
    case 1:
    case 2:
        if (ft->nmaps) {
            const struct fuzz_map *m = &ft->maps[rng_below(&ft->call, ft->nmaps)];
            uint64_t pages = m->size / FUZZ_PAGE, first = rng_below(&ft->call, pages);

            if (rng_one_in(&ft->call, 2)) {
                *addr = m->addr;
                *size = m->size;
            } else {
                *addr = m->addr + first * FUZZ_PAGE;
                *size = FUZZ_PAGE * (1 + rng_below(&ft->call, pages - first));
            }
            break;
        }
        /* fall through */
    case 3:
    case 4:
        *addr = FUZZ_VOLATILE + FUZZ_PAGE * rng_below(&ft->call, FUZZ_VOLATILE_PAGES);
        *size = FUZZ_PAGE * (1 + rng_below(&ft->call, 2));
        break;
    case 5:
        *addr = FUZZ_FREE_ZONE + FUZZ_PAGE * rng_below(&ft->call, 4096);
        *size = gen_size(ft);
        break;
    default:
        *addr = rng_one_in(&ft->call, 2) ? gen_bad_addr(ft) : gen_map_addr(ft);
        *size = gen_size(ft);
        break;
    }
    if (fuzz_range_is_protected(*addr, *size)) {
        *addr = FUZZ_VOLATILE;
        *size = FUZZ_PAGE;
    }
}
