// SPDX-License-Identifier: MIT
/*
 * The IPC wrappers of <cairn/sys.h> and notify_wait's, the FRAME rows of
 * the system call table, declared from it there. Messages use more registers than a
 * plain system call (include/cairn/ipc.h has the layout), so these are
 * written out here instead of made from the table: words 0-4 in
 * rsi, rdx, r10, r8, r9 both ways, the extension pointer in r12, the badge
 * back in rdi.
 */
#include <stdbool.h>

#include <cairn/sys.h>

/* One IPC system call: number, rdi, the words, r12, and r13 for
 * ipc_call_timed alone (timed: the others leave r13 alone); words and rdi
 * back. */
static inline __attribute__((always_inline)) long
ipc_syscall(long number, long *rdi_inout, uint64_t w[CAIRN_MSG_WORDS], long r12_in, bool timed,
            uint64_t timeout_ns)
{
    register long r10 __asm__("r10") = (long)w[2];
    register long r8 __asm__("r8") = (long)w[3];
    register long r9 __asm__("r9") = (long)w[4];
    register long r12 __asm__("r12") = r12_in;
    long rax = number, rdi = *rdi_inout, rsi = (long)w[0], rdx = (long)w[1];

    if (timed) {
        register uint64_t r13 __asm__("r13") = timeout_ns;
        __asm__ volatile("syscall"
                         : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                         : "r"(r12), "r"(r13)
                         : "rcx", "r11", "memory");
    } else {
        __asm__ volatile("syscall"
                         : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                         : "r"(r12)
                         : "rcx", "r11", "memory");
    }
    w[0] = (uint64_t)rsi;
    w[1] = (uint64_t)rdx;
    w[2] = (uint64_t)r10;
    w[3] = (uint64_t)r8;
    w[4] = (uint64_t)r9;
    *rdi_inout = rdi;
    return rax;
}

long
cairn_ipc_call(cairn_handle_t endpoint, struct cairn_msg *msg)
{
    long rdi = endpoint;

    return ipc_syscall(CAIRN_SYS_ipc_call, &rdi, msg->w, (long)msg->ext, false, 0);
}

long
cairn_ipc_call_timed(cairn_handle_t endpoint, struct cairn_msg *msg, uint64_t timeout_ns)
{
    long rdi = endpoint;

    return ipc_syscall(CAIRN_SYS_ipc_call_timed, &rdi, msg->w, (long)msg->ext, true, timeout_ns);
}

long
cairn_ipc_recv(cairn_handle_t endpoint, struct cairn_msg *msg, uint64_t timeout_ns, uint64_t *badge)
{
    long rdi = endpoint, ret;

    msg->w[0] = timeout_ns;
    ret = ipc_syscall(CAIRN_SYS_ipc_recv, &rdi, msg->w, (long)msg->ext, false, 0);
    if (badge)
        *badge = (uint64_t)rdi;
    return ret;
}

long
cairn_ipc_reply(struct cairn_msg *msg)
{
    long rdi = 0;
    uint64_t w[CAIRN_MSG_WORDS];

    /* The reply's words stay the caller's: the call returns none. */
    for (int i = 0; i < CAIRN_MSG_WORDS; i++)
        w[i] = msg->w[i];
    return ipc_syscall(CAIRN_SYS_ipc_reply, &rdi, w, (long)msg->ext, false, 0);
}

long
cairn_ipc_reply_recv(cairn_handle_t endpoint, struct cairn_msg *msg, uint64_t *badge)
{
    long rdi = endpoint, ret;

    ret = ipc_syscall(CAIRN_SYS_ipc_reply_recv, &rdi, msg->w, (long)msg->ext, false, 0);
    if (badge)
        *badge = (uint64_t)rdi;
    return ret;
}

long
cairn_ipc_reply_to(cairn_handle_t reply, struct cairn_msg *msg)
{
    long rdi = reply;
    uint64_t w[CAIRN_MSG_WORDS];

    /* As for ipc_reply: the words stay the caller's. */
    for (int i = 0; i < CAIRN_MSG_WORDS; i++)
        w[i] = msg->w[i];
    return ipc_syscall(CAIRN_SYS_ipc_reply_to, &rdi, w, (long)msg->ext, false, 0);
}

/* The bits come back in rsi: no pointer goes to the kernel, which then
 * takes its fast path (docs/syscalls.md). */
long
cairn_notify_wait(cairn_handle_t notification, uint64_t timeout_ns, uint64_t *bits)
{
    long rax = CAIRN_SYS_notify_wait, rsi = (long)timeout_ns;

    __asm__ volatile("syscall"
                     : "+a"(rax), "+S"(rsi)
                     : "D"((long)notification), "d"(0L)
                     : "rcx", "r11", "memory");
    if (bits)
        *bits = (uint64_t)rsi;
    return rax;
}
