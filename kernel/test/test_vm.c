// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the kernel's page tables: the image's sections carry
 * their true permissions, the direct map translates, and map / protect /
 * unmap change what the CPU sees. Then user address spaces (vspaces made
 * here, with no process around them): unmap and protect of any range,
 * refusals that change nothing, frames and tables returned, and user
 * copies that meet a missing page.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/vm.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/tlb.h"
#include "common/string.h"
#include "core/ktest.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "mm/vspace.h"
#include "obj/memobj.h"
#include "sched/sched.h"
#include "test/thread_wait.h"
#include "time/clock.h"

extern const char _text_start[], _rodata_start[], _data_start[], boot_stack_guard[];
extern char ktest_vm_data_probe[];
char ktest_vm_data_probe[64];

/* A scratch address in the kernel half that nothing else uses. */
#define SCRATCH_VA 0xffffff0000000000ull

static void
expect_flags(const char *what, const void *addr, bool writable, bool executable)
{
    uint64_t pa, flags;
    int err = pt_lookup(&kernel_pagetable, (uint64_t)addr, &pa, &flags);

    KTEST_EXPECT(err == 0, "%s is not mapped", what);
    if (err)
        return;
    KTEST_EXPECT(!!(flags & PTE_W) == writable, "%s: writable=%d", what, !!(flags & PTE_W));
    KTEST_EXPECT(!(flags & PTE_NX) == executable, "%s: executable=%d", what, !(flags & PTE_NX));
    KTEST_EXPECT(!(flags & PTE_U), "%s is user-accessible", what);
}

KTEST(vm_kernel_sections_have_true_permissions)
{
    expect_flags("text", _text_start, false, true);
    expect_flags("rodata", _rodata_start, false, false);
    expect_flags("data", ktest_vm_data_probe, true, false);
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)boot_stack_guard, NULL, NULL) ==
                     -CAIRN_ENOENT,
                 "the boot stack's guard page is mapped");
    KTEST_EXPECT(read_cr0() & CR0_WP, "CR0.WP is off: the kernel could write read-only pages");
    KTEST_EXPECT(rdmsr(MSR_EFER) & EFER_NXE, "EFER.NXE is off: NX bits are ignored");
}

KTEST(vm_direct_map_translates_frames)
{
    uint64_t phys = frame_alloc(0), pa = 0;

    KTEST_EXPECT(phys != 0, "allocation failed");
    if (!phys)
        return;
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)phys_to_virt(phys) + 123, &pa, NULL) == 0,
                 "direct map lookup failed");
    KTEST_EXPECT(pa == phys + 123, "direct map gives %lx for %lx", pa, phys + 123);
    KTEST_EXPECT(virt_to_phys(phys_to_virt(phys)) == phys, "virt_to_phys does not invert");
    frame_free(phys, 0);
}

KTEST(vm_map_protect_unmap_change_translation)
{
    uint64_t phys = frame_alloc_zeroed(0), pa, flags;
    volatile uint64_t *scratch = (volatile uint64_t *)SCRATCH_VA;
    int err;

    KTEST_EXPECT(phys != 0, "allocation failed");
    if (!phys)
        return;
    err = pt_map(&kernel_pagetable, SCRATCH_VA, phys, PTE_W | PTE_NX);
    KTEST_EXPECT(err == 0, "pt_map failed: %d", err);
    *scratch = 0x1234;
    KTEST_EXPECT(*(uint64_t *)phys_to_virt(phys) == 0x1234, "write did not reach the frame");
    KTEST_EXPECT(pt_map(&kernel_pagetable, SCRATCH_VA, phys, 0) == -CAIRN_EEXIST,
                 "mapping twice did not fail");
    KTEST_EXPECT(pt_map(&kernel_pagetable, SCRATCH_VA + 1, phys, 0) == -CAIRN_EINVAL,
                 "unaligned map did not fail");
    KTEST_EXPECT(pt_map(&kernel_pagetable, 0x0000900000000000ull, phys, 0) == -CAIRN_EINVAL,
                 "non-canonical map did not fail");

    err = pt_protect(&kernel_pagetable, SCRATCH_VA, PTE_NX);
    KTEST_EXPECT(err == 0, "pt_protect failed: %d", err);
    pt_lookup(&kernel_pagetable, SCRATCH_VA, &pa, &flags);
    KTEST_EXPECT(!(flags & PTE_W) && pa == phys, "protect left flags %lx pa %lx", flags, pa);
    KTEST_EXPECT(*scratch == 0x1234, "read after protect gave %lx", *scratch);

    err = pt_unmap(&kernel_pagetable, SCRATCH_VA, &pa);
    KTEST_EXPECT(err == 0 && pa == phys, "pt_unmap gave %d, %lx", err, pa);
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, SCRATCH_VA, NULL, NULL) == -CAIRN_ENOENT,
                 "still mapped after unmap");
    KTEST_EXPECT(pt_unmap(&kernel_pagetable, SCRATCH_VA, NULL) == -CAIRN_ENOENT,
                 "second unmap did not fail");
    frame_free(phys, 0);
}

KTEST(vm_device_mappings_are_uncached_and_nx)
{
    void *p = vm_map_device(0xfee00000, 16, PTE_CACHE_UC);
    uint64_t pa, flags;

    KTEST_EXPECT(p != NULL, "vm_map_device failed");
    if (!p)
        return;
    KTEST_EXPECT(pt_lookup(&kernel_pagetable, (uint64_t)p, &pa, &flags) == 0, "not mapped");
    KTEST_EXPECT(pa == 0xfee00000, "maps %lx", pa);
    KTEST_EXPECT((flags & PTE_CACHE_UC) == PTE_CACHE_UC, "cache bits %lx", flags);
    KTEST_EXPECT(flags & PTE_NX, "device mapping is executable");
    KTEST_EXPECT(vm_map_device(0x1000, 0, PTE_CACHE_UC) == NULL, "zero-length mapping allowed");
}

/* --- user address spaces: partial unmap and protect, user copies --------------------- */

/* A user-half address nothing else maps in the tests' own vspaces. */
#define USER_VA 0x0000000050000000ull
#define P       ((uint64_t)PAGE_SIZE)
#define RW      (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

/* Free frames, without cached empty slabs (which are not leaks). */
static uint64_t
frames_now(void)
{
    kmalloc_shrink();
    return frame_free_count();
}

/* Map a fresh object of npages at va (fixed) with prot; the mapping holds
 * the only reference. */
static int
map_new(struct vspace *vs, uint64_t va, uint64_t npages, uint32_t prot, uint32_t max_prot)
{
    struct memobj *mo;
    int err = memobj_create(npages * P, NULL, &mo);

    if (err)
        return err;
    err = vspace_map(vs, mo, 0, npages * P, &va, true, prot, max_prot);
    object_unref(&mo->obj);
    return err;
}

/* The frame and leaf flags behind va (0 when not present). */
static uint64_t
frame_at(struct vspace *vs, uint64_t va, uint64_t *flags)
{
    uint64_t pa = 0;

    if (pt_lookup(&vs->pt, va, &pa, flags) < 0)
        return 0;
    return pa;
}

KTEST(vspace_unmap_of_a_middle_page_splits_and_returns_every_frame)
{
    uint64_t before = frames_now(), pa2;
    struct vspace vs;

    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_ASSERT(map_new(&vs, USER_VA, 3, RW, RW) == 0, "map failed");
    for (uint64_t i = 0; i < 3; i++)
        KTEST_EXPECT(vspace_fault(&vs, USER_VA + i * P, true, false) == 0, "page %lu", i);
    pa2 = frame_at(&vs, USER_VA + 2 * P, NULL);
    KTEST_ASSERT(pa2 != 0, "the last page is not present");
    *(volatile uint64_t *)phys_to_virt(pa2) = 0x5eed;

    KTEST_EXPECT(vspace_unmap(&vs, USER_VA + P, P) == 0, "unmap of the middle failed");
    KTEST_EXPECT(vspace_resident(&vs) == 2, "%lu pages resident, 2 expected", vspace_resident(&vs));
    KTEST_EXPECT(frame_at(&vs, USER_VA + P, NULL) == 0, "the middle page is still present");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + P, false, false) == -CAIRN_EFAULT,
                 "the middle page can be faulted in again");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA, true, false) == 0, "the first page is gone");
    /* The right piece keeps its place in the object: drop its page from
     * the table and touch it again, and the same frame comes back. */
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 2 * P, P, 0) == 0, "protect to none failed");
    KTEST_EXPECT(frame_at(&vs, USER_VA + 2 * P, NULL) == 0, "a page without access is present");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 2 * P, P, CAIRN_PROT_READ) == 0,
                 "protect to read failed");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + 2 * P, false, false) == 0, "the last page is gone");
    KTEST_EXPECT(frame_at(&vs, USER_VA + 2 * P, NULL) == pa2, "the last page moved to %lx from %lx",
                 frame_at(&vs, USER_VA + 2 * P, NULL), pa2);

    /* A range over holes and both pieces: everything goes, tables too. */
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA - 16 * P, 64 * P) == 0, "unmap over holes failed");
    KTEST_EXPECT(vspace_resident(&vs) == 0, "%lu pages resident", vspace_resident(&vs));
    KTEST_EXPECT(vspace_fault(&vs, USER_VA, false, false) == -CAIRN_EFAULT, "still mapped");
    /* Left: the root, and the emptied tables kept for reuse. */
    KTEST_EXPECT(vs.pt.nspare == 3, "%u tables kept, 3 expected", vs.pt.nspare);
    KTEST_EXPECT(frames_now() + vs.pt.nspare == before - 1,
                 "%lu frames free with the root and %u tables left, %lu before", frames_now(),
                 vs.pt.nspare, before);
    vspace_fini(&vs);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

KTEST(vspace_protect_that_one_region_refuses_changes_nothing)
{
    uint64_t before = frames_now(), flags;
    struct vspace vs;

    /* [RW RW][R]( hole )[RW]: the second region allows only reading. */
    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_ASSERT(map_new(&vs, USER_VA, 2, RW, RW) == 0 &&
                     map_new(&vs, USER_VA + 2 * P, 1, CAIRN_PROT_READ, CAIRN_PROT_READ) == 0 &&
                     map_new(&vs, USER_VA + 4 * P, 1, RW, RW) == 0,
                 "map failed");
    for (uint64_t i = 0; i < 5; i++)
        vspace_fault(&vs, USER_VA + i * P, i != 2, false);
    KTEST_EXPECT(vspace_resident(&vs) == 4, "%lu pages resident", vspace_resident(&vs));

    KTEST_EXPECT(vspace_protect(&vs, USER_VA, 3 * P, RW) == -CAIRN_ERIGHTS,
                 "write allowed on a read-only region");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA, 5 * P, CAIRN_PROT_READ) == -CAIRN_ENOENT,
                 "protect over a hole succeeded");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA, P, CAIRN_PROT_WRITE | CAIRN_PROT_EXEC) ==
                     -CAIRN_EPERM,
                 "W|X allowed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 1, P, CAIRN_PROT_READ) == -CAIRN_EINVAL,
                 "unaligned protect allowed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 6 * P, P, CAIRN_PROT_READ) == -CAIRN_ENOENT,
                 "protect of nothing succeeded");
    /* Nothing changed: the first region is writable, pages stay. */
    for (uint64_t i = 0; i < 2; i++) {
        KTEST_EXPECT(frame_at(&vs, USER_VA + i * P, &flags) && (flags & PTE_W),
                     "page %lu lost write access", i);
        KTEST_EXPECT(vspace_fault(&vs, USER_VA + i * P, true, false) == 0, "page %lu", i);
    }
    KTEST_EXPECT(vspace_resident(&vs) == 4, "%lu pages resident", vspace_resident(&vs));

    /* Part of one region: only that page changes, at once. */
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + P, P, CAIRN_PROT_READ) == 0, "protect failed");
    KTEST_EXPECT(frame_at(&vs, USER_VA + P, &flags) && !(flags & PTE_W),
                 "the page is still writable");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + P, true, false) == -CAIRN_EFAULT, "write allowed");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA, true, false) == 0, "the neighbour lost write access");
    /* Across regions with different max_prot, when all allow it. */
    KTEST_EXPECT(vspace_protect(&vs, USER_VA, 3 * P, CAIRN_PROT_READ) == 0, "protect failed");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA, true, false) == -CAIRN_EFAULT, "write allowed");
    /* The hint of the last fault must not outlive an unmapped region. */
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + P, false, false) == 0, "read refused");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA + P, P) == 0, "unmap failed");
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + P, false, false) == -CAIRN_EFAULT,
                 "an unmapped page faulted in");

    vspace_fini(&vs);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

KTEST(vspace_protect_back_and_forth_joins_the_pieces_again)
{
    uint64_t before = frames_now();
    struct vspace vs;

    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_ASSERT(map_new(&vs, USER_VA, 8, RW, RW) == 0, "map failed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 3 * P, P, CAIRN_PROT_READ) == 0, "protect failed");
    KTEST_EXPECT(vspace_region_count(&vs) == 3, "%u regions after cutting one page out",
                 vspace_region_count(&vs));
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 4 * P, P, CAIRN_PROT_READ) == 0, "protect failed");
    KTEST_EXPECT(vspace_region_count(&vs) == 3, "%u regions: the read-only pages were not joined",
                 vspace_region_count(&vs));
    KTEST_EXPECT(vspace_fault(&vs, USER_VA + 4 * P, true, false) == -CAIRN_EFAULT, "write allowed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA + 3 * P, 2 * P, RW) == 0, "protect failed");
    KTEST_EXPECT(vspace_region_count(&vs) == 1, "%u regions after protecting back",
                 vspace_region_count(&vs));
    for (uint64_t i = 0; i < 8; i++)
        KTEST_EXPECT(vspace_fault(&vs, USER_VA + i * P, true, false) == 0, "page %lu", i);
    /* Mappings of two objects stay apart. */
    KTEST_EXPECT(map_new(&vs, USER_VA + 8 * P, 1, RW, RW) == 0, "map failed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA, 9 * P, CAIRN_PROT_READ) == 0, "protect failed");
    KTEST_EXPECT(vspace_region_count(&vs) == 2, "%u regions for two objects",
                 vspace_region_count(&vs));
    vspace_fini(&vs);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

KTEST(vspace_unmap_of_nothing_succeeds_and_bad_ranges_are_refused)
{
    uint64_t before = frames_now();
    struct vspace vs;

    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA, 4 * P) == 0, "unmap of nothing failed");
    KTEST_EXPECT(vspace_unmap(&vs, CAIRN_USER_BASE, CAIRN_USER_TOP - CAIRN_USER_BASE) == 0,
                 "unmap of all user space failed");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA, 0) == -CAIRN_EINVAL, "size 0 allowed");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA + 8, P) == -CAIRN_EINVAL, "unaligned address allowed");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA, P / 2) == -CAIRN_EINVAL, "unaligned size allowed");
    KTEST_EXPECT(vspace_unmap(&vs, CAIRN_USER_TOP - P, 2 * P) == -CAIRN_EINVAL,
                 "a range past user space allowed");
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA, ~0ull << 12) == -CAIRN_EINVAL,
                 "a wrapping range allowed");
    KTEST_EXPECT(vspace_protect(&vs, USER_VA, P, CAIRN_PROT_READ) == -CAIRN_ENOENT,
                 "protect of nothing succeeded");
    vspace_fini(&vs);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

/* Run a raw copy on vs's table, as a user copy in one of its threads
 * would (interrupts off, so the table stays loaded), with faults resolved
 * against resolve (NULL: none). */
static uint64_t
copy_on(struct vspace *vs, struct vspace *resolve, void *dst, const void *src, uint64_t len)
{
    bool irq = irq_save();
    uint64_t root = read_cr3(), left;

    tlb_set_active_root(vs->pt.root);
    write_cr3(vs->pt.root);
    user_access_begin();
    left = usercopy_raw(dst, src, len, resolve);
    user_access_end();
    tlb_set_active_root(root);
    write_cr3(root);
    irq_restore(irq);
    return left;
}

KTEST(usercopy_fault_enters_pages_or_ends_the_copy_with_the_count_left)
{
    static uint8_t buf[3 * PAGE_SIZE];
    uint8_t *user = (uint8_t *)USER_VA;
    uint64_t before = frames_now(), pa0;
    struct vspace vs;
    bool same = true;

    /* Two pages mapped, the first present and filled, then a hole. */
    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_ASSERT(map_new(&vs, USER_VA, 2, RW, RW) == 0, "map failed");
    KTEST_ASSERT(vspace_fault(&vs, USER_VA, true, false) == 0, "fault failed");
    pa0 = frame_at(&vs, USER_VA, NULL);
    memset(phys_to_virt(pa0), 0xa5, PAGE_SIZE);

    /* The second page is entered by the fault, through vs. */
    memset(buf, 0xff, sizeof(buf));
    KTEST_EXPECT(copy_on(&vs, &vs, buf, user, 2 * P) == 0, "a copy of mapped pages failed");
    for (uint64_t i = 0; i < 2 * P; i++)
        same &= buf[i] == (i < P ? 0xa5 : 0);
    KTEST_EXPECT(same, "the copy brought the wrong bytes");
    KTEST_EXPECT(vspace_resident(&vs) == 2, "the copy's fault did not enter the page");

    /* Into the hole: the copy stops there, with the rest counted. */
    KTEST_EXPECT(copy_on(&vs, &vs, buf, user + P, 2 * P) == P, "a copy into a hole did not stop");
    KTEST_EXPECT(copy_on(&vs, &vs, user + 2 * P - 8, buf, 16) == 8,
                 "a write across into the hole did not stop after 8 bytes");
    KTEST_EXPECT(copy_on(&vs, &vs, buf, user + 2 * P - 3, 5) == 2, "the byte tail did not stop");
    /* Unmapped behind the check, as another thread would: the copy fails. */
    KTEST_EXPECT(vspace_unmap(&vs, USER_VA, P) == 0, "unmap failed");
    KTEST_EXPECT(copy_on(&vs, &vs, buf, user, P) == P, "a copy from an unmapped page succeeded");
    /* Mapped again but not entered: only the vspace can enter it. */
    KTEST_EXPECT(map_new(&vs, USER_VA, 1, RW, RW) == 0, "map failed");
    KTEST_EXPECT(copy_on(&vs, NULL, buf, user, 8) == 8, "a copy without a vspace entered a page");
    KTEST_EXPECT(copy_on(&vs, &vs, buf, user, 8) == 0, "a copy of a mapped page failed");

    vspace_fini(&vs);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

#define RACE_MS      300
#define RACE_WAIT_MS 40000

/* Copiers read two pages while another thread keeps unmapping, mapping
 * and protecting the second one under them. */
struct unmap_race {
    struct vspace *vs; /* [I] */
    uint64_t deadline; /* [I] */
    uint64_t copies;   /* [a] */
    uint64_t stopped;  /* [a] copies that met the missing page */
    uint64_t wrong;    /* [a] copies with another result or wrong bytes */
    uint64_t changes;  /* [a] unmap/map/protect rounds */
    unsigned done;     /* [a] threads finished */
};

static long
race_copier(void *arg)
{
    struct unmap_race *r = arg;
    uint8_t *buf = kmalloc(2 * PAGE_SIZE);

    while (buf && clock_monotonic_ns() < r->deadline) {
        uint64_t left = copy_on(r->vs, r->vs, buf, (const void *)USER_VA, 2 * P);
        bool ok = left == 0 || left == P;

        for (uint64_t i = 0; ok && i < 2 * P - left; i += 512)
            ok = buf[i] == (i < P ? 0xa5 : 0);
        __atomic_fetch_add(&r->copies, 1, __ATOMIC_RELAXED);
        if (left)
            __atomic_fetch_add(&r->stopped, 1, __ATOMIC_RELAXED);
        if (!ok)
            __atomic_fetch_add(&r->wrong, 1, __ATOMIC_RELAXED);
    }
    kfree(buf);
    __atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
    return 0;
}

static long
race_changer(void *arg)
{
    struct unmap_race *r = arg;

    while (clock_monotonic_ns() < r->deadline) {
        vspace_unmap(r->vs, USER_VA + P, P);
        map_new(r->vs, USER_VA + P, 1, RW, RW);
        vspace_protect(r->vs, USER_VA + P, P, 0);
        vspace_protect(r->vs, USER_VA + P, P, CAIRN_PROT_READ);
        __atomic_fetch_add(&r->changes, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
    return 0;
}

KTEST(usercopy_survives_concurrent_unmap_and_protect)
{
    static struct unmap_race r; /* outlives a thread that never finishes */
    struct thread *t[MAX_CPUS + 1];
    unsigned n = cpu_count + 1, live = thread_live_count();
    uint64_t before = frames_now();
    struct vspace vs;

    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_ASSERT(map_new(&vs, USER_VA, 2, RW, RW) == 0, "map failed");
    KTEST_ASSERT(vspace_fault(&vs, USER_VA, true, false) == 0, "fault failed");
    memset(phys_to_virt(frame_at(&vs, USER_VA, NULL)), 0xa5, PAGE_SIZE);
    r = (struct unmap_race){.vs = &vs, .deadline = clock_monotonic_ns() + RACE_MS * 1000000ull};

    /* The same priority for all, so that on one CPU they take turns. */
    for (unsigned i = 0; i < n; i++) {
        t[i] = thread_create(i ? "race-copier" : "race-changer", i ? race_copier : race_changer, &r,
                             THREAD_PRIORITY_NORMAL - 1);
        KTEST_EXPECT(t[i] != NULL, "thread_create failed");
        if (!t[i])
            n = i;
    }
    for (unsigned i = 0; i < n; i++)
        sched_start(t[i]);
    /* A flush under the vspace lock would deadlock here (and panic in 30 s). */
    for (uint64_t start = clock_monotonic_ns();
         __atomic_load_n(&r.done, __ATOMIC_ACQUIRE) < n &&
         clock_monotonic_ns() - start < RACE_WAIT_MS * 1000000ull;)
        sched_sleep_ns(1000000);
    KTEST_EXPECT(r.done == n, "%u of %u threads finished", r.done, n);
    for (unsigned i = 0; i < n; i++) {
        if (r.done == n)
            KTEST_EXPECT(ktest_wait_dead(t[i], 5000), "thread %u did not exit", i);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(ktest_live_threads_settle(live), "%u threads alive, %u before",
                 thread_live_count(), live);
    KTEST_EXPECT(r.wrong == 0, "%lu of %lu copies were wrong", r.wrong, r.copies);
    KTEST_EXPECT(r.copies > 0 && r.changes > 0, "%lu copies, %lu changes", r.copies, r.changes);
    log_debug("usercopy race: %lu copies, %lu stopped at the missing page, %lu changes", r.copies,
              r.stopped, r.changes);
    if (r.done == n) {
        vspace_fini(&vs);
        KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
    }
}

/* Readers on every CPU keep a vspace's table loaded and read one page of
 * it; the test unmaps the page (alone, or within a range large enough for
 * a whole-TLB flush) and maps a fresh object there: every CPU must see the
 * new page from then on, or an unmap's flush did not reach it. */
#define STALE_OLD 0x0dd0dd0dd0dd0dd0ull
#define STALE_NEW 0x0eeeeeeeeeeeeeeeull

enum {
    STALE_READ_OLD,
    STALE_PAUSE,
    STALE_READ_NEW,
    STALE_STOP
};

struct stale_probe {
    struct vspace *vs;          /* [I] */
    unsigned phase;             /* [a] */
    unsigned paused;            /* [a] readers that saw STALE_PAUSE */
    uint8_t read_old[MAX_CPUS]; /* [a] */
    uint8_t read_new[MAX_CPUS]; /* [a] */
    uint32_t stale[MAX_CPUS];   /* [a] reads of anything but STALE_NEW after the remap */
};

static long
stale_reader(void *arg)
{
    struct stale_probe *p = arg;
    bool paused = false;

    for (;;) {
        bool irq = irq_save();
        unsigned cpu = this_cpu()->index, phase = __atomic_load_n(&p->phase, __ATOMIC_ACQUIRE);
        uint64_t v = 0;

        if (phase == STALE_READ_OLD || phase == STALE_READ_NEW) {
            /* Stay on the table between reads, so the TLB keeps the entry. */
            if (read_cr3() != p->vs->pt.root) {
                tlb_set_active_root(p->vs->pt.root);
                write_cr3(p->vs->pt.root);
            }
            user_access_begin();
            v = *(volatile uint64_t *)USER_VA;
            user_access_end();
        }
        irq_restore(irq);
        if (phase == STALE_READ_OLD && v == STALE_OLD)
            __atomic_store_n(&p->read_old[cpu], 1, __ATOMIC_RELAXED);
        if (phase == STALE_PAUSE && !paused) {
            paused = true;
            __atomic_fetch_add(&p->paused, 1, __ATOMIC_RELEASE);
        }
        if (phase == STALE_READ_NEW) {
            if (v != STALE_NEW)
                __atomic_fetch_add(&p->stale[cpu], 1, __ATOMIC_RELAXED);
            __atomic_store_n(&p->read_new[cpu], 1, __ATOMIC_RELAXED);
        }
        if (phase == STALE_STOP)
            return 0;
    }
}

/* Sleep until flags[cpu] is set for every CPU or 5 s pass; true if all. */
static bool
every_cpu_within(const uint8_t *flags)
{
    for (uint64_t start = clock_monotonic_ns(); clock_monotonic_ns() - start < 5000000000ull;) {
        unsigned cpu = 0;
        while (cpu < cpu_count && __atomic_load_n(&flags[cpu], __ATOMIC_RELAXED))
            cpu++;
        if (cpu == cpu_count)
            return true;
        sched_sleep_ns(1000000);
    }
    return false;
}

/* Map a fresh page holding value at USER_VA, entered in the table; *mo
 * keeps a reference of the caller's, so the frame outlives the mapping (a
 * stale TLB entry must not find the new page by reusing the frame). */
static int
map_value(struct vspace *vs, uint64_t value, struct memobj **mo)
{
    uint64_t va = USER_VA;
    int err = memobj_create(P, NULL, mo);

    if (err)
        return err;
    err = vspace_map(vs, *mo, 0, P, &va, true, RW, RW);
    if (!err)
        err = vspace_fault(vs, USER_VA, true, false);
    if (!err)
        *(uint64_t *)phys_to_virt(frame_at(vs, USER_VA, NULL)) = value;
    return err;
}

static void
unmap_reaches_every_cpu(uint64_t unmap_start, uint64_t unmap_pages)
{
    static struct stale_probe p;
    struct thread *t[MAX_CPUS + 1];
    unsigned n = cpu_count + 1, live = thread_live_count();
    uint64_t before = frames_now();
    struct memobj *old_mo = NULL, *new_mo = NULL;
    struct vspace vs;

    KTEST_ASSERT(vspace_init(&vs) == 0, "vspace_init failed");
    KTEST_EXPECT(map_value(&vs, STALE_OLD, &old_mo) == 0, "map failed");
    p = (struct stale_probe){.vs = &vs, .phase = STALE_READ_OLD};
    for (unsigned i = 0; i < n; i++) {
        t[i] = thread_create("stale-reader", stale_reader, &p, THREAD_PRIORITY_NORMAL - 1);
        KTEST_EXPECT(t[i] != NULL, "thread_create failed");
        if (!t[i])
            n = i;
    }
    for (unsigned i = 0; i < n; i++)
        sched_start(t[i]);
    KTEST_EXPECT(every_cpu_within(p.read_old), "some CPU never read the page");
    __atomic_store_n(&p.phase, STALE_PAUSE, __ATOMIC_RELEASE);
    for (uint64_t start = clock_monotonic_ns(); __atomic_load_n(&p.paused, __ATOMIC_ACQUIRE) < n &&
                                                clock_monotonic_ns() - start < 5000000000ull;)
        sched_sleep_ns(1000000);
    KTEST_EXPECT(p.paused == n, "%u of %u readers paused", p.paused, n);
    KTEST_EXPECT(vspace_unmap(&vs, unmap_start, unmap_pages * P) == 0, "unmap failed");
    KTEST_EXPECT(map_value(&vs, STALE_NEW, &new_mo) == 0, "map of the new page failed");
    __atomic_store_n(&p.phase, STALE_READ_NEW, __ATOMIC_RELEASE);
    KTEST_EXPECT(every_cpu_within(p.read_new), "some CPU never read the new page");
    __atomic_store_n(&p.phase, STALE_STOP, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < n; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 5000), "reader %u did not stop", i);
        thread_unref(t[i]);
    }
    KTEST_EXPECT(ktest_live_threads_settle(live), "%u threads alive, %u before",
                 thread_live_count(), live);
    for (unsigned i = 0; i < cpu_count; i++)
        KTEST_EXPECT(p.stale[i] == 0, "cpu %u read the unmapped page %u times", i, p.stale[i]);
    vspace_fini(&vs); /* the readers are gone: no CPU is on the table */
    if (old_mo)
        object_unref(&old_mo->obj);
    if (new_mo)
        object_unref(&new_mo->obj);
    KTEST_EXPECT(frames_now() == before, "%lu frames free, %lu before", frames_now(), before);
}

KTEST(vspace_unmap_of_a_page_reaches_every_cpu_on_the_space)
{
    unmap_reaches_every_cpu(USER_VA, 1);
}

KTEST(vspace_unmap_of_a_large_range_reaches_every_cpu_on_the_space)
{
    /* Beyond TLB_FULL_FLUSH_PAGES: every CPU drops its whole TLB. */
    unmap_reaches_every_cpu(USER_VA - 32 * P, 2 * TLB_FULL_FLUSH_PAGES);
}
