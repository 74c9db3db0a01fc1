// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the PCI bus server (drivers/pci, include/proto/pci.h)
 * on the test boot's real bus (QEMU's q35 machine with its VGA and the edu
 * device tools/qemu.sh adds).
 *
 * The test plays init, as tests/os/kbdfb.c does: it starts the server from
 * the initfs with what the system's manifest gives it (the configuration
 * ports first, the PCI I/O ports, the PCI irq lines and the MSI slots, the
 * memory windows) and a registry endpoint it serves, and takes the
 * server's endpoint from the registration. Then, through the protocol
 * alone: the host bridge is listed; a claim succeeds once and a second is
 * refused; configuration reads past the device or misaligned are refused,
 * and so are writes to BARs; a released claim's handle is stale; a claim
 * ends when its claimant is killed; the display's register BAR maps and
 * answers as a Bochs display does; the edu device's MSI, programmed by
 * the server, reaches a bound notification. At the end the server is
 * killed and nothing it or the tests made is left.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/pci.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND       (1000 * MS_NS)
#define PAGE         4096ull
#define MODE_SLEEPER 0x5c1ee9u /* the copy of this program that only waits to be killed */

#define HOST_Q35     0x29c0u /* the host bridges of QEMU's two PC machines */
#define HOST_I440FX  0x1237u
#define EDU_VENDOR   0x1234u
#define EDU_DEVICE   0x11e8u
#define EDU_IDENT    0x00u /* reads 0x010000ed */
#define EDU_RAISE    0x60u
#define EDU_ACK      0x64u
#define BOCHS_ID_REG 0x500u /* the Bochs display's ID register in its MMIO BAR */

static long server = -1, registry = -1, registry_client = -1, pci = -1;
static struct cairn_debug_stats before;
static struct proto_pci_device rec;
static uint32_t recv_len;

/* One call: words w0..w4, an optional handle sent as a copy with rights;
 * the reply's words in r (if given), a received handle in *got (if given;
 * else closed), the reply's bytes in rec. Returns the reply's w[0] or the
 * call's error. */
static long
pci_call(long ep, const uint64_t *w, long send, uint32_t rights, uint64_t *r, long *got)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{w[0], w[1], w[2], w[3], w[4]}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    memset(&rec, 0, sizeof(rec));
    ext.recv_buf = (uint64_t)(uintptr_t)&rec;
    ext.recv_cap = sizeof(rec);
    if (send >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)send, rights, CAIRN_MSG_HANDLE_COPY, 0};
    }
    if (got)
        *got = -1;
    err = cairn_ipc_call_timed(ep, &msg, 10 * SECOND);
    if (err < 0)
        return err;
    recv_len = ext.recv_len;
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

static long
call5(long ep, uint64_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t w[5] = {op, a, b, c, d};

    return pci_call(ep, w, -1, 0, NULL, NULL);
}

/* A claim for process (its WAIT right sent); the device handle or an error. */
static long
claim(uint64_t how, uint64_t what, uint64_t index, uint64_t mask, long process)
{
    uint64_t w[5] = {PROTO_PCI_CLAIM, how, what, index, mask};
    long h, err;

    err = pci_call(pci, w, process, CAIRN_RIGHT_WAIT, NULL, &h);
    if (err < 0)
        return err;
    if (h < 0)
        test_fail("a claim answered 0 without a device handle");
    return h;
}

/* Finds the device by vendor:device in the list: 1 with its record in *d. */
static int
find_device(uint16_t vendor, uint16_t device, struct proto_pci_device *d)
{
    uint64_t r[5], cookie = 0;

    for (int n = 0; n < 256; n++) {
        uint64_t w[5] = {PROTO_PCI_LIST, cookie, 0, 0, 0};

        if (pci_call(pci, w, -1, 0, r, NULL) != 1)
            return 0;
        if (rec.vendor == vendor && rec.device == device) {
            *d = rec;
            return 1;
        }
        cookie = r[1];
    }
    return 0;
}

/* Starts the server with the manifest's grants (and the ECAM with the
 * boot information if ecam) and takes its registration. */
static void
server_start(int ecam)
{
    uint64_t badge;
    long err;
    char got[32];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    if (registry < 0) {
        registry = cairn_endpoint_create();
        registry_client = cairn_handle_dup(registry, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE |
                                                         CAIRN_RIGHT_TRANSFER);
    }
    if (registry < 0 || registry_client < 0) {
        test_fail("no registry (%ld, %ld)", registry, registry_client);
        return;
    }
    server = test_start_pci(registry_client, ecam);
    if (server < 0)
        return;
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    err = cairn_ipc_recv(registry, &msg, 30 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration from pci: %ld", err);
        return;
    }
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, "pci") != 0 || ext.recv_nhandles != 1)
        test_fail("pci sent op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0], got,
                  ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        pci = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
}

/* Kills the running server: its clients' calls then fail. */
static void
server_kill(void)
{
    if (server >= 0) {
        expect_ret("kill pci", cairn_process_kill(server), 0);
        expect_ret("wait for pci", cairn_process_wait(server, 10 * SECOND, NULL), 0);
        cairn_handle_close(server);
        server = -1;
    }
    if (pci >= 0)
        expect_ret("a call to the dead server", call5(pci, PROTO_PCI_LIST, 0, 0, 0, 0),
                   -CAIRN_ECLOSED);
    cairn_handle_close(pci);
    pci = -1;
}

static void
server_starts_and_registers(void)
{
    /* What stays with this process for its life, made before the baseline:
     * a larger handle table and the page tables where the BARs will map. */
    {
        long warm[64], m = cairn_memobj_create(2 * PAGE, 0), at = -1;

        for (int i = 0; i < 64; i++)
            warm[i] = cairn_handle_dup(CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_READ);
        for (int i = 0; i < 64; i++)
            cairn_handle_close(warm[i]);
        if (m >= 0)
            at = cairn_vm_map(m, 0, 2 * PAGE, 0, CAIRN_PROT_READ, 0);
        if (at >= 0)
            cairn_vm_unmap((uint64_t)at, 2 * PAGE);
        cairn_handle_close(m);
    }
    (void)cairn_bootinfo(); /* mapped for good before the baseline */
    before = stats_settled();
    server_start(0);
}

static void
the_host_bridge_and_every_function_are_listed_once(void)
{
    static uint64_t seen[256 * 32 * 8 / 64]; /* static: 8 KiB of stack would stay grown */
    uint64_t r[5], cookie = 0;
    int host = 0, n = 0;

    if (pci < 0) {
        test_fail("no server");
        return;
    }
    for (;;) {
        uint64_t w[5] = {PROTO_PCI_LIST, cookie, 0, 0, 0};
        long got = pci_call(pci, w, -1, 0, r, NULL);
        uint32_t addr;

        if (got == 0)
            break;
        if (got != 1 || recv_len != sizeof(rec)) {
            test_fail("list at %lu: %ld with %u bytes", (unsigned long)cookie, got, recv_len);
            return;
        }
        addr = PROTO_PCI_ADDRESS(rec.bus, rec.dev, rec.fn);
        if (seen[addr / 64] & (1ull << (addr % 64)))
            test_fail("%02x:%02x.%x listed twice", rec.bus, rec.dev, rec.fn);
        seen[addr / 64] |= 1ull << (addr % 64);
        if (addr == 0 && rec.vendor == 0x8086 &&
            (rec.device == HOST_Q35 || rec.device == HOST_I440FX) && rec.class_code == 0x06 &&
            rec.subclass == 0x00)
            host = 1;
        if (++n > 256 || r[1] != cookie + 1) {
            test_fail("the list does not end (cookie %lu after %lu)", (unsigned long)r[1],
                      (unsigned long)cookie);
            return;
        }
        cookie = r[1];
    }
    if (!host)
        test_fail("no Intel host bridge (8086:29c0 or 8086:1237) at 00:00.0 among %d", n);
    if (n < 3)
        test_fail("only %d functions listed", n);
    /* a cookie past the end is the end too */
    expect_ret("list far past the end", call5(pci, PROTO_PCI_LIST, 1u << 20, 0, 0, 0), 0);
}

static void
a_claim_succeeds_once_and_a_second_is_refused(void)
{
    long dev, again;
    uint64_t r[5];
    uint64_t w[5] = {PROTO_PCI_CLAIM, PROTO_PCI_BY_ADDRESS, 0, 0, 0};

    if (pci < 0)
        return;
    expect_ret("claim with a process handle lacking WAIT",
               pci_call(pci, w, CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_READ, NULL, NULL),
               -CAIRN_EINVAL);
    expect_ret("claim with a handle that is no process",
               pci_call(pci, w, registry, CAIRN_RIGHT_SIGNAL, NULL, NULL), -CAIRN_EINVAL);
    expect_ret("claim of an address past bus 255",
               claim(PROTO_PCI_BY_ADDRESS, 0x10000, 0, 0, CAIRN_INIT_HANDLE_PROCESS),
               -CAIRN_EINVAL);
    expect_ret("claim of an absent function",
               claim(PROTO_PCI_BY_ADDRESS, PROTO_PCI_ADDRESS(0xfe, 31, 7), 0, 0,
                     CAIRN_INIT_HANDLE_PROCESS),
               -CAIRN_ENOENT);
    expect_ret("claim of the 100th host bridge",
               claim(PROTO_PCI_BY_CLASS, 0x060000, 99, 0xffff00, CAIRN_INIT_HANDLE_PROCESS),
               -CAIRN_ENOENT);
    expect_ret("claim of an unknown id",
               claim(PROTO_PCI_BY_ID, 0xdeadbeef, 0, 0, CAIRN_INIT_HANDLE_PROCESS), -CAIRN_ENOENT);
    expect_ret("claim in an unknown way", claim(9, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS),
               -CAIRN_EINVAL);

    dev = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    if (dev < 0) {
        test_fail("claiming the host bridge: %s", cairn_error_name((int)dev));
        return;
    }
    if (rec.bus != 0 || rec.dev != 0 || rec.fn != 0 || !(rec.flags & PROTO_PCI_DEV_CLAIMED))
        test_fail("the claim's record is %02x:%02x.%x flags %#x", rec.bus, rec.dev, rec.fn,
                  rec.flags);
    expect_ret("a second claim by address",
               claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS), -CAIRN_EBUSY);
    expect_ret("a second claim by class",
               claim(PROTO_PCI_BY_CLASS, 0x060000, 0, 0xffff00, CAIRN_INIT_HANDLE_PROCESS),
               -CAIRN_EBUSY);
    /* the list shows it claimed */
    w[0] = PROTO_PCI_LIST;
    w[1] = 0;
    if (pci_call(pci, w, -1, 0, r, NULL) != 1 || !(rec.flags & PROTO_PCI_DEV_CLAIMED))
        test_fail("the list does not show 00:00.0 claimed (flags %#x)", rec.flags);

    /* released, the handle is stale and the device free again */
    expect_ret("release", call5(dev, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
    expect_ret("a read through a released claim", call5(dev, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0),
               -CAIRN_EBADF);
    again = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    if (again < 0)
        test_fail("claiming after the release: %s", cairn_error_name((int)again));
    expect_ret("the old handle stays stale", call5(dev, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0),
               -CAIRN_EBADF);
    if (again >= 0) {
        expect_ret("release again", call5(again, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
        cairn_handle_close(again);
    }
    cairn_handle_close(dev);
}

static void
config_access_is_bounded_to_the_device(void)
{
    long dev = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    struct proto_pci_device host = rec;
    long id;

    if (dev < 0) {
        test_fail("claiming the host bridge: %s", cairn_error_name((int)dev));
        return;
    }
    id = call5(dev, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0);
    if (id != (long)((uint32_t)host.device << 16 | host.vendor))
        test_fail("dword 0 reads %#lx, the record says %04x:%04x", id, host.vendor, host.device);
    expect_ret("the vendor as a word", call5(dev, PROTO_PCI_CONFIG_READ, 0, 2, 0, 0), host.vendor);
    expect_ret("the class as a byte", call5(dev, PROTO_PCI_CONFIG_READ, 0x0b, 1, 0, 0),
               host.class_code);
    expect_ret("the last byte", call5(dev, PROTO_PCI_CONFIG_READ, 255, 1, 0, 0) >= 0, 1);
    expect_ret("a read at 256", call5(dev, PROTO_PCI_CONFIG_READ, 256, 1, 0, 0), -CAIRN_ERANGE);
    expect_ret("a dword at 254", call5(dev, PROTO_PCI_CONFIG_READ, 254, 4, 0, 0), -CAIRN_ERANGE);
    expect_ret("a huge offset", call5(dev, PROTO_PCI_CONFIG_READ, ~0ull - 1, 2, 0, 0),
               -CAIRN_ERANGE);
    expect_ret("a misaligned word", call5(dev, PROTO_PCI_CONFIG_READ, 1, 2, 0, 0), -CAIRN_EINVAL);
    expect_ret("width 3", call5(dev, PROTO_PCI_CONFIG_READ, 0, 3, 0, 0), -CAIRN_EINVAL);
    expect_ret("width 0", call5(dev, PROTO_PCI_CONFIG_READ, 0, 0, 0, 0), -CAIRN_EINVAL);
    expect_ret("a write to BAR0", call5(dev, PROTO_PCI_CONFIG_WRITE, 0x10, 4, 0, 0), -CAIRN_EPERM);
    expect_ret("a byte write into BAR5", call5(dev, PROTO_PCI_CONFIG_WRITE, 0x27, 1, 0, 0),
               -CAIRN_EPERM);
    expect_ret("a write to the ROM BAR", call5(dev, PROTO_PCI_CONFIG_WRITE, 0x30, 4, 0, 0),
               -CAIRN_EPERM);
    expect_ret("a write wider than its value", call5(dev, PROTO_PCI_CONFIG_WRITE, 0x3c, 1, 256, 0),
               -CAIRN_EINVAL);
    expect_ret("a write past the end", call5(dev, PROTO_PCI_CONFIG_WRITE, 256, 4, 0, 0),
               -CAIRN_ERANGE);
    expect_ret("unknown enable bits", call5(dev, PROTO_PCI_ENABLE, 0x8, 0, 0, 0), -CAIRN_EINVAL);
    expect_ret("an unknown request", call5(dev, 0x6ff, 0, 0, 0, 0), -CAIRN_ENOSYS);
    expect_ret("a list on a device handle", call5(dev, PROTO_PCI_LIST, 0, 0, 0, 0), -CAIRN_EBADF);
    expect_ret("a device's read on the service handle",
               call5(pci, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0), -CAIRN_EBADF);
    expect_ret("a BAR index past the last", call5(dev, PROTO_PCI_BAR, 6, 0, 0, 0), -CAIRN_EINVAL);
    {
        uint64_t w[5] = {PROTO_PCI_CONFIG_READ, 0, 4, 0, 0};

        expect_ret("a read carrying a handle",
                   pci_call(dev, w, CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_WAIT, NULL, NULL),
                   -CAIRN_EINVAL);
        w[0] = PROTO_PCI_CLAIM;
        w[1] = PROTO_PCI_BY_ADDRESS;
        w[2] = 0;
        expect_ret("a claim through a device handle",
                   pci_call(dev, w, CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_WAIT, NULL, NULL),
                   -CAIRN_EINVAL);
    }
    expect_ret("release", call5(dev, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
    cairn_handle_close(dev);
}

static void
a_claim_ends_when_its_claimant_dies(void)
{
    long child = test_spawn("test-pci", MODE_SLEEPER, NULL, 0), dev, again, got = 0;

    if (child < 0)
        return;
    dev = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, child);
    if (dev < 0)
        test_fail("claiming for the child: %s", cairn_error_name((int)dev));
    expect_ret("a claim of ours meanwhile",
               claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS), -CAIRN_EBUSY);
    expect_ret("kill the claimant", cairn_process_kill(child), 0);
    expect_ret("wait for it", cairn_process_wait(child, 10 * SECOND, NULL), 0);
    /* the server learns of the end through its notification, which it takes
     * before the next message; a claim checks the claimant besides */
    again = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    if (again < 0)
        test_fail("claiming after the claimant died: %s", cairn_error_name((int)again));
    if (dev >= 0) {
        got = call5(dev, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0);
        if (got != -CAIRN_EBADF)
            test_fail("the dead claimant's handle reads %ld", got);
        cairn_handle_close(dev);
    }
    if (again >= 0) {
        expect_ret("release", call5(again, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
        cairn_handle_close(again);
    }
    cairn_handle_close(child);
}

/* The device handle is minted with handle_mint_notify: its last copy
 * going ends the claim, however it goes. */
static void
closing_the_last_device_handle_ends_the_claim(void)
{
    uint64_t w[5] = {PROTO_PCI_CLAIM, PROTO_PCI_BY_ADDRESS, 0, 0, 0};
    long dev = -1, copy, again;

    if (pci < 0)
        return;
    if (pci_call(pci, w, -1, 0, NULL, &dev) != 0 || dev < 0) {
        test_fail("a claim without a process handle: %ld", dev);
        return;
    }
    copy = cairn_handle_dup(dev, CAIRN_RIGHT_SIGNAL);
    expect_ret("a read through the copy", call5(copy, PROTO_PCI_CONFIG_READ, 0, 2, 0, 0),
               rec.vendor);
    cairn_handle_close(dev);
    expect_ret("claimed while a copy lives",
               claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS), -CAIRN_EBUSY);
    cairn_handle_close(copy);
    /* the notice is queued before this call: the claim has ended */
    again = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    if (again < 0) {
        test_fail("claiming after the last handle went: %s", cairn_error_name((int)again));
        return;
    }
    cairn_handle_close(again); /* ends that claim too, without a release */
    again = claim(PROTO_PCI_BY_ADDRESS, 0, 0, 0, CAIRN_INIT_HANDLE_PROCESS);
    if (again < 0)
        test_fail("claiming after closing without a release: %s", cairn_error_name((int)again));
    else
        cairn_handle_close(again);
}

static void
the_display_register_bar_maps(void)
{
    long dev = claim(PROTO_PCI_BY_CLASS, 0x030000, 0, 0xff0000, CAIRN_INIT_HANDLE_PROCESS);
    struct proto_pci_device d = rec;
    uint64_t r[5];
    int mapped = 0;

    if (dev < 0) {
        test_fail("claiming the display: %s", cairn_error_name((int)dev));
        return;
    }
    for (uint32_t i = 0; i < d.nbars; i++) {
        const struct proto_pci_bar *b = &d.bar[i];
        uint64_t w[5] = {PROTO_PCI_BAR, i, CAIRN_CACHE_UC, 0, 0};
        long mem, at;
        uint64_t off, len;

        if (b->size == 0 || (b->flags & (PROTO_PCI_BAR_UPPER | PROTO_PCI_BAR_BROKEN))) {
            if (!(b->flags & PROTO_PCI_BAR_UPPER))
                expect_ret("an empty BAR", pci_call(dev, w, -1, 0, NULL, NULL), -CAIRN_ENOENT);
            continue;
        }
        if (b->flags & (PROTO_PCI_BAR_IO | PROTO_PCI_BAR_PREFETCH))
            continue; /* the framebuffer is the kernel console's; the registers are ours */
        w[2] = 7;
        expect_ret("an unknown cache mode", pci_call(dev, w, -1, 0, NULL, NULL), -CAIRN_EINVAL);
        w[2] = CAIRN_CACHE_UC;
        if (pci_call(dev, w, -1, 0, r, &mem) != 0 || mem < 0) {
            test_fail("BAR %u at %#lx: %ld", i, (unsigned long)b->base, (long)r[0]);
            continue;
        }
        if (r[1] != b->base || r[2] != b->size || r[3] != b->flags)
            test_fail("BAR %u reply %#lx+%#lx flags %#lx", i, (unsigned long)r[1],
                      (unsigned long)r[2], (unsigned long)r[3]);
        off = b->base & (PAGE - 1);
        len = (off + b->size + PAGE - 1) & ~(PAGE - 1);
        at = cairn_vm_map(mem, 0, len, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
        if (at < 0) {
            test_fail("mapping BAR %u: %s", i, cairn_error_name((int)at));
        } else {
            mapped = 1;
            if (d.vendor == 0x1234 && d.device == 0x1111 && b->size > BOCHS_ID_REG) {
                uint16_t id = *(volatile uint16_t *)(at + off + BOCHS_ID_REG);

                if (id < 0xb0c0 || id > 0xb0cf)
                    test_fail("the Bochs display's ID register reads %#x", id);
            }
            cairn_vm_unmap((uint64_t)at, len);
        }
        cairn_handle_close(mem);
    }
    if (!mapped)
        test_fail("display %04x:%04x has no register BAR that maps", d.vendor, d.device);
    expect_ret("release", call5(dev, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
    cairn_handle_close(dev);
}

static void
the_edu_devices_msi_reaches_a_bound_notification(void)
{
    struct proto_pci_device d;
    long dev, mem = -1, irq = -1, n = -1, at = -1;
    uint64_t r[5];
    volatile uint32_t *regs;

    if (!find_device(EDU_VENDOR, EDU_DEVICE, &d)) {
        test_fail("no edu device (1234:11e8): tools/qemu.sh adds one to test boots");
        return;
    }
    if (!(d.flags & PROTO_PCI_DEV_MSI) || d.msi_cap < 0x40)
        test_fail("the edu device's MSI capability was not found (flags %#x)", d.flags);
    dev = claim(PROTO_PCI_BY_ID, (uint64_t)EDU_VENDOR << 16 | EDU_DEVICE, 0, 0,
                CAIRN_INIT_HANDLE_PROCESS);
    if (dev < 0) {
        test_fail("claiming the edu device: %s", cairn_error_name((int)dev));
        return;
    }
    {
        uint64_t w[5] = {PROTO_PCI_BAR, 0, CAIRN_CACHE_UC, 0, 0};

        if (pci_call(dev, w, -1, 0, r, &mem) != 0 || mem < 0) {
            test_fail("edu BAR0: %ld", (long)r[0]);
            goto out;
        }
    }
    at = cairn_vm_map(mem, 0, PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0) {
        test_fail("mapping edu BAR0: %s", cairn_error_name((int)at));
        goto out;
    }
    regs = (volatile uint32_t *)(at + (r[1] & (PAGE - 1)));
    if ((call5(dev, PROTO_PCI_ENABLE, PROTO_PCI_ENABLE_MEMORY | PROTO_PCI_ENABLE_MASTER, 0, 0, 0) &
         6) != 6)
        test_fail("memory decode and bus mastering not on");
    if (regs[EDU_IDENT / 4] != 0x010000edu)
        test_fail("edu identification reads %#x", regs[EDU_IDENT / 4]);
    {
        uint64_t w[5] = {PROTO_PCI_IRQ, PROTO_PCI_IRQ_MSI, 0, 0, 0};

        if (pci_call(dev, w, -1, 0, r, &irq) != 0 || irq < 0) {
            test_fail("PROTO_PCI_IRQ MSI: %ld", (long)r[0]);
            goto out;
        }
    }
    if (r[1] < CAIRN_IRQ_MSI_BASE || r[1] >= CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT)
        test_fail("the MSI slot is %lu", (unsigned long)r[1]);
    if (!(call5(dev, PROTO_PCI_CONFIG_READ, d.msi_cap + 2u, 2, 0, 0) & 1))
        test_fail("the server left MSI disabled");
    n = cairn_notify_create();
    expect_ret("irq_bind", cairn_irq_bind(irq, n, 1u << 3), 0);
    for (int round = 0; round < 3; round++) {
        uint64_t bits = 0;
        long err;

        regs[EDU_RAISE / 4] = 1u << round;
        err = cairn_notify_wait(n, 30 * SECOND, &bits);
        if (err || bits != 1u << 3) {
            test_fail("round %d: notify_wait %s, bits %#lx", round, cairn_error_name((int)err),
                      (unsigned long)bits);
            break;
        }
        regs[EDU_ACK / 4] = 1u << round;
        expect_ret("irq_ack", cairn_irq_ack(irq), 0);
    }
    expect_ret("release", call5(dev, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
    /* the release turned MSI and bus mastering off: a dead driver's device is quiet */
    {
        long c2 = claim(PROTO_PCI_BY_ID, (uint64_t)EDU_VENDOR << 16 | EDU_DEVICE, 0, 0,
                        CAIRN_INIT_HANDLE_PROCESS);

        if (c2 < 0) {
            test_fail("claiming the edu device again: %s", cairn_error_name((int)c2));
        } else {
            if (call5(c2, PROTO_PCI_CONFIG_READ, d.msi_cap + 2u, 2, 0, 0) & 1)
                test_fail("MSI still enabled after the release");
            if (call5(c2, PROTO_PCI_CONFIG_READ, 0x04, 2, 0, 0) & 4)
                test_fail("bus mastering still on after the release");
            expect_ret("release again", call5(c2, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
            cairn_handle_close(c2);
        }
    }
out:
    if (at >= 0)
        cairn_vm_unmap((uint64_t)at, PAGE);
    if (mem >= 0)
        cairn_handle_close(mem);
    if (irq >= 0)
        cairn_handle_close(irq);
    if (n >= 0)
        cairn_handle_close(n);
    cairn_handle_close(dev);
}

/* How many functions the server lists (-1 if a reply is bad). */
static long
count_listed(void)
{
    uint64_t r[5], cookie = 0;

    for (long n = 0; n <= 256; n++) {
        uint64_t w[5] = {PROTO_PCI_LIST, cookie, 0, 0, 0};
        long got = pci_call(pci, w, -1, 0, r, NULL);

        if (got == 0)
            return n;
        if (got != 1 || recv_len != sizeof(rec))
            return -1;
        cookie = r[1];
    }
    return -1;
}

/* The same bus through PCIe's ECAM, as the system's manifest has it on
 * q35: the same functions listed, and 4096 bytes of configuration space
 * a claim may read, no more. */
static void
with_the_ecam_the_server_reaches_4096_bytes(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    struct proto_pci_device first;
    uint64_t r[5];
    long dev = -1, n_ports, n_ecam;

    if (!bi || bi->acpi.ecam_handle < 0) {
        printf("pci: no ECAM in this boot: the ECAM path is not checked\n");
        return;
    }
    n_ports = pci >= 0 ? count_listed() : -1;
    server_kill();
    server_start(1);
    if (pci < 0)
        return;
    n_ecam = count_listed();
    if (n_ecam != n_ports || n_ecam < 3)
        test_fail("%ld functions through the ECAM, %ld through the ports", n_ecam, n_ports);
    {
        uint64_t w[5] = {PROTO_PCI_CLAIM, PROTO_PCI_BY_ADDRESS, 0, 0, 0};

        if (pci_call(pci, w, CAIRN_INIT_HANDLE_PROCESS, CAIRN_RIGHT_WAIT, r, &dev) != 0 ||
            dev < 0) {
            test_fail("claiming the host bridge through the ECAM: %ld", (long)r[0]);
            return;
        }
    }
    first = rec;
    if (r[2] != 4096)
        test_fail("the claim says %lu bytes of configuration space", (unsigned long)r[2]);
    expect_ret("dword 0 through the ECAM", call5(dev, PROTO_PCI_CONFIG_READ, 0, 4, 0, 0),
               (long)((uint32_t)first.device << 16 | first.vendor));
    expect_ret("an extended dword", call5(dev, PROTO_PCI_CONFIG_READ, 0x100, 4, 0, 0) >= 0, 1);
    expect_ret("the last dword", call5(dev, PROTO_PCI_CONFIG_READ, 0xffc, 4, 0, 0) >= 0, 1);
    expect_ret("a read at 4096", call5(dev, PROTO_PCI_CONFIG_READ, 0x1000, 1, 0, 0), -CAIRN_ERANGE);
    expect_ret("a dword at 4094", call5(dev, PROTO_PCI_CONFIG_READ, 0xffe, 4, 0, 0), -CAIRN_ERANGE);
    expect_ret("release", call5(dev, PROTO_PCI_RELEASE, 0, 0, 0, 0), 0);
    cairn_handle_close(dev);
}

static void
killing_the_server_leaves_nothing(void)
{
    server_kill();
    cairn_handle_close(registry_client);
    cairn_handle_close(registry);
    expect_stats(&before, "after the PCI tests");
}

static const struct usertest tests[] = {
    USERTEST(server_starts_and_registers),
    USERTEST(the_host_bridge_and_every_function_are_listed_once),
    USERTEST(a_claim_succeeds_once_and_a_second_is_refused),
    USERTEST(config_access_is_bounded_to_the_device),
    USERTEST(a_claim_ends_when_its_claimant_dies),
    USERTEST(closing_the_last_device_handle_ends_the_claim),
    USERTEST(the_display_register_bar_maps),
    USERTEST(the_edu_devices_msi_reaches_a_bound_notification),
    USERTEST(with_the_ecam_the_server_reaches_4096_bytes),
    USERTEST(killing_the_server_leaves_nothing),
};

int
main(void)
{
    if (cairn_start_arg() == MODE_SLEEPER) {
        for (;;) /* until killed: a stalled host may jump the clock a minute on */
            cairn_thread_sleep(60 * SECOND);
    }
    return harness_run("pci", tests, sizeof(tests) / sizeof(tests[0]));
}
