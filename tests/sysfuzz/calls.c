// SPDX-License-Identifier: MIT
/*
 * One random system call at a time (see fuzz.h): pick a number from the
 * whole table (and sometimes one outside it), fill all the registers a
 * call can read with values from gen.c, set random RFLAGS bits, make the
 * call with the raw `syscall` instruction, and check what the kernel
 * promises about every return (docs/syscalls.md):
 *
 *   - the result is >= 0 or a code from CAIRN_ERROR_TABLE, and a number
 *     outside the table gives exactly -CAIRN_ENOSYS;
 *   - rbx, rbp, r12-r15 come back unchanged, and so do rdi, rsi, rdx, r10,
 *     r8 and r9 but for the IPC calls, which return a message in them;
 *   - the arithmetic flags, DF, NT, AC and ID come back as they were set;
 *   - clock_get never goes backwards.
 *
 * A broken promise is a violation (fuzz_violation). Handles and mappings
 * that calls return join the thread's pools, so later calls use them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/console.h>
#include <cairn/debug.h>
#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/rights.h>
#include <cairn/sys.h>
#include <cairn/tls.h>

#include "fuzz.h"

#define RFLAGS_CF 0x1ull
#define RFLAGS_PF 0x4ull
#define RFLAGS_AF 0x10ull
#define RFLAGS_ZF 0x40ull
#define RFLAGS_SF 0x80ull
#define RFLAGS_TF 0x100ull
#define RFLAGS_DF 0x400ull
#define RFLAGS_OF 0x800ull
#define RFLAGS_NT 0x4000ull
#define RFLAGS_AC 0x40000ull
#define RFLAGS_ID 0x200000ull
/* What user code may set with popfq and must find again after a call. */
#define RFLAGS_USER                                                                      \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_DF | RFLAGS_OF | \
     RFLAGS_NT | RFLAGS_AC | RFLAGS_ID)

/* The registers of one call: in, and as the kernel left them. */
struct fuzz_regs {
    uint64_t rax, rdi, rsi, rdx, r10, r8, r9, r12, r13, rbx, r14, r15, rflags;
};

/*
 * The raw call. The flags are set with popfq just before `syscall` and the
 * program's own are put back right after (they are read back first), so
 * no C code ever runs with DF, AC or TF set. The red zone below rsp belongs
 * to the caller's frame, so the flag juggling happens 128 bytes lower.
 */
static __attribute__((noinline)) void
fuzz_syscall(struct fuzz_regs *r)
{
    register uint64_t r10 __asm__("r10") = r->r10;
    register uint64_t r8 __asm__("r8") = r->r8;
    register uint64_t r9 __asm__("r9") = r->r9;
    register uint64_t r11 __asm__("r11") = r->rflags;
    register uint64_t r12 __asm__("r12") = r->r12;
    register uint64_t r13 __asm__("r13") = r->r13;
    register uint64_t r14 __asm__("r14") = r->r14;
    register uint64_t r15 __asm__("r15") = r->r15;
    uint64_t rax = r->rax, rdi = r->rdi, rsi = r->rsi, rdx = r->rdx, rbx = r->rbx;

    __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
                     "pushfq\n\t"
                     "pushq %%r11\n\t"
                     "popfq\n\t"
                     "syscall\n\t"
                     "pushfq\n\t"
                     "popq %%r11\n\t"
                     "popfq\n\t"
                     "lea 128(%%rsp), %%rsp"
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+b"(rbx), "+r"(r10), "+r"(r8),
                       "+r"(r9), "+r"(r11), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "memory", "cc");
    r->rax = rax;
    r->rdi = rdi;
    r->rsi = rsi;
    r->rdx = rdx;
    r->rbx = rbx;
    r->r10 = r10;
    r->r8 = r8;
    r->r9 = r9;
    r->rflags = r11;
    r->r12 = r12;
    r->r13 = r13;
    r->r14 = r14;
    r->r15 = r15;
}

/* What to do with a call's result. */
enum fuzz_result {
    RES_NONE,
    RES_HANDLE,   /* >= 0: a new handle */
    RES_MAP,      /* >= 0: a mapping of c->map_size bytes */
    RES_IPC,      /* handles may have come in through the scratch extension */
    RES_CLOCK,    /* never smaller than the last one */
    RES_NORETURN, /* process_exit, thread_exit */
};

struct fuzz_call {
    uint64_t nr;
    uint64_t a[6]; /* rdi, rsi, rdx, r10, r8, r9 */
    uint64_t r12, r13;
    int ipc;         /* the message registers may change */
    int bits_in_rsi; /* notify_wait: rsi comes back as the bits taken */
    enum fuzz_result result;
    uint64_t map_size;
};

typedef void (*fuzz_gen_fn)(struct fuzz_thread *ft, struct fuzz_call *c);

/* The thread's extension, at a fixed place in its scratch pages. */
#define EXT_OFFSET (FUZZ_SCRATCH_SIZE - 2 * FUZZ_PAGE)

static struct cairn_msg_ext *
scratch_ext(struct fuzz_thread *ft)
{
    return (struct cairn_msg_ext *)(ft->scratch + EXT_OFFSET);
}

static uint32_t
gen_msg_len(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 8)) {
    case 0:
        return 0;
    case 1:
        return CAIRN_MSG_BUF_MAX;
    case 2:
        return CAIRN_MSG_BUF_MAX + 1;
    case 3:
        return (uint32_t)rng_next(&ft->call);
    default:
        return (uint32_t)rng_below(&ft->call, 300);
    }
}

/* r12: no extension (words only: the fast path), the scratch one filled
 * at random, or a bad pointer. */
static uint64_t
gen_ext(struct fuzz_thread *ft)
{
    struct cairn_msg_ext *e = scratch_ext(ft);

    switch (rng_below(&ft->call, 8)) {
    case 0:
    case 1:
    case 2:
        return 0;
    case 3:
        return gen_addr_in(ft, sizeof(*e));
    default:
        break;
    }
    e->send_len = gen_msg_len(ft);
    e->send_buf = gen_addr_in(ft, e->send_len);
    e->send_nhandles = rng_one_in(&ft->call, 8) ? (uint32_t)rng_next(&ft->call)
                                                : (uint32_t)rng_below(&ft->call, 6);
    for (unsigned i = 0; i < CAIRN_MSG_HANDLES; i++) {
        e->send_handles[i].handle = (int32_t)gen_handle(ft, CAIRN_OBJ_NONE);
        e->send_handles[i].rights = rng_one_in(&ft->call, 2) ? CAIRN_RIGHTS_SAME : gen_rights(ft);
        e->send_handles[i].flags = rng_one_in(&ft->call, 8) ? (uint32_t)rng_next(&ft->call)
                                                            : (uint32_t)rng_below(&ft->call, 2);
        e->send_handles[i].reserved = rng_one_in(&ft->call, 8) ? 1 : 0;
    }
    if (e->send_nhandles >= 2 && rng_one_in(&ft->call, 4))
        e->send_handles[1].handle = e->send_handles[0].handle; /* named twice */
    e->recv_cap = gen_msg_len(ft);
    e->recv_buf = gen_addr_out(ft, e->recv_cap);
    e->recv_len = e->recv_nhandles = e->recv_flags = 0xdeadbeef;
    for (unsigned i = 0; i < CAIRN_MSG_HANDLES; i++)
        e->recv_handles[i] = -2;
    return (uint64_t)(uintptr_t)e;
}

static void
gen_words(struct fuzz_thread *ft, struct fuzz_call *c)
{
    for (unsigned i = 1; i < 6; i++)
        c->a[i] = gen_word(ft);
}

/* --- one generator per system call (CAIRN_SYSCALL_TABLE) --- */

static void
gen_debug_write(struct fuzz_thread *ft, struct fuzz_call *c)
{
    /* Readable text comes only from the pages of dots, so the log never
     * shows anything that looks like a line of its own. */
    switch (rng_below(&ft->call, 6)) {
    case 0:
        c->a[0] = FUZZ_DOTS_ADDR;
        c->a[1] = rng_below(&ft->call, 2);
        break;
    case 1:
        c->a[0] = FUZZ_VOLATILE + FUZZ_PAGE * 2 - rng_below(&ft->call, 4);
        c->a[1] = rng_below(&ft->call, 3) * FUZZ_PAGE;
        break;
    case 2:
        c->a[0] = gen_bad_addr(ft);
        c->a[1] = rng_below(&ft->call, 8);
        break;
    default:
        c->a[0] = gen_addr_in(ft, 16);
        c->a[1] = CAIRN_DEBUG_WRITE_MAX + 1 + gen_word(ft) % 4;
        break;
    }
}

static void
gen_process_exit(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_word(ft);
    c->result = RES_NORETURN;
}

static void
gen_thread_yield(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    (void)c;
}

static void
gen_thread_sleep(struct fuzz_thread *ft, struct fuzz_call *c)
{
    if (!ft->child && rng_one_in(&ft->call, 256))
        c->a[0] = gen_boundary(ft);
    else
        c->a[0] = rng_below(&ft->call, 4) ? 0 : rng_below(&ft->call, 100000);
}

static void
gen_clock_get(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    c->result = RES_CLOCK;
}

static void
gen_handle_dup(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
    c->a[1] = gen_rights(ft);
    c->result = RES_HANDLE;
}

static void
gen_handle_close(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
}

static void
gen_handle_info(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
    c->a[1] = gen_addr_out(ft, sizeof(struct cairn_handle_info));
}

static void
gen_memobj_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_size(ft);
    /* Mostly charged in full or on touch; now and then any bits. */
    c->a[1] = rng_one_in(&ft->call, 16) ? rng_next(&ft->call) : rng_below(&ft->call, 2);
    c->result = RES_HANDLE;
}

static uint32_t
gen_prot(struct fuzz_thread *ft)
{
    if (rng_one_in(&ft->call, 8))
        return (uint32_t)rng_next(&ft->call);
    return (uint32_t)rng_below(&ft->call, 8);
}

static uint32_t
gen_map_flags(struct fuzz_thread *ft)
{
    if (rng_one_in(&ft->call, 8))
        return (uint32_t)rng_next(&ft->call);
    return (uint32_t)rng_below(&ft->call, 2);
}

static void
gen_vm_map(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_MEMOBJ);
    c->a[1] = gen_offset(ft);
    c->a[2] = gen_size(ft);
    c->a[3] = gen_map_addr(ft);
    c->a[4] = gen_prot(ft);
    c->a[5] = gen_map_flags(ft);
    c->result = RES_MAP;
    c->map_size = c->a[2];
}

static void
gen_vm_unmap(struct fuzz_thread *ft, struct fuzz_call *c)
{
    gen_unmap_range(ft, &c->a[0], &c->a[1]);
}

static void
gen_vm_protect(struct fuzz_thread *ft, struct fuzz_call *c)
{
    gen_unmap_range(ft, &c->a[0], &c->a[1]);
    c->a[2] = gen_prot(ft);
}

/* A child's argument: never one that makes it a worker or a supervisor. */
static uint64_t
gen_child_arg(struct fuzz_thread *ft)
{
    return rng_next(&ft->call) & 0x7fffffffffffffeull;
}

static int
is_device_memory(long handle)
{
    return cairn_memobj_phys(handle, 0) >= 0;
}

static void
gen_process_spawn(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_MEMOBJ);
    c->a[1] = rng_one_in(&ft->call, 2) ? 0 : gen_size(ft);
    c->a[2] = gen_child_arg(ft);
    c->result = RES_HANDLE;
    if ((ft->avoid & FUZZ_AVOID_DEVSPAWN) && is_device_memory((long)c->a[0]))
        c->a[0] = FUZZ_H_IMAGE;
}

static void
gen_process_wait(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = gen_timeout(ft);
    c->a[2] = rng_one_in(&ft->call, 4) ? 0 : gen_addr_out(ft, 8);
}

static void
gen_process_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    c->result = RES_HANDLE;
}

static void
gen_vm_map_into(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = (uint64_t)gen_handle(ft, CAIRN_OBJ_MEMOBJ);
    c->a[2] = gen_offset(ft);
    c->a[3] = gen_size(ft);
    c->a[4] = rng_one_in(&ft->call, 2) ? gen_code_addr(ft) : gen_map_addr(ft);
    c->a[5] = rng_one_in(&ft->call, 8)
                  ? rng_next(&ft->call)
                  : CAIRN_VM_PROT_FLAGS(gen_prot(ft) & 7, gen_map_flags(ft) & 1);
}

static void
gen_vm_unmap_into(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = rng_one_in(&ft->call, 2) ? gen_code_addr(ft) : gen_map_addr(ft);
    c->a[2] = gen_size(ft);
}

static void
gen_thread_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = gen_code_addr(ft);
    c->a[2] = gen_code_addr(ft);
    c->a[3] = gen_word(ft);
    /* At most the workers' priority (process max allowing more): a new
     * thread that spins above them would starve them. */
    c->a[4] = rng_one_in(&ft->call, 4) ? gen_word(ft) | 32 : rng_below(&ft->call, 17);
    c->result = RES_HANDLE;
}

static void
gen_thread_start(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_THREAD);
}

static void
gen_thread_exit(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_word(ft);
    c->result = RES_NORETURN;
}

static void
gen_thread_wait(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_THREAD);
    c->a[1] = gen_timeout(ft);
    c->a[2] = rng_one_in(&ft->call, 4) ? 0 : gen_addr_out(ft, 8);
}

static void
gen_process_kill(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
}

static void
gen_handle_install(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
    c->a[2] = gen_rights(ft);
    /* A process that holds itself (or its own thread) and never runs is
     * never freed; nor are two that hold each other. */
    if (ft->avoid & FUZZ_AVOID_CYCLES) {
        struct cairn_handle_info info;

        if (cairn_handle_info((long)c->a[1], &info) == 0 &&
            (info.type == CAIRN_OBJ_PROCESS || info.type == CAIRN_OBJ_THREAD))
            c->a[1] = (uint64_t)-1;
    }
}

static void
gen_debug_stats(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_addr_out(ft, sizeof(struct cairn_debug_stats));
}

static void
gen_thread_set_cpu(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_THREAD);
    c->a[1] = rng_one_in(&ft->call, 4) ? gen_word(ft) : rng_below(&ft->call, 6) - 1;
}

static void
gen_notify_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    c->result = RES_HANDLE;
}

static void
gen_notify_signal(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
    c->a[1] = gen_word(ft);
}

static void
gen_notify_wait(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
    c->a[1] = gen_timeout(ft);
    /* 0 is libc's way (the bits come back in rsi alone): the fast path. */
    c->a[2] = rng_one_in(&ft->call, 2) ? 0 : gen_addr_out(ft, 8);
    c->bits_in_rsi = 1;
}

static void
gen_endpoint_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    c->result = RES_HANDLE;
}

static void
gen_ipc_call_timed(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_ENDPOINT);
    gen_words(ft, c);
    c->r12 = gen_ext(ft);
    c->r13 = gen_timeout(ft);
    c->ipc = 1;
    c->result = RES_IPC;
}

/* An untimed call waits for a reply as long as it takes: a child, which
 * must end by itself, makes it timed. */
static void
gen_ipc_call(struct fuzz_thread *ft, struct fuzz_call *c)
{
    gen_ipc_call_timed(ft, c);
    if (ft->child)
        c->nr = CAIRN_SYS_ipc_call_timed;
}

static void
gen_ipc_recv(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_ENDPOINT);
    gen_words(ft, c);
    c->a[1] = gen_timeout(ft);
    c->r12 = gen_ext(ft);
    c->ipc = 1;
    c->result = RES_IPC;
}

static void
gen_ipc_reply(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_word(ft);
    gen_words(ft, c);
    c->r12 = gen_ext(ft);
    c->ipc = 1;
    c->result = RES_IPC;
}

static void
gen_ipc_reply_recv(struct fuzz_thread *ft, struct fuzz_call *c)
{
    gen_ipc_recv(ft, c);
    if (ft->child)
        c->nr = CAIRN_SYS_ipc_recv;
}

static void
gen_handle_mint(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_ENDPOINT);
    c->a[1] = gen_rights(ft);
    c->a[2] = gen_word(ft);
    c->result = RES_HANDLE;
}

/* Mostly a good badge: the notices these handles make when they go are
 * what the receives around them must take. */
static void
gen_handle_mint_notify(struct fuzz_thread *ft, struct fuzz_call *c)
{
    gen_handle_mint(ft, c);
    if (rng_one_in(&ft->call, 8))
        c->a[2] = 0;
    else if (c->a[2] == 0)
        c->a[2] = 1;
}

static void
gen_handle_borrow(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
    c->a[1] = gen_rights(ft);
    c->result = RES_HANDLE;
}

static void
gen_handle_revoke(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NONE);
}

static void
gen_quota_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_QUOTA);
    c->a[1] = rng_one_in(&ft->call, 2) ? 1 + rng_below(&ft->call, 64 * FUZZ_PAGE) : gen_size(ft);
    c->result = RES_HANDLE;
}

static void
gen_quota_info(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_QUOTA);
    c->a[1] = gen_addr_out(ft, sizeof(struct cairn_quota_info));
}

static void
gen_process_set_quota(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = (uint64_t)gen_handle(ft, CAIRN_OBJ_QUOTA);
}

static uint32_t
gen_resource_type(struct fuzz_thread *ft)
{
    static const uint32_t types[] = {CAIRN_OBJ_IRQ_RANGE, CAIRN_OBJ_IOPORT, CAIRN_OBJ_PHYS_RANGE};

    return types[rng_below(&ft->call, 3)];
}

static void
gen_resource_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    uint32_t type = gen_resource_type(ft);

    c->a[0] = (uint64_t)gen_handle(ft, type);
    switch (type) {
    case CAIRN_OBJ_IRQ_RANGE:
        c->a[1] = rng_below(&ft->call, CAIRN_IRQ_LINES + 8);
        c->a[2] = rng_below(&ft->call, 16);
        break;
    case CAIRN_OBJ_IOPORT:
        c->a[1] = rng_below(&ft->call, CAIRN_IOPORT_COUNT + 16);
        c->a[2] = rng_below(&ft->call, 64);
        break;
    default:
        c->a[1] = 0xa0000 + FUZZ_PAGE * rng_below(&ft->call, 0x70);
        c->a[2] = FUZZ_PAGE * rng_below(&ft->call, 0x70);
        break;
    }
    if (rng_one_in(&ft->call, 4))
        c->a[1] = gen_boundary(ft);
    if (rng_one_in(&ft->call, 4))
        c->a[2] = gen_boundary(ft);
    c->result = RES_HANDLE;
}

static void
gen_irq_create(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_IRQ_RANGE);
    c->a[1] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, CAIRN_IRQ_LINES + 4);
    c->a[2] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, 16);
    if (rng_one_in(&ft->call, 4)) {
        /* An MSI: line 0 is the only good one. */
        c->a[1] = rng_one_in(&ft->call, 4) ? rng_below(&ft->call, 4) : 0;
        c->a[2] = CAIRN_IRQ_MSI | (rng_one_in(&ft->call, 8) ? rng_below(&ft->call, 8) : 0);
    }
    c->result = RES_HANDLE;
}

static void
gen_irq_bind(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_IRQ);
    c->a[1] =
        rng_one_in(&ft->call, 4) ? (uint64_t)-1 : (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
    c->a[2] = gen_word(ft);
}

static void
gen_irq_ack(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_IRQ);
}

static void
gen_ioport_enable(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_IOPORT);
    c->a[1] = rng_one_in(&ft->call, 3) ? (uint64_t)-1 : (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[2] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, 2);
}

static void
gen_memobj_create_dev(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PHYS_RANGE);
    c->a[1] = rng_one_in(&ft->call, 4) ? gen_boundary(ft)
                                       : 0xa0000 + FUZZ_PAGE * rng_below(&ft->call, 0x60);
    c->a[2] = rng_one_in(&ft->call, 4) ? gen_size(ft) : FUZZ_PAGE * (1 + rng_below(&ft->call, 4));
    c->a[3] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, 4);
    c->result = RES_HANDLE;
}

static void
gen_memobj_create_dma(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PHYS_RANGE);
    c->a[1] = rng_one_in(&ft->call, 2) ? FUZZ_PAGE * (1 + rng_below(&ft->call, 16)) : gen_size(ft);
    c->a[2] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, 3);
    c->result = RES_HANDLE;
}

static void
gen_memobj_phys(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_MEMOBJ);
    c->a[1] = gen_offset(ft);
}

static void
gen_notify_bind(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
}

static void
gen_notify_unbind(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
}

static void
gen_process_watch(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
    c->a[2] = rng_one_in(&ft->call, 8) ? 0 : gen_word(ft);
}

static void
gen_thread_watch(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_THREAD);
    c->a[1] = (uint64_t)gen_handle(ft, CAIRN_OBJ_NOTIFICATION);
    c->a[2] = rng_one_in(&ft->call, 8) ? 0 : gen_word(ft);
}

static void
gen_ipc_reply_save(struct fuzz_thread *ft, struct fuzz_call *c)
{
    (void)ft;
    c->result = RES_HANDLE;
}

static void
gen_ipc_reply_to(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_REPLY);
    gen_words(ft, c);
    c->r12 = gen_ext(ft);
    c->ipc = 1;
    c->result = RES_IPC;
}

/* --- thread-local storage, futexes, process information, priorities --- */

/* A futex word: mostly an aligned word of the scratch pages (which the
 * kernel may write, so its value is known), else anywhere. */
static uint64_t
gen_futex_addr(struct fuzz_thread *ft)
{
    switch (rng_below(&ft->call, 8)) {
    case 0:
        return gen_addr_in(ft, 4); /* often misaligned */
    case 1:
        return gen_bad_addr(ft);
    case 2:
        return gen_addr_in(ft, 4) & ~3ull;
    default:
        return ((uint64_t)(uintptr_t)ft->scratch + rng_below(&ft->call, FUZZ_SCRATCH_SIZE)) & ~3ull;
    }
}

static int
in_scratch(const struct fuzz_thread *ft, uint64_t addr)
{
    uint64_t base = (uint64_t)(uintptr_t)ft->scratch;

    return addr >= base && addr - base <= FUZZ_SCRATCH_SIZE - 4; /* no wrap-around */
}

static void
gen_futex_wait(struct fuzz_thread *ft, struct fuzz_call *c)
{
    uint64_t addr = gen_futex_addr(ft);
    int known = in_scratch(ft, addr) && !(addr & 3);
    uint32_t now = known ? *(volatile uint32_t *)(uintptr_t)addr : 0;

    c->a[0] = addr;
    /* The word's own value waits (a time-out ends it: no one wakes the
     * scratch pages); any other returns at once. */
    if (known && rng_one_in(&ft->call, 2)) {
        c->a[1] = now;
        c->a[2] = rng_one_in(&ft->call, 2) ? 0 : rng_below(&ft->call, 2000000);
    } else {
        c->a[1] = known ? now + 1 + rng_below(&ft->call, 3) : gen_word(ft);
        c->a[2] = known ? gen_timeout(ft) : rng_below(&ft->call, 2000000);
    }
}

static void
gen_futex_wake(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = gen_futex_addr(ft);
    c->a[1] = rng_one_in(&ft->call, 4) ? gen_word(ft) : rng_below(&ft->call, 3);
}

static void
gen_thread_set_tls(struct fuzz_thread *ft, struct fuzz_call *c)
{
    static const uint64_t refused[] = {0x0000800000000000ull, 0xffff800000000000ull,
                                       0xffffffff80000000ull, 0xfffffffffff00000ull, 1ull << 63};

    /* A worker's libc needs its own thread pointer: it gets that back, or
     * a value the kernel must refuse. A child may take anything. */
    if (ft->child && rng_one_in(&ft->call, 4))
        c->a[0] = gen_word(ft);
    else if (rng_one_in(&ft->call, 2))
        c->a[0] = (uint64_t)(uintptr_t)cairn_tls_self();
    else {
        unsigned i = (unsigned)rng_below(&ft->call, sizeof(refused) / sizeof(refused[0]));

        /* Past the first two, an offset could wrap around into user space. */
        c->a[0] = refused[i] + (i < 2 ? rng_below(&ft->call, 1ull << 40) : 0);
    }
}

static void
gen_process_info(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = gen_addr_out(ft, sizeof(struct cairn_process_info));
}

static void
gen_process_set_name(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    /* Printable text comes only from the pages of dots (names reach the
     * log); the scratch pages give bytes the kernel must refuse. */
    c->a[1] = rng_one_in(&ft->call, 2) ? FUZZ_DOTS_ADDR + rng_below(&ft->call, 64)
                                       : gen_addr_in(ft, CAIRN_PROCESS_NAME_MAX);
    c->a[2] = rng_one_in(&ft->call, 8) ? gen_word(ft) : rng_below(&ft->call, 40);
}

/* Priorities: in [low, high], or values the kernel must refuse (31 is
 * above every process's highest). The ranges keep the workers (at the
 * default) running and able to make threads and children at the default. */
static uint64_t
gen_priority(struct fuzz_thread *ft, uint64_t low, uint64_t high)
{
    switch (rng_below(&ft->call, 4)) {
    case 0:
        return CAIRN_PRIORITY_MAX;
    case 1:
        return CAIRN_PRIORITY_MAX + 1 + rng_below(&ft->call, 2) * gen_word(ft);
    default:
        return low + rng_below(&ft->call, high - low + 1);
    }
}

static void
gen_thread_set_prio(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_THREAD);
    c->a[1] = gen_priority(ft, CAIRN_PRIORITY_DEFAULT - 4, CAIRN_PRIORITY_DEFAULT);
}

static void
gen_process_max_prio(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_PROCESS);
    c->a[1] = gen_priority(ft, CAIRN_PRIORITY_DEFAULT, CAIRN_PRIORITY_USER_MAX);
}

/* --- the kernel log, the console and MSIs (include/cairn/console.h, device.h) --- */

static void
gen_klog_read(struct fuzz_thread *ft, struct fuzz_call *c)
{
    uint64_t len = rng_one_in(&ft->call, 8)
                       ? gen_size(ft)
                       : CAIRN_KLOG_READ_MIN - 8 + rng_below(&ft->call, FUZZ_SCRATCH_SIZE / 2);

    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_CONSOLE);
    c->a[1] = rng_one_in(&ft->call, 4) ? gen_word(ft) : rng_below(&ft->call, 100000);
    c->a[2] = gen_addr_out(ft, len);
    c->a[3] = len;
}

static void
gen_console_claim(struct fuzz_thread *ft, struct fuzz_call *c)
{
    /* Workers hold no console: every call here is a bad one. */
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_CONSOLE);
    c->a[1] = rng_one_in(&ft->call, 4) ? gen_word(ft) : rng_below(&ft->call, 4);
    c->result = RES_HANDLE;
}

static void
gen_irq_msi(struct fuzz_thread *ft, struct fuzz_call *c)
{
    c->a[0] = (uint64_t)gen_handle(ft, CAIRN_OBJ_IRQ);
    c->a[1] = gen_addr_out(ft, sizeof(struct cairn_irq_msi));
}

/*
 * A fault handler set on a process or thread that then faults makes the
 * fault wait for an answer for as long as the endpoint is open, and the
 * endpoints a worker holds (the shared one above all) outlive the
 * processes it makes: a random thread that faults at once, or a child with
 * the trap flag set, would wait for ever. So a live endpoint only goes with
 * a target that cannot take it (a bad handle, or one of another type);
 * a process or thread target gets the endpoint -1 (remove) or a bad one.
 */
static void
gen_fault_set_handler(struct fuzz_thread *ft, struct fuzz_call *c)
{
    struct cairn_handle_info info;
    long target = gen_handle(ft, rng_one_in(&ft->call, 2) ? CAIRN_OBJ_PROCESS : CAIRN_OBJ_THREAD);
    long ep = rng_one_in(&ft->call, 3) ? -1 : gen_handle(ft, CAIRN_OBJ_ENDPOINT);

    if (ep != -1 && cairn_handle_info(ep, &info) == 0 && info.type == CAIRN_OBJ_ENDPOINT &&
        cairn_handle_info(target, &info) == 0 &&
        (info.type == CAIRN_OBJ_PROCESS || info.type == CAIRN_OBJ_THREAD)) {
        if (rng_one_in(&ft->call, 2))
            target = ep; /* the wrong type */
        else
            ep = rng_one_in(&ft->call, 2) ? -1 : -2;
    }
    c->a[0] = (uint64_t)target;
    c->a[1] = (uint64_t)ep;
}

/* The table: every system call has a generator, or this fails to compile. */
struct fuzz_entry {
    const char *name;
    fuzz_gen_fn gen;
};

static const struct fuzz_entry fuzz_table[CAIRN_SYSCALL_COUNT] = {
#define FUZZ_ENTRY(number, name, ...) [number] = {#name, gen_##name},
    CAIRN_SYSCALL_TABLE(FUZZ_ENTRY)
#undef FUZZ_ENTRY
};

/* How often each call is picked, relative to the default of 16. Calls
 * that may wait without limit are rare; so are those that only a child
 * makes. */
static unsigned
call_weight(const struct fuzz_thread *ft, uint64_t nr)
{
    switch (nr) {
    case CAIRN_SYS_process_exit:
    case CAIRN_SYS_thread_exit:
        return ft->child ? 4 : 0;
    case CAIRN_SYS_ipc_call:
    case CAIRN_SYS_ipc_reply_recv:
        return 1;
    case CAIRN_SYS_debug_write:
    case CAIRN_SYS_clock_get:
    case CAIRN_SYS_thread_yield:
        return 4;
    case CAIRN_SYS_process_spawn:
    case CAIRN_SYS_thread_sleep:
    case CAIRN_SYS_memobj_create_dma:
        return 8;
    case CAIRN_SYS_handle_close:
    case CAIRN_SYS_vm_map:
    case CAIRN_SYS_ipc_call_timed:
    case CAIRN_SYS_ipc_recv:
        return 24;
    default:
        return 16;
    }
}

/* Numbers outside the table (holes in it, past it, and values whose low
 * 32 bits name a real call). */
static uint64_t
gen_unknown_number(struct fuzz_thread *ft)
{
    static const uint64_t numbers[] = {25, 26, 27, 43, 47, 62, 63, 71, 75, 255, 0x10000};

    switch (rng_below(&ft->call, 4)) {
    case 0:
        return (1ull << 32) + CAIRN_SYS_clock_get;
    case 1:
        return rng_next(&ft->call) | (1ull << 63);
    default:
        return numbers[rng_below(&ft->call, sizeof(numbers) / sizeof(numbers[0]))];
    }
}

static int
is_known_number(uint64_t nr)
{
    return nr < CAIRN_SYSCALL_COUNT && fuzz_table[nr].gen;
}

static uint64_t
gen_number(struct fuzz_thread *ft)
{
    unsigned total = 0, pick;

    if (rng_one_in(&ft->call, 48))
        return gen_unknown_number(ft);
    for (uint64_t nr = 0; nr < CAIRN_SYSCALL_COUNT; nr++)
        total += is_known_number(nr) ? call_weight(ft, nr) : 0;
    pick = (unsigned)rng_below(&ft->call, total);
    for (uint64_t nr = 0; nr < CAIRN_SYSCALL_COUNT; nr++) {
        unsigned w = is_known_number(nr) ? call_weight(ft, nr) : 0;

        if (pick < w)
            return nr;
        pick -= w;
    }
    return CAIRN_SYS_thread_yield;
}

/* Random RFLAGS for the call: never TF in a worker (a single-step trap
 * after the return would end it); in a child sometimes, which may end it. */
static uint64_t
gen_rflags(struct fuzz_thread *ft)
{
    uint64_t f = 0x202; /* IF and the reserved bit 1, as popfq in ring 3 keeps them */

    if (rng_one_in(&ft->call, 4))
        return f;
    f |= rng_next(&ft->call) & RFLAGS_USER;
    if (ft->child && rng_one_in(&ft->call, 32))
        f |= RFLAGS_TF;
    return f;
}

const char *
fuzz_call_name(uint64_t nr)
{
    return is_known_number(nr) ? fuzz_table[nr].name : "unknown";
}

void
fuzz_violation(struct fuzz_thread *ft, const char *fmt, ...)
{
    char why[120];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printf("fuzz: violation: worker %u thread %u call %llu: %s\n", ft->worker, ft->index,
           (unsigned long long)ft->n, why);
    if (ft->slot) {
        if (ft->slot->violations++ == 0)
            snprintf(ft->slot->why, sizeof(ft->slot->why), "thread %u call %llu: %s", ft->index,
                     (unsigned long long)ft->n, why);
    }
}

static void
check_call(struct fuzz_thread *ft, const struct fuzz_call *c, const struct fuzz_regs *in,
           const struct fuzz_regs *out)
{
    static const char *const names[] = {"rdi", "rsi", "rdx", "r10", "r8", "r9"};
    const uint64_t before[6] = {in->rdi, in->rsi, in->rdx, in->r10, in->r8, in->r9};
    const uint64_t after[6] = {out->rdi, out->rsi, out->rdx, out->r10, out->r8, out->r9};
    long ret = (long)out->rax;
    const char *name = fuzz_call_name(c->nr);

    if (ret < 0 && ret < -CAIRN_EREVOKED)
        fuzz_violation(ft, "%s returned %ld, no error code", name, ret);
    if (!is_known_number(c->nr) && ret != -CAIRN_ENOSYS)
        fuzz_violation(ft, "number %#llx returned %ld, not ENOSYS", (unsigned long long)c->nr, ret);
    if (out->rbx != in->rbx || out->r12 != in->r12 || out->r13 != in->r13 || out->r14 != in->r14 ||
        out->r15 != in->r15)
        fuzz_violation(ft, "%s changed rbx or r12-r15", name);
    if (c->bits_in_rsi) {
        /* rsi: the bits taken, never 0 when the wait succeeds, 0 when it
         * fails (but for EFAULT: bits taken and then not stored are still
         * given); every other register as for any call. */
        if (ret == 0 ? out->rsi == 0 : ret != -CAIRN_EFAULT && out->rsi != 0)
            fuzz_violation(ft, "notify_wait returned %ld with rsi %#llx", ret,
                           (unsigned long long)out->rsi);
    }
    for (unsigned i = 0; !c->ipc && i < 6; i++) {
        if (i == 1 && c->bits_in_rsi)
            continue;
        if (after[i] != before[i]) {
            fuzz_violation(ft, "%s changed %s from %#llx to %#llx", name, names[i],
                           (unsigned long long)before[i], (unsigned long long)after[i]);
            break;
        }
    }
    if ((out->rflags & RFLAGS_USER) != (in->rflags & RFLAGS_USER))
        fuzz_violation(ft, "%s returned rflags %#llx, set %#llx", name,
                       (unsigned long long)out->rflags, (unsigned long long)in->rflags);
}

static void
take_result(struct fuzz_thread *ft, const struct fuzz_call *c, long ret)
{
    const struct cairn_msg_ext *e = scratch_ext(ft);

    switch (c->result) {
    case RES_HANDLE:
        if (ret >= 0)
            pool_add_handle(ft, ret);
        break;
    case RES_MAP:
        if (ret >= 0) {
            if ((ret & (FUZZ_PAGE - 1)) || (uint64_t)ret < CAIRN_USER_BASE ||
                (uint64_t)ret + c->map_size > CAIRN_USER_TOP)
                fuzz_violation(ft, "vm_map returned %#lx for %#llx bytes", ret,
                               (unsigned long long)c->map_size);
            else
                pool_add_map(ft, (uint64_t)ret, c->map_size);
        }
        break;
    case RES_IPC:
        if (ret >= 0 && (ret & CAIRN_IPC_CLOSED) && c->r12 == (uint64_t)(uintptr_t)e &&
            e->recv_nhandles != 0xdeadbeef && (e->recv_nhandles != 0 || e->recv_len != 0))
            fuzz_violation(ft, "a close notice came with %u handles and %u bytes", e->recv_nhandles,
                           e->recv_len);
        if (ret >= 0 && c->r12 == (uint64_t)(uintptr_t)e && e->recv_nhandles != 0xdeadbeef) {
            for (unsigned i = 0; i < e->recv_nhandles && i < CAIRN_MSG_HANDLES; i++) {
                if (e->recv_handles[i] >= 0)
                    pool_add_handle(ft, e->recv_handles[i]);
            }
        }
        break;
    case RES_CLOCK:
        if ((uint64_t)ret < ft->last_clock)
            fuzz_violation(ft, "clock_get went back from %llu to %lu",
                           (unsigned long long)ft->last_clock, ret);
        ft->last_clock = (uint64_t)ret;
        break;
    default:
        break;
    }
}

void
fuzz_thread_init(struct fuzz_thread *ft, uint64_t seed, const long *handles, unsigned n)
{
    ft->rng.s = seed;
    ft->call.s = fuzz_mix(seed, 1);
    ft->n = 0;
    ft->nhandles = ft->next_handle = 0;
    ft->nmaps = ft->next_map = 0;
    for (unsigned i = 0; i < n; i++)
        pool_add_handle(ft, handles[i]);
}

void
fuzz_one_call(struct fuzz_thread *ft)
{
    struct fuzz_call c;
    struct fuzz_regs in, out;

    ft->call.s = rng_next(&ft->rng);
    memset(&c, 0, sizeof(c));
    c.nr = gen_number(ft);
    if (is_known_number(c.nr))
        fuzz_table[c.nr].gen(ft, &c);
    else
        for (unsigned i = 0; i < 6; i++)
            c.a[i] = gen_word(ft);
    if (!c.ipc) {
        c.r12 = gen_word(ft);
        c.r13 = gen_word(ft);
    }
    in.rax = c.nr;
    in.rdi = c.a[0];
    in.rsi = c.a[1];
    in.rdx = c.a[2];
    in.r10 = c.a[3];
    in.r8 = c.a[4];
    in.r9 = c.a[5];
    in.r12 = c.r12;
    in.r13 = c.r13;
    in.rbx = rng_next(&ft->call);
    in.r14 = rng_next(&ft->call);
    in.r15 = rng_next(&ft->call);
    in.rflags = gen_rflags(ft);
    if (ft->trace_from && ft->n + 1 >= ft->trace_from)
        printf("fuzz: %u.%u #%llu %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) r12 %#llx r13 "
               "%#llx rflags %#llx\n",
               ft->worker, ft->index, (unsigned long long)ft->n + 1, fuzz_call_name(c.nr),
               (unsigned long long)c.a[0], (unsigned long long)c.a[1], (unsigned long long)c.a[2],
               (unsigned long long)c.a[3], (unsigned long long)c.a[4], (unsigned long long)c.a[5],
               (unsigned long long)c.r12, (unsigned long long)c.r13, (unsigned long long)in.rflags);
    out = in;
    if (ft->slot) {
        ft->slot->in_args[ft->index][0] = c.a[0];
        ft->slot->in_args[ft->index][1] = c.a[1];
        ft->slot->in_call[ft->index] = (uint32_t)c.nr + 1;
    }
    fuzz_syscall(&out);
    if (ft->slot)
        ft->slot->in_call[ft->index] = 0;
    ft->n++;
    if (ft->trace_from && ft->n >= ft->trace_from)
        printf("fuzz: %u.%u #%llu = %ld\n", ft->worker, ft->index, (unsigned long long)ft->n,
               (long)out.rax);
    check_call(ft, &c, &in, &out);
    take_result(ft, &c, (long)out.rax);
}
