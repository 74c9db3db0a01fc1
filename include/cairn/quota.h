/* SPDX-License-Identifier: MIT */
/*
 * Memory quotas as user space sees them (docs/syscalls.md, "Quotas"). A
 * quota is a budget of bytes; the kernel charges a process's quota for
 * the memory objects, kernel objects and other kernel memory it makes the
 * kernel allocate. Fixed-width types only.
 */
#ifndef CAIRN_QUOTA_H
#define CAIRN_QUOTA_H

#include <stdint.h>

struct cairn_quota_info {
    uint64_t limit; /* bytes */
    uint64_t used;  /* bytes charged, including the limits of quotas split from it */
};

_Static_assert(sizeof(struct cairn_quota_info) == 16, "cairn_quota_info is ABI");

#endif
