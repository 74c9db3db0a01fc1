// SPDX-License-Identifier: MIT
/*
 * Starting the application processors (see smp.h for the protocol with
 * ap_start.S).
 *
 * The bootstrap CPU starts the APs one at a time: it fills the trampoline's
 * parameter block for cpus[n], sends INIT, then STARTUP (twice if the first
 * did not take), and waits for the AP to mark cpus[n].online. Only then
 * does it reuse the block for the next AP. cpus[0..cpu_count) are exactly
 * the CPUs online: a CPU that fails is parked with INIT and its slot reused.
 *
 * Each AP gets a 16 KiB kernel stack above guard pages (mm/kstack.h; it
 * becomes its idle thread's) and IST stacks like it (cpu_ist_alloc), loads
 * its own GDT and TSS and the kernel's page table, enables its local APIC
 * and timer, and ends in smp_ap_idle() with interrupts on.
 */
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "common/string.h"
#include "console/console.h"
#include "core/kernel.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "time/clock.h"
#include "time/timer.h"

#define INIT_DELAY_NS     10000000ul   /* 10 ms between INIT and STARTUP (SDM) */
#define SIPI_DELAY_NS     200000ul     /* 200 µs before a second STARTUP */
#define ONLINE_TIMEOUT_NS 1000000000ul /* 1 s: emulated CPUs start slowly */
#define XAPIC_MAX_ID      254          /* 0xff is the xAPIC broadcast address */
#define LOW_4G            0x100000000ull

extern const char ap_trampoline_start[], ap_trampoline_end[];

/*
 * The APs' boot page table: the trampoline page identity-mapped (one 4 KiB
 * page, so no large page spans the legacy area's mixed memory types) and
 * the kernel's higher half shared. The trampoline loads CR3 in 32-bit mode,
 * so the PML4 must sit below 4 GiB; in the kernel image it does (the image
 * is loaded at 2 MiB). Written only by smp_init().
 */
static uint64_t ap_pml4[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t ap_pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t ap_pd[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t ap_pt[512] __attribute__((aligned(PAGE_SIZE)));

/* The AP's boot context becomes its idle thread and takes work from the
 * scheduler from now on. */
_Noreturn void
smp_ap_idle(void)
{
    sched_idle_loop();
}

/* The AP's first C code, called by ap_start.S on the AP's own stack while
 * it still runs on the boot page table. The descriptor tables come first:
 * until the IDT is loaded a fault would reset the machine unreported. */
static _Noreturn void
smp_ap_entry(struct cpu *c)
{
    cpu_tables_init(c);
    vm_init_cpu();
    cpu_features_init();
    lapic_init_cpu();
    timer_start_cpu();
    sched_init_cpu();
    /* Past this store the BSP may rewrite the parameter block. */
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    irq_enable();
    smp_ap_idle();
}

static bool
phys_overlaps(uint64_t base, uint64_t len, uint64_t start, uint64_t end)
{
    return len && base < end && base + len > start;
}

/* Whether the boot memory map says the trampoline page is RAM nobody else
 * uses: inside one usable region, overlapping no other region, and holding
 * no module or the Multiboot2 block. */
static bool
smp_trampoline_page_free(void)
{
    uint64_t start = SMP_TRAMPOLINE_PHYS, end = start + PAGE_SIZE;
    bool covered = false;

    for (unsigned i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mem_region *r = &boot_info.mmap[i];

        if (r->base + r->len < r->base || !phys_overlaps(r->base, r->len, start, end))
            continue;
        if (r->type != BOOT_MEM_USABLE)
            return false;
        covered |= r->base <= start && r->base + r->len >= end;
    }
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (phys_overlaps(m->start, m->end - m->start, start, end))
            return false;
    }
    if (phys_overlaps(boot_info.mbi_phys, boot_info.mbi_size, start, end))
        return false;
    return covered;
}

/* Copy the trampoline into place, build the boot page table and fill the
 * parameters all APs share. Returns 0 or -CAIRN_EBUSY when the low page
 * cannot be used. */
static int
smp_trampoline_prepare(void)
{
    size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);
    const uint64_t *kernel_pml4 = phys_to_virt(kernel_pagetable.root);
    struct smp_params *params = phys_to_virt(SMP_PARAMS_PHYS);
    uint64_t table = PTE_P | PTE_W;

    if (!smp_trampoline_page_free()) {
        log_warn("smp: the trampoline page at 0x%x is not free RAM; other CPUs stay off",
                 SMP_TRAMPOLINE_PHYS);
        return -CAIRN_EBUSY;
    }
    if (size > SMP_PARAMS_OFFSET) {
        log_warn("smp: the trampoline (%zu bytes) overlaps its parameters", size);
        return -CAIRN_EBUSY;
    }
    if (virt_to_phys(ap_pml4) >= LOW_4G) {
        log_warn("smp: the AP page table is above 4 GiB; other CPUs stay off");
        return -CAIRN_EBUSY;
    }
    memcpy(phys_to_virt(SMP_TRAMPOLINE_PHYS), ap_trampoline_start, size);

    memset(ap_pml4, 0, sizeof(ap_pml4));
    memset(ap_pdpt, 0, sizeof(ap_pdpt));
    memset(ap_pd, 0, sizeof(ap_pd));
    memset(ap_pt, 0, sizeof(ap_pt));
    ap_pt[pt_index(SMP_TRAMPOLINE_PHYS, 1)] = SMP_TRAMPOLINE_PHYS | PTE_P | PTE_W;
    ap_pd[pt_index(SMP_TRAMPOLINE_PHYS, 2)] = virt_to_phys(ap_pt) | table;
    ap_pdpt[pt_index(SMP_TRAMPOLINE_PHYS, 3)] = virt_to_phys(ap_pd) | table;
    ap_pml4[pt_index(SMP_TRAMPOLINE_PHYS, 4)] = virt_to_phys(ap_pdpt) | table;
    /* The higher half's top-level entries: every kernel table below them is
     * shared, and the AP switches to the real PML4 before it needs a
     * top-level entry created later. */
    for (unsigned i = 256; i < 512; i++)
        ap_pml4[i] = kernel_pml4[i];

    memset(params, 0, sizeof(*params));
    params->cr3 = virt_to_phys(ap_pml4);
    params->efer = (rdmsr(MSR_EFER) & EFER_NXE) | EFER_LME;
    params->entry = (uint64_t)smp_ap_entry;
    return 0;
}

/*
 * Start the CPU with APIC id apic_id as cpus[index] and wait for it to come
 * online. Returns 0, or a negative error after sending the CPU INIT again,
 * so it stays parked whatever it was doing.
 */
static int
smp_start_cpu(unsigned index, uint32_t apic_id)
{
    struct smp_params *params = phys_to_virt(SMP_PARAMS_PHYS);
    struct cpu *c = &cpus[index];
    uint64_t stack = 0, stack_top = 0, start;
    int err = -CAIRN_ENOMEM;

    memset(c, 0, sizeof(*c));
    if (kstack_alloc(&stack_top, &stack) < 0)
        stack = 0;
    if (!stack || cpu_ist_alloc(c) < 0) {
        log_warn("smp: no memory for the stacks of APIC id %u; skipped", apic_id);
        goto err_free;
    }

    c->index = index;
    c->apic_id = apic_id;
    __atomic_store_n(&params->started, 0, __ATOMIC_RELAXED);
    params->stack_top = stack_top;
    params->cpu = (uint64_t)c;
    /* The AP reads the block with paging off; make it visible before the
     * IPIs (an uncached APIC write after ordinary stores). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    if (lapic_send_init(apic_id) < 0)
        goto err_park;
    clock_delay_ns(INIT_DELAY_NS);
    start = clock_monotonic_ns();
    if (lapic_send_sipi(apic_id, SMP_SIPI_VECTOR) < 0)
        goto err_park;
    clock_delay_ns(SIPI_DELAY_NS);
    /* A STARTUP can be lost; one to a CPU already running is ignored. */
    if (!__atomic_load_n(&params->started, __ATOMIC_ACQUIRE) &&
        lapic_send_sipi(apic_id, SMP_SIPI_VECTOR) < 0)
        goto err_park;
    while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
        if (clock_monotonic_ns() - start > ONLINE_TIMEOUT_NS)
            goto err_park;
        cpu_relax();
    }
    log_debug("smp: cpu %u (APIC id %u) online %lu us after STARTUP", index, apic_id,
              (clock_monotonic_ns() - start) / 1000);
    return 0;

err_park:
    log_warn("smp: APIC id %u did not come online (%s); skipped", apic_id,
             __atomic_load_n(&params->started, __ATOMIC_ACQUIRE) ? "started, then stuck"
                                                                 : "never started");
    /* A late AP would run on the next AP's parameters; reset it. If even
     * INIT is not accepted its stacks may still be used, so keep them. */
    if (lapic_send_init(apic_id) < 0) {
        log_warn("smp: APIC id %u does not accept INIT; its stacks are kept", apic_id);
        memset(c, 0, sizeof(*c));
        return -CAIRN_EBUSY;
    }
    err = -CAIRN_EBUSY;
err_free:
    cpu_ist_free(c);
    if (stack)
        kstack_free(stack_top, stack);
    memset(c, 0, sizeof(*c));
    return err;
}

void
smp_init(void)
{
    uint32_t self = lapic_id();
    uint64_t start = clock_monotonic_ns();
    unsigned online = 1;

    __atomic_store_n(&cpus[0].online, true, __ATOMIC_RELEASE);
    if (kernel_cpus_found() > 1 && smp_trampoline_prepare() == 0) {
        for (unsigned i = 0; i < acpi_info.cpu_count; i++) {
            const struct acpi_cpu *ac = &acpi_info.cpus[i];

            if (!ac->enabled || ac->apic_id == self)
                continue;
            if (online == MAX_CPUS) {
                log_warn("smp: only %u CPUs are supported; the rest stay off", MAX_CPUS);
                break;
            }
            if (ac->apic_id > XAPIC_MAX_ID) {
                log_warn("smp: APIC id %u needs x2APIC mode; skipped", ac->apic_id);
                continue;
            }
            if (smp_start_cpu(online, ac->apic_id) == 0)
                online++;
        }
    }
    __atomic_store_n(&cpu_count, online, __ATOMIC_RELEASE);
    log_debug("smp: bring-up took %lu ms", (clock_monotonic_ns() - start) / 1000000);
    kprintf("cairn: smp: %u CPUs online\n", online);
}
