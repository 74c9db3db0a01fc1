// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the initfs (the boot module `initfs`, a tar archive
 * written by tools/mkinitfs) and of starting programs straight from its
 * members with libc's cairn_spawn: every member's data on a page
 * and equal to the boot module of the same name; the test child started
 * from its member, from a copy at an offset off the page (copied
 * segments) and on it (shared ones); the proof that shared segments are
 * the object's own pages (a child reads markers in its read-only data and
 * its code that the parent changed in the object after starting it);
 * bad offsets, sizes and handles refused; a copy of the archive with
 * flipped header bytes refused by the tar reader. Nothing may leak.
 *
 * The children that read markers are copies of this program (the member
 * test-initfs) in MODE_MARKERS, given one notification that says "look now".
 */
#include <stdint.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <common/elf.h>
#include <tar/tar.h>

#include "child/child.h"
#include "harness.h"

#define PROGRAM      "test-initfs"
#define PAGE         4096ul
#define SECOND       (1000 * MS_NS)
#define RW           (CAIRN_PROT_READ | CAIRN_PROT_WRITE)
#define MODE_MARKERS 0x4d4b /* the start word of a child that reads the markers */

/* Read by a MODE_MARKERS child after its parent may have changed them in
 * the object the child was started from: one in .rodata, one in .text. */
static const char rodata_marker[16] = "initfs marker R";
__attribute__((section(".text.initfs_marker"), used)) static const char text_marker[16] =
    "initfs marker T";

/* The archive: the initfs module mapped read-only, and its size. */
struct archive {
    long handle;
    uint64_t size;
    long base;
    uint64_t mapped;
};

static int
archive_map(struct archive *a)
{
    a->handle = cairn_boot_module("initfs", &a->size);
    if (a->handle < 0) {
        test_fail("no boot module initfs: %s", cairn_error_name((int)a->handle));
        return -1;
    }
    a->mapped = (a->size + PAGE - 1) & ~(PAGE - 1);
    a->base = cairn_vm_map(a->handle, 0, a->mapped, 0, CAIRN_PROT_READ, 0);
    if (a->base < 0) {
        test_fail("cannot map the initfs: %s", cairn_error_name((int)a->base));
        return -1;
    }
    return 0;
}

static void
archive_unmap(struct archive *a)
{
    if (a->base >= 0)
        cairn_vm_unmap((uint64_t)a->base, a->mapped);
}

/* A fresh object of size bytes (rounded up) holding len bytes of src at
 * offset at, mapped writable at *map. Returns the object or a code. */
static long
copy_into_new(const void *src, uint64_t len, uint64_t at, uint64_t size, long *map)
{
    uint64_t rounded = (size + PAGE - 1) & ~(PAGE - 1);
    long mo = cairn_memobj_create(rounded, 0);

    *map = mo < 0 ? mo : cairn_vm_map(mo, 0, rounded, 0, RW, 0);
    if (*map < 0) {
        test_fail("no object for a copy: %s", cairn_error_name((int)*map));
        if (mo >= 0)
            cairn_handle_close(mo);
        return *map;
    }
    memcpy((uint8_t *)*map + at, src, len);
    return mo;
}

/* Starts the image at [offset, offset + size) of memobj in role and waits
 * for it; fails the test unless it exits with status want. */
static void
run_member(long memobj, uint64_t offset, uint64_t size, uint64_t role, int64_t want,
           const char *what)
{
    int64_t status = -1;
    struct cairn_spawn_attr attr = {.start_arg = role};
    long child = cairn_spawn(memobj, offset, size, &attr, NULL);

    if (child < 0) {
        test_fail("%s: spawn returned %s", what, cairn_error_name((int)child));
        return;
    }
    expect_ret(what, cairn_process_wait(child, 10 * SECOND, &status), 0);
    if (status != want)
        test_fail("%s: exit status %ld, expected %ld", what, (long)status, (long)want);
    cairn_handle_close(child);
}

static void
members_are_page_aligned_and_equal_to_their_modules(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct archive a;
    struct tar_member m;
    struct tar_iter it;
    unsigned members = 0, compared = 0;
    int r;

    if (!bi || archive_map(&a) < 0)
        return;
    tar_iter_init(&it, (const void *)a.base, a.size);
    while ((r = tar_iter_next(&it, &m)) == 1) {
        uint64_t msize = 0;
        long mod = cairn_boot_module(m.name, &msize), mb;

        members++;
        if (m.offset % PAGE != 0 || m.type != '0')
            test_fail("member %s: offset %lu, type %c", m.name, (unsigned long)m.offset, m.type);
        if (strcmp(m.name, "init") == 0 || strcmp(m.name, "initfs") == 0)
            test_fail("the initfs holds %s", m.name);
        if (mod < 0)
            continue;
        mb = cairn_vm_map(mod, 0, (msize + PAGE - 1) & ~(PAGE - 1), 0, CAIRN_PROT_READ, 0);
        if (mb < 0 || msize != m.size ||
            memcmp((const void *)mb, (const uint8_t *)a.base + m.offset, msize) != 0)
            test_fail("member %s differs from its module (size %lu, module %lu)", m.name,
                      (unsigned long)m.size, (unsigned long)msize);
        if (mb >= 0)
            cairn_vm_unmap((uint64_t)mb, (msize + PAGE - 1) & ~(PAGE - 1));
        compared++;
    }
    expect_ret("the walk's end", r, 0);
    if (members < 3 || compared == 0)
        test_fail("%u members, %u of them compared with a module", members, compared);
    if (tar_find((const void *)a.base, a.size, PROGRAM, &m) != 0)
        test_fail("this program is not in the initfs");
    archive_unmap(&a);
}

static void
child_runs_from_its_member_and_nothing_leaks(void)
{
    struct cairn_debug_stats before = stats_now();
    struct tar_member m;
    struct archive a;

    if (archive_map(&a) < 0)
        return;
    expect_ret("tar_find(child)", tar_find((const void *)a.base, a.size, "child", &m), 0);
    archive_unmap(&a);
    if (test_has_failed())
        return;
    run_member(a.handle, m.offset, m.size, CHILD_EXIT, 0, "child from the initfs, exit");
    run_member(a.handle, m.offset, m.size, CHILD_SLEEP, 7, "child from the initfs, sleep");
    for (int i = 0; i < 20; i++)
        run_member(a.handle, m.offset, m.size, CHILD_EXIT, 0, "child from the initfs, again");
    expect_stats(&before, "after 22 children from the initfs");
}

static void
child_runs_from_offsets_on_and_off_the_page(void)
{
    static const uint64_t offsets[] = {1000, 1, 4096 + 512, 8192, 0};
    struct cairn_debug_stats before = stats_now(); /* before the map: its page tables go at unmap */
    struct tar_member m;
    struct archive a;

    /* The baseline before the archive's mapping, which is undone before
     * the check: its page tables come and go inside the window too. */
    before = stats_now();
    if (archive_map(&a) < 0)
        return;
    expect_ret("tar_find(child)", tar_find((const void *)a.base, a.size, "child", &m), 0);
    for (unsigned i = 0; !test_has_failed() && i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        long map, mo = copy_into_new((const uint8_t *)a.base + m.offset, m.size, offsets[i],
                                     offsets[i] + m.size, &map);

        if (mo < 0)
            break;
        run_member(mo, offsets[i], m.size, CHILD_EXIT, 0, "child from a copy, exit");
        run_member(mo, offsets[i], m.size, CHILD_SLEEP, 7, "child from a copy, sleep");
        cairn_vm_unmap((uint64_t)map, (offsets[i] + m.size + PAGE - 1) & ~(PAGE - 1));
        cairn_handle_close(mo);
    }
    archive_unmap(&a);
    expect_stats(&before, "after children from copies");
}

/* The object offset of this program's byte at address addr, in its image
 * at img (the same program), or 0. */
static uint64_t
file_offset_of(const uint8_t *img, uint64_t size, const void *addr)
{
    const struct elf64_ehdr *eh = (const struct elf64_ehdr *)img;
    uint64_t va = (uint64_t)addr;

    for (unsigned i = 0; size >= sizeof(*eh) && i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph =
            (const struct elf64_phdr *)(img + eh->e_phoff + i * sizeof(struct elf64_phdr));
        if (ph->p_type == PT_LOAD && va >= ph->p_vaddr && va - ph->p_vaddr < ph->p_filesz)
            return ph->p_offset + (va - ph->p_vaddr);
    }
    return 0;
}

/*
 * Starts this program in MODE_MARKERS from [at, at + size) of memobj
 * (whose bytes are writable at map), changes both markers there, tells the
 * child to look, and returns what it saw: bit 0 the .rodata marker
 * changed, bit 1 the .text one (or -1).
 */
static int64_t
markers_seen(long memobj, uint8_t *map, uint64_t at, uint64_t size)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    uint64_t ro = file_offset_of(map + at, size, rodata_marker);
    uint64_t tx = file_offset_of(map + at, size, text_marker);
    long handles[CAIRN_INIT_HANDLE_MODULES + CAIRN_BOOTINFO_MODULES_MAX + 3], n = 0;
    long go = cairn_notify_create(), child;
    int64_t status = -1;

    if (!bi || go < 0 || !ro || !tx) {
        test_fail("no markers (%lu %lu) or notification (%ld)", (unsigned long)ro,
                  (unsigned long)tx, go);
        return -1;
    }
    /* test_spawn's layout, so the child finds go at test_extra_handle(0). */
    for (long h = CAIRN_INIT_HANDLE_BOOTINFO; h < (long)bi->handle_count; h++)
        handles[n++] = h;
    handles[n++] = go;
    child = cairn_spawn(memobj, at, size,
                        &(struct cairn_spawn_attr){
                            .handles = handles, .nhandles = (uint32_t)n, .start_arg = MODE_MARKERS},
                        NULL);
    if (child < 0) {
        test_fail("spawn of the marker child returned %s", cairn_error_name((int)child));
        cairn_handle_close(go);
        return -1;
    }
    map[at + ro] = 'X';
    map[at + tx] = 'X';
    expect_ret("notify_signal", cairn_notify_signal(go, 1), 0);
    expect_ret("wait for the marker child", cairn_process_wait(child, 10 * SECOND, &status), 0);
    map[at + ro] = rodata_marker[0];
    map[at + tx] = text_marker[0];
    cairn_handle_close(child);
    cairn_handle_close(go);
    return status;
}

/* In the child: wait for the word, then report which markers changed. */
static int
child_read_markers(void)
{
    volatile const char *ro = rodata_marker, *tx = text_marker;
    uint64_t bits = 0;

    if (cairn_notify_wait(test_extra_handle(0), 10 * SECOND, &bits) < 0)
        return 100;
    return (ro[0] != 'i' ? 1 : 0) | (tx[0] != 'i' ? 2 : 0);
}

static void
read_only_segments_are_the_objects_own_pages(void)
{
    struct cairn_debug_stats before;
    struct tar_member m;
    struct archive a;
    long map, mo, ro_only;
    int64_t seen;

    if (archive_map(&a) < 0)
        return;
    expect_ret("tar_find(" PROGRAM ")", tar_find((const void *)a.base, a.size, PROGRAM, &m), 0);
    /* A copy of the whole archive: the member on a page, all rights. The
     * baseline is taken with the copy mapped (its page tables stay). */
    mo = copy_into_new((const void *)a.base, a.size, 0, a.size, &map);
    archive_unmap(&a);
    if (mo < 0)
        return;
    before = stats_now();
    seen = markers_seen(mo, (uint8_t *)map, m.offset, m.size);
    if (seen != 3)
        test_fail("a child from a page-aligned member saw %ld, expected 3 (both shared)",
                  (long)seen);
    /* Without EXEC on the handle the code must be copied; the rest shared. */
    ro_only = cairn_handle_dup(mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    seen = markers_seen(ro_only, (uint8_t *)map, m.offset, m.size);
    if (seen != 1)
        test_fail("a child from a handle without EXEC saw %ld, expected 1 (code copied)",
                  (long)seen);
    cairn_handle_close(ro_only);
    /* Moved 512 bytes off the page: everything is copied. */
    memmove((uint8_t *)map + m.offset + 512, (const uint8_t *)map + m.offset, m.size);
    seen = markers_seen(mo, (uint8_t *)map, m.offset + 512, m.size);
    if (seen != 0)
        test_fail("a child from a misaligned member saw %ld, expected 0 (copied)", (long)seen);
    expect_stats(&before, "after the marker children");
    cairn_vm_unmap((uint64_t)map, (a.size + PAGE - 1) & ~(PAGE - 1));
    cairn_handle_close(mo);
}

static void
bad_offsets_sizes_and_handles_are_refused(void)
{
    const struct cairn_spawn_attr exit_attr = {.start_arg = CHILD_EXIT};
    struct cairn_debug_stats before = stats_now();
    struct tar_member m;
    struct archive a;
    long note = cairn_notify_create(), h;

    if (archive_map(&a) < 0)
        return;
    expect_ret("tar_find(child)", tar_find((const void *)a.base, a.size, "child", &m), 0);
    archive_unmap(&a);
    h = a.handle;
#define SPAWN(o, s) cairn_spawn(h, (o), (s), &exit_attr, NULL)
    expect_ret("size 0", SPAWN(m.offset, 0), -CAIRN_EINVAL);
    expect_ret("offset + size wraps", SPAWN(UINT64_MAX - 10, 100), -CAIRN_EINVAL);
    expect_ret("size wraps", SPAWN(m.offset, UINT64_MAX), -CAIRN_EINVAL);
    expect_ret("to the last byte", SPAWN(UINT64_MAX - 4095, 4096), -CAIRN_EINVAL);
    expect_ret("offset past the object", SPAWN(1ull << 40, 4096), -CAIRN_ERANGE);
    expect_ret("size past the object", SPAWN(m.offset, a.mapped - m.offset + 1), -CAIRN_ERANGE);
    expect_ret("no ELF at the offset", SPAWN(m.offset + 512, m.size - 512), -CAIRN_EINVAL);
    expect_ret("a header's offset", SPAWN(m.offset - 512, m.size), -CAIRN_EINVAL);
    expect_ret("program headers cut", SPAWN(m.offset, 200), -CAIRN_EINVAL);
    expect_ret("code cut", SPAWN(m.offset, PAGE + 100), -CAIRN_EINVAL);
    expect_ret("smaller than a header", SPAWN(m.offset, 10), -CAIRN_EINVAL);
    expect_ret("bad handle", cairn_spawn(12345, 0, 4096, NULL, NULL), -CAIRN_EBADH);
    expect_ret("not a memory object", cairn_spawn(note, 0, 4096, NULL, NULL), -CAIRN_EWRONGTYPE);
#undef SPAWN
    cairn_handle_close(note);
    expect_stats(&before, "after the refusals");
}

static void
a_corrupt_archive_copy_is_refused(void)
{
    struct cairn_debug_stats before;
    struct tar_member m, again;
    struct archive a;
    uint8_t *img;
    long map, mo;
    unsigned accepted = 0;

    if (archive_map(&a) < 0)
        return;
    expect_ret("tar_find(child)", tar_find((const void *)a.base, a.size, "child", &m), 0);
    mo = copy_into_new((const void *)a.base, a.size, 0, a.size, &map);
    archive_unmap(&a);
    if (mo < 0)
        return;
    before = stats_now();
    img = (uint8_t *)map;
    /* Every byte of child's header (the pax comment before it is free text). */
    for (uint64_t at = m.offset - 512; at < m.offset; at++) {
        if (at >= m.offset - 512 + 148 && at < m.offset - 512 + 156)
            continue; /* the checksum field: some flips leave the same number */
        img[at] ^= 0x5a;
        if (tar_find(img, a.size, "child", &again) != -CAIRN_EINVAL)
            accepted++;
        img[at] ^= 0x5a;
    }
    if (accepted)
        test_fail("%u flipped header bytes were accepted", accepted);
    /* A size larger than the archive, with a right checksum. */
    {
        uint8_t *h = img + m.offset - 512;
        unsigned sum = 0;

        memcpy(h + 124, "77777777777", 11);
        memset(h + 148, ' ', 8);
        for (int i = 0; i < 512; i++)
            sum += h[i];
        for (int i = 6; i-- > 0; sum >>= 3)
            h[148 + i] = (uint8_t)('0' + (sum & 7));
        h[154] = '\0';
        expect_ret("a size past the archive", tar_find(img, a.size, "child", &again),
                   -CAIRN_EINVAL);
    }
    /* The member's own bytes are the loader's to check. */
    img[m.offset + 1] ^= 0xff;
    expect_ret("spawn of a member with a bad ELF magic",
               cairn_spawn(mo, m.offset, m.size, NULL, NULL), -CAIRN_EINVAL);
    expect_stats(&before, "after the corrupt copies");
    cairn_vm_unmap((uint64_t)map, (a.size + PAGE - 1) & ~(PAGE - 1));
    cairn_handle_close(mo);
}

static const struct usertest tests[] = {
    USERTEST(members_are_page_aligned_and_equal_to_their_modules),
    USERTEST(child_runs_from_its_member_and_nothing_leaks),
    USERTEST(child_runs_from_offsets_on_and_off_the_page),
    USERTEST(read_only_segments_are_the_objects_own_pages),
    USERTEST(bad_offsets_sizes_and_handles_are_refused),
    USERTEST(a_corrupt_archive_copy_is_refused),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == MODE_MARKERS)
        return child_read_markers();
    return harness_run("initfs", tests, sizeof(tests) / sizeof(tests[0]));
}
