// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of SMP bring-up: every enabled MADT CPU is online with
 * the APIC id its cpus[] entry names, IPIs reach handlers running on the
 * CPU they were sent to, and every CPU's timer ticks. With one CPU the
 * per-AP checks have nothing to do and pass.
 *
 * The tests may run on any CPU and, once the scheduler runs threads on
 * every CPU, move between CPUs whenever interrupts are on; so "this CPU"
 * is only read with interrupts off.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/kernel.h"
#include "core/ktest.h"
#include "time/clock.h"

#define MS       1000000ul
/* How long an IPI or a tick may take to show: far more than it needs, for
 * a host that stalls a virtual CPU. */
#define IPI_WAIT (5000 * MS)

/* What the IPI handler saw, per receiving CPU index. */
static unsigned ipi_hits[MAX_CPUS];     /* [a] */
static uint32_t ipi_apic_ids[MAX_CPUS]; /* [a] lapic_id() read on that CPU */

static void
ipi_test_handler(struct trap_frame *tf, void *arg)
{
    unsigned me = this_cpu()->index;

    (void)tf;
    (void)arg;
    __atomic_store_n(&ipi_apic_ids[me], lapic_id(), __ATOMIC_RELAXED);
    __atomic_fetch_add(&ipi_hits[me], 1, __ATOMIC_RELEASE);
}

static void
ipi_test_reset(void)
{
    for (unsigned i = 0; i < MAX_CPUS; i++) {
        __atomic_store_n(&ipi_hits[i], 0, __ATOMIC_RELAXED);
        __atomic_store_n(&ipi_apic_ids[i], ~0u, __ATOMIC_RELAXED);
    }
}

/* Wait up to timeout_ns for cpus [first, last) to have taken one IPI each. */
static bool
ipi_test_wait(unsigned first, unsigned last, uint64_t timeout_ns)
{
    uint64_t start = clock_monotonic_ns();

    for (;;) {
        bool all = true;
        for (unsigned i = first; i < last; i++)
            all &= __atomic_load_n(&ipi_hits[i], __ATOMIC_ACQUIRE) != 0;
        if (all)
            return true;
        if (clock_monotonic_ns() - start > timeout_ns)
            return false;
        cpu_relax();
    }
}

KTEST(smp_all_madt_cpus_online_with_distinct_apic_ids)
{
    unsigned n = __atomic_load_n(&cpu_count, __ATOMIC_ACQUIRE);
    uint32_t mine, actual;
    bool irq;

    KTEST_EXPECT(n == kernel_cpus_found(), "%u CPUs online, the MADT enables %u", n,
                 kernel_cpus_found());
    irq = irq_save();
    mine = this_cpu()->apic_id;
    actual = lapic_id();
    irq_restore(irq);
    KTEST_EXPECT(mine == actual, "this CPU's cpus[] entry says APIC id %u, its APIC %u", mine,
                 actual);
    for (unsigned i = 0; i < n; i++) {
        KTEST_EXPECT(__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE), "cpu %u not online", i);
        KTEST_EXPECT(cpus[i].index == i, "cpus[%u].index is %u", i, cpus[i].index);
        KTEST_EXPECT(cpus[i].self == &cpus[i], "cpus[%u].self is %p", i, (void *)cpus[i].self);
        for (unsigned j = 0; j < i; j++)
            KTEST_EXPECT(cpus[i].apic_id != cpus[j].apic_id, "cpus %u and %u share APIC id %u", j,
                         i, cpus[i].apic_id);
    }
    /* Every enabled MADT CPU is one of them. */
    for (unsigned m = 0; acpi_present && m < acpi_info.cpu_count; m++) {
        bool found = false;

        if (!acpi_info.cpus[m].enabled)
            continue;
        for (unsigned i = 0; i < n; i++)
            found |= cpus[i].apic_id == acpi_info.cpus[m].apic_id;
        KTEST_EXPECT(found, "MADT CPU with APIC id %u is not online", acpi_info.cpus[m].apic_id);
    }
    for (unsigned i = n; i < MAX_CPUS; i++)
        KTEST_EXPECT(!cpus[i].online, "cpus[%u] online beyond cpu_count %u", i, n);
}

KTEST(smp_ipi_reaches_handler_on_target_cpu)
{
    unsigned n = cpu_count;

    KTEST_EXPECT(trap_set_handler(VEC_IPI_TEST, ipi_test_handler, NULL) == 0, "vector %u taken",
                 VEC_IPI_TEST);
    /* Every CPU, the sender's own included: an IPI to oneself is allowed. */
    for (unsigned target = 0; target < n; target++) {
        ipi_test_reset();
        lapic_send_ipi(cpus[target].apic_id, VEC_IPI_TEST);
        if (!ipi_test_wait(target, target + 1, IPI_WAIT)) {
            KTEST_EXPECT(false, "IPI to cpu %u (APIC id %u) never arrived", target,
                         cpus[target].apic_id);
            continue;
        }
        /* Give a misdirected copy time to show up too. */
        clock_delay_ns(1 * MS);
        for (unsigned i = 0; i < n; i++) {
            unsigned hits = __atomic_load_n(&ipi_hits[i], __ATOMIC_ACQUIRE);
            KTEST_EXPECT(hits == (i == target ? 1u : 0u), "IPI to cpu %u: cpu %u took it %u times",
                         target, i, hits);
        }
        KTEST_EXPECT(ipi_apic_ids[target] == cpus[target].apic_id,
                     "cpu %u's handler read APIC id %u, cpus[] says %u", target,
                     ipi_apic_ids[target], cpus[target].apic_id);
    }
    trap_clear_handler(VEC_IPI_TEST);
}

KTEST(smp_broadcast_ipi_reaches_every_other_cpu)
{
    unsigned n = cpu_count, sender;
    bool irq;

    KTEST_EXPECT(trap_set_handler(VEC_IPI_TEST, ipi_test_handler, NULL) == 0, "vector %u taken",
                 VEC_IPI_TEST);
    ipi_test_reset();
    /* With interrupts off the sender cannot move between the two lines. */
    irq = irq_save();
    sender = this_cpu()->index;
    lapic_broadcast_ipi(VEC_IPI_TEST);
    irq_restore(irq);
    KTEST_EXPECT(ipi_test_wait(0, sender, IPI_WAIT) && ipi_test_wait(sender + 1, n, IPI_WAIT),
                 "a broadcast IPI from cpu %u did not reach every other CPU", sender);
    clock_delay_ns(1 * MS);
    for (unsigned i = 0; i < n; i++) {
        unsigned hits = __atomic_load_n(&ipi_hits[i], __ATOMIC_ACQUIRE);

        if (i == sender) {
            KTEST_EXPECT(hits == 0, "the sender, cpu %u, took its own broadcast", i);
            continue;
        }
        KTEST_EXPECT(hits == 1, "cpu %u took the broadcast %u times", i, hits);
        KTEST_EXPECT(ipi_apic_ids[i] == cpus[i].apic_id,
                     "cpu %u's handler read APIC id %u, cpus[] says %u", i, ipi_apic_ids[i],
                     cpus[i].apic_id);
    }
    trap_clear_handler(VEC_IPI_TEST);
}

KTEST(smp_every_cpu_timer_ticks)
{
    uint64_t before[MAX_CPUS], after, start = clock_monotonic_ns();
    unsigned n = cpu_count, ticked = 0;

    for (unsigned i = 0; i < n; i++)
        before[i] = __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED);
    /* Ten ticks every 100 ms at 100 Hz; a host that stalls a virtual CPU
     * delays them, so wait for them rather than for a fixed time. */
    while (ticked < n && clock_monotonic_ns() - start < IPI_WAIT) {
        clock_delay_ns(10 * MS);
        ticked = 0;
        for (unsigned i = 0; i < n; i++)
            ticked += __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED) > before[i];
    }
    for (unsigned i = 0; i < n; i++) {
        after = __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED);
        KTEST_EXPECT(after > before[i], "cpu %u's timer did not tick in %lu s (%lu)", i,
                     IPI_WAIT / (1000 * MS), after);
    }
}
