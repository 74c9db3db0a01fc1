// SPDX-License-Identifier: MIT
/*
 * The process table (table.h). Linear scans over PROC_MAX entries: a few
 * hundred comparisons per spawn, wait or kill, far below the cost of the
 * IPC that asks for them, and no structure to keep consistent.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>
#include <proto/proc.h>

#include "table.h"

void
proc_table_init(struct proc_table *t)
{
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < PROC_MAX; i++) {
        t->e[i].process = -1;
        t->e[i].notify = -1;
        t->e[i].ns = -1;
        t->e[i].quota = -1;
    }
    for (int i = 0; i < PROC_WAITERS; i++)
        t->w[i].reply = -1;
    t->next_pid = 1;
}

struct proc_entry *
proc_table_find(struct proc_table *t, int32_t pid)
{
    if (pid <= 0)
        return NULL;
    for (int i = 0; i < PROC_MAX; i++) {
        if (t->e[i].state != PROC_FREE && t->e[i].pid == pid)
            return &t->e[i];
    }
    return NULL;
}

/* Does a process belong to group pgid? An ended one not yet waited for
 * counts, as in POSIX: a shell's pipeline joins the group of its first
 * command even when that command has already ended. */
static int
proc_group_exists(struct proc_table *t, int32_t pgid)
{
    for (int i = 0; i < PROC_MAX; i++) {
        if (t->e[i].state != PROC_FREE && t->e[i].pgid == pgid)
            return 1;
    }
    return 0;
}

/* The next pid not in use (as a pid or as a live group's number). */
static int32_t
proc_next_pid(struct proc_table *t)
{
    for (int tries = 0; tries < PROC_PID_LIMIT; tries++) {
        int32_t pid = t->next_pid;

        t->next_pid = pid + 1 < PROC_PID_LIMIT ? pid + 1 : 1;
        if (!proc_table_find(t, pid) && !proc_group_exists(t, pid))
            return pid;
    }
    return -1; /* cannot happen: PROC_MAX is far below PROC_PID_LIMIT */
}

struct proc_entry *
proc_table_add(struct proc_table *t, int32_t ppid, int32_t pgid, const char *name, long process)
{
    struct proc_entry *e = NULL, *parent = proc_table_find(t, ppid);

    for (int i = 0; i < PROC_MAX && !e; i++) {
        if (t->e[i].state == PROC_FREE)
            e = &t->e[i];
    }
    if (!e)
        return NULL;
    if (pgid > 0 && !proc_group_exists(t, pgid))
        return NULL;
    e->pid = proc_next_pid(t);
    if (e->pid < 0)
        return NULL;
    e->ppid = parent ? ppid : 0;
    e->pgid = pgid > 0 ? pgid : pgid == 0 && parent ? parent->pgid : e->pid;
    e->state = PROC_RUNNING;
    e->status = 0;
    e->signal = 0;
    e->process = process;
    e->caught = e->ignored = 0;
    e->notify = -1;
    e->ns = -1;
    e->quota = -1;
    strncpy(e->name, name ? name : "", PROC_NAME_MAX);
    e->name[PROC_NAME_MAX] = '\0';
    return e;
}

static void
proc_free(struct proc_entry *e)
{
    e->state = PROC_FREE;
    e->pid = 0;
    e->process = -1;
    e->notify = -1;
    e->ns = -1;
    e->quota = -1;
}

void
proc_table_end(struct proc_table *t, struct proc_entry *e, int32_t status)
{
    e->process = -1;
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc_entry *c = &t->e[i];

        if (c->state == PROC_FREE || c->ppid != e->pid)
            continue;
        if (c->state == PROC_ENDED)
            proc_free(c);
        else
            c->ppid = 0;
    }
    if (e->ppid == 0) {
        proc_free(e);
        return;
    }
    e->state = PROC_ENDED;
    e->status = status;
}

int
proc_table_reap(struct proc_table *t, int32_t parent, int32_t want, int32_t *pid, int32_t *status)
{
    int running = 0;

    for (int i = 0; i < PROC_MAX; i++) {
        struct proc_entry *c = &t->e[i];

        if (c->state == PROC_FREE || c->ppid != parent || parent == 0)
            continue;
        if (want != -1 && c->pid != want)
            continue;
        if (c->state == PROC_ENDED) {
            *pid = c->pid;
            *status = c->status;
            proc_free(c);
            return 1;
        }
        running = 1;
    }
    return running ? 0 : -CAIRN_ECHILD;
}

int
proc_table_wait(struct proc_table *t, int32_t parent, int32_t want, long reply)
{
    for (int i = 0; i < PROC_WAITERS; i++) {
        if (t->w[i].reply < 0) {
            t->w[i] = (struct proc_waiter){reply, parent, want};
            return 0;
        }
    }
    return -CAIRN_EAGAIN;
}

long
proc_table_waiter_for(struct proc_table *t, const struct proc_entry *e)
{
    for (int i = 0; i < PROC_WAITERS; i++) {
        struct proc_waiter *w = &t->w[i];

        if (w->reply >= 0 && e->ppid != 0 && w->pid == e->ppid &&
            (w->want == -1 || w->want == e->pid)) {
            long reply = w->reply;

            w->reply = -1;
            return reply;
        }
    }
    return -1;
}

uint32_t
proc_table_drop_waiters(struct proc_table *t, int32_t pid, long *out, uint32_t max)
{
    uint32_t n = 0;

    for (int i = 0; i < PROC_WAITERS && n < max; i++) {
        if (t->w[i].reply >= 0 && t->w[i].pid == pid) {
            out[n++] = t->w[i].reply;
            t->w[i].reply = -1;
        }
    }
    return n;
}

int
proc_table_may_signal(struct proc_table *t, int32_t caller, const struct proc_entry *target)
{
    int32_t p = target->pid;

    if (caller == 0)
        return 1;
    /* Up the parent chain: at most PROC_MAX steps, since the chain only
     * visits live entries and parents are older than their children. */
    for (int steps = 0; p > 0 && steps <= PROC_MAX; steps++) {
        const struct proc_entry *e;

        if (p == caller)
            return 1;
        e = proc_table_find(t, p);
        if (!e)
            return 0;
        p = e->ppid;
    }
    return 0;
}

int
proc_table_visible(struct proc_table *t, int32_t viewer, const struct proc_entry *e)
{
    const struct proc_entry *v = viewer ? proc_table_find(t, viewer) : NULL, *up;

    if (!v || v->ns < 0)
        return 1;
    /* The sandbox's first process: up while the parent is sandboxed too
     * (a bounded walk, as proc_table_may_signal's). */
    for (int steps = 0; steps <= PROC_MAX; steps++) {
        up = v->ppid ? proc_table_find(t, v->ppid) : NULL;
        if (!up || up->ns < 0)
            break;
        v = up;
    }
    return proc_table_may_signal(t, v->pid, e);
}

int
proc_table_setpgid(struct proc_table *t, int32_t caller, int32_t pid, int32_t pgid)
{
    struct proc_entry *e = proc_table_find(t, pid ? pid : caller);

    if (!e || e->state != PROC_RUNNING)
        return -CAIRN_ESRCH;
    if (e->pid != caller && e->ppid != caller)
        return -CAIRN_EPERM;
    if (pgid < 0)
        return -CAIRN_EINVAL;
    if (pgid == 0)
        pgid = e->pid;
    if (pgid != e->pid && !proc_group_exists(t, pgid))
        return -CAIRN_EPERM;
    e->pgid = pgid;
    return 0;
}

enum proc_action
proc_table_action(const struct proc_entry *e, int32_t sig)
{
    uint64_t bit = sig > 0 && sig <= PROTO_SIG_MAX ? 1ull << sig : 0;

    if (sig == PROTO_SIGKILL || !bit)
        return PROC_ACTION_END;
    if (e->ignored & bit)
        return PROC_ACTION_IGNORE;
    if ((e->caught & bit) && e->notify >= 0)
        return PROC_ACTION_CATCH;
    return PROC_ACTION_END;
}

int
proc_table_check_signals(const struct proc_entry *e, uint64_t caught, uint64_t ignored,
                         int has_notify)
{
    uint64_t never = 1ull | 1ull << PROTO_SIGKILL;

    if ((caught | ignored) & never || (caught & ignored))
        return -CAIRN_EINVAL;
    if (caught && !has_notify && e->notify < 0)
        return -CAIRN_EINVAL;
    return 0;
}
