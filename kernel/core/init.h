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
/* The image of the boot module whose command line is name (in the
 * kernel's direct map), for init and for tests that spawn the test child.
 * Returns -CAIRN_ENOENT when there is none. */
int boot_module_image(const char *name, const void **image, size_t *size);

#endif
