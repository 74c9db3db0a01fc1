// SPDX-License-Identifier: MIT
/*
 * kmain: bring the core up in dependency order, on the bootstrap CPU.
 *
 *   console (serial) -> descriptor tables -> boot information -> physical
 *   memory -> kernel page tables -> heap -> framebuffer console -> ACPI ->
 *   interrupt controllers -> clocks and timer -> other CPUs -> boot line
 *
 * Until vm_init() switches page tables, the boot tables' identity map of the
 * low 4 GiB is how the kernel reaches the Multiboot2 block and early frames.
 */
#include "acpi/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tlb.h"
#include "boot/boot_info.h"
#include "boot/multiboot2.h"
#include "console/console.h"
#include "core/bench.h"
#include "core/cmdline.h"
#include "core/crash.h"
#include "core/init.h"
#include "core/kernel.h"
#include "core/ktest.h"
#include "core/panic.h"
#include "core/stack_protector.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/memmap.h"
#include "mm/vm.h"
#include "obj/ioport.h"
#include "sched/sched.h"
#include "time/clock.h"
#include "time/timer.h"

#define MAX_FREE_RANGES (BOOT_MAX_MMAP + BOOT_MAX_MODULES + 8)
#define LOW_MEMORY_END  0x100000 /* real-mode area, kept for the AP trampoline */
#define DEFAULT_LAPIC   0xfee00000

struct boot_info boot_info;
struct acpi_info acpi_info;
bool acpi_present;

extern const char _kernel_start[], _kernel_end[];

static void
memory_init(void)
{
    static struct phys_range reserved[BOOT_MAX_MODULES + 3];
    static struct phys_range free[MAX_FREE_RANGES];
    size_t nres = 0, nfree;
    uint64_t max_phys;

    reserved[nres++] = (struct phys_range){0, LOW_MEMORY_END};
    reserved[nres++] = (struct phys_range){(uint64_t)_kernel_start - KERNEL_VMA,
                                           (uint64_t)_kernel_end - KERNEL_VMA};
    reserved[nres++] =
        (struct phys_range){boot_info.mbi_phys, boot_info.mbi_phys + boot_info.mbi_size};
    for (unsigned i = 0; i < boot_info.module_count; i++)
        reserved[nres++] =
            (struct phys_range){boot_info.modules[i].start, boot_info.modules[i].end};

    nfree = memmap_free_ranges(boot_info.mmap, boot_info.mmap_count, reserved, nres, free,
                               MAX_FREE_RANGES);
    if (nfree == 0)
        panic("no usable memory in the boot memory map");
    frame_early_init(free, nfree);
    max_phys = vm_init(&boot_info);
    frame_init_buddy(max_phys);
    kmalloc_init();
    kstack_init();
    if (cpu_ist_alloc(&cpus[0]) < 0)
        panic("no memory for the IST stacks");
}

static void
framebuffer_init(void)
{
    const struct boot_fb *fb = &boot_info.fb;
    uint64_t size;
    void *mapped;

    if (fb->type == BOOT_FB_NONE) {
        log_info("console: no framebuffer, serial only");
        return;
    }
    size = fb->type == BOOT_FB_RGB ? (uint64_t)fb->pitch * fb->height
                                   : (uint64_t)fb->width * fb->height * 2;
    mapped = vm_map_device(fb->addr, size, PTE_CACHE_WC);
    if (!mapped || console_attach_fb(fb, mapped) < 0) {
        log_warn("console: cannot use the framebuffer at %lx", fb->addr);
        return;
    }
    log_info("console: framebuffer %ux%u, %u bpp", fb->width, fb->height, fb->bpp);
}

static const void *
acpi_map(uint64_t phys, size_t len)
{
    return vm_map_device(phys, len, PTE_CACHE_WB);
}

static void
acpi_init(void)
{
    if (boot_info.rsdp_len == 0) {
        log_warn("acpi: the loader gave no RSDP; assuming one CPU and default APIC addresses");
        return;
    }
    if (acpi_parse(boot_info.rsdp, boot_info.rsdp_len, acpi_map, &acpi_info) < 0) {
        log_warn("acpi: tables unusable; assuming one CPU and default APIC addresses");
        return;
    }
    acpi_present = true;
    log_info("acpi: %s, %u tables (%u rejected), %u CPUs, %u I/O APICs%s", acpi_info.oem_id,
             acpi_info.table_count, acpi_info.rejected, acpi_info.cpu_count, acpi_info.ioapic_count,
             acpi_info.has_hpet ? ", HPET" : "");
}

static void
interrupts_init(void)
{
    uint64_t lapic_phys =
        acpi_present && acpi_info.lapic_addr ? acpi_info.lapic_addr : DEFAULT_LAPIC;
    pic_disable();
    lapic_init(lapic_phys);
    cpus[0].apic_id = lapic_id();
    ioapic_init(&acpi_info);
    clock_init(acpi_present ? &acpi_info : NULL);
    lapic_timer_calibrate();
    timer_start_cpu();
    irq_enable();
}

unsigned
kernel_cpus_found(void)
{
    return acpi_present && acpi_info.cpu_enabled_count ? acpi_info.cpu_enabled_count : 1;
}

void
kmain(uint32_t magic, uint32_t mbi_phys)
{
    char value[64];

    /* Before any call that returns: see stack_protector.c. */
    stack_protector_init();
    console_init();
    idt_init();
    cpus[0].index = 0;
    cpu_tables_init(&cpus[0]);
    cpu_features_init();
    cpu_count = 1;

    if (mb2_parse(magic, (const void *)(uintptr_t)mbi_phys, &boot_info) < 0)
        panic("the Multiboot2 information is unusable");
    boot_info.mbi_phys = mbi_phys;
    cmdline_set(boot_info.cmdline);
    if (cmdline_value("log", value, sizeof(value))) {
        int level = log_level_parse(value);
        if (level < 0)
            log_warn("unknown log level \"%s\" (use debug, info, warn or error)", value);
        else
            log_set_level((enum log_level)level);
    }
    log_info("cairn: loaded by %s, command line \"%s\"", boot_info.loader, boot_info.cmdline);

    memory_init();
    sched_init_cpu();
    tlb_init();
    ioport_init();
    framebuffer_init();
    acpi_init();
    interrupts_init();
    smp_init();

    kprintf("cairn: boot ok: cpus=%u mem=%luMiB\n", kernel_cpus_found(),
            memmap_usable_bytes(boot_info.mmap, boot_info.mmap_count) >> 20);

    if (cmdline_value("crash", value, sizeof(value)))
        crash_trigger(value);
    if (ktest_enabled()) {
        cmdline_value("test", value, sizeof(value));
        ktest_start(value); /* starts init itself, in test mode */
    } else if (cmdline_has("bench")) {
        bench_start(); /* likewise, in bench mode */
    } else {
        struct process *init;
        if (init_start(0, &init) == 0)
            process_unref(init);
    }
    /* The boot context lives on as this CPU's idle thread. */
    sched_idle_loop();
}
