/* SPDX-License-Identifier: MIT */
/*
 * Processes: an address space (the user half of a page table; the kernel
 * half is shared by all) and the threads that run in it.
 *
 * This version holds one thread. Its memory is memory objects mapped into
 * its vspace (the ELF segments and the stack too), and it has a handle
 * table; process and thread creation from user space come with the
 * capability work. A process ends when its thread calls process_exit or
 * faults; its handles, mappings and page tables go when the last reference
 * does.
 *
 * Lock legend: [I] immutable after creation, [a] atomic.
 */
#ifndef CAIRN_OBJ_PROCESS_H
#define CAIRN_OBJ_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/usercopy.h" /* copy_from_user, copy_to_user */
#include "mm/vspace.h"
#include "obj/handle.h"
#include "obj/object.h"
#include "obj/quota.h"
#include "sched/thread.h"

#define PROCESS_NAME_MAX    16
#define PROCESS_MAX_HANDLES 1024
#define PROCESS_MAX_IMAGE   (16ull << 20) /* process_spawn takes ELF images up to 16 MiB */

struct ioport_space;

struct process {
    struct object obj;           /* type CAIRN_OBJ_PROCESS; its refcount is the process's */
    struct vspace vs;            /* the user address space */
    struct handle_table handles; /* the process's capabilities */
    struct quota *quota;         /* [I] a reference: what its allocations are charged to */
    struct thread *main_thread;  /* [I] not a reference: valid until it is started */
    struct thread *waiter;       /* [a] a thread in process_wait, woken at exit */
    uint32_t pid;                /* [I] */
    int64_t exit_status;         /* [a] valid once exited */
    bool exited;                 /* [a] */
    char name[PROCESS_NAME_MAX]; /* [I] */
    struct ioport_space *io;     /* [a] set once, on the first I/O port grant (obj/ioport.c) */
};

/* Create a process from an ELF image (validated in full first) with a
 * stack, and a thread ready to enter it at its entry point with arg in rdi.
 * Returns 0 and the process (one reference, the caller's), or a negative
 * CAIRN_E* code with nothing left allocated. The thread is not started:
 * sched_start(p->main_thread). */
int process_spawn_elf(const char *name, const void *image, size_t size, uint64_t arg,
                      struct process **out);

/* Free a spawned process whose thread was never started, dropping the
 * caller's reference. */
void process_discard(struct process *p);

void process_ref(struct process *p);
void process_unref(struct process *p);

/* Wait until p has exited, sleeping in 1 ms steps (wait queues come with
 * IPC), at most timeout_ns. Returns 0 and the status, or -CAIRN_EBUSY. */
int process_wait(struct process *p, uint64_t timeout_ns, int64_t *status);

/* End the calling thread's process with status; never returns. */
_Noreturn void process_exit(int64_t status);

/* The calling thread's process, or NULL for a kernel thread. */
struct process *process_current(void);

/* Spawn from an ELF image in a memory object (size bytes from its start),
 * for the process_spawn syscall. Same results as process_spawn_elf. */
int process_spawn_memobj(const char *name, struct memobj *mo, uint64_t size, uint64_t arg,
                         struct process **out);

static inline struct process *
process_from(struct object *o)
{
    return (struct process *)o;
}

/* Processes alive, for leak checks. */
unsigned process_live_count(void);

#endif
