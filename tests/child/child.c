// SPDX-License-Identifier: MIT
/*
 * The test child (child.h): does one thing a test needs to watch a
 * process do, chosen by its start argument, and ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>

#include "child.h"

/* CHILD_CHECK_START: the start block the kernel writes (child.h). */
static int
child_check_start(int argc, char **argv, char **envp)
{
    uintptr_t block = (uintptr_t)(argv - 1), top = CAIRN_USER_STACK_TOP;
    uint64_t aux = 0;

    if (argc != 1)
        return CHILD_START_ARGC;
    if (strcmp(argv[0], "child") != 0 || argv[1] != NULL)
        return CHILD_START_ARGV;
    if (envp != argv + 2 || envp[0] != NULL || environ != envp)
        return CHILD_START_ENV;
    if (cairn_start_aux(CAIRN_AT_START_ARG, &aux) != 0 || aux != cairn_start_arg())
        return CHILD_START_AUX;
    if (block % 16 != 0 || block < top - CAIRN_USER_START_MAX || block >= top ||
        (uintptr_t)argv[0] <= block || (uintptr_t)argv[0] + 6 > top)
        return CHILD_START_BLOCK;
    return 0;
}

/* CHILD_FDS: the start handles by kind, and descriptor 1 on the first. */
static int
child_fds(void)
{
    static const char line[] = "child fd 1";

    if (cairn_start_handle(PROTO_HANDLE_STDOUT, 0) != 2 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 0) != 4 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 1) != 5 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 2) != -CAIRN_ENOENT ||
        cairn_start_handle(PROTO_HANDLE_STDIN, 0) != -CAIRN_ENOENT)
        return CHILD_FDS_HANDLES;
    if (write(1, line, sizeof(line) - 1) != (ssize_t)sizeof(line) - 1)
        return CHILD_FDS_WRITE;
    return 0;
}

/*
 * Start word 0 (a program started by path, as proc starts them): the role
 * is in argv (child.h, "Roles by argument").
 */
int main(int argc, char **argv, char **envp);

/* child spawn: libc's process calls, as a program proc started uses them. */
static int
child_spawn(void)
{
    char *exit5[] = {"child", "exit", "5", NULL};
    char *sleep[] = {"child", "sleep", "100000", NULL};
    char *hello[] = {"child", "write", "to stderr", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    pid_t pid, got;
    int status = 0;

    if (posix_spawn(&pid, "/bin/child", NULL, NULL, exit5, NULL) != 0)
        return 30;
    got = waitpid(pid, &status, 0);
    if (got != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 5)
        return 31;
    if (posix_spawnp(&pid, "child", NULL, NULL, exit5, NULL) != 0)
        return 32;
    if (wait(&status) != pid || WEXITSTATUS(status) != 5)
        return 33;
    if (posix_spawn(&pid, "/bin/nothing", NULL, NULL, exit5, NULL) != ENOENT)
        return 34;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    if (posix_spawn(&pid, "/bin/child", NULL, &attr, sleep, NULL) != 0)
        return 35;
    if (waitpid(pid, &status, WNOHANG) != 0)
        return 36;
    if (kill(pid, SIGTERM) != 0 || waitpid(-1, &status, 0) != pid || !WIFSIGNALED(status) ||
        WTERMSIG(status) != SIGTERM)
        return 37;
    if (waitpid(-1, &status, 0) != -1 || errno != ECHILD)
        return 38;
    if (kill(1, SIGTERM) != -1 || errno != EPERM)
        return 39; /* pid 1 is not ours: the test's first sleeper */
    /* dup2 of descriptor 1 onto 2: the grandchild writes to our stdout. */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addclose(&fa, 1);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    if (posix_spawn(&pid, "/bin/child", &fa, NULL, hello, NULL) != 0 ||
        waitpid(pid, &status, 0) != pid || status != 0)
        return 40;
    posix_spawn_file_actions_destroy(&fa);
    return 0;
}

/* --- signals ------------------------------------------------------------------------------ */

static volatile sig_atomic_t child_caught, child_count;
static pthread_t child_handler_thread;

static void
child_on_signal(int sig)
{
    child_caught = sig;
    child_count = child_count + 1;
    child_handler_thread = pthread_self();
}

static volatile int child_info_signo = -1, child_info_code = -1, child_info_pid = -1;

static void
child_on_info(int sig, siginfo_t *info, void *context)
{
    (void)context;
    child_info_signo = info->si_signo;
    child_info_code = info->si_code;
    child_info_pid = info->si_pid;
    child_on_signal(sig);
}

/* Waits up to 10 s for the handler to have run count times. */
static int
child_wait_count(int count)
{
    for (int i = 0; i < 1000 && child_count < count; i++)
        cairn_thread_sleep(10000000);
    return child_count == count;
}

static void *
child_kill_me_soon(void *arg)
{
    (void)arg;
    cairn_thread_sleep(500000000);
    kill(getpid(), SIGUSR1);
    return NULL;
}

/*
 * A sleep of 10 s that SIGUSR1's handler, run 500 ms in, must cut short
 * (the sleep has begun long before: nothing can close the gap between
 * a check and a sleep, as POSIX's own sleeps cannot):
 * how 0 nanosleep (-1, EINTR, 9 s to 10 s left), 1 sleep (10 left, the
 * rest rounded up), 2 pause, 3 sigsuspend with nothing blocked (the
 * blocked set put back after). 0 when it was cut short as it should be.
 */
static int
child_sleep_cut(int how)
{
    struct timespec req = {10, 0}, rem = {0, 0};
    sigset_t none;
    pthread_t killer;
    int r = 1;

    sigemptyset(&none);
    if (pthread_create(&killer, NULL, child_kill_me_soon, NULL) != 0)
        return 1;
    switch (how) {
    case 0:
        r = !(nanosleep(&req, &rem) == -1 && errno == EINTR && rem.tv_sec >= 9);
        break;
    case 1:
        r = sleep(10) != 10;
        break;
    case 2:
        r = !(pause() == -1 && errno == EINTR);
        break;
    case 3:
        r = !(sigsuspend(&none) == -1 && errno == EINTR);
        break;
    }
    pthread_join(killer, NULL);
    return r;
}

/* child signals: handlers, raise, SIG_IGN, sigprocmask, bad arguments,
 * and a kill of itself through proc caught by the signal thread; then
 * raise(SIGTERM) with the default action ends it with that signal. A
 * check that fails: 50 + its step. */
static int
child_signals(void)
{
    struct sigaction act = {.sa_handler = child_on_signal}, old;
    sigset_t set, pending;
    int step = 50;

    /* Bad arguments: no such signal, SIGKILL, an unknown flag. */
    if (sigaction(0, &act, NULL) != -1 || errno != EINVAL || sigaction(64, &act, NULL) != -1 ||
        sigaction(65, &act, NULL) != -1 || sigaction(SIGKILL, &act, NULL) != -1 ||
        errno != EINVAL || signal(SIGKILL, SIG_IGN) != SIG_ERR)
        return step;
    step++;
    act.sa_flags = 0x1;
    if (sigaction(SIGUSR1, &act, NULL) != -1 || errno != EINVAL || raise(0) != -1 ||
        raise(64) != -1)
        return step;
    act.sa_flags = 0;
    step++;
    /* The sets. */
    sigemptyset(&set);
    if (sigaddset(&set, SIGINT) != 0 || sigismember(&set, SIGINT) != 1 ||
        sigismember(&set, SIGTERM) != 0 || sigdelset(&set, SIGINT) != 0 || set != 0 ||
        sigaddset(&set, 0) != -1 || sigismember(&set, 65) != -1 || sigfillset(&set) != 0 ||
        sigismember(&set, 63) != 1)
        return step;
    step++;
    /* raise: the handler at once, in this thread. */
    if (sigaction(SIGUSR1, &act, &old) != 0 || old.sa_handler != SIG_DFL || raise(SIGUSR1) != 0 ||
        child_count != 1 || child_caught != SIGUSR1 ||
        !pthread_equal(child_handler_thread, pthread_self()))
        return step;
    step++;
    /* SIG_IGN: nothing happens. */
    if (signal(SIGUSR2, SIG_IGN) != SIG_DFL || raise(SIGUSR2) != 0 ||
        signal(SIGUSR2, SIG_IGN) != SIG_IGN)
        return step;
    step++;
    /* Blocked: pending, then delivered when unblocked. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL); /* dropped: SIGKILL cannot be blocked */
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || raise(SIGUSR1) != 0 || child_count != 1 ||
        sigpending(&pending) != 0 || pending != 1ul << SIGUSR1)
        return step;
    step++;
    if (sigprocmask(SIG_UNBLOCK, &set, &old.sa_mask) != 0 || child_count != 2 ||
        old.sa_mask != 1ul << SIGUSR1 || sigprocmask(9, &set, NULL) != -1 || errno != EINVAL)
        return step;
    step++;
    /* From outside: a kill of itself through proc, caught by the signal
     * thread (another thread); blocked, it waits for the unblock. */
    if (kill(getpid(), SIGUSR1) != 0 || !child_wait_count(3) ||
        pthread_equal(child_handler_thread, pthread_self()))
        return step;
    step++;
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || kill(getpid(), SIGUSR1) != 0)
        return step;
    for (int i = 0; i < 1000 && (sigpending(&pending), pending) == 0; i++)
        cairn_thread_sleep(10000000);
    if (pending != 1ul << SIGUSR1 || child_count != 3 ||
        sigprocmask(SIG_UNBLOCK, &set, NULL) != 0 || child_count != 4 ||
        !pthread_equal(child_handler_thread, pthread_self()))
        return step;
    step++;
    /* Ignored from outside: proc drops it. */
    if (kill(getpid(), SIGUSR2) != 0)
        return step;
    step++;
    /* Sleeps a handler cuts short: a thread kills us 500 ms into each. */
    if (child_sleep_cut(0) != 0 || child_count != 5)
        return step;
    step++;
    if (child_sleep_cut(1) != 0 || child_count != 6 || child_sleep_cut(2) != 0 || child_count != 7)
        return step;
    step++;
    /* sigsuspend: SIGUSR1 blocked, then let through only while it waits. */
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || child_sleep_cut(3) != 0 || child_count != 8 ||
        sigprocmask(SIG_BLOCK, NULL, &pending) != 0 || pending != 1ul << SIGUSR1 ||
        sigprocmask(SIG_UNBLOCK, &set, NULL) != 0)
        return step;
    step++;
    /* SA_SIGINFO: raise tells the handler our own pid, a kill from
     * outside none (proc delivers a bit, not its sender). */
    act.sa_sigaction = child_on_info;
    act.sa_flags = SA_SIGINFO;
    if (sigaction(SIGUSR2, &act, NULL) != 0 || raise(SIGUSR2) != 0 || child_count != 9 ||
        child_info_signo != SIGUSR2 || child_info_code != SI_USER ||
        child_info_pid != (int)getpid() || kill(getpid(), SIGUSR2) != 0 || !child_wait_count(10) ||
        child_info_pid != 0)
        return step;
    step++;
    act.sa_handler = child_on_signal;
    /* SA_RESETHAND: the handler once, then SIG_DFL. */
    act.sa_flags = SA_RESETHAND;
    if (sigaction(SIGUSR1, &act, NULL) != 0 || raise(SIGUSR1) != 0 || child_count != 11 ||
        sigaction(SIGUSR1, NULL, &old) != 0 || old.sa_handler != SIG_DFL)
        return step;
    /* The default action: the end, with SIGTERM's status. */
    raise(SIGTERM);
    return 69;
}

/* child abort: a SIGABRT handler that returns does not stop abort. */
static int
child_abort(void)
{
    if (signal(SIGABRT, child_on_signal) == SIG_ERR)
        return 70;
    abort();
}

/* child catch: catches SIGINT and SIGTERM, says "ready" with both
 * blocked, then waits in sigsuspend with nothing blocked (so one sent
 * before the wait began is not missed) until one came, says which and
 * exits with 40 + its number (73 when sigsuspend did not end as it must). */
static int
child_catch(void)
{
    static char line[] = "child: caught signal NN\n";
    sigset_t both, none;

    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGTERM);
    sigemptyset(&none);
    if (signal(SIGINT, child_on_signal) == SIG_ERR || signal(SIGTERM, child_on_signal) == SIG_ERR ||
        sigprocmask(SIG_BLOCK, &both, NULL) != 0)
        return 71;
    if (write(1, "child: ready\n", 13) != 13)
        return CHILD_FDS_WRITE;
    while (!child_caught)
        if (sigsuspend(&none) != -1 || errno != EINTR)
            return 73;
    line[21] = (char)('0' + child_caught / 10 % 10);
    line[22] = (char)('0' + child_caught % 10);
    write(1, line, sizeof(line) - 1);
    return 40 + child_caught;
}

static volatile int child_sink;

/* The fault of the "fault" role two calls deep, so that proc's crash
 * report (tests/os/proc.c) has frames to name: neither is inlined or
 * tail-called, and the writer's frame is made when it writes. Text is mapped read and
 * execute: the write ends the process. */
static __attribute__((noipa)) int
child_fault_write(void)
{
    /* The byte written is taken from the frame pointer, so the write
     * comes after the frame is made and before it is popped: gcc moves a
     * store that does not depend on it across either. */
    *(volatile unsigned char *)(unsigned long)main =
        (unsigned char)(uintptr_t)__builtin_frame_address(0);
    child_sink = getpid();
    return 1;
}

static __attribute__((noipa)) int
child_fault_deep(void)
{
    int r = child_fault_write();

    child_sink = r;
    return r;
}

/* child winsize: the terminal's size as a program gets it. */
static int
child_winsize(void)
{
    struct winsize ws;
    char line[64];
    int n;

    if (tcgetwinsize(1, &ws) < 0)
        n = snprintf(line, sizeof(line), "child: no window size: errno %d\n", errno);
    else
        n = snprintf(line, sizeof(line), "child: window %u x %u\n", ws.ws_row, ws.ws_col);
    return write(1, line, (size_t)n) == n ? 0 : CHILD_FDS_WRITE;
}

static int
child_by_argv(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        return atoi(argv[2]);
    if (argc == 3 && strcmp(argv[1], "write") == 0) {
        size_t len = strlen(argv[2]);

        return write(1, argv[2], len) == (ssize_t)len ? 0 : CHILD_FDS_WRITE;
    }
    if (argc == 3 && strcmp(argv[1], "memobj") == 0) {
        long mo = cairn_memobj_create(strtoull(argv[2], NULL, 10), 0);

        return mo < 0 ? (int)-mo : (cairn_handle_close(mo), 0);
    }
    if (argc == 3 && strcmp(argv[1], "memchild") == 0) {
        char *memobj[] = {"child", "memobj", argv[2], NULL};
        int status = 0, err;
        pid_t pid;

        if ((err = posix_spawn(&pid, "/bin/child", NULL, NULL, memobj, NULL)) != 0)
            return 80 + err;
        return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 79;
    }
    if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
        cairn_thread_sleep((uint64_t)atoi(argv[2]) * 1000000000ull);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "fault") == 0) {
        int r = child_fault_deep(); /* not a tail call: main's frame stays */

        child_sink = r;
        return r;
    }
    if (argc == 2 && strcmp(argv[1], "pid") == 0)
        return getpid() & 0xff;
    if (argc == 2 && strcmp(argv[1], "spawn") == 0)
        return child_spawn();
    if (argc == 2 && strcmp(argv[1], "signals") == 0)
        return child_signals();
    if (argc == 2 && strcmp(argv[1], "abort") == 0)
        return child_abort();
    if (argc == 2 && strcmp(argv[1], "catch") == 0)
        return child_catch();
    if (argc == 2 && strcmp(argv[1], "winsize") == 0)
        return child_winsize();
    if (argc == 3 && strcmp(argv[1], "lookup") == 0) {
        long h = cairn_registry_lookup(argv[2], 0);

        return h >= 0 ? 0 : (int)(-h & 0xff); /* the registry's code */
    }
    return CHILD_STATUS_NO_ROLE;
}

int
main(int argc, char **argv, char **envp)
{
    unsigned long arg = cairn_start_arg();

    if (arg == 0)
        return child_by_argv(argc, argv);
    switch (arg & 0xffff) {
    case CHILD_EXIT:
        return 0;
    case CHILD_FAULT:
        /* Text is mapped read+execute: this write must kill us. */
        *(volatile unsigned char *)(unsigned long)main = 0;
        return 1;
    case CHILD_SLEEP:
        cairn_thread_sleep(100000000);
        return 7;
    case CHILD_EXEC_DATA: {
        /* A `ret` in writable data: W^X makes the jump fault, not return. */
        static unsigned char ret_insn[16] = {0xc3};
        ((void (*)(void))(unsigned long)ret_insn)();
        return 1;
    }
    case CHILD_PORT_IN: {
        /* Granted meanwhile, or not: a port outside the grant is a #GP. */
        unsigned short port = (unsigned short)(arg >> 16);
        unsigned char v;

        cairn_thread_sleep(200000000);
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        (void)v;
        return 0;
    }
    case CHILD_CHECK_START:
        return child_check_start(argc, argv, envp);
    case CHILD_FDS:
        return child_fds();
    }
    return CHILD_STATUS_NO_ROLE;
}
