/* SPDX-License-Identifier: MIT */
/*
 * Exit notices: a watch asks that a process's end set bits in a
 * notification (process_watch, docs/ipc.md "Exit notices"), so that a
 * supervisor learns of many ends through one notification, with no thread
 * per child.
 *
 * A watch is a small record on two lists, the watched process's and the
 * notification's, and holds a reference to neither: it goes when the
 * process ends (after setting the bits) or when the notification is
 * destroyed, whichever comes first, so a watch keeps nothing alive and
 * makes no cycle. Each is charged to the quota of the process that made
 * it; a process has at most WATCH_MAX watches on it.
 *
 * Lock legend: [W] watch_lock (obj/watch.c), one lock for every watch:
 * watches are made and fired rarely. Lock order: watch_lock -> a
 * notification's wait-queue lock -> a run queue's lock.
 */
#ifndef CAIRN_OBJ_WATCH_H
#define CAIRN_OBJ_WATCH_H

#include <stdint.h>

struct process;
struct notification;

#define WATCH_MAX 64 /* watches on one process */

/*
 * Watch p: its end ORs bits into n. Watching p through n again adds the
 * bits to the same watch; bits 0 removes the watch (-CAIRN_ENOENT if there
 * is none). A process that has ended already signals n at once. Returns 0,
 * -CAIRN_ENOMEM (no memory, the caller's quota is spent, or p has
 * WATCH_MAX watches).
 */
int watch_process(struct process *p, struct notification *n, uint64_t bits);

/* p has ended: fire and free its watches; later watches fire at once. */
void watch_process_ended(struct process *p);

/* n is being destroyed: free the watches that would signal it. */
void watch_notification_gone(struct notification *n);

#endif
