// SPDX-License-Identifier: MIT
/*
 * User-mode tests of building processes from user space: an empty
 * process, memory mapped into it, a thread created in it, handles
 * installed into it, libc's ELF loader on top of those; processes ended
 * before they ran and while they spin; 1000 processes created, run and
 * reaped with nothing leaking; and every new call refusing bad handles,
 * rights and pointers.
 *
 * The smallest process here is built by hand: one page of code,
 * `mov $SYS_process_exit, %eax; syscall`, mapped into an empty process
 * whose thread starts there with its exit status as its argument (rdi).
 * Children that must look at their own handles are copies of this program
 * (the boot module test-procs) in a child mode.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <common/bytes.h>
#include <common/elf.h>

#include "child/child.h"
#include "harness.h"

#define PROGRAM "test-procs"
#define SECOND  (1000 * MS_NS)
#define PAGE    4096ul
#define RW      (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define RX      (CAIRN_PROT_READ | CAIRN_PROT_EXEC)

/* A page of code: exit with the status in rdi, or spin forever. */
enum code {
    CODE_EXIT,
    CODE_SPIN,
};

static long
code_page(enum code what)
{
    static const uint8_t exit_code[] = {
        0xb8, CAIRN_SYS_process_exit,
        0,    0,
        0,          /* mov $SYS_process_exit, %eax */
        0x0f, 0x05, /* syscall */
        0x0f, 0x0b, /* ud2 */
    };
    static const uint8_t spin_code[] = {0xf3, 0x90, 0xeb, 0xfc}; /* 1: pause; jmp 1b */
    long mo = cairn_memobj_create(PAGE, 0), a;

    a = mo < 0 ? mo : cairn_vm_map(mo, 0, PAGE, 0, RW, 0);
    if (a < 0) {
        test_fail("no code page: %s", cairn_error_name((int)a));
        return a;
    }
    if (what == CODE_EXIT)
        memcpy((void *)a, exit_code, sizeof(exit_code));
    else
        memcpy((void *)a, spin_code, sizeof(spin_code));
    cairn_vm_unmap((uint64_t)a, PAGE);
    return mo;
}

/* An empty process with code mapped at CAIRN_USER_BASE and one thread
 * there (arg in rdi), not started. Returns the process; *thread the thread. */
static long
build_process(long code, uint64_t arg, long *thread)
{
    long p = cairn_process_create(), err;

    if (p < 0) {
        test_fail("process_create returned %s", cairn_error_name((int)p));
        return p;
    }
    err = cairn_vm_map_into(p, code, 0, PAGE, CAIRN_USER_BASE,
                            CAIRN_VM_PROT_FLAGS(RX, CAIRN_MAP_FIXED));
    if (err != (long)CAIRN_USER_BASE)
        test_fail("vm_map_into returned %ld", err);
    *thread = cairn_thread_create(p, CAIRN_USER_BASE, 0, arg, CAIRN_PRIORITY_DEFAULT);
    if (*thread < 0)
        test_fail("thread_create returned %s", cairn_error_name((int)*thread));
    return p;
}

/* --- processes built by hand ------------------------------------------------------------- */

static void
process_create_gives_an_empty_process_with_full_rights(void)
{
    long p = cairn_process_create();
    struct cairn_handle_info info;
    int64_t status = 1;

    expect_ret("handle_info", cairn_handle_info(p, &info), 0);
    if (info.type != CAIRN_OBJ_PROCESS ||
        info.rights != (CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_MANAGE |
                        CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER))
        test_fail("process handle: type %u rights %#x", info.type, info.rights);
    /* No thread: it does not end by itself. */
    expect_ret("process_wait(empty)", cairn_process_wait(p, 10 * MS_NS, &status), -CAIRN_ETIMEDOUT);
    expect_ret("process_kill(empty)", cairn_process_kill(p), 0);
    expect_ret("process_wait(killed)", cairn_process_wait(p, 0, &status), 0);
    if (status != CAIRN_STATUS_KILLED)
        test_fail("a killed empty process ended with %ld", (long)status);
    expect_ret("handle_close", cairn_handle_close(p), 0);
}

static void
hand_built_process_runs_and_exits_with_its_status(void)
{
    long code = code_page(CODE_EXIT), t, p;
    int64_t status = -1, tstatus = -1;

    p = build_process(code, 77, &t);
    if (test_has_failed())
        return;
    expect_ret("thread_start", cairn_thread_start(t), 0);
    expect_ret("process_wait", cairn_process_wait(p, 10 * SECOND, &status), 0);
    expect_ret("thread_wait", cairn_thread_wait(t, 0, &tstatus), 0);
    if (status != 77 || tstatus != 77)
        test_fail("process ended with %ld, its thread with %ld; expected 77", (long)status,
                  (long)tstatus);
    /* Ended: nothing new starts in it, nothing is mapped into it. */
    expect_ret("thread_create(ended)", cairn_thread_create(p, CAIRN_USER_BASE, 0, 0, 0),
               -CAIRN_ECLOSED);
    expect_ret("vm_map_into(ended)",
               cairn_vm_map_into(p, code, 0, PAGE, 0, CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ, 0)),
               -CAIRN_ECLOSED);
    expect_ret("vm_unmap_into(ended)", cairn_vm_unmap_into(p, CAIRN_USER_BASE, PAGE),
               -CAIRN_ECLOSED);
    expect_ret("handle_install(ended)", cairn_handle_install(p, code, CAIRN_RIGHT_READ),
               -CAIRN_ECLOSED);
    cairn_handle_close(t);
    cairn_handle_close(p);
    cairn_handle_close(code);
}

static int
run_hand_built(long code, uint64_t arg)
{
    long t, p = build_process(code, arg, &t);
    int64_t status = -1;
    int ok;

    if (p < 0 || t < 0)
        return 0;
    ok = cairn_thread_start(t) == 0 && cairn_process_wait(p, 10 * SECOND, &status) == 0 &&
         status == (int64_t)arg;
    cairn_handle_close(t);
    cairn_handle_close(p);
    return ok;
}

static void
thousand_processes_created_run_and_reaped_leak_nothing(void)
{
    long code = code_page(CODE_EXIT);
    struct cairn_debug_stats before;
    unsigned bad = 0;

    if (code < 0)
        return;
    run_hand_built(code, 1); /* warm up: page tables, heap caches */
    before = stats_settled();
    for (unsigned i = 0; i < 1000; i++)
        bad += !run_hand_built(code, i);
    if (bad)
        test_fail("%u of 1000 rounds did not end with their status", bad);
    expect_stats(&before, "after 1000 rounds");
    cairn_handle_close(code);
}

/* A thread that never makes a system call is stopped from outside all
 * the same: by the interrupt that a kill sends its CPU, or the next tick. */
static void
process_kill_stops_a_thread_spinning_in_user_mode(void)
{
    struct cairn_debug_stats before = stats_now();
    long code = code_page(CODE_SPIN), t, p = build_process(code, 0, &t);
    int64_t status = 0, tstatus = 0;

    if (test_has_failed())
        return;
    expect_ret("thread_start", cairn_thread_start(t), 0);
    cairn_thread_sleep(20 * MS_NS);
    expect_ret("process_wait(spinning)", cairn_process_wait(p, 10 * MS_NS, NULL), -CAIRN_ETIMEDOUT);
    expect_ret("process_kill", cairn_process_kill(p), 0);
    expect_ret("process_wait(killed)", cairn_process_wait(p, 10 * SECOND, &status), 0);
    expect_ret("thread_wait(killed)", cairn_thread_wait(t, 0, &tstatus), 0);
    if (status != CAIRN_STATUS_KILLED || tstatus != CAIRN_STATUS_KILLED)
        test_fail("killed: process status %ld, thread status %ld", (long)status, (long)tstatus);
    cairn_handle_close(t);
    cairn_handle_close(p);
    cairn_handle_close(code);
    expect_stats(&before, "after the kill");
}

/* A thread created but never started ends with its process. */
static void
unstarted_thread_ends_with_its_process(void)
{
    struct cairn_debug_stats before = stats_now();
    long code = code_page(CODE_EXIT), t, p = build_process(code, 0, &t);
    int64_t status = 0;

    if (test_has_failed())
        return;
    expect_ret("thread_wait(not started)", cairn_thread_wait(t, 10 * MS_NS, NULL),
               -CAIRN_ETIMEDOUT);
    expect_ret("process_kill", cairn_process_kill(p), 0);
    expect_ret("thread_wait(its process killed)", cairn_thread_wait(t, SECOND, &status), 0);
    if (status != CAIRN_STATUS_KILLED)
        test_fail("the thread ended with %ld", (long)status);
    expect_ret("thread_start(its process killed)", cairn_thread_start(t), -CAIRN_ECLOSED);
    cairn_handle_close(t);
    cairn_handle_close(p);
    cairn_handle_close(code);
    expect_stats(&before, "after the kill");
}

/* --- children that look at themselves ------------------------------------------------------ */

enum child_mode {
    CHILD_CHECK_HANDLES = 0x100, /* exit 0 if its handles are laid out as init's */
    CHILD_REPORT_RIGHTS,         /* wait for a handle number, exit with its type and rights */
};

static int
child_check_handles(void)
{
    const uint32_t own = CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_MANAGE |
                         CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    struct cairn_handle_info info;
    uint64_t offset, size;

    if (cairn_handle_info(CAIRN_INIT_HANDLE_PROCESS, &info) || info.type != CAIRN_OBJ_PROCESS ||
        info.rights != own)
        return 1;
    if (cairn_handle_info(CAIRN_INIT_HANDLE_THREAD, &info) || info.type != CAIRN_OBJ_THREAD ||
        info.rights != own)
        return 2;
    if (!cairn_bootinfo() || test_program_image(PROGRAM, &offset, &size) < 0)
        return 3;
    if (cairn_handle_info(test_extra_handle(0), &info) || info.type != CAIRN_OBJ_MEMOBJ ||
        info.rights != (CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER))
        return 4;
    if (cairn_handle_info(test_extra_handle(1), &info) != -CAIRN_EBADH)
        return 5;
    /* Its own thread is the one running: waiting for it times out. */
    if (cairn_thread_wait(CAIRN_INIT_HANDLE_THREAD, 0, NULL) != -CAIRN_ETIMEDOUT)
        return 6;
    return 0;
}

static int
child_report_rights(void)
{
    struct cairn_handle_info info;
    uint64_t bits = 0;

    if (cairn_notify_wait(test_extra_handle(0), 10 * SECOND, &bits) < 0 || bits == 0)
        return -1;
    if (cairn_handle_info((long)bits - 1, &info) < 0)
        return -2;
    return (int)(info.type << 16 | info.rights);
}

static void
spawned_program_gets_the_handles_of_init(void)
{
    long mo = cairn_memobj_create(PAGE, 0);
    long ro = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    long child = test_spawn(PROGRAM, CHILD_CHECK_HANDLES, &ro, 1);
    int64_t status = -1;

    if (child >= 0) {
        expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
        if (status != 0)
            test_fail("the child found its handle %ld wrong", (long)status);
        cairn_handle_close(child);
    }
    cairn_handle_close(ro);
    cairn_handle_close(mo);
}

static void
handle_install_gives_a_handle_with_the_rights_asked(void)
{
    long n = cairn_notify_create(), mo = cairn_memobj_create(PAGE, 0), child, h;
    int64_t status = -1;

    child = test_spawn(PROGRAM, CHILD_REPORT_RIGHTS, &n, 1);
    if (child < 0)
        return;
    h = cairn_handle_install(child, mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    if (h < 0)
        test_fail("handle_install returned %s", cairn_error_name((int)h));
    expect_ret("notify_signal", cairn_notify_signal(n, (uint64_t)h + 1), 0);
    expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
    if (status != (CAIRN_OBJ_MEMOBJ << 16 | CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP))
        test_fail("the child saw type and rights %#lx", (long)status);
    cairn_handle_close(child);
    cairn_handle_close(mo);
    cairn_handle_close(n);
}

/* --- the ELF loader --------------------------------------------------------------------- */

static void
spawn_elf_refuses_malformed_images_and_leaks_nothing(void)
{
    struct cairn_debug_stats before = stats_now();
    long junk = cairn_memobj_create(2 * PAGE, 0), a, init;
    uint64_t init_size = 0;

    a = cairn_vm_map(junk, 0, 2 * PAGE, 0, RW, 0);
    if (a >= 0) {
        memset((void *)a, 0x7f, 2 * PAGE);
        cairn_vm_unmap((uint64_t)a, 2 * PAGE);
    }
    init = cairn_boot_module("init", &init_size);
    expect_ret("spawn(garbage)", cairn_spawn(junk, 0, 2 * PAGE, NULL, NULL), -CAIRN_EINVAL);
    expect_ret("spawn(truncated)", cairn_spawn(init, 0, 1024, NULL, NULL), -CAIRN_EINVAL);
    expect_ret("spawn(size 0)", cairn_spawn(init, 0, 0, NULL, NULL), -CAIRN_EINVAL);
    expect_ret("spawn(bad handle)", cairn_spawn(12345, 0, PAGE, NULL, NULL), -CAIRN_EBADH);
    expect_ret("spawn(past the object)", cairn_spawn(junk, 0, 16 * PAGE, NULL, NULL),
               -CAIRN_ERANGE);
    cairn_handle_close(junk);
    expect_stats(&before, "after the refusals");
}

/*
 * Both loaders validate with common/elf.c, so an image one refuses the other
 * refuses too, with the same -CAIRN_EINVAL and nothing created: here a copy
 * of the test child whose entry point is moved out of its code (libc's own
 * checks once let that through), and one whose code is made not
 * executable. The unchanged copy spawns in both, so the patch is what is
 * refused.
 */
static void
spawn_elf_and_process_spawn_refuse_the_same_images(void)
{
    struct cairn_debug_stats before = stats_now();
    uint64_t size = 0, mapped = 0, entry, phoff, text = 0;
    uint8_t *eh = NULL;
    long copy = test_module_copy("child", &size, &eh, &mapped), child;
    uint32_t text_flags;
    int64_t status = -1;

    if (copy < 0)
        return;
    entry = bytes_rd64(eh + 24);
    phoff = bytes_rd64(eh + 32);
    for (unsigned i = 0; i < bytes_rd16(eh + 56) && phoff + 56ull * (i + 1) <= size; i++) {
        uint8_t *ph = eh + phoff + 56ull * i;
        if (bytes_rd32(ph) == PT_LOAD && (bytes_rd32(ph + 4) & PF_X))
            text = phoff + 56ull * i;
    }
    if (text == 0) {
        test_fail("the child has no executable segment");
        goto out;
    }

    bytes_wr64(eh + 24, CAIRN_USER_BASE - PAGE);
    expect_ret("spawn_elf(entry below the code)", cairn_spawn(copy, 0, size, NULL, NULL),
               -CAIRN_EINVAL);
    expect_ret("process_spawn(entry below the code)", cairn_process_spawn(copy, size, 0),
               -CAIRN_EINVAL);
    bytes_wr64(eh + 24, entry);

    text_flags = bytes_rd32(eh + text + 4);
    bytes_wr32(eh + text + 4, text_flags & ~(uint32_t)PF_X);
    expect_ret("spawn_elf(code not executable)", cairn_spawn(copy, 0, size, NULL, NULL),
               -CAIRN_EINVAL);
    expect_ret("process_spawn(code not executable)", cairn_process_spawn(copy, size, 0),
               -CAIRN_EINVAL);
    bytes_wr32(eh + text + 4, text_flags);

    child = cairn_spawn(copy, 0, size, &(struct cairn_spawn_attr){.start_arg = CHILD_EXIT}, NULL);
    expect_ret("spawn_elf(the unchanged copy)", child < 0 ? child : 0, 0);
    if (child >= 0) {
        expect_ret("its end", cairn_process_wait(child, 10 * SECOND, &status), 0);
        cairn_handle_close(child);
    }
out:
    cairn_vm_unmap((uint64_t)eh, mapped);
    cairn_handle_close(copy);
    expect_stats(&before, "after the refusals");
}

/*
 * The kernel copies only the file header and the program header table out
 * of the object, from wherever the header says the table lies: here a copy
 * of the test child whose table is moved past a 1 MiB gap after the file,
 * so the headers share no page with the rest. Both loaders run it.
 */
static void
process_spawn_finds_program_headers_past_a_large_gap(void)
{
    struct cairn_debug_stats before = stats_now();
    uint64_t size = 0, phoff, far, table, total, mapped;
    long module = cairn_boot_module("child", &size), copy = -1, child;
    uint8_t *src = NULL, *dst = NULL;
    int64_t status = -1;

    if (module < 0) {
        test_fail("no child module: %ld", module);
        return;
    }
    far = ((size + PAGE - 1) & ~(PAGE - 1)) + (1ul << 20);
    mapped = (far + ELF_MAX_PHDRS * sizeof(struct elf64_phdr) + PAGE - 1) & ~(PAGE - 1);
    copy = cairn_memobj_create(mapped, 0);
    src =
        (uint8_t *)cairn_vm_map(module, 0, (size + PAGE - 1) & ~(PAGE - 1), 0, CAIRN_PROT_READ, 0);
    dst = copy < 0 ? NULL : (uint8_t *)cairn_vm_map(copy, 0, mapped, 0, RW, 0);
    if (copy < 0 || (long)src < 0 || (long)dst < 0) {
        test_fail("cannot make the copy: %ld %ld %ld", copy, (long)src, (long)dst);
        goto out;
    }
    memcpy(dst, src, size);
    phoff = bytes_rd64(dst + 32);
    table = bytes_rd16(dst + 56) * 56ull;
    memcpy(dst + far, dst + phoff, table);
    memset(dst + phoff, 0xee, table); /* the old place holds no table any more */
    bytes_wr64(dst + 32, far);
    total = far + table;

    child = cairn_process_spawn(copy, total, CHILD_EXIT);
    if (child < 0) {
        test_fail("process_spawn: %s", cairn_error_name((int)child));
    } else {
        expect_ret("its end", cairn_process_wait(child, 10 * SECOND, &status), 0);
        if (status != 0)
            test_fail("the child ended with %ld, expected 0", (long)status);
        cairn_handle_close(child);
    }
    child = cairn_spawn(copy, 0, total, &(struct cairn_spawn_attr){.start_arg = CHILD_EXIT}, NULL);
    if (child < 0) {
        test_fail("spawn_elf: %s", cairn_error_name((int)child));
    } else {
        expect_ret("its end (spawn_elf)", cairn_process_wait(child, 10 * SECOND, &status), 0);
        cairn_handle_close(child);
    }
    /* One byte short of the table: both refuse. */
    expect_ret("process_spawn(table cut)", cairn_process_spawn(copy, total - 1, CHILD_EXIT),
               -CAIRN_EINVAL);
out:
    if (src != NULL && (long)src >= 0)
        cairn_vm_unmap((uint64_t)src, (size + PAGE - 1) & ~(PAGE - 1));
    if (dst != NULL && (long)dst >= 0)
        cairn_vm_unmap((uint64_t)dst, mapped);
    if (copy >= 0)
        cairn_handle_close(copy);
    expect_stats(&before, "after the spawns");
}

/*
 * process_spawn has copied all the child needs by the time it returns:
 * the image is then overwritten with bytes that are no program (the code
 * included, as the child sleeps before it exits), and the child still
 * ends as its role says, while a second spawn from the object is refused.
 */
static void
process_spawn_child_is_untouched_by_later_writes_to_its_image(void)
{
    struct cairn_debug_stats before = stats_now();
    uint64_t size = 0, mapped = 0;
    uint8_t *img = NULL;
    long copy = test_module_copy("child", &size, &img, &mapped), child;
    int64_t status = -1;

    if (copy < 0)
        return;
    child = cairn_process_spawn(copy, size, CHILD_SLEEP);
    memset(img, 0xcc, size); /* int3 everywhere, the headers no ELF */
    if (child < 0) {
        test_fail("process_spawn: %s", cairn_error_name((int)child));
    } else {
        expect_ret("its end", cairn_process_wait(child, 10 * SECOND, &status), 0);
        if (status != 7)
            test_fail("the child ended with %ld, expected 7 (from CHILD_SLEEP)", (long)status);
        cairn_handle_close(child);
    }
    expect_ret("process_spawn(the overwritten image)", cairn_process_spawn(copy, size, CHILD_EXIT),
               -CAIRN_EINVAL);
    cairn_vm_unmap((uint64_t)img, mapped);
    cairn_handle_close(copy);
    expect_stats(&before, "after the spawns");
}

static void
spawned_child_runs_and_exits(void)
{
    uint64_t size = 0;
    long image = cairn_boot_module("child", &size), t = -1, child;
    struct cairn_spawn_attr attr = {.start_arg = CHILD_SLEEP};
    int64_t status = -1, tstatus = -1;

    child = cairn_spawn(image, 0, size, &attr, &t);
    if (child < 0) {
        test_fail("spawn returned %s", cairn_error_name((int)child));
        return;
    }
    expect_ret("process_wait(1 ms)", cairn_process_wait(child, MS_NS, &status), -CAIRN_ETIMEDOUT);
    expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
    expect_ret("thread_wait", cairn_thread_wait(t, 0, &tstatus), 0);
    if (status != 7 || tstatus != 7)
        test_fail("the sleeping child ended with %ld (thread %ld), expected 7", (long)status,
                  (long)tstatus);
    cairn_handle_close(t);
    cairn_handle_close(child);
}

/* --- bad arguments ---------------------------------------------------------------------- */

static void
vm_map_into_and_unmap_into_refuse_bad_arguments(void)
{
    long p = cairn_process_create(), mo = cairn_memobj_create(2 * PAGE, 0);
    long weak = cairn_handle_dup(p, CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT);
    long nomap = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE);
    long ronly = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    const uint64_t at = 0x40000000;
    const uint64_t r_fixed = CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ, CAIRN_MAP_FIXED);

    expect_ret("vm_map_into(bad process)", cairn_vm_map_into(-1, mo, 0, PAGE, at, r_fixed),
               -CAIRN_EBADH);
    expect_ret("vm_map_into(memobj as process)", cairn_vm_map_into(mo, mo, 0, PAGE, at, r_fixed),
               -CAIRN_EWRONGTYPE);
    expect_ret("vm_map_into(no MANAGE)", cairn_vm_map_into(weak, mo, 0, PAGE, at, r_fixed),
               -CAIRN_ERIGHTS);
    expect_ret("vm_map_into(bad memobj)", cairn_vm_map_into(p, 9999, 0, PAGE, at, r_fixed),
               -CAIRN_EBADH);
    expect_ret("vm_map_into(process as memobj)", cairn_vm_map_into(p, p, 0, PAGE, at, r_fixed),
               -CAIRN_EWRONGTYPE);
    expect_ret("vm_map_into(no MAP)", cairn_vm_map_into(p, nomap, 0, PAGE, at, r_fixed),
               -CAIRN_ERIGHTS);
    expect_ret("vm_map_into(write through read-only)",
               cairn_vm_map_into(p, ronly, 0, PAGE, at, CAIRN_VM_PROT_FLAGS(RW, CAIRN_MAP_FIXED)),
               -CAIRN_ERIGHTS);
    expect_ret("vm_map_into(W|X)",
               cairn_vm_map_into(p, mo, 0, PAGE, at,
                                 CAIRN_VM_PROT_FLAGS(CAIRN_PROT_WRITE | CAIRN_PROT_EXEC, 0)),
               -CAIRN_EPERM);
    expect_ret("vm_map_into(unknown flag)",
               cairn_vm_map_into(p, mo, 0, PAGE, at, CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ, 2)),
               -CAIRN_EINVAL);
    expect_ret("vm_map_into(bits past the flags)",
               cairn_vm_map_into(p, mo, 0, PAGE, at, r_fixed | 1ul << 40), -CAIRN_EINVAL);
    expect_ret("vm_map_into(unaligned)", cairn_vm_map_into(p, mo, 0, PAGE, at + 1, r_fixed),
               -CAIRN_EINVAL);
    expect_ret("vm_map_into(kernel address)",
               cairn_vm_map_into(p, mo, 0, PAGE, 0xffffffff80000000ul, r_fixed), -CAIRN_EINVAL);
    expect_ret("vm_map_into(past the object)",
               cairn_vm_map_into(p, mo, PAGE, 2 * PAGE, at, r_fixed), -CAIRN_ERANGE);
    expect_ret("vm_map_into", cairn_vm_map_into(p, mo, 0, 2 * PAGE, at, r_fixed), (long)at);
    expect_ret("vm_map_into(overlapping)", cairn_vm_map_into(p, mo, 0, PAGE, at + PAGE, r_fixed),
               -CAIRN_EEXIST);
    expect_ret("vm_unmap_into(bad process)", cairn_vm_unmap_into(-1, at, 2 * PAGE), -CAIRN_EBADH);
    expect_ret("vm_unmap_into(memobj as process)", cairn_vm_unmap_into(mo, at, 2 * PAGE),
               -CAIRN_EWRONGTYPE);
    expect_ret("vm_unmap_into(no MANAGE)", cairn_vm_unmap_into(weak, at, 2 * PAGE), -CAIRN_ERIGHTS);
    expect_ret("vm_unmap_into(half a page)", cairn_vm_unmap_into(p, at, PAGE / 2), -CAIRN_EINVAL);
    expect_ret("vm_unmap_into(first page)", cairn_vm_unmap_into(p, at, PAGE), 0);
    expect_ret("vm_map_into(over the hole)", cairn_vm_map_into(p, mo, 0, PAGE, at, r_fixed),
               (long)at);
    expect_ret("vm_unmap_into", cairn_vm_unmap_into(p, at, 2 * PAGE), 0);
    /* As munmap: a range with nothing mapped in it is not an error. */
    expect_ret("vm_unmap_into again", cairn_vm_unmap_into(p, at, 2 * PAGE), 0);
    cairn_process_kill(p);
    cairn_handle_close(ronly);
    cairn_handle_close(nomap);
    cairn_handle_close(weak);
    cairn_handle_close(mo);
    cairn_handle_close(p);
}

static void
handle_install_refuses_bad_handles_and_rights(void)
{
    long p = cairn_process_create(), mo = cairn_memobj_create(PAGE, 0);
    long weak = cairn_handle_dup(p, CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT);
    long nomove = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);
    long nodup = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER);
    long some =
        cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);

    expect_ret("handle_install(bad process)", cairn_handle_install(-1, mo, CAIRN_RIGHTS_SAME),
               -CAIRN_EBADH);
    expect_ret("handle_install(memobj as process)", cairn_handle_install(mo, mo, CAIRN_RIGHTS_SAME),
               -CAIRN_EWRONGTYPE);
    expect_ret("handle_install(no MANAGE)", cairn_handle_install(weak, mo, CAIRN_RIGHTS_SAME),
               -CAIRN_ERIGHTS);
    expect_ret("handle_install(bad handle)", cairn_handle_install(p, 4242, CAIRN_RIGHTS_SAME),
               -CAIRN_EBADH);
    expect_ret("handle_install(no TRANSFER)", cairn_handle_install(p, nomove, CAIRN_RIGHT_READ),
               -CAIRN_ERIGHTS);
    expect_ret("handle_install(no DUPLICATE)", cairn_handle_install(p, nodup, CAIRN_RIGHT_READ),
               -CAIRN_ERIGHTS);
    expect_ret("handle_install(more rights)",
               cairn_handle_install(p, some, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE), -CAIRN_ERIGHTS);
    expect_ret("handle_install(unknown right)", cairn_handle_install(p, some, 1u << 30),
               -CAIRN_ERIGHTS);
    /* Into an empty table: the first handle is 0, the next 1. */
    expect_ret("handle_install", cairn_handle_install(p, some, CAIRN_RIGHT_READ), 0);
    expect_ret("handle_install(same rights)", cairn_handle_install(p, some, CAIRN_RIGHTS_SAME), 1);
    expect_ret("handle_install(itself)", cairn_handle_install(p, p, CAIRN_RIGHT_READ), 2);
    /* A process holding a handle to itself still goes when it ends. */
    cairn_process_kill(p);
    expect_ret("handle_install(ended)", cairn_handle_install(p, some, CAIRN_RIGHT_READ),
               -CAIRN_ECLOSED);
    cairn_handle_close(some);
    cairn_handle_close(nodup);
    cairn_handle_close(nomove);
    cairn_handle_close(weak);
    cairn_handle_close(mo);
    cairn_handle_close(p);
}

static void
process_kill_refuses_bad_handles_and_rights(void)
{
    long p = cairn_process_create(), mo = cairn_memobj_create(PAGE, 0);
    long weak = cairn_handle_dup(p, CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT);

    expect_ret("process_kill(bad handle)", cairn_process_kill(77777), -CAIRN_EBADH);
    expect_ret("process_kill(a memobj)", cairn_process_kill(mo), -CAIRN_EWRONGTYPE);
    expect_ret("process_kill(no MANAGE)", cairn_process_kill(weak), -CAIRN_ERIGHTS);
    expect_ret("process_wait(still alive)", cairn_process_wait(weak, 0, NULL), -CAIRN_ETIMEDOUT);
    expect_ret("process_kill", cairn_process_kill(p), 0);
    expect_ret("process_kill twice", cairn_process_kill(p), 0);
    cairn_handle_close(weak);
    cairn_handle_close(mo);
    cairn_handle_close(p);
}

static void
debug_stats_reports_sane_counts_and_refuses_bad_pointers(void)
{
    struct cairn_debug_stats s;

    expect_ret("debug_stats(NULL)", cairn_debug_stats(NULL), -CAIRN_EFAULT);
    expect_ret("debug_stats(kernel)",
               cairn_debug_stats((struct cairn_debug_stats *)0xffffffff80000000ul), -CAIRN_EFAULT);
    expect_ret("debug_stats(unmapped)", cairn_debug_stats((struct cairn_debug_stats *)0x10000000),
               -CAIRN_EFAULT);
    expect_ret("debug_stats", cairn_debug_stats(&s), 0);
    /* At least init and this program, each with a thread, and init's boot
     * information and modules. */
    if (s.free_frames == 0 || s.free_frames >= s.total_frames ||
        s.live_objects[CAIRN_OBJ_PROCESS] < 2 || s.live_objects[CAIRN_OBJ_THREAD] < 2 ||
        s.live_threads != s.live_objects[CAIRN_OBJ_THREAD] ||
        s.live_objects[CAIRN_OBJ_MEMOBJ] < 2 || s.cpu_count == 0)
        test_fail("frames %lu of %lu, %u processes, %u threads (%u), %u memobjs, %u CPUs",
                  (unsigned long)s.free_frames, (unsigned long)s.total_frames,
                  s.live_objects[CAIRN_OBJ_PROCESS], s.live_objects[CAIRN_OBJ_THREAD],
                  s.live_threads, s.live_objects[CAIRN_OBJ_MEMOBJ], s.cpu_count);
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(process_create_gives_an_empty_process_with_full_rights),
    USERTEST(hand_built_process_runs_and_exits_with_its_status),
    USERTEST(thousand_processes_created_run_and_reaped_leak_nothing),
    USERTEST(process_kill_stops_a_thread_spinning_in_user_mode),
    USERTEST(unstarted_thread_ends_with_its_process),
    USERTEST(spawned_program_gets_the_handles_of_init),
    USERTEST(handle_install_gives_a_handle_with_the_rights_asked),
    USERTEST(spawn_elf_refuses_malformed_images_and_leaks_nothing),
    USERTEST(spawn_elf_and_process_spawn_refuse_the_same_images),
    USERTEST(process_spawn_finds_program_headers_past_a_large_gap),
    USERTEST(process_spawn_child_is_untouched_by_later_writes_to_its_image),
    USERTEST(spawned_child_runs_and_exits),
    USERTEST(vm_map_into_and_unmap_into_refuse_bad_arguments),
    USERTEST(handle_install_refuses_bad_handles_and_rights),
    USERTEST(process_kill_refuses_bad_handles_and_rights),
    USERTEST(debug_stats_reports_sane_counts_and_refuses_bad_pointers),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == CHILD_CHECK_HANDLES)
        return child_check_handles();
    if (mode == CHILD_REPORT_RIGHTS)
        return child_report_rights();
    return harness_run("procs", tests, sizeof(tests) / sizeof(tests[0]));
}
