/* SPDX-License-Identifier: MIT */
/*
 * POSIX <signal.h>: the signal numbers, kill (through the process server,
 * libc/process.c), handlers (signal, sigaction: libc/sigaction.c), raise,
 * the signal sets and sigprocmask (libc/signal.c).
 *
 * The model, which is Cairn's own (docs/proc.md, "Signals"):
 *   - raise runs the handler at once in the calling thread; a signal the
 *     process ignores does nothing; one it neither catches nor ignores
 *     (SIG_DFL) ends the process through proc with that signal's status.
 *   - A signal from another process (kill, the console's ^C to the
 *     foreground process group) that the process catches runs its handler
 *     on libc's signal thread, a thread libc starts at the first handler
 *     installed for such a signal, concurrently with the program's other
 *     threads, as a console control handler does. Once a handler ran,
 *     every sleep going on ends early (sleep, nanosleep, usleep, pause,
 *     sigsuspend: EINTR); other calls are not interrupted (a blocked
 *     read goes on blocking), as if every handler had SA_RESTART. A
 *     caught signal a process kills itself with comes the same way: its
 *     handler may run after kill has returned.
 *   - The blocked set (sigprocmask, pthread_sigmask) is the process's,
 *     not each thread's. A blocked signal that is caught stays pending and
 *     is delivered when it is unblocked; blocking does not hold back the
 *     default action of a signal sent from outside (proc ends the process).
 *   - SIGILL, SIGTRAP, SIGFPE, SIGSEGV and SIGBUS: a handler runs for
 *     raise only; a CPU fault ends the process as before, and the same
 *     signal sent from outside takes the default action.
 *   - SIGKILL cannot be caught, ignored or blocked. There is no SIGSTOP:
 *     processes are not stopped.
 */
#ifndef CAIRN_LIBC_SIGNAL_H
#define CAIRN_LIBC_SIGNAL_H

#include <sys/types.h>

#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS  7
#define SIGFPE  8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15

/* Signals are 1 .. NSIG - 1: a notification's bits (include/proto/proc.h). */
#define NSIG 64

typedef int sig_atomic_t;
typedef unsigned long sigset_t; /* bit n: signal n */

#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN ((void (*)(int))1)
#define SIG_ERR ((void (*)(int)) - 1)

/* sa_flags: SA_RESETHAND puts SIG_DFL back as the handler is called;
 * SA_SIGINFO calls sa_sigaction with a siginfo_t instead of sa_handler;
 * SA_RESTART is accepted and changes nothing (only sleeps are cut short,
 * whatever the flags). */
#define SA_SIGINFO   0x00000004
#define SA_RESTART   0x10000000
#define SA_RESETHAND 0x80000000

/* si_code: sent by kill, raise or the console (SI_USER). */
#define SI_USER 0

/* What an SA_SIGINFO handler is told: the signal and that a process sent
 * it; si_pid is this process's own for raise, 0 when it came from
 * outside (proc delivers a signal as a bit, without its sender). */
typedef struct {
    int si_signo;
    int si_code;
    int si_errno;
    pid_t si_pid;
    uid_t si_uid;
    void *si_addr;
    int si_status;
} siginfo_t;

struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int sig, siginfo_t *info, void *context);
    };
    sigset_t sa_mask; /* also blocked while the handler runs, with the signal */
    int sa_flags;
};

/* sigprocmask's how. */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

int kill(pid_t pid, int sig);
int raise(int sig);
void (*signal(int sig, void (*handler)(int)))(int);
int sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
int sigprocmask(int how, const sigset_t *set, sigset_t *oset);
int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset);
int sigpending(sigset_t *set);
/* Blocks exactly *mask until a handler has run, then puts the blocked
 * set back: always -1 with EINTR. */
int sigsuspend(const sigset_t *mask);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

#endif
