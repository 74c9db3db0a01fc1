// SPDX-License-Identifier: MIT
/*
 * Host tests of lib/blkserve's pure parts (lib/blkserve/check.c): badges
 * that tell the three kinds of handle apart and survive a round trip, and
 * the READ/WRITE checks with a partition's offset, the buffer's bounds and
 * inputs chosen to overflow.
 */
#include <stdint.h>

#include "blkserve/blkserve.h"
#include "cairn/errors.h"
#include "check.h"

TEST(badges_round_trip_every_field)
{
    struct blkserve_badge b;
    uint64_t badge = blkserve_badge_make(BLKSERVE_KIND_CHANNEL, 7, 63, 0xdeadbeefu);

    CHECK(blkserve_badge_parse(badge, &b) == 0);
    CHECK(b.kind == BLKSERVE_KIND_CHANNEL && b.disk == 7 && b.slot == 63 && b.gen == 0xdeadbeefu);
    CHECK(blkserve_badge_parse(blkserve_badge_make(BLKSERVE_KIND_DEVICE, 0, 0, 0), &b) == 0);
    CHECK(b.kind == BLKSERVE_KIND_DEVICE && b.disk == 0 && b.slot == 0 && b.gen == 0);
}

TEST(badges_of_different_kinds_or_generations_differ)
{
    uint64_t dev = blkserve_badge_make(BLKSERVE_KIND_DEVICE, 1, 0, 0);
    uint64_t part = blkserve_badge_make(BLKSERVE_KIND_PARTITION, 1, 0, 0);
    uint64_t chan = blkserve_badge_make(BLKSERVE_KIND_CHANNEL, 1, 0, 0);

    CHECK(dev != part && part != chan && dev != chan);
    CHECK(dev != 0); /* badge 0 is the bare endpoint: no handle the library mints */
    CHECK(blkserve_badge_make(BLKSERVE_KIND_CHANNEL, 1, 2, 3) !=
          blkserve_badge_make(BLKSERVE_KIND_CHANNEL, 1, 2, 4));
}

TEST(badges_of_no_kind_are_refused)
{
    struct blkserve_badge b;

    CHECK(blkserve_badge_parse(0, &b) == -CAIRN_EBADF);
    CHECK(blkserve_badge_parse(1234, &b) == -CAIRN_EBADF);
    CHECK(blkserve_badge_parse(blkserve_badge_make(4, 0, 0, 1), &b) == -CAIRN_EBADF);
    CHECK(blkserve_badge_parse(~0ull, &b) == -CAIRN_EBADF);
}

TEST(rw_adds_the_partition_offset)
{
    uint64_t lba = 0;

    CHECK(blkserve_check_rw(2048, 96256, 512, 128, 65536, 0, 1, 0, &lba) == 0 && lba == 2048);
    CHECK(blkserve_check_rw(2048, 96256, 512, 128, 65536, 96255, 1, 512, &lba) == 0 &&
          lba == 2048 + 96255);
    CHECK(blkserve_check_rw(0, 100, 4096, 16, 65536, 84, 16, 0, &lba) == 0 && lba == 84);
}

TEST(rw_refuses_ranges_past_the_handles_end)
{
    uint64_t lba = 7;

    CHECK(blkserve_check_rw(2048, 100, 512, 128, 65536, 100, 1, 0, &lba) == -CAIRN_ERANGE);
    CHECK(blkserve_check_rw(2048, 100, 512, 128, 65536, 99, 2, 0, &lba) == -CAIRN_ERANGE);
    CHECK(blkserve_check_rw(2048, 100, 512, 128, 65536, UINT64_MAX, 1, 0, &lba) == -CAIRN_ERANGE);
    CHECK(blkserve_check_rw(2048, 100, 512, 128, 65536, UINT64_MAX - 1, 2, 0, &lba) ==
          -CAIRN_ERANGE);
    CHECK(lba == 7); /* untouched on an error */
}

TEST(rw_refuses_bad_counts_and_buffer_ranges)
{
    uint64_t lba;

    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 0, 0, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 1 << 20, 0, 129, 0, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, UINT64_MAX, 0, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 1, 1, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 1, 65536, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 2, 65024, &lba) == -CAIRN_EINVAL);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 1, 65024, &lba) == 0);
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 0, 1, UINT64_MAX - 511, &lba) ==
          -CAIRN_EINVAL);
    /* Malformed arguments are EINVAL even when the range is also bad. */
    CHECK(blkserve_check_rw(0, 1000, 512, 128, 65536, 5000, 0, 0, &lba) == -CAIRN_EINVAL);
}

int
main(void)
{
    RUN(badges_round_trip_every_field);
    RUN(badges_of_different_kinds_or_generations_differ);
    RUN(badges_of_no_kind_are_refused);
    RUN(rw_adds_the_partition_offset);
    RUN(rw_refuses_ranges_past_the_handles_end);
    RUN(rw_refuses_bad_counts_and_buffer_ranges);
    return check_exit();
}
