// SPDX-License-Identifier: MIT
/*
 * Per-CPU run queues and the context switch (see sched.h for the policy).
 *
 * Invariants, under a run queue's lock:
 * - every READY thread is on exactly one priority list of exactly one run
 *   queue, the one of the CPU in its `cpu` field; bit p of `bitmap` is set
 *   iff list p is non-empty;
 * - `current` is the thread whose context is live on the CPU (the idle
 *   thread when nothing else runs); it is on no list; the CPU's own
 *   struct cpu holds the same pointer (switch_to_locked sets both), read
 *   without the lock by sched_current() on that CPU;
 * - SLEEPING threads, and BLOCKED threads with a deadline, are on
 *   `sleepers` (sorted by wake_at) exactly when their on_timer is set;
 * - the CPU's timer is armed no later than the first wake_at on its
 *   `sleepers` (a thread joins the timer list of the CPU it runs on, and
 *   that CPU arms its own timer; see time/timer.h).
 * - `dead` holds the threads that died on this CPU and are not yet reaped;
 *   the CPU's reaper is READY or RUNNING whenever it is non-empty.
 * A thread's `on_cpu` flag stays set until the thread that replaced it has
 * finished the switch, so no other CPU resumes a context still being saved.
 *
 * Reaping: a dying thread puts itself on its CPU's `dead` list and wakes
 * that CPU's reaper, a kernel thread pinned there at the highest priority,
 * which usually runs next. The reaper frees the stack and drops the
 * thread's own reference with interrupts on, so the process teardown that
 * the last thread of a process triggers (closing every handle, freeing the
 * address space, and whatever objects that frees in turn) is preemptible
 * and never runs inside the switch path.
 */
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "common/printf.h"
#include "common/string.h"
#include "core/panic.h"
#include "lib/spinlock.h"
#include "sched/futex.h"
#include "sched/runqueue.h"
#include "sched/sched.h"
#include "sched/switch.h"
#include "time/clock.h"
#include "time/timer.h"

static struct runqueue runqueues[MAX_CPUS];
static struct thread idle_threads[MAX_CPUS];

static void
enqueue_locked(struct runqueue *rq, struct thread *t)
{
    unsigned prio = t->priority;

    spin_assert_held(&rq->lock);

    list_push_back(&rq->ready[prio], &t->rq_link);
    rq->bitmap |= 1u << prio;
    __atomic_store_n(&rq->ready_count, rq->ready_count + 1, __ATOMIC_RELAXED);
    t->state = THREAD_READY;
    t->cpu = rq->index;
}

static struct thread *
dequeue_highest_locked(struct runqueue *rq)
{
    unsigned prio;
    struct list_node *node;

    spin_assert_held(&rq->lock);

    if (!rq->bitmap)
        return NULL;
    prio = 31 - (unsigned)__builtin_clz(rq->bitmap);
    node = list_pop_front(&rq->ready[prio]);
    if (list_empty(&rq->ready[prio]))
        rq->bitmap &= ~(1u << prio);
    __atomic_store_n(&rq->ready_count, rq->ready_count - 1, __ATOMIC_RELAXED);
    return list_entry(node, struct thread, rq_link);
}

/* Take t, READY and on one of rq's lists, off it (to queue it again at
 * another priority). */
static void
ready_remove_locked(struct runqueue *rq, struct thread *t)
{
    spin_assert_held(&rq->lock);
    list_remove(&t->rq_link);
    if (list_empty(&rq->ready[t->priority]))
        rq->bitmap &= ~(1u << t->priority);
    __atomic_store_n(&rq->ready_count, rq->ready_count - 1, __ATOMIC_RELAXED);
}

/* Count the time since rq->run_start as t's (t is rq's current thread).
 * Only at timer interrupts: CPU time is sampled, each interval going to
 * the thread running at its end, which keeps the switch path free of it. */
static inline void
account_locked(struct runqueue *rq, struct thread *t)
{
    uint64_t now = rdtsc();

    spin_assert_held(&rq->lock);

    __atomic_store_n(&t->run_cycles, t->run_cycles + (now - rq->run_start), __ATOMIC_RELAXED);
    rq->run_start = now;
}

/* sched_finish_switch, inline for the switches in this file. The run
 * queue is this CPU's, which need not be the one the resumed thread
 * switched away on (it may have moved since). */
static inline __attribute__((always_inline)) void
finish_switch(struct thread *prev)
{
    __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
    spin_unlock(&this_rq()->lock);
}

/*
 * Switch from the current thread to next, which is not on any list. Called
 * with rq->lock held and interrupts off; returns (in the calling thread,
 * once it runs again) with the lock released and interrupts still off.
 */
static inline __attribute__((always_inline)) void
switch_to_locked(struct runqueue *rq, struct thread *next, unsigned slice)
{
    struct thread *prev = rq->current;

    if (next == prev) {
        prev->state = THREAD_RUNNING;
        spin_unlock(&rq->lock);
        return;
    }
    switch_prepare_locked(rq, this_cpu(), prev, next, slice);
    prev = context_switch(&prev->saved_rsp, next->saved_rsp, prev);
    finish_switch(prev);
}

/*
 * Pick the next thread and switch to it (see switch_to_locked for the
 * locking). The previous thread goes back on the queue only if it is
 * still RUNNING (a yield or a preemption).
 */
static void
schedule_locked(struct runqueue *rq)
{
    struct thread *prev = rq->current, *next;

    spin_assert_held(&rq->lock);

    if (prev->state == THREAD_RUNNING && prev != rq->idle)
        enqueue_locked(rq, prev);
    next = dequeue_highest_locked(rq);
    switch_to_locked(rq, next ? next : rq->idle, SCHED_SLICE_TICKS);
}

void
sched_finish_switch(struct thread *prev)
{
    finish_switch(prev);
}

/* The reaper of the CPU whose run queue is arg (see the file comment). */
static long
sched_reaper(void *arg)
{
    struct runqueue *rq = arg;

    for (;;) {
        bool irq = irq_save();
        struct thread *t;

        spin_lock(&rq->lock);
        if (!list_empty(&rq->work)) {
            struct sched_work *w = list_entry(list_pop_front(&rq->work), struct sched_work, link);

            spin_unlock(&rq->lock);
            irq_restore(irq);
            w->fn(w);
            continue;
        }
        if (list_empty(&rq->dead)) {
            /* thread_exit and sched_defer check for this state under the
             * same lock. */
            rq->current->state = THREAD_BLOCKED;
            schedule_locked(rq);
            irq_restore(irq);
            continue;
        }
        t = list_entry(list_pop_front(&rq->dead), struct thread, rq_link);
        spin_unlock(&rq->lock);
        irq_restore(irq);
        /* It died on this CPU, and we run here: it is off the CPU, but
         * make sure its switch is finished. */
        while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
            cpu_relax();
        thread_reap(t);
    }
    return 0;
}

/* The work happens on the way out of the interrupt (sched_preempt_check). */
static void
sched_resched_ipi(struct trap_frame *tf, void *arg)
{
    (void)tf;
    (void)arg;
    this_cpu()->need_resched = true;
}

void
sched_init_cpu(void)
{
    unsigned index = this_cpu()->index;
    struct runqueue *rq = &runqueues[index];
    struct thread *idle = &idle_threads[index];

    this_cpu()->rq = rq;
    rq->index = index;
    spin_init(&rq->lock);
    for (unsigned p = 0; p < THREAD_PRIORITIES; p++)
        list_init(&rq->ready[p]);
    list_init(&rq->sleepers);
    list_init(&rq->dead);
    list_init(&rq->work);
    idle->state = THREAD_RUNNING;
    idle->on_cpu = true;
    idle->cpu = index;
    idle->obj.type = CAIRN_OBJ_THREAD; /* static: never freed, not counted as live */
    idle->obj.refs = 1;
    idle->kstack_top = this_cpu()->tss.rsp[0];
    snprintf(idle->name, sizeof(idle->name), "idle%u", index);
    list_init(&idle->rq_link);
    rq->idle = idle;
    rq->current = idle;
    rq->run_start = rdtsc();
    this_cpu()->current = idle;
    if (index == 0) {
        trap_set_handler(VEC_RESCHED, sched_resched_ipi, NULL);
        futex_init();
    }
    __atomic_store_n(&rq->online, true, __ATOMIC_RELEASE);

    rq->reaper = thread_create("reaper", sched_reaper, rq, THREAD_PRIORITIES - 1);
    if (!rq->reaper || sched_set_pin(rq->reaper, (int)index) < 0)
        panic("sched: no reaper for cpu %u", index);
    sched_start(rq->reaper);
}

/* The online CPU with the least work, counting a busy CPU's running thread. */
static unsigned
sched_pick_cpu(void)
{
    unsigned best = this_cpu()->index, best_load = ~0u;

    for (unsigned i = 0; i < MAX_CPUS; i++) {
        struct runqueue *rq = &runqueues[i];
        unsigned load;

        if (!__atomic_load_n(&rq->online, __ATOMIC_ACQUIRE))
            continue;
        load = __atomic_load_n(&rq->ready_count, __ATOMIC_RELAXED) +
               (__atomic_load_n(&rq->current, __ATOMIC_RELAXED) != rq->idle);
        if (load < best_load) {
            best = i;
            best_load = load;
        }
    }
    return best;
}

/* Queue t on rq (locked) and make sure that CPU notices. */
static void
sched_enqueue_and_kick_locked(struct runqueue *rq, struct thread *t)
{
    unsigned target = rq->index;

    spin_assert_held(&rq->lock);

    enqueue_locked(rq, t);
    if (t->priority > rq->current->priority || rq->current == rq->idle) {
        if (target == this_cpu()->index)
            this_cpu()->need_resched = true;
        else
            lapic_send_ipi(cpus[target].apic_id, VEC_RESCHED);
    }
}

void
sched_defer(struct sched_work *w)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();

    spin_lock(&rq->lock);
    list_push_back(&rq->work, &w->link);
    if (rq->reaper->state == THREAD_BLOCKED)
        sched_enqueue_and_kick_locked(rq, rq->reaper);
    spin_unlock(&rq->lock);
    irq_restore(irq);
}

void
sched_start(struct thread *t)
{
    struct runqueue *rq = &runqueues[t->pin >= 0 ? (unsigned)t->pin : sched_pick_cpu()];
    bool irq = spin_lock_irqsave(&rq->lock);

    assert(t->state == THREAD_NEW);
    thread_ref(t); /* the running thread's own, dropped by thread_reap */
    sched_enqueue_and_kick_locked(rq, t);
    spin_unlock_irqrestore(&rq->lock, irq);
    if (irq)
        sched_preempt_check();
}

void
sched_yield(void)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();

    spin_lock(&rq->lock);
    schedule_locked(rq);
    irq_restore(irq);
}

/* Put t on rq's timer list (sorted by wake_at: wake-ups pop from the
 * front, equal deadlines in arrival order). rq is this CPU's: a new first
 * deadline re-arms this CPU's timer for it. */
static void
sleepers_insert_locked(struct runqueue *rq, struct thread *t, uint64_t wake_at)
{
    struct list_node *pos;

    spin_assert_held(&rq->lock);

    assert(rq == this_rq());
    t->wake_at = wake_at;
    list_for_each(pos, &rq->sleepers) {
        if (list_entry(pos, struct thread, rq_link)->wake_at > wake_at)
            break;
    }
    list_insert_before(pos, &t->rq_link);
    t->on_timer = true;
    if (rq->sleepers.next == &t->rq_link)
        timer_arm_deadline(wake_at);
}

void
sched_sleep_ns(uint64_t ns)
{
    if (ns == 0) {
        sched_yield(); /* nothing to wait for: only let others run */
        return;
    }
    bool irq = irq_save();
    struct runqueue *rq = this_rq();
    struct thread *t;
    uint64_t now;

    spin_lock(&rq->lock);
    t = rq->current;
    if (__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) { /* being stopped: no more sleeping */
        spin_unlock(&rq->lock);
        irq_restore(irq);
        return;
    }
    now = clock_monotonic_ns();
    t->state = THREAD_SLEEPING;
    sleepers_insert_locked(rq, t, ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
    schedule_locked(rq);
    irq_restore(irq);
}

void
sched_prepare_block(void)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();

    spin_lock(&rq->lock);
    rq->current->state = THREAD_BLOCKED;
    spin_unlock(&rq->lock);
    irq_restore(irq);
}

void
sched_block(void)
{
    sched_block_until(SCHED_FOREVER);
}

bool
sched_block_until(uint64_t deadline)
{
    bool irq = irq_save(), timed_out = false;
    struct runqueue *rq = this_rq();
    struct thread *t;

    spin_lock(&rq->lock);
    t = rq->current;
    /* A thread being stopped blocks no more: the wait ends as if woken
     * from outside. Checked under the lock that sched_wake takes, so a
     * stop set just before the wake-up is never missed. */
    if (t->state == THREAD_BLOCKED && __atomic_load_n(&t->stop, __ATOMIC_ACQUIRE))
        t->state = THREAD_RUNNING;
    if (t->state == THREAD_BLOCKED) {
        t->timed_out = false;
        if (deadline != SCHED_FOREVER)
            sleepers_insert_locked(rq, t, deadline);
        schedule_locked(rq);
        /* Whoever made us ready took us off the timer list. */
        timed_out = t->timed_out;
    } else {
        spin_unlock(&rq->lock);
    }
    irq_restore(irq);
    return timed_out;
}

struct cont_switch
sched_block_cont(struct trap_frame *f, uint64_t deadline)
{
    struct runqueue *rq = this_rq();
    struct cpu *cpu = this_cpu();
    struct thread *me, *next;

    spin_lock(&rq->lock);
    me = rq->current;
    /* Checked under the lock that sched_wake takes, as sched_block_until
     * does: a stop set before the killer's wake-up is seen here, or the
     * wake-up finds the thread blocked. */
    if (__atomic_load_n(&me->stop, __ATOMIC_ACQUIRE)) {
        spin_unlock(&rq->lock);
        return (struct cont_switch){0, NULL};
    }
    me->state = THREAD_BLOCKED;
    me->timed_out = false;
    if (deadline != SCHED_FOREVER)
        sleepers_insert_locked(rq, me, deadline);
    next = dequeue_highest_locked(rq);
    if (!next)
        next = rq->idle;
    /* syscall.S writes the context there once off the C frames. */
    me->saved_rsp = (uint64_t)f - IPC_CONT_CONTEXT_SIZE;
    switch_prepare_locked(rq, cpu, me, next, SCHED_SLICE_TICKS);
    /* A thread whose wait a signal finished, result and all, returns to
     * user mode straight through its frame when nothing is due on the way
     * out (the checks syscall.S's exit makes). */
    if (next->ipc.cont == IPC_CONT_NOTIFY_DONE && !cpu->need_resched &&
        !__atomic_load_n(&next->stop, __ATOMIC_ACQUIRE)) {
        next->ipc.cont = IPC_CONT_NONE;
        return (struct cont_switch){
            (uint64_t)syscall_frame_below(next->kstack_top) | CONT_SWITCH_FRAME, me};
    }
    return (struct cont_switch){next->saved_rsp, me};
}

void
sched_cancel_block(void)
{
    bool irq = irq_save();
    struct runqueue *rq = this_rq();

    spin_lock(&rq->lock);
    if (rq->current->state == THREAD_BLOCKED)
        rq->current->state = THREAD_RUNNING;
    spin_unlock(&rq->lock);
    irq_restore(irq);
}

/* sched_wake and sched_wake_finish, inline in both so that the first
 * carries no test for a finish step. */
static inline __attribute__((always_inline)) bool
wake(struct thread *t, void (*finish)(struct thread *t, void *arg), void *arg)
{
    bool woke = false, irq = irq_save();

    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct runqueue *rq = &runqueues[cpu];

        spin_lock(&rq->lock);
        if (t->cpu != cpu) { /* migrated while we took the lock */
            spin_unlock(&rq->lock);
            continue;
        }
        if (t->state == THREAD_BLOCKED || t->state == THREAD_SLEEPING) {
            woke = true;
            if (finish && t->state == THREAD_BLOCKED && rq->current != t)
                finish(t, arg);
            if (t->on_timer) {
                list_remove(&t->rq_link);
                t->on_timer = false;
            }
            if (rq->current == t)
                t->state = THREAD_RUNNING; /* marked blocked, not yet switched away */
            else
                sched_enqueue_and_kick_locked(rq, t);
        }
        spin_unlock(&rq->lock);
        break;
    }
    irq_restore(irq);
    return woke;
}

bool
sched_wake(struct thread *t)
{
    return wake(t, NULL, NULL);
}

bool
sched_wake_finish(struct thread *t, void (*finish)(struct thread *t, void *arg), void *arg)
{
    return wake(t, finish, arg);
}

void
sched_tick(void)
{
    struct runqueue *rq = this_rq();
    bool tick = timer_take_tick();
    struct thread *cur;
    uint64_t now;

    if (!__atomic_load_n(&rq->online, __ATOMIC_ACQUIRE))
        return;
    now = clock_monotonic_ns();
    spin_lock(&rq->lock);
    while (!list_empty(&rq->sleepers)) {
        struct thread *t = list_entry(rq->sleepers.next, struct thread, rq_link);
        if (t->wake_at > now) {
            timer_arm_deadline(t->wake_at);
            break;
        }
        list_remove(&t->rq_link);
        t->on_timer = false;
        t->timed_out = t->state == THREAD_BLOCKED;
        enqueue_locked(rq, t);
    }
    cur = rq->current;
    account_locked(rq, cur);
    if (cur == rq->idle) {
        if (rq->bitmap)
            this_cpu()->need_resched = true;
    } else {
        if (tick && cur->slice_left)
            cur->slice_left--;
        if (rq->bitmap && (highest_ready_locked(rq) > cur->priority ||
                           (cur->slice_left == 0 && highest_ready_locked(rq) >= cur->priority)))
            this_cpu()->need_resched = true;
    }
    spin_unlock(&rq->lock);
}

void
sched_preempt(void)
{
    struct runqueue *rq;
    bool irq = irq_save();

    rq = this_rq();
    if (__atomic_load_n(&rq->online, __ATOMIC_ACQUIRE) && this_cpu()->need_resched) {
        this_cpu()->need_resched = false;
        spin_lock(&rq->lock);
        schedule_locked(rq);
    }
    irq_restore(irq);
}

/* Take one ready thread from the busiest other CPU, for an idle CPU. */
static struct thread *
sched_steal(void)
{
    unsigned me = this_cpu()->index, victim = me, most = 0;
    struct runqueue *rq;
    struct thread *t;

    for (unsigned i = 0; i < MAX_CPUS; i++) {
        unsigned n = __atomic_load_n(&runqueues[i].ready_count, __ATOMIC_RELAXED);
        if (i != me && n > most) {
            most = n;
            victim = i;
        }
    }
    if (victim == me)
        return NULL;
    rq = &runqueues[victim];
    if (!spin_trylock(&rq->lock))
        return NULL;
    /* A pinned thread stays where it is: look before taking. */
    t = NULL;
    if (rq->bitmap) {
        struct list_node *first = rq->ready[highest_ready_locked(rq)].next;
        if (list_entry(first, struct thread, rq_link)->pin < 0) {
            t = dequeue_highest_locked(rq);
            /* Ours from here, under the victim's lock: whoever looks for
             * it (sched_set_priority) follows it to our queue. */
            __atomic_store_n(&t->cpu, me, __ATOMIC_RELEASE);
        }
    }
    spin_unlock(&rq->lock);
    return t;
}

_Noreturn void
sched_idle_loop(void)
{
    for (;;) {
        struct runqueue *rq = this_rq();
        struct thread *stolen;

        irq_disable();
        if (!__atomic_load_n(&rq->ready_count, __ATOMIC_RELAXED)) {
            stolen = sched_steal();
            if (stolen) {
                spin_lock(&rq->lock);
                enqueue_locked(rq, stolen);
                spin_unlock(&rq->lock);
            }
        }
        if (__atomic_load_n(&rq->ready_count, __ATOMIC_RELAXED)) {
            this_cpu()->need_resched = false;
            spin_lock(&rq->lock);
            schedule_locked(rq);
            continue;
        }
        cpu_idle(); /* sti; hlt: an interrupt that makes work wakes us */
    }
}

_Noreturn void
thread_exit(long status)
{
    struct runqueue *rq;

    thread_mark_exited(sched_current(), status); /* wakes thread_wait callers */
    irq_disable();
    rq = this_rq();
    spin_lock(&rq->lock);
    __atomic_store_n(&rq->current->state, THREAD_DEAD, __ATOMIC_RELEASE);
    /* This CPU's reaper frees it once it is off the CPU. */
    list_push_back(&rq->dead, &rq->current->rq_link);
    if (rq->reaper->state == THREAD_BLOCKED)
        enqueue_locked(rq, rq->reaper);
    schedule_locked(rq);
    panic("dead thread %s ran again", rq->current->name);
}

unsigned
sched_ready_count(unsigned cpu)
{
    return cpu < MAX_CPUS ? __atomic_load_n(&runqueues[cpu].ready_count, __ATOMIC_RELAXED) : 0;
}

uint64_t
sched_switch_count(unsigned cpu)
{
    return cpu < MAX_CPUS ? __atomic_load_n(&runqueues[cpu].switches, __ATOMIC_RELAXED) : 0;
}

/* Switch to next (allowed by handoff_allowed_locked) in place of me. */
static void
handoff_switch_locked(struct runqueue *rq, struct thread *me, struct thread *next,
                      uint64_t deadline)
{
    spin_assert_held(&rq->lock);
    if (next->on_timer) {
        list_remove(&next->rq_link);
        next->on_timer = false;
    }
    next->timed_out = false;
    if (me->state == THREAD_BLOCKED) {
        me->timed_out = false;
        if (deadline != SCHED_FOREVER)
            sleepers_insert_locked(rq, me, deadline);
    } else if (me->state == THREAD_RUNNING) {
        enqueue_locked(rq, me); /* woken already: it stays runnable */
    }
    switch_to_locked(rq, next, me->slice_left);
}

bool
sched_handoff(struct thread *next, uint64_t deadline)
{
    bool irq = irq_save(), timed_out = false;
    struct runqueue *rq = this_rq();
    struct thread *me;

    spin_lock(&rq->lock);
    me = rq->current;
    if (!handoff_allowed_locked(rq, me, next)) {
        spin_unlock(&rq->lock);
        sched_wake(next);
        timed_out = sched_block_until(deadline);
        irq_restore(irq);
        return timed_out;
    }
    handoff_switch_locked(rq, me, next, deadline);
    timed_out = me->timed_out;
    irq_restore(irq);
    return timed_out;
}

int
sched_set_pin(struct thread *t, int cpu)
{
    if (cpu < -1 || cpu >= MAX_CPUS ||
        (cpu >= 0 && !__atomic_load_n(&runqueues[cpu].online, __ATOMIC_ACQUIRE)))
        return -CAIRN_EINVAL;
    /* Before it starts, nothing else reads pin: no lock is needed. */
    if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_NEW)
        return -CAIRN_EBUSY;
    t->pin = cpu;
    return 0;
}

void
sched_set_priority(struct thread *t, unsigned prio)
{
    bool irq = irq_save();

    for (;;) {
        unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct runqueue *rq = &runqueues[cpu];

        spin_lock(&rq->lock);
        if (t->cpu != cpu) { /* migrated while we took the lock */
            spin_unlock(&rq->lock);
            continue;
        }
        if (t->state == THREAD_READY && list_empty(&t->rq_link)) {
            /* Taken by this idle CPU, which has yet to queue it
             * (sched_steal, interrupts off): a moment, then it is. */
            spin_unlock(&rq->lock);
            cpu_relax();
            continue;
        }
        if (t->state == THREAD_READY) {
            ready_remove_locked(rq, t);
            t->priority = prio;
            sched_enqueue_and_kick_locked(rq, t);
        } else {
            t->priority = prio;
            /* Lowered below what waits there: that CPU switches at its
             * next way out of the kernel. */
            if (rq->current == t && rq->bitmap && highest_ready_locked(rq) > prio) {
                if (cpu == this_cpu()->index)
                    this_cpu()->need_resched = true;
                else
                    lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
            }
        }
        spin_unlock(&rq->lock);
        break;
    }
    irq_restore(irq);
    if (irq)
        sched_preempt_check();
}
