// SPDX-License-Identifier: MIT
/*
 * init is a Multiboot2 module whose command line is "init". The kernel
 * validates it in full (common/elf.c) and starts it with the handles that
 * include/cairn/init.h lists: its own process and thread, the boot
 * information (include/cairn/bootinfo.h), the root memory quota, the
 * device-access roots, the console, the boot modules and device memory
 * for the framebuffer and the PCIe ECAM. A malformed
 * image is refused with a message, and the kernel carries on without it.
 */
#include <cairn/bootinfo.h>
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/rights.h>

#include "acpi/acpi.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "common/align.h"
#include "common/string.h"
#include "core/init.h"
#include "core/kernel.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/memmap.h"
#include "obj/console_cap.h"
#include "obj/memobj.h"
#include "obj/quota.h"
#include "obj/resource.h"
#include "sched/sched.h"

#define INIT_KERNEL_RESERVE (4ull << 20) /* the least memory kept from the quota tree */

#define BOOTINFO_RIGHTS \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
/* A module is programs: EXEC lets a loader map their code from it, so every
 * process running one program shares its code pages (the initfs). */
#define MODULE_RIGHTS (BOOTINFO_RIGHTS | CAIRN_RIGHT_EXEC)

_Static_assert(sizeof(struct cairn_bootinfo) <= PAGE_SIZE, "the boot information fits a page");
_Static_assert(BOOT_MAX_MODULES <= CAIRN_BOOTINFO_MODULES_MAX, "every module fits the table");

/* Give p a handle to o with rights, and check it got the value init.h
 * promises (a fresh table hands out 0, 1, 2, ... in order). */
static int
init_give(struct process *p, struct object *o, uint32_t rights, int32_t want)
{
    int h = handle_insert(&p->handles, o, rights);

    if (h >= 0 && h != want)
        return -CAIRN_EINVAL;
    return h < 0 ? h : 0;
}

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)
#define DEVICE_MEMORY_RIGHTS                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | \
     CAIRN_RIGHT_TRANSFER)
#define CONSOLE_ROOT_RIGHTS \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* The framebuffer's part of the boot information, its memory object's
 * range left in fb->phys (rounded down) and fb->size. */
static void
init_bootinfo_fb(struct cairn_boot_framebuffer *fb)
{
    const struct boot_fb *b = &boot_info.fb;
    uint64_t start, end;

    fb->handle = -1;
    if (b->type == BOOT_FB_NONE)
        return;
    start = align_down(b->addr, PAGE_SIZE);
    end = align_up(b->addr + (uint64_t)b->pitch * b->height, PAGE_SIZE);
    fb->phys = b->addr;
    fb->size = end - start;
    fb->pitch = b->pitch;
    fb->width = b->width;
    fb->height = b->height;
    fb->bpp = b->bpp;
    fb->type = b->type == BOOT_FB_RGB ? CAIRN_FB_RGB : CAIRN_FB_EGA_TEXT;
    fb->red_pos = b->red_pos;
    fb->red_size = b->red_size;
    fb->green_pos = b->green_pos;
    fb->green_size = b->green_size;
    fb->blue_pos = b->blue_pos;
    fb->blue_size = b->blue_size;
}

static void
init_bootinfo_acpi(struct cairn_boot_acpi *a)
{
    a->ecam_handle = -1;
    for (unsigned i = 0; i < boot_info.rsdp_len && i < sizeof(a->rsdp); i++)
        a->rsdp[i] = boot_info.rsdp[i];
    a->rsdp_len = boot_info.rsdp_len;
    if (acpi_present && acpi_info.has_mcfg) {
        a->ecam_phys = acpi_info.ecam_base + ((uint64_t)acpi_info.ecam_bus_first << 20);
        a->ecam_size = ((uint64_t)acpi_info.ecam_bus_last - acpi_info.ecam_bus_first + 1) << 20;
        a->ecam_bus_first = acpi_info.ecam_bus_first;
        a->ecam_bus_last = acpi_info.ecam_bus_last;
    }
}

/* The boot information as a one-page memory object; *bi_out points at it
 * (the kernel's view) so that the handles given later can be filled in. */
static int
init_bootinfo(struct memobj **out, struct cairn_bootinfo **bi_out)
{
    struct cairn_bootinfo *bi;
    uint64_t frame;
    int err = memobj_create(PAGE_SIZE, NULL, out);

    if (err)
        return err;
    frame = memobj_frame(*out, 0); /* zero-filled */
    if (!frame) {
        object_unref(&(*out)->obj);
        return -CAIRN_ENOMEM;
    }
    bi = phys_to_virt(frame);
    bi->magic = CAIRN_BOOTINFO_MAGIC;
    bi->version = CAIRN_BOOTINFO_VERSION;
    bi->size = sizeof(*bi);
    bi->memory_bytes = memmap_usable_bytes(boot_info.mmap, boot_info.mmap_count);
    bi->cpu_count = cpu_count;
    bi->module_count = boot_info.module_count;
    strlcpy(bi->cmdline, boot_info.cmdline, sizeof(bi->cmdline));
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        strlcpy(bi->modules[i].name, boot_info.modules[i].cmdline, sizeof(bi->modules[i].name));
        bi->modules[i].size = boot_info.modules[i].end - boot_info.modules[i].start;
    }
    init_bootinfo_fb(&bi->fb);
    init_bootinfo_acpi(&bi->acpi);
    if (acpi_present && acpi_info.has_fadt) {
        bi->rtc_century = acpi_info.century;
        bi->rtc_flags = (acpi_info.iapc_boot_arch & ACPI_BOOT_NO_CMOS_RTC) ? CAIRN_RTC_ABSENT : 0;
    }
    *bi_out = bi;
    return 0;
}

/*
 * Device memory over [phys rounded down, + size) for init at handle want.
 * What firmware says is a device is checked like a driver's request
 * (resource_phys_check): a framebuffer or ECAM claimed over RAM or the
 * APICs is not handed out (1, after a warning), only described.
 */
static int
init_give_device_memory(struct process *p, const char *what, uint64_t phys, uint64_t size,
                        uint32_t cache, int32_t want)
{
    static const uint64_t pte[] = {
        [CAIRN_CACHE_UC] = PTE_CACHE_UC, [CAIRN_CACHE_WC] = PTE_CACHE_WC};
    struct memobj *mo;
    int err;

    if (resource_phys_check(phys & ~PAGE_MASK, size, cache) < 0) {
        log_warn("init: the %s at %#lx (%lu bytes) overlaps RAM or an APIC; not handed out", what,
                 (unsigned long)phys, (unsigned long)size);
        return 1;
    }
    err = memobj_create_device(phys & ~PAGE_MASK, size / PAGE_SIZE, pte[cache], &mo);
    if (err)
        return err;
    err = init_give(p, &mo->obj, DEVICE_MEMORY_RIGHTS, want);
    object_unref(&mo->obj);
    return err;
}

/* The handles after the modules (include/cairn/init.h), written into the
 * boot information as they are given. */
static int
init_give_devices(struct process *p, struct cairn_bootinfo *bi)
{
    int32_t next = (int32_t)(CAIRN_INIT_HANDLE_MODULES + boot_info.module_count);
    int err = 0;

    if (bi->fb.type != CAIRN_FB_NONE) {
        err = init_give_device_memory(p, "framebuffer", bi->fb.phys, bi->fb.size, CAIRN_CACHE_WC,
                                      next);
        if (!err)
            bi->fb.handle = next++;
    }
    if (err >= 0 && bi->acpi.ecam_phys) {
        err = init_give_device_memory(p, "PCIe ECAM", bi->acpi.ecam_phys, bi->acpi.ecam_size,
                                      CAIRN_CACHE_UC, next);
        if (!err)
            bi->acpi.ecam_handle = next++;
    }
    bi->handle_count = (uint32_t)next;
    return err < 0 ? err : 0;
}

static int
init_give_console(struct process *p)
{
    struct console_cap *c = console_cap_create_root();
    int err;

    if (!c)
        return -CAIRN_ENOMEM;
    err = init_give(p, &c->obj, CONSOLE_ROOT_RIGHTS, CAIRN_INIT_HANDLE_CONSOLE);
    object_unref(&c->obj);
    return err;
}

static int init_give_device_roots(struct process *p);

#define QUOTA_ROOT_RIGHTS \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* init's handle table, in the order include/cairn/init.h gives. */
static int
init_give_handles(struct process *p)
{
    struct cairn_bootinfo *bi = NULL;
    struct memobj *info;
    int err;

    err = init_give(p, &p->obj, PROCESS_CREATOR_RIGHTS, CAIRN_INIT_HANDLE_PROCESS);
    if (!err)
        err = init_give(p, &p->main_thread->obj, THREAD_CREATOR_RIGHTS, CAIRN_INIT_HANDLE_THREAD);
    if (!err)
        err = init_bootinfo(&info, &bi);
    if (err)
        return err;
    err = init_give(p, &info->obj, BOOTINFO_RIGHTS, CAIRN_INIT_HANDLE_BOOTINFO);
    object_unref(&info->obj);
    if (!err)
        err = init_give(p, &p->quota->obj, QUOTA_ROOT_RIGHTS, CAIRN_INIT_HANDLE_QUOTA);
    if (!err)
        err = init_give_device_roots(p);
    if (!err)
        err = init_give_console(p);
    for (unsigned i = 0; !err && i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        uint64_t pages = (m->end - m->start + PAGE_SIZE - 1) / PAGE_SIZE;
        struct memobj *mo;

        err = memobj_create_phys(m->start, pages ? pages : 1, &mo);
        if (err)
            return err;
        err = init_give(p, &mo->obj, MODULE_RIGHTS, (int32_t)(CAIRN_INIT_HANDLE_MODULES + i));
        object_unref(&mo->obj);
    }
    /* The boot information page lives as long as init's handle to it. */
    return err ? err : init_give_devices(p, bi);
}

/* --- device access: the three root resources (include/cairn/init.h) --- */

#define DEVICE_ROOT_RIGHTS (CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* The IRQ range, the I/O ports, the physical range, at the values
 * include/cairn/init.h gives them. */
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
        int err;

        if (types[i] == CAIRN_OBJ_IOPORT)
            rights |= CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE; /* what ioport_enable needs */
        if (!r)
            return -CAIRN_ENOMEM;
        err = init_give(p, &r->obj, rights, (int32_t)(CAIRN_INIT_HANDLE_IRQ_ROOT + i));
        object_unref(&r->obj);
        if (err)
            return err;
    }
    return 0;
}

int
boot_module_image(const char *name, const void **image, size_t *size)
{
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (strcmp(m->cmdline, name) == 0) {
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

    if (boot_module_image("init", &image, &size) < 0) {
        log_warn("init: no boot module named \"init\"; nothing to run");
        return -CAIRN_ENOENT;
    }
    err = process_spawn_elf("init", image, size, flags, out);
    if (err) {
        log_error("init: cannot start the init module (error %d)", err);
        return err;
    }
    /* The root task starts at the highest user priority (its bound, as
     * for every process the kernel makes): it decides who runs above whom. */
    (*out)->main_thread->priority = CAIRN_PRIORITY_USER_MAX;
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
    err = init_give_handles(*out);
    if (err) {
        log_error("init: cannot hand init its handles (error %d)", err);
        process_discard(*out);
        return err;
    }
    log_info("init: started (pid %u)", (*out)->pid);
    return process_start(*out);
}
