// SPDX-License-Identifier: MIT
/*
 * System call dispatch: the table comes from CAIRN_SYSCALL_TABLE in
 * include/cairn/syscalls.h. Each handler reads its arguments from the
 * frame (rdi, rsi, rdx, r10, r8, r9), validates them all before acting,
 * and returns a result or a negative CAIRN_E* code.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/syscalls.h>

#include "arch/x86_64/trap.h"
#include "console/console.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "time/clock.h"

typedef int64_t (*syscall_fn)(struct trap_frame *f);

static int64_t
sys_debug_write(struct trap_frame *f)
{
    char buf[256];
    uint64_t user = f->rdi, len = f->rsi;

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
        copy_from_user(buf, user + done, chunk);
        console_write(buf, chunk);
        done += chunk;
    }
    return (int64_t)len;
}

static int64_t
sys_process_exit(struct trap_frame *f)
{
    process_exit((int64_t)f->rdi);
}

static int64_t
sys_thread_yield(struct trap_frame *f)
{
    (void)f;
    sched_yield();
    return 0;
}

static int64_t
sys_thread_sleep(struct trap_frame *f)
{
    sched_sleep_ns(f->rdi);
    return 0;
}

static int64_t
sys_clock_get(struct trap_frame *f)
{
    (void)f;
    return (int64_t)clock_monotonic_ns();
}

static const syscall_fn syscall_table[CAIRN_SYSCALL_COUNT] = {
#define CAIRN_SYSCALL_ENTRY(number, name, nargs) [number] = sys_##name,
    CAIRN_SYSCALL_TABLE(CAIRN_SYSCALL_ENTRY)
#undef CAIRN_SYSCALL_ENTRY
};

int syscall_dispatch(struct trap_frame *f);

/* Returns non-zero when the return must take the iretq path. */
int
syscall_dispatch(struct trap_frame *f)
{
    uint64_t nr = f->rax;

    if (nr < CAIRN_SYSCALL_COUNT && syscall_table[nr])
        f->rax = (uint64_t)syscall_table[nr](f);
    else
        f->rax = (uint64_t)-CAIRN_ENOSYS;
    sched_preempt_check();
    /* sysret to a non-canonical (or kernel) rip would fault in ring 0. */
    return f->rip >= CAIRN_USER_TOP;
}
