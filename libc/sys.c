// SPDX-License-Identifier: MIT
/*
 * The typed system call wrappers declared in <cairn/sys.h>. Each is the raw
 * call with its CAIRN_SYS_* number: numbers live only in the table.
 *
 * The table check at the bottom calls every cairn_<name> in the table with
 * as many arguments as the table says, in code that never runs: adding a
 * syscall to the table without a wrapper here, or with a different argument
 * count, stops the build.
 */
#include <cairn/sys.h>
#include <cairn/syscall.h>

long
cairn_debug_write(const void *buf, size_t len)
{
    return cairn_syscall2(CAIRN_SYS_debug_write, (long)buf, (long)len);
}

_Noreturn void
cairn_process_exit(int64_t status)
{
    cairn_syscall1(CAIRN_SYS_process_exit, status);
    /* The kernel never returns from process_exit; if it did, fault rather than run on. */
    for (;;)
        __builtin_trap();
}

long
cairn_thread_yield(void)
{
    return cairn_syscall0(CAIRN_SYS_thread_yield);
}

long
cairn_thread_sleep(uint64_t ns)
{
    return cairn_syscall1(CAIRN_SYS_thread_sleep, (long)ns);
}

uint64_t
cairn_clock_get(void)
{
    return (uint64_t)cairn_syscall0(CAIRN_SYS_clock_get);
}

long
cairn_handle_dup(long handle, uint32_t rights)
{
    return cairn_syscall2(CAIRN_SYS_handle_dup, handle, (long)rights);
}

long
cairn_handle_close(long handle)
{
    return cairn_syscall1(CAIRN_SYS_handle_close, handle);
}

long
cairn_handle_info(long handle, struct cairn_handle_info *info)
{
    return cairn_syscall2(CAIRN_SYS_handle_info, handle, (long)info);
}

long
cairn_memobj_create(uint64_t size, uint32_t flags)
{
    return cairn_syscall2(CAIRN_SYS_memobj_create, (long)size, (long)flags);
}

long
cairn_vm_map(long memobj, uint64_t offset, uint64_t size, uint64_t addr, uint32_t prot,
             uint32_t flags)
{
    return cairn_syscall6(CAIRN_SYS_vm_map, memobj, (long)offset, (long)size, (long)addr,
                          (long)prot, (long)flags);
}

long
cairn_vm_unmap(uint64_t addr, uint64_t size)
{
    return cairn_syscall2(CAIRN_SYS_vm_unmap, (long)addr, (long)size);
}

long
cairn_vm_protect(uint64_t addr, uint64_t size, uint32_t prot)
{
    return cairn_syscall3(CAIRN_SYS_vm_protect, (long)addr, (long)size, (long)prot);
}

long
cairn_process_spawn(long memobj, uint64_t size, uint64_t arg)
{
    return cairn_syscall3(CAIRN_SYS_process_spawn, memobj, (long)size, (long)arg);
}

long
cairn_process_wait(long process, uint64_t timeout_ns, int64_t *status)
{
    return cairn_syscall3(CAIRN_SYS_process_wait, process, (long)timeout_ns, (long)status);
}

long
cairn_process_create(void)
{
    return cairn_syscall0(CAIRN_SYS_process_create);
}

long
cairn_vm_map_into(long process, long memobj, uint64_t offset, uint64_t size, uint64_t addr,
                  uint64_t prot_flags)
{
    return cairn_syscall6(CAIRN_SYS_vm_map_into, process, memobj, (long)offset, (long)size,
                          (long)addr, (long)prot_flags);
}

long
cairn_vm_unmap_into(long process, uint64_t addr, uint64_t size)
{
    return cairn_syscall3(CAIRN_SYS_vm_unmap_into, process, (long)addr, (long)size);
}

long
cairn_thread_create(long process, uint64_t entry, uint64_t stack, uint64_t arg, uint32_t priority)
{
    return cairn_syscall5(CAIRN_SYS_thread_create, process, (long)entry, (long)stack, (long)arg,
                          (long)priority);
}

long
cairn_thread_start(long thread)
{
    return cairn_syscall1(CAIRN_SYS_thread_start, thread);
}

_Noreturn void
cairn_thread_exit(int64_t status)
{
    cairn_syscall1(CAIRN_SYS_thread_exit, status);
    for (;;)
        __builtin_trap();
}

long
cairn_thread_wait(long thread, uint64_t timeout_ns, int64_t *status)
{
    return cairn_syscall3(CAIRN_SYS_thread_wait, thread, (long)timeout_ns, (long)status);
}

long
cairn_process_kill(long process)
{
    return cairn_syscall1(CAIRN_SYS_process_kill, process);
}

long
cairn_handle_install(long process, long handle, uint32_t rights)
{
    return cairn_syscall3(CAIRN_SYS_handle_install, process, handle, (long)rights);
}

long
cairn_debug_stats(struct cairn_debug_stats *stats)
{
    return cairn_syscall1(CAIRN_SYS_debug_stats, (long)stats);
}

long
cairn_notify_create(void)
{
    return cairn_syscall0(CAIRN_SYS_notify_create);
}

long
cairn_notify_signal(long notification, uint64_t bits)
{
    return cairn_syscall2(CAIRN_SYS_notify_signal, notification, (long)bits);
}

long
cairn_notify_wait(long notification, uint64_t timeout_ns, uint64_t *bits)
{
    return cairn_syscall3(CAIRN_SYS_notify_wait, notification, (long)timeout_ns, (long)bits);
}

long
cairn_endpoint_create(void)
{
    return cairn_syscall0(CAIRN_SYS_endpoint_create);
}

long
cairn_handle_mint(long endpoint, uint32_t rights, uint64_t badge)
{
    return cairn_syscall3(CAIRN_SYS_handle_mint, endpoint, (long)rights, (long)badge);
}

long
cairn_handle_borrow(long handle, uint32_t rights)
{
    return cairn_syscall2(CAIRN_SYS_handle_borrow, handle, (long)rights);
}

long
cairn_handle_revoke(long handle)
{
    return cairn_syscall1(CAIRN_SYS_handle_revoke, handle);
}

long
cairn_quota_create(long quota, uint64_t bytes)
{
    return cairn_syscall2(CAIRN_SYS_quota_create, quota, (long)bytes);
}

long
cairn_quota_info(long quota, struct cairn_quota_info *info)
{
    return cairn_syscall2(CAIRN_SYS_quota_info, quota, (long)info);
}

long
cairn_process_set_quota(long process, long quota)
{
    return cairn_syscall2(CAIRN_SYS_process_set_quota, process, quota);
}

long
cairn_resource_create(long resource, uint64_t base, uint64_t size)
{
    return cairn_syscall3(CAIRN_SYS_resource_create, resource, (long)base, (long)size);
}

long
cairn_irq_create(long irq_range, uint32_t line, uint32_t flags)
{
    return cairn_syscall3(CAIRN_SYS_irq_create, irq_range, (long)line, (long)flags);
}

long
cairn_irq_bind(long irq, long notification, uint64_t bits)
{
    return cairn_syscall3(CAIRN_SYS_irq_bind, irq, notification, (long)bits);
}

long
cairn_irq_ack(long irq)
{
    return cairn_syscall1(CAIRN_SYS_irq_ack, irq);
}

long
cairn_ioport_enable(long ioport, long process, uint32_t enable)
{
    return cairn_syscall3(CAIRN_SYS_ioport_enable, ioport, process, (long)enable);
}

long
cairn_memobj_create_dev(long phys_range, uint64_t phys, uint64_t size, uint32_t cache)
{
    return cairn_syscall4(CAIRN_SYS_memobj_create_dev, phys_range, (long)phys, (long)size,
                          (long)cache);
}

long
cairn_memobj_create_dma(long phys_range, uint64_t size, uint32_t flags)
{
    return cairn_syscall3(CAIRN_SYS_memobj_create_dma, phys_range, (long)size, (long)flags);
}

long
cairn_memobj_phys(long memobj, uint64_t offset)
{
    return cairn_syscall2(CAIRN_SYS_memobj_phys, memobj, (long)offset);
}

long
cairn_thread_set_cpu(long thread, long cpu)
{
    return cairn_syscall2(CAIRN_SYS_thread_set_cpu, thread, cpu);
}

long
cairn_notify_bind(long notification)
{
    return cairn_syscall1(CAIRN_SYS_notify_bind, notification);
}

long
cairn_notify_unbind(long notification)
{
    return cairn_syscall1(CAIRN_SYS_notify_unbind, notification);
}

long
cairn_process_watch(long process, long notification, uint64_t bits)
{
    return cairn_syscall3(CAIRN_SYS_process_watch, process, notification, (long)bits);
}

long
cairn_thread_watch(long thread, long notification, uint64_t bits)
{
    return cairn_syscall3(CAIRN_SYS_thread_watch, thread, notification, (long)bits);
}

long
cairn_ipc_reply_save(void)
{
    return cairn_syscall0(CAIRN_SYS_ipc_reply_save);
}

long
cairn_thread_set_tls(uint64_t base)
{
    return cairn_syscall1(CAIRN_SYS_thread_set_tls, (long)base);
}

long
cairn_futex_wait(const volatile uint32_t *addr, uint32_t expected, uint64_t timeout_ns)
{
    return cairn_syscall3(CAIRN_SYS_futex_wait, (long)addr, (long)expected, (long)timeout_ns);
}

long
cairn_futex_wake(const volatile uint32_t *addr, uint32_t count)
{
    return cairn_syscall2(CAIRN_SYS_futex_wake, (long)addr, (long)count);
}

long
cairn_process_info(long process, struct cairn_process_info *info)
{
    return cairn_syscall2(CAIRN_SYS_process_info, process, (long)info);
}

long
cairn_process_set_name(long process, const char *name, size_t len)
{
    return cairn_syscall3(CAIRN_SYS_process_set_name, process, (long)name, (long)len);
}

long
cairn_thread_set_prio(long thread, uint32_t priority)
{
    return cairn_syscall2(CAIRN_SYS_thread_set_prio, thread, (long)priority);
}

long
cairn_process_max_prio(long process, uint32_t max)
{
    return cairn_syscall2(CAIRN_SYS_process_max_prio, process, (long)max);
}

long
cairn_klog_read(long console, uint64_t seq, void *buf, size_t len)
{
    return cairn_syscall4(CAIRN_SYS_klog_read, console, (long)seq, (long)buf, (long)len);
}

long
cairn_console_claim(long console, uint32_t device)
{
    return cairn_syscall2(CAIRN_SYS_console_claim, console, (long)device);
}

long
cairn_irq_msi(long irq, struct cairn_irq_msi *msi)
{
    return cairn_syscall2(CAIRN_SYS_irq_msi, irq, (long)msi);
}

/* SYS_ZEROS_n: n zero arguments, which fit any integer or pointer parameter. */
#define SYS_ZEROS_0
#define SYS_ZEROS_1 0
#define SYS_ZEROS_2 0, 0
#define SYS_ZEROS_3 0, 0, 0
#define SYS_ZEROS_4 0, 0, 0, 0
#define SYS_ZEROS_5 0, 0, 0, 0, 0
#define SYS_ZEROS_6 0, 0, 0, 0, 0, 0

#define SYS_CHECK_WRAPPER(number, name, ret, abi, nargs, ...) (void)cairn_##name(SYS_ZEROS_##nargs);

static void __attribute__((unused)) sys_check_table(void)
{
    CAIRN_SYSCALL_TABLE(SYS_CHECK_WRAPPER)
}
