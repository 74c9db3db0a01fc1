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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <cairn/syscall.h>
#include <common/bytes.h>
#include <common/elf.h>
#include <portio/portio.h>

#include "child/child.h"
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

/* Sorts v (a few samples) and returns the middle one. */
static uint64_t
median_u64(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t x = v[i];
        int j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return v[n / 2];
}

/* Sleeps are timed to the deadline, not to the 10 ms scheduler tick. A
 * median of several, since an emulator's host may stall any one; and up
 * to three rounds of them, since it may stall for a while (sleeping to the
 * tick misses in every round). */
static void
thread_sleep_of_100us_ends_soon_after_it(void)
{
    enum {
        SAMPLES = 7,
        ROUNDS = 3
    };
    const uint64_t ns = 100000;
    uint64_t took[SAMPLES], mid = 0;

    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < SAMPLES; i++) {
            uint64_t start = cairn_clock_get();
            long ret = cairn_thread_sleep(ns);

            took[i] = cairn_clock_get() - start;
            expect_ret("thread_sleep(100 us)", ret, 0);
            if (took[i] < ns)
                test_fail("thread_sleep(100 us) returned after %llu ns",
                          (unsigned long long)took[i]);
        }
        mid = median_u64(took, SAMPLES);
        if (mid < 5 * MS_NS)
            return;
    }
    test_fail("thread_sleep(100 us) took a median %llu us in %d rounds",
              (unsigned long long)(mid / 1000), ROUNDS);
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

/* The numbers below CAIRN_SYSCALL_COUNT that no row of the table takes
 * answer as a number past the table does: the dispatch table holds an
 * ENOSYS handler in every slot without a row. */
static void
numbers_the_table_skips_return_enosys(void)
{
    static const bool in_table[CAIRN_SYSCALL_COUNT] = {
#define IN_TABLE(number, ...) [number] = true,
        CAIRN_SYSCALL_TABLE(IN_TABLE)
#undef IN_TABLE
    };
    char what[48];

    for (long n = 0; n < CAIRN_SYSCALL_COUNT; n++) {
        if (in_table[n])
            continue;
        snprintf(what, sizeof(what), "syscall %ld (no row)", n);
        expect_ret(what, cairn_syscall0(n), -CAIRN_ENOSYS);
    }
}

/*
 * Each argument reaches its handler with the width of its type in the
 * table: a handle is the low 32 bits of its register (what the bits
 * above hold does not matter), while flags, priorities and switches are
 * checked on all 64 bits, so a value with only high bits set is refused
 * rather than read as 0.
 */
static void
system_call_arguments_keep_the_width_of_their_table_types(void)
{
    struct cairn_handle_info info = {0};
    long mo = cairn_memobj_create(4096, 0), ret;

    if (mo < 0) {
        test_fail("memobj_create: %ld", mo);
        return;
    }
    ret = cairn_syscall2(CAIRN_SYS_handle_info, (long)((0xdeadull << 32) | (uint32_t)mo),
                         (long)&info);
    expect_ret("handle_info(handle with high bits set)", ret, 0);
    if (ret == 0 && info.type != CAIRN_OBJ_MEMOBJ)
        test_fail("handle_info(handle with high bits set) named type %u", info.type);
    expect_ret("memobj_create(flags 1 << 32)", cairn_memobj_create(4096, 1ull << 32),
               -CAIRN_EINVAL);
    expect_ret("thread_set_prio(priority 1 << 32)",
               cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, 1ull << 32), -CAIRN_EINVAL);
    expect_ret("process_max_prio(max 1 << 32)",
               cairn_process_max_prio(CAIRN_INIT_HANDLE_PROCESS, 1ull << 32), -CAIRN_EINVAL);
    expect_ret("ioport_enable(enable 1 << 32)",
               cairn_ioport_enable(CAIRN_HANDLE_INVALID, CAIRN_HANDLE_INVALID, 1ull << 32),
               -CAIRN_EINVAL);
    expect_ret("handle_close", cairn_handle_close(mo), 0);
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
    long h = cairn_memobj_create(64 * KIB, 0);
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
    expect_ret("second vm_unmap (nothing left there)", cairn_vm_unmap((uint64_t)a, 64 * KIB), 0);
    expect_ret("handle_close", cairn_handle_close(h), 0);
}

static void
vm_map_refuses_writable_and_executable(void)
{
    long h = cairn_memobj_create(4 * KIB, 0);

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
    long h = cairn_memobj_create(4 * KIB, 0), d, a;
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
    long h = cairn_memobj_create(4 * KIB, 0);
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
    long h = cairn_memobj_create(8 * KIB, 0);

    expect_ret("memobj_create(0)", cairn_memobj_create(0, 0), -CAIRN_EINVAL);
    expect_ret("memobj_create(1 TiB)", cairn_memobj_create(1ul << 40, 0), -CAIRN_EINVAL);
    expect_ret("memobj_create(-1)", cairn_memobj_create(~0ul, 0), -CAIRN_EINVAL);
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
    expect_ret("vm_unmap size 0", cairn_vm_unmap(0x20000000, 0), -CAIRN_EINVAL);
    expect_ret("vm_unmap unaligned", cairn_vm_unmap(0x20000001, 4 * KIB), -CAIRN_EINVAL);
    expect_ret("vm_unmap past user space", cairn_vm_unmap(CAIRN_USER_TOP - 4 * KIB, 8 * KIB),
               -CAIRN_EINVAL);
    expect_ret("vm_unmap of a kernel address", cairn_vm_unmap(0xffffffff80000000ul, 4 * KIB),
               -CAIRN_EINVAL);
    expect_ret("vm_protect of nothing", cairn_vm_protect(0x20000000, 4 * KIB, CAIRN_PROT_READ),
               -CAIRN_ENOENT);
    cairn_handle_close(h);
}

static void
vm_map_fixed_places_mapping_exactly(void)
{
    long h = cairn_memobj_create(8 * KIB, 0);
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
        expect_ret("vm_unmap of half a page", cairn_vm_unmap(at, 2 * KIB), -CAIRN_EINVAL);
        expect_ret("vm_unmap", cairn_vm_unmap(at, 4 * KIB), 0);
    }
    cairn_handle_close(h);
}

/* Where the vm tests keep a newline in a page: a probe that the kernel
 * can read prints just an empty line. */
#define NL 16

/* Can the kernel read the byte at addr (a newline, or unreadable)? 0 or
 * debug_write's error. (Zero bytes would not look at the memory at all.) */
static long
kernel_reads(uint64_t addr)
{
    long ret = cairn_debug_write(user_ptr(addr), 1);

    return ret == 1 ? 0 : ret;
}

/* Can the kernel write at addr? handle_info stores 16 bytes there. */
static long
kernel_writes(long h, uint64_t addr)
{
    return cairn_handle_info(h, (struct cairn_handle_info *)(uintptr_t)addr);
}

static void
vm_unmap_of_the_middle_page_keeps_the_outer_pages(void)
{
    long h = cairn_memobj_create(12 * KIB, 0);
    uint64_t at = 0x31000000;
    long a = cairn_vm_map(h, 0, 12 * KIB, at, RW, CAIRN_MAP_FIXED);

    expect_ret("vm_map fixed", a, (long)at);
    if (a != (long)at)
        return;
    for (uint64_t i = 0; i < 3; i++) {
        *(volatile uint64_t *)(at + i * 4096) = 0xab00 + i;
        *(volatile char *)(at + i * 4096 + NL) = '\n';
    }
    expect_ret("vm_unmap of the middle page", cairn_vm_unmap(at + 4096, 4096), 0);
    if (*(volatile uint64_t *)at != 0xab00 || *(volatile uint64_t *)(at + 8192) != 0xab02)
        test_fail("the outer pages changed");
    *(volatile uint64_t *)(at + 8192 + 8) = 1; /* still writable */
    expect_ret("debug_write of the middle page", kernel_reads(at + 4096 + NL), -CAIRN_EFAULT);
    expect_ret("debug_write across into the middle page",
               cairn_debug_write(user_ptr(at + 4096 - 8), 16), -CAIRN_EFAULT);
    expect_ret("handle_info into the middle page", kernel_writes(h, at + 4096), -CAIRN_EFAULT);
    expect_ret("debug_write of the first page", kernel_reads(at + NL), 0);
    expect_ret("debug_write of the last page", kernel_reads(at + 8192 + NL), 0);
    /* The hole is free again, and the page is still in the object. */
    expect_ret("vm_map into the hole",
               cairn_vm_map(h, 4096, 4096, at + 4096, CAIRN_PROT_READ, CAIRN_MAP_FIXED),
               (long)(at + 4096));
    if (*(volatile uint64_t *)(at + 4096) != 0xab01)
        test_fail("the object lost the unmapped page's contents");
    expect_ret("vm_unmap of all three", cairn_vm_unmap(at, 12 * KIB), 0);
    expect_ret("debug_write after unmapping all", kernel_reads(at + 8192 + NL), -CAIRN_EFAULT);
    cairn_handle_close(h);
}

static void
vm_protect_of_part_of_a_mapping_changes_only_that_part(void)
{
    long h = cairn_memobj_create(16 * KIB, 0);
    long ro = cairn_handle_dup(h, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    uint64_t at = 0x32000000;
    long a = cairn_vm_map(h, 0, 12 * KIB, at, RW, CAIRN_MAP_FIXED);

    expect_ret("vm_map fixed", a, (long)at);
    if (a != (long)at)
        return;
    *(volatile uint64_t *)(at + 4096) = 77;
    *(volatile char *)(at + 4096 + NL) = '\n';
    expect_ret("vm_protect of the middle page", cairn_vm_protect(at + 4096, 4096, CAIRN_PROT_READ),
               0);
    expect_ret("handle_info into the read-only page", kernel_writes(h, at + 4096), -CAIRN_EFAULT);
    expect_ret("debug_write of the read-only page", kernel_reads(at + 4096 + NL), 0);
    if (*(volatile uint64_t *)(at + 4096) != 77)
        test_fail("data lost across vm_protect");
    expect_ret("handle_info into the first page", kernel_writes(h, at), 0);
    expect_ret("handle_info into the last page", kernel_writes(h, at + 8192), 0);
    *(volatile uint64_t *)(at + 8192) = 1; /* user writes work there too */

    /* Refused protects change nothing: over a hole, or beyond what a
     * mapping's handle allowed. */
    expect_ret("vm_protect over a hole", cairn_vm_protect(at, 16 * KIB, CAIRN_PROT_READ),
               -CAIRN_ENOENT);
    expect_ret("handle_info into the first page after the refusal", kernel_writes(h, at), 0);
    expect_ret("vm_map read-only after the mapping",
               cairn_vm_map(ro, 12 * KIB, 4096, at + 12 * KIB, CAIRN_PROT_READ, CAIRN_MAP_FIXED),
               (long)(at + 12 * KIB));
    expect_ret("vm_protect RW across the read-only mapping", cairn_vm_protect(at, 16 * KIB, RW),
               -CAIRN_ERIGHTS);
    expect_ret("handle_info into the read-only page after the refusal", kernel_writes(h, at + 4096),
               -CAIRN_EFAULT);
    expect_ret("vm_protect W|X", cairn_vm_protect(at, 4096, CAIRN_PROT_WRITE | CAIRN_PROT_EXEC),
               -CAIRN_EPERM);
    /* Back to writable: the page takes writes again. */
    expect_ret("vm_protect back to RW", cairn_vm_protect(at, 12 * KIB, RW), 0);
    expect_ret("handle_info into the middle page again", kernel_writes(h, at + 4096), 0);
    /* And read-only across both mappings, which both allow. */
    expect_ret("vm_protect read-only across both", cairn_vm_protect(at, 16 * KIB, CAIRN_PROT_READ),
               0);
    expect_ret("handle_info into the first page, read-only", kernel_writes(h, at), -CAIRN_EFAULT);
    expect_ret("vm_unmap", cairn_vm_unmap(at, 16 * KIB), 0);
    cairn_handle_close(ro);
    cairn_handle_close(h);
}

static void
vm_unmap_of_an_empty_range_succeeds(void)
{
    long h = cairn_memobj_create(4 * KIB, 0);
    uint64_t at = 0x33000000;

    expect_ret("vm_unmap of nothing", cairn_vm_unmap(at, 64 * KIB), 0);
    /* Two mappings with a hole between them go in one call. */
    expect_ret("vm_map first", cairn_vm_map(h, 0, 4096, at, RW, CAIRN_MAP_FIXED), (long)at);
    expect_ret("vm_map second", cairn_vm_map(h, 0, 4096, at + 8192, RW, CAIRN_MAP_FIXED),
               (long)(at + 8192));
    *(volatile uint64_t *)at = 5;
    expect_ret("vm_unmap over both and the hole", cairn_vm_unmap(at - 4096, 16 * KIB), 0);
    expect_ret("debug_write of the first", kernel_reads(at), -CAIRN_EFAULT);
    expect_ret("debug_write of the second", kernel_reads(at + 8192), -CAIRN_EFAULT);
    expect_ret("vm_protect of the emptied range", cairn_vm_protect(at, 4096, CAIRN_PROT_READ),
               -CAIRN_ENOENT);
    cairn_handle_close(h);
}

/* --- boot modules and processes ------------------------------------------------------------- */

/* init's own image, a boot module. */
static long
find_init_module(void)
{
    return cairn_boot_module("init", NULL);
}

/* The test child's image (tests/child): the children here run it. */
static long
find_child_module(void)
{
    return cairn_boot_module("child", NULL);
}

/* init hands its test programs the handles it got itself, in its layout. */
static void
boot_modules_are_read_only_handles(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct cairn_handle_info info;
    uint32_t want = CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_EXEC | CAIRN_RIGHT_DUPLICATE |
                    CAIRN_RIGHT_TRANSFER;
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
    expect_ret("handle_info(past the last handle)",
               cairn_handle_info((long)bi->handle_count, &info), -CAIRN_EBADH);
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
    long img = find_child_module(), child;
    int64_t status = -1;

    child = cairn_process_spawn(img, 0, CHILD_EXIT);
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
    long img = find_child_module(), child;
    int64_t status = 0;

    child = cairn_process_spawn(img, 0, CHILD_FAULT);
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
    long child = cairn_process_spawn(find_child_module(), 0, CHILD_EXEC_DATA);
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
    long img = find_child_module(), child;
    int64_t status = 0;

    child = cairn_process_spawn(img, 0, CHILD_SLEEP);
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

/*
 * A copy of the test child whose executable segments are made writable too: W^X
 * must refuse it in the kernel's loader (process_spawn) and in libc's
 * (cairn_spawn), both with the validator of common/elf.c, so both with
 * -CAIRN_EINVAL before anything is created. The same copy unchanged spawns,
 * so the flags are what is refused.
 */
static void
process_spawn_refuses_a_segment_both_writable_and_executable(void)
{
    struct cairn_debug_stats before = stats_now();
    uint64_t size = 0, mapped = 0;
    uint8_t *dst = NULL;
    long copy = test_module_copy("child", &size, &dst, &mapped), child;
    unsigned patched = 0;
    int64_t status = -1;

    if (copy < 0)
        return;
    child = cairn_process_spawn(copy, size, CHILD_EXIT);
    expect_ret("spawn of the unchanged copy", child < 0 ? child : 0, 0);
    if (child >= 0) {
        expect_ret("its end", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
        cairn_handle_close(child);
    }

    /* e_phoff at 32, e_phnum at 56; p_type and p_flags lead each 56-byte header. */
    uint64_t phoff = bytes_rd64(dst + 32);
    uint16_t phnum = bytes_rd16(dst + 56);
    for (uint16_t i = 0; i < phnum && phoff + 56ull * (i + 1) <= size; i++) {
        uint8_t *ph = dst + phoff + 56ull * i;
        if (bytes_rd32(ph) == PT_LOAD && (bytes_rd32(ph + 4) & PF_X)) {
            bytes_wr32(ph + 4, bytes_rd32(ph + 4) | PF_W);
            patched++;
        }
    }
    if (!patched)
        test_fail("init has no executable segment to patch");
    child = cairn_process_spawn(copy, size, CHILD_EXIT);
    expect_ret("process_spawn of a W+X segment", child, -CAIRN_EINVAL);
    if (child >= 0) {
        cairn_process_wait(child, 5000 * MS_NS, NULL);
        cairn_handle_close(child);
    }
    child = cairn_spawn(copy, 0, size, &(struct cairn_spawn_attr){.start_arg = CHILD_EXIT}, NULL);
    expect_ret("cairn_spawn of a W+X segment", child, -CAIRN_EINVAL);
    if (child >= 0) {
        cairn_process_wait(child, 5000 * MS_NS, NULL);
        cairn_handle_close(child);
    }
    cairn_vm_unmap((uint64_t)dst, mapped);
    cairn_handle_close(copy);
    expect_stats(&before, "after the refusals");
}

static void
process_calls_refuse_bad_arguments(void)
{
    long junk = cairn_memobj_create(8192, 0), img = find_child_module();
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
    long child = cairn_process_spawn(img, 0, CHILD_EXIT);
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

/* --- notifications ----------------------------------------------------------------------- */

static void
notify_signals_accumulate_and_wait_takes_them_all(void)
{
    long n = cairn_notify_create();
    uint64_t bits = 0, start;

    expect_ret("notify_create", n >= 0 ? 0 : n, 0);
    expect_ret("notify_signal(1)", cairn_notify_signal(n, 1), 0);
    expect_ret("notify_signal(4)", cairn_notify_signal(n, 4), 0);
    expect_ret("notify_signal(1) again", cairn_notify_signal(n, 1), 0);
    expect_ret("notify_wait(poll)", cairn_notify_wait(n, 0, &bits), 0);
    if (bits != 5)
        test_fail("took bits %#lx, expected 0x5", (unsigned long)bits);
    expect_ret("notify_wait(poll) of an empty word", cairn_notify_wait(n, 0, &bits),
               -CAIRN_ETIMEDOUT);
    start = cairn_clock_get();
    expect_ret("notify_wait(20 ms)", cairn_notify_wait(n, 20 * MS_NS, &bits), -CAIRN_ETIMEDOUT);
    if (cairn_clock_get() - start < 20 * MS_NS)
        test_fail("notify_wait(20 ms) returned after %lu us",
                  (unsigned long)(cairn_clock_get() - start) / 1000);
    cairn_handle_close(n);
}

/* notify_wait with a pointer for the bits, which the kernel stores there
 * (libc's cairn_notify_wait passes none: the bits come back in rsi). */
static long
notify_wait_into(long n, uint64_t timeout_ns, uint64_t *bits)
{
    return cairn_syscall3(CAIRN_SYS_notify_wait, n, (long)timeout_ns, (long)bits);
}

static void
notify_calls_check_type_rights_and_pointers(void)
{
    long n = cairn_notify_create(), mo = cairn_memobj_create(4096, 0);
    long signal_only = cairn_handle_dup(n, CAIRN_RIGHT_SIGNAL);
    uint64_t bits = 0;

    expect_ret("notify_wait on a memory object", cairn_notify_wait(mo, 0, &bits),
               -CAIRN_EWRONGTYPE);
    expect_ret("notify_signal on a memory object", cairn_notify_signal(mo, 1), -CAIRN_EWRONGTYPE);
    expect_ret("notify_signal on a bad handle", cairn_notify_signal(-3, 1), -CAIRN_EBADH);
    expect_ret("notify_wait without WAIT", cairn_notify_wait(signal_only, 0, &bits),
               -CAIRN_ERIGHTS);
    expect_ret("notify_signal through the SIGNAL-only handle", cairn_notify_signal(signal_only, 2),
               0);
    /* A bad result pointer is refused before any bit is taken. */
    expect_ret("notify_wait into a kernel address",
               notify_wait_into(n, 0, (uint64_t *)0xffffffff80000000ul), -CAIRN_EFAULT);
    expect_ret("notify_wait after the EFAULT", cairn_notify_wait(n, 0, &bits), 0);
    if (bits != 2)
        test_fail("the bit was lost: took %#lx", (unsigned long)bits);
    cairn_handle_close(signal_only);
    cairn_handle_close(mo);
    cairn_handle_close(n);
}

/* The word notify_wait returns goes out in one store (copy_u64_to_user):
 * into a page never touched (the store's fault enters it), across a page
 * boundary, and never into a read-only page or a hole, which are refused
 * before any bit is taken. */
static void
notify_wait_stores_its_word_in_untouched_pages_and_nowhere_it_may_not(void)
{
    long n = cairn_notify_create(), h = cairn_memobj_create(12 * KIB, 0);
    uint64_t at = 0x34000000, bits = 0, word;
    long a = cairn_vm_map(h, 0, 12 * KIB, at, RW, CAIRN_MAP_FIXED);

    expect_ret("vm_map fixed", a, (long)at);
    if (a != (long)at)
        goto out;
    cairn_notify_signal(n, 0x11);
    expect_ret("notify_wait into an untouched page", notify_wait_into(n, 0, (uint64_t *)at), 0);
    if (*(volatile uint64_t *)at != 0x11)
        test_fail("the untouched page holds %#lx", (unsigned long)*(volatile uint64_t *)at);
    cairn_notify_signal(n, 0x2222);
    expect_ret("notify_wait across into an untouched page",
               notify_wait_into(n, 0, (uint64_t *)(at + 4096 - 4)), 0);
    memcpy(&word, (const void *)(at + 4096 - 4), sizeof(word));
    if (word != 0x2222)
        test_fail("the word across the pages is %#lx", (unsigned long)word);

    expect_ret("vm_protect of the last page", cairn_vm_protect(at + 8192, 4096, CAIRN_PROT_READ),
               0);
    (void)*(volatile uint64_t *)(at + 8192); /* present, read-only */
    *(volatile uint64_t *)(at + 8192 - 8) = 7;
    cairn_notify_signal(n, 0x44);
    expect_ret("notify_wait into a read-only page", notify_wait_into(n, 0, (uint64_t *)(at + 8192)),
               -CAIRN_EFAULT);
    expect_ret("notify_wait across into a read-only page",
               notify_wait_into(n, 0, (uint64_t *)(at + 8192 - 4)), -CAIRN_EFAULT);
    if (*(volatile uint64_t *)(at + 8192 - 8) != 7)
        test_fail("a refused store changed the page before");
    expect_ret("notify_wait into the hole after the mapping",
               notify_wait_into(n, 0, (uint64_t *)(at + 12 * KIB)), -CAIRN_EFAULT);
    expect_ret("notify_wait after the refusals", cairn_notify_wait(n, 0, &bits), 0);
    if (bits != 0x44)
        test_fail("the bits were lost: took %#lx", (unsigned long)bits);
    expect_ret("vm_unmap", cairn_vm_unmap(at, 12 * KIB), 0);
out:
    cairn_handle_close(h);
    cairn_handle_close(n);
}

/* --- endpoints, badges, transfer checks, borrow/revoke (one process) -------------------- */

static void
endpoint_recv_polls_and_reply_needs_a_caller(void)
{
    long ep = cairn_endpoint_create();
    struct cairn_msg m = {{1, 2, 3, 4, 5}, NULL};
    uint64_t badge = 99;

    expect_ret("ipc_recv(poll)", cairn_ipc_recv(ep, &m, 0, &badge), -CAIRN_ETIMEDOUT);
    if (m.w[0] || m.w[4] || badge)
        test_fail("a failed recv left words or badge behind");
    expect_ret("ipc_reply without a caller", cairn_ipc_reply(&m), -CAIRN_ENOENT);
    expect_ret("ipc_recv on a notification", cairn_ipc_recv(cairn_notify_create(), &m, 0, NULL),
               -CAIRN_EWRONGTYPE);
    cairn_handle_close(ep);
}

static void
endpoint_closes_when_its_last_receive_handle_goes(void)
{
    long ep = cairn_endpoint_create();
    long send = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    struct cairn_msg m = {{0}, NULL};

    expect_ret("ipc_recv through a SIGNAL-only handle", cairn_ipc_recv(send, &m, 0, NULL),
               -CAIRN_ERIGHTS);
    cairn_handle_close(ep);
    expect_ret("ipc_call on an endpoint nobody can receive on", cairn_ipc_call(send, &m),
               -CAIRN_ECLOSED);
    cairn_handle_close(send);
}

static void
handle_mint_sets_a_badge_once(void)
{
    long ep = cairn_endpoint_create(), n = cairn_notify_create();
    long badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, 7);
    struct cairn_handle_info info;

    expect_ret("mint", badged >= 0 ? 0 : badged, 0);
    expect_ret("mint of a badged handle", cairn_handle_mint(badged, CAIRN_RIGHT_SIGNAL, 8),
               -CAIRN_EPERM);
    expect_ret("mint of a notification", cairn_handle_mint(n, CAIRN_RIGHT_SIGNAL, 8),
               -CAIRN_EWRONGTYPE);
    expect_ret("mint with a right the source lacks",
               cairn_handle_mint(badged, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_MANAGE, 8),
               -CAIRN_ERIGHTS);
    expect_ret("info of the badged handle", cairn_handle_info(badged, &info), 0);
    if (info.rights != (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE))
        test_fail("badged handle has rights %#x", info.rights);
    cairn_handle_close(badged);
    cairn_handle_close(n);
    cairn_handle_close(ep);
}

static void
ipc_call_checks_every_handle_before_moving_any(void)
{
    long ep = cairn_endpoint_create();
    long send = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    long mo = cairn_memobj_create(4096, 0), other = cairn_memobj_create(4096, 0);
    long no_transfer = cairn_handle_dup(other, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, &ext};
    struct cairn_handle_info info;
    char big[16];

    cairn_handle_close(ep); /* calls now fail with ECLOSED, after the checks */
    ext.send_nhandles = 2;
    ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, 0, 0};
    ext.send_handles[1] = (struct cairn_msg_handle){12345, CAIRN_RIGHTS_SAME, 0, 0};
    expect_ret("call with a bad second handle", cairn_ipc_call(send, &m), -CAIRN_EBADH);
    expect_ret("the first handle is still there", cairn_handle_info(mo, &info), 0);
    ext.send_handles[1].handle = (int32_t)no_transfer;
    expect_ret("call with a handle lacking TRANSFER", cairn_ipc_call(send, &m), -CAIRN_ERIGHTS);
    ext.send_handles[1] = (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, 0, 0};
    expect_ret("call naming one handle twice", cairn_ipc_call(send, &m), -CAIRN_EINVAL);
    ext.send_handles[1] = (struct cairn_msg_handle){(int32_t)other, CAIRN_RIGHT_EXEC | 0x800, 0, 0};
    expect_ret("call widening rights", cairn_ipc_call(send, &m), -CAIRN_ERIGHTS);
    ext.send_handles[1] = (struct cairn_msg_handle){(int32_t)other, CAIRN_RIGHTS_SAME, 7, 0};
    expect_ret("call with bad handle flags", cairn_ipc_call(send, &m), -CAIRN_EINVAL);
    ext.send_nhandles = CAIRN_MSG_HANDLES + 1;
    expect_ret("call with 5 handles", cairn_ipc_call(send, &m), -CAIRN_EINVAL);
    ext.send_nhandles = 0;
    ext.send_len = CAIRN_MSG_BUF_MAX + 1;
    ext.send_buf = (uint64_t)(uintptr_t)big;
    expect_ret("call with a 4097-byte buffer", cairn_ipc_call(send, &m), -CAIRN_EINVAL);
    ext.send_len = sizeof(big);
    ext.send_buf = 0x10000000;
    expect_ret("call with an unmapped buffer", cairn_ipc_call(send, &m), -CAIRN_EFAULT);
    m.ext = (struct cairn_msg_ext *)0xffffffff80000000ul;
    expect_ret("call with a kernel-address extension", cairn_ipc_call(send, &m), -CAIRN_EFAULT);
    expect_ret("every handle survived the refused calls", cairn_handle_info(mo, &info), 0);

    /* A valid move to a closed endpoint: checked, sent, dropped. */
    m.ext = &ext;
    ext.send_len = 0;
    ext.send_nhandles = 1;
    ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, 0, 0};
    expect_ret("call moving a handle to a closed endpoint", cairn_ipc_call(send, &m),
               -CAIRN_ECLOSED);
    cairn_handle_close(no_transfer);
    cairn_handle_close(other);
    cairn_handle_close(mo);
    cairn_handle_close(send);
}

static void
revoke_ends_every_handle_derived_from_a_borrow(void)
{
    const uint32_t lend = CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE;
    long mo = cairn_memobj_create(4096, 0);
    long borrowed = cairn_handle_borrow(mo, lend);
    long copy = cairn_handle_dup(borrowed, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    struct cairn_handle_info info;
    long a;

    expect_ret("borrow", borrowed >= 0 ? 0 : borrowed, 0);
    expect_ret("info of the borrowed handle", cairn_handle_info(borrowed, &info), 0);
    if (info.rights != (lend | CAIRN_RIGHT_REVOKE))
        test_fail("borrowed handle has rights %#x", info.rights);
    a = cairn_vm_map(copy, 0, 4096, 0, CAIRN_PROT_READ, 0);
    expect_ret("map through the copy", a > 0 ? 0 : a, 0);
    expect_ret("revoke without REVOKE", cairn_handle_revoke(copy), -CAIRN_ERIGHTS);
    expect_ret("revoke of a handle never borrowed", cairn_handle_revoke(mo), -CAIRN_EINVAL);
    expect_ret("revoke", cairn_handle_revoke(borrowed), 0);
    expect_ret("map through the revoked copy", cairn_vm_map(copy, 0, 4096, 0, CAIRN_PROT_READ, 0),
               -CAIRN_EREVOKED);
    expect_ret("info of the revoked copy", cairn_handle_info(copy, &info), -CAIRN_EREVOKED);
    expect_ret("revoke again", cairn_handle_revoke(borrowed), -CAIRN_EREVOKED);
    expect_ret("the lender's own handle still works", cairn_handle_info(mo, &info), 0);
    expect_ret("close the revoked copy", cairn_handle_close(copy), 0);
    expect_ret("close the revoked borrow", cairn_handle_close(borrowed), 0);
    if (a > 0)
        expect_ret("unmap the earlier mapping", cairn_vm_unmap((uint64_t)a, 4096), 0);
    cairn_handle_close(mo);
}

/* --- device access: resources, irq objects, I/O ports, device and DMA memory ------------- */

/* init's device-access roots (include/cairn/init.h): the first handle of each type. */
static long
find_handle_of_type(uint32_t type)
{
    struct cairn_handle_info info;

    for (long h = 0; h < 64; h++) {
        if (cairn_handle_info(h, &info) == 0 && info.type == type)
            return h;
    }
    return -1;
}

#define RTC_INDEX   0x70
#define RTC_DATA    0x71
#define RTC_NMI_OFF 0x80 /* keep NMIs off while the index register is ours */
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_B_PIE   0x40         /* periodic interrupt enable */
#define RTC_C_PF    0x40         /* periodic flag, cleared by reading C */
#define RTC_RATE_64 0x0a         /* 32768 >> (10 - 1) = 64 Hz */
#define HPET_PHYS   0xfed00000ul /* where QEMU's q35 HPET sits (its ACPI table says so too) */
#define LAPIC_PHYS  0xfee00000ul
#define IOAPIC_PHYS 0xfec00000ul
#define KERNEL_PHYS 0x200000ul /* where the kernel image was loaded: usable RAM */
#define GP_STATUS   (-(128 + 13))

static uint8_t
rtc_read(uint8_t reg)
{
    port_out8(RTC_INDEX, RTC_NMI_OFF | reg);
    return port_in8(RTC_DATA);
}

static void
rtc_write(uint8_t reg, uint8_t v)
{
    port_out8(RTC_INDEX, RTC_NMI_OFF | reg);
    port_out8(RTC_DATA, v);
}

static void
device_roots_are_handed_to_init(void)
{
    static const struct {
        uint32_t type, rights;
    } want[] = {
        {CAIRN_OBJ_IRQ_RANGE, CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER},
        {CAIRN_OBJ_IOPORT, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MANAGE |
                               CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER},
        {CAIRN_OBJ_PHYS_RANGE, CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER},
    };
    struct cairn_handle_info info;

    for (unsigned i = 0; i < 3; i++) {
        long h = CAIRN_INIT_HANDLE_IRQ_ROOT + (long)i;
        if (cairn_handle_info(h, &info) != 0 || info.type != want[i].type) {
            test_fail("handle %ld is no object of type %u", h, want[i].type);
            return;
        }
        if (info.rights != want[i].rights)
            test_fail("type %u: rights %#x, expected %#x", want[i].type, info.rights,
                      want[i].rights);
    }
}

static void
resource_create_carves_sub_ranges_and_never_widens(void)
{
    long io = find_handle_of_type(CAIRN_OBJ_IOPORT);
    long irqs = find_handle_of_type(CAIRN_OBJ_IRQ_RANGE);
    long phys = find_handle_of_type(CAIRN_OBJ_PHYS_RANGE);
    long rtc = cairn_resource_create(io, RTC_INDEX, 2), one, nomanage, mo;
    struct cairn_handle_info info;

    expect_ret("resource_create(ports 0x70-0x71)", rtc >= 0 ? 0 : rtc, 0);
    expect_ret("handle_info(sub-range)", cairn_handle_info(rtc, &info), 0);
    if (info.type != CAIRN_OBJ_IOPORT)
        test_fail("a sub-range of ports has type %u", info.type);
    one = cairn_resource_create(rtc, RTC_DATA, 1);
    expect_ret("resource_create(0x71) from the sub-range", one >= 0 ? 0 : one, 0);
    expect_ret("widening past the end", cairn_resource_create(rtc, RTC_DATA, 2), -CAIRN_ERANGE);
    expect_ret("widening below the base", cairn_resource_create(rtc, 0x6f, 2), -CAIRN_ERANGE);
    expect_ret("the whole parent again from a child", cairn_resource_create(one, RTC_INDEX, 2),
               -CAIRN_ERANGE);
    expect_ret("a range that wraps", cairn_resource_create(io, 0x10, ~0ul), -CAIRN_ERANGE);
    expect_ret("ports past 0xffff", cairn_resource_create(io, 0xffff, 2), -CAIRN_ERANGE);
    expect_ret("size 0", cairn_resource_create(io, 0x70, 0), -CAIRN_EINVAL);
    expect_ret("an unaligned physical range", cairn_resource_create(phys, HPET_PHYS + 8, 4096),
               -CAIRN_EINVAL);
    nomanage = cairn_handle_dup(rtc, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE);
    expect_ret("resource_create without MANAGE", cairn_resource_create(nomanage, RTC_DATA, 1),
               -CAIRN_ERIGHTS);
    mo = cairn_memobj_create(4096, 0);
    expect_ret("resource_create from a memory object", cairn_resource_create(mo, 0, 1),
               -CAIRN_EWRONGTYPE);
    expect_ret("resource_create from a bad handle", cairn_resource_create(-7, 0, 1), -CAIRN_EBADH);

    /* Derived irq and physical ranges bound what can be made from them. */
    long rtc_line = cairn_resource_create(irqs, 8, 1);
    long hpet = cairn_resource_create(phys, HPET_PHYS, 4096);
    expect_ret("resource_create(GSI 8)", rtc_line >= 0 ? 0 : rtc_line, 0);
    expect_ret("resource_create(HPET page)", hpet >= 0 ? 0 : hpet, 0);
    expect_ret("irq_create outside the range", cairn_irq_create(rtc_line, 9, 0), -CAIRN_ERANGE);
    expect_ret("ISA IRQ 1 outside the range", cairn_irq_create(rtc_line, 1, CAIRN_IRQ_ISA),
               -CAIRN_ERANGE);
    expect_ret("device memory past the range",
               cairn_memobj_create_dev(hpet, HPET_PHYS, 8192, CAIRN_CACHE_UC), -CAIRN_ERANGE);
    expect_ret("lines past the root",
               cairn_resource_create(irqs, 0, CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT + 1),
               -CAIRN_ERANGE);
    cairn_handle_close(hpet);
    cairn_handle_close(rtc_line);
    cairn_handle_close(mo);
    cairn_handle_close(nomanage);
    cairn_handle_close(one);
    cairn_handle_close(rtc);
}

/* The RTC's periodic interrupt (ISA IRQ 8) through an ioport object and an
 * irq object: several interrupts, each acknowledged, then none once
 * unbound although the RTC keeps raising its flag. */
static void
rtc_interrupts_reach_user_space_until_unbound(void)
{
    long io = cairn_resource_create(find_handle_of_type(CAIRN_OBJ_IOPORT), RTC_INDEX, 2);
    long irq = cairn_irq_create(find_handle_of_type(CAIRN_OBJ_IRQ_RANGE), 8, CAIRN_IRQ_ISA);
    long n = cairn_notify_create();
    uint8_t old_a, old_b;
    uint64_t bits = 0;
    int got = 0, flags_seen = 0;

    expect_ret("ioport sub-range", io >= 0 ? 0 : io, 0);
    expect_ret("irq_create(ISA 8)", irq >= 0 ? 0 : irq, 0);
    if (io < 0 || irq < 0 || test_has_failed())
        goto out;
    expect_ret("ioport_enable", cairn_ioport_enable(io, -1, 1), 0);
    expect_ret("irq_bind", cairn_irq_bind(irq, n, 1ul << 3), 0);
    if (test_has_failed())
        goto out;

    old_a = rtc_read(RTC_REG_A);
    old_b = rtc_read(RTC_REG_B);
    rtc_write(RTC_REG_A, (uint8_t)((old_a & 0xf0) | RTC_RATE_64));
    rtc_write(RTC_REG_B, old_b | RTC_B_PIE);
    rtc_read(RTC_REG_C); /* a flag already up would hold the line: drop it */

    for (int i = 0; i < 5; i++) {
        long err = cairn_notify_wait(n, 2000 * MS_NS, &bits);
        if (err) {
            test_fail("interrupt %d: notify_wait returned %ld (%s)", i + 1, err,
                      cairn_error_name((int)err));
            break;
        }
        if (bits != 1ul << 3)
            test_fail("interrupt %d arrived as bits %#lx", i + 1, (unsigned long)bits);
        if (rtc_read(RTC_REG_C) & RTC_C_PF) /* servicing the device lowers the line */
            flags_seen++;
        expect_ret("irq_ack", cairn_irq_ack(irq), 0);
        got++;
    }
    if (got == 5 && flags_seen == 0)
        test_fail("5 interrupts, but the RTC never had its periodic flag up");

    /* Unbound: the RTC goes on (its flag keeps coming up) but nothing arrives. */
    expect_ret("irq_bind(-1) unbinds", cairn_irq_bind(irq, -1, 0), 0);
    cairn_notify_wait(n, 0, &bits);
    flags_seen = 0;
    for (int i = 0; i < 10; i++) {
        cairn_thread_sleep(20 * MS_NS);
        if (rtc_read(RTC_REG_C) & RTC_C_PF)
            flags_seen++;
    }
    if (flags_seen == 0)
        test_fail("the RTC stopped raising its flag: unbinding proved nothing");
    expect_ret("notify_wait after unbinding", cairn_notify_wait(n, 0, &bits), -CAIRN_ETIMEDOUT);

    /* Bound again, it delivers again. */
    expect_ret("irq_bind again", cairn_irq_bind(irq, n, 1), 0);
    rtc_read(RTC_REG_C);
    expect_ret("notify_wait after binding again", cairn_notify_wait(n, 2000 * MS_NS, &bits), 0);
    expect_ret("irq_ack", cairn_irq_ack(irq), 0);

    rtc_write(RTC_REG_B, old_b & (uint8_t)~RTC_B_PIE);
    rtc_write(RTC_REG_A, old_a);
    rtc_read(RTC_REG_C);
    expect_ret("ioport_enable(0) withdraws", cairn_ioport_enable(io, -1, 0), 0);
out:
    cairn_handle_close(n);
    cairn_handle_close(irq);
    cairn_handle_close(io);
}

/* A child that reads one port after 200 ms (child.h, CHILD_PORT_IN);
 * grant, if >= 0, is given to it first (or given and taken back). Its exit
 * status: 0, or a #GP's. */
static int64_t
child_reads_port(uint16_t port, long grant, int withdraw)
{
    long child = cairn_process_spawn(find_child_module(), 0, CHILD_ARG(CHILD_PORT_IN, port));
    int64_t status = 12345;

    if (child < 0) {
        test_fail("process_spawn returned %ld", child);
        return status;
    }
    if (grant >= 0)
        expect_ret("ioport_enable(child)", cairn_ioport_enable(grant, child, 1), 0);
    if (withdraw)
        expect_ret("ioport_enable(child, 0)", cairn_ioport_enable(grant, child, 0), 0);
    expect_ret("process_wait", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    cairn_handle_close(child);
    return status;
}

static void
ports_outside_a_grant_fault_in_the_child(void)
{
    long io = cairn_resource_create(find_handle_of_type(CAIRN_OBJ_IOPORT), RTC_INDEX, 2);
    int64_t status;

    expect_ret("ioport sub-range", io >= 0 ? 0 : io, 0);
    status = child_reads_port(RTC_DATA, io, 0);
    if (status != 0)
        test_fail("reading a granted port: child exited with %ld", (long)status);
    status = child_reads_port(0x72, io, 0);
    if (status != GP_STATUS)
        test_fail("port 0x72, past the grant: child exited with %ld, expected %d", (long)status,
                  GP_STATUS);
    status = child_reads_port(0x6f, io, 0);
    if (status != GP_STATUS)
        test_fail("port 0x6f, below the grant: child exited with %ld", (long)status);
    status = child_reads_port(RTC_DATA, -1, 0);
    if (status != GP_STATUS)
        test_fail("a port with no grant at all: child exited with %ld", (long)status);
    status = child_reads_port(RTC_DATA, io, 1);
    if (status != GP_STATUS)
        test_fail("a withdrawn port: child exited with %ld", (long)status);
    cairn_handle_close(io);
}

static void
ioport_enable_checks_handles_rights_and_grants(void)
{
    long io = cairn_resource_create(find_handle_of_type(CAIRN_OBJ_IOPORT), 0x80, 1);
    long ro = cairn_handle_dup(io, CAIRN_RIGHT_READ);
    long n = cairn_notify_create();
    long child = cairn_process_spawn(find_child_module(), 0, CHILD_EXIT);
    long waitonly = cairn_handle_dup(child, CAIRN_RIGHT_WAIT);

    expect_ret("enable 2", cairn_ioport_enable(io, -1, 2), -CAIRN_EINVAL);
    expect_ret("enable a notification", cairn_ioport_enable(n, -1, 1), -CAIRN_EWRONGTYPE);
    expect_ret("enable a bad handle", cairn_ioport_enable(-2, -1, 1), -CAIRN_EBADH);
    expect_ret("enable without WRITE", cairn_ioport_enable(ro, -1, 1), -CAIRN_ERIGHTS);
    expect_ret("enable for a process without MANAGE", cairn_ioport_enable(io, waitonly, 1),
               -CAIRN_ERIGHTS);
    expect_ret("enable for a notification", cairn_ioport_enable(io, n, 1), -CAIRN_EWRONGTYPE);
    expect_ret("withdraw what was never granted", cairn_ioport_enable(io, -1, 0), -CAIRN_ENOENT);
    expect_ret("grant", cairn_ioport_enable(io, -1, 1), 0);
    expect_ret("grant twice", cairn_ioport_enable(io, -1, 1), 0);
    port_in8(0x80); /* a fault here would end init: the grant works */
    expect_ret("withdraw", cairn_ioport_enable(io, -1, 0), 0);
    expect_ret("withdraw again", cairn_ioport_enable(io, -1, 0), -CAIRN_ENOENT);
    cairn_process_wait(child, 5000 * MS_NS, NULL);
    cairn_handle_close(waitonly);
    cairn_handle_close(child);
    cairn_handle_close(n);
    cairn_handle_close(ro);
    cairn_handle_close(io);
}

static void
irq_calls_check_handles_rights_flags_and_lines(void)
{
    long irqs = find_handle_of_type(CAIRN_OBJ_IRQ_RANGE), n = cairn_notify_create();
    long noman = cairn_handle_dup(irqs, CAIRN_RIGHT_DUPLICATE);
    long wait_only = cairn_handle_dup(n, CAIRN_RIGHT_WAIT);
    long irq = cairn_irq_create(irqs, 8, CAIRN_IRQ_ISA), shared, bind_only, ack_only;

    expect_ret("irq_create(ISA 8)", irq >= 0 ? 0 : irq, 0);
    expect_ret("unknown flags", cairn_irq_create(irqs, 8, 8), -CAIRN_EINVAL);
    expect_ret("ISA IRQ 16", cairn_irq_create(irqs, 16, CAIRN_IRQ_ISA), -CAIRN_EINVAL);
    expect_ret("ISA with a mode", cairn_irq_create(irqs, 8, CAIRN_IRQ_ISA | CAIRN_IRQ_LEVEL),
               -CAIRN_EINVAL);
    expect_ret("GSI past the table", cairn_irq_create(irqs, CAIRN_IRQ_LINES, 0), -CAIRN_EINVAL);
    expect_ret("irq_create without MANAGE", cairn_irq_create(noman, 8, CAIRN_IRQ_ISA),
               -CAIRN_ERIGHTS);
    expect_ret("irq_create from a notification", cairn_irq_create(n, 8, CAIRN_IRQ_ISA),
               -CAIRN_EWRONGTYPE);
    expect_ret("irq_create from a bad handle", cairn_irq_create(-4, 8, CAIRN_IRQ_ISA),
               -CAIRN_EBADH);
    /* GSI 8 is edge, active high: a second object shares it; another mode cannot. */
    shared = cairn_irq_create(irqs, 8, 0);
    expect_ret("sharing the line in its mode", shared >= 0 ? 0 : shared, 0);
    expect_ret("the line in another mode", cairn_irq_create(irqs, 8, CAIRN_IRQ_LEVEL),
               -CAIRN_EBUSY);

    bind_only = cairn_handle_dup(irq, CAIRN_RIGHT_MANAGE);
    ack_only = cairn_handle_dup(irq, CAIRN_RIGHT_SIGNAL);
    expect_ret("irq_bind with bits 0", cairn_irq_bind(irq, n, 0), -CAIRN_EINVAL);
    expect_ret("irq_bind to a notification without SIGNAL", cairn_irq_bind(irq, wait_only, 1),
               -CAIRN_ERIGHTS);
    expect_ret("irq_bind to a bad handle", cairn_irq_bind(irq, 999, 1), -CAIRN_EBADH);
    expect_ret("irq_bind to an irq object", cairn_irq_bind(irq, shared, 1), -CAIRN_EWRONGTYPE);
    expect_ret("irq_bind without MANAGE", cairn_irq_bind(ack_only, n, 1), -CAIRN_ERIGHTS);
    expect_ret("irq_bind on a notification", cairn_irq_bind(n, n, 1), -CAIRN_EWRONGTYPE);
    expect_ret("irq_bind on a bad handle", cairn_irq_bind(-1, n, 1), -CAIRN_EBADH);
    expect_ret("irq_ack without SIGNAL", cairn_irq_ack(bind_only), -CAIRN_ERIGHTS);
    expect_ret("irq_ack on a notification", cairn_irq_ack(n), -CAIRN_EWRONGTYPE);
    expect_ret("irq_ack on a bad handle", cairn_irq_ack(-1), -CAIRN_EBADH);
    expect_ret("irq_ack with nothing pending", cairn_irq_ack(ack_only), 0);
    expect_ret("irq_bind through the MANAGE-only handle", cairn_irq_bind(bind_only, n, 2), 0);
    expect_ret("unbind", cairn_irq_bind(bind_only, -1, 0), 0);

    cairn_handle_close(ack_only);
    cairn_handle_close(bind_only);
    cairn_handle_close(shared);
    cairn_handle_close(irq);
    /* With every object gone the line is free for any mode. */
    irq = cairn_irq_create(irqs, 8, CAIRN_IRQ_LEVEL);
    expect_ret("the freed line in another mode", irq >= 0 ? 0 : irq, 0);
    cairn_handle_close(irq);
    cairn_handle_close(wait_only);
    cairn_handle_close(noman);
    cairn_handle_close(n);
}

/* The HPET's registers through a device memory object mapped uncached: its
 * capabilities word says who made it and how fast it counts, and its
 * counter moves. */
static void
device_memory_maps_the_hpet_registers(void)
{
    long hpet = cairn_memobj_create_dev(find_handle_of_type(CAIRN_OBJ_PHYS_RANGE), HPET_PHYS, 4096,
                                        CAIRN_CACHE_UC);
    volatile uint64_t *regs;
    uint64_t caps, c0, c1;
    struct cairn_handle_info info;
    long a;

    expect_ret("memobj_create_dev(HPET)", hpet >= 0 ? 0 : hpet, 0);
    if (hpet < 0)
        return;
    expect_ret("handle_info", cairn_handle_info(hpet, &info), 0);
    if (info.type != CAIRN_OBJ_MEMOBJ || (info.rights & CAIRN_RIGHT_EXEC))
        test_fail("device memory: type %u rights %#x", info.type, info.rights);
    expect_ret("memobj_phys(0x10)", cairn_memobj_phys(hpet, 0x10), (long)HPET_PHYS + 0x10);
    expect_ret("memobj_phys past the end", cairn_memobj_phys(hpet, 4096), -CAIRN_ERANGE);
    expect_ret("mapping it executable", cairn_vm_map(hpet, 0, 4096, 0, CAIRN_PROT_EXEC, 0),
               -CAIRN_ERIGHTS);
    a = cairn_vm_map(hpet, 0, 4096, 0, RW, 0);
    expect_ret("vm_map(HPET)", a > 0 ? 0 : a, 0);
    if (a <= 0)
        goto out;
    regs = (volatile uint64_t *)a;
    caps = regs[0];
    if (((caps >> 16) & 0xffff) != 0x8086 || (caps & 0xff) == 0)
        test_fail("HPET capabilities %#lx: vendor %#lx, revision %lu", (unsigned long)caps,
                  (unsigned long)((caps >> 16) & 0xffff), (unsigned long)(caps & 0xff));
    if ((caps >> 32) != 10000000) /* QEMU's HPET ticks every 10^7 fs: 100 MHz */
        test_fail("HPET period %lu fs, expected 10000000", (unsigned long)(caps >> 32));
    c0 = regs[0xf0 / 8];
    cairn_thread_sleep(2 * MS_NS);
    c1 = regs[0xf0 / 8];
    if (c1 <= c0)
        test_fail("the HPET counter did not move: %lu then %lu", (unsigned long)c0,
                  (unsigned long)c1);
    cairn_vm_unmap((uint64_t)a, 4096);
out:
    cairn_handle_close(hpet);
}

static void
device_memory_refuses_ram_and_kernel_registers(void)
{
    long phys = find_handle_of_type(CAIRN_OBJ_PHYS_RANGE);
    long dma = cairn_memobj_create_dma(phys, 4096, 0),
         ro = cairn_handle_dup(phys, CAIRN_RIGHT_DUPLICATE);
    long dma_at = dma >= 0 ? cairn_memobj_phys(dma, 0) : -1;

    expect_ret("the kernel's image", cairn_memobj_create_dev(phys, KERNEL_PHYS, 4096, 0),
               -CAIRN_EPERM);
    expect_ret("page 0", cairn_memobj_create_dev(phys, 0, 4096, 0), -CAIRN_EPERM);
    if (dma_at > 0)
        expect_ret("a DMA buffer's RAM", cairn_memobj_create_dev(phys, (uint64_t)dma_at, 4096, 0),
                   -CAIRN_EPERM);
    else
        test_fail("no DMA buffer to test with: %ld", dma_at);
    expect_ret("the local APIC", cairn_memobj_create_dev(phys, LAPIC_PHYS, 4096, 0), -CAIRN_EPERM);
    expect_ret("the I/O APIC", cairn_memobj_create_dev(phys, IOAPIC_PHYS, 4096, 0), -CAIRN_EPERM);
    expect_ret("a range running into the I/O APIC",
               cairn_memobj_create_dev(phys, IOAPIC_PHYS - 4096, 8192, 0), -CAIRN_EPERM);
    expect_ret("unaligned address", cairn_memobj_create_dev(phys, HPET_PHYS + 1, 4096, 0),
               -CAIRN_EINVAL);
    expect_ret("unaligned size", cairn_memobj_create_dev(phys, HPET_PHYS, 100, 0), -CAIRN_EINVAL);
    expect_ret("size 0", cairn_memobj_create_dev(phys, HPET_PHYS, 0, 0), -CAIRN_EINVAL);
    expect_ret("unknown cache mode", cairn_memobj_create_dev(phys, HPET_PHYS, 4096, 3),
               -CAIRN_EINVAL);
    expect_ret("past the CPU's physical addresses",
               cairn_memobj_create_dev(phys, 1ul << 52, 4096, 0), -CAIRN_ERANGE);
    expect_ret("without MANAGE", cairn_memobj_create_dev(ro, HPET_PHYS, 4096, 0), -CAIRN_ERIGHTS);
    expect_ret("from an ioport object",
               cairn_memobj_create_dev(find_handle_of_type(CAIRN_OBJ_IOPORT), HPET_PHYS, 4096, 0),
               -CAIRN_EWRONGTYPE);
    expect_ret("from a bad handle", cairn_memobj_create_dev(-9, HPET_PHYS, 4096, 0), -CAIRN_EBADH);
    cairn_handle_close(ro);
    cairn_handle_close(dma);
}

static void
dma_memory_is_contiguous_zeroed_and_reports_its_address(void)
{
    long phys = find_handle_of_type(CAIRN_OBJ_PHYS_RANGE);
    long dma = cairn_memobj_create_dma(phys, 5 * 4096, 0), low,
         plain = cairn_memobj_create(4096, 0);
    long at, a;

    expect_ret("memobj_create_dma(5 pages)", dma >= 0 ? 0 : dma, 0);
    if (dma < 0)
        return;
    at = cairn_memobj_phys(dma, 0);
    if (at <= 0 || (at & 4095))
        test_fail("DMA buffer at %#lx: not a page-aligned address", at);
    for (long off = 0; off < 5 * 4096; off += 4096) {
        if (cairn_memobj_phys(dma, (uint64_t)off + 12) != at + off + 12)
            test_fail("byte %ld is at %#lx, not %#lx: not contiguous", off + 12,
                      cairn_memobj_phys(dma, (uint64_t)off + 12), at + off + 12);
    }
    expect_ret("memobj_phys past the end", cairn_memobj_phys(dma, 5 * 4096), -CAIRN_ERANGE);
    a = cairn_vm_map(dma, 0, 5 * 4096, 0, RW, 0);
    expect_ret("vm_map(DMA)", a > 0 ? 0 : a, 0);
    if (a > 0) {
        const unsigned char *p = (const unsigned char *)a;
        for (long i = 0; i < 5 * 4096; i++) {
            if (p[i]) {
                test_fail("DMA memory not zeroed at byte %ld", i);
                break;
            }
        }
        memset((void *)a, 0xa5, 5 * 4096);
        cairn_vm_unmap((uint64_t)a, 5 * 4096);
    }
    low = cairn_memobj_create_dma(phys, 64 * 1024, CAIRN_DMA_32BIT);
    expect_ret("memobj_create_dma(32-bit)", low >= 0 ? 0 : low, 0);
    at = low >= 0 ? cairn_memobj_phys(low, 0) : 0;
    if (low >= 0 && (at <= 0 || (uint64_t)at + 64 * 1024 > (1ul << 32)))
        test_fail("32-bit DMA buffer at %#lx", at);
    expect_ret("memobj_phys of ordinary memory", cairn_memobj_phys(plain, 0), -CAIRN_EINVAL);
    expect_ret("memobj_phys of an irq range",
               cairn_memobj_phys(find_handle_of_type(CAIRN_OBJ_IRQ_RANGE), 0), -CAIRN_EWRONGTYPE);
    expect_ret("memobj_phys of a bad handle", cairn_memobj_phys(-3, 0), -CAIRN_EBADH);
    expect_ret("DMA of 0 bytes", cairn_memobj_create_dma(phys, 0, 0), -CAIRN_EINVAL);
    expect_ret("DMA past 4 MiB", cairn_memobj_create_dma(phys, CAIRN_DMA_MAX_SIZE + 1, 0),
               -CAIRN_EINVAL);
    expect_ret("DMA with unknown flags", cairn_memobj_create_dma(phys, 4096, 2), -CAIRN_EINVAL);
    expect_ret("DMA from an irq range",
               cairn_memobj_create_dma(find_handle_of_type(CAIRN_OBJ_IRQ_RANGE), 4096, 0),
               -CAIRN_EWRONGTYPE);
    cairn_handle_close(plain);
    cairn_handle_close(low);
    cairn_handle_close(dma);
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
    USERTEST(thread_sleep_of_100us_ends_soon_after_it),
    USERTEST(clock_get_never_goes_backwards),
    USERTEST(unknown_syscall_returns_enosys),
    USERTEST(numbers_the_table_skips_return_enosys),
    USERTEST(system_call_arguments_keep_the_width_of_their_table_types),
    USERTEST(syscalls_preserve_general_registers),
    USERTEST(sse_registers_survive_syscalls),
    USERTEST(doubles_survive_yields_and_sleeps),
    USERTEST(memobj_pages_are_zero_on_first_touch_and_shared_between_mappings),
    USERTEST(vm_map_refuses_writable_and_executable),
    USERTEST(handle_dup_never_adds_rights),
    USERTEST(bad_handles_are_refused),
    USERTEST(absurd_sizes_and_addresses_are_refused),
    USERTEST(vm_map_fixed_places_mapping_exactly),
    USERTEST(vm_unmap_of_the_middle_page_keeps_the_outer_pages),
    USERTEST(vm_protect_of_part_of_a_mapping_changes_only_that_part),
    USERTEST(vm_unmap_of_an_empty_range_succeeds),
    USERTEST(boot_modules_are_read_only_handles),
    USERTEST(child_exit_status_arrives_through_wait),
    USERTEST(faulting_child_dies_and_parent_goes_on),
    USERTEST(executing_data_kills_the_child),
    USERTEST(process_wait_times_out_then_succeeds),
    USERTEST(process_spawn_refuses_a_segment_both_writable_and_executable),
    USERTEST(process_calls_refuse_bad_arguments),
    USERTEST(notify_signals_accumulate_and_wait_takes_them_all),
    USERTEST(notify_calls_check_type_rights_and_pointers),
    USERTEST(notify_wait_stores_its_word_in_untouched_pages_and_nowhere_it_may_not),
    USERTEST(endpoint_recv_polls_and_reply_needs_a_caller),
    USERTEST(endpoint_closes_when_its_last_receive_handle_goes),
    USERTEST(handle_mint_sets_a_badge_once),
    USERTEST(ipc_call_checks_every_handle_before_moving_any),
    USERTEST(revoke_ends_every_handle_derived_from_a_borrow),
    USERTEST(device_roots_are_handed_to_init),
    USERTEST(resource_create_carves_sub_ranges_and_never_widens),
    USERTEST(rtc_interrupts_reach_user_space_until_unbound),
    USERTEST(ports_outside_a_grant_fault_in_the_child),
    USERTEST(ioport_enable_checks_handles_rights_and_grants),
    USERTEST(irq_calls_check_handles_rights_flags_and_lines),
    USERTEST(device_memory_maps_the_hpet_registers),
    USERTEST(device_memory_refuses_ram_and_kernel_registers),
    USERTEST(dma_memory_is_contiguous_zeroed_and_reports_its_address),
};

int
main(void)
{
    return harness_run("usertests", usertests, sizeof(usertests) / sizeof(usertests[0]));
}
