// SPDX-License-Identifier: MIT
/*
 * Local APIC, its timer and inter-processor interrupts (see apic.h). The
 * timer's input clock is not architecturally known, so it is measured
 * against the HPET (or the PIT when there is no HPET) once at boot; all
 * CPUs share the result.
 *
 * The timer only ever runs as a one-shot: in TSC-deadline mode where CPUID
 * offers it (the deadline is a TSC value, the clock's own unit), else in
 * one-shot count-down mode from the measured frequency. Either way
 * lapic_timer_arm() replaces whatever was armed before.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "lib/log.h"
#include "mm/vm.h"
#include "time/clock.h"

#define LAPIC_ID          0x020
#define LAPIC_TPR         0x080
#define LAPIC_EOI         0x0b0
#define LAPIC_SVR         0x0f0
#define LAPIC_ICR_LOW     0x300
#define LAPIC_ICR_HIGH    0x310
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_COUNT 0x390
#define LAPIC_TIMER_DIV   0x3e0

#define SVR_ENABLE         (1u << 8)
#define LVT_MASKED         (1u << 16)
#define LVT_TIMER_ONESHOT  (0u << 17)
#define LVT_TIMER_DEADLINE (2u << 17) /* TSC-deadline mode */
#define TIMER_DIV_16       0x3
#define ICR_FIXED          (0u << 8)
#define ICR_NMI            (4u << 8)
#define ICR_INIT           (5u << 8)
#define ICR_STARTUP        (6u << 8)
#define ICR_PENDING        (1u << 12) /* delivery status: send pending */
#define ICR_ASSERT         (1u << 14) /* level; only INIT de-assert clears it */
#define ICR_SELF           (1u << 18)
#define ICR_ALL_BUT_SELF   (3u << 18)
#define ICR_DEST_SHIFT     24 /* in ICR_HIGH, physical destination mode */

/* Polls of the delivery status before an IPI is declared stuck. Real APICs
 * accept an IPI within a microsecond or so; this is far more. */
#define ICR_SPIN_LIMIT 1000000

#define CALIBRATION_NS 10000000 /* 10 ms */

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

static volatile uint8_t *lapic_base;
static uint64_t timer_hz;       /* [I] ticks per second after the divide-by-16 */
static bool timer_tsc_deadline; /* [I] the timer runs in TSC-deadline mode */

static inline uint32_t
lapic_read(uint32_t reg)
{
    return mmio_read32(lapic_base + reg);
}

static inline void
lapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(lapic_base + reg, v);
}

void
lapic_init(uint64_t phys)
{
    lapic_base = vm_map_device(phys, PAGE_SIZE, PTE_CACHE_UC);
    if (!lapic_base)
        panic("apic: cannot map the local APIC at %lx", phys);
    lapic_init_cpu();
}

void
lapic_init_cpu(void)
{
    /* Make sure the APIC is globally enabled (firmware normally leaves it so). */
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    lapic_write(LAPIC_EOI, 0);
}

uint32_t
lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void
lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

/*
 * Write the ICR (the high half first: writing the low half sends) and wait,
 * bounded, for the APIC to accept the IPI. Interrupts are off throughout so
 * a handler that sends an IPI of its own cannot change ICR_HIGH between our
 * two writes. Returns 0, or -1 if the delivery status never cleared.
 */
static int
lapic_icr_send(uint32_t dest, uint32_t low)
{
    bool irq = irq_save();
    int err = -1;

    lapic_write(LAPIC_ICR_HIGH, dest << ICR_DEST_SHIFT);
    lapic_write(LAPIC_ICR_LOW, low);
    for (unsigned i = 0; i < ICR_SPIN_LIMIT; i++) {
        if (!(lapic_read(LAPIC_ICR_LOW) & ICR_PENDING)) {
            err = 0;
            break;
        }
        cpu_relax();
    }
    irq_restore(irq);
    return err;
}

void
lapic_self_ipi(uint8_t vector)
{
    lapic_icr_send(0, ICR_SELF | ICR_ASSERT | ICR_FIXED | vector);
}

void
lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    lapic_icr_send(apic_id, ICR_ASSERT | ICR_FIXED | vector);
}

void
lapic_broadcast_ipi(uint8_t vector)
{
    lapic_icr_send(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_FIXED | vector);
}

void
lapic_broadcast_nmi(void)
{
    /* Usable from a panic at any point of boot: before the APIC is mapped
     * there is no other CPU to stop. */
    if (lapic_base)
        lapic_icr_send(0, ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_NMI);
}

int
lapic_send_init(uint32_t apic_id)
{
    /* Edge-triggered assert: CPUs since the Pentium 4 need no de-assert. */
    return lapic_icr_send(apic_id, ICR_ASSERT | ICR_INIT);
}

int
lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
    return lapic_icr_send(apic_id, ICR_ASSERT | ICR_STARTUP | page);
}

void
lapic_timer_calibrate(void)
{
    uint64_t start, elapsed;
    uint32_t counted;

    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    start = clock_reference_ns();
    while (clock_reference_ns() - start < CALIBRATION_NS)
        cpu_relax();
    counted = 0xffffffff - lapic_read(LAPIC_TIMER_COUNT);
    elapsed = clock_reference_ns() - start;
    lapic_write(LAPIC_TIMER_INIT, 0);
    timer_hz = (uint64_t)counted * 1000000000ull / (elapsed ? elapsed : 1);
    log_info("apic: timer %lu kHz", timer_hz / 1000);
}

void
lapic_timer_start(void)
{
    if (this_cpu()->index == 0) {
        uint32_t a, b, c, d;

        cpuid(1, 0, &a, &b, &c, &d);
        timer_tsc_deadline = (c & CPUID_1_ECX_TSC_DEADLINE) && clock_tsc_hz();
        log_info("apic: timer %s", timer_tsc_deadline ? "TSC-deadline" : "one-shot");
    }
    if (timer_tsc_deadline) {
        lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC_TIMER);
        /* The SDM asks for the LVT write to be ordered before any write of
         * the deadline MSR (which is not serializing for it). */
        mfence();
    } else {
        lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
        lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | VEC_TIMER);
    }
}

/* ceil(ns * hz / 10^9) without 128-bit division: split ns into whole
 * seconds and the rest (rest * hz stays below 2^64 for hz < 18 GHz). */
static uint64_t
ns_to_counts(uint64_t ns, uint64_t hz)
{
    uint64_t s = ns / 1000000000ull, rest = ns % 1000000000ull;

    return s * hz + (rest * hz + 999999999ull) / 1000000000ull;
}

void
lapic_timer_arm(uint64_t delta_ns)
{
    uint64_t n;

    if (timer_tsc_deadline) {
        n = ns_to_counts(delta_ns, clock_tsc_hz());
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + (n ? n : 1));
        return;
    }
    /* The count starts at the write; 0 would stop the timer instead. */
    n = ns_to_counts(delta_ns, timer_hz);
    lapic_write(LAPIC_TIMER_INIT, n == 0 ? 1 : n > 0xffffffff ? 0xffffffff : (uint32_t)n);
}

bool
lapic_timer_is_tsc_deadline(void)
{
    return timer_tsc_deadline;
}

uint64_t
lapic_timer_hz(void)
{
    return timer_hz;
}

void
pic_disable(void)
{
    /* Remap both 8259s to vectors 32-47 first, so a spurious IRQ from them
     * cannot pose as a CPU exception, then mask every line. */
    outb(0x20, 0x11);
    io_wait();
    outb(0xa0, 0x11);
    io_wait();
    outb(0x21, 32);
    io_wait();
    outb(0xa1, 40);
    io_wait();
    outb(0x21, 4);
    io_wait();
    outb(0xa1, 2);
    io_wait();
    outb(0x21, 1);
    io_wait();
    outb(0xa1, 1);
    io_wait();
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}
