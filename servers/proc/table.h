/* SPDX-License-Identifier: MIT */
/*
 * The process server's table (include/proto/proc.h): pids, parents,
 * process groups, ends not yet waited for, and who is waiting. Pure code
 * with no system calls: kernel handles are opaque numbers the caller
 * owns, so a host test checks every rule (servers/proc/main.c does the
 * calls).
 *
 * Invariants:
 *   - a live entry has pid > 0, unique among live entries; pids count up
 *     from 1 and wrap below PROC_PID_LIMIT, skipping those in use, so a
 *     pid is not reused while anyone could still wait for it;
 *   - ppid is 0 (no parent: started for a service, or its parent ended)
 *     or the pid of a live entry;
 *   - an ENDED entry (a zombie) has a parent that has not waited for it
 *     yet; a process with no parent is freed at its end;
 *   - a waiter belongs to a live RUNNING entry and is answered exactly
 *     once: by a child's end, or dropped with its waiter's end.
 */
#ifndef CAIRN_SERVERS_PROC_TABLE_H
#define CAIRN_SERVERS_PROC_TABLE_H

#include <stdint.h>

#define PROC_MAX       256   /* processes at once, zombies included */
#define PROC_WAITERS   64    /* waits blocked at once */
#define PROC_PID_LIMIT 32768 /* pids are 1 .. PROC_PID_LIMIT - 1 */
#define PROC_NAME_MAX  31

enum proc_state {
    PROC_FREE,
    PROC_RUNNING,
    PROC_ENDED
};

struct proc_entry {
    int32_t pid, ppid, pgid;
    enum proc_state state;
    int32_t status; /* when ENDED: a proto/proc.h status */
    long process;   /* the kernel's handle, while RUNNING; else -1 */
    int32_t signal; /* the signal proc ended it with, or 0 */
    /* Its dispositions (PROTO_PROC_SIGNALS): bit n for signal n. notify is
     * the notification a caught signal sets a bit of (a kernel handle the
     * caller owns and closes at the end), or -1. */
    uint64_t caught, ignored;
    long notify;
    /* The namespace handle it was started with in place of the vfs's
     * (PROTO_SPAWN_NAMESPACE: a view, a kernel handle the caller owns and
     * closes at the end), which its children get and their images are
     * read through; or -1: the vfs server's own namespace. */
    long ns;
    /* The quota it is charged to (PROTO_SPAWN_QUOTA: carved for it, or a
     * copy of its parent's; a kernel handle the caller owns and closes at
     * the end), which its children share; or -1: proc's own. */
    long quota;
    char name[PROC_NAME_MAX + 1];
    uint64_t start_ns; /* the caller's clock when it was started; 0 in the table's own code */
};

struct proc_waiter {
    long reply;   /* the saved reply; -1: a free slot */
    int32_t pid;  /* who waits */
    int32_t want; /* a child's pid, or -1 for any */
};

struct proc_table {
    struct proc_entry e[PROC_MAX];
    struct proc_waiter w[PROC_WAITERS];
    int32_t next_pid;
};

void proc_table_init(struct proc_table *t);

/*
 * A new RUNNING entry for process (a kernel handle) whose parent is ppid
 * (0: none). pgid 0 puts it in its parent's group (a process without a
 * parent: its own), -1 in a new group it leads, another value in that
 * group, which must have a live member (-CAIRN_EPERM else). Returns the
 * entry, with its pid chosen, or NULL when the table is full.
 */
struct proc_entry *proc_table_add(struct proc_table *t, int32_t ppid, int32_t pgid,
                                  const char *name, long process);

/* The live entry of pid, or NULL. */
struct proc_entry *proc_table_find(struct proc_table *t, int32_t pid);

/* A RUNNING entry ended with status: it becomes a zombie for its parent,
 * or is freed if it has none; its own children lose their parent (and
 * its zombies are freed). The caller has closed e->process. */
void proc_table_end(struct proc_table *t, struct proc_entry *e, int32_t status);

/*
 * The wait of parent for want (a child's pid, or -1 for any): 1 with an
 * ended child's pid and status (its entry freed), 0 when a matching
 * child still runs, -CAIRN_ECHILD when no child matches.
 */
int proc_table_reap(struct proc_table *t, int32_t parent, int32_t want, int32_t *pid,
                    int32_t *status);

/* Keeps reply waiting for parent's child want. 0, or -CAIRN_EAGAIN when
 * every slot is taken. */
int proc_table_wait(struct proc_table *t, int32_t parent, int32_t want, long reply);

/* The first waiter that e's end (e just ended) answers, taken off the
 * list: its reply handle, or -1. */
long proc_table_waiter_for(struct proc_table *t, const struct proc_entry *e);

/* Drops pid's waiters (it ended): their replies into out (up to max). */
uint32_t proc_table_drop_waiters(struct proc_table *t, int32_t pid, long *out, uint32_t max);

/* May caller (a pid, or 0 for a service) signal target? A service may
 * signal anyone; a process itself and its descendants. */
int proc_table_may_signal(struct proc_table *t, int32_t caller, const struct proc_entry *target);

/*
 * Whether viewer (a pid; 0: a service) may see e in the list of
 * processes: anyone may see everything but a sandboxed process (ns >= 0),
 * which sees only its sandbox: the sandbox's first process (the oldest
 * sandboxed ancestor whose parent is not sandboxed, or has ended) and
 * that one's descendants.
 */
int proc_table_visible(struct proc_table *t, int32_t viewer, const struct proc_entry *e);

/* What delivering sig to e does (e's masks; SIGKILL always ends it). */
enum proc_action {
    PROC_ACTION_END,
    PROC_ACTION_IGNORE,
    PROC_ACTION_CATCH
};
enum proc_action proc_table_action(const struct proc_entry *e, int32_t sig);

/* Checks new masks for e (PROTO_PROC_SIGNALS): 0, or -CAIRN_EINVAL for
 * signal 0's or SIGKILL's bit, a bit in both masks, or signals caught
 * with no notification (has_notify: one is sent now or e has one). */
int proc_table_check_signals(const struct proc_entry *e, uint64_t caught, uint64_t ignored,
                             int has_notify);

/* Sets pid's group (0: its own pid) as caller asks: only the caller itself
 * or its child, and only to its own pid or a live group. 0 or -CAIRN_*. */
int proc_table_setpgid(struct proc_table *t, int32_t caller, int32_t pid, int32_t pgid);

#endif
