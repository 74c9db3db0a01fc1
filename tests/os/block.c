// SPDX-License-Identifier: MIT
/*
 * The block protocol (include/proto/block.h) through each block driver
 * (lib/blkserve and its backends) on the disk tools/mktestdisk.sh makes:
 * virtio-blk (drivers/virtio-blk) on the copy tests/run.sh attaches to the
 * BIOS boots as a virtio disk, ahci (drivers/ahci) on the copy it attaches
 * to the UEFI boots as a SATA disk on port 1 of q35's AHCI controller,
 * beside the boot CD on port 0. The same tests run for every disk found,
 * as `block/...` for vblk0 and `block-ahci/...` for ahci0.
 *
 * The test plays init, as tests/os/pci.c does: for each driver it starts
 * the PCI bus server and then the driver from the initfs with what their
 * manifest entries give them and a registry it serves itself (the driver
 * looks up `pci` there and registers vblk0 or ahci0). When the PCI list
 * holds no virtio block device the only virtio test is
 * `no_virtio_disk_skipped`, which checks just that. The AHCI controller
 * is always there on q35, so ahci always runs: with no SATA disk behind
 * it (the BIOS boots) it must end with status 0 without registering
 * anything (`no_sata_disk_ends_the_driver_quietly`), leaving the CD's
 * port alone. A disk that the driver does not serve, or that is not the
 * test image, fails.
 *
 * Then, through the protocol alone: INFO; channels; known sectors read
 * byte-exact; a scratch range written, flushed and read back; the MBR's
 * partition listed and opened, and the FAT boot sector read through it;
 * every argument check (ERANGE, EINVAL, EBADF, EPERM, ENOENT, EMFILE);
 * four threads with requests in flight at once; a closed channel and a
 * closed partition refusing; channels freed by their close notices. At the
 * end both servers are killed and nothing is left.
 *
 * On virtio-blk the test then plays init for the fat server too
 * (servers/fat, `fat --device=vblk0 --part=N`, with a registry of its own
 * that answers its lookup of vblk0 and takes its registration) on the
 * image's damaged partitions (tools/mktestdisk.sh lists the damage):
 * partition 2, whose listings must end (the garbage directory's may fail),
 * whose broken files must fail with EIO (never hand out bytes past their
 * chains), whose renames and removals of damaged names must each get an
 * answer, while the healthy files read byte-exact and a new file is
 * written and read back; every request has a limit of ten seconds, so a
 * server that hangs fails the test rather than the boot. After all that
 * the server must still run and have lost nothing; it is killed, and the
 * final count shows that it left nothing either. Partition 3's refused
 * boot sector must end the server with status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/block.h>
#include <proto/fs.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/pci.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND (1000 * MS_NS)
#define PAGE   4096ull

/* The image of tools/mktestdisk.sh. */
#define DISK_SECTORS  131072ull /* 64 MiB */
#define PART_FIRST    2048ull
#define PART_SECTORS  96256ull
#define SCRATCH_FIRST 98304ull               /* sector n of the region: its pattern, n < 2048 */
#define WRITE_FIRST   (SCRATCH_FIRST + 2048) /* free for writing */
#define FAT_FIRST     110592ull              /* partition 2: the damaged FAT16 volume */
#define FAT_SECTORS   18432ull
#define BOOT_FIRST    129024ull /* partition 3: its boot sector refused */
#define BOOT_SECTORS  2048ull

#define CHAN_SIZE (256 * 1024ull) /* four 64 KiB parts, one per thread */

static long registry = -1, registry_client = -1, pci_proc = -1, drv_proc = -1, pci = -1;
static long dev = -1, part = -1;
static uint64_t max_sectors;
static struct cairn_debug_stats before;

/* A channel as the test holds it: the handle and the buffer mapped here. */
struct chan {
    long handle, mo;
    uint8_t *buf;
    uint64_t size;
};

static uint8_t reply[CAIRN_MSG_BUF_MAX];
static struct proto_pci_device rec;
static uint32_t reply_len;

/* One call with the limit timeout_ns: w[0..4] in, bytes buf[0..len) (if
 * buf), a handle sent as a copy with rights (send >= 0), the reply's
 * words in r (if given), a handle received in *got (else closed), the
 * reply's bytes in `reply`. Returns the reply's w[0] or the call's error.
 * Not for the threads (`reply` is shared). */
static long
msg_call(long ep, const uint64_t *w, const void *buf, uint32_t len, long send, uint32_t rights,
         uint64_t timeout_ns, uint64_t *r, long *got)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{w[0], w[1], w[2], w[3], w[4]}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)reply;
    ext.recv_cap = sizeof(reply);
    if (buf) {
        ext.send_buf = (uint64_t)(uintptr_t)buf;
        ext.send_len = len;
    }
    if (send >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)send, rights, CAIRN_MSG_HANDLE_COPY, 0};
    }
    if (got)
        *got = -1;
    reply_len = 0;
    err = cairn_ipc_call_timed(ep, &msg, timeout_ns);
    if (err < 0)
        return err;
    reply_len = ext.recv_len;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++) {
        if (i == 0 && got)
            *got = ext.recv_handles[0];
        else
            cairn_handle_close(ext.recv_handles[i]);
    }
    if (r)
        memcpy(r, msg.w, sizeof(msg.w));
    return (long)msg.w[0];
}

/* A block request: msg_call without bytes, with 20 s. */
static long
blk_call_rights(long ep, const uint64_t *w, long send, uint32_t rights, uint64_t *r, long *got)
{
    return msg_call(ep, w, NULL, 0, send, rights, 20 * SECOND, r, got);
}

static long
blk_call(long ep, const uint64_t *w, long send, uint64_t *r, long *got)
{
    return blk_call_rights(ep, w, send, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP, r,
                           got);
}

/* Words alone, no reply words wanted; usable from any thread. */
static long
call4(long ep, uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
    struct cairn_msg msg = {{op, a, b, c, 0}, NULL};
    long err = cairn_ipc_call_timed(ep, &msg, 20 * SECOND);

    return err < 0 ? err : (long)msg.w[0];
}

/* A channel of size bytes on ep; handle -1 (and the test failed) if
 * refused. */
static struct chan
chan_open(long ep, uint64_t size)
{
    struct chan c = {-1, cairn_memobj_create(size, 0), NULL, size};
    uint64_t w[5] = {PROTO_BLOCK_SHARE, size, 0, 0, 0};
    long at, err;

    if (c.mo < 0) {
        test_fail("memobj_create: %ld", c.mo);
        return c;
    }
    at = cairn_vm_map(c.mo, 0, size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    err = blk_call(ep, w, c.mo, NULL, &c.handle);
    if (at < 0 || err != 0 || c.handle < 0) {
        test_fail("SHARE of %lu bytes: map %ld, %s", (unsigned long)size, at,
                  cairn_error_name((int)err));
        if (at >= 0)
            cairn_vm_unmap((uint64_t)at, size);
        cairn_handle_close(c.handle);
        cairn_handle_close(c.mo);
        c.handle = -1;
        return c;
    }
    c.buf = (uint8_t *)at;
    return c;
}

static void
chan_close(struct chan *c)
{
    if (c->buf)
        cairn_vm_unmap((uint64_t)(uintptr_t)c->buf, c->size);
    cairn_handle_close(c->handle);
    cairn_handle_close(c->mo);
    c->handle = c->mo = -1;
    c->buf = NULL;
}

/* The scratch region's sector n as mktestdisk.sh wrote it. */
static void
scratch_sector(uint64_t n, uint8_t *out)
{
    for (unsigned l = 0; l < 16; l++)
        snprintf((char *)out + 32 * l, 33, "cairn scratch %08lu line %02u \n", (unsigned long)n, l);
}

/* Whether count sectors at buf are the scratch region's from n on; the
 * first difference is the test's failure. */
static int
scratch_matches(const uint8_t *buf, uint64_t n, uint64_t count, const char *what)
{
    uint8_t want[512 + 1];

    for (uint64_t i = 0; i < count; i++) {
        scratch_sector(n + i, want);
        if (memcmp(buf + 512 * i, want, 512) != 0) {
            test_fail("%s: scratch sector %lu differs: \"%.31s\"", what, (unsigned long)(n + i),
                      (const char *)buf + 512 * i);
            return 0;
        }
    }
    return 1;
}

/* ---- Set-up: the PCI bus server, the driver, the registry ---- */

/* The drivers under test, as their manifest entries start them. */
struct blk_driver {
    const char *program; /* the initfs member and argv[0] */
    const char *name;    /* the disk it registers */
    const char *model;   /* INFO's string for the test disk */
    const char *tests;   /* the harness's program name */
    uint64_t dma_page;   /* its manifest's `memory` page */
    int (*present)(void);
    struct usertest skip;        /* the one test when it serves no disk */
    const struct usertest *tail; /* its own tests, after the common ones */
    unsigned ntail;
};

static const struct blk_driver *cur; /* the driver under test (drivers[], below) */

/* Serves the registry endpoint reg until name is registered (its
 * endpoint) or a request goes wrong: lookups of `pci` get a copy of the
 * PCI server's, of the current driver's disk a copy of its device handle
 * (once it has one), of `rtc` (the wall clock a fat server asks for) an
 * -CAIRN_ENOENT. If proc (>= 0) ends first, -CAIRN_ENOENT and its status
 * in *status. */
static long
registry_serve_until(long reg, const char *name, long proc, int64_t *status)
{
    uint64_t end = cairn_clock_get() + 30 * SECOND;

    for (;;) {
        char got[PROTO_REG_NAME_MAX + 1];
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge;
        long err, h = -1;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)got;
        ext.recv_cap = sizeof(got) - 1;
        err = cairn_ipc_recv(reg, &msg, proc >= 0 ? 50 * MS_NS : 30 * SECOND, &badge);
        if (err == -CAIRN_ETIMEDOUT && proc >= 0 && cairn_clock_get() < end) {
            if (cairn_process_wait(proc, 0, status) == 0)
                return -CAIRN_ENOENT;
            continue;
        }
        if (err < 0)
            return err;
        got[ext.recv_len] = '\0';
        if (ext.recv_nhandles)
            h = ext.recv_handles[0];
        if (msg.w[0] == PROTO_REG_LOOKUP &&
            (strcmp(got, "pci") == 0 || (dev >= 0 && strcmp(got, cur->name) == 0))) {
            msg.w[0] = 0;
            ext = (struct cairn_msg_ext){0};
            ext.send_nhandles = 1;
            ext.send_handles[0] =
                (struct cairn_msg_handle){(int32_t)(strcmp(got, "pci") == 0 ? pci : dev),
                                          CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
            cairn_ipc_reply(&msg);
            continue;
        }
        if (msg.w[0] == PROTO_REG_LOOKUP && strcmp(got, "rtc") == 0) {
            cairn_handle_close(h);
            msg = (struct cairn_msg){{(uint64_t)-CAIRN_ENOENT}, NULL};
            cairn_ipc_reply(&msg);
            continue;
        }
        if (msg.w[0] == PROTO_REG_REGISTER && strcmp(got, name) == 0 && h >= 0) {
            msg = (struct cairn_msg){{0}, NULL};
            cairn_ipc_reply(&msg);
            return h;
        }
        test_fail("registry: op %#lx of \"%s\" refused", (unsigned long)msg.w[0], got);
        cairn_handle_close(h);
        msg = (struct cairn_msg){{(uint64_t)-CAIRN_EPERM}, NULL};
        cairn_ipc_reply(&msg);
    }
}

/* Whether the PCI list holds a device that match accepts. */
static int
pci_lists(int (*match)(const struct proto_pci_device *d))
{
    uint64_t cookie = 0;

    for (int n = 0; n < 256; n++) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{PROTO_PCI_LIST, cookie, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)&rec;
        ext.recv_cap = sizeof(rec);
        if (cairn_ipc_call_timed(pci, &msg, 10 * SECOND) < 0 || msg.w[0] != 1)
            return 0;
        if (match(&rec))
            return 1;
        cookie = msg.w[1];
    }
    return 0;
}

/* A virtio block device (modern or transitional). */
static int
is_virtio_blk(const struct proto_pci_device *d)
{
    return d->vendor == 0x1af4 && (d->device == 0x1042 || d->device == 0x1001);
}

static int
pci_has_virtio_blk(void)
{
    return pci_lists(is_virtio_blk);
}

/* An AHCI controller (class 01:06:01). */
static int
is_ahci(const struct proto_pci_device *d)
{
    return d->class_code == 0x01 && d->subclass == 0x06 && d->prog_if == 0x01;
}

static int
pci_has_ahci(void)
{
    return pci_lists(is_ahci);
}

/* Starts the PCI bus server and takes its registration: 0 or a code. */
static long
pci_start(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    registry = cairn_endpoint_create();
    registry_client = cairn_handle_dup(registry, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE |
                                                     CAIRN_RIGHT_TRANSFER);
    if (registry < 0 || registry_client < 0)
        return registry < 0 ? registry : registry_client;
    pci_proc = test_start_pci(registry_client, bi && bi->acpi.ecam_handle >= 0);
    if (pci_proc < 0)
        return pci_proc;
    pci = registry_serve_until(registry, "pci", -1, NULL);
    return pci < 0 ? pci : 0;
}

static void no_virtio_disk_skipped(void);
static void no_sata_disk_ends_the_driver_quietly(void);
static void a_polled_driver_serves_the_disk_too(void);
static void killed_driver_takes_its_handles_with_it(void);
static void fat_server_mounts_the_damaged_volume(void);
static void listings_of_the_damaged_volume_end(void);
static void broken_files_fail_with_eio(void);
static void garbage_entries_answer_whatever_they_hold(void);
static void whole_files_read_byte_exact(void);
static void a_new_file_is_written_and_read_back(void);
static void damaged_names_rename_and_unlink_cleanly(void);
static void the_server_lives_and_loses_nothing(void);
static void a_refused_boot_sector_ends_the_server_quietly(void);

/* On virtio-blk, the fat server on the damaged partitions 2 and 3; then
 * its polled mode (--poll); both drivers end with the kill. */
static const struct usertest vblk_tail[] = {
    USERTEST(fat_server_mounts_the_damaged_volume),
    USERTEST(listings_of_the_damaged_volume_end),
    USERTEST(broken_files_fail_with_eio),
    USERTEST(garbage_entries_answer_whatever_they_hold),
    USERTEST(whole_files_read_byte_exact),
    USERTEST(a_new_file_is_written_and_read_back),
    USERTEST(damaged_names_rename_and_unlink_cleanly),
    USERTEST(the_server_lives_and_loses_nothing),
    USERTEST(a_refused_boot_sector_ends_the_server_quietly),
    USERTEST(a_polled_driver_serves_the_disk_too),
    USERTEST(killed_driver_takes_its_handles_with_it),
};
static const struct usertest ahci_tail[] = {
    USERTEST(killed_driver_takes_its_handles_with_it),
};

static const struct blk_driver drivers[] = {
    {"virtio-blk", "vblk0", "virtio-blk", "block", 0x8000000000ull, pci_has_virtio_blk,
     USERTEST(no_virtio_disk_skipped), vblk_tail, sizeof(vblk_tail) / sizeof(vblk_tail[0])},
    {"ahci", "ahci0", "QEMU HARDDISK", "block-ahci", 0x8000001000ull, pci_has_ahci,
     USERTEST(no_sata_disk_ends_the_driver_quietly), ahci_tail,
     sizeof(ahci_tail) / sizeof(ahci_tail[0])},
};

static const struct blk_driver *cur = &drivers[0];
static int64_t drv_status = -1; /* how the driver ended when it registered nothing */

/* Starts the current driver as its manifest entry does (one page of
 * `memory` for the right to make DMA memory, the registry), with arg (or
 * NULL) as its argument, and waits for its disk, or for its end
 * (-CAIRN_ENOENT, drv_status). */
static long
drv_start(const char *arg)
{
    const char *argv[] = {cur->program, arg, NULL};
    long handles[2];
    uint32_t kinds[2] = {PROTO_HANDLE_MEMORY, PROTO_HANDLE_REGISTRY};
    uint64_t offset, size;
    long image = test_program_image(cur->program, &offset, &size);
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 2, .handle_kinds = kinds};

    if (image < 0)
        return image;
    handles[0] = cairn_resource_create(CAIRN_INIT_HANDLE_PHYS_ROOT, cur->dma_page, PAGE);
    handles[1] = registry_client;
    if (handles[0] < 0)
        return handles[0];
    drv_proc = cairn_spawn(image, offset, size, &attr, NULL);
    cairn_handle_close(handles[0]);
    if (drv_proc < 0)
        return drv_proc;
    dev = registry_serve_until(registry, cur->name, drv_proc, &drv_status);
    return dev < 0 ? dev : 0;
}

/* ---- The tests ---- */

static void
no_virtio_disk_skipped(void)
{
    /* Run only when the list holds none: check it once more. */
    if (pci_has_virtio_blk())
        test_fail("a virtio block device is listed after all");
}

static void
no_sata_disk_ends_the_driver_quietly(void)
{
    /* Run when ahci ended without registering ahci0: it must have found
     * the controller, no disk, and ended with status 0. */
    if (drv_status != 0)
        test_fail("ahci ended with status %ld, not 0", (long)drv_status);
}

static void
driver_registers_the_disk_with_its_size(void)
{
    uint64_t r[5], w[5] = {PROTO_BLOCK_INFO, 0, 0, 0, 0};

    expect_ret("INFO", blk_call(dev, w, -1, r, NULL), 0);
    if (r[1] != 512 || r[2] != DISK_SECTORS || r[3] != 0 || r[4] < 8)
        test_fail("INFO: %lu-byte sectors, %lu of them, flags %lu, %lu a request (not the test "
                  "image of tools/mktestdisk.sh?)",
                  (unsigned long)r[1], (unsigned long)r[2], (unsigned long)r[3],
                  (unsigned long)r[4]);
    max_sectors = r[4];
    if (reply_len < strlen(cur->model) + 1 || memcmp(reply, cur->model, strlen(cur->model) + 1))
        test_fail("INFO's model: \"%.*s\"", (int)reply_len, (const char *)reply);
}

static void
known_sectors_read_byte_exact(void)
{
    struct chan c = chan_open(dev, 64 * 1024);

    if (c.handle < 0)
        return;
    expect_ret("READ 16 scratch sectors", call4(c.handle, PROTO_BLOCK_READ, SCRATCH_FIRST, 16, 0),
               0);
    scratch_matches(c.buf, 0, 16, "at offset 0");
    expect_ret("READ 2 at offset 4096",
               call4(c.handle, PROTO_BLOCK_READ, SCRATCH_FIRST + 2046, 2, 4096), 0);
    scratch_matches(c.buf + 4096, 2046, 2, "at offset 4096");
    expect_ret("READ the MBR", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 0), 0);
    /* Partition 1's entry: type 0x0c, first 2048, 96256 sectors. */
    if (c.buf[510] != 0x55 || c.buf[511] != 0xaa || c.buf[446 + 4] != 0x0c ||
        c.buf[446 + 8] != 0x00 || c.buf[446 + 9] != 0x08 || c.buf[446 + 12] != 0x00 ||
        c.buf[446 + 13] != 0x78 || c.buf[446 + 14] != 0x01)
        test_fail("the MBR is not mktestdisk.sh's");
    chan_close(&c);
}

static void
written_sectors_read_back_after_a_flush(void)
{
    struct chan c = chan_open(dev, 64 * 1024);

    if (c.handle < 0)
        return;
    for (unsigned i = 0; i < 32; i++)
        for (unsigned b = 0; b < 512; b++)
            c.buf[512 * i + b] = (uint8_t)(i * 37 + b * 11 + 5);
    expect_ret("WRITE 32 sectors", call4(c.handle, PROTO_BLOCK_WRITE, WRITE_FIRST, 32, 0), 0);
    expect_ret("FLUSH on the channel", call4(c.handle, PROTO_BLOCK_FLUSH, 0, 0, 0), 0);
    expect_ret("FLUSH on the device", call4(dev, PROTO_BLOCK_FLUSH, 0, 0, 0), 0);
    memset(c.buf + 32768, 0xee, 32768);
    expect_ret("READ them back", call4(c.handle, PROTO_BLOCK_READ, WRITE_FIRST, 32, 32768), 0);
    if (memcmp(c.buf, c.buf + 32768, 32 * 512) != 0)
        test_fail("the sectors read back differ from those written");
    expect_ret("READ the scratch after them",
               call4(c.handle, PROTO_BLOCK_READ, SCRATCH_FIRST + 2047, 1, 0), 0);
    scratch_matches(c.buf, 2047, 1, "next to the written range");
    chan_close(&c);
}

static void
part_list_shows_the_mbr_partitions(void)
{
    static const struct {
        uint64_t first, sectors;
        uint8_t type;
    } want[3] = {{PART_FIRST, PART_SECTORS, 0x0c},
                 {FAT_FIRST, FAT_SECTORS, 0x06},
                 {BOOT_FIRST, BOOT_SECTORS, 0x01}};
    uint64_t r[5], w[5] = {PROTO_BLOCK_PART_LIST, 0, 0, 0, 0};
    const struct proto_block_part *p = (const void *)reply;

    expect_ret("PART_LIST", blk_call(dev, w, -1, r, NULL), 3);
    if (r[2] != 3 || r[3] != PROTO_BLOCK_SCHEME_MBR || reply_len != 3 * sizeof(*p)) {
        test_fail("PART_LIST: %lu entries, scheme %lu, %u bytes", (unsigned long)r[2],
                  (unsigned long)r[3], reply_len);
        return;
    }
    for (unsigned i = 0; i < 3; i++)
        if (p[i].first != want[i].first || p[i].sectors != want[i].sectors || p[i].index != i + 1 ||
            p[i].mbr_type != want[i].type)
            test_fail("partition: first %lu, %lu sectors, index %u, type %#x",
                      (unsigned long)p[i].first, (unsigned long)p[i].sectors, p[i].index,
                      p[i].mbr_type);
    w[1] = r[1];
    expect_ret("PART_LIST from its cookie on", blk_call(dev, w, -1, r, NULL), 0);
}

static void
partition_reads_its_fat_boot_sector(void)
{
    uint64_t r[5], w[5] = {PROTO_BLOCK_PART_OPEN, 1, 0, 0, 0};
    struct chan c;

    expect_ret("PART_OPEN 1", blk_call(dev, w, -1, NULL, &part), 0);
    if (part < 0)
        return;
    w[0] = PROTO_BLOCK_INFO;
    expect_ret("INFO on the partition", blk_call(part, w, -1, r, NULL), 0);
    if (r[1] != 512 || r[2] != PART_SECTORS)
        test_fail("the partition's INFO: %lu sectors of %lu", (unsigned long)r[2],
                  (unsigned long)r[1]);
    if (strncmp((const char *)reply, cur->model, strlen(cur->model)) != 0 ||
        strcmp((const char *)reply + strlen(cur->model), " part 1") != 0)
        test_fail("the partition's model: \"%s\"", (const char *)reply);
    c = chan_open(part, 64 * 1024);
    if (c.handle < 0)
        return;
    expect_ret("READ its sector 0", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 0), 0);
    if (c.buf[510] != 0x55 || c.buf[511] != 0xaa || memcmp(c.buf + 82, "FAT32   ", 8) != 0)
        test_fail("the partition's first sector is no FAT32 boot sector");
    expect_ret("READ its last sector", call4(c.handle, PROTO_BLOCK_READ, PART_SECTORS - 1, 1, 0),
               0);
    expect_ret("READ past its end", call4(c.handle, PROTO_BLOCK_READ, PART_SECTORS, 1, 0),
               -CAIRN_ERANGE);
    expect_ret("READ across its end", call4(c.handle, PROTO_BLOCK_READ, PART_SECTORS - 1, 2, 0),
               -CAIRN_ERANGE);
    expect_ret("PART_LIST on a partition", call4(part, PROTO_BLOCK_PART_LIST, 0, 0, 0),
               -CAIRN_EPERM);
    expect_ret("PART_OPEN on a partition", call4(part, PROTO_BLOCK_PART_OPEN, 1, 0, 0),
               -CAIRN_EPERM);
    expect_ret("PART_LIST on a channel", call4(c.handle, PROTO_BLOCK_PART_LIST, 0, 0, 0),
               -CAIRN_EPERM);
    /* Closed, the partition refuses; its channel goes on until closed. */
    expect_ret("CLOSE the partition", call4(part, PROTO_BLOCK_CLOSE, 0, 0, 0), 0);
    expect_ret("INFO on the closed partition", call4(part, PROTO_BLOCK_INFO, 0, 0, 0),
               -CAIRN_EBADF);
    expect_ret("READ on its channel after", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 0), 0);
    if (c.buf[510] != 0x55 || c.buf[511] != 0xaa)
        test_fail("the channel of a closed partition read something else");
    cairn_handle_close(part);
    part = -1;
    chan_close(&c);
}

static void
bad_arguments_are_refused(void)
{
    struct chan c = chan_open(dev, 64 * 1024);
    uint64_t w[5] = {PROTO_BLOCK_SHARE, 0, 0, 0, 0};
    long h, mo = cairn_memobj_create(PAGE, 0);

    if (c.handle < 0)
        return;
    expect_ret("READ past the end", call4(c.handle, PROTO_BLOCK_READ, DISK_SECTORS, 1, 0),
               -CAIRN_ERANGE);
    expect_ret("READ across the end", call4(c.handle, PROTO_BLOCK_READ, DISK_SECTORS - 1, 2, 0),
               -CAIRN_ERANGE);
    expect_ret("READ at 2^64 - 1", call4(c.handle, PROTO_BLOCK_READ, UINT64_MAX, 1, 0),
               -CAIRN_ERANGE);
    expect_ret("READ of 0 sectors", call4(c.handle, PROTO_BLOCK_READ, 0, 0, 0), -CAIRN_EINVAL);
    expect_ret("READ of too many", call4(c.handle, PROTO_BLOCK_READ, 0, max_sectors + 1, 0),
               -CAIRN_EINVAL);
    expect_ret("WRITE of 0 sectors", call4(c.handle, PROTO_BLOCK_WRITE, WRITE_FIRST, 0, 0),
               -CAIRN_EINVAL);
    expect_ret("READ to a misaligned offset", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 100),
               -CAIRN_EINVAL);
    expect_ret("READ past the buffer", call4(c.handle, PROTO_BLOCK_READ, 0, 2, 64 * 1024 - 512),
               -CAIRN_EINVAL);
    expect_ret("READ at an offset past the buffer",
               call4(c.handle, PROTO_BLOCK_READ, 0, 1, UINT64_MAX - 511), -CAIRN_EINVAL);
    expect_ret("READ on the device handle", call4(dev, PROTO_BLOCK_READ, 0, 1, 0), -CAIRN_EBADF);
    expect_ret("WRITE on the device handle", call4(dev, PROTO_BLOCK_WRITE, WRITE_FIRST, 1, 0),
               -CAIRN_EBADF);
    expect_ret("an unknown request", call4(dev, 0xbffu, 0, 0, 0), -CAIRN_ENOSYS);
    expect_ret("CLOSE on the device handle", call4(dev, PROTO_BLOCK_CLOSE, 0, 0, 0), -CAIRN_EPERM);
    expect_ret("PART_OPEN of no partition", call4(dev, PROTO_BLOCK_PART_OPEN, 9, 0, 0),
               -CAIRN_ENOENT);
    w[1] = PAGE;
    expect_ret("SHARE on a channel", blk_call(c.handle, w, mo, NULL, &h), -CAIRN_EPERM);
    expect_ret("SHARE without a memory object", blk_call(dev, w, -1, NULL, &h), -CAIRN_EINVAL);
    w[1] = 0;
    expect_ret("SHARE of 0 bytes", blk_call(dev, w, mo, NULL, &h), -CAIRN_EINVAL);
    w[1] = 1000;
    expect_ret("SHARE of part of a page", blk_call(dev, w, mo, NULL, &h), -CAIRN_EINVAL);
    w[1] = 2 * PAGE;
    expect_ret("SHARE past the object", blk_call(dev, w, mo, NULL, &h), -CAIRN_EINVAL);
    w[1] = 8u << 20;
    expect_ret("SHARE past the driver's limit", blk_call(dev, w, mo, NULL, &h), -CAIRN_EINVAL);
    w[1] = PAGE;
    expect_ret("SHARE of an object without WRITE",
               blk_call_rights(dev, w, mo, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP, NULL, &h),
               -CAIRN_EINVAL);
    expect_ret("SHARE with a handle that is no memory object",
               blk_call_rights(dev, w, dev, CAIRN_RIGHTS_SAME, NULL, &h), -CAIRN_EINVAL);
    cairn_handle_close(mo);
    chan_close(&c);
}

struct reader {
    long chan;
    uint8_t *buf;
    unsigned k;
};

/* A thread: eight reads of 64 KiB of the scratch region into its own
 * quarter of the shared buffer, each checked. */
static long
reader_run(void *arg)
{
    struct reader *rd = arg;

    for (unsigned round = 0; round < 8; round++) {
        uint64_t n = ((rd->k + round) % 4) * 128 + round * 16;
        long err = call4(rd->chan, PROTO_BLOCK_READ, SCRATCH_FIRST + n, 128, rd->k * 65536ull);

        if (err != 0)
            return 100 + round;
        if (!scratch_matches(rd->buf + rd->k * 65536ull, n, 128, "a thread's read"))
            return 200 + round;
    }
    return 0;
}

/* n (1..4) reader threads at once on c's quarters, each checked. */
static void
readers_run(const struct chan *c, unsigned n)
{
    struct test_thread t[4];
    struct reader rd[4];

    for (unsigned k = 0; k < n; k++) {
        rd[k] = (struct reader){c->handle, c->buf, k};
        test_thread_start(&t[k], reader_run, &rd[k]);
    }
    for (unsigned k = 0; k < n; k++) {
        int64_t status = -1;

        expect_ret("join a reader", test_thread_join(&t[k], 60 * SECOND, &status), 0);
        if (status != 0)
            test_fail("reader %u ended with %ld", k, (long)status);
    }
    for (unsigned k = 0; k < n; k++)
        test_thread_free(&t[k]);
}

static void
four_threads_read_at_once(void)
{
    struct chan c = chan_open(dev, CHAN_SIZE);

    if (c.handle < 0)
        return;
    if (max_sectors < 128) {
        test_fail("the driver moves %lu sectors a request, not 128", (unsigned long)max_sectors);
        chan_close(&c);
        return;
    }
    readers_run(&c, 4);
    chan_close(&c);
}

static void
a_closed_channel_refuses(void)
{
    struct chan c = chan_open(dev, PAGE);

    if (c.handle < 0)
        return;
    expect_ret("READ before CLOSE", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 0), 0);
    expect_ret("CLOSE", call4(c.handle, PROTO_BLOCK_CLOSE, 0, 0, 0), 0);
    expect_ret("READ after CLOSE", call4(c.handle, PROTO_BLOCK_READ, 0, 1, 0), -CAIRN_EBADF);
    expect_ret("INFO after CLOSE", call4(c.handle, PROTO_BLOCK_INFO, 0, 0, 0), -CAIRN_EBADF);
    expect_ret("CLOSE again", call4(c.handle, PROTO_BLOCK_CLOSE, 0, 0, 0), -CAIRN_EBADF);
    chan_close(&c);
}

/* The bound per handle is 16 channels (lib/blkserve); each handle closed
 * without CLOSE is freed by its close notice. */
static void
channels_are_bounded_and_freed_by_their_close_notices(void)
{
    struct chan c[17];
    long mo = cairn_memobj_create(PAGE, 0), h;
    uint64_t w[5] = {PROTO_BLOCK_SHARE, PAGE, 0, 0, 0};
    unsigned n;

    for (n = 0; n < 16; n++) {
        c[n] = chan_open(dev, PAGE);
        if (c[n].handle < 0)
            break;
    }
    expect_ret("a 17th channel", blk_call(dev, w, mo, NULL, &h), -CAIRN_EMFILE);
    cairn_handle_close(h);
    for (unsigned i = 0; i < n; i++)
        chan_close(&c[i]);
    /* The notices come before this call in the driver's queue. */
    c[16] = chan_open(dev, PAGE);
    if (c[16].handle >= 0)
        expect_ret("READ on a channel after", call4(c[16].handle, PROTO_BLOCK_READ, 0, 1, 0), 0);
    chan_close(&c[16]);
    cairn_handle_close(mo);
}

/* Ends whichever of the two servers run and lets go of the set-up's
 * handles. */
static void
servers_stop(void)
{
    long *procs[] = {&drv_proc, &pci_proc};

    for (unsigned i = 0; i < 2; i++) {
        if (*procs[i] < 0)
            continue;
        cairn_process_kill(*procs[i]);
        expect_ret("wait for a server to end", cairn_process_wait(*procs[i], 10 * SECOND, NULL), 0);
        cairn_handle_close(*procs[i]);
        *procs[i] = -1;
    }
    cairn_handle_close(dev);
    cairn_handle_close(pci);
    cairn_handle_close(registry_client);
    cairn_handle_close(registry);
    dev = pci = registry = registry_client = -1;
}

/* Starts the PCI bus server and, if it lists the current driver's device,
 * the driver: 1 when its disk is served, 0 when there is no such device
 * or the driver ended without a disk (drv_status), or a negative code (a
 * line says what failed). */
static long
servers_start(void)
{
    long err = pci_start();

    if (err < 0) {
        printf("FAIL %s/setup: the PCI bus server: %s\n", cur->tests, cairn_error_name((int)err));
        return err;
    }
    if (!cur->present())
        return 0;
    drv_status = -1;
    err = drv_start(NULL);
    if (err == -CAIRN_ENOENT) {
        cairn_handle_close(drv_proc); /* ended: nothing to kill */
        drv_proc = -1;
        return 0;
    }
    if (err < 0) {
        printf("FAIL %s/setup: %s did not register %s: %s\n", cur->tests, cur->program, cur->name,
               cairn_error_name((int)err));
        return err;
    }
    return 1;
}

/* ---- The fat server on the damaged volume of partition 2 ---- */

/* A request's limit: far more than any takes on this small volume, so
 * only a server that hangs (or loops) reaches it. */
#define FAT_CALL_NS (10 * SECOND)
#define FAT_NAMES   16 /* names of a listing kept */

static const char fat_ok_text[] = "this file is whole, whatever lies around it\n";
static const char fat_inner_text[] = "a healthy file in a healthy directory\n";

static long fat_proc = -1, fat_ep = -1;
static char fat_names[FAT_NAMES][PROTO_NAME_MAX + 1];
static uint8_t fat_data[8192], fat_bytes[3000];
static char fat_paths[2 * (PROTO_PATH_MAX + 1)]; /* one path, or a rename's two */

/* Starts the fat server from the initfs on vblk0's partition part_arg
 * ("--part=N") with a registry of its own, served here until it registers
 * `fat-test` (its endpoint) or ends (-CAIRN_ENOENT, its status in
 * *status). That registry is closed after: a later lookup (the wall
 * clock's) fails at once rather than waiting on a registry nobody serves. */
static long
fat_start(const char *part_arg, int64_t *status)
{
    const char *argv[] = {"fat", "--device=vblk0", part_arg, "--register=fat-test", NULL};
    long handles[1];
    uint32_t kinds[1] = {PROTO_HANDLE_REGISTRY};
    uint64_t offset, size;
    long image = test_program_image("fat", &offset, &size), reg, ep;
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 1, .handle_kinds = kinds};

    if (image < 0)
        return image;
    reg = cairn_endpoint_create();
    if (reg < 0)
        return reg;
    handles[0] =
        cairn_handle_dup(reg, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    fat_proc = handles[0] < 0 ? handles[0] : cairn_spawn(image, offset, size, &attr, NULL);
    cairn_handle_close(handles[0]);
    ep = fat_proc < 0 ? fat_proc : registry_serve_until(reg, "fat-test", fat_proc, status);
    cairn_handle_close(reg);
    return ep;
}

/* One request to the fat server (or one of its open files): words w,
 * bytes buf[0..len). A call that fails (the server hung past
 * FAT_CALL_NS, or ended) fails the test, naming what. */
static long
fat_call(const char *what, long h, const uint64_t *w, const void *buf, uint32_t len, uint64_t *r,
         long *got)
{
    long err = msg_call(h, w, buf, len, -1, 0, FAT_CALL_NS, r, got);

    if (err == -CAIRN_ETIMEDOUT || err == -CAIRN_ECLOSED || err == -CAIRN_EBADH)
        test_fail("%s: no answer from the fat server: %s", what, cairn_error_name((int)err));
    else if (err > 0 && w[0] != PROTO_IO_READ && w[0] != PROTO_IO_WRITE &&
             w[0] != PROTO_IO_READDIR && w[0] != PROTO_IO_SEEK)
        test_fail("%s: a positive answer %ld", what, err);
    return err;
}

/* A path request (PROTO_FS_*) with w[1] arg: its answer. */
static long
fat_path(uint64_t op, const char *path, uint64_t arg, long *got)
{
    uint64_t w[5] = {op, arg, 0, 0, 0};

    return fat_call(path, fat_ep, w, path, (uint32_t)strlen(path), NULL, got);
}

static void
fat_close(long h)
{
    uint64_t w[5] = {PROTO_IO_CLOSE, 0, 0, 0, 0};

    if (h < 0)
        return;
    fat_call("CLOSE", h, w, NULL, 0, NULL, NULL);
    cairn_handle_close(h);
}

/* Reads the open file h from its offset to its end in reads of 4096 bytes,
 * at most 64 of them, keeping what fits in fat_data: 0 at the end, 1 when
 * the bound stopped it, or the first error; the bytes read in *n. */
static long
fat_read_all(const char *what, long h, uint32_t *n)
{
    *n = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t w[5] = {PROTO_IO_READ, 4096, 0, 0, 0};
        long got = fat_call(what, h, w, NULL, 0, NULL, NULL);

        if (got <= 0)
            return got;
        if (got > 4096 || (uint32_t)got > reply_len) {
            test_fail("%s: a read of %ld bytes with %u in the reply", what, got, reply_len);
            return -CAIRN_EIO;
        }
        if (*n + (uint64_t)got <= sizeof(fat_data))
            memcpy(fat_data + *n, reply, (size_t)got);
        *n += (uint32_t)got;
    }
    return 1;
}

/* The whole file at path reads as want, byte-exact, and stats its size. */
static void
fat_expect_file(const char *path, const void *want, uint32_t len)
{
    long h = -1, err = fat_path(PROTO_FS_OPEN, path, PROTO_O_RDONLY, &h);
    uint32_t n = 0;

    if (err != 0 || h < 0) {
        test_fail("open %s: %s", path, cairn_error_name((int)err));
        cairn_handle_close(h);
        return;
    }
    err = fat_read_all(path, h, &n);
    if (err != 0 || n != len || memcmp(fat_data, want, len) != 0)
        test_fail("%s: %u bytes read (%s), not the %u expected", path, n,
                  cairn_error_name((int)err), len);
    fat_close(h);
    err = fat_path(PROTO_FS_STAT, path, 0, NULL);
    if (err != 0 || reply_len != sizeof(struct proto_stat) ||
        ((const struct proto_stat *)reply)->size != len)
        test_fail("stat %s: %s", path, cairn_error_name((int)err));
}

/*
 * Lists the directory at path page by page (64 at most): each page's
 * records must lie inside the reply and hold names as long as they say,
 * and the cookie must move on. The first FAT_NAMES names land in
 * fat_names. Returns the count of names or the listing's error.
 */
static long
fat_list(const char *path)
{
    uint64_t r[5], cookie = 0;
    long h = -1, err = fat_path(PROTO_FS_OPEN, path, PROTO_O_RDONLY | PROTO_O_DIRECTORY, &h);
    long names = 0;

    if (err < 0 || h < 0) {
        cairn_handle_close(h);
        return err < 0 ? err : -CAIRN_EIO;
    }
    for (int page = 0;; page++) {
        uint64_t w[5] = {PROTO_IO_READDIR, cookie, 0, 0, 0};
        uint32_t at = 0;

        err = fat_call(path, h, w, NULL, 0, r, NULL);
        if (err <= 0)
            break;
        if (page == 64 || r[1] <= cookie) {
            test_fail("%s: a listing that does not end (page %d, cookie %lu then %lu)", path, page,
                      (unsigned long)cookie, (unsigned long)r[1]);
            err = -CAIRN_EIO;
            break;
        }
        for (long i = 0; i < err; i++) {
            const struct proto_dirent *d = (const void *)(reply + at);

            if (at + sizeof(*d) > reply_len || d->reclen < sizeof(*d) + d->namelen + 1u ||
                at + d->reclen > reply_len || d->namelen == 0 || d->name[d->namelen] != 0 ||
                strlen(d->name) != d->namelen) {
                test_fail("%s: record %ld of a page is malformed", path, i);
                fat_close(h);
                return -CAIRN_EIO;
            }
            if (names < FAT_NAMES)
                memcpy(fat_names[names], d->name, d->namelen + 1u);
            names++;
            at += d->reclen;
        }
        cookie = r[1];
    }
    fat_close(h);
    return err < 0 ? err : names;
}

static void
fat_server_mounts_the_damaged_volume(void)
{
    int64_t status = -1;

    fat_ep = fat_start("--part=2", &status);
    if (fat_ep < 0)
        test_fail("fat --part=2 did not register: %s (status %ld)", cairn_error_name((int)fat_ep),
                  (long)status);
}

static void
listings_of_the_damaged_volume_end(void)
{
    static const char *const root[] = {"ok.txt",   "sub",         "loop.bin", "far.bin",
                                       "long.txt", "freemid.bin", "junk"};
    long n = fat_list("/");

    if (n != 7) {
        test_fail("the root lists %ld names, not 7", n);
        return;
    }
    for (unsigned i = 0; i < 7; i++)
        if (strcmp(fat_names[i], root[i]) != 0)
            test_fail("the root's name %u is \"%s\", not \"%s\"", i, fat_names[i], root[i]);
    /* The garbage: names or an error, in a bounded number of pages. */
    n = fat_list("/junk");
    printf("block/fat: /junk lists %ld (%s)\n", n, n < 0 ? cairn_error_name((int)n) : "names");
}

/* Each file with a damaged chain: its entry stats, and its open fails
 * with EIO, or its reads do after no more than its chain holds. */
static void
broken_files_fail_with_eio(void)
{
    static const struct {
        const char *path;
        uint64_t size;  /* its entry's */
        uint32_t chain; /* the bytes its chain holds before the damage */
    } broken[] = {
        {"/loop.bin", 4096, 4096},
        {"/far.bin", 1000, 0},
        {"/long.txt", 50000, 1024},
        {"/freemid.bin", 4096, 2048},
    };

    for (unsigned i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        const char *path = broken[i].path;
        long h = -1, err = fat_path(PROTO_FS_STAT, path, 0, NULL);
        uint32_t n = 0;

        if (err != 0 || ((const struct proto_stat *)reply)->size != broken[i].size)
            test_fail("stat %s: %s", path, cairn_error_name((int)err));
        err = fat_path(PROTO_FS_OPEN, path, PROTO_O_RDONLY, &h);
        if (err == 0 && h >= 0) {
            err = fat_read_all(path, h, &n);
            fat_close(h);
            h = -1;
        }
        cairn_handle_close(h);
        if (err != -CAIRN_EIO || n > broken[i].chain)
            test_fail("%s: %s after %u bytes, not EIO within its %u", path,
                      cairn_error_name((int)err), n, broken[i].chain);
    }
}

/* Every name the garbage directory lists: stat, open and read (bounded),
 * whatever each answers; and the name it held before. */
static void
garbage_entries_answer_whatever_they_hold(void)
{
    char *path = fat_paths;
    long n = fat_list("/junk");

    for (long i = 0; i < n && i < FAT_NAMES; i++) {
        long h = -1;
        uint32_t got;

        if (strchr(fat_names[i], '/'))
            continue;
        snprintf(path, PROTO_PATH_MAX + 1, "/junk/%s", fat_names[i]);
        fat_path(PROTO_FS_STAT, path, 0, NULL);
        if (fat_path(PROTO_FS_OPEN, path, PROTO_O_RDONLY, &h) == 0 && h >= 0) {
            fat_read_all(path, h, &got);
            fat_close(h);
        } else {
            cairn_handle_close(h);
        }
    }
    fat_path(PROTO_FS_STAT, "/junk", 0, NULL);
    fat_path(PROTO_FS_OPEN, "/junk/a.txt", PROTO_O_RDONLY, NULL);
}

static void
whole_files_read_byte_exact(void)
{
    fat_expect_file("/ok.txt", fat_ok_text, sizeof(fat_ok_text) - 1);
    fat_expect_file("/sub/inner.txt", fat_inner_text, sizeof(fat_inner_text) - 1);
}

/* new.txt's 3000 bytes, a pattern of their own, into fat_bytes. */
static void
fat_new_bytes(void)
{
    for (unsigned i = 0; i < sizeof(fat_bytes); i++)
        fat_bytes[i] = (uint8_t)(i * 7 + 3);
}

static void
a_new_file_is_written_and_read_back(void)
{
    uint64_t w[5] = {PROTO_IO_WRITE, 0, 0, 0, 0};
    long h = -1, err;

    fat_new_bytes();
    err = fat_path(PROTO_FS_OPEN, "/new.txt", PROTO_O_CREAT | PROTO_O_RDWR, &h);
    if (err != 0 || h < 0) {
        test_fail("create /new.txt: %s", cairn_error_name((int)err));
        cairn_handle_close(h);
        return;
    }
    expect_ret("WRITE 3000 bytes",
               fat_call("write", h, w, fat_bytes, sizeof(fat_bytes), NULL, NULL),
               sizeof(fat_bytes));
    w[0] = PROTO_IO_SYNC;
    expect_ret("SYNC", fat_call("sync", h, w, NULL, 0, NULL, NULL), 0);
    fat_close(h);
    fat_expect_file("/new.txt", fat_bytes, sizeof(fat_bytes));
}

/* Renames and removals of the damaged names: 0 or an error each, the
 * server answering every one. */
static void
damaged_names_rename_and_unlink_cleanly(void)
{
    static const char *const gone[] = {"/sub/loop.bin", "/loop.bin", "/far.bin", "/long.txt",
                                       "/freemid.bin"};
    static const char rename_loop[] = "/loop.bin\0/sub/loop.bin";
    char *paths = fat_paths;
    uint64_t w[5] = {PROTO_FS_RENAME, 0, 0, 0, 0};
    long n;

    fat_call("rename loop.bin", fat_ep, w, rename_loop, sizeof(rename_loop) - 1, NULL, NULL);
    for (unsigned i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
        fat_path(PROTO_FS_UNLINK, gone[i], 0, NULL);
    n = fat_list("/junk");
    if (n > 0 && !strchr(fat_names[0], '/')) {
        int len = snprintf(paths, sizeof(fat_paths), "/junk/%s", fat_names[0]);

        len += 1 + snprintf(paths + len + 1, sizeof(fat_paths) - (size_t)len - 1, "/junk/renamed");
        fat_call("rename in junk", fat_ep, w, paths, (uint32_t)len, NULL, NULL);
    }
    if (n > 1 && !strchr(fat_names[1], '/')) {
        snprintf(paths, sizeof(fat_paths), "/junk/%s", fat_names[1]);
        fat_path(PROTO_FS_UNLINK, paths, 0, NULL);
    }
    fat_path(PROTO_FS_MKDIR, "/junk/made", 0755, NULL);
    fat_path(PROTO_FS_RMDIR, "/junk", 0, NULL);
    fat_list("/junk");
}

/* After all that the server still runs, answers, and lost nothing of the
 * healthy files; then it is killed. */
static void
the_server_lives_and_loses_nothing(void)
{
    int64_t status;

    expect_ret("the fat server's wait", cairn_process_wait(fat_proc, 0, &status), -CAIRN_ETIMEDOUT);
    fat_new_bytes();
    fat_expect_file("/ok.txt", fat_ok_text, sizeof(fat_ok_text) - 1);
    fat_expect_file("/sub/inner.txt", fat_inner_text, sizeof(fat_inner_text) - 1);
    fat_expect_file("/new.txt", fat_bytes, sizeof(fat_bytes));
    expect_ret("kill the fat server", cairn_process_kill(fat_proc), 0);
    expect_ret("wait for it", cairn_process_wait(fat_proc, 10 * SECOND, NULL), 0);
    cairn_handle_close(fat_proc);
    cairn_handle_close(fat_ep);
    fat_proc = fat_ep = -1;
}

/* Partition 3's boot sector claims more sectors than the partition: the
 * server says why and ends with status 0, registering nothing. */
static void
a_refused_boot_sector_ends_the_server_quietly(void)
{
    int64_t status = -1;
    long ep = fat_start("--part=3", &status);

    if (ep != -CAIRN_ENOENT || status != 0)
        test_fail("fat --part=3: %s, status %ld, not an end with 0", cairn_error_name((int)ep),
                  (long)status);
    cairn_handle_close(ep);
    cairn_handle_close(fat_proc);
    fat_proc = -1;
}

/* The fallback without interrupts: the driver started again with --poll
 * serves the same disk (after a reset of a device its predecessor left
 * busy), reads and writes byte-exact, from two threads at once. */
static void
a_polled_driver_serves_the_disk_too(void)
{
    struct chan c;
    long err;

    expect_ret("kill virtio-blk", cairn_process_kill(drv_proc), 0);
    expect_ret("wait for it", cairn_process_wait(drv_proc, 10 * SECOND, NULL), 0);
    cairn_handle_close(drv_proc);
    cairn_handle_close(dev);
    drv_proc = dev = -1;
    err = drv_start("--poll");
    if (err < 0) {
        test_fail("virtio-blk --poll did not register vblk0: %s", cairn_error_name((int)err));
        return;
    }
    c = chan_open(dev, CHAN_SIZE);
    if (c.handle < 0)
        return;
    memset(c.buf, 0x5a, 4096);
    expect_ret("WRITE 8 sectors", call4(c.handle, PROTO_BLOCK_WRITE, WRITE_FIRST + 64, 8, 0), 0);
    expect_ret("READ them back", call4(c.handle, PROTO_BLOCK_READ, WRITE_FIRST + 64, 8, 4096), 0);
    if (memcmp(c.buf, c.buf + 4096, 4096) != 0)
        test_fail("polled: the sectors read back differ from those written");
    readers_run(&c, 2);
    chan_close(&c);
}

static void
killed_driver_takes_its_handles_with_it(void)
{
    expect_ret("kill the driver", cairn_process_kill(drv_proc), 0);
    expect_ret("wait for it", cairn_process_wait(drv_proc, 10 * SECOND, NULL), 0);
    expect_ret("INFO on its device after", call4(dev, PROTO_BLOCK_INFO, 0, 0, 0), -CAIRN_ECLOSED);
    servers_stop();
    expect_stats(&before, "after both servers ended");
}

static const struct usertest tests[] = {
    USERTEST(driver_registers_the_disk_with_its_size),
    USERTEST(known_sectors_read_byte_exact),
    USERTEST(written_sectors_read_back_after_a_flush),
    USERTEST(part_list_shows_the_mbr_partitions),
    USERTEST(partition_reads_its_fat_boot_sector),
    USERTEST(bad_arguments_are_refused),
    USERTEST(four_threads_read_at_once),
    USERTEST(a_closed_channel_refuses),
    USERTEST(channels_are_bounded_and_freed_by_their_close_notices),
};

static long
idle_run(void *arg)
{
    (void)arg;
    return 0;
}

/* The main thread's stack as deep as the tests take it. */
static void
stack_touch(void)
{
    volatile uint8_t deep[24 * 1024];

    for (size_t i = 0; i < sizeof(deep); i += 512)
        deep[i] = 1;
}

/* What stays with this process for its life, made before the baseline: a
 * larger handle table, the page tables where channels and thread stacks
 * map, the pages of its static buffers and its stack. */
static void
baseline_warm(void)
{
    static long warm[1024];
    long m = cairn_memobj_create(2 * CHAN_SIZE, 0), at = -1;
    uint64_t offset, size;
    struct test_thread t[4];

    printf(
        "block: the PCI bus server and the block drivers from the initfs\n"); /* stdout's buffer */

    /* A new handle takes a slot never used before a closed one (docs/ipc.md):
     * the table grows until every slot the tests need has been used. */
    for (int i = 0; i < 1024; i++)
        warm[i] = cairn_handle_dup(CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_READ);
    for (int i = 0; i < 1024; i++)
        cairn_handle_close(warm[i]);
    for (int i = 0; i < 3; i++) {
        if (m >= 0)
            at = cairn_vm_map(m, 0, 2 * CHAN_SIZE, 0, CAIRN_PROT_READ, 0);
        if (at >= 0)
            cairn_vm_unmap((uint64_t)at, 2 * CHAN_SIZE);
    }
    cairn_handle_close(m);
    for (int i = 0; i < 4; i++)
        test_thread_start(&t[i], idle_run, NULL);
    for (int i = 0; i < 4; i++)
        test_thread_join(&t[i], 10 * SECOND, NULL);
    for (int i = 0; i < 4; i++)
        test_thread_free(&t[i]);
    memset(reply, 0, sizeof(reply));
    memset(&rec, 0, sizeof(rec));
    stack_touch();
    (void)cairn_bootinfo();
    for (unsigned i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
        (void)test_program_image(drivers[i].program, &offset, &size);
    (void)test_program_image("fat", &offset, &size);
    memset(fat_names, 0, sizeof(fat_names));
    memset(fat_data, 0, sizeof(fat_data));
    memset(fat_bytes, 0, sizeof(fat_bytes));
    memset(fat_paths, 0, sizeof(fat_paths));
}

/* Runs the tests on the current driver's disk, or its skip test; the
 * number that failed. */
static int
driver_run(void)
{
    long found;
    int failed;

    /* A first start and stop leaves what stays for the process's life
     * (page tables where the images were read, a larger handle table),
     * and a driver that finds its device as a killed one left it. */
    found = servers_start();
    if (found > 0) {
        servers_stop();
        before = stats_settled();
        found = servers_start();
    }
    if (found < 0) {
        servers_stop();
        return 1;
    }
    if (found == 0) {
        failed = harness_run(cur->tests, &cur->skip, 1);
        servers_stop();
        return failed;
    }
    failed = harness_run(cur->tests, tests, sizeof(tests) / sizeof(tests[0]));
    return failed + harness_run(cur->tests, cur->tail, cur->ntail);
}

int
main(void)
{
    int failed = 0;

    baseline_warm();
    for (unsigned i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        cur = &drivers[i];
        failed += driver_run();
    }
    return failed;
}
