// SPDX-License-Identifier: MIT
/*
 * User-mode tests of what the kernel tells user space about the machine
 * and of the devices it hands over (include/cairn/bootinfo.h, console.h,
 * device.h):
 *   - the boot information: the framebuffer and its memory object, the
 *     ACPI RSDP and the tables it leads to (mapped through the physical
 *     root), the PCIe ECAM, the boot modules and the initfs module,
 *     checked byte for byte against the modules it carries;
 *   - the kernel log: lines written here read back with no gap, a reader
 *     that fell behind told how many records it missed, and a console
 *     claim keeping the kernel off a device;
 *   - MSI: QEMU's edu device (tools/qemu.sh adds it to test boots), found
 *     through the ECAM, programmed with the address and data of an MSI irq
 *     object, raises an interrupt that sets the bound notification's bit;
 *   - every new call's bad inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/console.h>
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <cairn/syscall.h>
#include <common/bytes.h>

#include <tar/tar.h>

#include "harness.h"

#define PAGE       4096ull
#define SECOND     (1000 * MS_NS)
#define READ_RIGHT CAIRN_RIGHT_READ
#define DEV_RIGHTS                                                                    \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | \
     CAIRN_RIGHT_TRANSFER)

static const struct cairn_bootinfo *
bootinfo(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    if (!bi)
        test_fail("no boot information");
    return bi;
}

/* Fails unless the objects of every type are back at before's counts. */
static void
expect_objects(const struct cairn_debug_stats *before, const char *when)
{
    struct cairn_debug_stats now = stats_now();

    for (unsigned t = 0; t < CAIRN_OBJ_COUNT && t < CAIRN_DEBUG_OBJ_TYPES; t++) {
        if (now.live_objects[t] != before->live_objects[t])
            test_fail("%s: %u objects of type %u, %u before", when, now.live_objects[t], t,
                      before->live_objects[t]);
    }
}

/* --- boot information -------------------------------------------------------- */

static void
boot_information_is_version_2_and_counts_init_handles(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    struct cairn_handle_info info;
    uint32_t extra;

    if (!bi)
        return;
    if (bi->version != 2 || bi->size != sizeof(*bi))
        test_fail("version %u size %u", bi->version, bi->size);
    extra = (bi->fb.handle >= 0) + (bi->acpi.ecam_handle >= 0);
    if (bi->handle_count != CAIRN_INIT_HANDLE_MODULES + bi->module_count + extra)
        test_fail("handle_count %u with %u modules and %u devices", bi->handle_count,
                  bi->module_count, extra);
    expect_ret("handle_info(handle_count)", cairn_handle_info((long)bi->handle_count, &info),
               -CAIRN_EBADH);
    expect_ret("handle_info(console)", cairn_handle_info(CAIRN_INIT_HANDLE_CONSOLE, &info), 0);
    if (info.type != CAIRN_OBJ_CONSOLE ||
        info.rights !=
            (CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER))
        test_fail("console handle: type %u rights %#x", info.type, info.rights);
}

/* Test boots have a display adapter (QEMU's default VGA, -display none or
 * not), and GRUB sets a linear framebuffer up under BIOS and UEFI. */
static void
framebuffer_is_described_and_handed_over_as_device_memory(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    const struct cairn_boot_framebuffer *fb;
    struct cairn_handle_info info;
    volatile uint32_t *px;
    long a, phys;

    if (!bi)
        return;
    fb = &bi->fb;
    if (fb->type == CAIRN_FB_NONE) {
        /* Absence is described as such. */
        if (fb->handle != -1 || fb->phys != 0)
            test_fail("no framebuffer, yet handle %d phys %#lx", fb->handle,
                      (unsigned long)fb->phys);
        test_fail("this boot has no framebuffer; test boots should");
        return;
    }
    if (fb->type != CAIRN_FB_RGB || fb->width < 320 || fb->height < 200 ||
        (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) ||
        (uint64_t)fb->pitch * 8 < (uint64_t)fb->width * fb->bpp) {
        test_fail("framebuffer type %u %ux%u %u bpp pitch %u", fb->type, fb->width, fb->height,
                  fb->bpp, fb->pitch);
        return;
    }
    {
        const uint8_t pos[3] = {fb->red_pos, fb->green_pos, fb->blue_pos};
        const uint8_t len[3] = {fb->red_size, fb->green_size, fb->blue_size};
        uint32_t seen = 0;

        for (int i = 0; i < 3; i++) {
            uint32_t mask = len[i] >= 32 ? 0 : ((1u << len[i]) - 1) << pos[i];

            if (len[i] == 0 || pos[i] + len[i] > fb->bpp || (seen & mask))
                test_fail("colour channel %d at bit %u, %u bits, overlaps or spills", i, pos[i],
                          len[i]);
            seen |= mask;
        }
    }
    if (fb->size < (uint64_t)fb->pitch * fb->height || fb->size % PAGE || fb->handle < 0) {
        test_fail("framebuffer object of %lu bytes, handle %d", (unsigned long)fb->size,
                  fb->handle);
        return;
    }
    expect_ret("handle_info(framebuffer)", cairn_handle_info(fb->handle, &info), 0);
    if (info.type != CAIRN_OBJ_MEMOBJ || info.rights != DEV_RIGHTS)
        test_fail("framebuffer handle: type %u rights %#x", info.type, info.rights);
    phys = cairn_memobj_phys(fb->handle, 0);
    if (phys != (long)(fb->phys & ~(PAGE - 1)))
        test_fail("framebuffer object at %#lx, the boot information says %#lx", phys,
                  (unsigned long)fb->phys);
    /* The first pixel, written and read back (the top left corner). */
    a = cairn_vm_map(fb->handle, 0, PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (a < 0) {
        test_fail("mapping the framebuffer: %s", cairn_error_name((int)a));
        return;
    }
    px = (volatile uint32_t *)(a + (long)(fb->phys & (PAGE - 1)));
    {
        uint32_t old = px[0];

        px[0] = 0x00a5a5a5u;
        if ((px[0] & 0xffffffu) != 0xa5a5a5u)
            test_fail("a pixel written reads back %#x", px[0]);
        px[0] = old;
    }
    cairn_vm_unmap((uint64_t)a, PAGE);
}

/* A firmware table mapped through the physical root: its header, then the
 * whole of it. Returns the table (and the mapping to undo) or NULL. */
struct table_map {
    long mo;
    uint64_t addr, size;
};

static const uint8_t *
table_map(uint64_t phys, uint64_t len, struct table_map *m)
{
    uint64_t base = phys & ~(PAGE - 1), end = (phys + len + PAGE - 1) & ~(PAGE - 1);
    long a;

    m->mo = cairn_memobj_create_dev(CAIRN_INIT_HANDLE_PHYS_ROOT, base, end - base, CAIRN_CACHE_WB);
    if (m->mo < 0) {
        test_fail("memobj_create_dev(%#lx, %lu, WB): %s", (unsigned long)base,
                  (unsigned long)(end - base), cairn_error_name((int)m->mo));
        return NULL;
    }
    a = cairn_vm_map(m->mo, 0, end - base, 0, CAIRN_PROT_READ, 0);
    if (a < 0) {
        test_fail("vm_map of a table: %s", cairn_error_name((int)a));
        cairn_handle_close(m->mo);
        return NULL;
    }
    m->addr = (uint64_t)a;
    m->size = end - base;
    return (const uint8_t *)(a + (long)(phys - base));
}

static void
table_unmap(struct table_map *m)
{
    cairn_vm_unmap(m->addr, m->size);
    cairn_handle_close(m->mo);
}

/* The table at phys, checked (signature, length, checksum), mapped whole;
 * NULL after a failure. */
static const uint8_t *
table_map_checked(uint64_t phys, const char *sig, struct table_map *m)
{
    const uint8_t *t = table_map(phys, 36, m);
    uint32_t len;

    if (!t)
        return NULL;
    len = bytes_rd32(t + 4);
    table_unmap(m);
    if (len < 36 || len > (1u << 20)) {
        test_fail("table at %#lx is %u bytes long", (unsigned long)phys, len);
        return NULL;
    }
    t = table_map(phys, len, m);
    if (!t)
        return NULL;
    if ((sig && memcmp(t, sig, 4) != 0) || bytes_sum8(t, len) != 0) {
        test_fail("table at %#lx: signature %.4s, checksum %u", (unsigned long)phys,
                  (const char *)t, bytes_sum8(t, len));
        table_unmap(m);
        return NULL;
    }
    return t;
}

static void
acpi_rsdp_checks_out_and_leads_to_the_mcfg_that_gave_the_ecam(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    const struct cairn_boot_acpi *acpi;
    struct cairn_debug_stats before;
    struct table_map root, mcfg;
    const uint8_t *t;
    uint64_t root_phys;
    uint32_t len, entry;
    int xsdt, found = 0;

    if (!bi)
        return;
    acpi = &bi->acpi;
    if (acpi->rsdp_len != 20 && acpi->rsdp_len != 36) {
        test_fail("RSDP of %u bytes", acpi->rsdp_len);
        return;
    }
    if (memcmp(acpi->rsdp, "RSD PTR ", 8) != 0 || bytes_sum8(acpi->rsdp, 20) != 0 ||
        (acpi->rsdp_len == 36 && bytes_sum8(acpi->rsdp, 36) != 0)) {
        test_fail("RSDP signature or checksum wrong");
        return;
    }
    xsdt = acpi->rsdp[15] >= 2 && acpi->rsdp_len == 36 && bytes_rd64(acpi->rsdp + 24) != 0;
    root_phys = xsdt ? bytes_rd64(acpi->rsdp + 24) : bytes_rd32(acpi->rsdp + 16);
    /* Warm up this address space's page tables, so the count below sees objects only. */
    before = stats_now();
    t = table_map_checked(root_phys, xsdt ? "XSDT" : "RSDT", &root);
    if (!t)
        return;
    len = bytes_rd32(t + 4);
    entry = xsdt ? 8 : 4;
    for (uint32_t off = 36; off + entry <= len && !found; off += entry) {
        uint64_t phys = xsdt ? bytes_rd64(t + off) : bytes_rd32(t + off);
        const uint8_t *m = table_map_checked(phys, NULL, &mcfg);

        if (!m)
            break;
        if (memcmp(m, "MCFG", 4) == 0) {
            found = 1;
            if (bytes_rd32(m + 4) < 44 + 16 ||
                bytes_rd64(m + 44) + ((uint64_t)m[54] << 20) != acpi->ecam_phys ||
                m[54] != acpi->ecam_bus_first || m[55] != acpi->ecam_bus_last)
                test_fail("MCFG says ECAM %#lx buses %u-%u; the boot information %#lx %u-%u",
                          (unsigned long)bytes_rd64(m + 44), m[54], m[55],
                          (unsigned long)acpi->ecam_phys, acpi->ecam_bus_first,
                          acpi->ecam_bus_last);
        }
        table_unmap(&mcfg);
    }
    table_unmap(&root);
    if (!found && acpi->ecam_phys)
        test_fail("an ECAM in the boot information but no MCFG in the tables");
    if (!found)
        test_fail("no MCFG: q35 has one");
    expect_objects(&before, "after the tables were unmapped");
}

/* The PCI configuration space of bus 0 through the ECAM handle. */
static volatile uint8_t *
ecam_map_bus0(const struct cairn_bootinfo *bi)
{
    struct cairn_handle_info info;
    long a;

    if (bi->acpi.ecam_handle < 0 || bi->acpi.ecam_bus_first != 0) {
        test_fail("no ECAM for bus 0 (handle %d)", bi->acpi.ecam_handle);
        return NULL;
    }
    expect_ret("handle_info(ECAM)", cairn_handle_info(bi->acpi.ecam_handle, &info), 0);
    if (info.type != CAIRN_OBJ_MEMOBJ || info.rights != DEV_RIGHTS)
        test_fail("ECAM handle: type %u rights %#x", info.type, info.rights);
    if (cairn_memobj_phys(bi->acpi.ecam_handle, 0) != (long)bi->acpi.ecam_phys)
        test_fail("ECAM object is not at the ECAM's address");
    a = cairn_vm_map(bi->acpi.ecam_handle, 0, 1ull << 20, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (a < 0) {
        test_fail("mapping bus 0 of the ECAM: %s", cairn_error_name((int)a));
        return NULL;
    }
    return (volatile uint8_t *)a;
}

static uint32_t
cfg_rd32(volatile uint8_t *fn, unsigned off)
{
    return *(volatile uint32_t *)(fn + off);
}

static void
cfg_wr32(volatile uint8_t *fn, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(fn + off) = v;
}

static void
ecam_shows_the_q35_host_bridge(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    volatile uint8_t *bus0;
    uint32_t id;

    if (!bi || !(bus0 = ecam_map_bus0(bi)))
        return;
    id = cfg_rd32(bus0, 0);
    /* 00:00.0 on q35 is Intel's 82G33 DRAM controller, 8086:29c0. */
    if (id != 0x29c08086u)
        test_fail("00:00.0 is %04x:%04x, not the q35 host bridge", id & 0xffff, id >> 16);
    cairn_vm_unmap((uint64_t)(uintptr_t)bus0, 1ull << 20);
}

/* --- boot modules and the initfs ------------------------------------------------- */

static long
module_map(const struct cairn_bootinfo *bi, const char *name, uint64_t *size)
{
    long h = cairn_boot_module(name, size), a;

    if (h < 0)
        return h;
    a = cairn_vm_map(h, 0, (*size + PAGE - 1) & ~(PAGE - 1), 0, CAIRN_PROT_READ, 0);
    (void)bi;
    return a;
}

/* Every line of the filler member reads as mk/user.mk wrote it. */
static void
check_filler(const uint8_t *p, uint64_t size)
{
    char want[40];

    if (size == 0 || size % 32) {
        test_fail("filler of %lu bytes", (unsigned long)size);
        return;
    }
    for (uint64_t i = 0; i < size / 32; i++) {
        snprintf(want, sizeof(want), "initfs filler line %012lu\n", (unsigned long)i);
        if (memcmp(p + i * 32, want, 32) != 0) {
            test_fail("filler line %lu is wrong", (unsigned long)i);
            return;
        }
    }
}

static void
initfs_module_of_several_mib_carries_every_program_intact(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    uint64_t size = 0, filler = 0;
    unsigned members = 0, programs = 0, modules_in_tar = 0;
    struct tar_iter it;
    struct tar_member mb;
    const uint8_t *tar;
    long a;
    int r;

    if (!bi)
        return;
    a = module_map(bi, "initfs", &size);
    if (a < 0) {
        test_fail("no initfs module to map (%s)", cairn_error_name((int)a));
        return;
    }
    tar = (const uint8_t *)a;
    if (size < (2ull << 20) || size % 512)
        test_fail("initfs is %lu bytes: want several MiB of whole tar blocks", (unsigned long)size);
    tar_iter_init(&it, tar, size);
    while ((r = tar_iter_next(&it, &mb)) == 1) {
        members++;
        if (strcmp(mb.name, "filler") == 0) {
            check_filler(tar + mb.offset, mb.size);
            filler = mb.size;
        } else {
            uint64_t msize = 0;
            long m = module_map(bi, mb.name, &msize);

            programs++;
            if (m >= 0) { /* a boot this test runs in may carry fewer modules */
                modules_in_tar++;
                if (msize != mb.size || memcmp((const void *)m, tar + mb.offset, mb.size) != 0)
                    test_fail("member %s (%lu bytes) differs from its module (%lu bytes)", mb.name,
                              (unsigned long)mb.size, (unsigned long)msize);
                cairn_vm_unmap((uint64_t)m, (msize + PAGE - 1) & ~(PAGE - 1));
            }
        }
    }
    if (r != 0)
        test_fail("the initfs is no well-formed tar archive after %u members (%d)", members, r);
    /* Every module but init and the initfs itself is in it, under its
     * module name (and more: the benchmarks and the fuzzer are in it only). */
    if (modules_in_tar != bi->module_count - 2 || programs < modules_in_tar || filler == 0)
        test_fail("%u members, %u programs (%u modules), filler %lu bytes", members, programs,
                  bi->module_count, (unsigned long)filler);
    cairn_vm_unmap((uint64_t)a, (size + PAGE - 1) & ~(PAGE - 1));
}

static void
module_names_are_their_command_lines(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    int init = 0, self = 0, initfs = 0;

    if (!bi)
        return;
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const char *n = bi->modules[i].name;

        if (strnlen(n, CAIRN_BOOTINFO_NAME_MAX) == CAIRN_BOOTINFO_NAME_MAX || n[0] == '\0')
            test_fail("module %u's name is empty or unterminated", i);
        init += strcmp(n, "init") == 0;
        self += strcmp(n, "test-bootinfo") == 0;
        initfs += strcmp(n, "initfs") == 0;
    }
    /* This program runs from its own module or from the initfs. */
    if (init != 1 || self > 1 || initfs != 1)
        test_fail("modules init %d, test-bootinfo %d, initfs %d", init, self, initfs);
}

/* --- the kernel log and the console hand-off ------------------------------------ */

static uint8_t klog_buf[16384] __attribute__((aligned(8)));

/* Reads every record up to now, from seq on: calls fn on each; returns
 * the sequence number after the last, and in *gap the records missed
 * before the first (0 if it was seq itself). */
static uint64_t
klog_scan(uint64_t seq, uint64_t *gap, void (*fn)(const struct cairn_klog_record *, void *),
          void *arg)
{
    uint64_t want = seq;
    int first = 1;

    *gap = 0;
    for (;;) {
        long n = cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, seq, klog_buf, sizeof(klog_buf));
        long off = 0;

        if (n < 0) {
            test_fail("klog_read(%lu): %s", (unsigned long)seq, cairn_error_name((int)n));
            return seq;
        }
        if (n == 0)
            return seq;
        while (off < n) {
            const struct cairn_klog_record *r = (const void *)(klog_buf + off);

            if (first) {
                *gap = r->seq - want;
                first = 0;
            } else if (r->seq != seq) {
                test_fail("record %lu follows record %lu", (unsigned long)r->seq,
                          (unsigned long)seq - 1);
            }
            if (r->len > CAIRN_KLOG_TEXT_MAX || off + (long)CAIRN_KLOG_RECORD_SIZE(r->len) > n) {
                test_fail("record %lu of %u bytes", (unsigned long)r->seq, r->len);
                return seq;
            }
            if (fn)
                fn(r, arg);
            seq = r->seq + 1;
            off += (long)CAIRN_KLOG_RECORD_SIZE(r->len);
        }
    }
}

struct marks {
    const char *prefix;
    unsigned found, first, next; /* found in a row from first; next is the one after */
    unsigned forbid;             /* CAIRN_CONSOLE_* bits no marked record may have been shown on */
    unsigned bad_shown;          /* marked records shown on one of them */
};

/* Records that start with the prefix, numbered in order: "PREFIX N ...". */
static void
marks_count(const struct cairn_klog_record *r, void *arg)
{
    struct marks *m = arg;
    const char *text = (const char *)(r + 1);
    size_t plen = strlen(m->prefix), i;
    unsigned n = 0;

    if (r->len < plen + 2 || memcmp(text, m->prefix, plen) != 0 || text[plen] != ' ')
        return;
    for (i = plen + 1; i < r->len && text[i] >= '0' && text[i] <= '9'; i++)
        n = n * 10 + (unsigned)(text[i] - '0');
    if (r->source != CAIRN_KLOG_USER)
        return;
    if (m->found == 0)
        m->first = m->next = n;
    if (n == m->next) {
        m->found++;
        m->next++;
    }
    if (r->shown & m->forbid)
        m->bad_shown++;
}

static void
kernel_log_reads_back_lines_written_with_no_gap(void)
{
    struct marks m = {.prefix = "klog-test-line", .forbid = 0};
    uint64_t start, gap, end;
    char line[80];

    start = klog_scan(0, &gap, NULL, NULL);
    for (unsigned i = 0; i < 20; i++) {
        int n = snprintf(line, sizeof(line), "klog-test-line %u of 20\n", i);

        cairn_debug_write(line, (size_t)n);
    }
    end = klog_scan(start, &gap, marks_count, &m);
    if (gap != 0)
        test_fail("%lu records lost between %lu and %lu", (unsigned long)gap, (unsigned long)start,
                  (unsigned long)end);
    if (m.found != 20 || m.first != 0)
        test_fail("%u of the 20 lines read back in order, from line %u", m.found, m.first);
    if (end < start + 20)
        test_fail("only %lu records after writing 20 lines", (unsigned long)(end - start));
}

static void
kernel_log_reader_that_falls_behind_is_told_the_gap(void)
{
    struct marks m = {.prefix = "klog-flood",
                      .forbid = CAIRN_CONSOLE_SERIAL | CAIRN_CONSOLE_FRAMEBUFFER};
    long serial, fb = -1;
    uint64_t start, gap, end;
    char line[300];

    start = klog_scan(0, &gap, NULL, NULL);
    /* Keep the flood off the devices: it is the ring that must overflow. */
    serial = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_SERIAL);
    if (serial < 0) {
        test_fail("claiming serial: %s", cairn_error_name((int)serial));
        return;
    }
    if (cairn_bootinfo() && cairn_bootinfo()->fb.type != CAIRN_FB_NONE)
        fb = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_FRAMEBUFFER);
    /* 400 records of 280 bytes: more than the 64 KiB ring holds. */
    for (unsigned i = 0; i < 400; i++) {
        int n = snprintf(line, sizeof(line), "klog-flood %u ", i);

        memset(line + n, '.', 255 - (size_t)n);
        line[255] = '\n';
        cairn_debug_write(line, 256);
    }
    end = klog_scan(start, &gap, marks_count, &m);
    if (fb >= 0)
        cairn_handle_close(fb);
    cairn_handle_close(serial);
    if (gap == 0 || start + gap >= end)
        test_fail("reading from %lu after the flood: gap %lu, end %lu", (unsigned long)start,
                  (unsigned long)gap, (unsigned long)end);
    /* The newest lines survive, in order, shown on no device. */
    if (m.found == 0 || m.first == 0 || m.next != 400 || m.bad_shown)
        test_fail("flood lines %u to %u kept of 0 to 399, %u shown on a claimed device", m.first,
                  m.next - 1, m.bad_shown);
}

static void
console_claim_keeps_the_kernel_off_the_device_until_closed(void)
{
    struct marks during = {.prefix = "klog-claimed", .forbid = CAIRN_CONSOLE_SERIAL};
    struct marks after = {.prefix = "klog-released", .forbid = 0};
    const struct cairn_bootinfo *bi = bootinfo();
    struct cairn_debug_stats before = stats_now();
    struct cairn_handle_info info;
    uint64_t start, gap;
    long claim, again;

    if (!bi)
        return;
    start = klog_scan(0, &gap, NULL, NULL);
    claim = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_SERIAL);
    if (claim < 0) {
        test_fail("console_claim(serial): %s", cairn_error_name((int)claim));
        return;
    }
    expect_ret("handle_info(claim)", cairn_handle_info(claim, &info), 0);
    if (info.type != CAIRN_OBJ_CONSOLE ||
        info.rights != (CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER))
        test_fail("claim handle: type %u rights %#x", info.type, info.rights);
    expect_ret("a second claim of serial",
               cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_SERIAL), -CAIRN_EBUSY);
    expect_ret("a claim through a claim", cairn_console_claim(claim, CAIRN_CONSOLE_SERIAL),
               -CAIRN_ERIGHTS);
    cairn_debug_write("klog-claimed 0 (not on serial)\n", 31);
    /* The claim can read the log too. */
    if (cairn_klog_read(claim, start, klog_buf, sizeof(klog_buf)) <= 0)
        test_fail("klog_read through the claim handle failed");
    expect_ret("close(claim)", cairn_handle_close(claim), 0);
    cairn_debug_write("klog-released 0 (on serial again)\n", 34);
    klog_scan(start, &gap, marks_count, &during);
    klog_scan(start, &gap, marks_count, &after);
    if (during.found != 1 || during.bad_shown)
        test_fail("the line written under the claim: found %u, shown on a device %u", during.found,
                  during.bad_shown);
    if (after.found != 1)
        test_fail("the line written after the claim: found %u", after.found);
    /* Shown on serial again once the claim is gone. */
    {
        struct marks serial = {.prefix = "klog-released", .forbid = 0};
        uint64_t seq = start;

        while (seq < start + 1000) {
            long n = cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, seq, klog_buf, CAIRN_KLOG_READ_MIN);
            const struct cairn_klog_record *r = (const void *)klog_buf;

            if (n <= 0)
                break;
            if (r->len >= 13 && memcmp(r + 1, "klog-released", 13) == 0) {
                serial.found = 1;
                if (!(r->shown & CAIRN_CONSOLE_SERIAL))
                    test_fail("after the claim ended, the line did not reach serial");
            }
            seq = r->seq + 1;
        }
        if (!serial.found)
            test_fail("the released line was not found again");
    }
    /* A framebuffer claim too, when there is one; else -CAIRN_ENOENT. */
    again = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_FRAMEBUFFER);
    if (bi->fb.type == CAIRN_FB_NONE)
        expect_ret("claiming an absent framebuffer", again, -CAIRN_ENOENT);
    else if (again < 0)
        test_fail("console_claim(framebuffer): %s", cairn_error_name((int)again));
    else
        cairn_handle_close(again);
    expect_stats(&before, "after the claims were closed");
}

static void
klog_and_console_refuse_bad_input(void)
{
    struct cairn_debug_stats before = stats_now();
    long no_read = cairn_handle_dup(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_RIGHT_MANAGE);
    long no_manage = cairn_handle_dup(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_RIGHT_READ);
    long ro = cairn_memobj_create(PAGE, 0), a = -1;
    uint64_t end, gap;

    if (no_read < 0 || no_manage < 0 || ro < 0) {
        test_fail("setting up: %ld %ld %ld", no_read, no_manage, ro);
        return;
    }
    end = klog_scan(0, &gap, NULL, NULL);
    expect_ret("klog_read(bad handle)", cairn_klog_read(-1, 0, klog_buf, sizeof(klog_buf)),
               -CAIRN_EBADH);
    expect_ret("klog_read(process)",
               cairn_klog_read(CAIRN_INIT_HANDLE_PROCESS, 0, klog_buf, sizeof(klog_buf)),
               -CAIRN_EWRONGTYPE);
    expect_ret("klog_read(no READ)", cairn_klog_read(no_read, 0, klog_buf, sizeof(klog_buf)),
               -CAIRN_ERIGHTS);
    expect_ret("klog_read(buffer too small)",
               cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, 0, klog_buf, CAIRN_KLOG_READ_MIN - 1),
               -CAIRN_EINVAL);
    expect_ret(
        "klog_read(seq past the end)",
        cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, end + 1000000, klog_buf, sizeof(klog_buf)),
        -CAIRN_ERANGE);
    expect_ret("klog_read(seq 2^64 - 1)",
               cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, ~0ull, klog_buf, sizeof(klog_buf)),
               -CAIRN_ERANGE);
    expect_ret("klog_read(NULL)", cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, 0, NULL, 4096),
               -CAIRN_EFAULT);
    expect_ret("klog_read(kernel address)",
               cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, 0, (void *)0xffff800000000000ull, 4096),
               -CAIRN_EFAULT);
    a = cairn_vm_map(ro, 0, PAGE, 0, CAIRN_PROT_READ, 0);
    if (a >= 0)
        expect_ret("klog_read(read-only buffer)",
                   cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, 0, (void *)a, PAGE), -CAIRN_EFAULT);
    /* At the end exactly: nothing yet, not an error. */
    if (cairn_klog_read(CAIRN_INIT_HANDLE_CONSOLE, klog_scan(0, &gap, NULL, NULL), klog_buf,
                        sizeof(klog_buf)) < 0)
        test_fail("klog_read at the end failed");

    expect_ret("console_claim(bad handle)", cairn_console_claim(-1, CAIRN_CONSOLE_SERIAL),
               -CAIRN_EBADH);
    expect_ret("console_claim(process)",
               cairn_console_claim(CAIRN_INIT_HANDLE_PROCESS, CAIRN_CONSOLE_SERIAL),
               -CAIRN_EWRONGTYPE);
    expect_ret("console_claim(no MANAGE)", cairn_console_claim(no_manage, CAIRN_CONSOLE_SERIAL),
               -CAIRN_ERIGHTS);
    for (uint32_t d = 0; d < 8; d++) {
        if (d == CAIRN_CONSOLE_SERIAL || d == CAIRN_CONSOLE_FRAMEBUFFER)
            continue;
        expect_ret("console_claim(bad device)", cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, d),
                   -CAIRN_EINVAL);
    }
    expect_ret("console_claim(device 2^32 + 1)",
               cairn_syscall2(CAIRN_SYS_console_claim, CAIRN_INIT_HANDLE_CONSOLE,
                              (long)((1ull << 32) | CAIRN_CONSOLE_SERIAL)),
               -CAIRN_EINVAL);
    if (a >= 0)
        cairn_vm_unmap((uint64_t)a, PAGE);
    cairn_handle_close(ro);
    cairn_handle_close(no_read);
    cairn_handle_close(no_manage);
    expect_objects(&before, "after the bad calls");
}

/* --- MSI through QEMU's edu device -------------------------------------------------- */

#define EDU_ID          0x11e81234u /* device 11e8, vendor 1234 */
#define EDU_IDENT       0x00        /* reads 0x010000ed */
#define EDU_IRQ_STATUS  0x24
#define EDU_IRQ_RAISE   0x60
#define EDU_IRQ_ACK     0x64
#define PCI_COMMAND     0x04
#define PCI_CMD_MEMORY  0x2u
#define PCI_CMD_MASTER  0x4u
#define PCI_STATUS_CAPS 0x100000u /* status (bits 16-31 of dword 4) bit 4 */
#define PCI_CAP_PTR     0x34
#define PCI_CAP_MSI     0x05

/* The edu device's function on bus 0, or NULL. */
static volatile uint8_t *
edu_find(volatile uint8_t *bus0)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        volatile uint8_t *fn = bus0 + ((uint64_t)dev << 15);

        if (cfg_rd32(fn, 0) == EDU_ID)
            return fn;
    }
    return NULL;
}

/* The MSI capability's offset, or 0. */
static unsigned
msi_cap(volatile uint8_t *fn)
{
    unsigned off;

    if (!(cfg_rd32(fn, PCI_COMMAND) & PCI_STATUS_CAPS))
        return 0;
    off = cfg_rd32(fn, PCI_CAP_PTR) & 0xfc;
    for (int n = 0; off && n < 48; n++) {
        uint32_t head = cfg_rd32(fn, off);

        if ((head & 0xff) == PCI_CAP_MSI)
            return off;
        off = (head >> 8) & 0xfc;
    }
    return 0;
}

static void
msi_from_the_edu_device_sets_the_bound_notification_bit(void)
{
    const struct cairn_bootinfo *bi = bootinfo();
    struct cairn_debug_stats before = stats_now();
    volatile uint8_t *bus0, *edu;
    volatile uint32_t *regs = NULL;
    struct cairn_irq_msi msg;
    long irq = -1, n = -1, bar = -1, a = -1;
    uint32_t command = 0, control;
    unsigned cap;

    if (!bi || !(bus0 = ecam_map_bus0(bi)))
        return;
    edu = edu_find(bus0);
    if (!edu) {
        test_fail("no edu device (1234:11e8) on bus 0: tools/qemu.sh adds one to test boots");
        goto out_unmap;
    }
    cap = msi_cap(edu);
    if (!cap) {
        test_fail("the edu device has no MSI capability");
        goto out_unmap;
    }
    irq = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_MSI);
    n = cairn_notify_create();
    if (irq < 0 || n < 0) {
        test_fail("irq_create(MSI) %ld, notify_create %ld", irq, n);
        goto out;
    }
    expect_ret("irq_msi", cairn_irq_msi(irq, &msg), 0);
    if ((msg.address & 0xfff00000u) != 0xfee00000u || msg.data < 32 || msg.data > 255 ||
        msg.slot < CAIRN_IRQ_MSI_BASE || msg.slot >= CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT)
        test_fail("MSI address %#lx data %#x slot %u", (unsigned long)msg.address, msg.data,
                  msg.slot);
    expect_ret("irq_bind", cairn_irq_bind(irq, n, 1u << 5), 0);

    /* BAR0: the registers (32-bit memory BAR, 1 MiB). */
    bar = cairn_memobj_create_dev(CAIRN_INIT_HANDLE_PHYS_ROOT, cfg_rd32(edu, 0x10) & ~0xfffu, PAGE,
                                  CAIRN_CACHE_UC);
    if (bar < 0) {
        test_fail("device memory for BAR0 %#x: %s", cfg_rd32(edu, 0x10),
                  cairn_error_name((int)bar));
        goto out;
    }
    a = cairn_vm_map(bar, 0, PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (a < 0) {
        test_fail("mapping BAR0: %s", cairn_error_name((int)a));
        goto out;
    }
    regs = (volatile uint32_t *)a;
    command = cfg_rd32(edu, PCI_COMMAND) & 0xffff;
    cfg_wr32(edu, PCI_COMMAND, command | PCI_CMD_MEMORY | PCI_CMD_MASTER);
    if (regs[EDU_IDENT / 4] != 0x010000edu)
        test_fail("edu identification reads %#x", regs[EDU_IDENT / 4]);

    /* The MSI capability: address, data, then enable (one vector). */
    control = cfg_rd32(edu, cap) >> 16;
    cfg_wr32(edu, cap + 4, (uint32_t)msg.address);
    if (control & 0x80) { /* 64-bit address */
        cfg_wr32(edu, cap + 8, (uint32_t)(msg.address >> 32));
        cfg_wr32(edu, cap + 12, msg.data);
    } else {
        cfg_wr32(edu, cap + 8, msg.data);
    }
    cfg_wr32(edu, cap, (cfg_rd32(edu, cap) & 0xffffu) | ((control & ~0x70u) | 1u) << 16);

    for (int round = 0; round < 3; round++) {
        uint64_t bits = 0;
        long err;

        regs[EDU_IRQ_RAISE / 4] = 1u << round;
        err = cairn_notify_wait(n, 30 * SECOND, &bits);
        if (err || bits != 1u << 5) {
            test_fail("round %d: notify_wait %s, bits %#lx", round, cairn_error_name((int)err),
                      (unsigned long)bits);
            break;
        }
        if (!(regs[EDU_IRQ_STATUS / 4] & (1u << round)))
            test_fail("round %d: the device shows no interrupt raised", round);
        regs[EDU_IRQ_ACK / 4] = 1u << round;
        expect_ret("irq_ack(MSI)", cairn_irq_ack(irq), 0);
    }
    /* MSI off, the command register as it was. */
    cfg_wr32(edu, cap, cfg_rd32(edu, cap) & ~(1u << 16));
    cfg_wr32(edu, PCI_COMMAND, command);
out:
    if (a >= 0)
        cairn_vm_unmap((uint64_t)a, PAGE);
    if (bar >= 0)
        cairn_handle_close(bar);
    if (irq >= 0)
        cairn_handle_close(irq);
    if (n >= 0)
        cairn_handle_close(n);
out_unmap:
    cairn_vm_unmap((uint64_t)(uintptr_t)bus0, 1ull << 20);
    expect_objects(&before, "after the MSI test");
}

static void
msi_vectors_run_out_and_bad_input_is_refused(void)
{
    long irqs[CAIRN_IRQ_MSI_COUNT + 1], two, gsi_only, r, legacy, n, no_manage;
    struct cairn_debug_stats before;
    struct cairn_irq_msi msg;
    unsigned made = 0;

    long warm[CAIRN_IRQ_MSI_COUNT + 8];

    /* Grow this process's handle table first: it keeps its size. */
    for (unsigned i = 0; i < sizeof(warm) / sizeof(warm[0]); i++)
        warm[i] = cairn_handle_dup(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_RIGHT_READ);
    for (unsigned i = 0; i < sizeof(warm) / sizeof(warm[0]); i++)
        cairn_handle_close(warm[i]);
    before = stats_now();

    expect_ret("MSI with line 1", cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 1, CAIRN_IRQ_MSI),
               -CAIRN_EINVAL);
    expect_ret("MSI and level",
               cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_MSI | CAIRN_IRQ_LEVEL),
               -CAIRN_EINVAL);
    expect_ret("MSI and ISA",
               cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_MSI | CAIRN_IRQ_ISA),
               -CAIRN_EINVAL);
    expect_ret("MSI from a quota", cairn_irq_create(CAIRN_INIT_HANDLE_QUOTA, 0, CAIRN_IRQ_MSI),
               -CAIRN_EWRONGTYPE);

    /* A range of GSIs only has no MSI slot; one of two slots runs out after two. */
    gsi_only = cairn_resource_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_LINES);
    two = cairn_resource_create(CAIRN_INIT_HANDLE_IRQ_ROOT, CAIRN_IRQ_MSI_BASE + 3, 2);
    if (gsi_only < 0 || two < 0) {
        test_fail("resource_create: %ld %ld", gsi_only, two);
        return;
    }
    expect_ret("MSI from GSIs only", cairn_irq_create(gsi_only, 0, CAIRN_IRQ_MSI), -CAIRN_ERANGE);
    no_manage = cairn_handle_dup(two, CAIRN_RIGHT_DUPLICATE);
    expect_ret("MSI without MANAGE", cairn_irq_create(no_manage, 0, CAIRN_IRQ_MSI), -CAIRN_ERIGHTS);
    irqs[0] = cairn_irq_create(two, 0, CAIRN_IRQ_MSI);
    irqs[1] = cairn_irq_create(two, 0, CAIRN_IRQ_MSI);
    if (irqs[0] < 0 || irqs[1] < 0)
        test_fail("two MSIs from a range of two: %ld %ld", irqs[0], irqs[1]);
    expect_ret("a third MSI from a range of two", cairn_irq_create(two, 0, CAIRN_IRQ_MSI),
               -CAIRN_EBUSY);
    if (irqs[0] >= 0 && cairn_irq_msi(irqs[0], &msg) == 0 && msg.slot != CAIRN_IRQ_MSI_BASE + 3)
        test_fail("the first MSI of the range is slot %u", msg.slot);
    /* irq_msi: not an MSI, wrong type, rights, bad pointers. */
    legacy = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 8, CAIRN_IRQ_ISA);
    if (legacy >= 0) {
        expect_ret("irq_msi(GSI irq)", cairn_irq_msi(legacy, &msg), -CAIRN_EINVAL);
        cairn_handle_close(legacy);
    }
    n = cairn_notify_create();
    expect_ret("irq_msi(notification)", cairn_irq_msi(n, &msg), -CAIRN_EWRONGTYPE);
    expect_ret("irq_msi(bad handle)", cairn_irq_msi(-1, &msg), -CAIRN_EBADH);
    if (irqs[0] >= 0) {
        long weak = cairn_handle_dup(irqs[0], CAIRN_RIGHT_SIGNAL);

        expect_ret("irq_msi(no MANAGE)", cairn_irq_msi(weak, &msg), -CAIRN_ERIGHTS);
        expect_ret("irq_msi(NULL)", cairn_irq_msi(irqs[0], NULL), -CAIRN_EFAULT);
        expect_ret("irq_msi(kernel address)",
                   cairn_irq_msi(irqs[0], (struct cairn_irq_msi *)0xffff800000000000ull),
                   -CAIRN_EFAULT);
        cairn_handle_close(weak);
    }
    for (int i = 0; i < 2; i++) {
        if (irqs[i] >= 0)
            cairn_handle_close(irqs[i]);
    }
    /* The whole pool from the root: CAIRN_IRQ_MSI_COUNT at most, then busy. */
    for (made = 0; made <= CAIRN_IRQ_MSI_COUNT; made++) {
        irqs[made] = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_MSI);
        if (irqs[made] < 0)
            break;
    }
    if (made == 0 || made > CAIRN_IRQ_MSI_COUNT || irqs[made] != -CAIRN_EBUSY)
        test_fail("%u MSIs made from the root, then %s", made,
                  made <= CAIRN_IRQ_MSI_COUNT ? cairn_error_name((int)irqs[made]) : "more");
    for (unsigned i = 0; i < made && i <= CAIRN_IRQ_MSI_COUNT; i++)
        cairn_handle_close(irqs[i]);
    /* Given back: one can be made again. */
    r = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 0, CAIRN_IRQ_MSI);
    if (r < 0)
        test_fail("no MSI after all were closed: %s", cairn_error_name((int)r));
    else
        cairn_handle_close(r);
    cairn_handle_close(n);
    cairn_handle_close(no_manage);
    cairn_handle_close(two);
    cairn_handle_close(gsi_only);
    expect_stats(&before, "after the MSI calls");
}

static const struct usertest tests[] = {
    USERTEST(boot_information_is_version_2_and_counts_init_handles),
    USERTEST(framebuffer_is_described_and_handed_over_as_device_memory),
    USERTEST(acpi_rsdp_checks_out_and_leads_to_the_mcfg_that_gave_the_ecam),
    USERTEST(ecam_shows_the_q35_host_bridge),
    USERTEST(module_names_are_their_command_lines),
    USERTEST(initfs_module_of_several_mib_carries_every_program_intact),
    USERTEST(kernel_log_reads_back_lines_written_with_no_gap),
    USERTEST(kernel_log_reader_that_falls_behind_is_told_the_gap),
    USERTEST(console_claim_keeps_the_kernel_off_the_device_until_closed),
    USERTEST(klog_and_console_refuse_bad_input),
    USERTEST(msi_from_the_edu_device_sets_the_bound_notification_bit),
    USERTEST(msi_vectors_run_out_and_bad_input_is_refused),
};

int
main(void)
{
    return harness_run("bootinfo", tests, sizeof(tests) / sizeof(tests[0]));
}
