// SPDX-License-Identifier: MIT
/*
 * What a process tells about itself (process_info, for ps and top), its
 * name, and the bound on its threads' priorities.
 *
 * The bound: every process has max_priority, the highest priority any of
 * its threads may have. A new process gets its creator's (the processes
 * the kernel makes, init among them, get CAIRN_PRIORITY_USER_MAX); a
 * holder of MANAGE on it may set it to anything up to the holder's own
 * process's bound, and lowering it lowers every thread above it at once.
 * So no process ever gets a thread above what the process that made it
 * (or whoever it handed the power to) could have itself.
 *
 * Invariant, under p->lock: every thread on p->threads has a priority at
 * most p->max_priority (process_thread_add refuses others).
 *
 * CPU time: each timer interrupt gives the TSC cycles since the one before
 * to the thread running then (sched.c: sampled, so that context switches
 * pay nothing for it); a thread that is freed leaves its count in
 * p->dead_cycles. The sum is converted to nanoseconds here.
 */
#include <cairn/errors.h>
#include <cairn/process.h>

#include "common/string.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "time/clock.h"

/* TSC cycles to nanoseconds, without overflow for any count. */
static uint64_t
cycles_to_ns(uint64_t cycles)
{
    uint64_t hz = clock_tsc_hz();

    if (!hz)
        return 0;
    /* The remainder's product fits 64 bits for any TSC below 18 GHz. */
    return cycles / hz * 1000000000u + cycles % hz * 1000000000u / hz;
}

void
process_get_info(struct process *p, struct cairn_process_info *info)
{
    struct quota *q = process_quota_get(p);
    struct list_node *pos;
    uint64_t cycles;
    bool irq;

    memset(info, 0, sizeof(*info));
    irq = spin_lock_irqsave(&p->lock);
    info->pid = p->pid;
    if (__atomic_load_n(&p->ended, __ATOMIC_ACQUIRE))
        info->state = CAIRN_PROCESS_ENDED;
    else if (p->dying)
        info->state = CAIRN_PROCESS_DYING;
    else if (p->threads_unreaped)
        info->state = CAIRN_PROCESS_RUNNING;
    else
        info->state = CAIRN_PROCESS_NEW; /* the last thread out makes it dying */
    info->exit_status = p->dying ? p->exit_status : 0;
    cycles = p->dead_cycles;
    list_for_each(pos, &p->threads) {
        cycles += __atomic_load_n(&list_entry(pos, struct thread, proc_link)->run_cycles,
                                  __ATOMIC_RELAXED);
    }
    info->threads = p->threads_live;
    info->max_priority = p->max_priority;
    memcpy(info->name, p->name, sizeof(info->name));
    spin_unlock_irqrestore(&p->lock, irq);
    info->name[sizeof(info->name) - 1] = '\0';
    info->cpu_ns = cycles_to_ns(cycles);
    if (q) {
        info->mem_charged = quota_used(q);
        info->mem_limit = q->limit;
        quota_unref(q);
    }
}

void
process_set_name(struct process *p, const char *name, size_t len)
{
    bool irq = spin_lock_irqsave(&p->lock);

    /* Readers without the lock (log lines) see old or new bytes, never a
     * name without its terminating 0: the last byte stays 0 throughout. */
    memset(p->name + len, 0, sizeof(p->name) - len);
    memcpy(p->name, name, len);
    spin_unlock_irqrestore(&p->lock, irq);
}

int
process_set_thread_priority(struct process *p, struct thread *t, unsigned prio)
{
    bool irq = spin_lock_irqsave(&p->lock);
    int err = 0;

    if (prio > p->max_priority)
        err = -CAIRN_EPERM;
    else if (!t->started)
        t->priority = prio; /* not on any queue: sched_start reads it under this lock */
    else
        sched_set_priority(t, prio); /* started means queued (process_thread_start) */
    spin_unlock_irqrestore(&p->lock, irq);
    if (irq)
        sched_preempt_check();
    return err;
}

void
process_set_max_priority(struct process *p, unsigned max)
{
    bool irq = spin_lock_irqsave(&p->lock);
    struct list_node *pos;

    __atomic_store_n(&p->max_priority, max, __ATOMIC_RELAXED);
    list_for_each(pos, &p->threads) {
        struct thread *t = list_entry(pos, struct thread, proc_link);

        if (t->priority <= max)
            continue;
        if (!t->started)
            t->priority = max;
        else
            sched_set_priority(t, max);
    }
    spin_unlock_irqrestore(&p->lock, irq);
    if (irq)
        sched_preempt_check();
}
