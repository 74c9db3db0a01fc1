// SPDX-License-Identifier: MIT
/*
 * User-mode tests of starting programs with arguments: libc's cairn_spawn
 * and its struct cairn_spawn_attr, the start block it writes
 * (include/cairn/init.h), and crt0, main(argc, argv, envp), environ and
 * getenv on the other side. Children are copies of this program, started
 * from its member of the initfs archive (found with lib/tar, so never
 * from a boot module of its own), in a mode given as
 * their start word; each compares what it received with the tables below,
 * which parent and child share, and exits with 0 or the number of the
 * first check that failed (enum check). Bad arguments (pointers that lead
 * nowhere, a block over CAIRN_USER_START_MAX, wrong objects) must be
 * refused with an error and leave nothing behind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <tar/tar.h>

#include "child/child.h"
#include "harness.h"

#define PROGRAM "test-spawn"
#define PAGE    4096ul
#define SECOND  (1000 * MS_NS)
#define RW      (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

/* The children's modes (their start word); 0 is a child started with
 * no attributes at all, which expects what MODE_EMPTY does. */
enum mode {
    MODE_ARGS = 0x5a01,  /* expect args_argv and args_envp */
    MODE_EMPTY = 0x5a02, /* expect argc 0 and no environment */
    MODE_LONG = 0x5a03,  /* expect one argument of LONG_MAX_LEN bytes, no environment */
    MODE_RACE = 0x5a04,  /* expect what a spawn racing with flip_in_a_loop can give */
};

/* What a child found wrong: its exit status. */
enum check {
    CHECK_ARGC = 1,
    CHECK_ARGV = 2,    /* a string differs, or argv[argc] is not NULL */
    CHECK_ENVP = 3,    /* an entry differs, or the list does not end where it should */
    CHECK_ENVIRON = 4, /* environ is not envp, or envp does not follow argv */
    CHECK_GETENV = 5,
    CHECK_AUX = 6,   /* CAIRN_AT_START_ARG is missing or not the start word */
    CHECK_BLOCK = 7, /* the block is not 16-byte aligned, or not at the stack's top */
    CHECK_WRITE = 8, /* the strings cannot be written (C lets main change them) */
};

/* A 3000-byte argument: several pages of the parent's data; filled in main. */
#define LONG_ARG_LEN 3000
static char long_arg[LONG_ARG_LEN + 1];

static const char *args_argv[] = {"prog", "a b", "", long_arg, NULL};
static const char *const args_envp[] = {"HOME=/",          "EMPTY=",       "EQ=1=2",
                                        "PATH=/bin:/sbin", "HOME=/second", NULL};

/*
 * The largest argument that fits the bound with no environment: the
 * block is argc, argv[0], NULL, NULL, two auxiliary pairs (8 words) and
 * the string with its 0, rounded up to 16 (include/cairn/init.h).
 */
#define LONG_MAX_LEN (CAIRN_USER_START_MAX - 8 * 8 - 1)
static char huge_arg[LONG_MAX_LEN + 2];

static void
fill(char *s, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        s[i] = (char)('a' + (i * 7 + seed) % 26);
    s[len] = '\0';
}

/* --- the child's side ------------------------------------------------------------------------ */

/* The block lies at the top of the stack, 16-byte aligned, and its
 * strings (count of them from argv) are above the vector and below the top. */
static int
block_is_in_place(char **argv, int argc)
{
    uintptr_t block = (uintptr_t)(argv - 1), top = CAIRN_USER_STACK_TOP;

    if (block % 16 != 0 || block < top - CAIRN_USER_START_MAX || block >= top)
        return 0;
    for (int i = 0; i < argc; i++) {
        if ((uintptr_t)argv[i] <= block || (uintptr_t)argv[i] + strlen(argv[i]) >= top)
            return 0;
    }
    return 1;
}

static int
expect_list(char **got, const char *const *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!got[i] || strcmp(got[i], want[i]) != 0)
            return 0;
    }
    return got[n] == NULL;
}

static int
child_check(int argc, char **argv, char **envp, unsigned long mode)
{
    size_t nargs = mode == MODE_ARGS ? 4 : mode == MODE_LONG ? 1 : 0;
    uint64_t aux = 0;

    if (argc != (int)nargs)
        return CHECK_ARGC;
    if (mode == MODE_ARGS && !expect_list(argv, args_argv, nargs))
        return CHECK_ARGV;
    if (mode == MODE_LONG && (strlen(argv[0]) != LONG_MAX_LEN ||
                              memcmp(argv[0], huge_arg, LONG_MAX_LEN) != 0 || argv[1]))
        return CHECK_ARGV;
    if (mode != MODE_ARGS && argv[argc] != NULL)
        return CHECK_ARGV;
    if (!expect_list(envp, args_envp, mode == MODE_ARGS ? 5 : 0))
        return CHECK_ENVP;
    if (environ != envp || envp != argv + argc + 1)
        return CHECK_ENVIRON;
    if (mode == MODE_ARGS &&
        (strcmp(getenv("HOME") ?: "-", "/") != 0 || strcmp(getenv("EMPTY") ?: "-", "") != 0 ||
         strcmp(getenv("EQ") ?: "-", "1=2") != 0 ||
         strcmp(getenv("PATH") ?: "-", "/bin:/sbin") != 0 || getenv("HOM") || getenv("HOME=") ||
         getenv("") || getenv("NOPE") || getenv("/")))
        return CHECK_GETENV;
    if (mode != MODE_ARGS && (getenv("HOME") || getenv("")))
        return CHECK_GETENV;
    if (cairn_start_aux(CAIRN_AT_START_ARG, &aux) != 0 || aux != mode ||
        cairn_start_aux(0x7fff, &aux) != -CAIRN_ENOENT)
        return CHECK_AUX;
    if (!block_is_in_place(argv, argc))
        return CHECK_BLOCK;
    if (argc > 1) {
        argv[1][0] = 'A';
        if (strcmp(argv[1], "A b") != 0)
            return CHECK_WRITE;
    }
    return 0;
}

/*
 * MODE_RACE: argv changed by another thread of the parent while it was
 * being spawned (see a_caller_changing_its_lists_meanwhile_gets_a_well_formed_block).
 * Whatever the timing, argv[1] holds at least the ten bytes every version
 * of the string starts with and nothing else (longer when it grew after
 * it was measured, into the room "extra" had, within the bound: a string
 * measured long is over the bound), and argv[2], when there is one, is
 * "extra" or what was left of it.
 */
static int
child_check_race(int argc, char **argv, char **envp)
{
    size_t len = 0;

    if (argc != 2 && argc != 3)
        return CHECK_ARGC;
    while (argv[1][len] == 'f')
        len++;
    /* At most the 11 bytes measured and the 5 of "extra" beyond its 0. */
    if (strcmp(argv[0], "prog") != 0 || argv[1][len] != '\0' || len < 10 || len > 15 ||
        (argc == 2 && len != 10) || argv[argc] ||
        (argc == 3 && strncmp(argv[2], "extra", strlen(argv[2])) != 0))
        return CHECK_ARGV;
    if (envp[0] != NULL || environ != envp || envp != argv + argc + 1)
        return CHECK_ENVP;
    if (!block_is_in_place(argv, argc))
        return CHECK_BLOCK;
    return 0;
}

/* --- the parent's side ----------------------------------------------------------------------- */

/* This program's member of the initfs: the archive's handle (or a
 * negative code), the member's offset and size. Looked up once, before
 * the tests' baselines (the lookup maps the archive: page tables). */
static struct {
    long fs;
    uint64_t offset, size;
} self_image = {-CAIRN_ENOENT, 0, 0};

static void
self_image_find(void)
{
    uint64_t fs_size = 0, mapped;
    long fs = cairn_boot_module("initfs", &fs_size), at;
    struct tar_member m;

    if (fs < 0)
        return;
    mapped = (fs_size + PAGE - 1) & ~(PAGE - 1);
    at = cairn_vm_map(fs, 0, mapped, 0, CAIRN_PROT_READ, 0);
    if (at < 0)
        return;
    if (tar_find((const void *)at, fs_size, PROGRAM, &m) == 0)
        self_image.fs = fs, self_image.offset = m.offset, self_image.size = m.size;
    cairn_vm_unmap((uint64_t)at, mapped);
}

/* Starts this program from its member of the initfs with attr; returns
 * the process or a code. */
static long
spawn_self(const struct cairn_spawn_attr *attr)
{
    if (self_image.fs < 0)
        return self_image.fs;
    return cairn_spawn(self_image.fs, self_image.offset, self_image.size, attr, NULL);
}

/* Starts a child with attr and waits: fails unless it exits with 0. */
static void
run_child_expecting_0(const struct cairn_spawn_attr *attr, const char *what)
{
    int64_t status = -1;
    long child = spawn_self(attr);

    if (child < 0) {
        test_fail("%s: spawn returned %s", what, cairn_error_name((int)child));
        return;
    }
    expect_ret(what, cairn_process_wait(child, 10 * SECOND, &status), 0);
    if (status != 0)
        test_fail("%s: the child found check %ld wrong (enum check)", what, (long)status);
    cairn_handle_close(child);
}

static void
a_program_from_an_initfs_member_gets_argv_and_envp_exactly(void)
{
    struct cairn_spawn_attr attr = {.argv = args_argv, .envp = args_envp, .start_arg = MODE_ARGS};

    if (self_image.fs < 0) {
        test_fail("this program is no member of the initfs: %s",
                  cairn_error_name((int)self_image.fs));
        return;
    }
    run_child_expecting_0(&attr, "argv and envp");
}

static void
argc_0_and_an_empty_environment_are_fine(void)
{
    static const char *const none[] = {NULL};
    struct cairn_spawn_attr attr = {.start_arg = MODE_EMPTY};
    struct cairn_debug_stats before = stats_settled();

    run_child_expecting_0(&attr, "NULL argv and envp");
    attr.argv = none;
    attr.envp = none;
    run_child_expecting_0(&attr, "empty argv and envp");
    run_child_expecting_0(NULL, "no attributes");
    expect_stats(&before, "after the children");
}

static void
a_block_of_exactly_the_bound_fits_and_one_byte_more_is_e2big(void)
{
    const char *argv[] = {huge_arg, NULL};
    struct cairn_spawn_attr attr = {.argv = argv, .start_arg = MODE_LONG};
    struct cairn_debug_stats before;

    huge_arg[LONG_MAX_LEN] = '\0';
    run_child_expecting_0(&attr, "an argument up to the bound");
    before = stats_settled();
    huge_arg[LONG_MAX_LEN] = 'z'; /* one byte more */
    expect_ret("one byte over the bound", spawn_self(&attr), -CAIRN_E2BIG);
    huge_arg[LONG_MAX_LEN] = '\0';
    expect_stats(&before, "after the refusal");
}

/* What flip_in_a_loop changes: flip_buf's length between 10 and
 * FLIP_LONG (over the bound), and flip_argv's length between 2 and 3. */
#define FLIP_LONG (CAIRN_USER_START_MAX + 100)
static char flip_buf[FLIP_LONG + 1];
static const char *volatile flip_argv[] = {"prog", flip_buf, NULL, NULL};
static volatile int flip_stop;
static volatile unsigned long flip_count;

static long
flip_in_a_loop(void *arg)
{
    (void)arg;
    for (unsigned long n = 1; !flip_stop; n++) {
        ((volatile char *)flip_buf)[10] = n % 2 ? 'f' : '\0';
        flip_argv[2] = n % 3 ? "extra" : NULL;
        flip_count = n;
    }
    return 0;
}

static void
a_caller_changing_its_lists_meanwhile_gets_a_well_formed_block(void)
{
    struct cairn_spawn_attr attr = {.argv = (const char *const *)flip_argv, .start_arg = MODE_RACE};
    unsigned started = 0, too_big = 0;
    struct test_thread t;
    int64_t status;

    memset(flip_buf, 'f', FLIP_LONG);
    flip_stop = 0;
    flip_count = 0;
    if (test_thread_start(&t, flip_in_a_loop, NULL) != 0)
        return;
    for (int round = 0; round < 30 && !test_has_failed(); round++) {
        unsigned long seen = flip_count;
        long child;

        /* The changer has run since the last round (on one CPU, it runs
         * while this thread yields). */
        while (flip_count == seen)
            cairn_thread_yield();
        child = spawn_self(&attr);

        if (child == -CAIRN_E2BIG) {
            too_big++;
            continue;
        }
        if (child < 0) {
            test_fail("round %d: spawn returned %s", round, cairn_error_name((int)child));
            break;
        }
        started++;
        status = -1;
        expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
        if (status != 0)
            test_fail("round %d: the child found check %ld wrong (enum check)", round,
                      (long)status);
        cairn_handle_close(child);
    }
    flip_stop = 1;
    expect_ret("thread_join", test_thread_join(&t, 10 * SECOND, &status), 0);
    test_thread_free(&t);
    if (started + too_big == 0)
        test_fail("no round ran");
}

static void
this_program_was_started_by_init_with_its_name_and_the_boot_flags(void)
{
    uint64_t aux = 0;

    if (cairn_start_arg() != CAIRN_INIT_TEST)
        test_fail("start word %#lx, expected CAIRN_INIT_TEST", (unsigned long)cairn_start_arg());
    if (cairn_start_aux(CAIRN_AT_START_ARG, &aux) != 0 || aux != CAIRN_INIT_TEST)
        test_fail("CAIRN_AT_START_ARG %#lx", (unsigned long)aux);
    if (!environ || environ[0] != NULL || getenv("HOME"))
        test_fail("init gave an environment");
}

/* process_spawn's child gets its block from the kernel: argv = { "child" }. */
static void
a_process_spawn_child_gets_argv_child_from_the_kernel(void)
{
    long image = cairn_boot_module("child", NULL), child;
    int64_t status = -1;

    if (image < 0) {
        test_fail("no boot module child: %s", cairn_error_name((int)image));
        return;
    }
    child = cairn_process_spawn(image, 0, CHILD_CHECK_START);
    if (child < 0) {
        test_fail("process_spawn returned %s", cairn_error_name((int)child));
        return;
    }
    expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, &status), 0);
    if (status != 0)
        test_fail("the child found its start block wrong: status %ld (child.h)", (long)status);
    cairn_handle_close(child);
}

/* A page of this process mapped at *base whose next page is not mapped:
 * what lies at its end runs into nothing. */
static long
page_before_a_hole(long *base)
{
    long mo = cairn_memobj_create(2 * PAGE, 0);

    *base = mo < 0 ? mo : cairn_vm_map(mo, 0, 2 * PAGE, 0, RW, 0);
    if (*base < 0) {
        test_fail("no pages: %s", cairn_error_name((int)*base));
        return *base;
    }
    expect_ret("unmapping the second page", cairn_vm_unmap((uint64_t)*base + PAGE, PAGE), 0);
    memset((void *)*base, 'p', PAGE); /* its frame now, not during a leak check */
    return mo;
}

static void
bad_pointers_too_large_blocks_and_wrong_objects_are_refused_and_leak_nothing(void)
{
    static char big[CAIRN_USER_START_MAX];
    static const char *many[CAIRN_USER_START_MAX / 8 + 2];
    const char *bad_string[] = {"prog", (const char *)1, NULL};
    const char *kernel_string[] = {"A=1", (const char *)0xffffffff80000000ul, NULL};
    const char *big_argv[] = {big, NULL}, *edge_argv[] = {NULL, NULL};
    struct cairn_spawn_attr attr = {.start_arg = MODE_EMPTY};
    long handles[2] = {CAIRN_INIT_HANDLE_BOOTINFO, 4321};
    struct cairn_debug_stats before;
    long base, mo = page_before_a_hole(&base), note = cairn_notify_create();
    uint64_t offset = self_image.offset, size = self_image.size;
    long image = self_image.fs;
    char *edge;
    const char **edge_list;

    if (mo < 0 || note < 0 || image < 0)
        return;
    /* The page's end holds "abcd" and then the hole, and later one
     * pointer and then the hole. */
    edge = (char *)base + PAGE - 4;
    edge_argv[0] = edge;
    edge_list = (const char **)((char *)base + PAGE - 8);
    memset(big, 'b', sizeof(big) - 1);
    for (size_t i = 0; i < sizeof(many) / sizeof(many[0]) - 1; i++)
        many[i] = "";
    before = stats_settled();

#define EXPECT(what, want) expect_ret(what, cairn_spawn(image, offset, size, &attr, NULL), want)
    attr.argv = bad_string;
    EXPECT("a string at address 1", -CAIRN_EFAULT);
    attr.argv = (const char *const *)0x1000;
    EXPECT("argv at an unmapped address", -CAIRN_EFAULT);
    memcpy(edge, "abcd", 4);
    attr.argv = edge_argv;
    EXPECT("a string that runs into an unmapped page", -CAIRN_EFAULT);
    edge_list[0] = "x";
    attr.argv = edge_list;
    EXPECT("argv with no NULL before an unmapped page", -CAIRN_EFAULT);
    attr.argv = NULL;
    attr.envp = kernel_string;
    EXPECT("a kernel address in envp", -CAIRN_EFAULT);
    attr.envp = NULL;
    attr.argv = big_argv;
    EXPECT("a string of the bound's size", -CAIRN_E2BIG);
    attr.argv = many;
    EXPECT("more pointers than the bound holds", -CAIRN_E2BIG);
    attr.argv = NULL;
    attr.envp = big_argv;
    EXPECT("an environment of the bound's size", -CAIRN_E2BIG);
    attr.envp = NULL;
    attr.handles = (const long *)0x1000;
    attr.nhandles = 2;
    EXPECT("handles at an unmapped address", -CAIRN_EFAULT);
    attr.handles = handles;
    EXPECT("a bad handle among the handles", -CAIRN_EBADH);
    attr.handles = NULL;
    attr.nhandles = 0;
    attr.priority = CAIRN_PRIORITY_USER_MAX + 1;
    EXPECT("a priority above the caller's", -CAIRN_EPERM);
    attr.priority = 0;
#undef EXPECT
    expect_ret("a bad memory object handle", cairn_spawn(12345, offset, size, &attr, NULL),
               -CAIRN_EBADH);
    expect_ret("a notification for the image", cairn_spawn(note, 0, PAGE, &attr, NULL),
               -CAIRN_EWRONGTYPE);
    expect_stats(&before, "after the refusals");
    cairn_vm_unmap((uint64_t)base, PAGE);
    cairn_handle_close(mo);
    cairn_handle_close(note);
}

static const struct usertest tests[] = {
    USERTEST(this_program_was_started_by_init_with_its_name_and_the_boot_flags),
    USERTEST(a_program_from_an_initfs_member_gets_argv_and_envp_exactly),
    USERTEST(argc_0_and_an_empty_environment_are_fine),
    USERTEST(a_block_of_exactly_the_bound_fits_and_one_byte_more_is_e2big),
    USERTEST(a_process_spawn_child_gets_argv_child_from_the_kernel),
    USERTEST(a_caller_changing_its_lists_meanwhile_gets_a_well_formed_block),
    USERTEST(bad_pointers_too_large_blocks_and_wrong_objects_are_refused_and_leak_nothing),
};

int
main(int argc, char **argv, char **envp)
{
    unsigned long mode = cairn_start_arg();

    fill(long_arg, LONG_ARG_LEN, 3);
    fill(huge_arg, LONG_MAX_LEN, 5);
    if (mode == MODE_ARGS || mode == MODE_EMPTY || mode == MODE_LONG || (mode == 0 && argc == 0))
        return child_check(argc, argv, envp, mode);
    if (mode == MODE_RACE)
        return child_check_race(argc, argv, envp);
    if (argc != 1 || strcmp(argv[0], PROGRAM) != 0) {
        printf("FAIL spawn/started_with_argv: argc %d, argv[0] %s\n", argc,
               argc > 0 ? argv[0] : "(none)");
        return 1;
    }
    self_image_find();
    return harness_run("spawn", tests, sizeof(tests) / sizeof(tests[0]));
}
