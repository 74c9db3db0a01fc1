// SPDX-License-Identifier: MIT
/*
 * Building the kernel's address space (see vm.h and arch/x86_64/layout.h).
 *
 * Permissions follow the linker script's sections: text read+execute,
 * rodata and the symbol table read-only, data and bss read-write and never
 * executable; the boot stack's guard page stays unmapped. The direct map
 * covers RAM only (usable and ACPI regions, in 2 MiB pages), never device
 * holes, so nothing maps device memory write-back by accident.
 */
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/tlb.h"
#include "common/align.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/frame.h"
#include "mm/vm.h"
#include "obj/quota.h"

extern const char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern const char _data_start[], _bss_end[], _ksyms_start[], _kernel_end[];
extern const char boot_stack_guard[];

/* PAT: entries 0-3 as at reset (WB, WT, UC-, UC) but entry 1 write-combining,
 * so PTE_PWT alone selects WC (for the framebuffer). */
#define PAT_VALUE 0x0007040600070106ull

struct pagetable kernel_pagetable;
static bool direct_map_live; /* [I] after the switch */
static struct spinlock device_lock = SPINLOCK_INIT;
static uint64_t device_next = MMIO_BASE; /* [device_lock] */

void *
vm_phys_access(uint64_t phys)
{
    return direct_map_live ? phys_to_virt(phys) : (void *)(uintptr_t)phys;
}

uint64_t
pt_table_alloc(struct pagetable *pt)
{
    uint64_t phys;

    if (quota_charge(pt->quota, PAGE_SIZE) < 0)
        return 0;
    phys = frame_alloc_zeroed(0);
    if (!phys && pt->quota)
        quota_uncharge(pt->quota, PAGE_SIZE);
    return phys;
}

void
pt_table_free(struct pagetable *pt, uint64_t phys)
{
    frame_free(phys, 0);
    if (pt->quota)
        quota_uncharge(pt->quota, PAGE_SIZE);
}

void *
pt_table_virt(uint64_t phys)
{
    return vm_phys_access(phys);
}

void
pt_flush(const struct pagetable *pt, uint64_t va)
{
    /* The kernel stack area is flushed in batches, by kstack.c. */
    if (pt == &kernel_pagetable && va >= KSTACK_BASE && va < KSTACK_BASE + KSTACK_AREA)
        return;
    tlb_flush_page(pt, va);
}

static void
vm_map_range(uint64_t start, uint64_t end, uint64_t flags)
{
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        if (va == (uint64_t)boot_stack_guard)
            continue;
        if (pt_map(&kernel_pagetable, va, va - KERNEL_VMA, flags | PTE_G) < 0)
            panic("vm: cannot map kernel page %lx", va);
    }
}

static void
vm_map_direct(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        uint64_t start, end;

        if (r->type != BOOT_MEM_USABLE && r->type != BOOT_MEM_ACPI_RECLAIMABLE &&
            r->type != BOOT_MEM_ACPI_NVS)
            continue;
        if (r->len == 0 || r->base + r->len < r->base || r->base + r->len > PHYS_MAP_SIZE)
            continue;
        start = r->base & ~(uint64_t)(LARGE_PAGE_SIZE - 1);
        end = (r->base + r->len + LARGE_PAGE_SIZE - 1) & ~(uint64_t)(LARGE_PAGE_SIZE - 1);
        for (uint64_t pa = start; pa < end; pa += LARGE_PAGE_SIZE) {
            int err =
                pt_map_large(&kernel_pagetable, PHYS_MAP_BASE + pa, pa, PTE_W | PTE_NX | PTE_G);
            if (err == -CAIRN_EEXIST)
                continue; /* regions sharing a 2 MiB page */
            if (err < 0)
                panic("vm: cannot build the direct map at %lx", pa);
        }
    }
}

static uint64_t
vm_max_usable(const struct boot_info *bi)
{
    uint64_t max = 0;

    for (unsigned i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        uint64_t end = r->base + r->len;
        if (r->type == BOOT_MEM_USABLE && end > r->base && end <= PHYS_MAP_SIZE && end > max)
            max = end;
    }
    return max & ~(uint64_t)(PAGE_SIZE - 1);
}

void
vm_init_cpu(void)
{
    wrmsr(MSR_PAT, PAT_VALUE);
    write_cr3(kernel_pagetable.root);
    write_cr4(read_cr4() | CR4_PGE);
}

uint64_t
vm_init(const struct boot_info *bi)
{
    if (pt_create(&kernel_pagetable) < 0)
        panic("vm: no memory for the kernel page tables");
    /* Every address space copies the kernel half's top-level entries when
     * it is created, so create them all now: later kernel mappings then
     * land below entries every address space already shares. */
    uint64_t *pml4 = pt_table_virt(kernel_pagetable.root);
    for (unsigned i = 256; i < 512; i++) {
        uint64_t pdpt = pt_table_alloc(&kernel_pagetable);
        if (!pdpt)
            panic("vm: no memory for the kernel page tables");
        pml4[i] = pdpt | PTE_P | PTE_W;
    }

    vm_map_range((uint64_t)_text_start, (uint64_t)_text_end, 0);
    vm_map_range((uint64_t)_rodata_start, (uint64_t)_rodata_end, PTE_NX);
    vm_map_range((uint64_t)_data_start, (uint64_t)_bss_end, PTE_W | PTE_NX);
    vm_map_range((uint64_t)_ksyms_start, (uint64_t)_kernel_end, PTE_NX);
    vm_map_direct(bi);

    vm_init_cpu();
    direct_map_live = true;
    log_debug("vm: kernel page tables live, root %lx", kernel_pagetable.root);
    return vm_max_usable(bi);
}

void *
vm_map_device(uint64_t phys, size_t len, uint64_t cache)
{
    uint64_t first = align_down(phys, PAGE_SIZE);
    uint64_t last = align_up(phys + len, PAGE_SIZE);
    uint64_t pages, va;
    bool irq;

    if (len == 0 || last < first || !direct_map_live)
        return NULL;
    pages = (last - first) / PAGE_SIZE;
    irq = irq_save();
    spin_lock(&device_lock);
    if (device_next + pages * PAGE_SIZE > MMIO_BASE + MMIO_SIZE) {
        spin_unlock(&device_lock);
        irq_restore(irq);
        return NULL;
    }
    va = device_next;
    device_next += pages * PAGE_SIZE;
    for (uint64_t i = 0; i < pages; i++) {
        if (pt_map(&kernel_pagetable, va + i * PAGE_SIZE, first + i * PAGE_SIZE,
                   PTE_W | PTE_NX | PTE_G | cache) < 0) {
            spin_unlock(&device_lock);
            irq_restore(irq);
            log_error("vm: cannot map device memory at %lx", phys);
            return NULL;
        }
    }
    spin_unlock(&device_lock);
    irq_restore(irq);
    return (void *)(va + (phys - first));
}
