// SPDX-License-Identifier: MIT
/*
 * Processes (see process.h): loading an ELF into a fresh address space,
 * entering it and leaving it. (Copies across the user/kernel boundary are
 * mm/usercopy.c's.)
 *
 * Every piece of a process's memory, the ELF segments and the stack
 * included, is a memory object mapped into its vspace (mm/vspace.c), so
 * one teardown path frees them all.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/vm.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "console/console.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "obj/elf.h"
#include "obj/endpoint.h"
#include "obj/ioport.h"
#include "obj/memobj.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "time/clock.h"

static uint32_t next_pid = 1;   /* [a] */
static unsigned live_processes; /* [a] */

struct process *
process_current(void)
{
    struct thread *t = sched_current();

    return t ? t->process : NULL;
}

static void
process_destroy(struct process *p)
{
    /* Only a process that never ran is destroyed with handles or mappings
     * still in place; a running one holds a reference through its thread. */
    handle_table_fini(&p->handles);
    vspace_fini(&p->vs);
    ioport_process_fini(p);
    if (p->quota)
        quota_unref(p->quota);
    kfree(p);
    __atomic_fetch_sub(&live_processes, 1, __ATOMIC_RELAXED);
}

static void
process_object_destroy(struct object *o)
{
    process_destroy(process_from(o));
}

static const struct object_ops process_ops = {.destroy = process_object_destroy};

void
process_ref(struct process *p)
{
    object_ref(&p->obj);
}

void
process_unref(struct process *p)
{
    object_unref(&p->obj);
}

/* Map a fresh memory object over [start, end) with prot, filling it from
 * data (len bytes at start + skip; the rest stays zero). */
static int
process_map_new(struct process *p, uint64_t start, uint64_t end, uint32_t prot, const uint8_t *data,
                uint64_t skip, uint64_t len)
{
    struct memobj *mo;
    uint64_t va = start;
    int err = memobj_create(end - start, &mo);

    if (err)
        return err;
    for (uint64_t done = 0; done < len;) {
        uint64_t at = skip + done;
        uint64_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
        uint64_t frame = memobj_frame(mo, at / PAGE_SIZE);
        if (!frame) {
            object_unref(&mo->obj);
            return -CAIRN_ENOMEM;
        }
        if (chunk > len - done)
            chunk = len - done;
        memcpy((uint8_t *)phys_to_virt(frame) + (at & (PAGE_SIZE - 1)), data + done, chunk);
        done += chunk;
    }
    err = vspace_map(&p->vs, mo, 0, end - start, &va, true, prot, prot);
    object_unref(&mo->obj); /* the mapping holds its own reference */
    return err;
}

static int
process_load_segment(struct process *p, const uint8_t *image, const struct elf_segment *s)
{
    uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint32_t prot = (s->flags & ELF_SEG_R ? CAIRN_PROT_READ : 0) |
                    (s->flags & ELF_SEG_W ? CAIRN_PROT_WRITE : 0) |
                    (s->flags & ELF_SEG_X ? CAIRN_PROT_EXEC : 0);

    return process_map_new(p, start, end, prot, image + s->offset, s->vaddr - start, s->filesz);
}

int
process_spawn_elf(const char *name, const void *image, size_t size, uint64_t arg,
                  struct process **out)
{
    struct elf_image elf;
    struct process *p;
    int err;

    err = elf_parse(image, size, CAIRN_USER_BASE,
                    CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - PAGE_SIZE, &elf);
    if (err)
        return err;
    p = kzalloc(sizeof(*p));
    if (!p)
        return -CAIRN_ENOMEM;
    __atomic_fetch_add(&live_processes, 1, __ATOMIC_RELAXED);
    object_init(&p->obj, CAIRN_OBJ_PROCESS, &process_ops);
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    strlcpy(p->name, name, sizeof(p->name));
    /* A child shares its creator's quota until given one of its own. */
    if (process_current() && process_current()->quota) {
        p->quota = process_current()->quota;
        quota_ref(p->quota);
    }
    err = handle_table_init(&p->handles, PROCESS_MAX_HANDLES);
    if (err)
        goto err_destroy;
    err = vspace_init(&p->vs);
    if (err)
        goto err_destroy;
    for (unsigned i = 0; i < elf.segment_count; i++) {
        err = process_load_segment(p, image, &elf.segments[i]);
        if (err)
            goto err_destroy;
    }
    /* The stack; the page below it stays unmapped as a guard. */
    err = process_map_new(p, CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP,
                          CAIRN_PROT_READ | CAIRN_PROT_WRITE, NULL, 0, 0);
    if (err)
        goto err_destroy;

    p->main_thread = thread_create_user(name, p, elf.entry, CAIRN_USER_STACK_TOP, arg);
    if (!p->main_thread) {
        err = -CAIRN_ENOMEM;
        goto err_destroy;
    }
    /* The thread keeps itself alive until it dies; the process must not
     * hold it too, or each would keep the other forever. */
    thread_unref(p->main_thread);
    *out = p; /* the thread holds its own reference */
    return 0;

err_destroy:
    process_destroy(p);
    return err;
}

int
process_spawn_memobj(const char *name, struct memobj *mo, uint64_t size, uint64_t arg,
                     struct process **out)
{
    uint8_t *image;
    int err;

    if (size == 0 || size > mo->npages * PAGE_SIZE || size > PROCESS_MAX_IMAGE)
        return -CAIRN_EINVAL;
    /* A contiguous copy: the parser and loader read the image as one range,
     * and the object's pages are neither contiguous nor stable while the
     * caller may still write them. */
    image = kmalloc(size);
    if (!image)
        return -CAIRN_ENOMEM;
    for (uint64_t done = 0; done < size; done += PAGE_SIZE) {
        uint64_t frame = memobj_frame(mo, done / PAGE_SIZE);
        uint64_t chunk = size - done < PAGE_SIZE ? size - done : PAGE_SIZE;
        if (!frame) {
            kfree(image);
            return -CAIRN_ENOMEM;
        }
        memcpy(image + done, phys_to_virt(frame), chunk);
    }
    err = process_spawn_elf(name, image, size, arg, out);
    kfree(image);
    return err;
}

void
process_discard(struct process *p)
{
    /* The thread's "alive" reference goes first: it holds the process. */
    thread_unref(p->main_thread);
    p->main_thread = NULL;
    process_unref(p);
}

_Noreturn void
process_exit(int64_t status)
{
    struct process *p = process_current();

    assert(p);
    endpoint_thread_exit(); /* a caller waiting for our reply learns we are gone */
    __atomic_store_n(&p->exit_status, status, __ATOMIC_RELAXED);
    __atomic_store_n(&p->exited, true, __ATOMIC_RELEASE);
    struct thread *waiter = __atomic_load_n(&p->waiter, __ATOMIC_ACQUIRE);
    if (waiter)
        sched_wake(waiter);
    klog(status ? LOG_INFO : LOG_DEBUG, "process %s (pid %u) exited with status %ld", p->name,
         p->pid, (long)status);
    thread_exit(status);
}

int
process_wait(struct process *p, uint64_t timeout_ns, int64_t *status)
{
    uint64_t start = clock_monotonic_ns();

    __atomic_store_n(&p->waiter, sched_current(), __ATOMIC_RELEASE);
    while (!__atomic_load_n(&p->exited, __ATOMIC_ACQUIRE)) {
        uint64_t waited = clock_monotonic_ns() - start;
        if (waited > timeout_ns) {
            __atomic_store_n(&p->waiter, NULL, __ATOMIC_RELEASE);
            return -CAIRN_EBUSY;
        }
        /* process_exit wakes us; the bounded sleep covers an exit that
         * slips in between the check and the sleep. */
        sched_sleep_ns(timeout_ns - waited < 10000000 ? timeout_ns - waited : 10000000);
    }
    __atomic_store_n(&p->waiter, NULL, __ATOMIC_RELEASE);
    if (status)
        *status = p->exit_status;
    return 0;
}

unsigned
process_live_count(void)
{
    return __atomic_load_n(&live_processes, __ATOMIC_RELAXED);
}
