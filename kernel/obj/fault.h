/* SPDX-License-Identifier: MIT */
/*
 * Faults to a supervisor (docs/ipc.md, "Faults"; the ABI in
 * include/cairn/fault.h). A process, and each of its threads, may name an
 * exception endpoint; a user thread's fault (an exception that would end
 * its process) is then sent there as a call, and the thread waits, like
 * an ipc_call, until the handler answers: resume (with registers it may
 * change), end the thread, or end the process. When the call fails (the
 * endpoint closed, the reply dropped, the handler gone) or the answer is
 * bad, the fault ends the process as it would with no handler.
 *
 * Lock legend: [f] fault_lock (obj/fault.c), which guards every struct
 * fault_handler; it is a leaf lock, and nothing is freed under it.
 */
#ifndef CAIRN_OBJ_FAULT_H
#define CAIRN_OBJ_FAULT_H

#include <stdbool.h>
#include <stdint.h>

struct endpoint;
struct trap_frame;

struct fault_handler {
    struct endpoint *ep; /* [f] a reference, or NULL: no handler here */
    uint64_t badge;      /* [f] the badge of the handle it was set through */
};

/* Make ep (whose reference passes here; NULL: none) with badge the
 * handler in fh, dropping the one it replaces. */
void fault_handler_set(struct fault_handler *fh, struct endpoint *ep, uint64_t badge);

/* Drop fh's handler: a thread's or process's end. */
static inline void
fault_handler_clear(struct fault_handler *fh)
{
    fault_handler_set(fh, 0, 0);
}

/*
 * The trap path's step for a user exception of the calling thread (tf its
 * frame, addr the fault address), once the caller has seen that a handler
 * may be set (the thread's or its process's fault.ep not NULL). Sends the
 * fault and blocks until the answer; interrupts are on meanwhile and off
 * again on return. Returns true when the thread resumes (tf holds the
 * registers to return with), false when the fault must end the process as
 * without a handler. Does not return when the handler ends the thread or
 * the process, or when the process is being killed meanwhile.
 */
bool fault_deliver(struct trap_frame *tf, uint64_t addr);

#endif
