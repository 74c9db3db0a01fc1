// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the physical frame allocator on the machine's real
 * memory map: it must hand out every free frame exactly once, never a
 * reserved one, and take them all back.
 */
#include "arch/x86_64/layout.h"
#include "core/kernel.h"
#include "core/ktest.h"
#include "mm/frame.h"

extern const char _kernel_start[], _kernel_end[];

/* Is [phys, phys + size) inside memory the allocator must never give out? */
static bool
frame_is_reserved(uint64_t phys, uint64_t size)
{
    uint64_t end = phys + size;
    uint64_t kstart = (uint64_t)_kernel_start - KERNEL_VMA;
    uint64_t kend = (uint64_t)_kernel_end - KERNEL_VMA;

    if (phys < 0x100000)
        return true;
    if (phys < kend && end > kstart)
        return true;
    if (phys < boot_info.mbi_phys + boot_info.mbi_size && end > boot_info.mbi_phys)
        return true;
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        if (phys < boot_info.modules[i].end && end > boot_info.modules[i].start)
            return true;
    }
    for (unsigned i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mem_region *r = &boot_info.mmap[i];
        if (r->type != BOOT_MEM_USABLE && phys < r->base + r->len && end > r->base)
            return true;
    }
    return false;
}

KTEST(frame_alloc_everything_then_free_restores_count)
{
    uint64_t before = frame_free_count();
    uint64_t head = 0, count = 0, bad = 0;
    uint64_t phys;

    /* Chain the frames through their own first word: no other memory needed. */
    while ((phys = frame_alloc(0)) != 0) {
        if (frame_is_reserved(phys, PAGE_SIZE))
            bad++;
        *(uint64_t *)phys_to_virt(phys) = head;
        head = phys;
        count++;
    }
    KTEST_EXPECT(count == before, "allocated %lu frames, %lu were free", count, before);
    KTEST_EXPECT(bad == 0, "%lu frames handed out lie in reserved memory", bad);
    KTEST_EXPECT(frame_free_count() == 0, "%lu frames still free", frame_free_count());
    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        frame_free(head, 0);
        head = next;
    }
    KTEST_EXPECT(frame_free_count() == before, "free count %lu after freeing, %lu before",
                 frame_free_count(), before);
}

KTEST(frame_alloc_blocks_are_aligned_and_disjoint)
{
    uint64_t blocks[11];
    uint64_t before = frame_free_count();

    for (unsigned order = 0; order <= 10; order++) {
        uint64_t size = PAGE_SIZE << order;
        blocks[order] = frame_alloc(order);
        KTEST_EXPECT(blocks[order] != 0, "order %u allocation failed", order);
        KTEST_EXPECT(blocks[order] % size == 0, "order %u block %lx misaligned", order,
                     blocks[order]);
        KTEST_EXPECT(!frame_is_reserved(blocks[order], size), "order %u block %lx is reserved",
                     order, blocks[order]);
        for (unsigned j = 0; j < order; j++) {
            uint64_t jsize = PAGE_SIZE << j;
            KTEST_EXPECT(blocks[order] + size <= blocks[j] || blocks[j] + jsize <= blocks[order],
                         "blocks of order %u and %u overlap", order, j);
        }
    }
    for (unsigned order = 0; order <= 10; order++) {
        if (blocks[order])
            frame_free(blocks[order], order);
    }
    KTEST_EXPECT(frame_free_count() == before, "free count %lu, %lu before", frame_free_count(),
                 before);
}

KTEST(frame_alloc_zeroed_returns_zeroed_memory)
{
    uint64_t phys = frame_alloc(1);
    uint64_t *p;
    bool zero = true;

    KTEST_EXPECT(phys != 0, "allocation failed");
    if (!phys)
        return;
    p = phys_to_virt(phys);
    for (unsigned i = 0; i < 2 * PAGE_SIZE / 8; i++)
        p[i] = 0x5a5a5a5a5a5a5a5aull;
    frame_free(phys, 1);
    phys = frame_alloc_zeroed(1);
    p = phys_to_virt(phys);
    for (unsigned i = 0; i < 2 * PAGE_SIZE / 8; i++)
        zero &= p[i] == 0;
    KTEST_EXPECT(zero, "frame_alloc_zeroed returned dirty memory");
    frame_free(phys, 1);
}
