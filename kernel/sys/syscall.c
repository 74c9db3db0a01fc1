// SPDX-License-Identifier: MIT
/*
 * System call dispatch, and the handlers of the first calls (console,
 * clock, handles, memory, processes). The table comes from
 * CAIRN_SYSCALL_TABLE in include/cairn/syscalls.h; sys/syscall.h states
 * what every handler must do.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap.h"
#include "console/console.h"
#include "lib/log.h"
#include "obj/memobj.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "sys/syscall.h"
#include "time/clock.h"

typedef int64_t (*syscall_fn)(struct trap_frame *f);

int64_t
sys_debug_write(uint64_t user, uint64_t len)
{
    char buf[256];

    if (len > CAIRN_DEBUG_WRITE_MAX)
        return -CAIRN_EINVAL;
    /* Check the whole range before writing any of it. */
    if (len && copy_from_user(buf, user, 1) < 0)
        return -CAIRN_EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t chunk = len - done > sizeof(buf) ? sizeof(buf) : len - done;
        if (copy_from_user(buf, user + done, chunk) < 0)
            return -CAIRN_EFAULT;
        done += chunk;
    }
    for (uint64_t done = 0; done < len;) {
        uint64_t chunk = len - done > sizeof(buf) ? sizeof(buf) : len - done;
        /* Only another thread unmapping the buffer meanwhile fails here. */
        if (copy_from_user(buf, user + done, chunk) < 0)
            return -CAIRN_EFAULT;
        console_write_lines(buf, chunk);
        done += chunk;
    }
    return (int64_t)len;
}

int64_t
sys_process_exit(int64_t status)
{
    process_exit(status);
}

int64_t
sys_thread_yield(void)
{
    sched_yield();
    return 0;
}

int64_t
sys_thread_sleep(uint64_t ns)
{
    sched_sleep_ns(ns);
    return 0;
}

int64_t
sys_clock_get(void)
{
    return (int64_t)clock_monotonic_ns();
}

/* --- handles --- */

int64_t
sys_handle_dup(cairn_handle_t handle, uint32_t rights)
{
    return handle_dup(&process_current()->handles, handle, rights);
}

int64_t
sys_handle_close(cairn_handle_t handle)
{
    return handle_close(&process_current()->handles, handle);
}

int64_t
sys_handle_info(cairn_handle_t handle, uint64_t user_info)
{
    struct cairn_handle_info info;
    int err = handle_info(&process_current()->handles, handle, &info);

    if (err)
        return err;
    return copy_to_user(user_info, &info, sizeof(info));
}

/* --- memory objects and mappings --- */

#define MEMOBJ_CREATOR_RIGHTS                                                    \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXEC | CAIRN_RIGHT_MAP | \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_MANAGE)

int64_t
sys_memobj_create(uint64_t size, uint64_t flags)
{
    struct quota *q = process_quota_get(process_current());
    struct memobj *mo;
    int err, h;

    /* The whole size is charged now, so a first touch never fails; or,
     * on request, page by page as the object is touched. */
    if (flags & ~(uint64_t)CAIRN_MEMOBJ_ON_TOUCH)
        err = -CAIRN_EINVAL;
    else if (flags & CAIRN_MEMOBJ_ON_TOUCH)
        err = memobj_create_on_touch(size, q, &mo);
    else
        err = memobj_create(size, q, &mo);
    if (q)
        quota_unref(q);
    if (err)
        return err;
    h = handle_insert(&process_current()->handles, &mo->obj, MEMOBJ_CREATOR_RIGHTS);
    object_unref(&mo->obj); /* the handle holds the object now (or nothing does) */
    return h;
}

/* The protections a handle's rights allow. */
static uint32_t
rights_to_max_prot(uint32_t rights)
{
    return (rights & CAIRN_RIGHT_READ ? CAIRN_PROT_READ : 0) |
           (rights & CAIRN_RIGHT_WRITE ? CAIRN_PROT_WRITE : 0) |
           (rights & CAIRN_RIGHT_EXEC ? CAIRN_PROT_EXEC : 0);
}

int64_t
sys_vm_map(cairn_handle_t memobj, uint64_t offset, uint64_t size, uint64_t va, uint32_t prot,
           uint32_t flags)
{
    struct process *p = process_current();
    struct object *o;
    uint32_t rights;
    int err;

    if (flags & ~CAIRN_MAP_FIXED)
        return -CAIRN_EINVAL;
    err = handle_get(&p->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_MAP, &o, &rights);
    if (err)
        return err;
    err = vspace_map(&p->vs, memobj_from(o), offset, size, &va, flags & CAIRN_MAP_FIXED, prot,
                     rights_to_max_prot(rights));
    object_unref(o);
    return err ? err : (int64_t)va;
}

int64_t
sys_vm_unmap(uint64_t addr, uint64_t size)
{
    return vspace_unmap(&process_current()->vs, addr, size);
}

int64_t
sys_vm_protect(uint64_t addr, uint64_t size, uint32_t prot)
{
    return vspace_protect(&process_current()->vs, addr, size, prot);
}

/* --- processes --- */

int64_t
sys_process_spawn(cairn_handle_t memobj, uint64_t size, uint64_t arg)
{
    struct process *self = process_current(), *child;
    struct object *o;
    int err, h;

    err = handle_get(&self->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &o, NULL);
    if (err)
        return err;
    /* size 0: the whole object (an image padded to whole pages is fine). */
    err = process_spawn_memobj("child", memobj_from(o),
                               size ? size : memobj_from(o)->npages * PAGE_SIZE, arg, &child);
    object_unref(o);
    if (err)
        return err;
    h = handle_insert(&self->handles, &child->obj, PROCESS_CREATOR_RIGHTS);
    if (h < 0) {
        process_discard(child);
        return h;
    }
    process_start(child);
    process_unref(child); /* the handle and the thread hold it now */
    return h;
}

int64_t
sys_process_wait(cairn_handle_t process, uint64_t timeout_ns, uint64_t user_status)
{
    struct process *self = process_current();
    struct object *o;
    int64_t status;
    int err;

    err = handle_get(&self->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_WAIT, &o, NULL);
    if (err)
        return err;
    err = process_wait(process_from(o), timeout_ns, &status);
    object_unref(o);
    if (err)
        return err;
    return user_status ? copy_to_user(user_status, &status, sizeof(status)) : 0;
}

/*
 * The dispatch table: a REGS row's entry is a thunk that passes the frame's
 * argument registers to its handler as the row's parameter types; a tail
 * call, since the thunk's frame would hold nothing (this file is built
 * with sibling calls on, see the Makefile). A FRAME row's entry is its
 * handler. Numbers without a row get syscall_enosys, so every slot below
 * CAIRN_SYSCALL_COUNT can be called without a check for NULL.
 */
#define SYSCALL_REG_0                  rdi
#define SYSCALL_REG_1                  rsi
#define SYSCALL_REG_2                  rdx
#define SYSCALL_REG_3                  r10
#define SYSCALL_REG_4                  r8
#define SYSCALL_REG_5                  r9
#define SYSCALL_REG_ARG(i, type, name) (type) f->SYSCALL_REG_##i

#define SYSCALL_THUNK_REGS(name, nargs, ...)                                          \
    static int64_t syscall_thunk_##name(struct trap_frame *f)                         \
    {                                                                                 \
        (void)f;                                                                      \
        return sys_##name(CAIRN_SYSCALL_EACH(SYSCALL_REG_ARG, , nargs, __VA_ARGS__)); \
    }
#define SYSCALL_THUNK_FRAME(name, nargs, ...)
#define SYSCALL_THUNK(number, name, ret, abi, nargs, ...) \
    SYSCALL_THUNK_##abi(name, nargs, __VA_ARGS__)
CAIRN_SYSCALL_TABLE(SYSCALL_THUNK)

static int64_t
syscall_enosys(struct trap_frame *f)
{
    (void)f;
    return -CAIRN_ENOSYS;
}

#define SYSCALL_ENTRY_REGS(name)                   syscall_thunk_##name
#define SYSCALL_ENTRY_FRAME(name)                  sys_##name
#define SYSCALL_ENTRY(number, name, ret, abi, ...) [number] = SYSCALL_ENTRY_##abi(name),

/* The rows override the range's default: that is the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const syscall_fn syscall_table[CAIRN_SYSCALL_COUNT] = {
    [0 ... CAIRN_SYSCALL_COUNT - 1] = syscall_enosys, CAIRN_SYSCALL_TABLE(SYSCALL_ENTRY)};
#pragma GCC diagnostic pop

int syscall_dispatch(struct trap_frame *f);

/*
 * A return rip at or above CAIRN_USER_TOP cannot take sysret: sysret to a
 * non-canonical rip faults in ring 0 on Intel CPUs, on the user's stack.
 * Below the canonical limit iretq is safe (the fetch faults in user mode).
 * A non-canonical one cannot come from a syscall instruction, since the
 * last canonical page is never mapped; should a frame ever hold one, iretq
 * would fault in ring 0 after swapgs, so the process ends as if it had
 * taken a #GP instead.
 */
static int
syscall_return_unusual(struct trap_frame *f)
{
    struct process *p = process_current();

    if (f->rip < 0x0000800000000000ull)
        return 1;
    log_warn("process %s (pid %u) killed: general protection fault, rip %016lx", p->name, p->pid,
             f->rip);
    process_exit(-(int64_t)(128 + 13));
}

/* Returns non-zero when the return must take the iretq path. */
int
syscall_dispatch(struct trap_frame *f)
{
    uint64_t nr = f->rax;

    if (nr < CAIRN_SYSCALL_COUNT)
        f->rax = (uint64_t)syscall_table[nr](f);
    else
        f->rax = (uint64_t)-CAIRN_ENOSYS;
    sched_preempt_check();
    process_stop_check(); /* its process is ending: exit instead of returning */
    if (__builtin_expect(f->rip >= CAIRN_USER_TOP, 0))
        return syscall_return_unusual(f);
    return 0;
}
