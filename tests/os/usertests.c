// SPDX-License-Identifier: MIT
/*
 * The user-mode tests of the first system calls, in one table: each entry
 * is one function whose name states the behaviour it checks (harness.h).
 * This program is the boot module test-usertests, which init runs in a
 * test boot.
 *
 * The tests assume the entry state of include/cairn/init.h (the stack
 * just below CAIRN_USER_STACK_TOP with unmapped pages on both sides, nothing
 * mapped at 0x10000000, init's handle layout) and the syscall contract from
 * docs/syscalls.md. They must not fault: a fault ends the program, and with
 * it the run. So "writing to the text segment faults" cannot be a test here;
 * it waits for a child process to fault instead.
 *
 * The register tests use inline assembly on purpose: the point is what the
 * kernel does to registers across `syscall`, which C cannot observe.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <cairn/syscall.h>

#include "harness.h"

static const void *
user_ptr(uint64_t addr)
{
    return (const void *)(uintptr_t)addr;
}

/* --- debug_write ------------------------------------------------------------------- */

static char data_line[] = "usertests: debug_write from .data\n";
static char too_long[CAIRN_DEBUG_WRITE_MAX + 1]; /* in .bss: mapped, so only the length is wrong */

static void
debug_write_returns_its_length(void)
{
    static const char rodata_line[] = "usertests: debug_write from .rodata\n";
    char stack_line[] = "usertests: debug_write from the stack\n";

    expect_ret("debug_write(.rodata)", cairn_debug_write(rodata_line, sizeof(rodata_line) - 1),
               sizeof(rodata_line) - 1);
    expect_ret("debug_write(.data)", cairn_debug_write(data_line, sizeof(data_line) - 1),
               sizeof(data_line) - 1);
    expect_ret("debug_write(stack)", cairn_debug_write(stack_line, sizeof(stack_line) - 1),
               sizeof(stack_line) - 1);
}

static void
debug_write_of_zero_bytes_returns_zero(void)
{
    expect_ret("debug_write(\"x\", 0)", cairn_debug_write("x", 0), 0);
    /* No byte is read, so no address can be bad. */
    expect_ret("debug_write(NULL, 0)", cairn_debug_write(NULL, 0), 0);
}

static void
debug_write_of_null_is_efault(void)
{
    expect_ret("debug_write(NULL, 1)", cairn_debug_write(NULL, 1), -CAIRN_EFAULT);
}

static void
debug_write_of_kernel_address_is_efault(void)
{
    expect_ret("debug_write(0xffffffff80000000, 16)",
               cairn_debug_write(user_ptr(0xffffffff80000000ull), 16), -CAIRN_EFAULT);
    expect_ret("debug_write(0xffff800000000000, 16)",
               cairn_debug_write(user_ptr(0xffff800000000000ull), 16), -CAIRN_EFAULT);
}

static void
debug_write_of_unmapped_user_address_is_efault(void)
{
    expect_ret("debug_write(0x10000000, 16)", cairn_debug_write(user_ptr(0x10000000), 16),
               -CAIRN_EFAULT);
}

/* The kernel must check every byte, not just the first. */
static void
debug_write_straddling_stack_top_is_efault(void)
{
    expect_ret("debug_write(stack top - 8, 16)",
               cairn_debug_write(user_ptr(CAIRN_USER_STACK_TOP - 8), 16), -CAIRN_EFAULT);
}

static void
debug_write_straddling_stack_bottom_is_efault(void)
{
    uint64_t bottom = CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE;

    expect_ret("debug_write(stack bottom - 8, 16)", cairn_debug_write(user_ptr(bottom - 8), 16),
               -CAIRN_EFAULT);
}

/* Non-canonical addresses would #GP inside the kernel if it touched them unchecked. */
static void
debug_write_of_noncanonical_address_is_efault(void)
{
    expect_ret("debug_write(user top - 8, 16)", cairn_debug_write(user_ptr(CAIRN_USER_TOP - 8), 16),
               -CAIRN_EFAULT);
    expect_ret("debug_write(0x8000000000000000, 16)",
               cairn_debug_write(user_ptr(0x8000000000000000ull), 16), -CAIRN_EFAULT);
}

/* buf + len overflows to a small user address: a naive range check passes it. */
static void
debug_write_wrapping_around_address_space_is_efault(void)
{
    expect_ret("debug_write(-16, 32)", cairn_debug_write(user_ptr(UINT64_MAX - 15), 32),
               -CAIRN_EFAULT);
}

static void
debug_write_longer_than_max_is_einval(void)
{
    expect_ret("debug_write(buf, CAIRN_DEBUG_WRITE_MAX + 1)",
               cairn_debug_write(too_long, sizeof(too_long)), -CAIRN_EINVAL);
}

/* The length is checked before the range, so a huge length cannot wrap the check. */
static void
debug_write_of_huge_length_is_einval(void)
{
    expect_ret("debug_write(buf, SIZE_MAX)", cairn_debug_write(too_long, SIZE_MAX), -CAIRN_EINVAL);
}

/* --- time and scheduling --------------------------------------------------------------- */

static void
thread_yield_returns_zero(void)
{
    expect_ret("thread_yield()", cairn_thread_yield(), 0);
}

static void
thread_sleep_of_zero_returns_zero(void)
{
    expect_ret("thread_sleep(0)", cairn_thread_sleep(0), 0);
}

static void
thread_sleep_sleeps_at_least_the_time_asked(void)
{
    uint64_t start = cairn_clock_get();
    long ret = cairn_thread_sleep(20 * MS_NS);
    uint64_t slept = cairn_clock_get() - start;

    expect_ret("thread_sleep(20 ms)", ret, 0);
    if (slept < 20 * MS_NS)
        test_fail("thread_sleep(20 ms) returned after %llu ns", (unsigned long long)slept);
    else if (slept >= 2000 * MS_NS)
        test_fail("thread_sleep(20 ms) took %llu ms", (unsigned long long)(slept / MS_NS));
}

static void
clock_get_never_goes_backwards(void)
{
    uint64_t prev = cairn_clock_get();

    for (int i = 0; i < 10000; i++) {
        uint64_t now = cairn_clock_get();

        if (now < prev) {
            test_fail("read %d: %llu after %llu", i, (unsigned long long)now,
                      (unsigned long long)prev);
            return;
        }
        prev = now;
    }
}

/* --- the syscall ABI ----------------------------------------------------------------------- */

static void
unknown_syscall_returns_enosys(void)
{
    static const struct {
        const char *what;
        long number;
    } cases[] = {
        {"syscall 9999", 9999},
        {"the first number past the table", CAIRN_SYSCALL_COUNT},
        {"syscall -1", -1},
        /* The number is all of rax: a kernel that looked at eax would yield here. */
        {"thread_yield + 2^32", CAIRN_SYS_thread_yield + (1l << 32)},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_ret(cases[i].what, cairn_syscall0(cases[i].number), -CAIRN_ENOSYS);
}

/* A value for general register i that no syscall would produce by accident. */
#define REG_PATTERN(i) ((long)(0x5ca1ab1e00000000ull | ((uint64_t)(i) << 24) | 0xc0de00 | (i)))

enum {
    REG_RDI,
    REG_RSI,
    REG_RDX,
    REG_R10,
    REG_R8,
    REG_R9,
    REG_RBX,
    REG_R12,
    REG_R13,
    REG_R14,
    REG_R15,
    REG_COUNT
};

static const char *const reg_names[REG_COUNT] = {
    "rdi", "rsi", "rdx", "r10", "r8", "r9", "rbx", "r12", "r13", "r14", "r15",
};

/*
 * Makes syscall `number` with a0 in rdi, a1 in rsi and a pattern in every
 * other register the kernel must preserve, and stores what those registers
 * hold afterwards in out[] (in enum order). rbp and rsp are left out: the
 * compiler owns them, and if the kernel broke them nothing would work.
 */
static void
regs_syscall(long number, long a0, long a1, long out[REG_COUNT])
{
    register long rdi __asm__("rdi") = a0;
    register long rsi __asm__("rsi") = a1;
    register long rdx __asm__("rdx") = REG_PATTERN(REG_RDX);
    register long r10 __asm__("r10") = REG_PATTERN(REG_R10);
    register long r8 __asm__("r8") = REG_PATTERN(REG_R8);
    register long r9 __asm__("r9") = REG_PATTERN(REG_R9);
    register long rbx __asm__("rbx") = REG_PATTERN(REG_RBX);
    register long r12 __asm__("r12") = REG_PATTERN(REG_R12);
    register long r13 __asm__("r13") = REG_PATTERN(REG_R13);
    register long r14 __asm__("r14") = REG_PATTERN(REG_R14);
    register long r15 __asm__("r15") = REG_PATTERN(REG_R15);
    long rax = number;

    __asm__ volatile("syscall"
                     : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                       "+r"(rbx), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "r11", "memory");
    out[REG_RDI] = rdi;
    out[REG_RSI] = rsi;
    out[REG_RDX] = rdx;
    out[REG_R10] = r10;
    out[REG_R8] = r8;
    out[REG_R9] = r9;
    out[REG_RBX] = rbx;
    out[REG_R12] = r12;
    out[REG_R13] = r13;
    out[REG_R14] = r14;
    out[REG_R15] = r15;
}

/* Every path through the kernel counts: returning, blocking, failing, unknown numbers. */
static void
syscalls_preserve_general_registers(void)
{
    const struct {
        const char *what;
        long number, a0, a1;
    } cases[] = {
        {"thread_yield", CAIRN_SYS_thread_yield, REG_PATTERN(REG_RDI), REG_PATTERN(REG_RSI)},
        {"clock_get", CAIRN_SYS_clock_get, REG_PATTERN(REG_RDI), REG_PATTERN(REG_RSI)},
        {"thread_sleep(1 ms)", CAIRN_SYS_thread_sleep, MS_NS, REG_PATTERN(REG_RSI)},
        {"debug_write(\"\", 0)", CAIRN_SYS_debug_write, (long)"", 0},
        {"debug_write(NULL, 1)", CAIRN_SYS_debug_write, 0, 1},
        {"syscall 9999", 9999, REG_PATTERN(REG_RDI), REG_PATTERN(REG_RSI)},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long out[REG_COUNT];

        regs_syscall(cases[i].number, cases[i].a0, cases[i].a1, out);
        for (int r = 0; r < REG_COUNT; r++) {
            long want = r == REG_RDI ? cases[i].a0 : r == REG_RSI ? cases[i].a1 : REG_PATTERN(r);

            if (out[r] != want) {
                test_fail("%s changed %s from %#lx to %#lx", cases[i].what, reg_names[r], want,
                          out[r]);
                return;
            }
        }
    }
}

typedef long long sse_vec __attribute__((vector_size(16)));

#define MXCSR_DEFAULT    0x1f80u /* all exceptions masked, round to nearest */
#define MXCSR_FLAGS      0x3fu   /* sticky exception flags, set by ordinary arithmetic */
#define MXCSR_ROUND_ZERO 0x7f80u /* masked, round toward zero: something the kernel would not set */
#define X87_FCW_DEFAULT  0x37fu  /* after FNINIT */

/*
 * Loads in[] into xmm0-15 and MXCSR_ROUND_ZERO into MXCSR, makes syscall
 * `number` with a0 in rdi, then stores xmm0-15 to out[] and MXCSR to
 * *mxcsr, and puts the caller's MXCSR back.
 */
static void
sse_syscall(long number, long a0, const sse_vec in[16], sse_vec out[16], uint32_t *mxcsr)
{
    uint32_t saved, round_zero = MXCSR_ROUND_ZERO;
    long rax = number;

    __asm__ volatile("stmxcsr %[saved]\n\t"
                     "ldmxcsr %[rz]\n\t"
                     "movdqu 0(%[in]), %%xmm0\n\t"
                     "movdqu 16(%[in]), %%xmm1\n\t"
                     "movdqu 32(%[in]), %%xmm2\n\t"
                     "movdqu 48(%[in]), %%xmm3\n\t"
                     "movdqu 64(%[in]), %%xmm4\n\t"
                     "movdqu 80(%[in]), %%xmm5\n\t"
                     "movdqu 96(%[in]), %%xmm6\n\t"
                     "movdqu 112(%[in]), %%xmm7\n\t"
                     "movdqu 128(%[in]), %%xmm8\n\t"
                     "movdqu 144(%[in]), %%xmm9\n\t"
                     "movdqu 160(%[in]), %%xmm10\n\t"
                     "movdqu 176(%[in]), %%xmm11\n\t"
                     "movdqu 192(%[in]), %%xmm12\n\t"
                     "movdqu 208(%[in]), %%xmm13\n\t"
                     "movdqu 224(%[in]), %%xmm14\n\t"
                     "movdqu 240(%[in]), %%xmm15\n\t"
                     "syscall\n\t"
                     "movdqu %%xmm0, 0(%[out])\n\t"
                     "movdqu %%xmm1, 16(%[out])\n\t"
                     "movdqu %%xmm2, 32(%[out])\n\t"
                     "movdqu %%xmm3, 48(%[out])\n\t"
                     "movdqu %%xmm4, 64(%[out])\n\t"
                     "movdqu %%xmm5, 80(%[out])\n\t"
                     "movdqu %%xmm6, 96(%[out])\n\t"
                     "movdqu %%xmm7, 112(%[out])\n\t"
                     "movdqu %%xmm8, 128(%[out])\n\t"
                     "movdqu %%xmm9, 144(%[out])\n\t"
                     "movdqu %%xmm10, 160(%[out])\n\t"
                     "movdqu %%xmm11, 176(%[out])\n\t"
                     "movdqu %%xmm12, 192(%[out])\n\t"
                     "movdqu %%xmm13, 208(%[out])\n\t"
                     "movdqu %%xmm14, 224(%[out])\n\t"
                     "movdqu %%xmm15, 240(%[out])\n\t"
                     "stmxcsr (%[mxcsr])\n\t"
                     "ldmxcsr %[saved]"
                     : "+a"(rax), "+D"(a0), [saved] "=m"(saved)
                     : [in] "r"(in), [out] "r"(out), [mxcsr] "r"(mxcsr), [rz] "m"(round_zero)
                     : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
                       "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                       "xmm15");
}

static void
sse_registers_survive_syscalls(void)
{
    const struct {
        const char *what;
        long number, a0;
    } cases[] = {
        {"thread_yield", CAIRN_SYS_thread_yield, 0},
        {"thread_sleep(1 ms)", CAIRN_SYS_thread_sleep, MS_NS},
        {"clock_get", CAIRN_SYS_clock_get, 0},
    };
    sse_vec in[16], out[16];

    for (int r = 0; r < 16; r++)
        in[r] = (sse_vec){0x0123456789abcdefll ^ r, 0x7edcba9876543210ll + r};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t mxcsr = 0;

        memset(out, 0, sizeof(out));
        sse_syscall(cases[i].number, cases[i].a0, in, out, &mxcsr);
        for (int r = 0; r < 16; r++) {
            if (memcmp(&in[r], &out[r], sizeof(sse_vec)) != 0) {
                test_fail("%s changed xmm%d", cases[i].what, r);
                return;
            }
        }
        if ((mxcsr & ~MXCSR_FLAGS) != MXCSR_ROUND_ZERO) {
            test_fail("%s changed MXCSR from %#x to %#x", cases[i].what, MXCSR_ROUND_ZERO, mxcsr);
            return;
        }
    }
}

/* Runs before any test changes the control words; the arithmetic flags may be set. */
static void
fpu_starts_with_default_control_words(void)
{
    uint32_t mxcsr;
    uint16_t fcw;

    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    if ((mxcsr & ~MXCSR_FLAGS) != MXCSR_DEFAULT)
        test_fail("MXCSR is %#x, expected %#x", mxcsr, MXCSR_DEFAULT);
    else if (fcw != X87_FCW_DEFAULT)
        test_fail("x87 control word is %#x, expected %#x", fcw, X87_FCW_DEFAULT);
}

/* Read through volatile so that gcc cannot fold the sums at compile time. */
static volatile int fp_first_term = 1;

struct fp_sums {
    double squares;  /* sum of 1/k^2 */
    double harmonic; /* sum of 1/k */
};

/*
 * Sums the first 100 terms; with yield, makes a raw thread_yield after each
 * term and sleeps 1 ms every 25th. The raw call is inline and declares the
 * SSE registers preserved, so gcc may keep the sums in xmm registers across
 * it: exactly what the kernel must not disturb.
 */
static struct fp_sums
fp_sum_series(int yield)
{
    struct fp_sums s = {0.0, 0.0};

    for (int k = fp_first_term; k <= 100; k++) {
        double x = (double)k;

        s.squares += 1.0 / (x * x);
        s.harmonic += 1.0 / x;
        if (yield) {
            cairn_syscall0(CAIRN_SYS_thread_yield);
            if (k % 25 == 0)
                cairn_thread_sleep(MS_NS);
        }
    }
    return s;
}

static void
doubles_survive_yields_and_sleeps(void)
{
    struct fp_sums quiet = fp_sum_series(0);
    struct fp_sums busy = fp_sum_series(1);
    double err = quiet.squares - 1.6349839001848923;

    if (err < -1e-12 || err > 1e-12)
        test_fail("sum of 1/k^2 is off by %d ppt", (int)(err * 1e12));
    else if (quiet.squares != busy.squares)
        test_fail("sum of 1/k^2 differs with yields and sleeps");
    else if (quiet.harmonic != busy.harmonic)
        test_fail("sum of 1/k differs with yields and sleeps");
}

/* --- handles, memory objects and mappings -------------------------------------------------- */

#define KIB 1024ul
#define RW  (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

static void
memobj_pages_are_zero_on_first_touch_and_shared_between_mappings(void)
{
    long h = cairn_memobj_create(64 * KIB);
    long a, b;

    if (h < 0) {
        test_fail("memobj_create(64 KiB) returned %ld", h);
        return;
    }
    a = cairn_vm_map(h, 0, 64 * KIB, 0, RW, 0);
    b = cairn_vm_map(h, 0, 64 * KIB, 0, CAIRN_PROT_READ, 0);
    if (a < 0 || b < 0) {
        test_fail("vm_map returned %ld and %ld", a, b);
        return;
    }
    if ((unsigned long)a < CAIRN_VM_PICK_BASE || a == b)
        test_fail("mappings at %#lx and %#lx", a, b);
    for (unsigned long off = 0; off < 64 * KIB; off += 8) {
        if (*(volatile uint64_t *)(a + off) != 0) {
            test_fail("fresh page not zero at offset %lu", off);
            break;
        }
    }
    for (unsigned long off = 0; off < 64 * KIB; off += 4096)
        *(volatile uint64_t *)(a + off) = 0xc0ffee00 + off;
    for (unsigned long off = 0; off < 64 * KIB; off += 4096) {
        if (*(volatile uint64_t *)(b + off) != 0xc0ffee00 + off) {
            test_fail("second mapping does not see the first's write at %lu", off);
            break;
        }
    }
    /* The kernel reads a mapped page it has not yet entered, too. */
    expect_ret("debug_write from a mapping", cairn_debug_write((const void *)(b + 8), 0), 0);
    expect_ret("vm_unmap(a)", cairn_vm_unmap((uint64_t)a, 64 * KIB), 0);
    expect_ret("vm_unmap(b)", cairn_vm_unmap((uint64_t)b, 64 * KIB), 0);
    expect_ret("second vm_unmap", cairn_vm_unmap((uint64_t)a, 64 * KIB), -CAIRN_ENOENT);
    expect_ret("handle_close", cairn_handle_close(h), 0);
}

static void
vm_map_refuses_writable_and_executable(void)
{
    long h = cairn_memobj_create(4 * KIB);

    expect_ret("vm_map(W|X)", cairn_vm_map(h, 0, 4 * KIB, 0, CAIRN_PROT_WRITE | CAIRN_PROT_EXEC, 0),
               -CAIRN_EPERM);
    expect_ret("vm_map(R|W|X)", cairn_vm_map(h, 0, 4 * KIB, 0, RW | CAIRN_PROT_EXEC, 0),
               -CAIRN_EPERM);
    long a = cairn_vm_map(h, 0, 4 * KIB, 0, CAIRN_PROT_READ | CAIRN_PROT_EXEC, 0);
    if (a < 0)
        test_fail("vm_map(R|X) returned %ld", a);
    else
        expect_ret("vm_protect to W|X",
                   cairn_vm_protect((uint64_t)a, 4 * KIB, CAIRN_PROT_WRITE | CAIRN_PROT_EXEC),
                   -CAIRN_EPERM);
    if (a >= 0)
        cairn_vm_unmap((uint64_t)a, 4 * KIB);
    cairn_handle_close(h);
}

static void
handle_dup_never_adds_rights(void)
{
    long h = cairn_memobj_create(4 * KIB), d, a;
    struct cairn_handle_info hi, di;
    uint32_t fewer = CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE;

    d = cairn_handle_dup(h, fewer);
    if (h < 0 || d < 0 || d == h) {
        test_fail("memobj_create %ld, handle_dup %ld", h, d);
        return;
    }
    expect_ret("handle_info(h)", cairn_handle_info(h, &hi), 0);
    expect_ret("handle_info(d)", cairn_handle_info(d, &di), 0);
    if (di.type != CAIRN_OBJ_MEMOBJ || di.rights != fewer || di.koid != hi.koid)
        test_fail("dup: type %u rights %#x koid %lu; original koid %lu", di.type, di.rights,
                  (unsigned long)di.koid, (unsigned long)hi.koid);
    expect_ret("dup adding WRITE", cairn_handle_dup(d, fewer | CAIRN_RIGHT_WRITE), -CAIRN_ERIGHTS);
    expect_ret("dup with unknown bits", cairn_handle_dup(h, 1u << 30), -CAIRN_ERIGHTS);
    expect_ret("vm_map writable through a read-only handle", cairn_vm_map(d, 0, 4 * KIB, 0, RW, 0),
               -CAIRN_ERIGHTS);
    a = cairn_vm_map(d, 0, 4 * KIB, 0, CAIRN_PROT_READ, 0);
    if (a < 0)
        test_fail("read-only vm_map through the dup returned %ld", a);
    else
        expect_ret("vm_protect adding WRITE", cairn_vm_protect((uint64_t)a, 4 * KIB, RW),
                   -CAIRN_ERIGHTS);
    long nodup = cairn_handle_dup(h, CAIRN_RIGHT_READ);
    expect_ret("dup of a handle without DUPLICATE", cairn_handle_dup(nodup, CAIRN_RIGHT_READ),
               -CAIRN_ERIGHTS);
    if (a >= 0)
        cairn_vm_unmap((uint64_t)a, 4 * KIB);
    cairn_handle_close(nodup);
    cairn_handle_close(d);
    cairn_handle_close(h);
}

static void
bad_handles_are_refused(void)
{
    long h = cairn_memobj_create(4 * KIB);
    struct cairn_handle_info info;

    expect_ret("handle_close(-1)", cairn_handle_close(-1), -CAIRN_EBADH);
    expect_ret("handle_close(12345)", cairn_handle_close(12345), -CAIRN_EBADH);
    expect_ret("handle_info(NULL out)", cairn_handle_info(h, NULL), -CAIRN_EFAULT);
    expect_ret("handle_info(kernel out)",
               cairn_handle_info(h, (struct cairn_handle_info *)0xffffffff80000000ul),
               -CAIRN_EFAULT);
    expect_ret("handle_close", cairn_handle_close(h), 0);
    expect_ret("handle_close twice", cairn_handle_close(h), -CAIRN_EBADH);
    expect_ret("handle_info(closed)", cairn_handle_info(h, &info), -CAIRN_EBADH);
    expect_ret("vm_map(closed)", cairn_vm_map(h, 0, 4 * KIB, 0, CAIRN_PROT_READ, 0), -CAIRN_EBADH);
    expect_ret("handle_dup(1 << 30)", cairn_handle_dup(1l << 30, 0), -CAIRN_EBADH);
}

static void
absurd_sizes_and_addresses_are_refused(void)
{
    long h = cairn_memobj_create(8 * KIB);

    expect_ret("memobj_create(0)", cairn_memobj_create(0), -CAIRN_EINVAL);
    expect_ret("memobj_create(1 TiB)", cairn_memobj_create(1ul << 40), -CAIRN_EINVAL);
    expect_ret("memobj_create(-1)", cairn_memobj_create(~0ul), -CAIRN_EINVAL);
    expect_ret("vm_map size 0", cairn_vm_map(h, 0, 0, 0, CAIRN_PROT_READ, 0), -CAIRN_EINVAL);
    expect_ret("vm_map unaligned size", cairn_vm_map(h, 0, 100, 0, CAIRN_PROT_READ, 0),
               -CAIRN_EINVAL);
    expect_ret("vm_map past the object", cairn_vm_map(h, 4096, 8 * KIB, 0, CAIRN_PROT_READ, 0),
               -CAIRN_ERANGE);
    expect_ret("vm_map huge size", cairn_vm_map(h, 0, ~0ul << 12, 0, CAIRN_PROT_READ, 0),
               -CAIRN_ERANGE);
    expect_ret("vm_map unaligned offset", cairn_vm_map(h, 1, 4 * KIB, 0, CAIRN_PROT_READ, 0),
               -CAIRN_EINVAL);
    expect_ret("vm_map at a kernel address",
               cairn_vm_map(h, 0, 4 * KIB, 0xffffffff80000000ul, CAIRN_PROT_READ, CAIRN_MAP_FIXED),
               -CAIRN_EINVAL);
    expect_ret("vm_map at page 0", cairn_vm_map(h, 0, 4 * KIB, 0, CAIRN_PROT_READ, CAIRN_MAP_FIXED),
               -CAIRN_EINVAL);
    expect_ret("vm_map over the stack",
               cairn_vm_map(h, 0, 4 * KIB, CAIRN_USER_STACK_TOP - 4 * KIB, CAIRN_PROT_READ,
                            CAIRN_MAP_FIXED),
               -CAIRN_EEXIST);
    expect_ret("vm_map unknown flag", cairn_vm_map(h, 0, 4 * KIB, 0, CAIRN_PROT_READ, 2),
               -CAIRN_EINVAL);
    expect_ret("vm_map unknown prot", cairn_vm_map(h, 0, 4 * KIB, 0, 8, 0), -CAIRN_ERIGHTS);
    expect_ret("vm_unmap of nothing", cairn_vm_unmap(0x20000000, 4 * KIB), -CAIRN_ENOENT);
    expect_ret("vm_protect of nothing", cairn_vm_protect(0x20000000, 4 * KIB, CAIRN_PROT_READ),
               -CAIRN_ENOENT);
    cairn_handle_close(h);
}

static void
vm_map_fixed_places_mapping_exactly(void)
{
    long h = cairn_memobj_create(8 * KIB);
    uint64_t at = 0x30000000;
    long a = cairn_vm_map(h, 4 * KIB, 4 * KIB, at, RW, CAIRN_MAP_FIXED);

    expect_ret("vm_map fixed", a, (long)at);
    if (a == (long)at) {
        *(volatile uint32_t *)at = 42;
        expect_ret("overlapping fixed map",
                   cairn_vm_map(h, 0, 8 * KIB, at - 4 * KIB, RW, CAIRN_MAP_FIXED), -CAIRN_EEXIST);
        expect_ret("vm_protect to read-only", cairn_vm_protect(at, 4 * KIB, CAIRN_PROT_READ), 0);
        if (*(volatile uint32_t *)at != 42)
            test_fail("data lost across vm_protect");
        expect_ret("vm_unmap of part of a mapping", cairn_vm_unmap(at, 2 * KIB), -CAIRN_ENOENT);
        expect_ret("vm_unmap", cairn_vm_unmap(at, 4 * KIB), 0);
    }
    cairn_handle_close(h);
}

/* --- boot modules and processes ------------------------------------------------------------- */

/* init's own image, a boot module: the children here are copies of init. */
static long
find_init_module(void)
{
    return cairn_boot_module("init", NULL);
}

/* init hands its test programs the handles it got itself, in its layout. */
static void
boot_modules_are_read_only_handles(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct cairn_handle_info info;
    uint32_t want =
        CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    long img = find_init_module(), a;

    if (!bi || img < 0) {
        test_fail("no boot information (%p) or no init module (%ld)", (const void *)bi, img);
        return;
    }
    for (uint32_t i = 0; i < bi->module_count; i++) {
        long h = CAIRN_INIT_HANDLE_MODULES + (long)i;

        expect_ret("handle_info(module)", cairn_handle_info(h, &info), 0);
        if (info.type != CAIRN_OBJ_MEMOBJ || info.rights != want)
            test_fail("module %s: type %u rights %#x", bi->modules[i].name, info.type, info.rights);
    }
    expect_ret("handle_info(past the last module)",
               cairn_handle_info(CAIRN_INIT_HANDLE_MODULES + (long)bi->module_count, &info),
               -CAIRN_EBADH);
    a = cairn_vm_map(img, 0, 4096, 0, CAIRN_PROT_READ, 0);
    if (a < 0 || memcmp((const void *)a, "\177ELF", 4) != 0)
        test_fail("the module called init is no ELF image (map: %ld)", a);
    if (a >= 0)
        cairn_vm_unmap((uint64_t)a, 4096);
    expect_ret("vm_map of a module writable", cairn_vm_map(img, 0, 4096, 0, RW, 0), -CAIRN_ERIGHTS);
}

static void
child_exit_status_arrives_through_wait(void)
{
    long img = find_init_module(), child;
    int64_t status = -1;

    child = cairn_process_spawn(img, 0, CAIRN_INIT_EXIT);
    if (child < 0) {
        test_fail("process_spawn returned %ld", child);
        return;
    }
    expect_ret("process_wait", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != 0)
        test_fail("child exited with %ld", (long)status);
    expect_ret("handle_close(child)", cairn_handle_close(child), 0);
}

static void
faulting_child_dies_and_parent_goes_on(void)
{
    long img = find_init_module(), child;
    int64_t status = 0;

    child = cairn_process_spawn(img, 0, CAIRN_INIT_FAULT);
    if (child < 0) {
        test_fail("process_spawn returned %ld", child);
        return;
    }
    expect_ret("process_wait", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != -(128 + 14))
        test_fail("faulting child exited with %ld, expected -142", (long)status);
    cairn_handle_close(child);
}

static void
executing_data_kills_the_child(void)
{
    long child = cairn_process_spawn(find_init_module(), 0, CAIRN_INIT_EXEC_DATA);
    int64_t status = 0;

    if (child < 0) {
        test_fail("process_spawn returned %ld", child);
        return;
    }
    expect_ret("process_wait", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != -(128 + 14))
        test_fail("child that jumped into data exited with %ld, expected -142", (long)status);
    cairn_handle_close(child);
}

static void
process_wait_times_out_then_succeeds(void)
{
    long img = find_init_module(), child;
    int64_t status = 0;

    child = cairn_process_spawn(img, 0, CAIRN_INIT_SLEEP);
    if (child < 0) {
        test_fail("process_spawn returned %ld", child);
        return;
    }
    expect_ret("process_wait(1 ms)", cairn_process_wait(child, MS_NS, &status), -CAIRN_ETIMEDOUT);
    expect_ret("process_wait(0)", cairn_process_wait(child, 0, &status), -CAIRN_ETIMEDOUT);
    expect_ret("process_wait(5 s)", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != 7)
        test_fail("sleeping child exited with %ld, expected 7", (long)status);
    expect_ret("process_wait after exit, bad status pointer",
               cairn_process_wait(child, 0, (int64_t *)0xffffffff80000000ul), -CAIRN_EFAULT);
    expect_ret("process_wait after exit, no status", cairn_process_wait(child, 0, NULL), 0);
    cairn_handle_close(child);
}

static void
process_calls_refuse_bad_arguments(void)
{
    long junk = cairn_memobj_create(8192), img = find_init_module();
    long a = cairn_vm_map(junk, 0, 8192, 0, RW, 0);

    if (a > 0)
        memset((void *)a, 0x7f, 8192);
    expect_ret("spawn from garbage", cairn_process_spawn(junk, 0, 0), -CAIRN_EINVAL);
    expect_ret("spawn from a closed handle", cairn_process_spawn(12345, 0, 0), -CAIRN_EBADH);
    expect_ret("spawn with size past the object", cairn_process_spawn(img, 1ul << 40, 0),
               -CAIRN_EINVAL);
    expect_ret("spawn from a truncated image", cairn_process_spawn(img, 1024, 0), -CAIRN_EINVAL);
    expect_ret("wait on a memory object", cairn_process_wait(junk, 0, NULL), -CAIRN_EWRONGTYPE);
    expect_ret("wait on a bad handle", cairn_process_wait(-5, 0, NULL), -CAIRN_EBADH);
    long child = cairn_process_spawn(img, 0, CAIRN_INIT_EXIT);
    long nowait = child >= 0 ? cairn_handle_dup(child, CAIRN_RIGHT_READ) : -1;
    expect_ret("wait without WAIT", cairn_process_wait(nowait, 0, NULL), -CAIRN_ERIGHTS);
    if (child >= 0)
        cairn_process_wait(child, 5000 * MS_NS, NULL);
    cairn_handle_close(nowait);
    cairn_handle_close(child);
    if (a > 0)
        cairn_vm_unmap((uint64_t)a, 8192);
    cairn_handle_close(junk);
}

/* --- the table ---------------------------------------------------------------------------- */

/* In order: the entry-state check first, before anything touches the FPU control words. */
static const struct usertest usertests[] = {
    USERTEST(fpu_starts_with_default_control_words),
    USERTEST(debug_write_returns_its_length),
    USERTEST(debug_write_of_zero_bytes_returns_zero),
    USERTEST(debug_write_of_null_is_efault),
    USERTEST(debug_write_of_kernel_address_is_efault),
    USERTEST(debug_write_of_unmapped_user_address_is_efault),
    USERTEST(debug_write_straddling_stack_top_is_efault),
    USERTEST(debug_write_straddling_stack_bottom_is_efault),
    USERTEST(debug_write_of_noncanonical_address_is_efault),
    USERTEST(debug_write_wrapping_around_address_space_is_efault),
    USERTEST(debug_write_longer_than_max_is_einval),
    USERTEST(debug_write_of_huge_length_is_einval),
    USERTEST(thread_yield_returns_zero),
    USERTEST(thread_sleep_of_zero_returns_zero),
    USERTEST(thread_sleep_sleeps_at_least_the_time_asked),
    USERTEST(clock_get_never_goes_backwards),
    USERTEST(unknown_syscall_returns_enosys),
    USERTEST(syscalls_preserve_general_registers),
    USERTEST(sse_registers_survive_syscalls),
    USERTEST(doubles_survive_yields_and_sleeps),
    USERTEST(memobj_pages_are_zero_on_first_touch_and_shared_between_mappings),
    USERTEST(vm_map_refuses_writable_and_executable),
    USERTEST(handle_dup_never_adds_rights),
    USERTEST(bad_handles_are_refused),
    USERTEST(absurd_sizes_and_addresses_are_refused),
    USERTEST(vm_map_fixed_places_mapping_exactly),
    USERTEST(boot_modules_are_read_only_handles),
    USERTEST(child_exit_status_arrives_through_wait),
    USERTEST(faulting_child_dies_and_parent_goes_on),
    USERTEST(executing_data_kills_the_child),
    USERTEST(process_wait_times_out_then_succeeds),
    USERTEST(process_calls_refuse_bad_arguments),
};

/* Called by crt0 with init's flags; declared here for -Wmissing-prototypes. */
int main(unsigned long flags);

int
main(unsigned long flags)
{
    (void)flags;
    return harness_run("usertests", usertests, sizeof(usertests) / sizeof(usertests[0]));
}
