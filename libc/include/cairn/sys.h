/* SPDX-License-Identifier: MIT */
/*
 * The Cairn-specific part of libc: one typed wrapper per system call in
 * CAIRN_SYSCALL_TABLE (include/cairn/syscalls.h), named cairn_<name>, and
 * the messages for CAIRN_ERROR_TABLE.
 *
 * Wrappers return what the kernel returned: a result >= 0 or a negative
 * CAIRN_E* code; they keep no errno. docs/syscalls.md describes each call.
 * libc/sys.c checks at compile time that every syscall in the table has a
 * wrapper here, taking the table's number of arguments.
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

/*
 * Writes len bytes at buf to the kernel console, verbatim. Returns len, 0
 * for len 0, -CAIRN_EINVAL if len > CAIRN_DEBUG_WRITE_MAX, -CAIRN_EFAULT if
 * any byte is not readable user memory. A stopgap until the console server.
 */
long cairn_debug_write(const void *buf, size_t len);

/* Ends the calling process with status; never returns. */
_Noreturn void cairn_process_exit(int64_t status);

/* Gives up the CPU to another ready thread, if any. Returns 0. */
long cairn_thread_yield(void);

/* Blocks for at least ns nanoseconds of the monotonic clock. Returns 0. */
long cairn_thread_sleep(uint64_t ns);

/* The monotonic clock: nanoseconds since boot, never decreasing. */
uint64_t cairn_clock_get(void);

/* Handles (include/cairn/rights.h): a new handle with the same or fewer
 * rights; release one; describe one. */
long cairn_handle_dup(long handle, uint32_t rights);
long cairn_handle_close(long handle);
long cairn_handle_info(long handle, struct cairn_handle_info *info);

/* Memory objects and mappings (include/cairn/vm.h). vm_map returns the
 * address mapped (a negative error on failure). */
/* flags: 0, or CAIRN_MEMOBJ_ON_TOUCH to be charged page by page (<cairn/vm.h>). */
long cairn_memobj_create(uint64_t size, uint32_t flags);
long cairn_vm_map(long memobj, uint64_t offset, uint64_t size, uint64_t addr, uint32_t prot,
                  uint32_t flags);
long cairn_vm_unmap(uint64_t addr, uint64_t size);
long cairn_vm_protect(uint64_t addr, uint64_t size, uint32_t prot);

/* Processes: start one from an ELF image in a memory object (size 0: the
 * whole object) with arg in its rdi; wait for one to end (timeout in ns). */
long cairn_process_spawn(long memobj, uint64_t size, uint64_t arg);
long cairn_process_wait(long process, uint64_t timeout_ns, int64_t *status);

/*
 * Building processes from user space (docs/syscalls.md). process_create
 * makes an empty process (no memory, no handles, no thread); vm_map_into
 * and vm_unmap_into change its address space as vm_map and vm_unmap do
 * the caller's (prot_flags: CAIRN_VM_PROT_FLAGS(prot, flags));
 * handle_install copies one of the caller's handles into it (with
 * rights, a subset, or CAIRN_RIGHTS_SAME) and returns the handle's value
 * there; process_kill ends it (status CAIRN_STATUS_KILLED, <cairn/process.h>).
 */
long cairn_process_create(void);
long cairn_vm_map_into(long process, long memobj, uint64_t offset, uint64_t size, uint64_t addr,
                       uint64_t prot_flags);
long cairn_vm_unmap_into(long process, uint64_t addr, uint64_t size);
long cairn_process_kill(long process);
long cairn_handle_install(long process, long handle, uint32_t rights);

/*
 * Threads: create one in a process (not yet running) that enters user mode
 * at entry with stack pointer stack and arg in rdi, at a priority up to
 * its process's highest (cairn_process_max_prio); start it; end the
 * calling thread (the process ends with the last one); wait for one to
 * end (timeout in ns, 0: just look).
 * cairn_thread_create_fn (libc/thread.c) runs a C function in a new thread
 * of the calling process instead.
 */
long cairn_thread_create(long process, uint64_t entry, uint64_t stack, uint64_t arg,
                         uint32_t priority);
long cairn_thread_start(long thread);
_Noreturn void cairn_thread_exit(int64_t status);
long cairn_thread_wait(long thread, uint64_t timeout_ns, int64_t *status);

/* Pin a thread that has not started to one CPU (cpu -1: any): it starts
 * there and never runs elsewhere. MANAGE; -CAIRN_EBUSY once started. */
long cairn_thread_set_cpu(long thread, long cpu);

/*
 * A new thread of the calling process (whose handle, with MANAGE, is self)
 * that runs fn(arg) on the stack that ends at stack_top (16-byte aligned)
 * and exits with fn's return value. The top cairn_tls_size() bytes of the
 * stack hold its thread-local storage (<cairn/tls.h>), set up here.
 * Not started: cairn_thread_start.
 * Returns the thread handle or a negative CAIRN_E* code.
 */
long cairn_thread_create_fn(long self, long (*fn)(void *), void *arg, void *stack_top,
                            uint32_t priority);

/* Diagnostics (<cairn/debug.h>): kernel counters for leak tests. */
struct cairn_debug_stats;
long cairn_debug_stats(struct cairn_debug_stats *stats);

/* Notifications: a word of bits. wait blocks until a bit is set (timeout_ns
 * 0: poll; CAIRN_WAIT_FOREVER: no limit) and takes all set bits into *bits. */
long cairn_notify_create(void);
long cairn_notify_signal(long notification, uint64_t bits);
long cairn_notify_wait(long notification, uint64_t timeout_ns, uint64_t *bits);

/*
 * Synchronous IPC (docs/ipc.md). A message is CAIRN_MSG_WORDS words and,
 * when ext is not NULL, a buffer and handles (struct cairn_msg_ext in
 * <cairn/ipc.h>). call sends msg and waits for the reply, which replaces
 * msg's words; recv waits for a message and gives its sender's badge;
 * reply answers the last message received; reply_recv does both. They
 * return 0, CAIRN_MSG_TRUNCATED (received, but bytes or handles did not
 * fit), or a negative CAIRN_E* code.
 */
struct cairn_msg {
    uint64_t w[CAIRN_MSG_WORDS];
    struct cairn_msg_ext *ext;
};

long cairn_endpoint_create(void);
long cairn_ipc_call(long endpoint, struct cairn_msg *msg);
/* ipc_call with a limit on the whole call (waiting for a receiver and for
 * the reply): -CAIRN_ETIMEDOUT when it passes. 0: only if a receiver is
 * waiting already, and then as ipc_call. */
long cairn_ipc_call_timed(long endpoint, struct cairn_msg *msg, uint64_t timeout_ns);
long cairn_ipc_recv(long endpoint, struct cairn_msg *msg, uint64_t timeout_ns, uint64_t *badge);
long cairn_ipc_reply(struct cairn_msg *msg);
long cairn_ipc_reply_recv(long endpoint, struct cairn_msg *msg, uint64_t *badge);

/* A new handle to an endpoint, with rights (a subset) and a badge that the
 * receiver sees for every message sent through it. The source handle must
 * have DUPLICATE and no badge. */
long cairn_handle_mint(long endpoint, uint32_t rights, uint64_t badge);

/* Lending: borrow makes a new handle with rights (a subset) plus
 * CAIRN_RIGHT_REVOKE; handles derived from it (dup, transfer, in any
 * process) share its fate. revoke(borrowed) invalidates it and all of them:
 * every call on them but close then fails with -CAIRN_EREVOKED. */
long cairn_handle_borrow(long handle, uint32_t rights);
long cairn_handle_revoke(long handle);

/* Quotas: split bytes off a quota (MANAGE) into a new one; read one; make
 * a process charge its future allocations to a quota (MANAGE on both). */
long cairn_quota_create(long quota, uint64_t bytes);
long cairn_quota_info(long quota, struct cairn_quota_info *info);
long cairn_process_set_quota(long process, long quota);

/* Device access (<cairn/device.h>, docs/ipc.md "Interrupts and device
 * access"): carve a sub-range out of a resource; an irq object for a line,
 * bound to notification bits (notification -1: unbind) and acknowledged;
 * grant an ioport object's ports to a process (-1: the caller) or take
 * them back; device memory, contiguous DMA memory and its address. */
long cairn_resource_create(long resource, uint64_t base, uint64_t size);
long cairn_irq_create(long irq_range, uint32_t line, uint32_t flags);
long cairn_irq_bind(long irq, long notification, uint64_t bits);
long cairn_irq_ack(long irq);
long cairn_ioport_enable(long ioport, long process, uint32_t enable);
long cairn_memobj_create_dev(long phys_range, uint64_t phys, uint64_t size, uint32_t cache);
long cairn_memobj_create_dma(long phys_range, uint64_t size, uint32_t flags);
long cairn_memobj_phys(long memobj, uint64_t offset);

/* The calling thread's FS base, its thread pointer (<cairn/tls.h>): a
 * user-half address or 0; -CAIRN_EINVAL for any other. */
long cairn_thread_set_tls(uint64_t base);

/*
 * Futexes (docs/syscalls.md): futex_wait blocks while *addr (4-byte
 * aligned, in readable memory) holds expected, until a futex_wake on the
 * same word, in this or any process that maps the same memory object
 * (timeout_ns 0: just compare; CAIRN_WAIT_FOREVER: no limit); it returns
 * 0, -CAIRN_EAGAIN (the word held something else), -CAIRN_ETIMEDOUT, ...
 * futex_wake wakes up to count waiters (CAIRN_FUTEX_WAKE_ALL: every one)
 * and returns how many it woke. <pthread.h> has locks built on them.
 */
long cairn_futex_wait(const volatile uint32_t *addr, uint32_t expected, uint64_t timeout_ns);
long cairn_futex_wake(const volatile uint32_t *addr, uint32_t count);

/*
 * Processes for ps and top (<cairn/process.h>): process_info (READ) fills
 * in its state, CPU time, quota use, threads, highest priority and name;
 * process_set_name (MANAGE) gives it a name of len printable ASCII bytes
 * (1 to CAIRN_PROCESS_NAME_MAX - 1).
 */
struct cairn_process_info;
long cairn_process_info(long process, struct cairn_process_info *info);
long cairn_process_set_name(long process, const char *name, size_t len);

/*
 * Priorities (<cairn/process.h>): thread_set_prio (MANAGE on the thread)
 * sets a thread's priority, refused with -CAIRN_EPERM above its process's
 * highest; process_max_prio (MANAGE on the process) sets that highest, at
 * most the caller's own process's, lowering threads above it.
 */
long cairn_thread_set_prio(long thread, uint32_t priority);
long cairn_process_max_prio(long process, uint32_t max);

/*
 * Waiting on several sources, exit notices and deferred replies (docs/ipc.md).
 *
 * notify_bind binds a notification (WAIT) to the calling thread: from then
 * on its ipc_recv and ipc_reply_recv also return when the notification has
 * bits, with CAIRN_IPC_NOTIFIED, no words and the bits as the badge. One
 * per thread, one thread per notification; notify_unbind undoes it, and
 * the thread's end does too.
 *
 * process_watch (WAIT on the process, SIGNAL on the notification) ORs bits
 * into the notification when the process ends (at once if it has ended);
 * bits 0 withdraws the watch. thread_watch is the same for a thread (WAIT
 * on the thread).
 *
 * ipc_reply_save takes the caller of the last message received out of the
 * thread as a reply handle (SIGNAL, TRANSFER), so the thread can receive
 * again; ipc_reply_to answers through it, once. A reply handle closed
 * unanswered makes the caller's ipc_call fail with -CAIRN_ECLOSED.
 */
long cairn_notify_bind(long notification);
long cairn_notify_unbind(long notification);
long cairn_process_watch(long process, long notification, uint64_t bits);
long cairn_thread_watch(long thread, long notification, uint64_t bits);
long cairn_ipc_reply_save(void);
long cairn_ipc_reply_to(long reply, struct cairn_msg *msg);
/* The kernel log and the console (include/cairn/console.h): read records
 * from seq on into buf (the bytes stored); claim a device (a claim handle;
 * close it to give the device back). And the message an MSI irq object's
 * device must send (include/cairn/device.h). */
long cairn_klog_read(long console, uint64_t seq, void *buf, size_t len);
long cairn_console_claim(long console, uint32_t device);
long cairn_irq_msi(long irq, struct cairn_irq_msi *msi);
/* Faults to a supervisor (libc/fault.c, <cairn/fault.h>): make endpoint
 * (SIGNAL; CAIRN_HANDLE_INVALID: none) the exception endpoint of a process
 * or thread (MANAGE). */
long cairn_fault_set_handler(long target, long endpoint);

/*
 * The message for a CAIRN_E* code, e.g. "bad address"; err may be given
 * negated, as the syscalls return it. Unknown codes give "unknown error".
 */
const char *cairn_strerror(int err);

/* The code's name, e.g. "CAIRN_EFAULT" (also for negated codes), or "?". */
const char *cairn_error_name(int err);

#endif
