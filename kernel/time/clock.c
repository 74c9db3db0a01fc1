// SPDX-License-Identifier: MIT
/*
 * The monotonic clock and the tick counter (see clock.h).
 *
 * ns = (tsc - tsc_base) * mult >> 32, with mult = 10^9 * 2^32 / tsc_hz,
 * multiplied in 128 bits so it never overflows (no 128-bit division: the
 * kernel links no libgcc).
 */
#include "time/clock.h"
#include "arch/x86_64/cpu.h"
#include "lib/log.h"
#include "time/hpet.h"
#include "time/pit.h"

#define TSC_CALIBRATION_NS 20000000 /* 20 ms */

static bool use_hpet;
static uint64_t tsc_base;
static uint64_t tsc_hz;
static uint64_t tsc_mult; /* 0 until calibrated: the clock reads 0 */
static uint64_t ticks;    /* [a] */

uint64_t
clock_reference_ns(void)
{
    return use_hpet ? hpet_read_ns() : pit_read_ns();
}

const char *
clock_reference_name(void)
{
    return use_hpet ? "hpet" : "pit";
}

void
clock_init(const struct acpi_info *ai)
{
    uint64_t t0, r0, t1, r1;

    pit_init();
    use_hpet = ai && ai->has_hpet && hpet_init(ai->hpet_addr);
    if (!use_hpet)
        log_info("clock: no usable HPET, calibrating against the PIT");

    r0 = clock_reference_ns();
    t0 = rdtsc();
    do {
        r1 = clock_reference_ns();
    } while (r1 - r0 < TSC_CALIBRATION_NS);
    t1 = rdtsc();
    /* 64 bits suffice: (t1 - t0) stays far below 2^64 / 10^9 for a 20 ms window. */
    tsc_hz = (t1 - t0) * 1000000000ull / (r1 - r0);
    if (tsc_hz == 0)
        tsc_hz = 1;
    tsc_base = t0;
    tsc_mult = (1000000000ull << 32) / tsc_hz;
    log_info("clock: TSC %lu.%03lu MHz (against the %s)", tsc_hz / 1000000, tsc_hz / 1000 % 1000,
             clock_reference_name());
}

uint64_t
clock_monotonic_ns(void)
{
    uint64_t now;

    if (!tsc_mult)
        return 0;
    now = rdtsc();
    if (now < tsc_base)
        return 0;
    return (uint64_t)(((unsigned __int128)(now - tsc_base) * tsc_mult) >> 32);
}

uint64_t
clock_tsc_hz(void)
{
    return tsc_hz;
}

void
clock_tick(void)
{
    __atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
}

uint64_t
clock_ticks(void)
{
    return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

void
clock_delay_ns(uint64_t ns)
{
    uint64_t start = clock_monotonic_ns();

    while (clock_monotonic_ns() - start < ns)
        cpu_relax();
}
