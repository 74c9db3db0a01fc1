/* SPDX-License-Identifier: MIT */
/*
 * What libc/signal.c (raise, sigprocmask, delivery, the default action)
 * and libc/sigaction.c (handlers, the signal thread, telling proc) share.
 * Split in two so that a program that installs no handler links no
 * thread and no request to proc beyond what abort needs.
 *
 * Invariants:
 *   - cairn_sig_actions[0] and [SIGKILL] stay SIG_DFL with no flags;
 *   - SIGKILL's bit is never in the blocked set, and bit 0 is in neither
 *     set;
 *   - a pending bit is taken (atomically cleared) by exactly one thread,
 *     which then runs that signal's action once.
 */
#ifndef CAIRN_LIBC_SIGNAL_IMPL_H
#define CAIRN_LIBC_SIGNAL_IMPL_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#define SIG_BIT(sig) (1ull << (sig))
/* Bits no set may hold for blocking: signal 0 and SIGKILL. */
#define SIG_NEVER    (SIG_BIT(0) | SIG_BIT(SIGKILL))

extern pthread_mutex_t cairn_sig_lock;
extern struct sigaction cairn_sig_actions[NSIG];      /* [cairn_sig_lock] */
extern uint64_t cairn_sig_blocked, cairn_sig_pending; /* [atomic] */

/* Set by libc/sigaction.c once a handler was installed: tells proc the
 * dispositions after cairn_sig_actions changed outside sigaction (an
 * SA_RESETHAND handler called, abort). Called with cairn_sig_lock held. */
extern void (*cairn_sig_changed)(void);

/* Delivers, in the calling thread, every pending signal not blocked. */
void cairn_sig_deliver(void);

/* Counts the handlers called (sig_run): a sleep is cut short only by a
 * signal whose handler ran, not by one ignored or still blocked. */
extern uint64_t cairn_sig_handled; /* [atomic] */

/*
 * A sleep that a signal's handler cuts short: waits up to ns (or for
 * ever: CAIRN_WAIT_FOREVER); 0 when the time passed, -CAIRN_EINTR when a
 * handler ran in the meantime (in any thread), with the time left in
 * *left. "In the meantime" is since cairn_sig_handled was *seen (NULL:
 * since the call), so a caller that checked the count and then sleeps
 * loses no handler that ran in between (sigsuspend). Set by
 * libc/sigaction.c once the signal thread runs; before that, no signal
 * from outside has a handler, and libc's sleeps are the kernel's
 * (libc/time.c).
 */
extern long (*cairn_sleep_interruptible)(uint64_t ns, const uint64_t *seen, uint64_t *left);

/* The default action of sig: the end of the process with its status,
 * through proc when there is one. Does not return. */
_Noreturn void cairn_sig_default(int sig);

#endif
