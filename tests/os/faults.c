// SPDX-License-Identifier: MIT
/*
 * User-mode tests of faults to a supervisor (docs/ipc.md, "Faults"): a
 * user-space pager that maps the missing page and resumes the faulting
 * load; the registers a fault reports; a handler that moves rip past the
 * faulting instruction; breakpoints, single steps, divide errors, handlers that end the
 * thread or the process, that drop the reply or answer badly, that die
 * while the fault waits; a thread's handler before its process's; a
 * process that handles its own faults with nobody receiving; a kill
 * while the fault waits; every bad input of fault_set_handler; the
 * backtrace a fault carries, through three calls and through corrupt
 * frame pointers (kernel, unmapped, unaligned, non-canonical, looping).
 *
 * The faulting side is this program again, started by test_spawn with a
 * mode (CHILD_*): it sets its own process's (or thread's) exception
 * endpoint to the extra handle it was given, then faults. The test, the
 * handler, receives on the endpoint.
 */
#include <string.h>

#include <cairn/fault.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

enum child_mode {
    CHILD_PAGER_LOAD = 100, /* load from PAGER_ADDR, exit 0 if it reads PAGER_MAGIC */
    CHILD_UD2_REGS,         /* known values in the registers, then ud2 */
    CHILD_UD2_SKIP,         /* ud2, then exit 0 if the handler set rbx to SKIP_RBX */
    CHILD_INT3,             /* int3, then exit 0 */
    CHILD_DIVIDE,           /* divide by zero */
    CHILD_UD2,              /* just ud2 */
    CHILD_UD2_THREAD,       /* extra 0 for the process, extra 1 for the thread, then ud2 */
    CHILD_SIGNAL_UD2,       /* signal extra 1 (bit 1), then ud2 */
    CHILD_SELF_LOOP,        /* its own endpoint, nobody receiving, then ud2 */
    CHILD_NO_HANDLER,       /* set extra 0, remove it again, then ud2 */
    CHILD_HANG,             /* sleep until killed */
    CHILD_SINGLE_STEP,      /* set the trap flag, then exit 0 once it is clear again */
    CHILD_DEEP,             /* ud2 three calls deep: child_main, deep_a, deep_b, deep_c */
    CHILD_RBP_KERNEL,       /* ud2 with rbp a kernel address */
    CHILD_RBP_UNMAPPED,     /* ud2 with rbp in no mapping */
    CHILD_RBP_SELF,         /* ud2 with rbp a frame whose saved rbp is itself */
    CHILD_RBP_ODD,          /* ud2 with rbp not 8-byte aligned */
    CHILD_RBP_NONCANONICAL, /* ud2 with rbp a non-canonical address */
};

#define PAGER_ADDR  0x0000500000000000ull
#define PAGER_MAGIC 0x7061676572ull
#define SKIP_RBX    0x5eedull
#define REG(n)      (0xfa00000000000000ull + (n))
#define SELF_RET    0x1234ull /* the return address of CHILD_RBP_SELF's frame */

#define ENDPOINT_SIGNAL_ONLY (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* --- the faulting side ---------------------------------------------------------------------- */

static volatile int deep_sink;

static __attribute__((noipa)) int
deep_leaf(int x)
{
    return x * 2;
}

/* Three frames for the backtrace: not inlined, cloned or tail-called, so
 * each return address lies inside its caller. deep_c makes a call: gcc
 * gives a leaf that needs no stack no frame of its own. */
static __attribute__((noipa)) int
deep_c(int x)
{
    int r = deep_leaf(x);

    /* rbp as an input: the ud2 stays inside the frame (gcc moves what
     * does not depend on rbp across its prologue and epilogue). */
    __asm__ volatile("ud2" : : "r"(__builtin_frame_address(0)) : "memory");
    return r + 1;
}

static __attribute__((noipa)) int
deep_b(int x)
{
    int r = deep_c(x + 1);

    deep_sink = r;
    return r;
}

static __attribute__((noipa)) int
deep_a(int x)
{
    int r = deep_b(x + 1);

    deep_sink = r;
    return r;
}

/* ud2 with rbp = value; the child never resumes, so rbp need not come
 * back. */
static void
ud2_with_rbp(uint64_t value)
{
    __asm__ volatile("mov %0, %%rbp\n\tud2" : : "r"(value) : "memory");
}

static __attribute__((noipa)) int
child_main(unsigned long mode)
{
    long ep = test_extra_handle(0);
    uint64_t rbx = 0;

    if (mode == CHILD_SELF_LOOP)
        ep = cairn_endpoint_create();
    if (mode != CHILD_HANG && cairn_fault_set_handler(CAIRN_INIT_HANDLE_PROCESS, ep) != 0)
        return 90;
    switch (mode) {
    case CHILD_PAGER_LOAD:
        return *(volatile uint64_t *)PAGER_ADDR == PAGER_MAGIC ? 0 : 1;
    case CHILD_UD2_REGS:
        __asm__ volatile("mov %0, %%rax\n\tmov %1, %%rbx\n\tmov %2, %%rcx\n\tmov %3, %%rdx\n\t"
                         "mov %4, %%rsi\n\tmov %5, %%rdi\n\tmov %6, %%r8\n\tmov %7, %%r9\n\t"
                         "mov %8, %%r10\n\tmov %9, %%r11\n\tmov %10, %%r12\n\tmov %11, %%r13\n\t"
                         "mov %12, %%r14\n\tmov %13, %%r15\n\tud2"
                         :
                         : "i"(REG(0)), "i"(REG(1)), "i"(REG(2)), "i"(REG(3)), "i"(REG(4)),
                           "i"(REG(5)), "i"(REG(8)), "i"(REG(9)), "i"(REG(10)), "i"(REG(11)),
                           "i"(REG(12)), "i"(REG(13)), "i"(REG(14)), "i"(REG(15))
                         : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                           "r12", "r13", "r14", "r15", "memory");
        return 1;
    case CHILD_UD2_SKIP:
        __asm__ volatile("xor %%ebx, %%ebx\n\tud2\n\tmov %%rbx, %0" : "=r"(rbx) : : "rbx");
        return rbx == SKIP_RBX ? 0 : 1;
    case CHILD_INT3:
        __asm__ volatile("int3");
        return 0;
    case CHILD_DIVIDE: {
        volatile uint32_t zero = 0;
        uint32_t q = 1, d = zero;
        __asm__ volatile("xor %%edx, %%edx\n\tdivl %1" : "+a"(q) : "r"(d) : "rdx");
        return (int)q;
    }
    case CHILD_UD2_THREAD:
        if (cairn_fault_set_handler(CAIRN_INIT_HANDLE_THREAD, test_extra_handle(1)) != 0)
            return 91;
        break;
    case CHILD_SIGNAL_UD2:
        cairn_notify_signal(test_extra_handle(1), 1);
        break;
    case CHILD_NO_HANDLER:
        if (cairn_fault_set_handler(CAIRN_INIT_HANDLE_PROCESS, CAIRN_HANDLE_INVALID) != 0)
            return 92;
        break;
    case CHILD_SINGLE_STEP:
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n\tnop" ::: "memory");
        return 0;
    case CHILD_DEEP:
        rbx = (uint64_t)deep_a(1); /* not a tail call: child_main's frame stays */
        deep_sink = (int)rbx;
        return 1;
    case CHILD_RBP_KERNEL:
        ud2_with_rbp(0xffffffff80001000ull);
        break;
    case CHILD_RBP_UNMAPPED:
        ud2_with_rbp(0x0000600000000000ull);
        break;
    case CHILD_RBP_ODD:
        ud2_with_rbp(0x0000600000000003ull);
        break;
    case CHILD_RBP_NONCANONICAL:
        ud2_with_rbp(0x8000000000001000ull);
        break;
    case CHILD_RBP_SELF:
        /* A frame on the stack: its saved rbp is its own address. */
        __asm__ volatile("sub $16, %%rsp\n\tmov %%rsp, (%%rsp)\n\tmovq %0, 8(%%rsp)\n\t"
                         "mov %%rsp, %%rbp\n\tud2"
                         :
                         : "i"(SELF_RET)
                         : "memory");
        break;
    case CHILD_HANG:
        for (;;)
            cairn_thread_sleep(1000 * MS_NS);
    default:
        break;
    }
    __builtin_trap(); /* ud2 */
}

/* --- the handler's side --------------------------------------------------------------------- */

struct fault {
    struct cairn_msg m;
    struct cairn_msg_ext ext;
    struct cairn_fault_msg msg;
    uint64_t badge;
};

/* Receive one fault on ep (5 s at most): the ipc_recv result. */
static long
fault_recv(long ep, struct fault *f)
{
    memset(f, 0, sizeof(*f));
    f->ext.recv_buf = (uint64_t)&f->msg;
    f->ext.recv_cap = sizeof(f->msg);
    f->m.ext = &f->ext;
    return cairn_ipc_recv(ep, &f->m, 5000 * MS_NS, &f->badge);
}

/* Answer the fault received last with action; with regs, resume with them. */
static long
fault_answer(uint64_t action, const struct cairn_fault_regs *regs)
{
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{action, regs ? CAIRN_FAULT_SET_REGS : 0}, regs ? &ext : NULL};

    ext.send_buf = (uint64_t)regs;
    ext.send_len = regs ? sizeof(*regs) : 0;
    return cairn_ipc_reply(&m);
}

/* A child in mode with a SIGNAL-only handle to ep (and extra2, if not -1). */
static long
spawn_faulting(uint64_t mode, long ep, long extra2)
{
    long extra[2] = {cairn_handle_dup(ep, ENDPOINT_SIGNAL_ONLY), extra2};
    long child = test_spawn("test-faults", mode, extra, extra2 >= 0 ? 2 : 1);

    cairn_handle_close(extra[0]);
    return child;
}

/* Fails unless child ends (5 s at most) with status want; closes it. */
static void
expect_end(long child, int64_t want)
{
    int64_t status = 0;

    expect_ret("process_wait", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != want)
        test_fail("the child ended with %ld, not %ld", (long)status, (long)want);
    cairn_handle_close(child);
}

static void
page_fault_resumed_after_the_handler_maps_the_page(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), mo = cairn_memobj_create(4096, 0), child;
    struct fault f;
    long va;

    va = cairn_vm_map(mo, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (va < 0) {
        test_fail("vm_map returned %ld", va);
        return;
    }
    *(volatile uint64_t *)va = PAGER_MAGIC;
    child = spawn_faulting(CHILD_PAGER_LOAD, ep, -1);
    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.m.w[0] != CAIRN_FAULT_VEC_PAGE || f.m.w[2] != PAGER_ADDR || (f.m.w[1] & 1))
        test_fail("fault vector %lu address %lx error %lx", (unsigned long)f.m.w[0],
                  (unsigned long)f.m.w[2], (unsigned long)f.m.w[1]);
    if (f.ext.recv_len != CAIRN_FAULT_MSG_LEN(f.msg.depth))
        test_fail("%u bytes for a trace of %lu", f.ext.recv_len, (unsigned long)f.msg.depth);
    expect_ret("vm_map_into",
               cairn_vm_map_into(child, mo, 0, 4096, PAGER_ADDR,
                                 CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ, CAIRN_MAP_FIXED)),
               (long)PAGER_ADDR);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, NULL), 0);
    expect_end(child, 0);
    cairn_vm_unmap((uint64_t)va, 4096);
    cairn_handle_close(mo);
    cairn_handle_close(ep);
    expect_stats(&before, "after the pager");
}

static void
fault_reports_the_registers_and_the_handler_ends_the_process(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_UD2_REGS, ep, -1);
    struct cairn_process_info info;
    const uint64_t *r;
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    r = &f.msg.regs.rax;
    if (f.m.w[0] != CAIRN_FAULT_VEC_INVALID_OP || f.m.w[1] != 0 || f.m.w[2] != 0)
        test_fail("vector %lu error %lu address %lx", (unsigned long)f.m.w[0],
                  (unsigned long)f.m.w[1], (unsigned long)f.m.w[2]);
    /* rax rbx rcx rdx rsi rdi, then r8 .. r15 (rbp and rsp are the program's). */
    for (unsigned i = 0; i < 6; i++) {
        if (r[i] != REG(i))
            test_fail("register %u is %lx", i, (unsigned long)r[i]);
    }
    for (unsigned i = 8; i < 16; i++) {
        if (r[i] != REG(i))
            test_fail("r%u is %lx", i, (unsigned long)r[i]);
    }
    if (f.msg.regs.rip < CAIRN_USER_BASE || f.msg.regs.rip >= 0x10000000 ||
        ((const uint8_t *)f.msg.regs.rip)[0] != 0x0f ||
        ((const uint8_t *)f.msg.regs.rip)[1] != 0x0b)
        test_fail("rip %lx is not a ud2", (unsigned long)f.msg.regs.rip);
    if (!(f.msg.regs.rflags & 0x200) || f.msg.regs.rsp == 0 || f.msg.regs.fs_base == 0)
        test_fail("rflags %lx rsp %lx fs %lx", (unsigned long)f.msg.regs.rflags,
                  (unsigned long)f.msg.regs.rsp, (unsigned long)f.msg.regs.fs_base);
    if (cairn_process_info(child, &info) == 0 && info.pid != f.m.w[4])
        test_fail("pid %lu in the message, %u in process_info", (unsigned long)f.m.w[4],
                  (unsigned)info.pid);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_PROCESS, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ep);
}

/* Is a return address inside fn (at most len bytes long), after its start? */
static int
returns_into(uint64_t ret, const void *fn, uint64_t len)
{
    return ret > (uint64_t)(uintptr_t)fn && ret <= (uint64_t)(uintptr_t)fn + len;
}

static void
fault_reports_a_backtrace_of_the_callers(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_DEEP, ep, -1);
    const uint64_t *t;
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    t = f.msg.trace;
    if (f.msg.regs.rip < (uint64_t)(uintptr_t)deep_c ||
        f.msg.regs.rip >= (uint64_t)(uintptr_t)deep_c + 64)
        test_fail("rip %lx is not in deep_c at %p", (unsigned long)f.msg.regs.rip, (void *)deep_c);
    if (f.msg.depth < 3 || f.msg.depth > CAIRN_FAULT_TRACE_MAX ||
        f.ext.recv_len != CAIRN_FAULT_MSG_LEN(f.msg.depth))
        test_fail("depth %lu in %u bytes", (unsigned long)f.msg.depth, f.ext.recv_len);
    else if (!returns_into(t[0], deep_b, 64) || !returns_into(t[1], deep_a, 64) ||
             !returns_into(t[2], child_main, 0x800))
        test_fail("trace %lx %lx %lx (depth %lu), not into deep_b %p, deep_a %p, child_main %p",
                  (unsigned long)t[0], (unsigned long)t[1], (unsigned long)t[2],
                  (unsigned long)f.msg.depth, (void *)deep_b, (void *)deep_a, (void *)child_main);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_PROCESS, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));

    /* A handler with room for the registers alone gets them, truncated. */
    child = spawn_faulting(CHILD_DEEP, ep, -1);
    memset(&f, 0, sizeof(f));
    f.ext.recv_buf = (uint64_t)&f.msg.regs;
    f.ext.recv_cap = sizeof(f.msg.regs);
    f.m.ext = &f.ext;
    expect_ret("ipc_recv of the registers", cairn_ipc_recv(ep, &f.m, 5000 * MS_NS, NULL),
               CAIRN_MSG_TRUNCATED);
    if (f.ext.recv_len != sizeof(f.msg.regs) || f.msg.regs.rip < (uint64_t)(uintptr_t)deep_c ||
        f.msg.depth != 0)
        test_fail("%u bytes, rip %lx", f.ext.recv_len, (unsigned long)f.msg.regs.rip);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_PROCESS, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ep);
}

/* A frame pointer that leads nowhere ends the walk at once: the kernel
 * reads nothing it should not and goes on. */
static void
corrupt_frame_pointers_give_a_short_backtrace(void)
{
    static const struct {
        uint64_t mode, depth;
    } cases[] = {
        {CHILD_RBP_KERNEL, 0}, {CHILD_RBP_UNMAPPED, 0},     {CHILD_RBP_ODD, 0},
        {CHILD_RBP_SELF, 1},   {CHILD_RBP_NONCANONICAL, 0},
    };
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    struct fault f;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long child = spawn_faulting(cases[i].mode, ep, -1);

        expect_ret("ipc_recv", fault_recv(ep, &f), 0);
        if (f.m.w[0] != CAIRN_FAULT_VEC_INVALID_OP || f.msg.depth != cases[i].depth ||
            f.ext.recv_len != CAIRN_FAULT_MSG_LEN(cases[i].depth))
            test_fail("mode %lu: vector %lu, depth %lu in %u bytes", (unsigned long)cases[i].mode,
                      (unsigned long)f.m.w[0], (unsigned long)f.msg.depth, f.ext.recv_len);
        else if (cases[i].depth == 1 && f.msg.trace[0] != SELF_RET)
            test_fail("the looping frame gave %lx", (unsigned long)f.msg.trace[0]);
        expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_PROCESS, NULL), 0);
        expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    }
    cairn_handle_close(ep);
    expect_stats(&before, "after the corrupt frames");
}

static void
handler_moves_rip_past_the_faulting_instruction(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_UD2_SKIP, ep, -1);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    f.msg.regs.rip += 2; /* ud2 */
    f.msg.regs.rbx = SKIP_RBX;
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, &f.msg.regs), 0);
    expect_end(child, 0);
    cairn_handle_close(ep);
}

/* The same, answered later through a reply object, by a receive that had
 * no room for the registers (they are then flagged truncated). */
static void
handler_answers_later_through_a_reply_object(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_UD2_SKIP, ep, -1), reply;
    struct cairn_msg_ext ext = {0}, answer_ext = {0};
    struct cairn_msg m = {{0}, &ext};
    struct cairn_fault_regs regs;
    struct fault f;

    expect_ret("ipc_recv", cairn_ipc_recv(ep, &m, 5000 * MS_NS, NULL), CAIRN_MSG_TRUNCATED);
    if (m.w[0] != CAIRN_FAULT_VEC_INVALID_OP || ext.recv_len != 0)
        test_fail("vector %lu, %u bytes", (unsigned long)m.w[0], ext.recv_len);
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        test_fail("ipc_reply_save returned %ld", reply);
        return;
    }
    /* Meanwhile another fault, answered at once; then the first. */
    {
        long other = spawn_faulting(CHILD_INT3, ep, -1);
        expect_ret("ipc_recv", fault_recv(ep, &f), 0);
        expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, NULL), 0);
        expect_end(other, 0);
    }
    /* Resumed as it was, the thread retries the ud2 and faults again; the
     * second fault, with its registers this time, is answered with new ones. */
    m = (struct cairn_msg){{CAIRN_FAULT_RESUME, 0}, NULL};
    expect_ret("ipc_reply_to", cairn_ipc_reply_to(reply, &m), 0);
    cairn_handle_close(reply);
    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    reply = cairn_ipc_reply_save();
    regs = f.msg.regs;
    regs.rip += 2;
    regs.rbx = SKIP_RBX;
    answer_ext.send_buf = (uint64_t)&regs;
    answer_ext.send_len = sizeof(regs);
    m = (struct cairn_msg){{CAIRN_FAULT_RESUME, CAIRN_FAULT_SET_REGS}, &answer_ext};
    expect_ret("ipc_reply_to with registers", cairn_ipc_reply_to(reply, &m), 0);
    cairn_handle_close(reply);
    expect_end(child, 0);
    cairn_handle_close(ep);
    expect_stats(&before, "after the deferred answers");
}

static void
int3_arrives_as_a_breakpoint_and_resumes_after_it(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_INT3, ep, -1);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.m.w[0] != CAIRN_FAULT_VEC_BREAKPOINT || ((const uint8_t *)f.msg.regs.rip)[-1] != 0xcc)
        test_fail("vector %lu, rip %lx not after an int3", (unsigned long)f.m.w[0],
                  (unsigned long)f.msg.regs.rip);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, NULL), 0);
    expect_end(child, 0);
    cairn_handle_close(ep);
}

static void
trap_flag_arrives_as_debug_and_the_handler_clears_it(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_SINGLE_STEP, ep, -1);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.m.w[0] != CAIRN_FAULT_VEC_DEBUG || !(f.msg.regs.rflags & 0x100))
        test_fail("vector %lu, rflags %lx", (unsigned long)f.m.w[0],
                  (unsigned long)f.msg.regs.rflags);
    f.msg.regs.rflags &= ~0x100ull;
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, &f.msg.regs), 0);
    expect_end(child, 0);
    cairn_handle_close(ep);
}

static void
divide_error_arrives_and_the_handler_ends_the_thread(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_DIVIDE, ep, -1);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.m.w[0] != CAIRN_FAULT_VEC_DIVIDE)
        test_fail("vector %lu", (unsigned long)f.m.w[0]);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_THREAD, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_DIVIDE));
    cairn_handle_close(ep);
}

static void
dropped_reply_ends_the_process_with_the_fault_status(void)
{
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_UD2, ep, -1), reply;
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    reply = cairn_ipc_reply_save();
    if (reply < 0)
        test_fail("ipc_reply_save returned %ld", reply);
    expect_ret("handle_close", cairn_handle_close(reply), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ep);
}

static void
bad_answers_end_the_process_with_the_fault_status(void)
{
    static const uint64_t bad_rip[] = {CAIRN_USER_TOP, 0x0000800000000000ull,
                                       0xffff800000000000ull};
    long ep = cairn_endpoint_create();
    struct fault f;

    for (unsigned i = 0; i < 9; i++) {
        long child = spawn_faulting(CHILD_UD2, ep, -1);

        expect_ret("ipc_recv", fault_recv(ep, &f), 0);
        if (i < 3)
            f.msg.regs.rip = bad_rip[i];
        else if (i == 3)
            f.msg.regs.rflags |= 3ull << 12; /* IOPL 3 */
        else if (i == 4)
            f.msg.regs.rflags &= ~0x200ull; /* IF off */
        if (i < 5) {
            expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_RESUME, &f.msg.regs), 0);
        } else if (i < 7) {
            /* The registers and a word more, or a word less. */
            static uint64_t buf[sizeof(struct cairn_fault_regs) / 8 + 1];
            struct cairn_msg_ext ext = {.send_buf = (uint64_t)buf};
            struct cairn_msg m = {{CAIRN_FAULT_RESUME, CAIRN_FAULT_SET_REGS}, &ext};

            memcpy(buf, &f.msg.regs, sizeof(f.msg.regs));
            ext.send_len = i == 5 ? sizeof(buf) : sizeof(f.msg.regs) - 8;
            expect_ret("ipc_reply", cairn_ipc_reply(&m), 0);
        } else if (i == 7) {
            struct cairn_msg m = {{CAIRN_FAULT_RESUME, 2}, NULL}; /* no such flag */
            expect_ret("ipc_reply", cairn_ipc_reply(&m), 0);
        } else {
            struct cairn_msg m = {{99}, NULL}; /* no such action */
            expect_ret("ipc_reply", cairn_ipc_reply(&m), 0);
        }
        expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    }
    cairn_handle_close(ep);
}

static void
no_handler_keeps_the_fault_status(void)
{
    long ep = cairn_endpoint_create();

    expect_end(spawn_faulting(CHILD_NO_HANDLER, ep, -1),
               CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    expect_end(test_spawn("test-faults", CHILD_UD2 + 1000, NULL, 0),
               CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ep);
}

static void
thread_handler_comes_before_the_process_handler(void)
{
    long ep = cairn_endpoint_create();
    long by_process = cairn_handle_mint(ep, ENDPOINT_SIGNAL_ONLY, 1);
    long by_thread = cairn_handle_mint(ep, ENDPOINT_SIGNAL_ONLY, 2);
    long extra[2] = {by_process, by_thread};
    long child = test_spawn("test-faults", CHILD_UD2_THREAD, extra, 2);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.badge != 2)
        test_fail("the fault came with badge %lu, not the thread's", (unsigned long)f.badge);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_PROCESS, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(by_process);
    cairn_handle_close(by_thread);
    cairn_handle_close(ep);
}

static volatile int go_fault;

static long
fault_when_told(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&go_fault, __ATOMIC_ACQUIRE))
        cairn_thread_yield();
    __builtin_trap();
}

/* A thread of this very process faults to a handler on its thread; the
 * test's own thread answers, ending that thread alone. A second process
 * holds a receive right too, so the fault waits for a receiver. */
static void
handler_ends_one_thread_and_its_process_goes_on(void)
{
    struct cairn_debug_stats before = (go_fault = 0, stats_now());
    long ep = cairn_endpoint_create();
    long holder = test_spawn("test-faults", CHILD_HANG, &ep, 1);
    struct test_thread t;
    int64_t status = 0;
    struct fault f;

    if (test_thread_start(&t, fault_when_told, NULL) != 0)
        return;
    expect_ret("fault_set_handler", cairn_fault_set_handler(t.handle, ep), 0);
    __atomic_store_n(&go_fault, 1, __ATOMIC_RELEASE);
    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    if (f.m.w[0] != CAIRN_FAULT_VEC_INVALID_OP || f.msg.regs.fs_base == 0)
        test_fail("vector %lu fs %lx", (unsigned long)f.m.w[0], (unsigned long)f.msg.regs.fs_base);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_THREAD, NULL), 0);
    expect_ret("thread_join", test_thread_join(&t, 5000 * MS_NS, &status), 0);
    if (status != CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP))
        test_fail("the thread ended with %ld", (long)status);
    test_thread_free(&t);
    expect_ret("process_kill", cairn_process_kill(holder), 0);
    expect_end(holder, CAIRN_STATUS_KILLED);
    cairn_handle_close(ep);
    expect_stats(&before, "after the thread's fault");
}

static void
handler_process_dying_ends_the_waiting_fault(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), ntfn = cairn_notify_create();
    long handler = test_spawn("test-faults", CHILD_HANG, &ep, 1), child;
    uint64_t bits = 0;

    /* From now on only the handler holds the endpoint's receive right. */
    child = spawn_faulting(CHILD_SIGNAL_UD2, ep, ntfn);
    cairn_handle_close(ep);
    expect_ret("notify_wait", cairn_notify_wait(ntfn, 5000 * MS_NS, &bits), 0);
    expect_ret("process_kill", cairn_process_kill(handler), 0);
    expect_end(handler, CAIRN_STATUS_KILLED);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ntfn);
    expect_stats(&before, "after the handler died");
}

static void
killing_a_process_whose_fault_waits_ends_it(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), child = spawn_faulting(CHILD_UD2, ep, -1);
    struct fault f;

    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    expect_ret("process_kill", cairn_process_kill(child), 0);
    expect_end(child, CAIRN_STATUS_KILLED);
    expect_ret("ipc_reply to the killed", fault_answer(CAIRN_FAULT_RESUME, NULL), -CAIRN_ECLOSED);
    cairn_handle_close(ep);
    expect_stats(&before, "after the kill");
}

static void
process_handling_its_own_faults_with_no_receiver_ends(void)
{
    expect_end(test_spawn("test-faults", CHILD_SELF_LOOP, NULL, 0),
               CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
}

static void
fault_set_handler_refuses_bad_input(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), ntfn = cairn_notify_create();
    long self_read = cairn_handle_dup(CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_READ);
    long thread_read = cairn_handle_dup(CAIRN_INIT_HANDLE_THREAD, CAIRN_RIGHT_READ);
    long ep_wait = cairn_handle_dup(ep, CAIRN_RIGHT_WAIT);
    long borrowed = cairn_handle_borrow(ep, CAIRN_RIGHT_SIGNAL);
    long self = CAIRN_INIT_HANDLE_PROCESS, thread = CAIRN_INIT_HANDLE_THREAD;

    expect_ret("bad target", cairn_fault_set_handler(12345, ep), -CAIRN_EBADH);
    expect_ret("invalid target", cairn_fault_set_handler(-1, ep), -CAIRN_EBADH);
    expect_ret("target a notification", cairn_fault_set_handler(ntfn, ep), -CAIRN_EWRONGTYPE);
    expect_ret("target an endpoint", cairn_fault_set_handler(ep, ep), -CAIRN_EWRONGTYPE);
    expect_ret("process without MANAGE", cairn_fault_set_handler(self_read, ep), -CAIRN_ERIGHTS);
    expect_ret("thread without MANAGE", cairn_fault_set_handler(thread_read, ep), -CAIRN_ERIGHTS);
    expect_ret("bad endpoint", cairn_fault_set_handler(self, 12345), -CAIRN_EBADH);
    expect_ret("endpoint a notification", cairn_fault_set_handler(self, ntfn), -CAIRN_EWRONGTYPE);
    expect_ret("endpoint a process", cairn_fault_set_handler(thread, self), -CAIRN_EWRONGTYPE);
    expect_ret("endpoint without SIGNAL", cairn_fault_set_handler(self, ep_wait), -CAIRN_ERIGHTS);
    /* Good calls: set, replace, through a borrowed handle, remove. */
    expect_ret("set on the process", cairn_fault_set_handler(self, ep), 0);
    expect_ret("set on the thread", cairn_fault_set_handler(thread, borrowed), 0);
    expect_ret("replace", cairn_fault_set_handler(self, ep), 0);
    expect_ret("remove", cairn_fault_set_handler(self, CAIRN_HANDLE_INVALID), 0);
    expect_ret("remove", cairn_fault_set_handler(thread, CAIRN_HANDLE_INVALID), 0);
    expect_ret("remove again", cairn_fault_set_handler(thread, CAIRN_HANDLE_INVALID), 0);
    cairn_handle_close(borrowed);
    cairn_handle_close(ep_wait);
    cairn_handle_close(thread_read);
    cairn_handle_close(self_read);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
    expect_stats(&before, "after the bad inputs");
}

/* The handler set on a process lives no longer than the process: an
 * endpoint whose last handle is closed while a process (and a thread) name
 * it is freed with them. */
static void
handlers_of_ended_processes_leak_nothing(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    long by_process = cairn_handle_mint(ep, ENDPOINT_SIGNAL_ONLY, 1);
    long by_thread = cairn_handle_mint(ep, ENDPOINT_SIGNAL_ONLY, 2);
    long extra[2] = {by_process, by_thread}, child;
    struct fault f;

    child = test_spawn("test-faults", CHILD_UD2_THREAD, extra, 2);
    cairn_handle_close(by_process);
    cairn_handle_close(by_thread);
    expect_ret("ipc_recv", fault_recv(ep, &f), 0);
    expect_ret("ipc_reply", fault_answer(CAIRN_FAULT_KILL_THREAD, NULL), 0);
    expect_end(child, CAIRN_STATUS_FAULT(CAIRN_FAULT_VEC_INVALID_OP));
    cairn_handle_close(ep);
    expect_stats(&before, "after the child with handlers ended");
}

static const struct usertest tests[] = {
    USERTEST(page_fault_resumed_after_the_handler_maps_the_page),
    USERTEST(fault_reports_the_registers_and_the_handler_ends_the_process),
    USERTEST(fault_reports_a_backtrace_of_the_callers),
    USERTEST(corrupt_frame_pointers_give_a_short_backtrace),
    USERTEST(handler_moves_rip_past_the_faulting_instruction),
    USERTEST(handler_answers_later_through_a_reply_object),
    USERTEST(int3_arrives_as_a_breakpoint_and_resumes_after_it),
    USERTEST(trap_flag_arrives_as_debug_and_the_handler_clears_it),
    USERTEST(divide_error_arrives_and_the_handler_ends_the_thread),
    USERTEST(dropped_reply_ends_the_process_with_the_fault_status),
    USERTEST(bad_answers_end_the_process_with_the_fault_status),
    USERTEST(no_handler_keeps_the_fault_status),
    USERTEST(thread_handler_comes_before_the_process_handler),
    USERTEST(handler_ends_one_thread_and_its_process_goes_on),
    USERTEST(handler_process_dying_ends_the_waiting_fault),
    USERTEST(killing_a_process_whose_fault_waits_ends_it),
    USERTEST(process_handling_its_own_faults_with_no_receiver_ends),
    USERTEST(fault_set_handler_refuses_bad_input),
    USERTEST(handlers_of_ended_processes_leak_nothing),
};

/* What the leak checks must not count, made once before them: the
 * loader's page tables for a child, a grown handle table. */
static void
warm_up(void)
{
    long child = test_spawn("test-faults", CHILD_UD2 + 1000, NULL, 0);

    if (child >= 0) {
        cairn_process_wait(child, 5000 * MS_NS, NULL);
        cairn_handle_close(child);
    }
}

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= 1000)
        __builtin_trap(); /* a child with no handler at all */
    if (mode >= CHILD_PAGER_LOAD)
        return child_main(mode);
    warm_up();
    return harness_run("faults", tests, sizeof(tests) / sizeof(tests[0]));
}
