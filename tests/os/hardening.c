// SPDX-License-Identifier: MIT
/*
 * Regression tests for attacks an ordinary process could make on the
 * kernel: RFLAGS bits it sets before a system call, a fault or a switch;
 * a system call from the top of user space; process_spawn past its quota
 * or from device memory; a quota swapped while other threads charge it;
 * kernel memory grown without bound (mappings, borrow chains, quota
 * splits, handle tables, large memory objects); and new capabilities made
 * from a borrowed handle, which revocation could not reach.
 *
 * Each test here failed on the kernel before its fix: most crashed the
 * whole machine, so a failure shows as a kernel dump in the boot log.
 * Children that must misbehave are built by hand from a few bytes of
 * code, as in procs.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/quota.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <cairn/syscalls.h>
#include <common/elf.h>

#include "harness.h"

#define SECOND (1000 * MS_NS)
#define PAGE   4096ul
#define KIB    1024ul
#define MIB    (1024ul * KIB)
#define RW     (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define RX     (CAIRN_PROT_READ | CAIRN_PROT_EXEC)

#define FLAG_CF (1ul << 0)
#define FLAG_PF (1ul << 2)
#define FLAG_AF (1ul << 4)
#define FLAG_ZF (1ul << 6)
#define FLAG_SF (1ul << 7)
#define FLAG_TF (1ul << 8)
#define FLAG_DF (1ul << 10)
#define FLAG_OF (1ul << 11)
#define FLAG_NT (1ul << 14)
#define FLAG_AC (1ul << 18)
#define FLAG_ID (1ul << 21)

#define VEC_DEBUG     1
#define VEC_UD        6
#define VEC_PAGEFAULT 14

/* --- children built by hand ------------------------------------------------------------------ */

/* A memory object of one page holding code (len bytes at offset). */
static long
code_object(const uint8_t *code, size_t len, uint64_t offset)
{
    long mo = cairn_memobj_create(PAGE, 0), a;

    a = mo < 0 ? mo : cairn_vm_map(mo, 0, PAGE, 0, RW, 0);
    if (a < 0) {
        test_fail("no code page: %s", cairn_error_name((int)a));
        return a;
    }
    memcpy((uint8_t *)a + offset, code, len);
    cairn_vm_unmap((uint64_t)a, PAGE);
    return mo;
}

#define CHILD_STACK 0x10000000ul /* a page of stack, below this address */

/* Runs code (placed at offset in a page mapped at va) as a new process
 * whose thread starts at va + offset with a page of stack, and returns its
 * exit status, or 1 after failing the test. */
static int64_t
run_code_at(const uint8_t *code, size_t len, uint64_t va, uint64_t offset)
{
    long mo = code_object(code, len, offset), stack = cairn_memobj_create(PAGE, 0), p, t, err;
    int64_t status = 1;

    if (mo < 0 || stack < 0)
        return 1;
    p = cairn_process_create();
    err =
        p < 0 ? p : cairn_vm_map_into(p, mo, 0, PAGE, va, CAIRN_VM_PROT_FLAGS(RX, CAIRN_MAP_FIXED));
    if (err != (long)va) {
        test_fail("mapping the child's code at %#lx: %ld", (unsigned long)va, err);
        goto out;
    }
    err = cairn_vm_map_into(p, stack, 0, PAGE, CHILD_STACK - PAGE,
                            CAIRN_VM_PROT_FLAGS(RW, CAIRN_MAP_FIXED));
    if (err != (long)(CHILD_STACK - PAGE)) {
        test_fail("mapping the child's stack: %ld", err);
        goto out;
    }
    t = cairn_thread_create(p, va + offset, CHILD_STACK, 0, CAIRN_PRIORITY_DEFAULT);
    if (t < 0 || cairn_thread_start(t) != 0) {
        test_fail("thread_create/start: %ld", t);
        goto out;
    }
    cairn_handle_close(t);
    if (cairn_process_wait(p, 10 * SECOND, &status) != 0)
        test_fail("the child did not end");
out:
    if (p >= 0)
        cairn_handle_close(p);
    cairn_handle_close(stack);
    cairn_handle_close(mo);
    return status;
}

static int64_t
run_code(const uint8_t *code, size_t len)
{
    return run_code_at(code, len, CAIRN_USER_BASE, 0);
}

/* --- RFLAGS ------------------------------------------------------------------------------------- */

/*
 * Sets bits in RFLAGS, sleeps twice (so other threads run and return to
 * user mode through iretq and sysret meanwhile), yields, and returns the
 * flags as they came back, with the caller's own flags restored. All in
 * one asm block: C code must not run with DF set.
 */
static uint64_t
flags_across_syscalls(uint64_t bits)
{
    uint64_t out;

    /* The red zone below rsp may hold the compiler's locals: step over it
     * (lea, which leaves the flags alone) before pushing anything. */
    __asm__ volatile(
        "lea -128(%%rsp), %%rsp\n\t"
        "pushfq\n\t"
        "pushfq\n\t"
        "orq %[bits], (%%rsp)\n\t"
        "popfq\n\t"
        "mov %[sleep], %%eax\n\t"
        "mov $1000000, %%edi\n\t"
        "syscall\n\t"
        "mov %[sleep], %%eax\n\t"
        "mov $1000000, %%edi\n\t"
        "syscall\n\t"
        "mov %[yield], %%eax\n\t"
        "syscall\n\t"
        "pushfq\n\t"
        "pop %[out]\n\t"
        "popfq\n\t"
        "lea 128(%%rsp), %%rsp"
        : [out] "=&r"(out)
        : [bits] "r"(bits), [sleep] "i"(CAIRN_SYS_thread_sleep), [yield] "i"(CAIRN_SYS_thread_yield)
        : "rax", "rdi", "rcx", "r11", "memory", "cc");
    return out;
}

static void
rflags_bits_set_by_user_survive_system_calls_and_switches(void)
{
    static const struct {
        const char *name;
        uint64_t bit;
    } flags[] = {
        {"CF", FLAG_CF}, {"PF", FLAG_PF}, {"AF", FLAG_AF}, {"ZF", FLAG_ZF}, {"SF", FLAG_SF},
        {"DF", FLAG_DF}, {"OF", FLAG_OF}, {"NT", FLAG_NT}, {"AC", FLAG_AC}, {"ID", FLAG_ID},
    };
    uint64_t all = 0;

    /* One bit at a time, then all together: each comes back as it was set
     * (sysret and iretq restore the user's flags) and the kernel, which
     * clears them on entry, keeps running. NT was the killer: left set in
     * the kernel, it reached another thread's iretq. */
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        uint64_t got = flags_across_syscalls(flags[i].bit);

        if (!(got & flags[i].bit))
            test_fail("%s did not survive the system calls (rflags %#lx)", flags[i].name,
                      (unsigned long)got);
        all |= flags[i].bit;
    }
    for (int round = 0; round < 20; round++) {
        uint64_t got = flags_across_syscalls(all);

        if ((got & all) != all)
            test_fail("all flags set: came back %#lx", (unsigned long)got);
    }
}

static void
rflags_bits_set_before_a_fault_end_only_that_process(void)
{
    /* pushfq; orq $NT|AC|DF|ID, (%rsp); popfq; ud2 */
    static const uint8_t ud_code[] = {
        0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x44, 0x24, 0x00, 0x9d, 0x0f, 0x0b,
    };
    /* pushfq; orq $TF, (%rsp); popfq; nop: the single-step trap ends it */
    static const uint8_t tf_code[] = {
        0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0x90, 0x90, 0x0f, 0x0b,
    };
    /* pushfq; orq $NT|AC|DF|ID, (%rsp); popfq; mov $50000000, %ecx;
     * 1: dec %rcx; jnz 1b; mov $SYS_process_exit, %eax; mov $42, %edi; syscall:
     * preempted by timer interrupts many times with the flags set. */
    static const uint8_t spin_code[] = {
        0x9c, 0x48,
        0x81, 0x0c,
        0x24, 0x00,
        0x44, 0x24,
        0x00, 0x9d, /* flags */
        0xb9, 0x80,
        0xf0, 0xfa,
        0x02, /* ecx */
        0x48, 0xff,
        0xc9, 0x75,
        0xfb, /* loop */
        0xb8, CAIRN_SYS_process_exit,
        0,    0,
        0,    0xbf,
        42,   0,
        0,    0,
        0x0f, 0x05, /* exit */
    };
    int64_t status;

    _Static_assert((FLAG_NT | FLAG_AC | FLAG_DF | FLAG_ID) == 0x244400, "the immediate above");
    status = run_code(ud_code, sizeof(ud_code));
    if (status != -(128 + VEC_UD))
        test_fail("#UD with NT, AC, DF and ID set: status %ld", (long)status);
    status = run_code(tf_code, sizeof(tf_code));
    if (status != -(128 + VEC_DEBUG))
        test_fail("single-stepping child: status %ld, expected the debug trap", (long)status);
    status = run_code(spin_code, sizeof(spin_code));
    if (status != 42)
        test_fail("child spinning with NT, AC, DF and ID set: status %ld", (long)status);
    /* And this thread still switches cleanly afterwards. */
    for (int i = 0; i < 5; i++)
        cairn_thread_sleep(MS_NS);
}

/* --- the top of user space ------------------------------------------------------------------------- */

static void
the_last_user_page_cannot_be_mapped(void)
{
    long mo = cairn_memobj_create(2 * PAGE, 0), a;

    if (mo < 0) {
        test_fail("memobj_create: %ld", mo);
        return;
    }
    expect_ret("vm_map(the last page)",
               cairn_vm_map(mo, 0, PAGE, 0x7ffffffff000ul, RW, CAIRN_MAP_FIXED), -CAIRN_EINVAL);
    expect_ret("vm_map(two pages ending at the top)",
               cairn_vm_map(mo, 0, 2 * PAGE, 0x7fffffffe000ul, RW, CAIRN_MAP_FIXED), -CAIRN_EINVAL);
    a = cairn_vm_map(mo, 0, PAGE, 0x7fffffffe000ul, RW, CAIRN_MAP_FIXED);
    if (a != (long)0x7fffffffe000ul)
        test_fail("vm_map(the page below the last): %ld", a);
    else
        cairn_vm_unmap((uint64_t)a, PAGE);
    cairn_handle_close(mo);
}

static void
a_system_call_at_the_top_of_user_space_returns_to_a_user_fault(void)
{
    /* mov $SYS_thread_yield, %eax; syscall: the syscall instruction's last
     * byte is the last byte of the highest page user space may map, so it
     * returns to the first address past user space. */
    static const uint8_t code[] = {0xb8, CAIRN_SYS_thread_yield, 0, 0, 0, 0x0f, 0x05};
    int64_t status = run_code_at(code, sizeof(code), 0x7fffffffe000ul, PAGE - sizeof(code));

    if (status != -(128 + VEC_PAGEFAULT))
        test_fail("status %ld, expected a page fault in user mode", (long)status);
}

/* --- process_spawn ------------------------------------------------------------------------------- */

/* A minimal ELF: one page of code (a pause loop: the child must still be
 * there when its charge is read, until it is killed) and a 1 MiB zeroed
 * data segment. */
#define BIG_BSS (1 * MIB)

static long
big_elf_object(void)
{
    static const uint8_t code[] = {0xf3, 0x90, 0xeb, 0xfc}; /* 1: pause; jmp 1b */
    long mo = cairn_memobj_create(2 * PAGE, 0), a;
    struct elf64_ehdr *eh;
    struct elf64_phdr *ph;

    a = mo < 0 ? mo : cairn_vm_map(mo, 0, 2 * PAGE, 0, RW, 0);
    if (a < 0) {
        test_fail("no memory for the image: %ld", a);
        return -1;
    }
    eh = (struct elf64_ehdr *)a;
    ph = (struct elf64_phdr *)(eh + 1);
    memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = CAIRN_USER_BASE + PAGE;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    ph[0] = (struct elf64_phdr){PT_LOAD, PF_R | PF_X, PAGE, CAIRN_USER_BASE + PAGE,
                                0,       PAGE,        PAGE, PAGE};
    ph[1] = (struct elf64_phdr){PT_LOAD, PF_R | PF_W, 0,       CAIRN_USER_BASE + 16 * PAGE,
                                0,       0,           BIG_BSS, PAGE};
    memcpy((uint8_t *)a + PAGE, code, sizeof(code));
    cairn_vm_unmap((uint64_t)a, 2 * PAGE);
    return mo;
}

static uint64_t
quota_used(long q)
{
    struct cairn_quota_info info = {0};

    if (cairn_quota_info(q, &info) != 0)
        test_fail("quota_info failed");
    return info.used;
}

static void
process_spawn_charges_its_segments_and_stack_to_the_quota(void)
{
    struct cairn_debug_stats before = stats_now();
    long image = big_elf_object(), small, big, p;
    int64_t status = -1;
    uint64_t base;

    if (image < 0)
        return;
    small = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 256 * KIB);
    big = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 4 * MIB);
    if (small < 0 || big < 0) {
        test_fail("quota_create: %ld %ld", small, big);
        return;
    }
    /* This process allocates from the small quota for a moment. */
    expect_ret("set_quota(small)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, small), 0);
    p = cairn_process_spawn(image, 0, 0);
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    if (p >= 0) {
        test_fail("a 1 MiB segment was spawned on a 256 KiB quota");
        cairn_process_kill(p);
        cairn_process_wait(p, 10 * SECOND, &status);
        cairn_handle_close(p);
    } else if (p != -CAIRN_ENOMEM) {
        test_fail("spawn on the small quota: %s, expected ENOMEM", cairn_error_name((int)p));
    }
    if (quota_used(small) != 0)
        test_fail("the refused spawn left %lu bytes charged", (unsigned long)quota_used(small));

    /* On a quota that suffices, the child's memory is charged there while
     * it lives, and given back when it has ended. */
    expect_ret("set_quota(big)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, big), 0);
    base = quota_used(big);
    p = cairn_process_spawn(image, 0, 0);
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    if (p < 0) {
        test_fail("spawn on a 4 MiB quota: %s", cairn_error_name((int)p));
    } else {
        uint64_t used = quota_used(big);

        if (used < base + BIG_BSS + PAGE + CAIRN_USER_STACK_SIZE)
            test_fail("a child with 1 MiB of data and a stack charged only %lu bytes",
                      (unsigned long)(used - base));
        expect_ret("process_kill", cairn_process_kill(p), 0);
        expect_ret("process_wait", cairn_process_wait(p, 10 * SECOND, &status), 0);
        if (status != CAIRN_STATUS_KILLED)
            test_fail("the child ended with %ld, expected killed", (long)status);
        cairn_handle_close(p);
    }
    cairn_handle_close(image);
    cairn_handle_close(small);
    cairn_handle_close(big);
    expect_stats(&before, "after the spawns");
}

static void
process_spawn_refuses_device_memory(void)
{
    /* The HPET's registers: device memory, outside the kernel's direct map. */
    long mo = cairn_memobj_create_dev(CAIRN_INIT_HANDLE_PHYS_ROOT, 0xfed00000ul, PAGE, 0);

    if (mo < 0) {
        test_fail("memobj_create_dev(HPET): %s", cairn_error_name((int)mo));
        return;
    }
    expect_ret("process_spawn(device memory)", cairn_process_spawn(mo, PAGE, 0), -CAIRN_EINVAL);
    expect_ret("process_spawn(device memory, whole)", cairn_process_spawn(mo, 0, 0), -CAIRN_EINVAL);
    cairn_handle_close(mo);
}

/* --- the quota of a process, swapped while its threads charge it ------------------------------- */

static volatile int quota_race_stop;

static long
charge_in_a_loop(void *arg)
{
    long failures = 0;

    (void)arg;
    while (!quota_race_stop) {
        long n = cairn_notify_create();
        long mo = cairn_memobj_create(PAGE, 0);

        if (n >= 0)
            cairn_handle_close(n);
        else if (n != -CAIRN_ENOMEM)
            failures++;
        if (mo >= 0)
            cairn_handle_close(mo);
        else if (mo != -CAIRN_ENOMEM)
            failures++;
    }
    return failures;
}

static void
quota_swapped_under_charging_threads_stays_consistent(void)
{
    struct cairn_debug_stats before = stats_now();
    struct test_thread t[2];
    int64_t status;

    quota_race_stop = 0;
    for (int i = 0; i < 2; i++)
        test_thread_start(&t[i], charge_in_a_loop, NULL);
    /* Each round makes a new quota, moves the process onto it and drops
     * the handle, so the previous quota's last reference goes while the
     * other threads may be in the middle of charging it. */
    for (int round = 0; round < 400 && !test_has_failed(); round++) {
        long q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 64 * KIB);

        if (q < 0) {
            test_fail("quota_create: %ld", q);
            break;
        }
        expect_ret("set_quota", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
        cairn_handle_close(q);
    }
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    quota_race_stop = 1;
    for (int i = 0; i < 2; i++) {
        expect_ret("thread_join", test_thread_join(&t[i], 10 * SECOND, &status), 0);
        if (status != 0)
            test_fail("a charging thread saw %ld unexpected errors", (long)status);
        test_thread_free(&t[i]);
    }
    expect_stats(&before, "after the race");
}

/* --- kernel memory that a process can grow ----------------------------------------------------- */

static void
mappings_are_charged_and_bounded(void)
{
    struct cairn_debug_stats before = stats_now();
    long q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 64 * KIB),
         mo = cairn_memobj_create(PAGE, 0);
    long p, n = 0, a = 0;

    if (q < 0 || mo < 0) {
        test_fail("quota_create/memobj_create: %ld %ld", q, mo);
        return;
    }
    /* A process made on the small quota, which its address space keeps. */
    expect_ret("set_quota(64 KiB)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    p = cairn_process_create();
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    if (p < 0) {
        test_fail("process_create: %ld", p);
        return;
    }
    /* One page mapped into it again and again: every mapping costs the
     * kernel a region, which the quota must pay for. */
    while (n < 4096) {
        a = cairn_vm_map_into(p, mo, 0, PAGE, 0, CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ, 0));
        if (a < 0)
            break;
        n++;
    }
    if (a >= 0)
        test_fail("%ld mappings of one page on a 64 KiB quota, none refused", n);
    else if (a != -CAIRN_ENOMEM)
        test_fail("the refused mapping said %s, expected ENOMEM", cairn_error_name((int)a));
    if (n < 16)
        test_fail("only %ld mappings fit in 64 KiB", n);
    cairn_process_kill(p);
    cairn_process_wait(p, 10 * SECOND, NULL);
    cairn_handle_close(p);
    if (quota_used(q) != 0)
        test_fail("%lu bytes still charged after the process went", (unsigned long)quota_used(q));
    cairn_handle_close(mo);
    cairn_handle_close(q);
    expect_stats(&before, "after the mappings");
}

static void
borrow_chains_have_a_bounded_depth(void)
{
    long n = cairn_notify_create(), h = n, chain[16];
    int depth = 0;

    for (; depth < 16; depth++) {
        long b = cairn_handle_borrow(h, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT |
                                            CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
        if (b < 0) {
            if (b != -CAIRN_ENOMEM)
                test_fail("a deep borrow said %s, expected ENOMEM", cairn_error_name((int)b));
            break;
        }
        chain[depth] = h = b;
    }
    if (depth == 16)
        test_fail("borrows nested 16 deep");
    else if (depth < 8)
        test_fail("only %d nested borrows allowed", depth);
    /* The deepest still works, and revoking the first reaches it. */
    if (depth > 0) {
        expect_ret("signal through the deepest", cairn_notify_signal(chain[depth - 1], 1), 0);
        expect_ret("revoke the first", cairn_handle_revoke(chain[0]), 0);
        expect_ret("signal through the deepest after revoke",
                   cairn_notify_signal(chain[depth - 1], 1), -CAIRN_EREVOKED);
    }
    while (depth > 0)
        cairn_handle_close(chain[--depth]);
    cairn_handle_close(n);
}

static void
quota_split_charges_its_parent_for_more_than_the_limit(void)
{
    long parent = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 64 * KIB), child;
    long kids[64];
    int n = 0;

    if (parent < 0) {
        test_fail("quota_create: %ld", parent);
        return;
    }
    child = cairn_quota_create(parent, 4 * KIB);
    if (child < 0) {
        test_fail("quota_create(child): %ld", child);
    } else {
        if (quota_used(parent) <= 4 * KIB)
            test_fail("a 4 KiB child cost its parent only %lu bytes",
                      (unsigned long)quota_used(parent));
        cairn_handle_close(child);
    }
    if (quota_used(parent) != 0)
        test_fail("%lu bytes left charged after the child went", (unsigned long)quota_used(parent));
    /* 1-byte children: the kernel's structs must not come for free. */
    while (n < 64) {
        long k = cairn_quota_create(parent, 1);
        if (k < 0)
            break;
        kids[n++] = k;
    }
    if (n == 64 && quota_used(parent) <= 64)
        test_fail("64 one-byte quotas cost their parent %lu bytes",
                  (unsigned long)quota_used(parent));
    while (n > 0)
        cairn_handle_close(kids[--n]);
    cairn_handle_close(parent);
}

static void
handle_table_growth_is_charged_to_the_quota(void)
{
    struct cairn_debug_stats before = stats_now();
    long q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 256 * KIB), p, n;
    uint64_t base;

    if (q < 0) {
        test_fail("quota_create: %ld", q);
        return;
    }
    expect_ret("set_quota", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    p = cairn_process_create(); /* its table is charged to q */
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    n = cairn_notify_create();
    if (p < 0 || n < 0) {
        test_fail("process_create/notify_create: %ld %ld", p, n);
        return;
    }
    base = quota_used(q);
    for (int i = 0; i < 500; i++) {
        long h = cairn_handle_install(p, n, CAIRN_RIGHT_SIGNAL);
        if (h < 0) {
            test_fail("handle_install %d: %s", i, cairn_error_name((int)h));
            break;
        }
    }
    /* 500 handles grew the table from 16 slots to 512, of 32 bytes each. */
    if (quota_used(q) < base + (512 - 16) * 32)
        test_fail("500 handles cost the quota %lu bytes", (unsigned long)(quota_used(q) - base));
    cairn_process_kill(p);
    cairn_process_wait(p, 10 * SECOND, NULL);
    cairn_handle_close(p);
    if (quota_used(q) != 0)
        test_fail("%lu bytes left charged after the process went", (unsigned long)quota_used(q));
    cairn_handle_close(n);
    cairn_handle_close(q);
    expect_stats(&before, "after the handles");
}

/* Installs handles to n into a new process on a quota of limit bytes
 * until want are in or one is refused; returns how many went in. */
static long
install_until_refused(uint64_t limit, long want, long n, long *refusal)
{
    long q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, limit), p, made = 0;

    *refusal = 0;
    if (q < 0) {
        test_fail("quota_create: %ld", q);
        return -1;
    }
    expect_ret("set_quota", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    p = cairn_process_create();
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    if (p < 0) {
        test_fail("process_create: %ld", p);
        cairn_handle_close(q);
        return -1;
    }
    while (made < want) {
        long h = cairn_handle_install(p, n, CAIRN_RIGHT_SIGNAL);
        if (h < 0) {
            *refusal = h;
            break;
        }
        made++;
    }
    cairn_handle_close(p);
    if (quota_used(q) != 0)
        test_fail("%lu bytes left charged after the process went", (unsigned long)quota_used(q));
    cairn_handle_close(q);
    return made;
}

static void
handle_tables_grow_past_1024_while_their_quota_pays(void)
{
    struct cairn_debug_stats before = stats_now();
    long n = cairn_notify_create(), refusal, made;

    /* 5000 handles: a table of 8192 slots, 256 KiB, on a 1 MiB quota. */
    made = install_until_refused(1 * MIB, 5000, n, &refusal);
    if (made != 5000)
        test_fail("only %ld of 5000 handles went in (%s)", made, cairn_error_name((int)refusal));
    /* On 64 KiB the table stops at 1024 slots (32 KiB): 2048 cost 64 KiB. */
    made = install_until_refused(64 * KIB, 5000, n, &refusal);
    if (made < 1000 || made > 2048 || refusal != -CAIRN_ENOMEM)
        test_fail("a 64 KiB quota took %ld handles, then said %s", made,
                  cairn_error_name((int)refusal));
    cairn_handle_close(n);
    expect_stats(&before, "after the big tables");
}

static const uint64_t large_pages[] = {0, 1, 511, 512, 513, 1024, 2047};
#define LARGE_SIZE (8 * MIB) /* past one page of frame table */

/* Write a word into each of the pages above of a mapping at a; with
 * check, read them back instead. Returns whether all matched. */
static int
large_touch(long a, int check)
{
    volatile uint64_t *w = (volatile uint64_t *)a;
    int ok = 1;

    for (size_t i = 0; i < sizeof(large_pages) / sizeof(large_pages[0]); i++) {
        volatile uint64_t *at = &w[large_pages[i] * PAGE / 8];
        if (!check)
            *at = 0x1234 + large_pages[i];
        else if (*at != 0x1234 + large_pages[i])
            ok = 0;
    }
    return ok;
}

static void
large_memory_objects_keep_their_pages(void)
{
    struct cairn_debug_stats before;
    long mo, a;

    /* Once before counting: this process's page table keeps a few emptied
     * tables for reuse, and the mapping below needs its own. */
    mo = cairn_memobj_create(LARGE_SIZE, 0);
    a = mo < 0 ? mo : cairn_vm_map(mo, 0, LARGE_SIZE, 0, RW, 0);
    if (a >= 0) {
        large_touch(a, 0);
        cairn_vm_unmap((uint64_t)a, LARGE_SIZE);
    }
    cairn_handle_close(mo);

    before = stats_settled();
    mo = cairn_memobj_create(LARGE_SIZE, 0);
    if (mo < 0) {
        test_fail("memobj_create(8 MiB): %s", cairn_error_name((int)mo));
        return;
    }
    a = cairn_vm_map(mo, 0, LARGE_SIZE, 0, RW, 0);
    if (a < 0) {
        test_fail("vm_map: %ld", a);
    } else {
        large_touch(a, 0);
        cairn_vm_unmap((uint64_t)a, LARGE_SIZE);
        /* Mapped again: the same frames, so the same words. */
        a = cairn_vm_map(mo, 0, LARGE_SIZE, 0, CAIRN_PROT_READ, 0);
        if (a < 0 || !large_touch(a, 1))
            test_fail("a page lost its word (%ld)", a);
        if (a >= 0)
            cairn_vm_unmap((uint64_t)a, LARGE_SIZE);
    }
    expect_ret("memobj_create(4 GiB + 1)", cairn_memobj_create((4ul << 30) + 1, 0), -CAIRN_EINVAL);
    cairn_handle_close(mo);
    expect_stats(&before, "after the large object");
}

/* --- memory objects charged as they grow -------------------------------------------------------- */

#define GROW_SIZE             (16 * MIB) /* reserved: far more than GROW_QUOTA pays for */
#define GROW_QUOTA            (64 * KIB)
#define MODE_TOUCH_EVERY_PAGE 101 /* a child that touches extra 0, mapped, to the end */

static int
child_touch_every_page(void)
{
    long a = cairn_vm_map(test_extra_handle(0), 0, GROW_SIZE, 0, RW, 0);

    if (a < 0)
        return 2;
    for (uint64_t off = 0; off < GROW_SIZE; off += PAGE)
        *(volatile uint8_t *)(a + off) = 1; /* the quota runs out: a page fault ends us */
    return 3;
}

static void
memory_charged_on_touch_grows_page_by_page_within_its_quota(void)
{
    struct cairn_debug_stats before;
    long q, mo, a, child;
    struct cairn_quota_info info;
    uint64_t base, pages;
    int64_t status = 0;

    /* Once before counting: this process's page table keeps a few emptied
     * tables for reuse, and the mapping below needs its own. */
    mo = cairn_memobj_create(GROW_SIZE, CAIRN_MEMOBJ_ON_TOUCH);
    a = mo < 0 ? mo : cairn_vm_map(mo, 0, GROW_SIZE, 0, RW, 0);
    if (a >= 0) {
        *(volatile uint8_t *)a = 1;
        cairn_vm_unmap((uint64_t)a, GROW_SIZE);
    }
    cairn_handle_close(mo);

    before = stats_settled();
    q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, GROW_QUOTA);
    if (q < 0) {
        test_fail("quota_create: %ld", q);
        return;
    }
    expect_ret("set_quota(q)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    expect_ret("memobj_create(16 MiB) in full on a 64 KiB quota", cairn_memobj_create(GROW_SIZE, 0),
               -CAIRN_ENOMEM);
    expect_ret("memobj_create with an unknown flag", cairn_memobj_create(PAGE, 2), -CAIRN_EINVAL);
    expect_ret("memobj_create(0, ON_TOUCH)", cairn_memobj_create(0, CAIRN_MEMOBJ_ON_TOUCH),
               -CAIRN_EINVAL);
    mo = cairn_memobj_create(GROW_SIZE, CAIRN_MEMOBJ_ON_TOUCH);
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    if (mo < 0) {
        test_fail("memobj_create(16 MiB, ON_TOUCH): %s", cairn_error_name((int)mo));
        cairn_handle_close(q);
        return;
    }
    base = quota_used(q);
    if (base == 0 || base >= PAGE)
        test_fail("a 16 MiB object charged on touch cost %lu bytes at creation",
                  (unsigned long)base);
    a = cairn_vm_map(mo, 0, GROW_SIZE, 0, RW, 0);
    if (a < 0) {
        test_fail("vm_map: %ld", a);
    } else {
        /* The first page brings a leaf of the frame table; the next only itself. */
        *(volatile uint8_t *)a = 1;
        if (quota_used(q) != base + 2 * PAGE)
            test_fail("the first touch charged %lu bytes, expected a page and a leaf",
                      (unsigned long)(quota_used(q) - base));
        *(volatile uint8_t *)(a + PAGE) = 1;
        *(volatile uint8_t *)(a + PAGE + 8) = 1; /* touched before: free */
        if (quota_used(q) != base + 3 * PAGE)
            test_fail("the second page charged %lu bytes in all, expected 3 pages",
                      (unsigned long)(quota_used(q) - base));
        /* Every page the quota can pay for, then one it cannot: a system
         * call writing there fails cleanly and charges nothing. */
        pages = (GROW_QUOTA - quota_used(q)) / PAGE;
        for (uint64_t i = 0; i < pages; i++)
            *(volatile uint8_t *)(a + (2 + i) * PAGE) = 1;
        expect_ret("quota_info into a page its quota cannot pay for",
                   cairn_quota_info(q, (struct cairn_quota_info *)(a + (2 + pages) * PAGE)),
                   -CAIRN_EFAULT);
        expect_ret("quota_info", cairn_quota_info(q, &info), 0);
        if (info.used > GROW_QUOTA || GROW_QUOTA - info.used >= PAGE)
            test_fail("%lu of %lu bytes charged once the quota was spent", (unsigned long)info.used,
                      (unsigned long)GROW_QUOTA);
        cairn_vm_unmap((uint64_t)a, GROW_SIZE);
    }
    cairn_handle_close(mo);
    if (quota_used(q) != 0)
        test_fail("%lu bytes still charged after the object went", (unsigned long)quota_used(q));

    /* A thread touching past what its object's quota pays for faults. */
    expect_ret("set_quota(q)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    mo = cairn_memobj_create(GROW_SIZE, CAIRN_MEMOBJ_ON_TOUCH);
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    child = mo < 0 ? mo : test_spawn("test-hardening", MODE_TOUCH_EVERY_PAGE, &mo, 1);
    if (child >= 0) {
        expect_ret("process_wait", cairn_process_wait(child, 30 * SECOND, &status), 0);
        if (status != -(128 + VEC_PAGEFAULT))
            test_fail("the child touching 16 MiB on 64 KiB ended with %ld, expected a page fault",
                      (long)status);
        cairn_handle_close(child);
    }
    cairn_handle_close(mo);
    if (quota_used(q) != 0)
        test_fail("%lu bytes still charged after the child's object went",
                  (unsigned long)quota_used(q));
    cairn_handle_close(q);
    expect_stats(&before, "after the growing objects");
}

/* --- capabilities made from a borrowed handle ------------------------------------------------- */

static void
new_capabilities_are_not_made_from_a_borrowed_handle(void)
{
    const uint32_t dev = CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    const uint32_t ports = dev | CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE;
    struct cairn_debug_stats before = stats_now();
    long io = cairn_handle_borrow(CAIRN_INIT_HANDLE_IOPORT_ROOT, ports);
    long phys = cairn_handle_borrow(CAIRN_INIT_HANDLE_PHYS_ROOT, dev);
    long irq = cairn_handle_borrow(CAIRN_INIT_HANDLE_IRQ_ROOT, dev);
    long quota = cairn_handle_borrow(CAIRN_INIT_HANDLE_QUOTA, dev | CAIRN_RIGHT_READ);
    long sub;

    if (io < 0 || phys < 0 || irq < 0 || quota < 0) {
        test_fail("borrow: %ld %ld %ld %ld", io, phys, irq, quota);
        return;
    }
    /* Revoking a borrow could not reach what these would make. */
    expect_ret("resource_create(borrowed ports)", cairn_resource_create(io, 0x70, 2), -CAIRN_EPERM);
    expect_ret("resource_create(borrowed phys)", cairn_resource_create(phys, 0xfed00000ul, PAGE),
               -CAIRN_EPERM);
    expect_ret("memobj_create_dev(borrowed)", cairn_memobj_create_dev(phys, 0xfed00000ul, PAGE, 0),
               -CAIRN_EPERM);
    expect_ret("memobj_create_dma(borrowed)", cairn_memobj_create_dma(phys, PAGE, 0), -CAIRN_EPERM);
    expect_ret("irq_create(borrowed)", cairn_irq_create(irq, 8, CAIRN_IRQ_ISA), -CAIRN_EPERM);
    expect_ret("quota_create(borrowed)", cairn_quota_create(quota, 4 * KIB), -CAIRN_EPERM);
    expect_ret("process_set_quota(borrowed)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, quota), -CAIRN_EPERM);
    /* A sub-range of one's own ports may be granted; a borrowed one not. */
    sub = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x70, 2);
    if (sub < 0) {
        test_fail("resource_create(own ports): %ld", sub);
    } else {
        long lent = cairn_handle_borrow(sub, ports);

        expect_ret("ioport_enable(borrowed)", cairn_ioport_enable(lent, CAIRN_HANDLE_INVALID, 1),
                   -CAIRN_EPERM);
        cairn_handle_close(lent);
        cairn_handle_close(sub);
    }
    /* Using a borrowed handle is still fine. */
    {
        struct cairn_quota_info info;
        expect_ret("quota_info(borrowed)", cairn_quota_info(quota, &info), 0);
    }
    cairn_handle_close(io);
    cairn_handle_close(phys);
    cairn_handle_close(irq);
    cairn_handle_close(quota);
    expect_stats(&before, "after the borrows");
}

/* --- processes that hold themselves ------------------------------------------------------------- */

/* A process that never ran, holding its own handle (as a loader installs
 * it) and a thread's: once the last handle outside it goes, nothing could
 * ever start it or close those, so it must go too. */
static void
a_never_started_process_holding_itself_is_freed(void)
{
    struct cairn_debug_stats before = stats_settled();
    long p = cairn_process_create(), t;

    if (p < 0) {
        test_fail("process_create: %ld", p);
        return;
    }
    t = cairn_thread_create(p, CAIRN_USER_BASE, 0, 0, CAIRN_PRIORITY_DEFAULT);
    if (cairn_handle_install(p, p, CAIRN_RIGHT_MANAGE) < 0 || t < 0 ||
        cairn_handle_install(p, t, CAIRN_RIGHT_MANAGE) < 0)
        test_fail("building the process failed");
    cairn_handle_close(t);
    cairn_handle_close(p);
    expect_stats(&before, "after closing the last outside handle");
}

static void
a_chain_of_never_started_processes_holding_themselves_is_freed(void)
{
    struct cairn_debug_stats before = stats_settled();
    long first = cairn_process_create(), prev = first;

    /* Each holds itself and the next; only the first is held from here. */
    for (int i = 0; i < 300 && prev >= 0 && !test_has_failed(); i++) {
        long next = cairn_process_create();

        if (next < 0 || cairn_handle_install(prev, prev, CAIRN_RIGHT_MANAGE) < 0 ||
            cairn_handle_install(prev, next, CAIRN_RIGHT_MANAGE) < 0) {
            test_fail("building link %d failed (%ld)", i, next);
            break;
        }
        if (prev != first)
            cairn_handle_close(prev);
        prev = next;
    }
    if (prev != first)
        cairn_handle_close(prev);
    cairn_handle_close(first);
    expect_stats(&before, "after closing the chain's head");
}

#define MODE_MAKE_A_CYCLE 100 /* the start word of the child that builds a cycle */

/* In a child: two processes that never run, each holding the other, and
 * nothing else naming them; then exit. */
static int
child_make_a_cycle(void)
{
    long a = cairn_process_create(), b = cairn_process_create();

    if (a < 0 || b < 0 || cairn_handle_install(a, b, CAIRN_RIGHT_MANAGE) < 0 ||
        cairn_handle_install(b, a, CAIRN_RIGHT_MANAGE) < 0)
        return 1;
    cairn_handle_close(a);
    cairn_handle_close(b);
    return 0;
}

static void
never_started_processes_in_a_cycle_end_with_their_creator(void)
{
    struct cairn_debug_stats before = stats_settled();
    long child = test_spawn("test-hardening", MODE_MAKE_A_CYCLE, NULL, 0);
    int64_t status = -1;

    if (child < 0)
        return;
    expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
    if (status != 0)
        test_fail("the child could not build its cycle (status %ld)", (long)status);
    cairn_handle_close(child);
    expect_stats(&before, "after the creator of the cycle ended");
}

/* --- the table ---------------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(rflags_bits_set_by_user_survive_system_calls_and_switches),
    USERTEST(rflags_bits_set_before_a_fault_end_only_that_process),
    USERTEST(the_last_user_page_cannot_be_mapped),
    USERTEST(a_system_call_at_the_top_of_user_space_returns_to_a_user_fault),
    USERTEST(process_spawn_charges_its_segments_and_stack_to_the_quota),
    USERTEST(process_spawn_refuses_device_memory),
    USERTEST(quota_swapped_under_charging_threads_stays_consistent),
    USERTEST(mappings_are_charged_and_bounded),
    USERTEST(borrow_chains_have_a_bounded_depth),
    USERTEST(quota_split_charges_its_parent_for_more_than_the_limit),
    USERTEST(handle_table_growth_is_charged_to_the_quota),
    USERTEST(handle_tables_grow_past_1024_while_their_quota_pays),
    USERTEST(large_memory_objects_keep_their_pages),
    USERTEST(memory_charged_on_touch_grows_page_by_page_within_its_quota),
    USERTEST(new_capabilities_are_not_made_from_a_borrowed_handle),
    USERTEST(a_never_started_process_holding_itself_is_freed),
    USERTEST(a_chain_of_never_started_processes_holding_themselves_is_freed),
    USERTEST(never_started_processes_in_a_cycle_end_with_their_creator),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == MODE_MAKE_A_CYCLE)
        return child_make_a_cycle();
    if (mode == MODE_TOUCH_EVERY_PAGE)
        return child_touch_every_page();
    return harness_run("hardening", tests, sizeof(tests) / sizeof(tests[0]));
}
