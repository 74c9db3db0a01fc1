// SPDX-License-Identifier: MIT
/*
 * Signal handlers (<signal.h>): sigaction and signal, and what makes a
 * handler run for a signal another process sends. proc delivers those
 * (include/proto/proc.h, PROTO_PROC_SIGNALS): it must know which signals
 * the process catches and which it ignores, and gets a notification whose
 * bit n it sets for a caught signal n. The first handler installed for an
 * asynchronous signal creates that notification and the signal thread,
 * which waits on it and delivers what comes (libc/signal.c), so handlers
 * for signals from outside run on that thread, concurrently with the
 * program's others.
 *
 * Invariants:
 *   - proc_caught and proc_ignored are what proc was last told (0 and 0
 *     before: proc's own starting state); they change only when proc
 *     accepted the new masks;
 *   - sig_notify, once made, lives as long as the process, and so does
 *     the signal thread waiting on it; proc_has_notify says proc holds a
 *     copy (with SIGNAL only);
 *   - a program that never installs a handler nor ignores a signal makes
 *     no request and no thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>

#include "signal_impl.h"

/* Raised by the CPU for the thread that faults: a handler for these runs
 * for raise only (a fault ends the process), so it needs no thread. */
#define SIG_SYNCHRONOUS \
    (SIG_BIT(SIGILL) | SIG_BIT(SIGTRAP) | SIG_BIT(SIGFPE) | SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS))

static uint64_t proc_caught, proc_ignored; /* [cairn_sig_lock] */
static long sig_notify = -1;               /* [cairn_sig_lock] */
static int proc_has_notify;                /* [cairn_sig_lock] */

/*
 * Sleeps a handler cuts short (sleep, nanosleep, pause, sigsuspend). A
 * thread that sleeps waits on a notification of its own instead of the
 * kernel's timer alone, and is on `sleepers` meanwhile; after a handler
 * ran, the signal thread signals every sleeper's notification. The
 * notifications are kept in a pool and used again, so a program makes
 * only as many as it has threads asleep at once.
 *
 * Invariants, under sleep_lock: a sleeper is on `sleepers` from before
 * its wait until after it; a notification in the pool has no bit set
 * (its last user drained it after leaving the list, when nobody could
 * signal it any more).
 */
struct sleeper {
    long notify;
    struct sleeper *next;
};

#define SLEEP_POOL_MAX 16

static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sleeper *sleepers;        /* [sleep_lock] */
static long sleep_pool[SLEEP_POOL_MAX]; /* [sleep_lock] */
static unsigned sleep_pool_count;       /* [sleep_lock] */

static long
sig_sleep(uint64_t ns, const uint64_t *seen, uint64_t *left)
{
    struct sleeper me, **pp;
    uint64_t start = cairn_clock_get(), bits = 0, spent,
             handled = seen ? *seen : __atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST);
    long err;

    pthread_mutex_lock(&sleep_lock);
    me.notify = sleep_pool_count ? sleep_pool[--sleep_pool_count] : cairn_notify_create();
    if (me.notify >= 0) {
        me.next = sleepers;
        sleepers = &me;
    }
    pthread_mutex_unlock(&sleep_lock);
    if (me.notify < 0) { /* no notification to be woken by: the kernel's sleep */
        cairn_thread_sleep(ns);
        return 0;
    }
    /* A handler that ran before we were on the list woke nobody: the
     * signal thread counts it before it takes the list's lock, so either
     * the count has moved by now or we are woken. */
    if (__atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST) != handled)
        err = 0;
    else
        err = cairn_notify_wait(me.notify, ns, &bits);
    pthread_mutex_lock(&sleep_lock);
    for (pp = &sleepers; *pp != &me; pp = &(*pp)->next)
        ;
    *pp = me.next;
    cairn_notify_wait(me.notify, 0, &bits); /* a signal that came after the time was up */
    if (sleep_pool_count < SLEEP_POOL_MAX)
        sleep_pool[sleep_pool_count++] = me.notify;
    else
        cairn_handle_close(me.notify);
    pthread_mutex_unlock(&sleep_lock);
    if (err != 0)
        return 0; /* the time passed (or the process is ending) */
    spent = cairn_clock_get() - start;
    if (left)
        *left = ns == CAIRN_WAIT_FOREVER ? ns : spent < ns ? ns - spent : 0;
    return -CAIRN_EINTR;
}

/* After a handler ran: every sleep going on ends. */
static void
sig_wake_sleepers(void)
{
    pthread_mutex_lock(&sleep_lock);
    for (struct sleeper *s = sleepers; s; s = s->next)
        cairn_notify_signal(s->notify, 1);
    pthread_mutex_unlock(&sleep_lock);
}

/* The signal thread: takes what proc sent and delivers it. */
static void *
sig_thread_run(void *arg)
{
    long notify = (long)(intptr_t)arg;

    for (;;) {
        uint64_t bits = 0, handled;
        long err = cairn_notify_wait(notify, CAIRN_WAIT_FOREVER, &bits);

        if (err == -CAIRN_EINTR || (err < 0 && err != -CAIRN_ETIMEDOUT))
            return NULL; /* the process is ending, or the handle broke */
        __atomic_fetch_or(&cairn_sig_pending, bits & ~SIG_NEVER, __ATOMIC_SEQ_CST);
        handled = __atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST);
        cairn_sig_deliver();
        if (__atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST) != handled)
            sig_wake_sleepers();
    }
}

/* Makes the notification and the signal thread, once. 0 or -CAIRN_*. */
static long
sig_thread_start_locked(void)
{
    pthread_attr_t attr;
    pthread_t thread;
    long n;

    if (sig_notify >= 0)
        return 0;
    n = cairn_notify_create();
    if (n < 0)
        return n;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, sig_thread_run, (void *)(intptr_t)n) != 0) {
        pthread_attr_destroy(&attr);
        cairn_handle_close(n);
        return -CAIRN_ENOMEM;
    }
    pthread_attr_destroy(&attr);
    sig_notify = n;
    __atomic_store_n(&cairn_sleep_interruptible, sig_sleep, __ATOMIC_RELEASE);
    return 0;
}

/* Tells proc the dispositions cairn_sig_actions now holds, if they
 * changed what proc must do. 0 (also when there is no proc to tell,
 * or it cannot be reached: then only raise sends signals), or the
 * -CAIRN_* of a refusal, with proc keeping the masks it had. */
static long
sig_tell_proc_locked(void)
{
    uint64_t caught = 0, ignored = 0;
    long proc = cairn_start_handle(PROTO_HANDLE_PROC, 0), err;
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_PROC_SIGNALS, 0, 0, 0, 0}, &ext};

    for (int sig = 1; sig < NSIG; sig++) {
        void (*h)(int) = cairn_sig_actions[sig].sa_handler;

        if (h == SIG_IGN)
            ignored |= SIG_BIT(sig);
        else if (h != SIG_DFL && !(SIG_BIT(sig) & SIG_SYNCHRONOUS))
            caught |= SIG_BIT(sig);
    }
    if (proc < 0 || (caught == proc_caught && ignored == proc_ignored))
        return 0; /* no proc: raise is the only sender */
    if (caught) {
        err = sig_thread_start_locked();
        if (err < 0)
            return err;
    }
    memset(&ext, 0, sizeof(ext));
    if (caught && !proc_has_notify) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)sig_notify, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    msg.w[1] = caught;
    msg.w[2] = ignored;
    err = cairn_ipc_call(proc, &msg);
    if (err < 0)
        return 0; /* proc is gone (a restarted proc knows us not): raise only */
    err = (long)msg.w[0];
    if (err < 0)
        return err;
    proc_has_notify |= ext.send_nhandles != 0;
    proc_caught = caught;
    proc_ignored = ignored;
    return 0;
}

static void
sig_changed(void)
{
    sig_tell_proc_locked();
}

int
sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
    struct sigaction old;
    long err = 0;

    if (sig <= 0 || sig >= NSIG ||
        (act && (sig == SIGKILL || act->sa_handler == SIG_ERR ||
                 (act->sa_flags & ~(SA_RESTART | SA_RESETHAND | SA_SIGINFO))))) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&cairn_sig_lock);
    old = cairn_sig_actions[sig];
    if (act) {
        cairn_sig_actions[sig] = *act;
        cairn_sig_actions[sig].sa_mask &= ~SIG_NEVER;
        err = sig_tell_proc_locked();
        if (err < 0)
            cairn_sig_actions[sig] = old;
        else
            cairn_sig_changed = sig_changed;
    }
    pthread_mutex_unlock(&cairn_sig_lock);
    if (err < 0) {
        errno = (int)-err;
        return -1;
    }
    if (oact)
        *oact = old;
    /* A signal that was pending while blocked and is now ignored, or
     * caught by the new handler, goes as the new action says. */
    cairn_sig_deliver();
    return 0;
}

void (*signal(int sig, void (*handler)(int)))(int)
{
    struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;

    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}
