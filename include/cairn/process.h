/* SPDX-License-Identifier: MIT */
/*
 * Processes and threads: the constants of their system calls
 * (docs/syscalls.md, "Processes" and "Threads"). Shared by the kernel and
 * libc.
 *
 * Exit statuses: a process or thread ends with the status it gives
 * (process_exit, thread_exit, or main's return value), or with one of
 * these when it did not choose one. They are all negative, so programs
 * that keep to statuses >= 0 can tell them apart.
 */
#ifndef CAIRN_PROCESS_H
#define CAIRN_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/errors.h>

/* Ended by process_kill; also the status of its threads. */
#define CAIRN_STATUS_KILLED (-CAIRN_EINTR)

/* Ended by a CPU exception in user mode (vector 14: a page fault gives -142). */
#define CAIRN_STATUS_FAULT(vector) (-(128 + (vector)))

/*
 * Thread priorities: higher runs first, round robin within one. Every
 * process has a highest priority its threads may have (process_max_prio),
 * at most its creator's at the time it is set; a new process gets its
 * creator's. thread_create and thread_set_prio refuse anything above it.
 * CAIRN_PRIORITY_USER_MAX is the highest any user thread may have (the
 * kernel keeps CAIRN_PRIORITY_MAX for its own threads); the kernel starts
 * init's thread there, with that as init's highest.
 */
#define CAIRN_PRIORITY_MIN      0
#define CAIRN_PRIORITY_MAX      31
#define CAIRN_PRIORITY_USER_MAX 30
#define CAIRN_PRIORITY_DEFAULT  16

/* What process_info reports (docs/syscalls.md, "process_info"). */
enum cairn_process_state {
    CAIRN_PROCESS_NEW = 0,     /* no thread has started yet */
    CAIRN_PROCESS_RUNNING = 1, /* some thread has started; not ending */
    CAIRN_PROCESS_DYING = 2,   /* ending: exit_status is final, memory not yet released */
    CAIRN_PROCESS_ENDED = 3,   /* ended: handles and memory released */
};

#define CAIRN_PROCESS_NAME_MAX 32 /* bytes of a name, the terminating 0 included */

struct cairn_process_info {
    uint32_t pid;                      /* a small id the kernel gives each process; never reused */
    uint32_t state;                    /* enum cairn_process_state */
    int64_t exit_status;               /* valid in DYING and ENDED */
    uint64_t cpu_ns;                   /* CPU time of all its threads, those gone included */
    uint64_t mem_charged;              /* bytes charged to the quota it charges to */
    uint64_t mem_limit;                /* that quota's limit (0: the kernel pays, no limit) */
    uint32_t threads;                  /* threads started and not yet exited */
    uint32_t max_priority;             /* the highest priority its threads may have */
    char name[CAIRN_PROCESS_NAME_MAX]; /* 0-terminated */
};

_Static_assert(sizeof(struct cairn_process_info) == 80, "cairn_process_info is ABI");
_Static_assert(offsetof(struct cairn_process_info, cpu_ns) == 16, "cairn_process_info is ABI");
_Static_assert(offsetof(struct cairn_process_info, threads) == 40, "cairn_process_info is ABI");
_Static_assert(offsetof(struct cairn_process_info, name) == 48, "cairn_process_info is ABI");

/* futex_wake: wake every waiter. */
#define CAIRN_FUTEX_WAKE_ALL 0xffffffffu

#endif
