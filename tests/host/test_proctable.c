// SPDX-License-Identifier: MIT
/*
 * Tests for the process server's table (servers/proc/table.c): pids,
 * parents and groups; zombies kept for their parent and freed when
 * nobody can wait; waits by pid and for any child; who may signal whom;
 * setpgid's rules; signal dispositions; a full table and a full waiting list refused cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/errors.h>
#include <proto/proc.h>

#include "check.h"
#include "servers/proc/table.h"

static struct proc_table t;

static void
pids_count_up_and_children_join_their_parents_group(void)
{
    struct proc_entry *sh, *a, *b, *c;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    CHECK(sh && sh->pid == 1 && sh->ppid == 0 && sh->pgid == 1);
    CHECK(sh->ns == -1 && sh->quota == -1 && sh->notify == -1);
    a = proc_table_add(&t, 1, 0, "cat", 101);
    CHECK(a && a->pid == 2 && a->ppid == 1 && a->pgid == 1);
    b = proc_table_add(&t, 1, -1, "grep", 102);
    CHECK(b && b->pid == 3 && b->pgid == 3);
    c = proc_table_add(&t, 1, 3, "wc", 103);
    CHECK(c && c->pgid == 3);
    CHECK(proc_table_add(&t, 1, 77, "x", 104) == NULL); /* no such group */
    /* A group whose leader has ended but is not yet waited for still
     * exists (a pipeline's first command done before the next starts). */
    proc_table_end(&t, b, 0);
    proc_table_end(&t, c, 0);
    c = proc_table_add(&t, 1, 3, "tail", 106);
    CHECK(c && c->pgid == 3);
    /* A slot used again starts with none of its last owner's handles. */
    c->ns = c->quota = c->notify = 9;
    proc_table_end(&t, c, 0);
    CHECK(proc_table_reap(&t, 1, c->pid, &(int32_t){0}, &(int32_t){0}) == 1);
    c = proc_table_add(&t, 1, 3, "tail", 107);
    CHECK(c && c->ns == -1 && c->quota == -1 && c->notify == -1);
    /* A parent that does not exist: no parent. */
    c = proc_table_add(&t, 999, 0, "orphan", 105);
    CHECK(c && c->ppid == 0 && c->pgid == c->pid);
    CHECK(proc_table_find(&t, 2) == a && proc_table_find(&t, 0) == NULL &&
          proc_table_find(&t, -1) == NULL);
}

static void
an_ended_child_waits_for_its_parent_and_is_reaped_once(void)
{
    struct proc_entry *sh, *a, *b;
    int32_t pid = 0, status = 0;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    a = proc_table_add(&t, sh->pid, 0, "a", 101);
    b = proc_table_add(&t, sh->pid, 0, "b", 102);
    CHECK(proc_table_reap(&t, sh->pid, -1, &pid, &status) == 0);
    CHECK(proc_table_reap(&t, sh->pid, 99, &pid, &status) == -CAIRN_ECHILD);
    CHECK(proc_table_reap(&t, a->pid, -1, &pid, &status) == -CAIRN_ECHILD);
    proc_table_end(&t, b, 7);
    CHECK(b->state == PROC_ENDED && b->process == -1);
    CHECK(proc_table_reap(&t, sh->pid, a->pid, &pid, &status) == 0);
    CHECK(proc_table_reap(&t, sh->pid, -1, &pid, &status) == 1 && pid == 3 && status == 7);
    CHECK(proc_table_find(&t, 3) == NULL);
    CHECK(proc_table_reap(&t, sh->pid, 3, &pid, &status) == -CAIRN_ECHILD);
    /* A service's children (ppid 0) are freed at their end: nobody waits. */
    proc_table_end(&t, sh, 0);
    CHECK(proc_table_find(&t, 1) == NULL);
    CHECK(a->ppid == 0); /* the orphan has no parent now */
    proc_table_end(&t, a, 1);
    CHECK(proc_table_find(&t, 2) == NULL);
}

static void
a_parents_end_frees_its_zombies(void)
{
    struct proc_entry *sh, *a;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    a = proc_table_add(&t, sh->pid, 0, "a", 101);
    (void)proc_table_add(&t, a->pid, 0, "aa", 102);
    proc_table_end(&t, proc_table_find(&t, 3), 0);
    CHECK(proc_table_find(&t, 3) && proc_table_find(&t, 3)->state == PROC_ENDED);
    proc_table_end(&t, a, 0);
    CHECK(proc_table_find(&t, 3) == NULL);
    CHECK(proc_table_find(&t, 2)->state == PROC_ENDED);
}

static void
waiters_are_found_by_parent_and_pid(void)
{
    struct proc_entry *sh, *a, *b;
    long dropped[4];

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    a = proc_table_add(&t, sh->pid, 0, "a", 101);
    b = proc_table_add(&t, sh->pid, 0, "b", 102);
    CHECK(proc_table_wait(&t, sh->pid, b->pid, 500) == 0);
    CHECK(proc_table_wait(&t, sh->pid, -1, 501) == 0);
    proc_table_end(&t, a, 0);
    CHECK(proc_table_waiter_for(&t, a) == 501); /* 500 waits for b only */
    CHECK(proc_table_waiter_for(&t, a) == -1);
    proc_table_end(&t, b, 0);
    CHECK(proc_table_waiter_for(&t, b) == 500);
    CHECK(proc_table_wait(&t, sh->pid, -1, 502) == 0);
    CHECK(proc_table_drop_waiters(&t, sh->pid, dropped, 4) == 1 && dropped[0] == 502);
    for (int i = 0; i < PROC_WAITERS; i++)
        CHECK(proc_table_wait(&t, sh->pid, -1, 600 + i) == 0);
    CHECK(proc_table_wait(&t, sh->pid, -1, 9999) == -CAIRN_EAGAIN);
}

static void
only_ancestors_and_services_may_signal(void)
{
    struct proc_entry *sh, *a, *aa, *other;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    a = proc_table_add(&t, sh->pid, 0, "a", 101);
    aa = proc_table_add(&t, a->pid, 0, "aa", 102);
    other = proc_table_add(&t, 0, 0, "other", 103);
    CHECK(proc_table_may_signal(&t, sh->pid, aa));
    CHECK(proc_table_may_signal(&t, aa->pid, aa));
    CHECK(!proc_table_may_signal(&t, aa->pid, a));
    CHECK(!proc_table_may_signal(&t, other->pid, a));
    CHECK(!proc_table_may_signal(&t, sh->pid, other));
    CHECK(proc_table_may_signal(&t, 0, other));
}

static void
setpgid_follows_posix_rules(void)
{
    struct proc_entry *sh, *a, *other;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    a = proc_table_add(&t, sh->pid, 0, "a", 101);
    other = proc_table_add(&t, 0, 0, "other", 102);
    CHECK(proc_table_setpgid(&t, sh->pid, a->pid, 0) == 0 && a->pgid == a->pid);
    CHECK(proc_table_setpgid(&t, a->pid, 0, sh->pgid) == 0 && a->pgid == sh->pgid);
    CHECK(proc_table_setpgid(&t, a->pid, sh->pid, 0) == -CAIRN_EPERM);
    CHECK(proc_table_setpgid(&t, sh->pid, other->pid, 0) == -CAIRN_EPERM);
    CHECK(proc_table_setpgid(&t, sh->pid, 999, 0) == -CAIRN_ESRCH);
    CHECK(proc_table_setpgid(&t, sh->pid, a->pid, 12345) == -CAIRN_EPERM);
    CHECK(proc_table_setpgid(&t, sh->pid, a->pid, -4) == -CAIRN_EINVAL);
}

static void
a_full_table_refuses_and_pids_wrap_past_those_in_use(void)
{
    int n = 0;

    proc_table_init(&t);
    while (proc_table_add(&t, 0, 0, "p", 1))
        n++;
    CHECK(n == PROC_MAX);
    /* Free all but pid 1, then go round the pid space: 1 is skipped. */
    for (int pid = 2; pid <= PROC_MAX; pid++)
        proc_table_end(&t, proc_table_find(&t, pid), 0);
    t.next_pid = PROC_PID_LIMIT - 1;
    CHECK(proc_table_add(&t, 0, 0, "q", 2)->pid == PROC_PID_LIMIT - 1);
    CHECK(proc_table_add(&t, 0, 0, "r", 3)->pid == 2);
}

static void
signals_are_caught_ignored_or_end_the_process_as_its_masks_say(void)
{
    struct proc_entry *a;

    proc_table_init(&t);
    a = proc_table_add(&t, 0, 0, "a", 100);
    CHECK(a && a->notify == -1 && a->caught == 0 && a->ignored == 0);
    /* A new process: every signal ends it. */
    CHECK(proc_table_action(a, PROTO_SIGINT) == PROC_ACTION_END);
    CHECK(proc_table_action(a, PROTO_SIGTERM) == PROC_ACTION_END);
    /* Bad masks: signal 0, SIGKILL, a bit in both, a catch with no
     * notification sent now or before. */
    CHECK(proc_table_check_signals(a, 1, 0, 1) == -CAIRN_EINVAL);
    CHECK(proc_table_check_signals(a, 0, 1ull << PROTO_SIGKILL, 1) == -CAIRN_EINVAL);
    CHECK(proc_table_check_signals(a, 1ull << PROTO_SIGKILL, 0, 1) == -CAIRN_EINVAL);
    CHECK(proc_table_check_signals(a, 1ull << 2, 1ull << 2, 1) == -CAIRN_EINVAL);
    CHECK(proc_table_check_signals(a, 1ull << 2, 0, 0) == -CAIRN_EINVAL);
    CHECK(proc_table_check_signals(a, 0, 1ull << 2, 0) == 0); /* ignoring needs none */
    CHECK(proc_table_check_signals(a, 1ull << 2, 0, 1) == 0);
    a->notify = 7;
    CHECK(proc_table_check_signals(a, 1ull << 15, 0, 0) == 0); /* the one it has */
    a->caught = 1ull << PROTO_SIGINT;
    a->ignored = 1ull << 1 | 1ull << 63;
    CHECK(proc_table_action(a, PROTO_SIGINT) == PROC_ACTION_CATCH);
    CHECK(proc_table_action(a, 1) == PROC_ACTION_IGNORE);
    CHECK(proc_table_action(a, 63) == PROC_ACTION_IGNORE);
    CHECK(proc_table_action(a, PROTO_SIGTERM) == PROC_ACTION_END);
    CHECK(proc_table_action(a, PROTO_SIGKILL) == PROC_ACTION_END);
    CHECK(proc_table_action(a, 0) == PROC_ACTION_END);
    CHECK(proc_table_action(a, 64) == PROC_ACTION_END);
    /* Even a mask that says so (the table never stores one) cannot
     * catch SIGKILL. */
    a->caught |= 1ull << PROTO_SIGKILL;
    CHECK(proc_table_action(a, PROTO_SIGKILL) == PROC_ACTION_END);
    /* A freed entry holds no notification. */
    proc_table_end(&t, a, 0);
    CHECK(a->state == PROC_FREE && a->notify == -1);
}

/* A sandboxed process lists only its sandbox: its first process and
 * that one's descendants; everyone else lists everything. */
static void
a_sandbox_sees_only_its_own_processes(void)
{
    struct proc_entry *sh, *other, *box, *in1, *in2, *inner, *out;

    proc_table_init(&t);
    sh = proc_table_add(&t, 0, 0, "sh", 100);
    other = proc_table_add(&t, sh->pid, 0, "other", 101);
    box = proc_table_add(&t, sh->pid, 0, "box", 102);
    box->ns = 7;
    in1 = proc_table_add(&t, box->pid, 0, "in1", 103);
    in1->ns = 7;
    in2 = proc_table_add(&t, in1->pid, 0, "in2", 104);
    in2->ns = 7;
    inner = proc_table_add(&t, in1->pid, 0, "inner", 105); /* a narrower sandbox inside */
    inner->ns = 8;
    out = proc_table_add(&t, 0, 0, "service's", 106);
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc_entry *e = &t.e[i];

        if (e->state == PROC_FREE)
            continue;
        /* The shell, a service and an unsandboxed process see all. */
        CHECK(proc_table_visible(&t, sh->pid, e) && proc_table_visible(&t, 0, e) &&
              proc_table_visible(&t, other->pid, e) && proc_table_visible(&t, out->pid, e));
        /* Inside, from any of its processes: the sandbox and no more. */
        int inside = e == box || e == in1 || e == in2 || e == inner;
        CHECK(proc_table_visible(&t, box->pid, e) == inside);
        CHECK(proc_table_visible(&t, in2->pid, e) == inside);
        CHECK(proc_table_visible(&t, inner->pid, e) == inside);
    }
    /* Its first process ended: the rest of the sandbox has lost its
     * parent's link, and each orphan sees its own subtree. */
    proc_table_end(&t, box, 0);
    CHECK(!proc_table_visible(&t, in2->pid, sh) && !proc_table_visible(&t, in1->pid, other));
    CHECK(proc_table_visible(&t, in1->pid, in2));
}

int
main(void)
{
    RUN(pids_count_up_and_children_join_their_parents_group);
    RUN(an_ended_child_waits_for_its_parent_and_is_reaped_once);
    RUN(a_parents_end_frees_its_zombies);
    RUN(waiters_are_found_by_parent_and_pid);
    RUN(only_ancestors_and_services_may_signal);
    RUN(setpgid_follows_posix_rules);
    RUN(a_full_table_refuses_and_pids_wrap_past_those_in_use);
    RUN(signals_are_caught_ignored_or_end_the_process_as_its_masks_say);
    RUN(a_sandbox_sees_only_its_own_processes);
    return check_exit();
}
