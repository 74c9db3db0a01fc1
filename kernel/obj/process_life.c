// SPDX-License-Identifier: MIT
/*
 * The life and death of a process (process.h draws the states): its
 * threads starting and ending, ending it from inside or outside, tearing
 * it down, and waiting for that.
 *
 * Invariants, under p->lock:
 * - threads_live <= threads_unreaped: a thread counts in both from
 *   thread_start, leaves threads_live when it exits and threads_unreaped
 *   when it is off every CPU (thread_reap);
 * - once dying, no thread starts and every thread on the list has stop set;
 *   a thread that was never started has exited (with the process's status);
 * - torn_down implies dying or no reference left, and happens once, only
 *   when threads_unreaped is 0: no thread of p is then on any CPU, so no
 *   CPU runs on p's page tables and nothing can enter them again.
 *
 * Stopping a thread: stop is set under p->lock, then the thread is kicked:
 * woken if it is blocked or sleeping (its wait returns -CAIRN_EINTR, and
 * the scheduler refuses to block or sleep it again), or sent a reschedule
 * IPI if it runs on another CPU, so it takes an interrupt and leaves
 * through process_stop_check. A thread running on this CPU, or ready, gets
 * there by itself: every way out to user mode checks.
 */
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "lib/log.h"
#include "obj/endpoint.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sched/sched.h"

int
process_thread_add(struct process *p, struct thread *t)
{
    bool irq = spin_lock_irqsave(&p->lock);
    int err = 0;

    if (p->dying)
        err = -CAIRN_ECLOSED;
    else if (t->priority > p->max_priority)
        err = -CAIRN_EPERM; /* checked here, against a concurrent process_max_prio */
    else
        list_push_back(&p->threads, &t->proc_link);
    spin_unlock_irqrestore(&p->lock, irq);
    return err;
}

void
process_thread_remove(struct process *p, struct thread *t)
{
    bool irq = spin_lock_irqsave(&p->lock);

    if (!list_empty(&t->proc_link)) {
        list_remove(&t->proc_link);
        p->dead_cycles += __atomic_load_n(&t->run_cycles, __ATOMIC_RELAXED);
    }
    spin_unlock_irqrestore(&p->lock, irq);
    /* A thread that never ran goes without an exit: its watchers learn
     * of its end now. */
    watch_fire(&t->watches, true);
}

int
process_thread_start(struct thread *t)
{
    struct process *p = t->process;
    bool irq = spin_lock_irqsave(&p->lock);
    int err = 0;

    if (t->started) {
        err = -CAIRN_EBUSY;
    } else if (p->dying) {
        err = -CAIRN_ECLOSED;
    } else {
        t->started = true;
        p->threads_live++;
        p->threads_unreaped++;
        /* Queued under p's lock, so that whoever finds t started under it
         * finds it on a run queue too (process_set_thread_priority). */
        sched_start(t);
    }
    spin_unlock_irqrestore(&p->lock, irq);
    /* If p is ended from here on, t's stop is set already and it leaves
     * before it enters user mode (user_thread_start checks). */
    if (!err) {
        process_leave_creator(p); /* it runs: its own now */
        if (irq)
            sched_preempt_check(); /* t may outrank us */
    }
    return err;
}

/* Make t notice its stop flag soon (see the file comment). Called under
 * t's process's lock with interrupts off; t is not the calling thread. */
static void
process_kick(struct thread *t)
{
    unsigned cpu;

    if (sched_wake(t))
        return;
    cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
    /* Racy but safe: a thread that stops running after this read passes a
     * check on its way back to user mode anyway. */
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_RUNNING && cpu != this_cpu()->index)
        lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

/* p becomes dying with status; every thread is told to stop, and those
 * never started have exited. Returns whether p must be torn down now (no
 * started thread is left to be reaped). */
static bool
process_set_dying_locked(struct process *p, int64_t status)
{
    struct thread *me = sched_current();
    struct list_node *pos;

    spin_assert_held(&p->lock);

    assert(spin_is_locked(&p->lock));
    if (!p->dying) {
        p->dying = true;
        p->exit_status = status;
    }
    list_for_each(pos, &p->threads) {
        struct thread *t = list_entry(pos, struct thread, proc_link);

        __atomic_store_n(&t->stop, true, __ATOMIC_SEQ_CST);
        if (!t->started)
            thread_mark_exited(t, p->exit_status); /* it will never run */
        else if (t != me)
            process_kick(t);
    }
    if (p->threads_unreaped == 0 && !p->torn_down)
        return true;
    return false;
}

bool
process_end_unstarted(struct process *p, int64_t status)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool unstarted = !p->dying && p->threads_unreaped == 0;
    bool teardown = unstarted && process_set_dying_locked(p, status);

    spin_unlock_irqrestore(&p->lock, irq);
    if (teardown)
        process_teardown(p);
    return unstarted;
}

void
process_end(struct process *p, int64_t status)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool teardown = process_set_dying_locked(p, status);

    spin_unlock_irqrestore(&p->lock, irq);
    if (teardown)
        process_teardown(p);
}

_Noreturn void
process_thread_exit(int64_t status)
{
    struct thread *me = sched_current();
    struct process *p = me->process;
    bool irq;

    assert(p);
    endpoint_thread_exit(); /* a caller waiting for our reply learns we are gone */
    irq = spin_lock_irqsave(&p->lock);
    p->threads_live--;
    /* The last one out ends the process with its own status. Teardown
     * waits until this thread is reaped, so the result is ignored. */
    if (p->threads_live == 0 && !p->dying)
        process_set_dying_locked(p, status);
    spin_unlock_irqrestore(&p->lock, irq);
    thread_exit(status);
}

_Noreturn void
process_exit(int64_t status)
{
    struct process *p = process_current();

    assert(p);
    process_end(p, status);
    process_thread_exit(status);
}

_Noreturn void
process_stop(void)
{
    /* stop was set after exit_status was fixed, under the same lock. */
    process_thread_exit(__atomic_load_n(&process_current()->exit_status, __ATOMIC_RELAXED));
}

void
process_thread_reaped(struct process *p)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool teardown;

    p->threads_unreaped--;
    teardown = p->threads_unreaped == 0 && p->dying && !p->torn_down;
    spin_unlock_irqrestore(&p->lock, irq);
    if (teardown)
        process_teardown(p);
}

/* The last step: free the address space and tell the waiters. */
static void
process_release_memory(struct process *p)
{
    bool irq;

    vspace_fini(&p->vs);
    irq = spin_lock_irqsave(&p->exit_wq.lock);
    p->ended = true;
    waitq_wake_all_locked(&p->exit_wq);
    spin_unlock_irqrestore(&p->exit_wq.lock, irq);
    watch_fire(&p->watches, true);
}

void
process_teardown(struct process *p)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool release_now;

    if (p->torn_down) {
        spin_unlock_irqrestore(&p->lock, irq);
        return;
    }
    p->torn_down = true;
    release_now = p->vs_users == 0;
    spin_unlock_irqrestore(&p->lock, irq);

    if (p->dying)
        klog(p->exit_status ? LOG_INFO : LOG_DEBUG, "process %s (pid %u) ended with status %ld",
             p->name, p->pid, (long)p->exit_status);
    /* Handles first: they may name p itself or its threads, references
     * that would otherwise keep it alive forever. Then the processes p
     * made that never ran: nothing but p's work could have started them. */
    handle_table_fini(&p->handles);
    fault_handler_clear(&p->fault);
    process_end_unstarted_children(p);
    if (release_now)
        process_release_memory(p);
}

bool
process_vspace_get(struct process *p)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool ok = !p->torn_down;

    if (ok)
        p->vs_users++;
    spin_unlock_irqrestore(&p->lock, irq);
    return ok;
}

void
process_vspace_put(struct process *p)
{
    bool irq = spin_lock_irqsave(&p->lock);
    bool release = --p->vs_users == 0 && p->torn_down;

    spin_unlock_irqrestore(&p->lock, irq);
    if (release)
        process_release_memory(p);
}

int
process_wait(struct process *p, uint64_t timeout_ns, int64_t *status)
{
    uint64_t deadline = waitq_deadline_after(timeout_ns);
    bool irq = spin_lock_irqsave(&p->exit_wq.lock);
    int err = waitq_wait_for_locked(&p->exit_wq, &p->ended, deadline);

    if (!err && status)
        *status = p->exit_status;
    spin_unlock_irqrestore(&p->exit_wq.lock, irq);
    return err;
}
