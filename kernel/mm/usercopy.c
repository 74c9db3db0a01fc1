// SPDX-License-Identifier: MIT
/*
 * copy_from_user / copy_to_user (see usercopy.h) and the page-fault fixup
 * that lets a copy fail instead of crashing the kernel.
 *
 * Two layers of defence. The up-front check gives the normal contract: a
 * bad range fails before any byte moves. The fixup covers what the check
 * cannot: another thread unmapping or protecting the range between the
 * check and the copy. Only the instructions listed in usercopy_extable
 * (arch/x86_64/usercopy.S) get it, and only at user addresses; any other
 * kernel fault still ends in the crash dump.
 */
#include <cairn/errors.h>
#include <cairn/init.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "common/string.h"
#include "mm/usercopy.h"
#include "mm/vspace.h"
#include "obj/process.h"

#define PF_PRESENT (1ul << 0) /* page-fault error code: a protection violation */
#define PF_WRITE   (1ul << 1)
#define RFLAGS_AC  (1ul << 18)

struct usercopy_fixup {
    uint64_t insn, fixup;
};

extern const struct usercopy_fixup usercopy_extable[], usercopy_extable_end[];

/* Is every page of [addr, addr + len) (non-empty) in a mapping of vs that
 * allows the access? Pages not yet touched are entered, so that the copy
 * that follows normally does not fault. With one_page_lazy, a range inside
 * one page is only bounds-checked: the copy's own first access is the
 * check, faulting before any byte moves, and the fault is resolved (an
 * untouched page entered) or fails the copy (usercopy_fault). */
static bool
user_range_ok(struct vspace *vs, uint64_t addr, size_t len, bool write, bool one_page_lazy)
{
    if (addr + len < addr || addr + len > CAIRN_USER_TOP)
        return false;
    if (one_page_lazy && ((addr ^ (addr + len - 1)) & ~(uint64_t)(PAGE_SIZE - 1)) == 0)
        return true;
    for (uint64_t va = addr & ~(uint64_t)(PAGE_SIZE - 1); va < addr + len; va += PAGE_SIZE) {
        if (vspace_fault(vs, va, write, false) < 0)
            return false;
    }
    return true;
}

static uint64_t
usercopy(void *dst, const void *src, size_t len, struct vspace *vs)
{
    uint64_t left;

    user_access_begin();
    left = usercopy_raw(dst, src, len, vs);
    user_access_end();
    return left;
}

int
copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    struct process *p = process_current();
    uint64_t left;

    if (len == 0)
        return 0;
    if (!p || !user_range_ok(&p->vs, user_src, len, false, true))
        return -CAIRN_EFAULT;
    left = usercopy(dst, (const void *)user_src, len, &p->vs);
    if (left) {
        /* The caller drops the buffer, but never hands on stale bytes. */
        memset((uint8_t *)dst + (len - left), 0, left);
        return -CAIRN_EFAULT;
    }
    return 0;
}

int
copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    struct process *p = process_current();

    if (len == 0)
        return 0;
    if (!p || !user_range_ok(&p->vs, user_dst, len, true, true))
        return -CAIRN_EFAULT;
    return usercopy((void *)user_dst, src, len, &p->vs) ? -CAIRN_EFAULT : 0;
}

int
copy_u64_to_user(uint64_t user_dst, uint64_t value)
{
    struct process *p = process_current();
    uint64_t left;

    if (!p || !user_range_ok(&p->vs, user_dst, sizeof(value), true, true))
        return -CAIRN_EFAULT;
    user_access_begin();
    left = usercopy_put_u64((uint64_t *)user_dst, value, &p->vs);
    user_access_end();
    return left ? -CAIRN_EFAULT : 0;
}

/* The page walk both copies across address spaces share: len bytes at
 * other_addr in other, each page pinned while it is copied, to or from the
 * current process's user memory at user, or from kernel memory at ksrc
 * (when not NULL; then always to other). */
static size_t
copy_across(struct vspace *other, uint64_t other_addr, size_t len, bool to_other,
            const uint8_t *ksrc, uint64_t user)
{
    size_t done = 0;

    if (other_addr + len < other_addr || other_addr + len > CAIRN_USER_TOP)
        return 0;
    while (done < len) {
        uint64_t at = other_addr + done, frame;
        size_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
        struct memobj *mo;
        void *k;
        int err = 0;

        if (chunk > len - done)
            chunk = len - done;
        if (vspace_pin_frame(other, at, to_other, &frame, &mo) < 0)
            break;
        k = (uint8_t *)phys_to_virt(frame) + (at & (PAGE_SIZE - 1));
        if (ksrc)
            memcpy(k, ksrc + done, chunk);
        else
            err = to_other ? copy_from_user(k, user + done, chunk)
                           : copy_to_user(user + done, k, chunk);
        object_unref(&mo->obj);
        if (err)
            break;
        done += chunk;
    }
    return done;
}

size_t
copy_user_across(struct vspace *other, uint64_t other_addr, uint64_t user, size_t len,
                 bool to_other)
{
    return copy_across(other, other_addr, len, to_other, NULL, user);
}

size_t
copy_kernel_across(struct vspace *other, uint64_t other_addr, const void *src, size_t len)
{
    return copy_across(other, other_addr, len, true, src, 0);
}

int
user_range_check(uint64_t addr, size_t len, bool write)
{
    struct process *p = process_current();

    if (len == 0)
        return 0;
    return p && user_range_ok(&p->vs, addr, len, write, false) ? 0 : -CAIRN_EFAULT;
}

static const struct usercopy_fixup *
usercopy_fixup_find(uint64_t rip)
{
    for (const struct usercopy_fixup *e = usercopy_extable; e < usercopy_extable_end; e++) {
        if (e->insn == rip)
            return e;
    }
    return NULL;
}

bool
usercopy_fault(struct trap_frame *tf, uint64_t addr)
{
    const struct usercopy_fixup *e = usercopy_fixup_find(tf->rip);
    struct vspace *vs = (struct vspace *)tf->r8;
    int err = -CAIRN_EFAULT;

    /* A fault on the kernel side of a copy is a kernel bug, and so is a
     * SMAP refusal (the copy ran without user_access_begin): resolving it
     * would only fault again. */
    if (!e || addr >= CAIRN_USER_TOP)
        return false;
    if ((tf->error & PF_PRESENT) && cpu_has_smap() && !(tf->rflags & RFLAGS_AC))
        return false;
    if (vs) {
        /* As for a user fault: the page may be found and entered (a stale
         * TLB entry, or a mapping made again), possibly preempted. */
        if (tf->rflags & RFLAGS_IF)
            irq_enable();
        err = vspace_fault(vs, addr, tf->error & PF_WRITE, false);
        irq_disable();
    }
    if (err)
        tf->rip = e->fixup;
    return true;
}
