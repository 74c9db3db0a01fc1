// SPDX-License-Identifier: MIT
/*
 * Walk the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): each frame holds [saved rbp, return address].
 * Only addresses inside the kernel image and direct map are followed; the
 * walk runs in panic paths and must not fault.
 */
#include "core/backtrace.h"
#include "arch/x86_64/layout.h"
#include "console/console.h"
#include "core/ksyms.h"
#include "mm/kstack.h"
#include "mm/vm.h"

#define BACKTRACE_MAX_FRAMES 64

extern const char _text_start[], _text_end[], _kernel_start[], _kernel_end[];

void
backtrace_print_symbol(uint64_t addr)
{
    uint64_t off;
    const char *name = ksyms_lookup(ksyms_kernel(), addr, (uint64_t)_text_end, &off);

    if (name && addr >= (uint64_t)_text_start)
        kprintf("<%s+0x%lx>", name, off);
    else
        kprintf("<?>");
}

static bool
page_mapped(uint64_t va)
{
    /* Before vm_init() the boot tables map the whole image (and no direct
     * map exists for fp to point into). */
    if (!kernel_pagetable.root)
        return true;
    return pt_lookup(&kernel_pagetable, va, NULL, NULL) == 0;
}

/* Can 16 bytes at fp be read without faulting? The range must lie in the
 * kernel image (the boot stack), the kernel stack area or the direct map,
 * and be mapped: an overflowed stack points into its unmapped guard page. */
static bool
frame_readable(uint64_t fp)
{
    if (fp & 7)
        return false;
    if (!(fp >= (uint64_t)_kernel_start && fp + 16 <= (uint64_t)_kernel_end) &&
        !(kstack_contains(fp) && kstack_contains(fp + 15)) &&
        !(fp >= PHYS_MAP_BASE && fp + 16 <= PHYS_MAP_BASE + PHYS_MAP_SIZE))
        return false;
    return page_mapped(fp) && page_mapped(fp + 15);
}

void
backtrace_print_trap(uint64_t pc, uint64_t fp, uint64_t sp)
{
    const uint64_t *top = (const uint64_t *)sp;

    backtrace_print(pc, fp);
    /* A leaf function may keep no frame (gcc omits it where no stack is
     * used), so the walk above skips its caller. The word at the stack top
     * is then that caller's return address; show it, marked uncertain. */
    if (frame_readable(sp) && top[0] >= (uint64_t)_text_start && top[0] < (uint64_t)_text_end) {
        kprintf("    ?   %016lx ", top[0]);
        backtrace_print_symbol(top[0] - 1);
        kprintf(" (word at the stack top)\n");
    }
}

void
backtrace_print(uint64_t pc, uint64_t fp)
{
    uint64_t last_ret = 0;
    unsigned repeats = 0;

    kprintf("  backtrace:\n");
    kprintf("    #0  %016lx ", pc);
    backtrace_print_symbol(pc);
    kprintf("\n");
    for (unsigned i = 1; i < BACKTRACE_MAX_FRAMES && frame_readable(fp); i++) {
        const uint64_t *frame = (const uint64_t *)fp;
        uint64_t ret = frame[1];

        if (ret == 0)
            break;
        if (ret == last_ret) {
            repeats++; /* deep recursion: say how deep, not every frame */
        } else {
            if (repeats)
                kprintf("    ... the same frame %u more times\n", repeats);
            repeats = 0;
            kprintf("    #%-2u %016lx ", i, ret);
            /* ret points after the call; name the call instruction's function. */
            backtrace_print_symbol(ret - 1);
            kprintf("\n");
        }
        last_ret = ret;
        if (frame[0] <= fp) /* stacks grow down: callers' frames are higher */
            break;
        fp = frame[0];
    }
    if (repeats)
        kprintf("    ... the same frame %u more times\n", repeats);
}
