/* SPDX-License-Identifier: MIT */
/*
 * System call entry and the first entry into user mode.
 *
 * `syscall` arrives with the user rip in rcx, rflags in r11, interrupts off
 * (FMASK) and the user stack still loaded. We swap GS, switch to the
 * thread's kernel stack (gs:8), and build a struct trap_frame so that
 * syscalls, faults and interrupts look alike to C. The handler comes from
 * syscall_table (sys/syscall.c) and its result goes to frame->rax. On the
 * way out, syscall_exit_work runs when something is due (a switch, a
 * stop) or the return address is one sysret cannot take (sysret with a
 * non-canonical rcx would fault in ring 0 on the user's stack); it
 * returns non-zero when the frame must be resumed with iretq.
 *
 * ipc_call, ipc_reply_recv and notify_wait have entries here that try a
 * fast path first, with interrupts off (sys/ipc_fastpath.c,
 * sys/sys_notify.c); no other call pays for a test of its number. When a
 * fast path blocks the calling thread, the thread that runs next is
 * current already: we leave below the blocked thread's frame a context
 * that resumes in ipc_cont_trampoline, and go on as the next thread,
 * either out through its syscall frame, which holds its result already,
 * or into the context it saved when it blocked.
 */
#include "arch/x86_64/frame.inc"

#define GDT_USER_DATA 0x18
#define GDT_USER_CODE 0x20

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:16                    /* the user stack pointer */
    mov %gs:8, %rsp                     /* this thread's kernel stack */
    pushq $(GDT_USER_DATA | 3)          /* ss */
    pushq %gs:16                        /* rsp */
    push %r11                           /* rflags */
    pushq $(GDT_USER_CODE | 3)          /* cs */
    push %rcx                           /* rip */
    pushq $0                            /* error */
    pushq $-1                           /* vector: a syscall */
    PUSH_GPRS
    xor %ebp, %ebp                      /* ends kernel backtraces here */
    mov %rsp, %rdi
    sti
    cmp $SYSCALL_COUNT, %rax
    jae 5f
    call *syscall_table(,%rax,8)
6:  mov %rax, FRAME_RAX(%rsp)
    /* syscall_exit_work's common case, inline: no switch due on this CPU,
     * no stop for this thread, a return address sysret can take. */
    cmpb $0, %gs:CPU_NEED_RESCHED
    jne 7f
    mov %gs:CPU_CURRENT, %rax
    cmpb $0, THREAD_STOP(%rax)
    jne 7f
    mov FRAME_RIP(%rsp), %rax
    mov $SYSRET_RIP_LIMIT, %rcx
    cmp %rcx, %rax
    jae 7f
    cli
    jmp .Lsysret
5:  call syscall_enosys
    jmp 6b
7:  mov %rsp, %rdi
    call syscall_exit_work
    cli
.Lexit:                                 /* eax: non-zero for the iretq path */
    test %eax, %eax
    jnz 2f
.Lsysret:
    POP_GPRS
    add $16, %rsp                       /* vector, error */
    mov (%rsp), %rcx                    /* rip */
    mov 16(%rsp), %r11                  /* rflags */
    mov 24(%rsp), %rsp                  /* user rsp: nothing kernel is left to use */
    swapgs
    sysretq

2:  /* The general path: restore everything and iretq, which checks all. */
    POP_GPRS
    add $16, %rsp
    swapgs
    iretq

/*
 * The entries in syscall_table of the calls with a fast path, called by
 * the dispatch with rdi the frame and interrupts on; the fast path runs
 * with them off, and rsp is the frame less the dispatch's return address.
 *
 * ipc_call and ipc_reply_recv without an extension (r12 0) try the IPC
 * fast path (sys/ipc_fastpath.c); declined, they go to their general
 * handlers.
 */
/*
 * A fast path blocked the calling thread and made the next one current;
 * rax and rdx are its struct cont_switch (sched/cont.h). rsp is the
 * blocked thread's frame less the dispatch's return address: the C frames
 * below are done with, so its continuation goes there, in
 * context_switch's layout (the return address's slot takes the
 * trampoline's), and the next thread goes on.
 */
.macro CONT_SWITCH
    movq $ipc_cont_trampoline, (%rsp)
    movq $0, -8(%rsp)                   /* rbp: backtraces end there */
    btr $0, %rax                        /* CONT_SWITCH_FRAME */
    jnc 4f
    mov %rax, %rsp                      /* the next thread's frame, its result in it */
    mov %rdx, %rdi
    call sched_finish_switch
    jmp .Lsysret                        /* its rip came from its own syscall */
4:  mov %rax, %rsp                      /* the next thread's saved context */
    mov %rdx, %rax                      /* prev, as context_switch returns it */
    jmp context_resume
.endm

.macro IPC_FAST_ENTRY name, general
    .globl \name
\name:
    test %r12, %r12                     /* an extension: the general path */
    jnz \general
    cli
    call ipc_fastpath                   /* rax: the stack to load (0: declined), rdx: prev */
    test %rax, %rax
    jz 1f
    CONT_SWITCH
1:  sti
    lea 8(%rsp), %rdi
    jmp \general                        /* returns to the dispatch */
.endm
IPC_FAST_ENTRY sys_ipc_call, ipc_call_slow
IPC_FAST_ENTRY sys_ipc_reply_recv, ipc_reply_recv_slow

/*
 * notify_wait: notify_wait_fast (sys_notify.c) either finishes the call,
 * or blocks the thread with a continuation, or leaves it to
 * notify_wait_general.
 */
    .globl sys_notify_wait
sys_notify_wait:
    cli
    call notify_wait_fast               /* rax: 0 general, 1 done, else the stack; rdx: prev */
    cmp $1, %rax
    jb 1f
    je 2f
    CONT_SWITCH
1:  sti
    lea 8(%rsp), %rdi
    jmp notify_wait_general             /* returns to the dispatch */
2:  sti
    mov 8+FRAME_RAX(%rsp), %rax         /* the result, for the dispatch to store again */
    ret

/*
 * Where a thread blocked with a continuation (the IPC fast path,
 * notify_wait) resumes when the general scheduler switches to it:
 * context_switch "returns" here with rsp at the thread's syscall frame,
 * prev in rax and interrupts off.
 */
    .globl ipc_cont_trampoline
ipc_cont_trampoline:
    mov %rax, %rdi
    call sched_finish_switch
    mov %rsp, %rdi
    call ipc_cont_resume                /* returns with interrupts on */
    cli
    jmp .Lexit

/*
 * void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg)
 * Leave the kernel for a new user thread: ring 3 at rip with stack rsp,
 * arg in rdi, interrupts on and every other register zero.
 */
    .globl user_enter
user_enter:
    cli
    pushq $(GDT_USER_DATA | 3)
    push %rsi
    pushq $0x202                        /* IF */
    pushq $(GDT_USER_CODE | 3)
    push %rdi
    mov %rdx, %rdi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    swapgs
    iretq
