/* SPDX-License-Identifier: MIT */
/*
 * The process server (servers/proc): starts programs by path, and knows
 * every process it started by its pid, its parent and its process group.
 * Each process it starts gets its own SIGNAL handle to proc (start handle
 * PROTO_HANDLE_PROC, include/proto/handles.h) badged with its pid, so proc
 * knows who asks: a process waits for and signals only what its rights
 * allow (its own children; kill also its process group's members), and
 * delivers a signal as the process's dispositions say (PROTO_PROC_SIGNALS).
 * (Message shape: include/proto/io.h.)
 */
#ifndef CAIRN_PROTO_PROC_H
#define CAIRN_PROTO_PROC_H

#include <stdint.h>

/*
 * PROTO_PROC_SPAWN: the buffer holds the path, a 0, then argc strings
 * each ending with a 0, then the environment's strings each ending with a
 * 0; w[1] argc, w[2] the number of environment strings, w[3] the process
 * group (0: the caller's; -1: a new one led by the child), w[4] which of
 * stdin, stdout and stderr come as handles, in that order (bit 0, 1, 2
 * set for each one present; a stream not sent, the child has not: its
 * writes to 1 and 2 go to the kernel console). Each I/O handle counts as
 * one reference that moves to the child (include/proto/io.h: the caller
 * sent PROTO_IO_DUP for it); if the spawn fails, proc closes them.
 * Reply: w[0] the child's pid. Errors: -CAIRN_ENOENT, -CAIRN_ENOEXEC (not
 * a Cairn executable), -CAIRN_E2BIG (the buffer is the limit: path,
 * arguments and environment within CAIRN_MSG_BUF_MAX bytes),
 * -CAIRN_ENOMEM, -CAIRN_EAGAIN (the process table is full), -CAIRN_EINVAL
 * (a bit of w[4] not below, or PROTO_SPAWN_NAMESPACE with no handle or one
 * that is not a handle to the vfs server's endpoint). The
 * child gets its pid (CAIRN_AT_PID), a handle to proc badged with it, its
 * namespace handle (below; else the vfs server's), the programs'
 * registry handle when proc has one and the child has no namespace of its
 * own (start handle PROTO_HANDLE_REGISTRY: it looks up what the
 * manifest's [programs] lists), and its working directory from PWD in its
 * environment (libc puts it there).
 *
 * Sandboxes: with PROTO_SPAWN_NAMESPACE in w[4], one more handle comes
 * after the streams: the namespace the child gets as its vfs handle in
 * place of the caller's, typically a view (include/proto/fs.h,
 * PROTO_FS_VIEW), which moves to proc. Such a child, and every process it
 * starts in turn (which gets the same namespace unless it is given a
 * narrower one), has its images read through that namespace and gets no
 * registry handle. The caller's own image is read through the caller's
 * namespace: a sandbox's first program comes from outside it.
 *
 * A quota of its own: w[4]'s bits 32-63 (PROTO_SPAWN_QUOTA), a number of
 * 4 KiB pages, 0 for none. The child, and every process it starts in
 * turn (unless given a quota of its own, carved from this one), is
 * charged to a new quota of that size carved from the caller's (the
 * caller's own quota if it was given one, else proc's), so whatever the
 * kernel allocates for the whole tree (memory, processes, threads,
 * handles) stays within it; the carve goes back when the last process
 * charged to it has ended. -CAIRN_ENOMEM: the caller's quota has not that
 * much left; -CAIRN_ENOSYS: proc was given no quota to carve from
 * (start handle PROTO_HANDLE_QUOTA).
 */
#define PROTO_PROC_SPAWN         0x401u
/* PROTO_PROC_SPAWN's w[4]: stdin, stdout, stderr, then a namespace; and a
 * quota's pages above. */
#define PROTO_SPAWN_NAMESPACE    (1u << 3)
#define PROTO_SPAWN_HANDLES      0xfu
#define PROTO_SPAWN_QUOTA_SHIFT  32
#define PROTO_SPAWN_QUOTA(pages) ((uint64_t)(pages) << PROTO_SPAWN_QUOTA_SHIFT)
/*
 * PROTO_PROC_WAIT: w[1] a child's pid, or -1 for any child; w[2] flags
 * (PROTO_WNOHANG). Reply: w[0] the pid that ended (0: none yet, with
 * PROTO_WNOHANG), w[1] its status (PROTO_STATUS_*). -CAIRN_ECHILD when
 * there is no such child.
 */
#define PROTO_PROC_WAIT          0x402u
/* PROTO_PROC_KILL: w[1] a pid, or minus a process group; w[2] the signal
 * (PROTO_SIG*). -CAIRN_ESRCH, -CAIRN_EPERM (not the caller's). */
#define PROTO_PROC_KILL          0x403u
/* PROTO_PROC_SETPGID: w[1] a pid (0: the caller), w[2] a group (0: its
 * own pid). Only the caller or its child. */
#define PROTO_PROC_SETPGID       0x404u
/* PROTO_PROC_LIST: w[1] a cookie (0 first). Reply: w[0] the number of
 * struct proto_proc_info in the buffer (0: no more), w[1] the next cookie.
 * A sandboxed process (PROTO_SPAWN_NAMESPACE) sees only its sandbox: the
 * sandbox's first process and that one's descendants. */
#define PROTO_PROC_LIST          0x405u
/*
 * PROTO_PROC_SIGNALS: the caller's dispositions for the signals proc
 * delivers from outside (PROTO_PROC_KILL, the console's ^C): w[1] the
 * mask of caught signals, w[2] the mask of ignored ones (bit n: signal
 * n). The first call that catches anything sends a notification handle
 * with the SIGNAL right in the message's handles; proc keeps it while the
 * process lives, a later call may send none (one sent again replaces it).
 * From then on proc delivers signal n to the caller as follows: SIGKILL,
 * and a signal in neither mask, ends the process as before
 * (PROTO_STATUS_SIGNALED | n); an ignored one is dropped; a caught one
 * sets bit n of the notification, and the process runs its handler
 * (libc's signal thread, libc/sigaction.c). A notification has 64 bits, so
 * signals are 1..63. Reply: w[0] 0. Errors: -CAIRN_EINVAL (bit 0 or
 * SIGKILL's bit set, a bit in both masks, more than one handle, or
 * signals caught with no notification sent yet), -CAIRN_EWRONGTYPE (the
 * handle is not a notification), -CAIRN_ERIGHTS (it lacks SIGNAL),
 * -CAIRN_EPERM (the caller is not a process of proc's: badge 0). A
 * refused call changes nothing and proc closes the handle sent.
 */
#define PROTO_PROC_SIGNALS       0x406u

#define PROTO_WNOHANG 1u

/* Signals: POSIX's numbers, 1 .. PROTO_SIG_MAX. A process that neither
 * catches nor ignores one (PROTO_PROC_SIGNALS) ends with the status
 * PROTO_STATUS_SIGNALED | signal. */
#define PROTO_SIGINT  2
#define PROTO_SIGKILL 9
#define PROTO_SIGTERM 15
#define PROTO_SIG_MAX 63

/* A status: the exit status (0..255), or a signal's or a fault's end. */
#define PROTO_STATUS_SIGNALED 0x10000
#define PROTO_STATUS_FAULTED  0x20000

struct proto_proc_info {
    int32_t pid, ppid, pgid;
    uint32_t state;    /* 0 running, 1 ended not yet waited for */
    uint64_t cpu_ns;   /* CPU time of all its threads */
    uint64_t memory;   /* bytes charged to its quota */
    uint32_t threads;  /* threads alive */
    uint32_t reserved; /* 0 */
    char name[32];     /* argv[0]'s last part, 0-terminated */
    uint64_t start_ns; /* the monotonic clock when proc started it */
};
_Static_assert(sizeof(struct proto_proc_info) == 80, "proto_proc_info is ABI");

#endif
