/* SPDX-License-Identifier: MIT */
/*
 * Cairn system calls: the one table that gives every call its number and
 * its C signature. The kernel's dispatch table and handler prototypes,
 * libc's wrappers and the system call fuzzer's table are all made from it.
 *
 * Calling convention (x86_64 `syscall`): the number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9; the result in rax, a negative CAIRN_E* code
 * on failure. rcx and r11 are clobbered (the CPU uses them); every other
 * register is preserved. docs/syscalls.md describes each call.
 *
 * CAIRN_SYSCALL_TABLE(X) calls, once per call,
 *
 *     X(number, name, ret, abi, nargs, (type, name)...)
 *
 * with nargs (type, name) pairs, one per argument register in order.
 *   ret   RESULT: a value >= 0 or a negative CAIRN_E* code;
 *         VALUE: a value that is never an error (libc: uint64_t);
 *         NORETURN: the call does not return.
 *   abi   REGS: the arguments are the registers above, nothing else;
 *         FRAME: the call uses more registers than that (the IPC calls
 *         carry message words both ways, include/cairn/ipc.h), so its
 *         kernel handler reads the trap frame itself and its pairs are
 *         those of libc's wrapper.
 * An argument's type is a fixed-width integer, cairn_handle_t, or
 * CAIRN_UPTR(type) for a user address. Each side defines CAIRN_UPTR before
 * it expands the table: the kernel as uint64_t, an address it only passes
 * to the user-copy functions and never dereferences; libc as `type *`.
 * The row's comment says what the call returns. Numbers are ABI: append
 * rows, never renumber.
 */
#ifndef CAIRN_SYSCALLS_H
#define CAIRN_SYSCALLS_H

#include <stdint.h>

#include <cairn/rights.h>

/* clang-format off */
#define CAIRN_SYSCALL_TABLE(X)                                                                     \
    X(0, debug_write, RESULT, REGS, 2, (CAIRN_UPTR(const void), buf), (uint64_t, len))             \
      /* -> bytes written */                                                                       \
    X(1, process_exit, NORETURN, REGS, 1, (int64_t, status)) /* does not return */                 \
    X(2, thread_yield, RESULT, REGS, 0) /* -> 0 */                                                 \
    X(3, thread_sleep, RESULT, REGS, 1, (uint64_t, ns)) /* -> 0 */                                 \
    X(4, clock_get, VALUE, REGS, 0) /* -> monotonic nanoseconds since boot */                      \
    X(5, handle_dup, RESULT, REGS, 2, (cairn_handle_t, handle), (uint32_t, rights))                \
      /* -> new handle */                                                                          \
    X(6, handle_close, RESULT, REGS, 1, (cairn_handle_t, handle)) /* -> 0 */                       \
    X(7, handle_info, RESULT, REGS, 2, (cairn_handle_t, handle),                                   \
      (CAIRN_UPTR(struct cairn_handle_info), info)) /* -> 0 */                                     \
    X(8, memobj_create, RESULT, REGS, 2, (uint64_t, size), (uint64_t, flags))                      \
      /* -> memory object handle */                                                                \
    X(9, vm_map, RESULT, REGS, 6, (cairn_handle_t, memobj), (uint64_t, offset), (uint64_t, size),  \
      (uint64_t, addr), (uint32_t, prot), (uint32_t, flags)) /* -> the address mapped */           \
    X(10, vm_unmap, RESULT, REGS, 2, (uint64_t, addr), (uint64_t, size)) /* -> 0 */                \
    X(11, vm_protect, RESULT, REGS, 3, (uint64_t, addr), (uint64_t, size), (uint32_t, prot))       \
      /* -> 0 */                                                                                   \
    X(12, process_spawn, RESULT, REGS, 3, (cairn_handle_t, memobj), (uint64_t, size),              \
      (uint64_t, arg)) /* -> process handle */                                                     \
    X(13, process_wait, RESULT, REGS, 3, (cairn_handle_t, process), (uint64_t, timeout_ns),        \
      (CAIRN_UPTR(int64_t), status)) /* -> 0 */                                                    \
    X(14, process_create, RESULT, REGS, 0) /* -> process handle */                                 \
    X(15, vm_map_into, RESULT, REGS, 6, (cairn_handle_t, process), (cairn_handle_t, memobj),       \
      (uint64_t, offset), (uint64_t, size), (uint64_t, addr), (uint64_t, prot_flags))              \
      /* -> the address mapped there */                                                            \
    X(16, vm_unmap_into, RESULT, REGS, 3, (cairn_handle_t, process), (uint64_t, addr),             \
      (uint64_t, size)) /* -> 0 */                                                                 \
    X(17, thread_create, RESULT, REGS, 5, (cairn_handle_t, process), (uint64_t, entry),            \
      (uint64_t, stack), (uint64_t, arg), (uint64_t, priority)) /* -> thread handle */             \
    X(18, thread_start, RESULT, REGS, 1, (cairn_handle_t, thread)) /* -> 0 */                      \
    X(19, thread_exit, NORETURN, REGS, 1, (int64_t, status)) /* does not return */                 \
    X(20, thread_wait, RESULT, REGS, 3, (cairn_handle_t, thread), (uint64_t, timeout_ns),          \
      (CAIRN_UPTR(int64_t), status)) /* -> 0 */                                                    \
    X(21, process_kill, RESULT, REGS, 1, (cairn_handle_t, process)) /* -> 0 */                     \
    X(22, handle_install, RESULT, REGS, 3, (cairn_handle_t, process), (cairn_handle_t, handle),    \
      (uint32_t, rights)) /* -> the handle there */                                                \
    X(23, debug_stats, RESULT, REGS, 1, (CAIRN_UPTR(struct cairn_debug_stats), stats)) /* -> 0 */  \
    X(24, thread_set_cpu, RESULT, REGS, 2, (cairn_handle_t, thread), (int32_t, cpu))               \
      /* cpu -1: any -> 0 */                                                                       \
    X(28, notify_create, RESULT, REGS, 0) /* -> notification handle */                             \
    X(29, notify_signal, RESULT, REGS, 2, (cairn_handle_t, notification), (uint64_t, bits))        \
      /* -> 0 */                                                                                   \
    X(30, notify_wait, RESULT, FRAME, 3, (cairn_handle_t, notification), (uint64_t, timeout_ns),   \
      (CAIRN_UPTR(uint64_t), bits)) /* -> 0, the bits in rsi (and in *bits if not NULL) */         \
    X(31, endpoint_create, RESULT, REGS, 0) /* -> endpoint handle */                               \
    X(32, ipc_call, RESULT, FRAME, 2, (cairn_handle_t, endpoint),                                  \
      (CAIRN_UPTR(struct cairn_msg), msg)) /* -> 0 or flags: ipc.h */                              \
    X(33, ipc_recv, RESULT, FRAME, 4, (cairn_handle_t, endpoint),                                  \
      (CAIRN_UPTR(struct cairn_msg), msg), (uint64_t, timeout_ns), (CAIRN_UPTR(uint64_t), badge))  \
      /* -> as ipc_call */                                                                         \
    X(34, ipc_reply, RESULT, FRAME, 1, (CAIRN_UPTR(struct cairn_msg), msg)) /* -> 0 */             \
    X(35, ipc_reply_recv, RESULT, FRAME, 3, (cairn_handle_t, endpoint),                            \
      (CAIRN_UPTR(struct cairn_msg), msg), (CAIRN_UPTR(uint64_t), badge)) /* -> as ipc_recv */     \
    X(36, handle_mint, RESULT, REGS, 3, (cairn_handle_t, endpoint), (uint32_t, rights),            \
      (uint64_t, badge)) /* -> new badged handle */                                                \
    X(37, handle_borrow, RESULT, REGS, 2, (cairn_handle_t, handle), (uint32_t, rights))            \
      /* -> new revocable handle */                                                                \
    X(38, handle_revoke, RESULT, REGS, 1, (cairn_handle_t, borrowed)) /* -> 0 */                   \
    X(39, quota_create, RESULT, REGS, 2, (cairn_handle_t, quota), (uint64_t, bytes))               \
      /* -> new quota split from it */                                                             \
    X(40, quota_info, RESULT, REGS, 2, (cairn_handle_t, quota),                                    \
      (CAIRN_UPTR(struct cairn_quota_info), info)) /* -> 0 */                                      \
    X(41, process_set_quota, RESULT, REGS, 2, (cairn_handle_t, process), (cairn_handle_t, quota))  \
      /* -> 0 */                                                                                   \
    X(42, ipc_call_timed, RESULT, FRAME, 3, (cairn_handle_t, endpoint),                            \
      (CAIRN_UPTR(struct cairn_msg), msg), (uint64_t, timeout_ns)) /* -> as ipc_call */            \
    X(48, resource_create, RESULT, REGS, 3, (cairn_handle_t, resource), (uint64_t, base),          \
      (uint64_t, size)) /* -> handle to the sub-range */                                           \
    X(49, irq_create, RESULT, REGS, 3, (cairn_handle_t, irq_range), (uint64_t, line),              \
      (uint64_t, flags)) /* -> irq handle: device.h */                                             \
    X(50, irq_bind, RESULT, REGS, 3, (cairn_handle_t, irq), (cairn_handle_t, notification),        \
      (uint64_t, bits)) /* notification -1: unbind -> 0 */                                         \
    X(51, irq_ack, RESULT, REGS, 1, (cairn_handle_t, irq)) /* -> 0 */                              \
    X(52, ioport_enable, RESULT, REGS, 3, (cairn_handle_t, ioport), (cairn_handle_t, process),     \
      (uint64_t, enable)) /* process -1: the caller -> 0 */                                        \
    X(53, memobj_create_dev, RESULT, REGS, 4, (cairn_handle_t, phys_range), (uint64_t, phys),      \
      (uint64_t, size), (uint64_t, cache)) /* -> memory object handle */                           \
    X(54, memobj_create_dma, RESULT, REGS, 3, (cairn_handle_t, phys_range), (uint64_t, size),      \
      (uint64_t, flags)) /* -> memory object handle */                                             \
    X(55, memobj_phys, RESULT, REGS, 2, (cairn_handle_t, memobj), (uint64_t, offset))              \
      /* -> physical address */                                                                    \
    X(56, notify_bind, RESULT, REGS, 1, (cairn_handle_t, notification))                            \
      /* -> 0: bound to the calling thread */                                                      \
    X(57, notify_unbind, RESULT, REGS, 1, (cairn_handle_t, notification)) /* -> 0 */               \
    X(58, process_watch, RESULT, REGS, 3, (cairn_handle_t, process),                               \
      (cairn_handle_t, notification), (uint64_t, bits)) /* -> 0 */                                 \
    X(59, ipc_reply_save, RESULT, REGS, 0) /* -> reply handle for the current caller */            \
    X(60, ipc_reply_to, RESULT, FRAME, 2, (cairn_handle_t, reply),                                 \
      (CAIRN_UPTR(struct cairn_msg), msg)) /* -> 0 */                                              \
    X(61, thread_watch, RESULT, REGS, 3, (cairn_handle_t, thread), (cairn_handle_t, notification), \
      (uint64_t, bits)) /* -> 0 */                                                                 \
    X(64, thread_set_tls, RESULT, REGS, 1, (uint64_t, base))                                       \
      /* the calling thread's fs base -> 0 */                                                      \
    X(65, futex_wait, RESULT, REGS, 3, (CAIRN_UPTR(const volatile uint32_t), addr),                \
      (uint32_t, expected), (uint64_t, timeout_ns)) /* -> 0 */                                     \
    X(66, futex_wake, RESULT, REGS, 2, (CAIRN_UPTR(const volatile uint32_t), addr),                \
      (uint32_t, count)) /* -> threads woken */                                                    \
    X(67, process_info, RESULT, REGS, 2, (cairn_handle_t, process),                                \
      (CAIRN_UPTR(struct cairn_process_info), info)) /* -> 0 */                                    \
    X(68, process_set_name, RESULT, REGS, 3, (cairn_handle_t, process),                            \
      (CAIRN_UPTR(const char), name), (uint64_t, len)) /* -> 0 */                                  \
    X(69, thread_set_prio, RESULT, REGS, 2, (cairn_handle_t, thread), (uint64_t, priority))        \
      /* -> 0 */                                                                                   \
    X(70, process_max_prio, RESULT, REGS, 2, (cairn_handle_t, process), (uint64_t, max))           \
      /* its threads' highest -> 0 */                                                              \
    X(72, klog_read, RESULT, REGS, 4, (cairn_handle_t, console), (uint64_t, seq),                  \
      (CAIRN_UPTR(void), buf), (uint64_t, len)) /* -> bytes: console.h */                          \
    X(73, console_claim, RESULT, REGS, 2, (cairn_handle_t, console), (uint64_t, device))           \
      /* -> claim handle: console.h */                                                             \
    X(74, irq_msi, RESULT, REGS, 2, (cairn_handle_t, irq),                                         \
      (CAIRN_UPTR(struct cairn_irq_msi), msi)) /* -> 0: device.h */                                \
    X(75, fault_set_handler, RESULT, REGS, 2, (cairn_handle_t, target),                            \
      (cairn_handle_t, endpoint)) /* endpoint -1: none -> 0: fault.h */                           \
    X(76, handle_mint_notify, RESULT, REGS, 3, (cairn_handle_t, endpoint), (uint32_t, rights),     \
      (uint64_t, badge)) /* -> new badged handle; its last close is told: ipc.h */
/* clang-format on */

enum cairn_syscall {
#define CAIRN_SYSCALL_ENUM(number, name, ...) CAIRN_SYS_##name = number,
    CAIRN_SYSCALL_TABLE(CAIRN_SYSCALL_ENUM)
#undef CAIRN_SYSCALL_ENUM
    CAIRN_SYSCALL_COUNT
};

/*
 * CAIRN_SYSCALL_EACH(M, none, nargs, pairs...): M(index, type, name) for
 * each (type, name) pair of a row, separated by commas; `none` for a row
 * without arguments. A row whose nargs is not its number of pairs stops
 * the build here (a macro given the wrong number of arguments).
 */
#define CAIRN_SYSCALL_EACH(M, none, nargs, ...) CAIRN_SYSCALL_EACH_##nargs(M, none, __VA_ARGS__)
#define CAIRN_SYSCALL_EACH_0(M, none, nothing)  none nothing
#define CAIRN_SYSCALL_EACH_1(M, none, a)        CAIRN_SYSCALL_PAIR(M, 0, a)
#define CAIRN_SYSCALL_EACH_2(M, none, a, b) \
    CAIRN_SYSCALL_EACH_1(M, none, a), CAIRN_SYSCALL_PAIR(M, 1, b)
#define CAIRN_SYSCALL_EACH_3(M, none, a, b, c) \
    CAIRN_SYSCALL_EACH_2(M, none, a, b), CAIRN_SYSCALL_PAIR(M, 2, c)
#define CAIRN_SYSCALL_EACH_4(M, none, a, b, c, d) \
    CAIRN_SYSCALL_EACH_3(M, none, a, b, c), CAIRN_SYSCALL_PAIR(M, 3, d)
#define CAIRN_SYSCALL_EACH_5(M, none, a, b, c, d, e) \
    CAIRN_SYSCALL_EACH_4(M, none, a, b, c, d), CAIRN_SYSCALL_PAIR(M, 4, e)
#define CAIRN_SYSCALL_EACH_6(M, none, a, b, c, d, e, f) \
    CAIRN_SYSCALL_EACH_5(M, none, a, b, c, d, e), CAIRN_SYSCALL_PAIR(M, 5, f)
/* (type, name) -> M(i, type, name): the pair's parentheses come off as its
 * expansion becomes the arguments of CAIRN_SYSCALL_APPLY. */
#define CAIRN_SYSCALL_PAIR(M, i, pair)        CAIRN_SYSCALL_PAIR_(M, i, CAIRN_SYSCALL_UNPAIR pair)
#define CAIRN_SYSCALL_PAIR_(M, i, ...)        CAIRN_SYSCALL_APPLY(M, i, __VA_ARGS__)
#define CAIRN_SYSCALL_UNPAIR(type, name)      type, name
#define CAIRN_SYSCALL_APPLY(M, i, type, name) M(i, type, name)

/* A row's C parameter list: `type name, ...`, or void. */
#define CAIRN_SYSCALL_PARAM(i, type, name) type name
#define CAIRN_SYSCALL_PARAMS(nargs, ...) \
    CAIRN_SYSCALL_EACH(CAIRN_SYSCALL_PARAM, void, nargs, __VA_ARGS__)

/* The longest buffer debug_write takes in one call. */
#define CAIRN_DEBUG_WRITE_MAX 4096

#endif
