// SPDX-License-Identifier: MIT
/*
 * init is a Multiboot2 module whose command line is "init". The kernel
 * validates it in full (obj/elf.c) and starts it; a malformed image is
 * refused with a message, and the kernel carries on without it.
 */
#include <cairn/errors.h>

#include "arch/x86_64/layout.h"
#include "core/init.h"
#include "core/kernel.h"
#include "lib/log.h"
#include "lib/string.h"
#include "sched/sched.h"

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
    log_info("init: started (pid %u)", (*out)->pid);
    sched_start((*out)->main_thread);
    return 0;
}
