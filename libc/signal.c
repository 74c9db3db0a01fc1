// SPDX-License-Identifier: MIT
/*
 * Signals inside the process (<signal.h>): the signal sets, the blocked
 * and pending sets, raise, and the delivery of a signal to its action.
 * Handlers are installed by libc/sigaction.c, which also runs the signal
 * thread for signals from outside (signal_impl.h says what they share).
 *
 * A signal's action runs in the thread that takes its pending bit: raise
 * runs it at once in the caller (unless blocked), sigprocmask delivers in
 * the caller what it unblocks, the signal thread delivers what proc sent.
 * The default action asks proc to end the process with the signal, so its
 * parent sees WIFSIGNALED as for a kill from outside.
 *
 * Nothing here runs at a program's start: a program that installs no
 * handler pays nothing until it calls raise or abort.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/proc.h>

#include "signal_impl.h"

#define SIG_END_WAIT 10000000000ull /* for proc to end us, before ending ourselves */

_Static_assert(NSIG == PROTO_SIG_MAX + 1, "signals are a notification's bits");

pthread_mutex_t cairn_sig_lock = PTHREAD_MUTEX_INITIALIZER;
struct sigaction cairn_sig_actions[NSIG];
uint64_t cairn_sig_blocked, cairn_sig_pending;
uint64_t cairn_sig_handled;
void (*cairn_sig_changed)(void);

/* --- sets --------------------------------------------------------------------------------- */

int
sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int
sigfillset(sigset_t *set)
{
    *set = ~(sigset_t)SIG_BIT(0);
    return 0;
}

static int
sig_valid(int sig)
{
    if (sig > 0 && sig < NSIG)
        return 1;
    errno = EINVAL;
    return 0;
}

int
sigaddset(sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    *set |= SIG_BIT(sig);
    return 0;
}

int
sigdelset(sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    *set &= ~SIG_BIT(sig);
    return 0;
}

int
sigismember(const sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    return (*set & SIG_BIT(sig)) != 0;
}

/* --- actions ------------------------------------------------------------------------------ */

_Noreturn void
cairn_sig_default(int sig)
{
    long proc = cairn_start_handle(PROTO_HANDLE_PROC, 0);
    struct cairn_msg msg = {{PROTO_PROC_KILL, (uint64_t)(int64_t)getpid(), (uint64_t)sig, 0, 0},
                            NULL};

    /* proc ends every thread of ours with the signal's status; if it
     * cannot (a program proc did not start, or no proc any more), the
     * status a shell would show for that signal. */
    if (proc >= 0 && cairn_ipc_call(proc, &msg) >= 0 && msg.w[0] == 0)
        cairn_thread_sleep(SIG_END_WAIT);
    cairn_process_exit(128 + sig);
}

/* Signals raise left pending while blocked: their handlers are told the
 * process sent them itself. */
static uint64_t sig_raised; /* [atomic] */

/* Runs sig's action in the calling thread; its pending bit is taken.
 * raised: it came from raise (an SA_SIGINFO handler gets our pid). */
static void
sig_run(int sig, int raised)
{
    struct sigaction a;
    uint64_t add, old;
    int saved;

    pthread_mutex_lock(&cairn_sig_lock);
    a = cairn_sig_actions[sig];
    if (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN && (a.sa_flags & SA_RESETHAND)) {
        cairn_sig_actions[sig] = (struct sigaction){.sa_handler = SIG_DFL};
        if (cairn_sig_changed)
            cairn_sig_changed();
    }
    pthread_mutex_unlock(&cairn_sig_lock);
    if (a.sa_handler == SIG_IGN)
        return;
    if (a.sa_handler == SIG_DFL)
        cairn_sig_default(sig);
    /* The signal and sa_mask are blocked while the handler runs; only
     * the bits this added are taken off again. */
    add = (a.sa_mask | SIG_BIT(sig)) & ~SIG_NEVER;
    old = __atomic_fetch_or(&cairn_sig_blocked, add, __ATOMIC_SEQ_CST);
    add &= ~old;
    saved = errno;
    if (a.sa_flags & SA_SIGINFO) {
        siginfo_t info = {.si_signo = sig, .si_code = SI_USER, .si_pid = raised ? getpid() : 0};

        a.sa_sigaction(sig, &info, NULL);
    } else {
        a.sa_handler(sig);
    }
    errno = saved;
    __atomic_fetch_add(&cairn_sig_handled, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_and(&cairn_sig_blocked, ~add, __ATOMIC_SEQ_CST);
}

void
cairn_sig_deliver(void)
{
    for (;;) {
        uint64_t ready = __atomic_load_n(&cairn_sig_pending, __ATOMIC_SEQ_CST) &
                         ~__atomic_load_n(&cairn_sig_blocked, __ATOMIC_SEQ_CST);
        int sig;

        if (!ready)
            return;
        sig = __builtin_ctzll(ready);
        if (__atomic_fetch_and(&cairn_sig_pending, ~SIG_BIT(sig), __ATOMIC_SEQ_CST) & SIG_BIT(sig))
            sig_run(sig, (__atomic_fetch_and(&sig_raised, ~SIG_BIT(sig), __ATOMIC_SEQ_CST) &
                          SIG_BIT(sig)) != 0);
    }
}

int
raise(int sig)
{
    if (!sig_valid(sig))
        return -1;
    if (sig == SIGKILL)
        cairn_sig_default(sig);
    if (__atomic_load_n(&cairn_sig_blocked, __ATOMIC_SEQ_CST) & SIG_BIT(sig)) {
        __atomic_fetch_or(&sig_raised, SIG_BIT(sig), __ATOMIC_SEQ_CST);
        __atomic_fetch_or(&cairn_sig_pending, SIG_BIT(sig), __ATOMIC_SEQ_CST);
        return 0;
    }
    sig_run(sig, 1);
    return 0;
}

/* --- blocking ----------------------------------------------------------------------------- */

int
pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
    uint64_t old = __atomic_load_n(&cairn_sig_blocked, __ATOMIC_SEQ_CST);

    if (set) {
        uint64_t bits = *set & ~SIG_NEVER;

        if (how == SIG_BLOCK)
            old = __atomic_fetch_or(&cairn_sig_blocked, bits, __ATOMIC_SEQ_CST);
        else if (how == SIG_UNBLOCK)
            old = __atomic_fetch_and(&cairn_sig_blocked, ~bits, __ATOMIC_SEQ_CST);
        else if (how == SIG_SETMASK)
            old = __atomic_exchange_n(&cairn_sig_blocked, bits, __ATOMIC_SEQ_CST);
        else
            return EINVAL;
    }
    if (oset)
        *oset = old;
    cairn_sig_deliver();
    return 0;
}

int
sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
    int err = pthread_sigmask(how, set, oset);

    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int
sigpending(sigset_t *set)
{
    *set = __atomic_load_n(&cairn_sig_pending, __ATOMIC_SEQ_CST);
    return 0;
}

int
sigsuspend(const sigset_t *mask)
{
    uint64_t handled = __atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST);
    uint64_t old = __atomic_exchange_n(&cairn_sig_blocked, *mask & ~SIG_NEVER, __ATOMIC_SEQ_CST);
    long (*interruptible)(uint64_t, const uint64_t *, uint64_t *) =
        __atomic_load_n(&cairn_sleep_interruptible, __ATOMIC_ACQUIRE);

    /* What was pending and is now unblocked runs here, in this thread;
     * otherwise the wait lasts until the signal thread ran a handler. */
    cairn_sig_deliver();
    while (__atomic_load_n(&cairn_sig_handled, __ATOMIC_SEQ_CST) == handled) {
        if (interruptible)
            interruptible(CAIRN_WAIT_FOREVER, &handled, NULL);
        else
            cairn_thread_sleep(CAIRN_WAIT_FOREVER); /* no handler: a signal ends us */
    }
    __atomic_store_n(&cairn_sig_blocked, old, __ATOMIC_SEQ_CST);
    cairn_sig_deliver(); /* what came for the mask's blocked signals */
    errno = EINTR;
    return -1;
}
