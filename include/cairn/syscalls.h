/* SPDX-License-Identifier: MIT */
/*
 * Cairn system call numbers: the one table that produces the kernel's
 * dispatch table and the user-space stubs.
 *
 * Calling convention (x86_64 `syscall`): the number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9; the result in rax, a negative CAIRN_E* code
 * on failure. rcx and r11 are clobbered (the CPU uses them); every other
 * register is preserved. docs/syscalls.md describes each call.
 *
 * CAIRN_SYSCALL_TABLE(X) calls X(number, name, argument count).
 */
#ifndef CAIRN_SYSCALLS_H
#define CAIRN_SYSCALLS_H

#define CAIRN_SYSCALL_TABLE(X)                                                              \
    X(0, debug_write, 2)        /* (const char *buf, size_t len) -> bytes written */        \
    X(1, process_exit, 1)       /* (int64_t status) -> does not return */                   \
    X(2, thread_yield, 0)       /* () -> 0 */                                               \
    X(3, thread_sleep, 1)       /* (uint64_t ns) -> 0 */                                    \
    X(4, clock_get, 0)          /* () -> monotonic nanoseconds since boot */                \
    X(5, handle_dup, 2)         /* (handle, rights) -> new handle */                        \
    X(6, handle_close, 1)       /* (handle) -> 0 */                                         \
    X(7, handle_info, 2)        /* (handle, struct cairn_handle_info *) -> 0 */             \
    X(8, memobj_create, 2)      /* (size, flags) -> memory object handle */                 \
    X(9, vm_map, 6)             /* (memobj, offset, size, addr, prot, flags) -> addr */     \
    X(10, vm_unmap, 2)          /* (addr, size) -> 0 */                                     \
    X(11, vm_protect, 3)        /* (addr, size, prot) -> 0 */                               \
    X(12, process_spawn, 3)     /* (memobj, size, arg) -> process handle */                 \
    X(13, process_wait, 3)      /* (process, timeout_ns, int64_t *status) -> 0 */           \
    X(14, process_create, 0)    /* () -> process handle */                                  \
    X(15, vm_map_into, 6)       /* (process, memobj, offset, size, addr, prot_flags) */     \
    X(16, vm_unmap_into, 3)     /* (process, addr, size) -> 0 */                            \
    X(17, thread_create, 5)     /* (process, entry, stack, arg, priority) -> thread */      \
    X(18, thread_start, 1)      /* (thread) -> 0 */                                         \
    X(19, thread_exit, 1)       /* (int64_t status) -> does not return */                   \
    X(20, thread_wait, 3)       /* (thread, timeout_ns, int64_t *status) -> 0 */            \
    X(21, process_kill, 1)      /* (process) -> 0 */                                        \
    X(22, handle_install, 3)    /* (process, handle, rights) -> the handle there */         \
    X(23, debug_stats, 1)       /* (struct cairn_debug_stats *) -> 0 */                     \
    X(24, thread_set_cpu, 2)    /* (thread, cpu or -1) -> 0 */                              \
    X(28, notify_create, 0)     /* () -> notification handle */                             \
    X(29, notify_signal, 2)     /* (notification, bits) -> 0 */                             \
    X(30, notify_wait, 3)       /* (notification, timeout_ns, uint64_t *bits) -> 0 */       \
    X(31, endpoint_create, 0)   /* () -> endpoint handle */                                 \
    X(32, ipc_call, 2)          /* (endpoint, struct cairn_msg *) -> 0 or flags: ipc.h */   \
    X(33, ipc_recv, 4)          /* (endpoint, msg, timeout_ns, uint64_t *badge) -> ipc.h */ \
    X(34, ipc_reply, 1)         /* (struct cairn_msg *) -> 0 */                             \
    X(35, ipc_reply_recv, 3)    /* (endpoint, msg, uint64_t *badge) -> as ipc_recv */       \
    X(36, handle_mint, 3)       /* (endpoint handle, rights, badge) -> new badged handle */ \
    X(37, handle_borrow, 2)     /* (handle, rights) -> new revocable handle */              \
    X(38, handle_revoke, 1)     /* (borrowed handle) -> 0 */                                \
    X(39, quota_create, 2)      /* (quota, bytes) -> new quota split from it */             \
    X(40, quota_info, 2)        /* (quota, struct cairn_quota_info *) -> 0 */               \
    X(41, process_set_quota, 2) /* (process, quota) -> 0 */                                 \
    X(42, ipc_call_timed, 3)    /* (endpoint, msg, timeout_ns) -> as ipc_call */            \
    X(48, resource_create, 3)   /* (resource, base, size) -> handle to the sub-range */     \
    X(49, irq_create, 3)        /* (irq range, line, flags) -> irq handle: device.h */      \
    X(50, irq_bind, 3)          /* (irq, notification or -1, bits) -> 0 */                  \
    X(51, irq_ack, 1)           /* (irq) -> 0 */                                            \
    X(52, ioport_enable, 3)     /* (ioport, process or -1, enable) -> 0 */                  \
    X(53, memobj_create_dev, 4) /* (phys range, phys, size, cache) -> memory object */      \
    X(54, memobj_create_dma, 3) /* (phys range, size, flags) -> memory object */            \
    X(55, memobj_phys, 2)       /* (memory object, offset) -> physical address */           \
    X(56, notify_bind, 1)       /* (notification) -> 0: bound to the calling thread */      \
    X(57, notify_unbind, 1)     /* (notification) -> 0 */                                   \
    X(58, process_watch, 3)     /* (process, notification, bits) -> 0 */                    \
    X(59, ipc_reply_save, 0)    /* () -> reply handle for the current caller */             \
    X(60, ipc_reply_to, 2)      /* (reply, struct cairn_msg *) -> 0 */                      \
    X(61, thread_watch, 3)      /* (thread, notification, bits) -> 0 */                     \
    X(64, thread_set_tls, 1)    /* (fs base) -> 0: the calling thread's TLS pointer */      \
    X(65, futex_wait, 3)        /* (uint32_t *addr, expected, timeout_ns) -> 0 */           \
    X(66, futex_wake, 2)        /* (uint32_t *addr, count) -> threads woken */              \
    X(67, process_info, 2)      /* (process, struct cairn_process_info *) -> 0 */           \
    X(68, process_set_name, 3)  /* (process, const char *name, len) -> 0 */                 \
    X(69, thread_set_prio, 2)   /* (thread, priority) -> 0 */                               \
    X(70, process_max_prio, 2)  /* (process, highest priority its threads may have) -> 0 */ \
    X(72, klog_read, 4)         /* (console, seq, buf, len) -> bytes: console.h */          \
    X(73, console_claim, 2)     /* (console, device) -> claim handle: console.h */          \
    X(74, irq_msi, 2)           /* (irq, struct cairn_irq_msi *) -> 0: device.h */          \
    X(75, fault_set_handler, 2) /* (process or thread, endpoint or -1) -> 0: fault.h */

enum cairn_syscall {
#define CAIRN_SYSCALL_ENUM(number, name, nargs) CAIRN_SYS_##name = number,
    CAIRN_SYSCALL_TABLE(CAIRN_SYSCALL_ENUM)
#undef CAIRN_SYSCALL_ENUM
    CAIRN_SYSCALL_COUNT
};

/* The longest buffer debug_write takes in one call. */
#define CAIRN_DEBUG_WRITE_MAX 4096

#endif
