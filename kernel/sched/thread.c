// SPDX-License-Identifier: MIT
/*
 * Thread creation and death. A new kernel thread's stack is laid out as if
 * it had been switched away from inside context_switch(), so the first
 * switch to it "returns" into thread_trampoline (switch.S), which finishes
 * the switch, enables interrupts and calls the thread's function.
 *
 * References: thread_create() returns a thread holding two: the caller's,
 * and the one that keeps it alive until it dies and is reaped.
 */
#include "sched/thread.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "core/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "obj/process.h"
#include "sched/sched.h"

extern const char thread_trampoline[];

static uint32_t next_thread_id = 1; /* [a] */
static unsigned live_threads;       /* [a] */

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
    t->kstack_phys = frame_alloc(THREAD_STACK_ORDER);
    if (!t->kstack_phys) {
        kfree(t);
        return NULL;
    }
    t->kstack_top = (uint64_t)phys_to_virt(t->kstack_phys) + (PAGE_SIZE << THREAD_STACK_ORDER);
    strlcpy(t->name, name, sizeof(t->name));
    t->priority = priority;
    t->state = THREAD_NEW;
    t->refs = 2;
    t->id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
    list_init(&t->rq_link);

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

    __atomic_fetch_add(&live_threads, 1, __ATOMIC_RELAXED);
    return t;
}

void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg); /* syscall.S */

static long
user_thread_start(void *arg)
{
    struct thread *t = arg;

    user_enter(t->user_entry, t->user_stack, t->user_arg);
    return 0; /* not reached */
}

struct thread *
thread_create_user(const char *name, struct process *p, uint64_t entry, uint64_t stack,
                   uint64_t arg)
{
    struct thread *t;
    void *fpu = kmalloc(fpu_area_size());

    if (!fpu)
        return NULL;
    fpu_state_init(fpu);
    t = thread_create(name, user_thread_start, NULL, THREAD_PRIORITY_NORMAL);
    if (!t) {
        kfree(fpu);
        return NULL;
    }
    /* The trampoline passes r13 to the entry function: the thread itself. */
    ((uint64_t *)t->saved_rsp)[2] = (uint64_t)t;
    t->fpu_state = fpu;
    t->process = p;
    t->user_entry = entry;
    t->user_stack = stack;
    t->user_arg = arg;
    process_ref(p);
    return t;
}

void
thread_ref(struct thread *t)
{
    __atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
}

void
thread_unref(struct thread *t)
{
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    assert(t->state == THREAD_DEAD || t->state == THREAD_NEW);
    if (t->kstack_phys)
        frame_free(t->kstack_phys, THREAD_STACK_ORDER);
    kfree(t->fpu_state);
    if (t->process)
        process_unref(t->process);
    kfree(t);
    __atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
}

void
thread_reap(struct thread *t)
{
    /* Off every CPU now: the stack can go at once, the struct when the last
     * reference does. */
    frame_free(t->kstack_phys, THREAD_STACK_ORDER);
    t->kstack_phys = 0;
    thread_unref(t);
}

unsigned
thread_live_count(void)
{
    return __atomic_load_n(&live_threads, __ATOMIC_RELAXED);
}
