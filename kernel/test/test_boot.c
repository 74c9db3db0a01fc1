// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of what boot found: the parsed hand-over, the ACPI
 * tables QEMU provides, and per-CPU data through GS.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "common/printf.h"
#include "common/string.h"
#include "core/cmdline.h"
#include "core/kernel.h"
#include "core/ktest.h"

KTEST(boot_info_has_memory_map_and_cmdline)
{
    unsigned usable = 0;

    for (unsigned i = 0; i < boot_info.mmap_count; i++)
        usable += boot_info.mmap[i].type == BOOT_MEM_USABLE;
    KTEST_EXPECT(usable > 0, "no usable region among %u", boot_info.mmap_count);
    KTEST_EXPECT(cmdline_has("test"), "command line \"%s\" lacks test", cmdline_get());
    KTEST_EXPECT(boot_info.warnings == 0, "%u warnings while parsing the boot information",
                 boot_info.warnings);
    KTEST_EXPECT(boot_info.rsdp_len >= 20, "no RSDP from the loader");
}

KTEST(acpi_tables_describe_this_machine)
{
    KTEST_EXPECT(acpi_present, "ACPI tables were not usable");
    KTEST_EXPECT(acpi_info.has_madt, "no MADT");
    KTEST_EXPECT(acpi_info.cpu_count >= 1, "no CPU in the MADT");
    KTEST_EXPECT(acpi_info.ioapic_count >= 1, "no I/O APIC in the MADT");
    KTEST_EXPECT(acpi_info.has_hpet, "no HPET table");
    KTEST_EXPECT(acpi_info.has_fadt, "no FADT");
    KTEST_EXPECT(acpi_info.rejected == 0, "%u tables rejected", acpi_info.rejected);
    /* The boot CPU comes first (cpus[0]); the test may run on another. */
    KTEST_EXPECT(acpi_info.cpus[0].apic_id == cpus[0].apic_id,
                 "MADT's first CPU has APIC id %u, the boot CPU's is %u", acpi_info.cpus[0].apic_id,
                 cpus[0].apic_id);
}

KTEST(percpu_data_is_reached_through_gs)
{
    /* Interrupts off: the test thread must not migrate between the reads. */
    bool irq = irq_save();
    struct cpu *c = this_cpu();
    unsigned index = c->index;
    uint64_t gs_base = read_gs_base();
    uint32_t apic = lapic_id();

    irq_restore(irq);
    KTEST_EXPECT(index < cpu_count, "index %u of %u CPUs", index, cpu_count);
    KTEST_EXPECT(c == &cpus[index], "gs:0 is %p, not cpus[%u]", (void *)c, index);
    KTEST_EXPECT(gs_base == (uint64_t)c, "GS base %lx", gs_base);
    KTEST_EXPECT(c->apic_id == apic, "cpus[%u] has APIC id %u, the CPU says %u", index, c->apic_id,
                 apic);
}

KTEST(printf_formats_kernel_values)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%lx|%5d|%-3s|%p", 0xffffffff80000000ul, -42, "ab", (void *)0x1000);
    KTEST_EXPECT(strcmp(buf, "ffffffff80000000|  -42|ab |0x1000") == 0, "got \"%s\"", buf);
}
