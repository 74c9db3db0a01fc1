// SPDX-License-Identifier: MIT
/*
 * Free physical ranges from the boot memory map (the rules are in memmap.h).
 *
 * Rather than sorting and merging entries, which would need scratch memory
 * before any allocator exists, this sweeps the address space from 0 upward.
 * Every entry contributes its two ends as boundaries; between consecutive
 * boundaries nothing changes, so one probe per segment tells whether the
 * whole segment is free: covered by some usable interval and by no blocking
 * one. Consecutive free segments form a run, and each run is trimmed to
 * whole pages when it ends. The output is therefore sorted and merged by
 * construction, whatever the order and overlap of the input.
 */
#include <stdbool.h>

#include "lib/log.h"
#include "mm/memmap.h"

#define PAGE_MASK ((uint64_t)MEMMAP_PAGE_SIZE - 1)

enum memmap_kind {
    MK_NONE,   /* contributes nothing: empty or ignored */
    MK_USABLE, /* memory the kernel may use */
    MK_BLOCKED /* memory that must not be used, widened to whole pages */
};

struct memmap_input {
    const struct boot_mem_region *map;
    size_t map_count;
    const struct phys_range *reserved;
    size_t reserved_count;
};

struct memmap_sink {
    struct phys_range *out;
    size_t out_max;
    size_t stored;
    size_t dropped;
    uint64_t bytes;
};

static uint64_t
round_down(uint64_t x)
{
    return x & ~PAGE_MASK;
}

/* Rounds up, saturating at the top of the address space. */
static uint64_t
round_up_saturating(uint64_t x)
{
    return x > UINT64_MAX - PAGE_MASK ? UINT64_MAX : (x + PAGE_MASK) & ~PAGE_MASK;
}

/* Whether a non-empty entry runs past 2^64 (ending exactly there is fine). */
static bool
memmap_entry_wraps(const struct boot_mem_region *r)
{
    return r->len - 1 > UINT64_MAX - r->base;
}

/*
 * The exclusive end of a non-empty entry that does not wrap. An entry ending
 * exactly at 2^64 ends at UINT64_MAX instead: that loses one byte, which lies
 * in an incomplete page and would be trimmed anyway.
 */
static uint64_t
memmap_entry_end(const struct boot_mem_region *r)
{
    return r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;
}

/*
 * The i-th interval of the input (map entries first, then reserved ranges),
 * as [*base, *end) with its kind. Blocking intervals come back widened.
 */
static enum memmap_kind
memmap_interval(const struct memmap_input *in, size_t i, uint64_t *base, uint64_t *end)
{
    if (i < in->map_count) {
        const struct boot_mem_region *r = &in->map[i];

        if (r->len == 0)
            return MK_NONE;
        if (r->type == BOOT_MEM_USABLE) {
            if (memmap_entry_wraps(r))
                return MK_NONE;
            *base = r->base;
            *end = memmap_entry_end(r);
            return MK_USABLE;
        }
        *base = round_down(r->base);
        *end = memmap_entry_wraps(r) ? UINT64_MAX : round_up_saturating(memmap_entry_end(r));
        return MK_BLOCKED;
    }

    const struct phys_range *r = &in->reserved[i - in->map_count];
    if (r->end <= r->base)
        return MK_NONE;
    *base = round_down(r->base);
    *end = round_up_saturating(r->end);
    return MK_BLOCKED;
}

/* Whether the byte at x is covered by a usable and by no blocking interval. */
static bool
memmap_is_free(const struct memmap_input *in, uint64_t x)
{
    size_t n = in->map_count + in->reserved_count;
    bool usable = false;

    for (size_t i = 0; i < n; i++) {
        uint64_t base, end;
        enum memmap_kind kind = memmap_interval(in, i, &base, &end);

        if (kind == MK_NONE || x < base || x >= end)
            continue;
        if (kind == MK_BLOCKED)
            return false;
        usable = true;
    }
    return usable;
}

/* The smallest interval end point above x, or UINT64_MAX when there is none. */
static uint64_t
memmap_next_boundary(const struct memmap_input *in, uint64_t x)
{
    size_t n = in->map_count + in->reserved_count;
    uint64_t next = UINT64_MAX;

    for (size_t i = 0; i < n; i++) {
        uint64_t base, end;

        if (memmap_interval(in, i, &base, &end) == MK_NONE)
            continue;
        if (base > x && base < next)
            next = base;
        if (end > x && end < next)
            next = end;
    }
    return next;
}

/* Trims a free run to whole pages and records it. */
static void
memmap_emit(struct memmap_sink *sink, uint64_t base, uint64_t end)
{
    base = round_up_saturating(base);
    end = round_down(end);
    if (base >= end)
        return;
    sink->bytes += end - base;
    if (sink->stored < sink->out_max)
        sink->out[sink->stored++] = (struct phys_range){base, end};
    else
        sink->dropped++;
}

static void
memmap_sweep(const struct memmap_input *in, struct memmap_sink *sink)
{
    uint64_t x = 0, run_base = 0;
    bool in_run = false;

    /* The byte at UINT64_MAX is never usable: usable ends are <= UINT64_MAX. */
    while (x < UINT64_MAX) {
        uint64_t next = memmap_next_boundary(in, x);

        if (memmap_is_free(in, x)) {
            if (!in_run)
                run_base = x;
            in_run = true;
        } else if (in_run) {
            memmap_emit(sink, run_base, x);
            in_run = false;
        }
        x = next;
    }
    if (in_run)
        memmap_emit(sink, run_base, x);
}

size_t
memmap_free_ranges(const struct boot_mem_region *map, size_t map_count,
                   const struct phys_range *reserved, size_t reserved_count, struct phys_range *out,
                   size_t out_max)
{
    struct memmap_input in = {map, map_count, reserved, reserved_count};
    struct memmap_sink sink = {.out = out, .out_max = out_max};
    size_t corrupt = 0;

    for (size_t i = 0; i < map_count; i++) {
        if (map[i].type == BOOT_MEM_USABLE && map[i].len && memmap_entry_wraps(&map[i]))
            corrupt++;
    }
    if (corrupt)
        log_warn("memmap: ignored %zu usable entries that wrap past 2^64", corrupt);

    memmap_sweep(&in, &sink);
    if (sink.dropped)
        log_warn("memmap: %zu free ranges beyond the first %zu were dropped", sink.dropped,
                 out_max);
    return sink.stored;
}

uint64_t
memmap_usable_bytes(const struct boot_mem_region *map, size_t n)
{
    struct memmap_input in = {map, n, NULL, 0};
    struct memmap_sink sink = {.out = NULL, .out_max = 0};

    memmap_sweep(&in, &sink);
    return sink.bytes;
}
