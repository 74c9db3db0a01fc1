// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the kernel's page tables: the image's sections carry
 * their true permissions, the direct map translates, and map / protect /
 * unmap change what the CPU sees.
 */
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "mm/vm.h"

extern const char _text_start[], _rodata_start[], _data_start[], boot_stack_guard[];
extern char ktest_vm_data_probe[];
char ktest_vm_data_probe[64];

/* A scratch address in the kernel half that nothing else uses. */
#define SCRATCH_VA 0xffffff0000000000ull

static void
expect_flags(const char *what, const void *addr, bool writable, bool executable)
{
    uint64_t pa, flags;
    int err = pt_lookup(&kernel_pagetable, (uint64_t)addr, &pa, &flags);

    KTEST_EXPECT(err == 0, "%s is not mapped", what);
    if (err)
        return;
    KTEST_EXPECT(!!(flags & PTE_W) == writable, "%s: writable=%d", what, !!(flags & PTE_W));
    KTEST_EXPECT(!(flags & PTE_NX) == executable, "%s: executable=%d", what, !(flags & PTE_NX));
    KTEST_EXPECT(!(flags & PTE_U), "%s is user-accessible", what);
}

KTEST(vm_kernel_sections_have_true_permissions)
{
    expect_flags("text", _text_start, false, true);
    expect_flags("rodata", _rodata_start, false, false);
    expect_flags("data", ktest_vm_data_probe, true, false);
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)boot_stack_guard, NULL, NULL) ==
                     -CAIRN_ENOENT,
                 "the boot stack's guard page is mapped");
    KTEST_EXPECT(read_cr0() & CR0_WP, "CR0.WP is off: the kernel could write read-only pages");
    KTEST_EXPECT(rdmsr(MSR_EFER) & EFER_NXE, "EFER.NXE is off: NX bits are ignored");
}

KTEST(vm_direct_map_translates_frames)
{
    uint64_t phys = frame_alloc(0), pa = 0;

    KTEST_EXPECT(phys != 0, "allocation failed");
    if (!phys)
        return;
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)phys_to_virt(phys) + 123, &pa, NULL) == 0,
                 "direct map lookup failed");
    KTEST_EXPECT(pa == phys + 123, "direct map gives %lx for %lx", pa, phys + 123);
    KTEST_EXPECT(virt_to_phys(phys_to_virt(phys)) == phys, "virt_to_phys does not invert");
    frame_free(phys, 0);
}

KTEST(vm_map_protect_unmap_change_translation)
{
    uint64_t phys = frame_alloc_zeroed(0), pa, flags;
    volatile uint64_t *scratch = (volatile uint64_t *)SCRATCH_VA;
    int err;

    KTEST_EXPECT(phys != 0, "allocation failed");
    if (!phys)
        return;
    err = pt_map(&kernel_pagetable, SCRATCH_VA, phys, PTE_W | PTE_NX);
    KTEST_EXPECT(err == 0, "pt_map failed: %d", err);
    *scratch = 0x1234;
    KTEST_EXPECT(*(uint64_t *)phys_to_virt(phys) == 0x1234, "write did not reach the frame");
    KTEST_EXPECT(pt_map(&kernel_pagetable, SCRATCH_VA, phys, 0) == -CAIRN_EEXIST,
                 "mapping twice did not fail");
    KTEST_EXPECT(pt_map(&kernel_pagetable, SCRATCH_VA + 1, phys, 0) == -CAIRN_EINVAL,
                 "unaligned map did not fail");
    KTEST_EXPECT(pt_map(&kernel_pagetable, 0x0000900000000000ull, phys, 0) == -CAIRN_EINVAL,
                 "non-canonical map did not fail");

    err = pt_protect(&kernel_pagetable, SCRATCH_VA, PTE_NX);
    KTEST_EXPECT(err == 0, "pt_protect failed: %d", err);
    pt_lookup(&kernel_pagetable, SCRATCH_VA, &pa, &flags);
    KTEST_EXPECT(!(flags & PTE_W) && pa == phys, "protect left flags %lx pa %lx", flags, pa);
    KTEST_EXPECT(*scratch == 0x1234, "read after protect gave %lx", *scratch);

    err = pt_unmap(&kernel_pagetable, SCRATCH_VA, &pa);
    KTEST_EXPECT(err == 0 && pa == phys, "pt_unmap gave %d, %lx", err, pa);
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, SCRATCH_VA, NULL, NULL) == -CAIRN_ENOENT,
                 "still mapped after unmap");
    KTEST_EXPECT(pt_unmap(&kernel_pagetable, SCRATCH_VA, NULL) == -CAIRN_ENOENT,
                 "second unmap did not fail");
    frame_free(phys, 0);
}

KTEST(vm_device_mappings_are_uncached_and_nx)
{
    void *p = vm_map_device(0xfee00000, 16, PTE_CACHE_UC);
    uint64_t pa, flags;

    KTEST_EXPECT(p != NULL, "vm_map_device failed");
    if (!p)
        return;
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)p, &pa, &flags) == 0, "not mapped");
    KTEST_EXPECT(pa == 0xfee00000, "maps %lx", pa);
    KTEST_EXPECT((flags & PTE_CACHE_UC) == PTE_CACHE_UC, "cache bits %lx", flags);
    KTEST_EXPECT(flags & PTE_NX, "device mapping is executable");
    KTEST_EXPECT(vm_map_device(0x1000, 0, PTE_CACHE_UC) == NULL, "zero-length mapping allowed");
}
