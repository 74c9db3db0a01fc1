/* SPDX-License-Identifier: MIT */
/*
 * Processes: an address space (the user half of a page table; the kernel
 * half is shared by all), a handle table, and the threads that run in it.
 *
 * Life of a process (obj/process_life.c):
 *
 *   created (no thread) --thread started--> running --+--> dying --> ended
 *                                                      |
 *   the last started thread exits, a thread calls process_exit or faults,
 *   or someone kills it (process_end): it becomes dying, with its exit
 *   status fixed; no new thread starts; every thread is asked to stop
 *   (thread.stop) and does so at its next way out to user mode, a blocked
 *   or sleeping one woken first. When its last started thread has been
 *   reaped (is off every CPU), the process is torn down: its handles are
 *   released, its memory returned, and it has ended: process_wait returns.
 *   A process with no started thread that is ended (killed, or its last
 *   reference dropped) is torn down at once.
 *
 * The struct outlives that: it goes when its last reference does (handles,
 * its threads, kernel pointers), and until then keeps the exit status.
 *
 * Lock legend: [I] immutable after creation, [a] atomic, [l] the
 * process's lock, [w] exit_wq's lock, [u] unstarted_lock (obj/process.c).
 * Lock order: process.lock -> waitq.lock (a thread's exit_wq) ->
 * runqueue.lock; process.lock -> watch_lock (obj/watch.h: a thread that
 * never ran ends). Nothing else is taken under process.lock: address-space
 * changes from outside hold a use count instead (process_vspace_get), so
 * no TLB flush ever waits under it.
 */
#ifndef CAIRN_OBJ_PROCESS_H
#define CAIRN_OBJ_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairn/process.h>

#include "common/list.h"
#include "lib/spinlock.h"
#include "mm/usercopy.h" /* copy_from_user, copy_to_user */
#include "mm/vspace.h"
#include "obj/handle.h"
#include "obj/object.h"
#include "obj/quota.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "sched/waitq.h"

#define PROCESS_NAME_MAX    CAIRN_PROCESS_NAME_MAX
/* A table grows by doubling, each growth paid by the process's quota; the
 * largest, 65536 slots of 32 bytes, is one 2 MiB kernel block. */
#define PROCESS_MAX_HANDLES 65536
/* The largest image process_spawn takes (its ABI, docs/syscalls.md); it
 * reads only the headers and the segments' bytes, so nothing is sized by it. */
#define PROCESS_MAX_IMAGE   (4ull << 20)

struct ioport_space;

/* The rights of a creator's handle to a new process or thread (and of
 * init's handles to its own). */
#define PROCESS_CREATOR_RIGHTS                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | \
     CAIRN_RIGHT_TRANSFER)
#define THREAD_CREATOR_RIGHTS PROCESS_CREATOR_RIGHTS

struct process {
    struct object obj;             /* type CAIRN_OBJ_PROCESS; its refcount is the process's */
    struct vspace vs;              /* the user address space; freed when it is torn down */
    struct handle_table handles;   /* the process's capabilities; emptied when torn down */
    struct quota *quota;           /* [l] a reference: what its allocations are charged to */
    struct spinlock lock;          /* guards the [l] fields */
    struct list_node threads;      /* [l] its threads that exist, through thread.proc_link */
    unsigned threads_live;         /* [l] started and not yet exited */
    unsigned threads_unreaped;     /* [l] started and not yet reaped */
    unsigned vs_users;             /* [l] callers from outside inside vs (process_vspace_get) */
    bool dying;                    /* [l] ending: no thread starts; exit_status is final */
    bool torn_down;                /* [l] handles released; vs freed once vs_users is 0 */
    bool ended;                    /* [w] everything released: waits return */
    struct waitq exit_wq;          /* process_wait callers */
    int64_t exit_status;           /* [l] valid once dying */
    struct thread *main_thread;    /* process_spawn_elf's thread (a reference) until started */
    uint32_t pid;                  /* [I] */
    char name[PROCESS_NAME_MAX];   /* [l] also read without it: it always ends in a 0 */
    unsigned max_priority;         /* [l] the highest priority its threads may have */
    uint64_t dead_cycles;          /* [l] run_cycles of its threads that are gone */
    struct ioport_space *io;       /* [a] set once, on the first I/O port grant (obj/ioport.c) */
    unsigned holders;              /* [a] handles (and handles in flight) naming p, anywhere */
    bool end_queued;               /* [a] end_work is queued (obj/process.c) */
    struct sched_work end_work;    /* ends p from the reaper if it never ran (obj/process.c) */
    struct process *creator;       /* [u] who made p, until p first starts a thread; or NULL */
    struct list_node creator_link; /* [u] in creator->unstarted */
    struct list_node unstarted;    /* [u] processes p made that have not started yet */
    struct watch_target watches;   /* exit notices to send when it ends (obj/watch.h) */
    struct fault_handler fault;    /* its threads' exception endpoint (obj/fault.h) */
};

/* --- creation (obj/process.c) --- */

/* An empty process: an empty address space (the kernel half only), an
 * empty handle table, no thread. Returns 0 and the process with one
 * reference (the caller's), or -CAIRN_ENOMEM. */
int process_create(const char *name, struct process **out);

/* Create a process from an ELF image (validated in full first) with a
 * stack, and a thread ready to enter it at its entry point with arg in rdi
 * and rsp at the start block (include/cairn/init.h): argv = { name }, no
 * environment, arg also as CAIRN_AT_START_ARG.
 * Returns 0 and the process (one reference, the caller's), or a negative
 * CAIRN_E* code with nothing left allocated. The thread is not started:
 * process_start(p) starts it. */
int process_spawn_elf(const char *name, const void *image, size_t size, uint64_t arg,
                      struct process **out);

/* Spawn from an ELF image in a memory object (size bytes from its start),
 * for the process_spawn syscall. Same results as process_spawn_elf. Only
 * the file and program headers are copied out (and validated from that
 * copy); segment bytes are read from the object's frames as they are
 * loaded. Device memory is refused (-CAIRN_EINVAL). */
int process_spawn_memobj(const char *name, struct memobj *mo, uint64_t size, uint64_t arg,
                         struct process **out);

/* Start a spawned process's thread (and drop the process's hold on it). */
int process_start(struct process *p);

/* End a spawned process whose thread was never started and drop the
 * caller's reference: everything it holds is released at once. */
void process_discard(struct process *p);

void process_ref(struct process *p);
void process_unref(struct process *p);

/* p's quota with a new reference (the caller drops it with quota_unref),
 * or NULL for a process the kernel pays for. Read under p's lock, so a
 * concurrent process_set_quota cannot free the quota under the caller. */
struct quota *process_quota_get(struct process *p);

/* Charge bytes for o to p's quota (object_charge): 0 or -CAIRN_ENOMEM. */
int process_charge(struct process *p, struct object *o, uint64_t bytes);

/* Make q (whose reference passes to p) the quota p's future allocations
 * are charged to. What p already holds stays charged where it was: its
 * objects, and its page tables and handle table, which keep the quota
 * they were created with, so every uncharge goes back where it came from. */
void process_set_quota(struct process *p, struct quota *q);

/* The calling thread's process, or NULL for a kernel thread. */
static inline struct process *
process_current(void)
{
    struct thread *t = sched_current();

    return t ? t->process : NULL;
}

static inline struct process *
process_from(struct object *o)
{
    return (struct process *)o;
}

/* Processes alive (the struct not yet freed), for leak checks. */
unsigned process_live_count(void);

/* --- life and death (obj/process_life.c) --- */

/* Put t, a new thread of p (thread_create_user), on p's thread list.
 * -CAIRN_ECLOSED if p is dying, -CAIRN_EPERM if t's priority is above
 * p's max_priority. */
int process_thread_add(struct process *p, struct thread *t);
/* Take t off its process's list; from t's destroy. */
void process_thread_remove(struct process *p, struct thread *t);

/* Start user thread t. -CAIRN_EBUSY if it was started before,
 * -CAIRN_ECLOSED if its process is dying. */
int process_thread_start(struct thread *t);

/* End the calling user thread with status; if it was its process's last
 * running thread, the process ends with that status. Never returns. */
_Noreturn void process_thread_exit(int64_t status);

/* A started thread of p has been reaped; from thread_reap. */
void process_thread_reaped(struct process *p);

/*
 * End p with status (kept if it is already dying): nothing new starts in
 * it and every thread is told to stop. Does not wait; process_wait does.
 * Callable from any thread, also one of p's own (which then stops on its
 * way back to user mode). Never blocks.
 */
void process_end(struct process *p, int64_t status);

/* process_end, but only if no thread of p has ever started: decided under
 * p's lock, so it never ends a process that a racing thread_start has
 * just started. Returns whether it ended p (or p had ended already: false). */
bool process_end_unstarted(struct process *p, int64_t status);

/* p has started a thread, or is going: it is no longer its creator's
 * (see process_end_unstarted_children). */
void process_leave_creator(struct process *p);

/* p is being torn down: end, from the reaper, the processes it created
 * that never started a thread (obj/process.c). */
void process_end_unstarted_children(struct process *p);

/* End the calling thread's process with status, and the calling thread
 * with it; never returns. */
_Noreturn void process_exit(int64_t status);

/* The calling thread, told to stop, exits with its process's status. */
_Noreturn void process_stop(void);

/* On the way out to user mode: if the calling thread has been told to
 * stop, it exits here (with its process's status) and does not return.
 * Inline: every system call's return passes here. */
static inline void
process_stop_check(void)
{
    if (__builtin_expect(__atomic_load_n(&sched_current()->stop, __ATOMIC_ACQUIRE), 0))
        process_stop();
}

/* Wait until p has ended, at most timeout_ns (0: just look). Returns 0
 * and the status, -CAIRN_ETIMEDOUT, or -CAIRN_EINTR when the caller is
 * being stopped. Any number of threads may wait. */
int process_wait(struct process *p, uint64_t timeout_ns, int64_t *status);

/* For calls that change another process's address space: enter (false
 * when p has been torn down; nothing may be done to p->vs then) and leave.
 * Teardown leaves the address space to the last caller to leave. */
bool process_vspace_get(struct process *p);
void process_vspace_put(struct process *p);

/* Free p's handles and memory once; from the last reaping or destroy. */
void process_teardown(struct process *p);

/* --- information and priorities (obj/process_info.c) --- */

/* Fill *info (include/cairn/process.h) with p's state, CPU time, quota,
 * live threads, highest priority and name, read at one moment. */
struct cairn_process_info;
void process_get_info(struct process *p, struct cairn_process_info *info);

/* Rename p: len bytes of printable ASCII, 1 to PROCESS_NAME_MAX - 1
 * (the caller checked them). */
void process_set_name(struct process *p, const char *name, size_t len);

/* Give thread t of p priority prio (at most THREAD_PRIORITIES - 1):
 * 0, or -CAIRN_EPERM when prio is above p's max_priority. */
int process_set_thread_priority(struct process *p, struct thread *t, unsigned prio);

/* Make max p's highest priority and lower every thread of p above it to
 * it. The caller checked max against its own bound. */
void process_set_max_priority(struct process *p, unsigned max);

#endif
