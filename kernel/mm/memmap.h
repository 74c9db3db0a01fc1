/* SPDX-License-Identifier: MIT */
/*
 * Turning the boot loader's memory map into page frames the allocator may
 * use. Firmware maps are often untidy: entries overlap, repeat, come in any
 * order, or are outright corrupt. The rule here is that when in doubt, the
 * memory is not used:
 *   - only BOOT_MEM_USABLE entries contribute memory;
 *   - every other entry (reserved, ACPI, bad, unknown types) removes its
 *     range, even where a usable entry claims the same bytes;
 *   - a usable entry whose base + len runs past 2^64 is ignored as corrupt,
 *     a non-usable one is taken to run to the top of the address space;
 *   - usable memory is trimmed inward to whole pages, everything removed
 *     (non-usable entries and the caller's reserved ranges) is widened
 *     outward to whole pages.
 */
#ifndef CAIRN_MM_MEMMAP_H
#define CAIRN_MM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

#define MEMMAP_PAGE_SIZE 4096u

struct phys_range {
    uint64_t base; /* inclusive */
    uint64_t end;  /* exclusive */
};

/*
 * Stores in out the free memory: usable map entries minus non-usable entries
 * minus reserved (each [base, end); end <= base means empty). The result is
 * page-aligned, sorted, non-overlapping, with adjacent pieces merged.
 * Returns the number of ranges stored; ranges past out_max are dropped with
 * a warning. Runs in O((map_count + reserved_count)^2), without allocating.
 */
size_t memmap_free_ranges(const struct boot_mem_region *map, size_t map_count,
                          const struct phys_range *reserved, size_t reserved_count,
                          struct phys_range *out, size_t out_max);

/*
 * Bytes of usable memory under the same rules, without reserved ranges: the
 * figure behind the boot line "mem=<MiB>MiB".
 */
uint64_t memmap_usable_bytes(const struct boot_mem_region *map, size_t n);

#endif
