/* SPDX-License-Identifier: MIT */
/*
 * Exit notices: a watch asks that the end of a process or a thread set
 * bits in a notification (process_watch, thread_watch; docs/ipc.md "Exit
 * notices"), so that a supervisor learns of many ends through one
 * notification, with no thread per child.
 *
 * What can be watched embeds a struct watch_target. A watch is a small
 * record on two lists, the target's and the notification's, and holds a
 * reference to neither: it goes when the target ends (after setting the
 * bits) or when the notification is destroyed, whichever comes first, so
 * a watch keeps nothing alive and makes no cycle. Each is charged to the
 * quota of the process that made it; a target has at most WATCH_MAX.
 *
 * Lock legend: [W] watch_lock (obj/watch.c), one lock for every watch:
 * watches are made and fired rarely, and the end of a target that was
 * never watched takes no lock at all ([a]: see watch_fire). Lock order:
 * a process's lock -> watch_lock -> a notification's wait-queue lock -> a
 * run queue's lock.
 */
#ifndef CAIRN_OBJ_WATCH_H
#define CAIRN_OBJ_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"

struct notification;

#define WATCH_MAX 64 /* watches on one target */

/* Embedded in what can be watched. All zeros is a valid empty target
 * (a thread's is never initialised otherwise). */
struct watch_target {
    struct list_node watches; /* [W] struct watch, once used */
    unsigned count;           /* [W] on watches */
    bool used;                /* [W][a] a watch was ever added: its end takes watch_lock */
    bool fired;               /* [W][a] it has ended: a new watch fires at once */
};

/*
 * Watch t: its end ORs bits into n. Watching t through n again adds the
 * bits to the same watch; bits 0 removes the watch (-CAIRN_ENOENT if there
 * is none). A target that has ended already signals n at once. Returns 0,
 * -CAIRN_ENOMEM (no memory, the caller's quota is spent, or t has
 * WATCH_MAX watches).
 */
int watch_add(struct watch_target *t, struct notification *n, uint64_t bits);

/* t has ended: fire and free its watches; later ones fire at once. Any
 * number of times; never blocks. may_free false (a caller holding a
 * process's lock): the records are freed later, by the reaper. */
void watch_fire(struct watch_target *t, bool may_free);

/* n is being destroyed: free the watches that would signal it. */
void watch_notification_gone(struct notification *n);

#endif
