// SPDX-License-Identifier: MIT
/*
 * The pure parts of lib/blkserve (blkserve.h): badges and the argument and
 * range checks of READ and WRITE. No system calls, so the host test
 * (tests/host/test_blkserve.c) builds this file as it is.
 */
#include <cairn/errors.h>

#include "blkserve.h"

uint64_t
blkserve_badge_make(uint32_t kind, uint32_t disk, uint32_t slot, uint32_t gen)
{
    return (uint64_t)(kind & 0xffu) << 56 | (uint64_t)(disk & 0xffu) << 48 |
           (uint64_t)(slot & 0xffffu) << 32 | gen;
}

int
blkserve_badge_parse(uint64_t badge, struct blkserve_badge *b)
{
    b->kind = (uint32_t)(badge >> 56);
    b->disk = (uint32_t)(badge >> 48) & 0xffu;
    b->slot = (uint32_t)(badge >> 32) & 0xffffu;
    b->gen = (uint32_t)badge;
    if (b->kind < BLKSERVE_KIND_DEVICE || b->kind > BLKSERVE_KIND_CHANNEL)
        return -CAIRN_EBADF;
    return 0;
}

int
blkserve_check_rw(uint64_t first, uint64_t sectors, uint32_t sector_size, uint32_t max_sectors,
                  uint64_t buf_size, uint64_t lba, uint64_t count, uint64_t offset,
                  uint64_t *disk_lba)
{
    /* count <= max_sectors keeps count * sector_size far from overflow. */
    if (count == 0 || count > max_sectors || sector_size == 0 || offset % sector_size)
        return -CAIRN_EINVAL;
    if (offset > buf_size || count * sector_size > buf_size - offset)
        return -CAIRN_EINVAL;
    if (lba >= sectors || count > sectors - lba)
        return -CAIRN_ERANGE;
    *disk_lba = first + lba;
    return 0;
}
