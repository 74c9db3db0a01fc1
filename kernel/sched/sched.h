/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: fixed priorities, round robin within a priority, one run
 * queue per CPU.
 *
 * - A thread runs until it blocks, sleeps, yields, or uses up its slice
 *   (SCHED_SLICE_TICKS timer ticks); a woken thread of higher priority than
 *   the running one preempts it at the next interrupt return.
 * - A woken thread goes back to the run queue of the CPU it last ran on
 *   (its cache is there); an idle CPU steals ready threads from the busiest
 *   queue, which is how threads migrate and load balances. A wake-up aimed
 *   at an idle CPU sends it an IPI.
 * - Idle CPUs halt (their tick still comes, and with it a look for work).
 *
 * Locking: each run queue has a lock, taken with interrupts off. It is held
 * across the context switch and released by the thread switched to
 * (sched_finish_switch). No code holds two run-queue locks at once.
 */
#ifndef CAIRN_SCHED_SCHED_H
#define CAIRN_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/percpu.h"
#include "sched/cont.h"
#include "sched/thread.h"

#define SCHED_SLICE_TICKS 2
#define SCHED_FOREVER     UINT64_MAX /* a deadline that never comes */

/* Turn the calling boot context into this CPU's idle thread, set up its
 * run queue and start its reaper (which frees the threads that die on this
 * CPU). Called once per CPU, with interrupts off, once memory is up. */
void sched_init_cpu(void);
/* Run the idle loop: halt until there is work, run it. Never returns. */
_Noreturn void sched_idle_loop(void);

/* The running thread: one load, through the per-CPU area's `current`. */
static inline struct thread *
sched_current(void)
{
    struct thread *t;

    __asm__ volatile("mov %%gs:24, %0" : "=r"(t)); /* offsetof(struct cpu, current) */
    return t;
}

/*
 * Work for this CPU's reaper: fn(w) runs soon in a kernel thread with
 * interrupts on and no lock held, one item at a time, so what it starts
 * (a process teardown that finds more to tear down) never nests. The
 * caller owns w until fn runs. Callable from any context.
 */
struct sched_work {
    struct list_node link;
    void (*fn)(struct sched_work *w);
};
void sched_defer(struct sched_work *w);

/* Pin a NEW thread to one CPU (cpu -1: none): it starts there and never
 * runs anywhere else (idle CPUs do not steal it, IPC hand-offs wake it
 * there). 0, -CAIRN_EINVAL (not an online CPU), -CAIRN_EBUSY (started). */
int sched_set_pin(struct thread *t, int cpu);

/* Give t priority prio (below THREAD_PRIORITIES), whatever its state:
 * a ready thread moves to the new priority's queue (at its back), and a
 * running one that now ranks below a ready thread on its CPU gives way.
 * The caller keeps t from starting meanwhile (its process's lock). */
void sched_set_priority(struct thread *t, unsigned prio);

/* Make a NEW thread ready, on its pinned CPU or the least loaded one. */
void sched_start(struct thread *t);
void sched_yield(void);
/* Sleep at least ns nanoseconds (to the clock, not the tick: the CPU's
 * one-shot timer is armed for the deadline); 0 yields. */
void sched_sleep_ns(uint64_t ns);

/* Blocking: a thread marks itself blocked, re-checks its condition, then
 * calls sched_block(). A sched_wake() in between turns the block into a
 * no-op, so no wake-up is lost. */
void sched_prepare_block(void);
void sched_block(void);
/* sched_block with a deadline (monotonic ns; SCHED_FOREVER: none). Returns
 * true if the deadline passed before a sched_wake() came. */
bool sched_block_until(uint64_t deadline);
void sched_cancel_block(void);
/*
 * Block the calling thread (already marked with sched_prepare_block) and
 * run next, a thread blocked waiting for it, in its place: on this CPU at
 * once when next last ran here and nothing more urgent is ready, else
 * through an ordinary sched_wake. How IPC hands the CPU from caller to
 * receiver and back. deadline and the result as for sched_block_until.
 */
bool sched_handoff(struct thread *next, uint64_t deadline);

/*
 * Block the calling thread with a continuation (sched/cont.h), on its
 * syscall frame f, until sched_wake or the deadline (t->timed_out says
 * which), and pick the thread to run in its place. The caller has
 * published its wait under a lock that it holds, with interrupts off, and
 * drops once this returns; the switch is syscall.S's to make. Returns rsp
 * 0, blocking nothing, when the thread is being stopped.
 */
struct trap_frame;
struct cont_switch sched_block_cont(struct trap_frame *f, uint64_t deadline);

/* Wake t if it is blocked or sleeping; returns whether it was. */
bool sched_wake(struct thread *t);
/* sched_wake that, when t is blocked and switched away, first calls
 * finish(t, arg) with t's run queue locked: t cannot be running then, nor
 * be made ready by anyone else, so finish may end t's system call for it
 * (a notification's signal does, obj/notification.c). */
bool sched_wake_finish(struct thread *t, void (*finish)(struct thread *t, void *arg), void *arg);

/* Called from every timer interrupt, on every CPU: wakes the threads whose
 * deadline has come, re-arms the CPU's timer for the next one, and (on a
 * scheduler tick) counts down the running thread's slice. */
void sched_tick(void);
/* Called at the end of an interrupt: switch if a higher-priority thread
 * is ready or the slice is used up. */
void sched_preempt(void);
static inline void
sched_preempt_check(void)
{
    if (__builtin_expect(this_cpu()->need_resched, 0))
        sched_preempt();
}

/* The second half of a context switch, run by the thread switched to
 * with interrupts off: it lets the previous thread go. */
void sched_finish_switch(struct thread *prev);

/* Ready threads on a CPU's queue (for balancing and tests). */
unsigned sched_ready_count(unsigned cpu);
/* Context switches performed on a CPU. */
uint64_t sched_switch_count(unsigned cpu);

#endif
