// SPDX-License-Identifier: MIT
/*
 * Thread creation and death. A new kernel thread's stack is laid out as if
 * it had been switched away from inside context_switch(), so the first
 * switch to it "returns" into thread_trampoline (switch.S), which finishes
 * the switch, enables interrupts and calls the thread's function.
 *
 * References (see thread.h): thread_create() returns a thread holding one,
 * the caller's; sched_start() adds the one that keeps it alive until it
 * dies and is reaped. A thread is a kernel object, so the last reference,
 * whoever drops it, runs thread_destroy.
 */
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"
#include "common/string.h"
#include "core/panic.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "sched/thread.h"

extern const char thread_trampoline[];

static uint32_t next_thread_id = 1; /* [a] */

/* Objects freed before this CPU has a current thread (early boot, one CPU). */
static struct object_reclaim boot_reclaim;

struct object_reclaim *
object_reclaim_get(bool *irq)
{
    struct thread *t;

    *irq = irq_save();
    t = percpu_ready ? sched_current() : NULL;
    return t ? &t->reclaim : &boot_reclaim;
}

void
object_reclaim_put(bool irq)
{
    irq_restore(irq);
}

static void
thread_destroy(struct object *o)
{
    struct thread *t = thread_from(o);

    assert(t->state == THREAD_DEAD || t->state == THREAD_NEW);
    assert(!t->reclaim.active && !t->reclaim.pending);
    if (t->kstack_phys)
        kstack_free(t->kstack_top, t->kstack_phys);
    kfree(t->fpu_area);
    fault_handler_clear(&t->fault);
    if (t->process) {
        process_thread_remove(t->process, t);
        process_unref(t->process);
    }
    kfree(t);
}

static const struct object_ops thread_ops = {.destroy = thread_destroy};

struct thread *
thread_create(const char *name, long (*fn)(void *), void *arg, unsigned priority)
{
    struct thread *t;
    uint64_t *sp;

    if (priority >= THREAD_PRIORITIES)
        return NULL;
    t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    if (kstack_alloc(&t->kstack_top, &t->kstack_phys) < 0) {
        kfree(t);
        return NULL;
    }
    strlcpy(t->name, name, sizeof(t->name));
    t->priority = priority;
    t->state = THREAD_NEW;
    t->pin = -1;
    t->id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
    list_init(&t->rq_link);
    list_init(&t->proc_link);
    waitq_init(&t->exit_wq);

    /* The frame context_switch() pops: r15 r14 r13 r12 rbx rbp, then the
     * return address, which sits at the top so the trampoline starts on a
     * 16-byte aligned stack. */
    sp = (uint64_t *)t->kstack_top;
    *--sp = (uint64_t)thread_trampoline;
    *--sp = 0;             /* rbp: ends backtraces */
    *--sp = 0;             /* rbx */
    *--sp = (uint64_t)fn;  /* r12 */
    *--sp = (uint64_t)arg; /* r13 */
    *--sp = 0;             /* r14 */
    *--sp = 0;             /* r15 */
    t->saved_rsp = (uint64_t)sp;

    object_init(&t->obj, CAIRN_OBJ_THREAD, &thread_ops);
    return t;
}

void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg); /* syscall.S */

static long
user_thread_start(void *arg)
{
    struct thread *t = arg;

    process_stop_check(); /* killed before it ever ran */
    user_enter(t->user_entry, t->user_stack, t->user_arg);
    return 0; /* not reached */
}

struct thread *
thread_create_user(const char *name, struct process *p, uint64_t entry, uint64_t stack,
                   uint64_t arg, unsigned priority)
{
    struct thread *t;
    void *fpu;

    if (priority >= THREAD_PRIORITIES)
        return NULL;
    fpu = kmalloc(fpu_area_size());
    if (!fpu)
        return NULL;
    fpu_state_init(fpu);
    t = thread_create(name, user_thread_start, NULL, priority);
    if (!t) {
        kfree(fpu);
        return NULL;
    }
    /* The trampoline passes r13 to the entry function: the thread itself. */
    ((uint64_t *)t->saved_rsp)[2] = (uint64_t)t;
    t->fpu_area = fpu;
    t->fpu_image = (void *)fpu_image(fpu);
    /* Its structure, FPU area and kernel stack are the process's to pay. */
    if (process_charge(p, &t->obj, sizeof(*t) + fpu_area_size() + KSTACK_SIZE) < 0) {
        thread_unref(t);
        return NULL;
    }
    t->process = p;
    t->user_entry = entry;
    t->user_stack = stack;
    t->user_arg = arg;
    process_ref(p);
    return t;
}

void
thread_reap(struct thread *t)
{
    struct process *p = t->process;

    /* Off every CPU now: the stack can go at once, the struct when the last
     * reference does. The thread's own reference goes before its process
     * hears of the reaping, so that when the process's last thread is
     * reaped and its waiters wake, no reference of the thread's own is
     * left. */
    kstack_free(t->kstack_top, t->kstack_phys);
    t->kstack_phys = 0;
    if (p)
        process_ref(p);
    thread_unref(t);
    if (p) {
        process_thread_reaped(p);
        process_unref(p);
    }
}

void
thread_mark_exited(struct thread *t, int64_t status)
{
    bool irq = spin_lock_irqsave(&t->exit_wq.lock);

    if (!t->exited) {
        t->exit_status = status;
        t->exited = true;
        waitq_wake_all_locked(&t->exit_wq);
    }
    spin_unlock_irqrestore(&t->exit_wq.lock, irq);
    if (t->process)
        watch_fire(&t->watches, false); /* after exited: a watcher's thread_wait sees it */
}

int
thread_wait(struct thread *t, uint64_t deadline, int64_t *status)
{
    bool irq = spin_lock_irqsave(&t->exit_wq.lock);
    int err = waitq_wait_for_locked(&t->exit_wq, &t->exited, deadline);

    if (!err && status)
        *status = t->exit_status;
    spin_unlock_irqrestore(&t->exit_wq.lock, irq);
    return err;
}

unsigned
thread_live_count(void)
{
    return object_live_count(CAIRN_OBJ_THREAD);
}
