// SPDX-License-Identifier: MIT
/*
 * Processes (see process.h): loading an ELF into a fresh address space,
 * entering it, leaving it, and copying across the user/kernel boundary.
 *
 * The user half of an address space is PML4 entries 0-255; entries 256-511
 * are copied from the kernel's table at creation, and vm_init() created all
 * of the kernel's top-level entries up front, so they never change after.
 */
#include <cairn/errors.h>
#include <cairn/init.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "console/console.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "obj/elf.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "time/clock.h"

static uint32_t next_pid = 1;   /* [a] */
static unsigned live_processes; /* [a] */

struct process *
process_current(void)
{
    struct thread *t = sched_current();

    return t ? t->process : NULL;
}

/* Free every user page and every table of the user half. */
static void
process_free_user_half(struct process *p)
{
    uint64_t *pml4 = phys_to_virt(p->pagetable.root);

    for (unsigned i = 0; i < 256; i++) {
        uint64_t *pdpt;
        if (!(pml4[i] & PTE_P))
            continue;
        pdpt = phys_to_virt(pml4[i] & PTE_ADDR);
        for (unsigned j = 0; j < 512; j++) {
            uint64_t *pd;
            if (!(pdpt[j] & PTE_P))
                continue;
            pd = phys_to_virt(pdpt[j] & PTE_ADDR);
            for (unsigned k = 0; k < 512; k++) {
                uint64_t *pt;
                if (!(pd[k] & PTE_P))
                    continue;
                pt = phys_to_virt(pd[k] & PTE_ADDR);
                for (unsigned l = 0; l < 512; l++) {
                    if (pt[l] & PTE_P)
                        frame_free(pt[l] & PTE_ADDR, 0);
                }
                frame_free(pd[k] & PTE_ADDR, 0);
            }
            frame_free(pdpt[j] & PTE_ADDR, 0);
        }
        frame_free(pml4[i] & PTE_ADDR, 0);
    }
}

static void
process_destroy(struct process *p)
{
    if (p->pagetable.root) {
        process_free_user_half(p);
        frame_free(p->pagetable.root, 0);
    }
    kfree(p);
    __atomic_fetch_sub(&live_processes, 1, __ATOMIC_RELAXED);
}

void
process_ref(struct process *p)
{
    __atomic_fetch_add(&p->refs, 1, __ATOMIC_RELAXED);
}

void
process_unref(struct process *p)
{
    if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
        process_destroy(p);
}

/* Map fresh zeroed pages over [start, end) with flags; returns 0 or
 * -CAIRN_ENOMEM (pages mapped so far stay, freed with the process). */
static int
process_map_zeroed(struct process *p, uint64_t start, uint64_t end, uint64_t flags)
{
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        uint64_t frame = frame_alloc_zeroed(0);
        if (!frame)
            return -CAIRN_ENOMEM;
        if (pt_map(&p->pagetable, va, frame, flags | PTE_U) < 0) {
            frame_free(frame, 0);
            return -CAIRN_ENOMEM;
        }
        p->user_pages++;
    }
    return 0;
}

static int
process_load_segment(struct process *p, const uint8_t *image, const struct elf_segment *s)
{
    uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t flags = (s->flags & ELF_SEG_W ? PTE_W : 0) | (s->flags & ELF_SEG_X ? 0 : PTE_NX);
    int err = process_map_zeroed(p, start, end, flags);

    if (err)
        return err;
    /* Copy the file bytes page by page through the direct map. */
    for (uint64_t done = 0; done < s->filesz;) {
        uint64_t va = s->vaddr + done, pa;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > s->filesz - done)
            chunk = s->filesz - done;
        pt_lookup(&p->pagetable, va, &pa, NULL);
        memcpy(phys_to_virt(pa), image + s->offset + done, chunk);
        done += chunk;
    }
    return 0;
}

int
process_spawn_elf(const char *name, const void *image, size_t size, uint64_t arg,
                  struct process **out)
{
    struct elf_image elf;
    struct process *p;
    uint64_t *pml4, *kernel_pml4;
    int err;

    err = elf_parse(image, size, CAIRN_USER_BASE,
                    CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - PAGE_SIZE, &elf);
    if (err)
        return err;
    p = kzalloc(sizeof(*p));
    if (!p)
        return -CAIRN_ENOMEM;
    __atomic_fetch_add(&live_processes, 1, __ATOMIC_RELAXED);
    p->refs = 1;
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    strlcpy(p->name, name, sizeof(p->name));
    err = pt_create(&p->pagetable);
    if (err)
        goto err_destroy;
    pml4 = phys_to_virt(p->pagetable.root);
    kernel_pml4 = phys_to_virt(kernel_pagetable.root);
    for (unsigned i = 256; i < 512; i++)
        pml4[i] = kernel_pml4[i];

    for (unsigned i = 0; i < elf.segment_count; i++) {
        err = process_load_segment(p, image, &elf.segments[i]);
        if (err)
            goto err_destroy;
    }
    /* The stack; the page below it stays unmapped as a guard. */
    err = process_map_zeroed(p, CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP,
                             PTE_W | PTE_NX);
    if (err)
        goto err_destroy;

    p->main_thread = thread_create_user(name, p, elf.entry, CAIRN_USER_STACK_TOP, arg);
    if (!p->main_thread) {
        err = -CAIRN_ENOMEM;
        goto err_destroy;
    }
    /* The thread keeps itself alive until it dies; the process must not
     * hold it too, or each would keep the other forever. */
    thread_unref(p->main_thread);
    *out = p; /* the thread holds its own reference */
    return 0;

err_destroy:
    process_destroy(p);
    return err;
}

_Noreturn void
process_exit(int64_t status)
{
    struct process *p = process_current();

    assert(p);
    __atomic_store_n(&p->exit_status, status, __ATOMIC_RELAXED);
    __atomic_store_n(&p->exited, true, __ATOMIC_RELEASE);
    struct thread *waiter = __atomic_load_n(&p->waiter, __ATOMIC_ACQUIRE);
    if (waiter)
        sched_wake(waiter);
    klog(status ? LOG_INFO : LOG_DEBUG, "process %s (pid %u) exited with status %ld", p->name,
         p->pid, (long)status);
    thread_exit(status);
}

int
process_wait(struct process *p, uint64_t timeout_ns, int64_t *status)
{
    uint64_t start = clock_monotonic_ns();

    __atomic_store_n(&p->waiter, sched_current(), __ATOMIC_RELEASE);
    while (!__atomic_load_n(&p->exited, __ATOMIC_ACQUIRE)) {
        uint64_t waited = clock_monotonic_ns() - start;
        if (waited > timeout_ns) {
            __atomic_store_n(&p->waiter, NULL, __ATOMIC_RELEASE);
            return -CAIRN_EBUSY;
        }
        /* process_exit wakes us; the bounded sleep covers an exit that
         * slips in between the check and the sleep. */
        sched_sleep_ns(timeout_ns - waited < 10000000 ? timeout_ns - waited : 10000000);
    }
    __atomic_store_n(&p->waiter, NULL, __ATOMIC_RELEASE);
    if (status)
        *status = p->exit_status;
    return 0;
}

/* Is every page of [addr, addr + len) mapped user-accessible (and
 * writable if asked) in the current address space? */
static bool
user_range_ok(uint64_t addr, size_t len, bool write)
{
    struct process *p = process_current();
    uint64_t end;

    if (!p || len == 0)
        return len == 0;
    if (addr + len < addr || addr + len > CAIRN_USER_TOP)
        return false;
    end = addr + len;
    for (uint64_t va = addr & ~(uint64_t)(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
        uint64_t flags;
        if (pt_lookup(&p->pagetable, va, NULL, &flags) < 0 || !(flags & PTE_U))
            return false;
        if (write && !(flags & PTE_W))
            return false;
    }
    return true;
}

int
copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    if (!user_range_ok(user_src, len, false))
        return -CAIRN_EFAULT;
    user_access_begin();
    memcpy(dst, (const void *)user_src, len);
    user_access_end();
    return 0;
}

int
copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    if (!user_range_ok(user_dst, len, true))
        return -CAIRN_EFAULT;
    user_access_begin();
    memcpy((void *)user_dst, src, len);
    user_access_end();
    return 0;
}

unsigned
process_live_count(void)
{
    return __atomic_load_n(&live_processes, __ATOMIC_RELAXED);
}
