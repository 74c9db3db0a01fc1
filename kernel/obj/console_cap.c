// SPDX-License-Identifier: MIT
/*
 * Console objects (see console_cap.h). The state they stand for, which
 * devices are claimed, lives in console/console.c under the console lock;
 * a claim object exists exactly while its device is marked claimed there.
 */
#include <cairn/console.h>
#include <cairn/errors.h>

#include "console/console.h"
#include "mm/kmalloc.h"
#include "obj/console_cap.h"

static void
console_cap_destroy(struct object *o)
{
    struct console_cap *c = console_cap_from(o);

    if (c->device)
        console_release(c->device);
    kfree(c);
}

static const struct object_ops console_cap_ops = {.destroy = console_cap_destroy};

struct console_cap *
console_cap_create_root(void)
{
    struct console_cap *c = kzalloc(sizeof(*c));

    if (c)
        object_init(&c->obj, CAIRN_OBJ_CONSOLE, &console_cap_ops);
    return c;
}

int
console_cap_claim(uint32_t device, struct console_cap **out)
{
    struct console_cap *c;
    int err;

    if (device != CAIRN_CONSOLE_SERIAL && device != CAIRN_CONSOLE_FRAMEBUFFER)
        return -CAIRN_EINVAL;
    c = kzalloc(sizeof(*c));
    if (!c)
        return -CAIRN_ENOMEM;
    err = console_claim(device);
    if (err) {
        kfree(c);
        return err;
    }
    c->device = device;
    object_init(&c->obj, CAIRN_OBJ_CONSOLE, &console_cap_ops);
    *out = c;
    return 0;
}
