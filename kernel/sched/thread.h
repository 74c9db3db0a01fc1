/* SPDX-License-Identifier: MIT */
/*
 * Threads: a kernel stack (16 KiB above an unmapped guard page,
 * mm/kstack.h), a saved context, a priority and a state. Kernel
 * threads run kernel functions; user threads (process != NULL) also own an
 * FPU/SSE save area and enter user mode from their kernel stack.
 *
 * States:  NEW -> READY <-> RUNNING -> DEAD
 *                  ^          |
 *                  +- BLOCKED/SLEEPING
 *
 * A thread is a kernel object (type CAIRN_OBJ_THREAD), so handles can name
 * it; its object reference count is the thread's. References: the creator's
 * (thread_create returns one), one per handle, and one that a started
 * thread holds on itself until it is dead and off every CPU (sched_start
 * takes it, thread_reap drops it). The last one frees the thread.
 *
 * Exit: a thread that ends records its status and sets `exited` under
 * exit_wq's lock, waking every thread_wait caller, before it dies.
 *
 * Stopping: `stop` asks a user thread to end (its process is ending). Once
 * it is set, blocking and sleeping end at once (waits return -CAIRN_EINTR)
 * and the thread exits on its next way out to user mode.
 *
 * Lock legend: [I] immutable after creation, [r] the lock of the run queue
 * of the CPU in `cpu`, [a] atomic, [p] the lock of the thread's process,
 * [w] exit_wq's lock, [o] only the thread itself (and the context switch
 * on its behalf).
 */
#ifndef CAIRN_SCHED_THREAD_H
#define CAIRN_SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "obj/fault.h"
#include "obj/ipc_msg.h"
#include "obj/notification.h"
#include "obj/object.h"
#include "obj/watch.h"
#include "sched/futex.h"
#include "sched/waitq.h"

#define THREAD_PRIORITIES      32 /* 0 lowest .. 31 highest */
#define THREAD_PRIORITY_NORMAL 16
#define THREAD_NAME_MAX        16

enum thread_state {
    THREAD_NEW,
    THREAD_READY,
    THREAD_RUNNING,
    THREAD_BLOCKED,
    THREAD_SLEEPING,
    THREAD_DEAD,
};

struct process;
struct endpoint;
struct notification;

enum ipc_state {
    IPC_IDLE,        /* in no IPC wait */
    IPC_SENDING,     /* in call, queued on ipc.ep for a receiver */
    IPC_RECEIVING,   /* in recv, queued on ipc.ep for a sender */
    IPC_AWAIT_REPLY, /* in call, the message taken, waiting for the reply */
};

/* How a thread blocked with a continuation (the IPC fast path, notify_wait;
 * sched/cont.h) resumes: its syscall frame is all it has on its kernel
 * stack, and the result goes there. */
enum ipc_cont {
    IPC_CONT_NONE,        /* not blocked on the fast path (or resumed since) */
    IPC_CONT_CALL,        /* in ipc_call: the reply's words go to its registers */
    IPC_CONT_RECV,        /* in ipc_reply_recv: the message's words and badge */
    IPC_CONT_NOTIFY,      /* in notify_wait: the bits (thread.notify) go to rsi */
    IPC_CONT_NOTIFY_DONE, /* ... ended by a signal that stored the result too */
};

/*
 * A thread's IPC state. [e]: the lock of the endpoint in `ep` while state
 * is not IDLE; [o]: only the thread itself touches it.
 */
struct thread_ipc {
    enum ipc_state state;  /* [e] */
    struct endpoint *ep;   /* [e] the endpoint of the wait in progress */
    struct list_node link; /* [e] on ep's senders or receivers */
    int status;            /* [e] why the wait ended: 0 or -CAIRN_E* */
    uint32_t seq;          /* [e] numbers this thread's calls */
    struct ipc_msg msg;    /* [e] the message to send, or the one delivered */
    uint64_t recv_buf;     /* [o] where bytes sent to this thread go, in its space; */
    uint32_t
        recv_cap; /* [o] and the room there (0: none); set before each wait, read by its partner */
    uint32_t arrival;           /* [e] its place in ep's queue (ep->arrivals) */
    struct thread *caller;      /* [o] whom a reply goes to (a reference), or NULL */
    struct endpoint *caller_ep; /* [o] the endpoint it called through (a reference) */
    uint32_t caller_seq;        /* [o] the call's seq, so a late reply finds no other call */
    struct notification *bound; /* [o] bound to this thread (a reference), or NULL */
    bool kernel_buf;            /* [o] in a fault call: msg.src and recv_buf are kernel addresses */
    /* A wait begun on the fast path (sys/ipc_fastpath.c) or in notify_wait
     * (sys/sys_notify.c) leaves no C frames: the thread resumes through its
     * continuation, as below, and holds cont_ep (IPC) or notify.n (a
     * reference) until then. [e] or [n] while it waits. */
    enum ipc_cont cont;
    struct endpoint *cont_ep;
};

struct thread {
    struct object obj;             /* type CAIRN_OBJ_THREAD; its refcount is the thread's */
    uint64_t saved_rsp;            /* [r] valid while not running */
    uint64_t kstack_top;           /* [I] in the kernel stack area, above a guard page */
    uint64_t kstack_phys;          /* [I] its frames (mm/kstack.h); 0 once reaped */
    struct list_node rq_link;      /* [r] run queue or sleeper list */
    enum thread_state state;       /* [r] */
    bool on_cpu;                   /* [a] its registers are live on some CPU */
    unsigned priority;             /* [r] once started ([p] before): sched_set_priority */
    unsigned cpu;                  /* [r] the CPU whose run queue owns it */
    int pin;                       /* [r] the one CPU it may run on, or -1: any */
    unsigned slice_left;           /* [r] ticks before preemption */
    uint64_t wake_at;              /* [r] monotonic ns, while on the timer list */
    bool on_timer;                 /* [r] on its run queue's timer list (sleepers) */
    bool timed_out;                /* [r] the last sched_block_until ended by its deadline */
    struct process *process;       /* [I] NULL for kernel threads */
    void *fpu_area;                /* [I] user threads: FPU area (kmalloc), holding fpu_image */
    void *fpu_image;               /* [I] its save image, aligned: what the switch uses */
    uint64_t user_entry;           /* [I] user threads: where they enter ring 3 */
    uint64_t user_stack;           /* [I] ... with this stack pointer */
    uint64_t user_arg;             /* [I] ... and this in rdi */
    int64_t exit_status;           /* [w] valid once exited */
    bool exited;                   /* [w] it has ended (or will never run): exit_status is final */
    struct waitq exit_wq;          /* thread_wait callers, woken when it exits */
    struct watch_target watches;   /* user threads: exit notices (obj/watch.h) */
    bool stop;                     /* [a] its process is ending: stop at the next chance */
    bool started;                  /* [p] user threads: thread_start has run */
    struct list_node proc_link;    /* [p] user threads: on process->threads */
    struct thread_ipc ipc;         /* see above */
    uint64_t fs_base;              /* [o] user threads: FS base (TLS), loaded when switched in */
    uint64_t run_cycles;           /* [a] TSC cycles it ran, sampled at timer interrupts */
    struct futex_waiter futex;     /* its futex_wait in progress (sched/futex.h) */
    struct notify_waiter notify;   /* its notification wait in progress (obj/notification.h) */
    struct object_reclaim reclaim; /* objects this thread has yet to destroy (obj/object.h) */
    struct fault_handler fault;    /* user threads: its exception endpoint (obj/fault.h) */
    uint32_t id;                   /* [I] */
    char name[THREAD_NAME_MAX];    /* [I] */
};

/* Create a kernel thread that runs fn(arg) and exits with its return
 * value. It is not started: call sched_start(). Returns it with one
 * reference (the caller's), or NULL when out of memory or priority is
 * not below THREAD_PRIORITIES. */
struct thread *thread_create(const char *name, long (*fn)(void *), void *arg, unsigned priority);
/* Create a thread of process p that enters user mode at entry with stack
 * pointer stack and arg in rdi. It holds a reference to p; it is not on
 * p's thread list yet (process_thread_add). */
struct thread *thread_create_user(const char *name, struct process *p, uint64_t entry,
                                  uint64_t stack, uint64_t arg, unsigned priority);
/* End the calling thread; never returns. User threads end through
 * process_thread_exit (obj/process.h), which keeps their process's books. */
_Noreturn void thread_exit(long status);
static inline void
thread_ref(struct thread *t)
{
    object_ref(&t->obj);
}
static inline void
thread_unref(struct thread *t)
{
    object_unref(&t->obj);
}
/* Free what a dead thread no longer needs once it is off every CPU. */
void thread_reap(struct thread *t);

/* Record t's exit status and wake its waiters (once; later calls do
 * nothing). t is the calling thread, or one that will never run. */
void thread_mark_exited(struct thread *t, int64_t status);

/* Wait until t has exited or the deadline (monotonic ns; 0: do not wait;
 * SCHED_FOREVER) passes. Returns 0 and the status, -CAIRN_ETIMEDOUT, or
 * -CAIRN_EINTR when the calling thread is being stopped. Many threads may
 * wait for one. */
int thread_wait(struct thread *t, uint64_t deadline, int64_t *status);

static inline struct thread *
thread_from(struct object *o)
{
    return (struct thread *)o;
}

/* Threads alive (created and not yet freed), for leak checks. */
unsigned thread_live_count(void);

#endif
