// SPDX-License-Identifier: MIT
/*
 * abort (<stdlib.h>) and what a failed assert does (<assert.h>). A file
 * of their own, apart from exit: abort raises SIGABRT, which links the
 * signal code (libc/signal.c), and a program that never aborts nor
 * asserts carries none of it, so its start is as small as before.
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "signal_impl.h"

/*
 * POSIX's abort: SIGABRT, unblocked, raised; a handler that returns (or
 * SIG_IGN) does not stop it: the action goes back to SIG_DFL and the
 * process ends with SIGABRT's status (libc/signal.c), which a parent sees
 * as WIFSIGNALED and a shell as 128 + 6.
 */
_Noreturn void
abort(void)
{
    sigset_t abrt = 1ul << SIGABRT;

    sigprocmask(SIG_UNBLOCK, &abrt, NULL);
    raise(SIGABRT);
    pthread_mutex_lock(&cairn_sig_lock);
    cairn_sig_actions[SIGABRT] = (struct sigaction){.sa_handler = SIG_DFL};
    if (cairn_sig_changed)
        cairn_sig_changed();
    pthread_mutex_unlock(&cairn_sig_lock);
    cairn_sig_default(SIGABRT);
}

/* What a failed assert does (<assert.h>). */
_Noreturn void
__cairn_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
    abort();
}
