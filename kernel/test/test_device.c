// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of device access: resource ranges and their derivation,
 * the physical-memory rule on crafted and real memory maps, irq line
 * masking driven by real interrupts (self-IPIs on the line's vector, so
 * the whole path runs: trap_dispatch, the handler, the EOI), I/O port
 * grants, and DMA memory. The user-mode tests (tests/os) cover the system
 * calls and real devices (the RTC, the HPET, a child's #GP).
 */
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/init.h"
#include "core/ktest.h"
#include "mm/frame.h"
#include "obj/ioport.h"
#include "obj/irq.h"
#include "obj/memobj.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "sched/sched.h"
#include "time/clock.h"

#define MS 1000000ul

/* A GSI nothing drives on the test machines (ISA IRQ 5: no device). */
#define TEST_GSI 5u

KTEST(resource_derive_stays_inside_its_parent)
{
    struct resource *root = resource_create(CAIRN_OBJ_IOPORT, 0, CAIRN_IOPORT_COUNT);
    struct resource *sub = NULL, *subsub = NULL, *x = NULL;

    KTEST_ASSERT(root, "no memory");
    KTEST_EXPECT(resource_derive(root, 0x3f8, 8, &sub) == 0, "COM1's ports refused");
    KTEST_ASSERT(sub, "no sub-range");
    KTEST_EXPECT(sub->obj.type == CAIRN_OBJ_IOPORT && sub->base == 0x3f8 && sub->size == 8,
                 "sub-range is type %u [%lx, +%lu)", sub->obj.type, sub->base, sub->size);
    KTEST_EXPECT(resource_derive(sub, 0x3fd, 3, &subsub) == 0, "the last 3 ports refused");
    KTEST_EXPECT(resource_derive(sub, 0x3fd, 4, &x) == -CAIRN_ERANGE, "widened past the end");
    KTEST_EXPECT(resource_derive(sub, 0x3f7, 2, &x) == -CAIRN_ERANGE, "widened below the base");
    KTEST_EXPECT(resource_derive(sub, 0x3f8, 0, &x) == -CAIRN_EINVAL, "size 0 accepted");
    KTEST_EXPECT(resource_derive(sub, 0x3f9, UINT64_MAX, &x) == -CAIRN_ERANGE, "wrap accepted");
    KTEST_EXPECT(resource_derive(root, 0xffff, 2, &x) == -CAIRN_ERANGE, "port 0x10000 accepted");
    KTEST_EXPECT(resource_contains(subsub, 0x3ff, 1) && !resource_contains(subsub, 0x3fc, 1),
                 "containment of [0x3fd, 0x400) is wrong");
    if (subsub)
        object_unref(&subsub->obj);
    object_unref(&sub->obj);
    object_unref(&root->obj);

    root = resource_create(CAIRN_OBJ_PHYS_RANGE, 0, 1ull << 40);
    KTEST_ASSERT(root, "no memory");
    KTEST_EXPECT(resource_derive(root, 0xfd000000, 0x1000000, &sub) == 0, "a BAR refused");
    KTEST_EXPECT(resource_derive(root, 0xfd000800, 0x1000, &x) == -CAIRN_EINVAL,
                 "an unaligned physical base accepted");
    KTEST_EXPECT(resource_derive(root, 0xfd000000, 0x800, &x) == -CAIRN_EINVAL,
                 "an unaligned physical size accepted");
    KTEST_EXPECT(resource_derive(root, (1ull << 40) - 0x1000, 0x2000, &x) == -CAIRN_ERANGE,
                 "a range past the root accepted");
    if (sub)
        object_unref(&sub->obj);
    object_unref(&root->obj);
    KTEST_EXPECT(resource_type_is(CAIRN_OBJ_IRQ_RANGE) && !resource_type_is(CAIRN_OBJ_MEMOBJ),
                 "resource types");
}

KTEST(phys_check_refuses_ram_kernel_pages_and_miscached_acpi)
{
    static const struct boot_mem_region map[] = {
        {0x0, 0x9fc00, BOOT_MEM_USABLE},
        {0x9fc00, 0x400, BOOT_MEM_RESERVED},
        {0x100000, 0x7ee0800, BOOT_MEM_USABLE}, /* ends mid-page at 0x7fe0800 */
        {0x7fe0800, 0x1f800, BOOT_MEM_ACPI_RECLAIMABLE},
        {0xfffc0000, 0x40000, BOOT_MEM_RESERVED},
    };
    static const struct phys_range owned[] = {{0xfee00000, 0xfee01000}};
    const size_t n = sizeof(map) / sizeof(map[0]);

#define CHECK(phys, size, cache) resource_phys_check_map(map, n, owned, 1, phys, size, cache)
    KTEST_EXPECT(CHECK(0xa0000, 0x20000, CAIRN_CACHE_WC) == 0, "legacy VGA refused");
    KTEST_EXPECT(CHECK(0xfd000000, 0x1000000, CAIRN_CACHE_WC) == 0, "a framebuffer BAR refused");
    KTEST_EXPECT(CHECK(0xfffc0000, 0x1000, CAIRN_CACHE_UC) == 0, "reserved firmware refused");
    KTEST_EXPECT(CHECK(0x200000, 0x1000, CAIRN_CACHE_UC) == -CAIRN_EPERM, "usable RAM accepted");
    KTEST_EXPECT(CHECK(0x9f000, 0x1000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "a page half usable, half reserved accepted");
    KTEST_EXPECT(CHECK(0x90000, 0x20000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "a range reaching into RAM from below VGA accepted");
    KTEST_EXPECT(CHECK(0x7fe0000, 0x1000, CAIRN_CACHE_WB) == -CAIRN_EPERM,
                 "the page where usable RAM ends mid-page accepted");
    KTEST_EXPECT(CHECK(0x7fe1000, 0x1000, CAIRN_CACHE_WB) == 0, "ACPI memory write-back refused");
    KTEST_EXPECT(CHECK(0x7fe1000, 0x1000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "ACPI memory uncached accepted (the direct map has it write-back)");
    KTEST_EXPECT(CHECK(0xfee00000, 0x1000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "a kernel-owned page accepted");
    KTEST_EXPECT(CHECK(0xfedff000, 0x2000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "a range running into a kernel-owned page accepted");
    KTEST_EXPECT(CHECK(0, 0x1000, CAIRN_CACHE_UC) == -CAIRN_EPERM, "page 0 accepted");
    KTEST_EXPECT(CHECK(UINT64_MAX & ~0xfffull, 0x2000, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "a wrapping range accepted");
#undef CHECK

    /* This machine: the kernel image is in usable RAM, the APICs are the kernel's. */
    KTEST_EXPECT(resource_phys_check(KERNEL_PHYS, PAGE_SIZE, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "the kernel image accepted as device memory");
    KTEST_EXPECT(resource_phys_check(0xfee00000, PAGE_SIZE, CAIRN_CACHE_UC) == -CAIRN_EPERM,
                 "the local APIC accepted as device memory");
    KTEST_EXPECT(resource_phys_check(0xfed00000, PAGE_SIZE, CAIRN_CACHE_UC) == 0,
                 "the HPET refused as device memory");
}

/* Raise the line's vector on this CPU and wait (bounded) until its handler ran. */
static bool
irq_test_fire(uint32_t gsi)
{
    uint64_t before = irq_line_fired(gsi), start = clock_monotonic_ns();

    lapic_self_ipi((uint8_t)(VEC_IRQ_BASE + gsi));
    while (irq_line_fired(gsi) == before) {
        if (clock_monotonic_ns() - start > 1000 * MS)
            return false;
        sched_yield();
    }
    return true;
}

static void
irq_test_dummy(struct trap_frame *tf, void *arg)
{
    (void)tf;
    (void)arg;
}

static uint64_t
irq_test_take(struct notification *n)
{
    uint64_t bits = 0;

    notification_wait(n, 0, &bits);
    return bits;
}

KTEST(irq_level_line_stays_masked_until_every_binding_acknowledges)
{
    struct notification *n = notification_create();
    struct irq *a = NULL, *b = NULL;

    KTEST_ASSERT(n, "no memory");
    KTEST_ASSERT(irq_create(TEST_GSI, true, false, &a) == 0, "GSI %u refused", TEST_GSI);
    KTEST_EXPECT(irq_create(TEST_GSI, false, false, &b) == -CAIRN_EBUSY,
                 "the line taken in another mode");
    KTEST_EXPECT(irq_create(TEST_GSI, true, false, &b) == 0, "sharing in the same mode refused");
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "a line with nothing bound is unmasked");
    object_ref(&n->obj);
    irq_bind(a, n, 1);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "a bound line stays masked");

    KTEST_ASSERT(irq_test_fire(TEST_GSI), "the handler never ran");
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "a level line is unmasked after it fired");
    KTEST_EXPECT(irq_test_take(n) == 1, "the interrupt did not signal bit 0");
    irq_ack(a);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "the acknowledged line stays masked");

    /* Shared: both bound objects are signalled; the line waits for both acks. */
    object_ref(&n->obj);
    irq_bind(b, n, 2);
    KTEST_ASSERT(irq_test_fire(TEST_GSI), "the handler never ran");
    KTEST_EXPECT(irq_test_take(n) == 3, "both bindings were not signalled");
    irq_ack(a);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "unmasked before the second ack");
    irq_ack(b);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "masked after both acks");
    irq_ack(b); /* nothing pending: harmless */
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "a spare ack masked the line");

    /* A pending object that goes away no longer holds the line. */
    KTEST_ASSERT(irq_test_fire(TEST_GSI), "the handler never ran");
    irq_ack(a);
    object_unref(&b->obj);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "the line waits for an object that is gone");
    irq_test_take(n);

    /* Unbinding masks; the last object frees the vector for the next user. */
    irq_bind(a, NULL, 0);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "an unbound line is unmasked");
    object_unref(&a->obj);
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "the released line is unmasked");
    KTEST_EXPECT(trap_set_handler(VEC_IRQ_BASE + TEST_GSI, irq_test_dummy, NULL) == 0,
                 "the released line's vector is still taken");
    trap_clear_handler(VEC_IRQ_BASE + TEST_GSI);
    KTEST_EXPECT(irq_create(TEST_GSI, false, false, &a) == 0,
                 "the released line cannot be claimed in another mode");
    if (a)
        object_unref(&a->obj);
    object_unref(&n->obj);
}

KTEST(irq_edge_line_is_not_masked_by_delivery)
{
    struct notification *n = notification_create();
    struct irq *irq = NULL;

    KTEST_ASSERT(n, "no memory");
    KTEST_ASSERT(irq_create(TEST_GSI, false, false, &irq) == 0, "GSI %u refused", TEST_GSI);
    object_ref(&n->obj);
    irq_bind(irq, n, 0x80); /* that reference passes to irq */
    KTEST_EXPECT(irq_test_fire(TEST_GSI), "the handler never ran");
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 0, "an edge line was masked by delivery");
    KTEST_EXPECT(irq_test_fire(TEST_GSI), "the second interrupt was not taken");
    KTEST_EXPECT(irq_test_take(n) == 0x80, "the edge interrupts did not signal bit 7");
    object_unref(&irq->obj); /* drops the binding's reference too */
    KTEST_EXPECT(irq_line_masked(TEST_GSI) == 1, "the released line is unmasked");
    object_unref(&n->obj);
}

KTEST(irq_create_refuses_lines_without_an_io_apic_input)
{
    struct irq *irq;

    KTEST_EXPECT(irq_create(CAIRN_IRQ_LINES, false, false, &irq) == -CAIRN_EINVAL,
                 "GSI %u accepted", CAIRN_IRQ_LINES);
    if (ioapic_gsi_limit() < CAIRN_IRQ_LINES)
        KTEST_EXPECT(irq_create(ioapic_gsi_limit(), false, false, &irq) == -CAIRN_EINVAL,
                     "GSI %u, past the I/O APICs, accepted", ioapic_gsi_limit());
}

KTEST(ioport_grants_are_a_union_and_withdraw_takes_one)
{
    const void *image;
    size_t size;
    struct process *p;
    struct resource *root = resource_create(CAIRN_OBJ_IOPORT, 0, CAIRN_IOPORT_COUNT);
    struct resource *a = NULL, *b = NULL, *many[IOPORT_MAX_GRANTS];
    unsigned made = 0;

    KTEST_ASSERT(root, "no memory");
    KTEST_ASSERT(boot_module_image("child", &image, &size) == 0 &&
                     process_spawn_elf("io", image, size, 0, &p) == 0,
                 "cannot make a process");
    KTEST_EXPECT(resource_derive(root, 0x60, 5, &a) == 0 && resource_derive(root, 0x64, 1, &b) == 0,
                 "cannot derive");
    KTEST_ASSERT(a && b, "no sub-ranges");
    KTEST_EXPECT(!ioport_allowed(p, 0x60), "a fresh process may use port 0x60");
    KTEST_EXPECT(ioport_withdraw(p, a) == -CAIRN_ENOENT, "withdrew what was never granted");
    KTEST_EXPECT(ioport_grant(p, a) == 0 && ioport_grant(p, b) == 0, "grants refused");
    KTEST_EXPECT(ioport_allowed(p, 0x60) && ioport_allowed(p, 0x64) && !ioport_allowed(p, 0x5f) &&
                     !ioport_allowed(p, 0x65),
                 "grant of [0x60, 0x65) is wrong at its edges");
    KTEST_EXPECT(ioport_withdraw(p, a) == 0, "withdraw refused");
    KTEST_EXPECT(!ioport_allowed(p, 0x60) && ioport_allowed(p, 0x64),
                 "withdrawing one grant did not keep the other's overlapping port");
    KTEST_EXPECT(ioport_grant(p, b) == 0 && ioport_withdraw(p, b) == 0 && !ioport_allowed(p, 0x64),
                 "a second grant of one object counted twice");
    for (made = 0; made < IOPORT_MAX_GRANTS; made++) {
        many[made] = NULL;
        if (resource_derive(root, 0x1000 + made, 1, &many[made]) || ioport_grant(p, many[made]))
            break;
    }
    KTEST_EXPECT(made == IOPORT_MAX_GRANTS, "only %u grants fit", made);
    KTEST_EXPECT(ioport_grant(p, a) == -CAIRN_ENOMEM, "grant %u accepted", IOPORT_MAX_GRANTS + 1);
    KTEST_EXPECT(ioport_allowed(p, 0x1000) && !ioport_allowed(p, 0x1000 + IOPORT_MAX_GRANTS),
                 "the many grants are wrong");
    for (unsigned i = 0; i < made && i < IOPORT_MAX_GRANTS; i++)
        object_unref(&many[i]->obj);
    if (made < IOPORT_MAX_GRANTS && many[made])
        object_unref(&many[made]->obj);
    process_discard(p); /* frees its I/O space with it */
    object_unref(&a->obj);
    object_unref(&b->obj);
    object_unref(&root->obj);
}

KTEST(dma_memobj_is_one_zeroed_block_freed_with_it)
{
    uint64_t before, phys = 0;
    struct memobj *m, *warm;

    /* Held throughout, so the memobj's own allocation finds a slab page in use. */
    KTEST_ASSERT(memobj_create_device(0xfed00000, 1, PTE_CACHE_UC, &warm) == 0, "no memory");
    before = frame_free_count();

    KTEST_EXPECT(memobj_create_dma(0, false, NULL, &m) == -CAIRN_EINVAL, "0 pages accepted");
    KTEST_EXPECT(memobj_create_dma(1025, false, NULL, &m) == -CAIRN_EINVAL,
                 "4 MiB + 1 page accepted");
    KTEST_ASSERT(memobj_create_dma(3, true, NULL, &m) == 0, "3 pages below 4 GiB refused");
    KTEST_EXPECT(frame_free_count() == before - 4, "3 pages took %lu frames, expected a block of 4",
                 before - frame_free_count());
    KTEST_EXPECT(memobj_phys_addr(m, 0, &phys) == 0 && phys % (4 * PAGE_SIZE) == 0 &&
                     phys + 3 * PAGE_SIZE <= (1ull << 32),
                 "block at %lx: not aligned to its size, or above 4 GiB", phys);
    for (uint64_t i = 0; i < 3; i++) {
        const uint64_t *q = phys_to_virt(memobj_frame(m, i));
        KTEST_EXPECT(memobj_frame(m, i) == phys + i * PAGE_SIZE, "page %lu is not contiguous", i);
        for (unsigned j = 0; j < PAGE_SIZE / 8; j++) {
            if (q[j]) {
                ktest_fail("page %lu not zeroed", i);
                break;
            }
        }
    }
    KTEST_EXPECT(memobj_frame(m, 3) == 0, "a page past the object has a frame");
    KTEST_EXPECT(memobj_phys_addr(m, 3 * PAGE_SIZE, &phys) == -CAIRN_ERANGE, "offset past the end");
    KTEST_EXPECT(m->cache == PTE_CACHE_WB, "DMA memory is not write-back");
    object_unref(&m->obj);
    KTEST_EXPECT(frame_free_count() == before, "the block was not freed: %lu != %lu",
                 frame_free_count(), before);

    KTEST_ASSERT(memobj_create_device(0xfed00000, 1, PTE_CACHE_UC, &m) == 0, "device memory");
    KTEST_EXPECT(memobj_frame(m, 0) == 0xfed00000 && m->cache == PTE_CACHE_UC,
                 "device page %lx cache %lx", memobj_frame(m, 0), m->cache);
    object_unref(&m->obj);
    KTEST_EXPECT(frame_free_count() == before, "device memory took frames");
    object_unref(&warm->obj);
}
