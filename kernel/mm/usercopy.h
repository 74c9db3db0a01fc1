/* SPDX-License-Identifier: MIT */
/*
 * Copying between the kernel and the current process's user memory.
 *
 * Contract (docs/syscalls.md, "Pointers"): the whole user range is
 * checked first (every page in a mapping that allows the access; pages
 * not yet touched are entered), so a bad pointer is -CAIRN_EFAULT before
 * anything is copied. Inside one page the copy's first access is the
 * check (see usercopy_fault). The copy itself survives another thread of the
 * process unmapping or protecting the range meanwhile: a fault there is
 * resolved like a user fault if the mapping still allows the access, and
 * otherwise ends the copy with -CAIRN_EFAULT (usercopy_fault) instead of a
 * kernel crash. Then part of the bytes may have been copied: into the
 * user buffer, or into the kernel buffer (whose rest is zeroed).
 *
 * Neither call sleeps, but both take the vspace lock (and may allocate a
 * frame for a page touched first), so no spinlock may be held that a
 * holder of those locks could wait for. The one lock held across a copy is
 * an endpoint's (copy_user_across, below): nothing that holds a vspace,
 * memory object or allocator lock ever takes an endpoint's, and nothing
 * under it flushes a TLB (docs/architecture.md, "Locks").
 */
#ifndef CAIRN_MM_USERCOPY_H
#define CAIRN_MM_USERCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"

struct vspace;

int copy_from_user(void *dst, uint64_t user_src, size_t len);
int copy_to_user(uint64_t user_dst, const void *src, size_t len);
/* copy_to_user of one 64-bit value (a result word), with one store. */
int copy_u64_to_user(uint64_t user_dst, uint64_t value);

/*
 * Copy len bytes between the current process's memory at user and another
 * address space, other, at other_addr: into other if to_other, else out of
 * it. other's pages are pinned one at a time (vspace_pin_frame: a region
 * must allow the access; never device memory) and reached through the
 * direct map, so each byte is copied once. Returns the bytes copied, fewer
 * than len where either side could not be reached. May be called with an
 * endpoint's lock held (interrupts off): it takes only vspace, memory
 * object and allocator locks, and flushes nothing.
 */
size_t copy_user_across(struct vspace *other, uint64_t other_addr, uint64_t user, size_t len,
                        bool to_other);

/* Copy len bytes of kernel memory at src into another address space,
 * other, at other_addr, as copy_user_across does: the bytes copied. */
size_t copy_kernel_across(struct vspace *other, uint64_t other_addr, const void *src, size_t len);

/* Check, without copying, that the current process may access every page
 * of [addr, addr + len) (entering untouched pages): 0 or -CAIRN_EFAULT. */
int user_range_check(uint64_t addr, size_t len, bool write);

/* The raw copy (arch/x86_64/usercopy.S): bytes not copied. Faults at user
 * addresses are resolved against vs (may be NULL) or end the copy. For
 * copy_*_user and the tests; callers open SMAP around it. */
uint64_t usercopy_raw(void *dst, const void *src, uint64_t len, struct vspace *vs);
/* One 64-bit store the same way: 0, or 8 when it could not be made. */
uint64_t usercopy_put_u64(uint64_t *dst, uint64_t value, struct vspace *vs);

/* Called by the trap code for a kernel-mode page fault at addr: true if it
 * was a fault of usercopy_raw at a user address, now handled (the
 * instruction runs again, or the copy ends early); false for any other
 * fault, which is a kernel bug. */
bool usercopy_fault(struct trap_frame *tf, uint64_t addr);

#endif
