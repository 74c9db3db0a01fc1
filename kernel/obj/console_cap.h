/* SPDX-License-Identifier: MIT */
/*
 * Console objects (CAIRN_OBJ_CONSOLE, include/cairn/console.h): the
 * capability to read the kernel log and to take a console device from the
 * kernel.
 *
 * Two kinds, told apart by device: the root (device 0), which the kernel
 * makes once for init, and a claim (device CAIRN_CONSOLE_SERIAL or
 * _FRAMEBUFFER), which console_cap_claim makes from a root. A claim holds
 * its device for as long as the object lives: its destruction (the last
 * handle closed, or its process ended) gives the device back to the
 * kernel's console. At most one claim per device exists at a time.
 *
 * Lock legend: [I] immutable after creation.
 */
#ifndef CAIRN_OBJ_CONSOLE_CAP_H
#define CAIRN_OBJ_CONSOLE_CAP_H

#include <stdint.h>

#include "obj/object.h"

struct console_cap {
    struct object obj; /* type CAIRN_OBJ_CONSOLE */
    uint32_t device;   /* [I] 0 for the root, else the CAIRN_CONSOLE_* device claimed */
};

/* A root console object (one reference), or NULL for want of memory. */
struct console_cap *console_cap_create_root(void);

/*
 * A claim on device (exactly one CAIRN_CONSOLE_* bit): from now on the
 * kernel's console leaves it alone (console_claim). Returns 0 and the
 * claim (one reference), -CAIRN_EINVAL for another device value,
 * -CAIRN_EBUSY if it is claimed already, -CAIRN_ENOENT for a framebuffer
 * that is not there, -CAIRN_ENOMEM.
 */
int console_cap_claim(uint32_t device, struct console_cap **out);

static inline struct console_cap *
console_cap_from(struct object *o)
{
    return (struct console_cap *)o;
}

#endif
