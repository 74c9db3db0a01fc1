// SPDX-License-Identifier: MIT
/*
 * init in a test or bench boot (see programs.h). The test programs are started with
 * libc's ELF loader (cairn_spawn), so every test boot also exercises
 * building a process from user space: an empty process, memory mapped
 * into it, handles installed, a thread created and started. Each program
 * gets init's own handle layout: its process and thread, the boot
 * information, and every boot module; its name as argv = { name }, no
 * environment, and init's boot flags as its start word.
 *
 * With `fuzz` on the command line (a fuzz boot, docs/testing.md) init runs
 * the system call fuzzer, the boot module `fuzz`, instead of the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <common/align.h>

#include <tar/tar.h>

#include "programs.h"

#define SECOND_NS   1000000000ull
/* A program that takes longer has hung. Ordinary test boots end sooner:
 * the kernel gives init 120 s in all, and 480 s in the soak boot. */
#define PROGRAM_MAX (420 * SECOND_NS)

static int init_failures;

static void
check(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("ok init/%s\n", name);
    } else {
        printf("FAIL init/%s: %s\n", name, why);
        init_failures++;
    }
}

/* init's start block and handles are those include/cairn/init.h promises. */
static void
check_entry_state(int argc, char **argv)
{
    const uint32_t own = CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_MANAGE |
                         CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    const uint32_t ro =
        CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct cairn_handle_info p, t, b, past;
    uintptr_t block = (uintptr_t)(argv - 1);
    uint64_t aux = 0;
    int init_found = 0;

    check(argc == 1 && strcmp(argv[0], "init") == 0 && argv[1] == NULL, "started_with_argv_init",
          "argc or argv is not { \"init\" }");
    check(environ == argv + 2 && environ[0] == NULL, "started_with_no_environment",
          "the environment is not empty, or does not follow argv");
    check(cairn_start_aux(CAIRN_AT_START_ARG, &aux) == 0 && aux == cairn_start_arg() &&
              (aux & CAIRN_INIT_TEST),
          "has_its_boot_flags_in_the_auxiliary_vector", "no CAIRN_AT_START_ARG with the flags");
    check(block % 16 == 0 && block >= CAIRN_USER_STACK_TOP - CAIRN_USER_START_MAX &&
              block < CAIRN_USER_STACK_TOP,
          "start_block_is_aligned_at_the_stack_top", "the start block is misplaced");

    check(cairn_handle_info(CAIRN_INIT_HANDLE_PROCESS, &p) == 0 && p.type == CAIRN_OBJ_PROCESS &&
              p.rights == own,
          "holds_its_own_process", "handle 0 is not its process with full rights");
    check(cairn_handle_info(CAIRN_INIT_HANDLE_THREAD, &t) == 0 && t.type == CAIRN_OBJ_THREAD &&
              t.rights == own,
          "holds_its_own_thread", "handle 1 is not its thread with full rights");
    check(cairn_handle_info(CAIRN_INIT_HANDLE_BOOTINFO, &b) == 0 && b.type == CAIRN_OBJ_MEMOBJ &&
              b.rights == ro && bi,
          "holds_read_only_boot_information", "handle 2 is no read-only boot information");
    if (!bi)
        return;
    for (uint32_t i = 0; i < bi->module_count; i++)
        init_found |= strcmp(bi->modules[i].name, "init") == 0 && bi->modules[i].size > 0;
    check(bi->cpu_count >= 1 && bi->memory_bytes >= (32ull << 20) && init_found &&
              bi->size == sizeof(*bi) && strncmp(bi->cmdline, "test", 4) == 0,
          "boot_information_describes_this_boot", "CPUs, memory, modules or command line wrong");
    check(bi->handle_count >= CAIRN_INIT_HANDLE_MODULES + bi->module_count &&
              bi->handle_count <= CAIRN_INIT_HANDLE_MODULES + bi->module_count + 2 &&
              cairn_handle_info((long)bi->handle_count, &past) == -CAIRN_EBADH,
          "holds_nothing_past_its_handles", "a handle past the last one the kernel gave");
}

/* Where a program's image lies: the memory object, and the offset and size
 * of the ELF in it (a boot module of its own, or a member of the initfs). */
struct program_image {
    const char *name;
    long memobj;
    uint64_t offset, size;
};

/* Run one program to its end, started with arg (CAIRN_INIT_TEST or
 * CAIRN_INIT_BENCH); returns its failures (1 if it never reported). */
static int
run_program(const struct cairn_bootinfo *bi, const struct program_image *img, unsigned long arg)
{
    const char *name = img->name;
    long handles[CAIRN_INIT_HANDLE_MODULES + CAIRN_BOOTINFO_MODULES_MAX + 2], child, err;
    const char *argv[] = {name, NULL};
    struct cairn_spawn_attr attr = {.argv = argv, .handles = handles, .start_arg = arg};
    int64_t status = -1;
    unsigned n = 0;

    /* The same layout as init's: every handle from the boot information
     * on, the modules and the device memory after them (include/cairn/init.h). */
    for (long h = CAIRN_INIT_HANDLE_BOOTINFO; h < (long)bi->handle_count; h++)
        handles[n++] = h;
    printf("init: running %s\n", name);
    attr.nhandles = n;
    child = cairn_spawn(img->memobj, img->offset, img->size, &attr, NULL);
    if (child < 0) {
        printf("FAIL program/%s: cannot start it (%s)\n", name, cairn_error_name((int)child));
        return 1;
    }
    err = cairn_process_wait(child, PROGRAM_MAX, &status);
    if (err) {
        cairn_process_kill(child);
        cairn_process_wait(child, 10 * SECOND_NS, NULL);
        cairn_handle_close(child);
        printf("FAIL program/%s: did not finish in %llu s\n", name,
               (unsigned long long)(PROGRAM_MAX / SECOND_NS));
        return 1;
    }
    cairn_handle_close(child);
    if (status == 0) {
        printf("ok program/%s\n", name);
        return 0;
    }
    if (status > 0) {
        printf("FAIL program/%s: %ld tests failed\n", name, (long)status);
        return (int)status;
    }
    printf("FAIL program/%s: ended with status %ld\n", name, (long)status);
    return 1;
}

/*
 * The programs of this boot whose names match want (a prefix when prefix
 * is set), each run to its end: first the boot modules of their own, then
 * the initfs members of names no module has (NAME or bin/NAME). Returns the failures, or -1
 * when nothing matched.
 */
static int
run_programs(const char *want, int prefix, unsigned long arg)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    size_t len = strlen(want);
    struct program_image img;
    struct tar_member m;
    struct tar_iter it;
    uint64_t fs_size = 0, fs_map = 0;
    long fs = cairn_boot_module("initfs", &fs_size), at = -1;
    int failures = 0, found = 0;

    for (uint32_t i = 0; bi && i < bi->module_count; i++) {
        const char *name = bi->modules[i].name;

        if (prefix ? strncmp(name, want, len) == 0 : strcmp(name, want) == 0) {
            img = (struct program_image){name, CAIRN_INIT_HANDLE_MODULES + (long)i, 0,
                                         bi->modules[i].size};
            failures += run_program(bi, &img, arg);
            found = 1;
        }
    }
    if (fs >= 0) {
        fs_map = align_up(fs_size, 4096);
        at = cairn_vm_map(fs, 0, fs_map, 0, CAIRN_PROT_READ, 0);
    }
    if (at >= 0) {
        int r;

        tar_iter_init(&it, (const void *)at, fs_size);
        while ((r = tar_iter_next(&it, &m)) == 1) {
            /* The system's programs are bin/NAME (mk/user.mk). */
            const char *prog = strncmp(m.name, "bin/", 4) == 0 ? m.name + 4 : m.name;

            if ((prefix ? strncmp(prog, want, len) != 0 : strcmp(prog, want) != 0) ||
                cairn_boot_module(prog, NULL) >= 0)
                continue;
            img = (struct program_image){prog, fs, m.offset, m.size};
            failures += run_program(bi, &img, arg);
            found = 1;
        }
        if (r < 0) {
            printf("FAIL init/initfs: the initfs module is no well-formed archive\n");
            failures++;
        }
        cairn_vm_unmap((uint64_t)at, fs_map);
    }
    return found ? failures : -1;
}

int
init_run_tests(int argc, char **argv)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    int failures, fuzz = bi && cairn_cmdline_has("fuzz"), ran;

    check_entry_state(argc, argv);
    failures = init_failures;
    ran =
        fuzz ? run_programs("fuzz", 0, CAIRN_INIT_TEST) : run_programs("test-", 1, CAIRN_INIT_TEST);
    if (ran < 0)
        printf("init: no %s to run\n", fuzz ? "fuzzer" : "test program");
    else
        failures += ran;
    printf("init: tests done, %d failed\n", failures);
    return failures;
}

int
init_run_bench(void)
{
    int ran = run_programs("bench", 0, CAIRN_INIT_BENCH);

    if (ran < 0) {
        printf("FAIL program/bench: no program named bench\n");
        return 1;
    }
    return ran;
}
