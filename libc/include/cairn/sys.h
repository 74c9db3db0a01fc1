/* SPDX-License-Identifier: MIT */
/*
 * The Cairn-specific part of libc: one typed wrapper per system call in
 * CAIRN_SYSCALL_TABLE (include/cairn/syscalls.h), named cairn_<name>, and
 * the messages for CAIRN_ERROR_TABLE.
 *
 * The wrappers are declared here from the table, with the row's
 * parameters (a user address, CAIRN_UPTR(type), is a `type *`) and its
 * return kind: long for RESULT, a value >= 0 or a negative CAIRN_E* code;
 * uint64_t for VALUE; _Noreturn void for NORETURN. They return what the
 * kernel returned and keep no errno. libc/sys.c makes the plain ones from
 * the same table; docs/syscalls.md describes each call, and the notes
 * below say in brief what each group does.
 */
#ifndef CAIRN_LIBC_SYS_H
#define CAIRN_LIBC_SYS_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/console.h>
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/fault.h>
#include <cairn/ipc.h>
#include <cairn/quota.h>
#include <cairn/rights.h>
#include <cairn/syscalls.h>
#include <cairn/vm.h>

/* A message for the IPC calls: its words, and NULL or an extension that
 * describes a buffer and handles (<cairn/ipc.h>). */
struct cairn_msg {
    uint64_t w[CAIRN_MSG_WORDS];
    struct cairn_msg_ext *ext;
};

/* The structures of the calls that fill one in (<cairn/debug.h>,
 * <cairn/process.h>). */
struct cairn_debug_stats;
struct cairn_process_info;

#define CAIRN_UPTR(type)        type *
#define CAIRN_LIBC_RET_RESULT   long
#define CAIRN_LIBC_RET_VALUE    uint64_t
#define CAIRN_LIBC_RET_NORETURN _Noreturn void
#define CAIRN_LIBC_DECLARE(number, name, ret, abi, nargs, ...) \
    CAIRN_LIBC_RET_##ret cairn_##name(CAIRN_SYSCALL_PARAMS(nargs, __VA_ARGS__));
CAIRN_SYSCALL_TABLE(CAIRN_LIBC_DECLARE)
#undef CAIRN_LIBC_DECLARE

/*
 * The calls in brief, by group (docs/syscalls.md has each in full):
 *
 * debug_write writes len bytes at buf to the kernel console, verbatim:
 * len, 0 for len 0, -CAIRN_EINVAL if len > CAIRN_DEBUG_WRITE_MAX,
 * -CAIRN_EFAULT if any byte is not readable user memory (a stopgap until
 * the console server). debug_stats: kernel counters for leak tests
 * (<cairn/debug.h>).
 *
 * process_exit ends the calling process with status; thread_yield gives
 * up the CPU to another ready thread, if any; thread_sleep blocks for at
 * least ns nanoseconds; clock_get is the monotonic clock, nanoseconds
 * since boot, never decreasing.
 *
 * Handles (<cairn/rights.h>): handle_dup makes a new handle with the same
 * or fewer rights, handle_close releases one, handle_info describes one.
 * handle_mint makes a new handle to an endpoint with rights (a subset) and
 * a badge the receiver sees for every message sent through it (the
 * source must have DUPLICATE and no badge). Lending: handle_borrow makes
 * a new handle with rights (a subset) plus CAIRN_RIGHT_REVOKE; handles
 * derived from it (dup, transfer, in any process) share its fate.
 * handle_revoke(borrowed) invalidates it and all of them: every call on
 * them but close then fails with -CAIRN_EREVOKED.
 *
 * Memory objects and mappings (<cairn/vm.h>): memobj_create (flags 0, or
 * CAIRN_MEMOBJ_ON_TOUCH to be charged page by page); vm_map returns the
 * address mapped; vm_unmap, vm_protect.
 *
 * Processes: process_spawn starts one from an ELF image in a memory
 * object (size 0: the whole object) with arg in its rdi; process_wait
 * waits for one to end (timeout in ns). Building one from user space:
 * process_create makes an empty process (no memory, no handles, no
 * thread); vm_map_into and vm_unmap_into change its address space as
 * vm_map and vm_unmap do the caller's (prot_flags:
 * CAIRN_VM_PROT_FLAGS(prot, flags)); handle_install copies one of the
 * caller's handles into it (with rights, a subset, or CAIRN_RIGHTS_SAME)
 * and returns the handle's value there; process_kill ends it (status
 * CAIRN_STATUS_KILLED, <cairn/process.h>). For ps and top: process_info
 * (READ) fills in its state, CPU time, quota use, threads, highest
 * priority and name; process_set_name (MANAGE) gives it a name of len
 * printable ASCII bytes (1 to CAIRN_PROCESS_NAME_MAX - 1).
 *
 * Threads: thread_create makes one in a process (not yet running) that
 * enters user mode at entry with stack pointer stack and arg in rdi, at a
 * priority up to its process's highest; thread_start starts it;
 * thread_exit ends the calling thread (the process ends with the last
 * one); thread_wait waits for one to end (timeout in ns, 0: just look).
 * thread_set_cpu pins a thread that has not started to one CPU (cpu -1:
 * any; MANAGE; -CAIRN_EBUSY once started). thread_set_tls sets the
 * calling thread's FS base, its thread pointer (<cairn/tls.h>): a
 * user-half address or 0, -CAIRN_EINVAL for any other.
 *
 * Priorities (<cairn/process.h>): thread_set_prio (MANAGE on the thread)
 * sets a thread's priority, refused with -CAIRN_EPERM above its process's
 * highest; process_max_prio (MANAGE on the process) sets that highest, at
 * most the caller's own process's, lowering threads above it.
 *
 * Notifications: a word of bits. notify_wait blocks until a bit is set
 * (timeout_ns 0: poll; CAIRN_WAIT_FOREVER: no limit) and takes all set
 * bits into *bits (0 when it fails), or, if it waited, the bits of the
 * signal that woke it: a signal hands its bits to the oldest waiter.
 *
 * Synchronous IPC (docs/ipc.md). A message is CAIRN_MSG_WORDS words and,
 * when ext is not NULL, a buffer and handles (struct cairn_msg_ext in
 * <cairn/ipc.h>). ipc_call sends msg and waits for the reply, which
 * replaces msg's words; ipc_call_timed limits the whole call (waiting for
 * a receiver and for the reply: -CAIRN_ETIMEDOUT when it passes; 0: only
 * if a receiver is waiting already); ipc_recv waits for a message and
 * gives its sender's badge; ipc_reply answers the last message received;
 * ipc_reply_recv does both. They return 0, CAIRN_MSG_TRUNCATED (received,
 * but bytes or handles did not fit), or a negative CAIRN_E* code.
 *
 * Waiting on several sources, exit notices and deferred replies
 * (docs/ipc.md). notify_bind binds a notification (WAIT) to the calling
 * thread: from then on its ipc_recv and ipc_reply_recv also return when
 * the notification has bits, with CAIRN_IPC_NOTIFIED, no words and the
 * bits as the badge. One per thread, one thread per notification;
 * notify_unbind undoes it, and the thread's end does too. process_watch
 * (WAIT on the process, SIGNAL on the notification) ORs bits into the
 * notification when the process ends (at once if it has ended); bits 0
 * withdraws the watch. thread_watch is the same for a thread (WAIT on the
 * thread). ipc_reply_save takes the caller of the last message received
 * out of the thread as a reply handle (SIGNAL, TRANSFER), so the thread
 * can receive again; ipc_reply_to answers through it, once. A reply
 * handle closed unanswered makes the caller's ipc_call fail with
 * -CAIRN_ECLOSED.
 *
 * Quotas: quota_create splits bytes off a quota (MANAGE) into a new one;
 * quota_info reads one; process_set_quota makes a process charge its
 * future allocations to a quota (MANAGE on both).
 *
 * Device access (<cairn/device.h>, docs/ipc.md "Interrupts and device
 * access"): resource_create carves a sub-range out of a resource;
 * irq_create makes an irq object for a line, irq_bind binds it to
 * notification bits (notification -1: unbind), irq_ack acknowledges it,
 * irq_msi gives the message an MSI irq object's device must send;
 * ioport_enable grants an ioport object's ports to a process (-1: the
 * caller) or takes them back; memobj_create_dev and memobj_create_dma
 * make device memory and contiguous DMA memory, memobj_phys gives a
 * page's physical address.
 *
 * Futexes (docs/syscalls.md): futex_wait blocks while *addr (4-byte
 * aligned, in readable memory) holds expected, until a futex_wake on the
 * same word, in this or any process that maps the same memory object
 * (timeout_ns 0: just compare; CAIRN_WAIT_FOREVER: no limit); it returns
 * 0, -CAIRN_EAGAIN (the word held something else), -CAIRN_ETIMEDOUT, ...
 * futex_wake wakes up to count waiters (CAIRN_FUTEX_WAKE_ALL: every one)
 * and returns how many it woke. <pthread.h> has locks built on them.
 *
 * The kernel log and the console (<cairn/console.h>): klog_read reads
 * records from seq on into buf (the bytes stored); console_claim claims a
 * device (a claim handle; close it to give the device back).
 *
 * Faults to a supervisor (<cairn/fault.h>): fault_set_handler makes
 * endpoint (SIGNAL; CAIRN_HANDLE_INVALID: none) the exception endpoint of
 * a process or thread (MANAGE).
 */

/*
 * A new thread of the calling process (whose handle, with MANAGE, is self)
 * that runs fn(arg) on the stack that ends at stack_top (16-byte aligned)
 * and exits with fn's return value. The top cairn_tls_size() bytes of the
 * stack hold its thread-local storage (<cairn/tls.h>), set up here.
 * Not started: cairn_thread_start. libc/thread.c.
 * Returns the thread handle or a negative CAIRN_E* code.
 */
long cairn_thread_create_fn(long self, long (*fn)(void *), void *arg, void *stack_top,
                            uint32_t priority);

/*
 * The message for a CAIRN_E* code, e.g. "bad address"; err may be given
 * negated, as the syscalls return it. Unknown codes give "unknown error".
 */
const char *cairn_strerror(int err);

/* The code's name, e.g. "CAIRN_EFAULT" (also for negated codes), or "?". */
const char *cairn_error_name(int err);

#endif
