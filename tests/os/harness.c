// SPDX-License-Identifier: MIT
/* The user-mode test harness (see harness.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/rights.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <common/align.h>
#include <proto/handles.h>

#include <tar/tar.h>

#include "harness.h"

static int test_failed;
static char test_why[200];

void
test_fail(const char *fmt, ...)
{
    va_list ap;

    if (test_failed)
        return;
    test_failed = 1;
    va_start(ap, fmt);
    vsnprintf(test_why, sizeof(test_why), fmt, ap);
    va_end(ap);
}

int
test_has_failed(void)
{
    return test_failed;
}

void
expect_ret(const char *call, long got, long want)
{
    if (got == want)
        return;
    if (want < 0)
        test_fail("%s returned %ld (%s), expected %ld (%s)", call, got, cairn_error_name((int)got),
                  want, cairn_error_name((int)want));
    else
        test_fail("%s returned %ld (%s), expected %ld", call, got,
                  got < 0 ? cairn_error_name((int)got) : "not an error", want);
}

static int stats_differ(const struct cairn_debug_stats *a, const struct cairn_debug_stats *b,
                        char *why, size_t len);

/*
 * What a test's leak check must not count: the program before this one is
 * torn down by a reaper thread a moment after it ended, and this
 * program's handle table grows (for good) the first time many handles are
 * open at once. So the table is grown first and the counters are let
 * settle before the first test takes its baseline.
 */
static void
harness_settle(void)
{
    enum {
        WARM_HANDLES = 128
    };
    long h[WARM_HANDLES];

    for (unsigned i = 0; i < WARM_HANDLES; i++)
        h[i] = cairn_handle_dup(CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_READ);
    for (unsigned i = 0; i < WARM_HANDLES; i++)
        cairn_handle_close(h[i]);
    (void)stats_settled();
}

struct cairn_debug_stats
stats_settled(void)
{
    struct cairn_debug_stats a = stats_now(), b;
    char why[120];

    for (int i = 0; i < 250; i++) {
        cairn_thread_sleep(20 * MS_NS);
        b = stats_now();
        if (!stats_differ(&a, &b, why, sizeof(why)))
            break;
        a = b;
    }
    return a;
}

int
harness_run(const char *program, const struct usertest *tests, size_t n)
{
    int passed = 0, failed = 0;
    char self[64];
    uint64_t offset, size;

    snprintf(self, sizeof(self), "test-%s", program);
    (void)test_program_image(self, &offset, &size); /* looked up before any baseline */
    /* The heap's first arena, made and its first pages touched before any
     * baseline: a test's first small malloc (its own or libc's) then costs
     * no frames that stay for the program's life. */
    void *warm = malloc(4096 - 16);

    if (warm)
        memset(warm, 0, 4096 - 16);
    free(warm);
    printf("%s: starting\n", program); /* stdout's buffer made before any baseline */
    harness_settle();
    for (size_t i = 0; i < n; i++) {
        /* What the test before left to the reapers is gone before this one
         * counts (20 ms when nothing moves). */
        if (i > 0)
            (void)stats_settled();
        test_failed = 0;
        test_why[0] = '\0';
        tests[i].fn();
        if (test_failed) {
            printf("FAIL %s/%s: %s\n", program, tests[i].name, test_why);
            failed++;
        } else {
            printf("ok %s/%s\n", program, tests[i].name);
            passed++;
        }
    }
    printf("%s: %d passed, %d failed\n", program, passed, failed);
    return failed;
}

struct cairn_debug_stats
stats_now(void)
{
    struct cairn_debug_stats s;
    long err = cairn_debug_stats(&s);

    if (err) {
        test_fail("debug_stats returned %ld", err);
        memset(&s, 0, sizeof(s));
    }
    return s;
}

/* The first difference between a and b, described in why; 0 if none. */
static int
stats_differ(const struct cairn_debug_stats *a, const struct cairn_debug_stats *b, char *why,
             size_t len)
{
    if (a->free_frames != b->free_frames) {
        snprintf(why, len, "%lu frames free, %lu before", (unsigned long)a->free_frames,
                 (unsigned long)b->free_frames);
        return 1;
    }
    if (a->live_threads != b->live_threads) {
        snprintf(why, len, "%u threads, %u before", a->live_threads, b->live_threads);
        return 1;
    }
    for (unsigned t = 0; t < CAIRN_OBJ_COUNT && t < CAIRN_DEBUG_OBJ_TYPES; t++) {
        if (a->live_objects[t] != b->live_objects[t]) {
            snprintf(why, len, "%u objects of type %u, %u before", a->live_objects[t], t,
                     b->live_objects[t]);
            return 1;
        }
    }
    return 0;
}

void
expect_stats(const struct cairn_debug_stats *before, const char *when)
{
    char why[120];
    struct cairn_debug_stats now = stats_now();

    for (int i = 0; i < 3000 && stats_differ(&now, before, why, sizeof(why)); i++) {
        cairn_thread_sleep(10 * MS_NS);
        now = stats_now();
    }
    if (stats_differ(&now, before, why, sizeof(why)))
        test_fail("%s: %s", when, why);
}

long
test_thread_start(struct test_thread *t, long (*fn)(void *), void *arg)
{
    return test_thread_start_on(t, fn, arg, -1);
}

long
test_thread_start_on(struct test_thread *t, long (*fn)(void *), void *arg, int cpu)
{
    t->handle = -CAIRN_EINVAL;
    t->running = 0;
    t->stack = cairn_memobj_create(TEST_STACK_SIZE, 0);
    t->base = t->stack < 0 ? t->stack
                           : cairn_vm_map(t->stack, 0, TEST_STACK_SIZE, 0,
                                          CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (t->base < 0) {
        test_fail("no stack for a thread: %s", cairn_error_name((int)t->base));
        return t->base;
    }
    t->handle = cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, fn, arg,
                                       (void *)(t->base + TEST_STACK_SIZE), CAIRN_PRIORITY_DEFAULT);
    if (t->handle < 0) {
        test_fail("thread_create returned %s", cairn_error_name((int)t->handle));
        return t->handle;
    }
    long err = cpu >= 0 ? cairn_thread_set_cpu(t->handle, cpu) : 0;
    if (err < 0) {
        test_fail("thread_set_cpu(%d) returned %s", cpu, cairn_error_name((int)err));
        return err;
    }
    err = cairn_thread_start(t->handle);
    if (err < 0)
        test_fail("thread_start returned %s", cairn_error_name((int)err));
    else
        t->running = 1;
    return err;
}

long
test_thread_join(struct test_thread *t, uint64_t timeout_ns, int64_t *status)
{
    long err;

    if (t->handle < 0)
        return t->handle;
    err = cairn_thread_wait(t->handle, timeout_ns, status);
    if (err == 0)
        t->running = 0;
    cairn_handle_close(t->handle);
    t->handle = -CAIRN_EBADH;
    return err;
}

void
test_thread_free(struct test_thread *t)
{
    if (t->running) {
        test_fail("a thread still runs: its stack stays mapped");
        return;
    }
    if (t->base >= 0)
        cairn_vm_unmap((uint64_t)t->base, TEST_STACK_SIZE);
    if (t->stack >= 0)
        cairn_handle_close(t->stack);
    t->base = t->stack = -CAIRN_EBADH;
}

/* The last program looked up in the initfs: a test spawns copies of one
 * program many times, and a lookup maps the archive (page tables a leak
 * check would count), so it is done once, before the tests' baselines
 * (harness_settle). */
static struct {
    char name[TAR_NAME_MAX + 1];
    uint64_t offset, size;
} initfs_cache;

long
test_program_image(const char *name, uint64_t *offset, uint64_t *size)
{
    uint64_t fs_size = 0, fs_map;
    long h = cairn_boot_module(name, size), fs, at;
    struct tar_member m;
    int err;

    *offset = 0;
    if (h >= 0)
        return h;
    fs = cairn_boot_module("initfs", &fs_size);
    if (fs < 0)
        return h;
    if (strcmp(initfs_cache.name, name) != 0) {
        fs_map = (fs_size + 4095) & ~4095ull;
        at = cairn_vm_map(fs, 0, fs_map, 0, CAIRN_PROT_READ, 0);
        if (at < 0)
            return at;
        err = tar_find((const void *)at, fs_size, name, &m);
        if (err) {
            /* The system's programs are bin/NAME (mk/user.mk). */
            char bin[TAR_NAME_MAX + 1];

            snprintf(bin, sizeof(bin), "bin/%s", name);
            err = tar_find((const void *)at, fs_size, bin, &m);
        }
        cairn_vm_unmap((uint64_t)at, fs_map);
        if (err)
            return err;
        strlcpy(initfs_cache.name, m.name, sizeof(initfs_cache.name));
        initfs_cache.offset = m.offset;
        initfs_cache.size = m.size;
    }
    *offset = initfs_cache.offset;
    *size = initfs_cache.size;
    return fs;
}

long
test_spawn_prio(const char *module, uint64_t mode, const long *extra, unsigned nextra,
                uint32_t priority)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    long handles[CAIRN_INIT_HANDLE_MODULES + CAIRN_BOOTINFO_MODULES_MAX + 2 + 8], image;
    const char *argv[] = {module, NULL};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .priority = priority, .start_arg = mode};
    uint64_t size = 0, offset = 0;
    unsigned n = 0;

    image = test_program_image(module, &offset, &size);
    if (!bi || image < 0 || nextra > 8)
        return -CAIRN_ENOENT;
    /* The same layout as init's: every handle from the boot information
     * on, the modules and the device memory after them (include/cairn/init.h). */
    for (long h = CAIRN_INIT_HANDLE_BOOTINFO; h < (long)bi->handle_count; h++)
        handles[n++] = h;
    for (unsigned i = 0; i < nextra; i++)
        handles[n++] = extra[i];
    attr.nhandles = n;
    return cairn_spawn(image, offset, size, &attr, NULL);
}

long
test_start_pci(long registry_client, int ecam)
{
    const char *argv[] = {"pci", "pci", NULL};
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    long handles[14], server;
    uint32_t kinds[14], n = 0;
    uint64_t offset, size;
    long image = test_program_image("pci", &offset, &size);
    static const struct {
        int kind;
        long root;
        uint64_t base, size;
    } grants[] = {
        /* as servers/init/services grants them, in its order */
        {PROTO_HANDLE_IRQ, CAIRN_INIT_HANDLE_IRQ_ROOT, 5, 1},
        {PROTO_HANDLE_IRQ, CAIRN_INIT_HANDLE_IRQ_ROOT, 9, 3},
        {PROTO_HANDLE_IRQ, CAIRN_INIT_HANDLE_IRQ_ROOT, 16, 8},
        {PROTO_HANDLE_IRQ, CAIRN_INIT_HANDLE_IRQ_ROOT, CAIRN_IRQ_MSI_BASE, CAIRN_IRQ_MSI_COUNT},
        {PROTO_HANDLE_IOPORT, CAIRN_INIT_HANDLE_IOPORT_ROOT, 0xcf8, 8},
        {PROTO_HANDLE_IOPORT, CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x6000, 0xa000},
        {PROTO_HANDLE_MEMORY, CAIRN_INIT_HANDLE_PHYS_ROOT, 0x80000000ull, 0x7ec00000ull},
        {PROTO_HANDLE_MEMORY, CAIRN_INIT_HANDLE_PHYS_ROOT, 0x100000000ull, 0x7f00000000ull},
    };

    if (image < 0 || !bi) {
        test_fail("no pci in the initfs: %ld", image);
        return image < 0 ? image : -CAIRN_ENOENT;
    }
    for (uint32_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
        handles[n] = cairn_resource_create(grants[i].root, grants[i].base, grants[i].size);
        kinds[n] = (uint32_t)grants[i].kind;
        if (handles[n] < 0) {
            test_fail("grant %u: %s", i, cairn_error_name((int)handles[n]));
            server = handles[n];
            goto out;
        }
        n++;
    }
    if (ecam) {
        handles[n] = cairn_handle_dup(bi->acpi.ecam_handle,
                                      CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP |
                                          CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
        kinds[n++] = PROTO_HANDLE_ECAM;
        handles[n] = cairn_handle_dup(CAIRN_INIT_HANDLE_BOOTINFO,
                                      CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                          CAIRN_RIGHT_TRANSFER);
        kinds[n++] = PROTO_HANDLE_BOOTINFO;
    }
    handles[n] = registry_client;
    kinds[n++] = PROTO_HANDLE_REGISTRY;
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .handle_kinds = kinds};
    server = cairn_spawn(image, offset, size, &attr, NULL);
    if (server < 0)
        test_fail("spawning pci: %ld", server);
    n--; /* the registry handle stays the caller's */
out:
    for (uint32_t i = 0; i < n; i++)
        cairn_handle_close(handles[i]);
    return server;
}

long
test_spawn(const char *module, uint64_t mode, const long *extra, unsigned nextra)
{
    long child = test_spawn_prio(module, mode, extra, nextra, 0);

    if (child < 0)
        test_fail("spawning %s returned %s", module, cairn_error_name((int)child));
    return child;
}

long
test_extra_handle(unsigned i)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    return bi ? (long)bi->handle_count + (long)i : -CAIRN_ENOENT;
}

long
test_module_copy(const char *name, uint64_t *size, uint8_t **map, uint64_t *map_len)
{
    long img = cairn_boot_module(name, size), copy, src, dst;

    if (img < 0) {
        test_fail("no boot module %s: %ld", name, img);
        return img;
    }
    *map_len = align_up(*size, 4096);
    copy = cairn_memobj_create(*map_len, 0);
    if (copy < 0) {
        test_fail("no memory for a copy of %s: %ld", name, copy);
        return copy;
    }
    src = cairn_vm_map(img, 0, *map_len, 0, CAIRN_PROT_READ, 0);
    dst = cairn_vm_map(copy, 0, *map_len, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (src < 0 || dst < 0) {
        test_fail("cannot map %s and its copy: %ld %ld", name, src, dst);
        if (src >= 0)
            cairn_vm_unmap((uint64_t)src, *map_len);
        if (dst >= 0)
            cairn_vm_unmap((uint64_t)dst, *map_len);
        cairn_handle_close(copy);
        return src < 0 ? src : dst;
    }
    memcpy((void *)dst, (const void *)src, *size);
    cairn_vm_unmap((uint64_t)src, *map_len);
    *map = (uint8_t *)dst;
    return copy;
}
