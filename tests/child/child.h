/* SPDX-License-Identifier: MIT */
/*
 * The test child: a small program (boot module `child`) that in-kernel and
 * user-mode tests start to watch a process live, fault and end. Its start
 * word (cairn_start_arg: the third argument of process_spawn) names one
 * role in bits 0-15 and a role's parameter in bits 16-31. A private contract of
 * the tests, not part of the kernel's ABI.
 */
#ifndef CAIRN_TESTS_CHILD_H
#define CAIRN_TESTS_CHILD_H

enum child_role {
    CHILD_EXIT = 1,      /* exit at once with status 0 */
    CHILD_FAULT = 2,     /* die by writing to its own code */
    CHILD_SLEEP = 3,     /* sleep 100 ms, then exit with status 7 */
    CHILD_EXEC_DATA = 4, /* die by jumping into its own data */
    CHILD_PORT_IN = 5,   /* sleep 200 ms, read the port in bits 16-31, exit 0 */
    /* exit 0 if started as the kernel starts a process (include/cairn/init.h):
     * argv = { "child" }, no environment, the start word in rdi and as
     * CAIRN_AT_START_ARG, the block 16-byte aligned at the stack's top;
     * else the CHILD_START_* number of the first check that failed */
    CHILD_CHECK_START = 6,
    /* started with handles of kinds {PROTO_HANDLE_STDOUT, 0,
     * PROTO_HANDLE_IRQ, PROTO_HANDLE_IRQ} (include/proto/handles.h): finds
     * them with cairn_start_handle, writes "child fd 1" to descriptor 1
     * (the I/O handle) and exits 0; else CHILD_FDS_HANDLES */
    CHILD_FDS = 7,
};

/* What CHILD_FDS found wrong (its exit status). */
#define CHILD_FDS_HANDLES 20 /* a start handle not where its kind says */
#define CHILD_FDS_WRITE   21 /* write(1) did not write the whole line */

/* What CHILD_CHECK_START found wrong (its exit status). */
enum child_start_error {
    CHILD_START_ARGC = 10,  /* argc is not 1 */
    CHILD_START_ARGV = 11,  /* argv[0] is not "child", or argv[1] is not NULL */
    CHILD_START_ENV = 12,   /* the environment is not empty, or not environ */
    CHILD_START_AUX = 13,   /* no CAIRN_AT_START_ARG equal to the start word */
    CHILD_START_BLOCK = 14, /* the block is not aligned, or not at the stack's top */
};

/*
 * Roles by argument, for a child started with start word 0 (by the
 * process server, which knows nothing of start words):
 *   child exit N     exits with N
 *   child write TEXT writes TEXT to descriptor 1, exits 0 (or
 *                    CHILD_FDS_WRITE if the write fell short)
 *   child sleep S    sleeps S seconds, exits 0 (the tests' 100000, more
 *                    than a day, is a process that lives until killed)
 *   child fault      dies by writing to its own code, in child_fault_write
 *                    called by child_fault_deep (names a crash report
 *                    must show)
 *   child pid        exits with getpid() & 0xff
 *   child spawn      libc's posix_spawn, waitpid and kill on copies of
 *                    itself; 0, or 30-40 for the step that failed
 *   child signals    handlers, raise, SIG_IGN, sigprocmask, sigaction's
 *                    bad arguments, kills of itself through proc, sleeps
 *                    a handler cuts short (nanosleep, sleep, pause,
 *                    sigsuspend); then
 *                    ends by raise(SIGTERM) (default action), or exits
 *                    50-69 for the step that failed
 *   child abort      abort with a SIGABRT handler that returns: ends
 *                    with SIGABRT all the same
 *   child catch      catches SIGINT and SIGTERM, writes "child: ready",
 *                    waits in sigsuspend for one, writes "child:
 *                    caught signal NN" and exits 40 + NN (73: the wait
 *                    ended otherwise)
 *   child winsize    writes "child: window ROWS x COLS" (tcgetwinsize of
 *                    descriptor 1), or "child: no window size: errno N"
 *   child lookup NAME looks NAME up in the registry: 0, or its error code
 *   child memobj N   makes a memory object of N bytes: 0, or its error
 *                    code (CAIRN_ENOMEM when its quota cannot pay)
 *   child memchild N starts `child memobj N` with posix_spawn and exits
 *                    with its status; 80 + the error when the spawn fails
 * Anything else: CHILD_STATUS_NO_ROLE.
 */

/* The start argument for role with parameter. */
#define CHILD_ARG(role, param) ((unsigned long)(role) | (unsigned long)(param) << 16)

/* An argument no role has: the child exits with this status. */
#define CHILD_STATUS_NO_ROLE 99

#endif
