/* SPDX-License-Identifier: MIT */
/* Starting init, the one program the kernel loads itself. */
#ifndef CAIRN_CORE_INIT_H
#define CAIRN_CORE_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "obj/process.h"

/* Find the boot module named "init", load it and start its thread with
 * flags (CAIRN_INIT_*) in rdi. Returns 0 and the process (a reference for
 * the caller), or a negative CAIRN_E* code after logging why. */
int init_start(uint64_t flags, struct process **out);
/* The init module's image, for tests that spawn copies of it. Returns
 * -CAIRN_ENOENT when there is none. */
int init_image(const void **image, size_t *size);

#endif
