/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run queue, private to the scheduler (sched.c, whose file
 * comment gives the invariants) and to the IPC fast path
 * (sys/ipc_fastpath.c), which makes its own switches with the helpers
 * below, inline so that its path has no calls.
 */
#ifndef CAIRN_SCHED_RUNQUEUE_H
#define CAIRN_SCHED_RUNQUEUE_H

#include "arch/x86_64/percpu.h"
#include "lib/spinlock.h"
#include "sched/switch.h"
#include "sched/thread.h"

struct runqueue {
    struct spinlock lock;
    struct list_node ready[THREAD_PRIORITIES]; /* [lock] */
    uint32_t bitmap;                           /* [lock] */
    unsigned ready_count;                      /* [lock, a] read without it as a hint */
    struct list_node sleepers;                 /* [lock] */
    struct thread *current;                    /* [lock] mirrored by cpus[i].current */
    struct thread *idle;                       /* [I] */
    struct list_node dead;                     /* [lock] died here, not yet reaped */
    struct list_node work;                     /* [lock] sched_defer's items for the reaper */
    struct thread *reaper;                     /* [I] reaps `dead` */
    uint64_t switches;                         /* [lock] */
    uint64_t run_start;                        /* [lock] TSC of the last CPU time sample */
    unsigned index;                            /* [I] its CPU's */
    bool online;                               /* [I] */
};

/* This CPU's run queue: one load through GS (set by sched_init_cpu before
 * the CPU takes an interrupt or schedules anything). */
static inline struct runqueue *
this_rq(void)
{
    return this_cpu_read(rq);
}

static inline unsigned
highest_ready_locked(const struct runqueue *rq)
{
    return rq->bitmap ? 31 - (unsigned)__builtin_clz(rq->bitmap) : 0;
}

/* Whether next, blocked, may run on this CPU at once in place of the
 * current thread (rq locked): it last ran here, nothing ready here
 * outranks it, and, if our slice is used up, nothing of its priority waits
 * either; and we are not being stopped. next then runs on the rest of our
 * slice: a pair of threads handing the CPU back and forth gets one slice
 * between them, not a fresh one at every hand-off, so threads of their
 * priority still get their turn. */
static inline bool
handoff_allowed_locked(struct runqueue *rq, struct thread *me, struct thread *next)
{
    spin_assert_held(&rq->lock);
    if (next->cpu != this_cpu_read(index) || next->state != THREAD_BLOCKED ||
        __atomic_load_n(&me->stop, __ATOMIC_ACQUIRE))
        return false;
    if (!rq->bitmap)
        return true;
    return highest_ready_locked(rq) < next->priority ||
           (me->slice_left && highest_ready_locked(rq) == next->priority);
}

/*
 * The bookkeeping of a switch from prev (rq's current thread) to next,
 * which is not on any list, up to the stacks: next is made current and
 * its address space, FPU registers and FS base are loaded. What remains is
 * the stack switch (context_switch, or the IPC fast path's own) and, on
 * next's side, the finish (sched_finish_switch), which lets prev go.
 */
static inline __attribute__((always_inline)) void
switch_prepare_locked(struct runqueue *rq, struct cpu *cpu, struct thread *prev,
                      struct thread *next, unsigned slice)
{
    spin_assert_held(&rq->lock);

    /* A thread stolen from another CPU may still be saving its context
     * there (rarely: the common case is one test). */
    if (__builtin_expect(__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE), 0)) {
        while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
            cpu_relax();
    }

    next->state = THREAD_RUNNING;
    next->slice_left = slice;
    next->cpu = cpu->index;
    __atomic_store_n(&next->on_cpu, true, __ATOMIC_RELAXED);
    rq->current = next;
    cpu->current = next;
    rq->switches++;
    cpu->tss.rsp[0] = next->kstack_top;
    cpu->kernel_rsp = next->kstack_top;
    sched_arch_switch(cpu, prev, next);
}

#endif
