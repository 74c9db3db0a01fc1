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

#define TSC_CALIBRATION_NS      10000000 /* 10 ms a window */
#define TSC_CALIBRATION_WINDOWS 5

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

/* TSC ticks per second over one window of the reference clock. */
static uint64_t
clock_measure_tsc_hz(void)
{
    uint64_t t0, r0, t1, r1;

    r0 = clock_reference_ns();
    t0 = rdtsc();
    do {
        r1 = clock_reference_ns();
    } while (r1 - r0 < TSC_CALIBRATION_NS);
    t1 = rdtsc();
    /* 64 bits suffice: (t1 - t0) stays far below 2^64 / 10^9 for a short window. */
    return (t1 - t0) * 1000000000ull / (r1 - r0);
}

void
clock_init(const struct acpi_info *ai)
{
    uint64_t hz[TSC_CALIBRATION_WINDOWS];

    pit_init();
    use_hpet = ai && ai->has_hpet && hpet_init(ai->hpet_addr);
    if (!use_hpet)
        log_info("clock: no usable HPET, calibrating against the PIT");

    /* The median of several windows: a stall of the CPU inside one window
     * (an SMI, or an emulator's host thread descheduled) skews that one
     * only. Insertion sort; a handful of values. */
    for (unsigned i = 0; i < TSC_CALIBRATION_WINDOWS; i++) {
        uint64_t v = clock_measure_tsc_hz();
        unsigned j = i;

        for (; j > 0 && hz[j - 1] > v; j--)
            hz[j] = hz[j - 1];
        hz[j] = v;
    }
    tsc_hz = hz[TSC_CALIBRATION_WINDOWS / 2];
    if (tsc_hz == 0)
        tsc_hz = 1;
    tsc_base = rdtsc();
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
