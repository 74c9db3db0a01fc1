// SPDX-License-Identifier: MIT
/*
 * Host tests for common/align.h: rounding to powers of two, compared with
 * the division-based definition, and at the top of the 64-bit range, where
 * align_up wraps to 0 as its header says (callers with untrusted values
 * check before rounding).
 */
#include <stdint.h>

#include "check.h"
#include "common/align.h"

TEST(align_matches_division_for_every_small_value_and_power)
{
    for (unsigned shift = 0; shift < 16; shift++) {
        uint64_t a = 1ull << shift;

        for (uint64_t x = 0; x < 3 * a + 70; x++) {
            CHECK(align_down(x, a) == x / a * a);
            CHECK(align_up(x, a) == (x + a - 1) / a * a);
            CHECK(align_is_aligned(x, a) == (x % a == 0));
        }
    }
}

TEST(align_leaves_aligned_values_alone)
{
    CHECK(align_up(0, 4096) == 0);
    CHECK(align_down(0, 4096) == 0);
    CHECK(align_up(0x400000, 4096) == 0x400000);
    CHECK(align_down(0x400000, 4096) == 0x400000);
    CHECK(align_up(7, 1) == 7 && align_down(7, 1) == 7 && align_is_aligned(7, 1));
}

TEST(align_handles_the_top_of_the_range)
{
    CHECK(align_down(UINT64_MAX, 4096) == UINT64_MAX - 4095);
    CHECK(align_up(UINT64_MAX - 8190, 4096) == UINT64_MAX - 4095);
    CHECK(align_up(UINT64_MAX - 8191, 4096) == UINT64_MAX - 8191);
    CHECK(align_up(UINT64_MAX - 4094, 4096) == 0); /* wraps, as documented */
    CHECK(align_down(UINT64_MAX, 1ull << 63) == 1ull << 63);
    CHECK(align_is_aligned(1ull << 63, 1ull << 63));
}

int
main(void)
{
    RUN(align_matches_division_for_every_small_value_and_power);
    RUN(align_leaves_aligned_values_alone);
    RUN(align_handles_the_top_of_the_range);
    return check_exit();
}
