// SPDX-License-Identifier: MIT
/*
 * init is a Multiboot2 module whose command line is "init". The kernel
 * validates it in full (obj/elf.c) and starts it; a malformed image is
 * refused with a message, and the kernel carries on without it.
 */
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "arch/x86_64/layout.h"
#include "core/init.h"
#include "core/kernel.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "obj/memobj.h"
#include "obj/quota.h"
#include "obj/resource.h"
#include "sched/sched.h"

#define INIT_KERNEL_RESERVE (4ull << 20) /* the least memory kept from the quota tree */

#define MODULE_RIGHTS \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* Handles 0.. for the boot modules, as include/cairn/init.h promises. */
static int
init_give_modules(struct process *p)
{
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        uint64_t pages = (m->end - m->start + PAGE_SIZE - 1) / PAGE_SIZE;
        struct memobj *mo;
        int h, err = memobj_create_phys(m->start, pages ? pages : 1, &mo);

        if (err)
            return err;
        h = handle_insert(&p->handles, &mo->obj, MODULE_RIGHTS);
        object_unref(&mo->obj);
        if (h < 0)
            return h;
    }
    return 0;
}

/* --- device access: the three root resources (include/cairn/init.h) --- */

#define DEVICE_ROOT_RIGHTS (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* After the modules: the IRQ range, the I/O ports, the physical range. */
static int
init_give_device_roots(struct process *p)
{
    static const uint32_t types[] = {CAIRN_OBJ_IRQ_RANGE, CAIRN_OBJ_IOPORT, CAIRN_OBJ_PHYS_RANGE};

    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint64_t size = types[i] == CAIRN_OBJ_IRQ_RANGE ? resource_irq_lines()
                        : types[i] == CAIRN_OBJ_IOPORT  ? CAIRN_IOPORT_COUNT
                                                        : resource_phys_limit();
        uint32_t rights = DEVICE_ROOT_RIGHTS;
        struct resource *r = resource_create(types[i], 0, size);
        int h;

        if (types[i] == CAIRN_OBJ_IOPORT)
            rights |= CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE; /* what ioport_enable needs */
        if (!r)
            return -CAIRN_ENOMEM;
        h = handle_insert(&p->handles, &r->obj, rights);
        object_unref(&r->obj);
        if (h < 0)
            return h;
    }
    return 0;
}

int
init_image(const void **image, size_t *size)
{
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (strcmp(m->cmdline, "init") == 0) {
            *image = phys_to_virt(m->start);
            *size = m->end - m->start;
            return 0;
        }
    }
    return -CAIRN_ENOENT;
}

int
init_start(uint64_t flags, struct process **out)
{
    const void *image;
    size_t size;
    int err;

    if (init_image(&image, &size) < 0) {
        log_warn("init: no boot module named \"init\"; nothing to run");
        return -CAIRN_ENOENT;
    }
    err = process_spawn_elf("init", image, size, flags, out);
    if (err) {
        log_error("init: cannot start the init module (error %d)", err);
        return err;
    }
    /* The root of the quota tree: what is free now, less a reserve for the
     * kernel's own needs (its threads, tables and heap). */
    {
        uint64_t free_bytes = frame_free_count() * PAGE_SIZE;
        uint64_t reserve =
            free_bytes / 8 > INIT_KERNEL_RESERVE ? free_bytes / 8 : INIT_KERNEL_RESERVE;

        (*out)->quota = quota_create_root(free_bytes > reserve ? free_bytes - reserve : 0);
        if (!(*out)->quota) {
            process_discard(*out);
            return -CAIRN_ENOMEM;
        }
    }
    err = init_give_modules(*out);
    if (err) {
        log_error("init: cannot hand init its boot modules (error %d)", err);
        process_discard(*out);
        return err;
    }
    err = init_give_device_roots(*out);
    if (err) {
        log_error("init: cannot hand init the device resources (error %d)", err);
        process_discard(*out);
        return err;
    }
    log_info("init: started (pid %u)", (*out)->pid);
    sched_start((*out)->main_thread);
    return 0;
}
