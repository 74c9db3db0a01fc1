// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the clocks and interrupt delivery: the timer ticks,
 * the monotonic clock agrees with the reference clock, a self-IPI and a
 * device interrupt through the I/O APIC reach their handlers.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/ktest.h"
#include "time/clock.h"
#include "time/pit.h"

#define MS 1000000ul

/* One paired measurement over a window of the reference clock; true when
 * the monotonic clock advanced within a factor of two of it. An emulator
 * running more virtual CPUs than it has host cores lets the TSC and the
 * HPET drift apart by over 15%, and a host stall during the boot's TSC
 * calibration skews the scale itself by a third (seen on a loaded
 * machine); the test is after a wrong scale (a factor of 16 or 1000), not
 * tens of percent. */
static bool
clock_agrees_once(uint64_t *dm_out, uint64_t *dr_out)
{
    uint64_t r0, m0, r1, m1, dr, dm;

    r0 = clock_reference_ns();
    m0 = clock_monotonic_ns();
    do {
        r1 = clock_reference_ns();
    } while (r1 - r0 < 50 * MS);
    m1 = clock_monotonic_ns();
    dr = r1 - r0;
    dm = m1 - m0;
    *dm_out = dm;
    *dr_out = dr;
    return dm > dr / 2 && dm < dr * 2;
}

KTEST(clock_monotonic_matches_reference)
{
    uint64_t dm = 0, dr = 0;
    bool agreed = false;

    KTEST_EXPECT(clock_tsc_hz() > 0, "TSC frequency unknown");
    /* An emulated CPU can be descheduled between the paired reads, which
     * skews one measurement; a wrong scale skews all of them. */
    for (unsigned attempt = 0; attempt < 3 && !agreed; attempt++)
        agreed = clock_agrees_once(&dm, &dr);
    KTEST_EXPECT(agreed, "monotonic advanced %lu ns while the %s advanced %lu ns", dm,
                 clock_reference_name(), dr);
}

KTEST(clock_monotonic_never_goes_backwards)
{
    uint64_t last = clock_monotonic_ns();

    for (unsigned i = 0; i < 100000; i++) {
        uint64_t now = clock_monotonic_ns();
        KTEST_EXPECT(now >= last, "went back from %lu to %lu", last, now);
        if (now < last)
            return;
        last = now;
    }
}

KTEST(timer_ticks_at_configured_rate)
{
    uint64_t t0, t1, n0, n1, expect;

    KTEST_EXPECT(lapic_timer_hz() > 0, "APIC timer frequency unknown");
    KTEST_EXPECT(irq_enabled(), "interrupts are off");
    n0 = clock_ticks();
    t0 = clock_monotonic_ns();
    while (clock_monotonic_ns() - t0 < 200 * MS)
        cpu_idle();
    n1 = clock_ticks();
    t1 = clock_monotonic_ns();
    expect = (t1 - t0) * CLOCK_HZ / 1000000000ull;
    /* An emulator may drop periodic ticks when its host thread is late (TCG
     * loses a quarter of them on a busy machine, and its TSC may drift from
     * the timer's clock), so ticks are no clock: the bounds only catch a
     * stopped timer, a wrong divider or a runaway rate. */
    KTEST_EXPECT(n1 - n0 >= expect / 4 && n1 - n0 <= expect * 2 + 2,
                 "%lu ticks in %lu ms, expected about %lu", n1 - n0, (t1 - t0) / MS, expect);
    /* Every CPU's timer runs at the same rate: compare with the bootstrap
     * CPU's count, which drives the global one. */
    KTEST_EXPECT(cpus[0].ticks + 2 >= n1, "CPU 0 ticks %lu behind global %lu", cpus[0].ticks, n1);
}

static volatile unsigned ipi_hits;

static void
test_ipi_handler(struct trap_frame *tf, void *arg)
{
    (void)arg;
    if (tf->vector == VEC_TEST)
        ipi_hits++;
}

KTEST(self_ipi_reaches_its_handler)
{
    ipi_hits = 0;
    KTEST_EXPECT(trap_set_handler(VEC_TEST, test_ipi_handler, NULL) == 0, "vector taken");
    KTEST_EXPECT(trap_set_handler(VEC_TEST, test_ipi_handler, NULL) < 0,
                 "a vector could be claimed twice");
    lapic_self_ipi(VEC_TEST);
    lapic_self_ipi(VEC_TEST);
    for (unsigned i = 0; i < 1000000 && ipi_hits < 2; i++)
        cpu_relax();
    KTEST_EXPECT(ipi_hits == 2, "%u of 2 IPIs arrived", ipi_hits);
    trap_clear_handler(VEC_TEST);
}

static volatile unsigned pit_hits;

static void
test_pit_handler(struct trap_frame *tf, void *arg)
{
    (void)tf;
    (void)arg;
    pit_hits++;
}

KTEST(ioapic_delivers_pit_interrupt)
{
    const unsigned vector = VEC_IRQ_BASE;
    uint64_t start;

    pit_hits = 0;
    KTEST_EXPECT(ioapic_pin_count() >= 16, "only %u I/O APIC pins", ioapic_pin_count());
    KTEST_EXPECT(trap_set_handler(vector, test_pit_handler, NULL) == 0, "vector taken");
    KTEST_EXPECT(ioapic_route_isa(0, vector, this_cpu()->apic_id) == 0, "IRQ 0 not routable");
    pit_oneshot(2 * MS);
    start = clock_monotonic_ns();
    while (!pit_hits && clock_monotonic_ns() - start < 500 * MS)
        cpu_idle();
    KTEST_EXPECT(pit_hits >= 1, "the PIT interrupt never arrived");
    ioapic_mask_gsi(0);
    ioapic_mask_gsi(2);
    trap_clear_handler(vector);
    pit_init(); /* back to the free-running reference counter */
}
