// SPDX-License-Identifier: MIT
/*
 * The system calls that build and end processes from user space: an empty
 * process, mappings into it, handles given to it, killing it, its name,
 * what it reports about itself and the bound on its threads' priorities
 * (obj/process_info.c), and the diagnostic counters that leak tests read.
 * Threads are sys_thread.c.
 *
 * Every handler validates all handles, rights and arguments before it
 * changes anything. A call on another process's address space holds a use
 * count on it (process_vspace_get), so that the process cannot be torn
 * down under the call; a process that has ended answers -CAIRN_ECLOSED.
 */
#include <cairn/debug.h>
#include <cairn/errors.h>
#include <cairn/process.h>
#include <cairn/rights.h>
#include <cairn/vm.h>

#include "arch/x86_64/percpu.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "obj/memobj.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sys/syscall.h"

int64_t
sys_process_create(void)
{
    struct process *p;
    int err, h;

    err = process_create("child", &p);
    if (err)
        return err;
    h = handle_insert(&process_current()->handles, &p->obj, PROCESS_CREATOR_RIGHTS);
    process_unref(p); /* the handle holds it now (or nothing does, and it goes) */
    return h;
}

/* The process that handle h names, with MANAGE. */
static int
process_get_managed(cairn_handle_t h, struct process **out)
{
    struct object *o;
    int err =
        handle_get(&process_current()->handles, h, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &o, NULL);

    if (!err)
        *out = process_from(o);
    return err;
}

int64_t
sys_vm_map_into(cairn_handle_t process, cairn_handle_t memobj, uint64_t offset, uint64_t size,
                uint64_t va, uint64_t prot_flags)
{
    uint32_t prot = prot_flags & 0xff, flags = (prot_flags >> 8) & 0xff, rights, max_prot;
    struct process *p;
    struct object *o;
    int err;

    if ((prot_flags >> 16) || (flags & ~CAIRN_MAP_FIXED))
        return -CAIRN_EINVAL;
    err = process_get_managed(process, &p);
    if (err)
        return err;
    err = handle_get(&process_current()->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_MAP, &o,
                     &rights);
    if (err)
        goto out_process;
    max_prot = (rights & CAIRN_RIGHT_READ ? CAIRN_PROT_READ : 0) |
               (rights & CAIRN_RIGHT_WRITE ? CAIRN_PROT_WRITE : 0) |
               (rights & CAIRN_RIGHT_EXEC ? CAIRN_PROT_EXEC : 0);
    if (!process_vspace_get(p)) {
        err = -CAIRN_ECLOSED;
    } else {
        err = vspace_map(&p->vs, memobj_from(o), offset, size, &va, flags & CAIRN_MAP_FIXED, prot,
                         max_prot);
        process_vspace_put(p);
    }
    object_unref(o);
out_process:
    process_unref(p);
    return err ? err : (int64_t)va;
}

int64_t
sys_vm_unmap_into(cairn_handle_t process, uint64_t addr, uint64_t size)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    if (!process_vspace_get(p)) {
        err = -CAIRN_ECLOSED;
    } else {
        err = vspace_unmap(&p->vs, addr, size);
        process_vspace_put(p);
    }
    process_unref(p);
    return err;
}

int64_t
sys_process_kill(cairn_handle_t process)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    /* Killing the caller's own process works too: the caller stops on
     * its way back to user mode. */
    process_end(p, CAIRN_STATUS_KILLED);
    process_unref(p);
    return 0;
}

int64_t
sys_handle_install(cairn_handle_t process, cairn_handle_t handle, uint32_t rights)
{
    struct process *p;
    struct handle_entry e;
    bool closed;
    int err, h;

    err = process_get_managed(process, &p);
    if (err)
        return err;
    /* A copy: the caller keeps its handle, so it needs DUPLICATE as well
     * as TRANSFER, as for a copy over IPC; the rights only shrink. */
    err = handle_copy_out(&process_current()->handles, handle, rights, &e);
    if (err) {
        process_unref(p);
        return err;
    }
    closed = __atomic_load_n(&p->dying, __ATOMIC_ACQUIRE);
    h = closed ? -CAIRN_ECLOSED : handle_insert_entry(&p->handles, &e);
    /* A table emptied by teardown refuses everything; say why. */
    if (h == -CAIRN_ENOMEM && __atomic_load_n(&p->dying, __ATOMIC_ACQUIRE))
        h = -CAIRN_ECLOSED;
    handle_entry_drop(&e);
    process_unref(p);
    return h;
}

int64_t
sys_debug_stats(uint64_t user_stats)
{
    struct cairn_debug_stats s = {0};

    kmalloc_shrink(); /* cached empty heap pages are not in use */
    s.free_frames = frame_free_count();
    s.total_frames = frame_total_count();
    s.live_threads = thread_live_count();
    s.cpu_count = cpu_count;
    for (uint32_t type = 0; type < CAIRN_OBJ_COUNT && type < CAIRN_DEBUG_OBJ_TYPES; type++)
        s.live_objects[type] = object_live_count(type);
    return copy_to_user(user_stats, &s, sizeof(s));
}

/* Watching takes WAIT on the process, as process_wait does, and SIGNAL on
 * the notification. */
int64_t
sys_process_watch(cairn_handle_t process, cairn_handle_t notification, uint64_t bits)
{
    struct handle_table *t = &process_current()->handles;
    struct object *p, *n;
    int err = handle_get(t, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_WAIT, &p, NULL);

    if (err)
        return err;
    err = handle_get(t, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n, NULL);
    if (!err) {
        err = watch_add(&process_from(p)->watches, notification_from(n), bits);
        object_unref(n);
    }
    object_unref(p);
    return err;
}

int64_t
sys_process_info(cairn_handle_t process, uint64_t user_info)
{
    struct cairn_process_info info;
    struct object *o;
    int err = handle_get(&process_current()->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_READ,
                         &o, NULL);

    if (err)
        return err;
    process_get_info(process_from(o), &info);
    object_unref(o);
    return copy_to_user(user_info, &info, sizeof(info));
}

int64_t
sys_process_set_name(cairn_handle_t process, uint64_t user_name, uint64_t len)
{
    char name[PROCESS_NAME_MAX];
    struct process *p;
    int err;

    if (len == 0 || len >= PROCESS_NAME_MAX)
        return -CAIRN_EINVAL;
    err = process_get_managed(process, &p);
    if (err)
        return err;
    err = copy_from_user(name, user_name, len);
    /* Names reach the kernel log: printable ASCII only, so none can
     * forge a line or a terminal escape. */
    for (uint64_t i = 0; !err && i < len; i++) {
        if (name[i] < 0x20 || name[i] > 0x7e)
            err = -CAIRN_EINVAL;
    }
    if (!err)
        process_set_name(p, name, len);
    process_unref(p);
    return err;
}

int64_t
sys_process_max_prio(cairn_handle_t process, uint64_t max)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    if (max >= THREAD_PRIORITIES)
        err = -CAIRN_EINVAL;
    else if (max > __atomic_load_n(&process_current()->max_priority, __ATOMIC_RELAXED))
        err = -CAIRN_EPERM; /* never above the caller's own bound */
    else
        process_set_max_priority(p, (unsigned)max);
    process_unref(p);
    return err;
}
