// SPDX-License-Identifier: MIT
/*
 * The PCI bus server: start-up, the claims and the receive loop
 * (include/proto/pci.h is the protocol, docs/pci.md the story).
 *
 *     pci [NAME]
 *
 * Start handles (include/proto/handles.h), in the manifest's order:
 * PROTO_HANDLE_IOPORT, first the configuration ports 0xcf8-0xcff, which
 * the server enables for itself, then the ranges it hands out as I/O
 * BARs; PROTO_HANDLE_IRQ, the irq ranges (GSIs, MSI slots) it makes
 * interrupts from; PROTO_HANDLE_MEMORY, the physical ranges it makes BAR
 * memory objects from; PROTO_HANDLE_REGISTRY, where it registers as NAME
 * (default `pci`); with `grant = ecam`, PROTO_HANDLE_ECAM and
 * PROTO_HANDLE_BOOTINFO, PCIe's configuration space and the boot
 * information that says which buses it decodes: configuration space is
 * then reached there, 4 KiB per function, instead of through the ports.
 *
 * The bus is walked once, at start; the list then stays as it was. One
 * thread serves everything: requests on the endpoint; the close notice of
 * a device handle whose last copy went (it is minted with
 * handle_mint_notify); and the ends of claimants that named their
 * process, which reach the same receive as bits of a notification bound
 * to the thread (claim slot k watches its process on bit k).
 *
 * Invariants: dstate[i].claim is the claim slot of device i or -1, and
 * claims[k].dev is i exactly when dstate[i].claim is k; a device handle's
 * badge is dstate[i].gen << 16 | (i + 1) for a claim that still holds, so
 * a badge of an ended claim never matches again (gen only grows).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/device.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/pci.h>

#include "pci.h"

#define PCI_GRANTS_MAX    8
#define PAGE              4096ull
/* What a device handle lets its holder do with it: call and pass it on. */
#define PCI_CLIENT_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

struct pci_dev_state {
    int32_t claim; /* the claim slot, or -1 */
    uint32_t gen;  /* the claim's number, in the badge */
};

struct pci_claim {
    int32_t dev;  /* the device, or -1: the slot is free */
    long process; /* the claimant's process (WAIT) watched on the slot's bit, or -1 */
};

static struct proto_pci_device devs[PCI_DEVICES_MAX];

/* The ECAM's physical range, when the server uses one: no BAR it bounds
 * at a claim may reach it (pci_bound_bars). */
static uint64_t ecam_phys, ecam_bytes;
static struct pci_dev_state dstate[PCI_DEVICES_MAX];
static struct pci_claim claims[PROTO_PCI_CLAIMS_MAX];
static uint32_t ndevs, claim_gen;
static long ep = -1, notif = -1;
static long ioports[PCI_GRANTS_MAX], irqs[PCI_GRANTS_MAX], mems[PCI_GRANTS_MAX];
static uint32_t nioports, nirqs, nmems;
static uint8_t in_buf[64];

static int
fail(const char *what, long err)
{
    printf("pci: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

static uint32_t
dev_address(const struct proto_pci_device *d)
{
    return PROTO_PCI_ADDRESS(d->bus, d->dev, d->fn);
}

/* --- claims ----------------------------------------------------------------------------- */

/* Ends device i's claim: its device handles go stale, the device stops
 * mastering the bus and sending MSIs, the watch goes. */
static void
pci_release(uint32_t i)
{
    const struct proto_pci_device *d = &devs[i];
    uint32_t addr = dev_address(d);
    int32_t k = dstate[i].claim;

    if (k < 0)
        return;
    pci_cfg_write(addr, PCI_CFG_COMMAND, 2, pci_cfg_read(addr, PCI_CFG_COMMAND, 2) & ~0x4u);
    if (d->msi_cap)
        pci_cfg_write(addr, d->msi_cap + 2u, 2, pci_cfg_read(addr, d->msi_cap + 2u, 2) & ~0x1u);
    if (d->msix_cap)
        pci_cfg_write(addr, d->msix_cap + 2u, 2,
                      pci_cfg_read(addr, d->msix_cap + 2u, 2) & ~0x8000u);
    if (claims[k].process >= 0) {
        (void)cairn_process_watch(claims[k].process, notif, 0);
        cairn_handle_close(claims[k].process);
    }
    claims[k] = (struct pci_claim){-1, -1};
    dstate[i].claim = -1;
}

/* Bits of ended claimants: each slot's process is asked whether it really
 * ended (a bit may be left over from a claim released meanwhile). */
static void
pci_claimants_ended(uint64_t bits)
{
    for (uint32_t k = 0; k < PROTO_PCI_CLAIMS_MAX; k++) {
        if (!(bits & (1ull << k)) || claims[k].dev < 0 || claims[k].process < 0)
            continue;
        if (cairn_process_wait(claims[k].process, 0, NULL) == 0)
            pci_release((uint32_t)claims[k].dev);
    }
}

/* The device a claim request names, or a negative code. */
static long
pci_find(const uint64_t *w)
{
    uint64_t seen = 0;

    for (uint32_t i = 0; i < ndevs; i++) {
        const struct proto_pci_device *d = &devs[i];
        uint32_t cls = (uint32_t)d->class_code << 16 | (uint32_t)d->subclass << 8 | d->prog_if;
        int match;

        switch (w[1]) {
        case PROTO_PCI_BY_ADDRESS:
            if (w[2] > 0xffffu)
                return -CAIRN_EINVAL;
            if (dev_address(d) == w[2])
                return i;
            continue;
        case PROTO_PCI_BY_ID:
            match = w[2] == ((uint64_t)d->vendor << 16 | d->device);
            break;
        case PROTO_PCI_BY_CLASS:
            if ((w[2] | w[4]) > 0xffffffu)
                return -CAIRN_EINVAL;
            match = (cls & w[4]) == (w[2] & w[4]);
            break;
        default:
            return -CAIRN_EINVAL;
        }
        if (match && seen++ == w[3])
            return i;
    }
    return -CAIRN_ENOENT;
}

/* PROTO_PCI_CLAIM. process is the claimant's process handle or -1, which
 * this takes (kept for the claim, or closed). The device handle in *out. */
static long
pci_do_claim(const uint64_t *w, long process, long *out, uint64_t *r)
{
    struct cairn_handle_info info;
    long i, h, err;
    int32_t k = -1;

    if (process >= 0 && (cairn_handle_info(process, &info) < 0 || info.type != CAIRN_OBJ_PROCESS ||
                         !(info.rights & CAIRN_RIGHT_WAIT))) {
        err = -CAIRN_EINVAL;
        goto err_close;
    }
    i = pci_find(w);
    if (i < 0) {
        err = i;
        goto err_close;
    }
    if (dstate[i].claim >= 0) {
        /* a claimant that ended without its bit taken yet loses it now */
        long old = claims[dstate[i].claim].process;

        if (old < 0 || cairn_process_wait(old, 0, NULL) != 0) {
            err = -CAIRN_EBUSY;
            goto err_close;
        }
        pci_release((uint32_t)i);
    }
    for (uint32_t s = 0; s < PROTO_PCI_CLAIMS_MAX && k < 0; s++)
        if (claims[s].dev < 0)
            k = (int32_t)s;
    if (k < 0) {
        err = -CAIRN_ENOMEM;
        goto err_close;
    }
    h = cairn_handle_mint_notify(ep, PCI_CLIENT_RIGHTS,
                                 (uint64_t)(claim_gen + 1) << 16 | (uint64_t)(i + 1));
    if (h < 0) {
        err = h;
        goto err_close;
    }
    err = process >= 0 ? cairn_process_watch(process, notif, 1ull << k) : 0;
    if (err < 0) {
        cairn_handle_close(h);
        goto err_close;
    }
    claim_gen++;
    /* A function that decoded at the walk is never probed (under QEMU 7.2 a
     * probe while another CPU touched a device ended the emulator one boot
     * in three with a virtio disk): its BARs get the most they can be. */
    pci_bound_bars(devs, ndevs, i, ecam_phys, ecam_bytes);
    dstate[i] = (struct pci_dev_state){k, claim_gen};
    claims[k] = (struct pci_claim){(int32_t)i, process};
    *out = h;
    r[1] = dev_address(&devs[i]);
    r[2] = pci_cfg_size();
    return i;

err_close:
    if (process >= 0)
        cairn_handle_close(process);
    return err;
}

/* --- requests on a device --------------------------------------------------------------- */

/* Checks a configuration access; 0 or a negative code. */
static long
pci_check_access(uint64_t off, uint64_t width)
{
    if (width != 1 && width != 2 && width != 4)
        return -CAIRN_EINVAL;
    if (off >= pci_cfg_size() || off + width > pci_cfg_size())
        return -CAIRN_ERANGE;
    if (off % width != 0)
        return -CAIRN_EINVAL;
    return 0;
}

/* Does a memory BAR of a device other than i lie in [from, to)? */
static int
pci_pages_shared(uint32_t i, uint64_t from, uint64_t to)
{
    for (uint32_t j = 0; j < ndevs; j++) {
        if (j == i)
            continue;
        for (uint32_t b = 0; b < devs[j].nbars; b++) {
            const struct proto_pci_bar *o = &devs[j].bar[b];

            /* an unsized BAR takes at least the page of its base */
            uint64_t size = o->flags & PROTO_PCI_BAR_UNSIZED ? o->base != 0 : o->size;

            if (size && !(o->flags & (PROTO_PCI_BAR_IO | PROTO_PCI_BAR_UPPER)) && o->base < to &&
                o->base + size > from)
                return 1;
        }
    }
    return 0;
}

/* PROTO_PCI_BAR: the handle in *out, w[1..3] of the reply in r. */
static long
pci_do_bar(uint32_t i, const uint64_t *w, long *out, uint64_t *r)
{
    const struct proto_pci_device *d = &devs[i];
    const struct proto_pci_bar *b;
    long h = -CAIRN_ERANGE;

    if (w[1] >= d->nbars)
        return -CAIRN_EINVAL;
    b = &d->bar[w[1]];
    if (b->size == 0 || (b->flags & (PROTO_PCI_BAR_UPPER | PROTO_PCI_BAR_BROKEN)))
        return -CAIRN_ENOENT;
    if (b->flags & PROTO_PCI_BAR_IO) {
        /* the first port range is the configuration mechanism's own */
        for (uint32_t k = 1; k < nioports && h < 0; k++)
            h = cairn_resource_create(ioports[k], b->base, b->size);
    } else {
        uint64_t from = b->base & ~(PAGE - 1), to = (b->base + b->size + PAGE - 1) & ~(PAGE - 1);

        if (w[2] != CAIRN_CACHE_UC && w[2] != CAIRN_CACHE_WC)
            return -CAIRN_EINVAL;
        if (pci_pages_shared(i, from, to))
            return -CAIRN_EPERM;
        for (uint32_t k = 0; k < nmems && h < 0; k++) {
            h = cairn_memobj_create_dev(mems[k], from, to - from, w[2]);
            if (h == -CAIRN_EPERM)
                break; /* the kernel's refusal (RAM, an APIC) holds for every range */
        }
    }
    if (h < 0)
        return h;
    *out = h;
    r[1] = b->base;
    r[2] = b->size;
    r[3] = b->flags;
    return 0;
}

/* An irq object from the first irq range that takes it. */
static long
pci_irq_create(uint64_t line, uint64_t flags)
{
    long h = -CAIRN_ERANGE;

    for (uint32_t k = 0; k < nirqs; k++) {
        h = cairn_irq_create(irqs[k], line, flags);
        if (h != -CAIRN_ERANGE)
            break;
    }
    return h;
}

/* PROTO_PCI_IRQ: the irq object in *out, the line in *line. */
static long
pci_do_irq(uint32_t i, const uint64_t *w, long *out, uint64_t *line)
{
    const struct proto_pci_device *d = &devs[i];
    uint32_t addr = dev_address(d), cap = d->msi_cap, ctrl;
    struct cairn_irq_msi msi;
    long h, err;

    switch (w[1]) {
    case PROTO_PCI_IRQ_LEGACY:
        if (d->irq_pin == 0 || d->irq_line == 0 || d->irq_line == 0xff)
            return -CAIRN_ENOENT;
        h = d->irq_line < 16 ? pci_irq_create(d->irq_line, CAIRN_IRQ_ISA)
                             : pci_irq_create(d->irq_line, CAIRN_IRQ_LEVEL | CAIRN_IRQ_ACTIVE_LOW);
        if (h < 0)
            return h;
        *line = d->irq_line;
        break;
    case PROTO_PCI_IRQ_MSI:
    case PROTO_PCI_IRQ_MSI_RAW:
        if (w[1] == PROTO_PCI_IRQ_MSI && !cap)
            return -CAIRN_ENOENT;
        h = pci_irq_create(0, CAIRN_IRQ_MSI);
        if (h < 0)
            return h;
        if ((err = cairn_irq_msi(h, &msi)) < 0) {
            cairn_handle_close(h);
            return err;
        }
        *line = msi.slot;
        if (w[1] == PROTO_PCI_IRQ_MSI_RAW)
            break;
        ctrl = pci_cfg_read(addr, cap + 2u, 2);
        pci_cfg_write(addr, cap + 4u, 4, (uint32_t)msi.address);
        if (ctrl & 0x80u) { /* 64-bit message address */
            pci_cfg_write(addr, cap + 8u, 4, (uint32_t)(msi.address >> 32));
            pci_cfg_write(addr, cap + 12u, 2, msi.data & 0xffffu);
        } else {
            pci_cfg_write(addr, cap + 8u, 2, msi.data & 0xffffu);
        }
        /* one vector (MME 0), enabled; the INTx line quiet */
        pci_cfg_write(addr, cap + 2u, 2, (ctrl & ~0x70u) | 0x1u);
        pci_cfg_write(addr, PCI_CFG_COMMAND, 2,
                      pci_cfg_read(addr, PCI_CFG_COMMAND, 2) | PCI_CMD_INTX_DISABLE);
        break;
    default:
        return -CAIRN_EINVAL;
    }
    *out = h;
    return 0;
}

/* One request on device i's handle; the reply's words in r, a handle to
 * move in *out. */
static void
pci_device_request(uint32_t i, const uint64_t *w, uint64_t *r, long *out)
{
    uint32_t addr = dev_address(&devs[i]), cmd;
    long err;

    switch (w[0]) {
    case PROTO_PCI_CONFIG_READ:
        err = pci_check_access(w[1], w[2]);
        r[0] = err < 0 ? (uint64_t)err : pci_cfg_read(addr, (uint32_t)w[1], (uint32_t)w[2]);
        break;
    case PROTO_PCI_CONFIG_WRITE:
        err = pci_check_access(w[1], w[2]);
        if (err == 0 && pci_config_reserved(devs[i].header_type, (uint32_t)w[1], (uint32_t)w[2]))
            err = -CAIRN_EPERM;
        if (err == 0 && w[2] < 4 && w[3] >> (8 * w[2]))
            err = -CAIRN_EINVAL; /* a value wider than the access */
        if (err == 0)
            pci_cfg_write(addr, (uint32_t)w[1], (uint32_t)w[2], (uint32_t)w[3]);
        r[0] = (uint64_t)err;
        break;
    case PROTO_PCI_BAR:
        r[0] = (uint64_t)pci_do_bar(i, w, out, r);
        break;
    case PROTO_PCI_IRQ:
        r[0] = (uint64_t)pci_do_irq(i, w, out, &r[1]);
        break;
    case PROTO_PCI_ENABLE: {
        const uint64_t bits =
            PROTO_PCI_ENABLE_IO | PROTO_PCI_ENABLE_MEMORY | PROTO_PCI_ENABLE_MASTER;

        if ((w[1] | w[2]) & ~bits) {
            r[0] = (uint64_t)-CAIRN_EINVAL;
            break;
        }
        cmd = pci_cfg_read(addr, PCI_CFG_COMMAND, 2);
        cmd = (cmd & ~(uint32_t)w[2]) | (uint32_t)w[1];
        pci_cfg_write(addr, PCI_CFG_COMMAND, 2, cmd);
        r[0] = pci_cfg_read(addr, PCI_CFG_COMMAND, 2);
        break;
    }
    case PROTO_PCI_RELEASE:
        pci_release(i);
        r[0] = 0;
        break;
    case PROTO_PCI_LIST:
    case PROTO_PCI_CLAIM:
        r[0] = (uint64_t)-CAIRN_EBADF; /* the service's requests, not a device's */
        break;
    default:
        r[0] = (uint64_t)-CAIRN_ENOSYS;
    }
}

/* The device a badge names while its claim holds, or -1. */
static long
pci_badge_device(uint64_t badge)
{
    uint64_t i = (badge & 0xffffu) - 1;

    if (i >= ndevs || dstate[i].claim < 0 || dstate[i].gen != badge >> 16)
        return -1;
    return (long)i;
}

/* One request: always answered at once. */
static void
pci_dispatch(long err, uint64_t badge, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    static struct proto_pci_device rec;
    uint64_t r[CAIRN_MSG_WORDS] = {0};
    const uint64_t *w = msg->w;
    long out = -1, process = -1, i;
    uint32_t len = 0;
    struct cairn_msg_ext rext;

    /* Only a claim on the service handle carries a handle (the claimant's
     * process); anything else sent is closed, never kept. */
    uint32_t may_carry = badge == 0 && w[0] == PROTO_PCI_CLAIM;

    if (err == CAIRN_MSG_TRUNCATED || ext->recv_nhandles > may_carry) {
        for (uint32_t k = 0; k < ext->recv_nhandles; k++)
            cairn_handle_close(ext->recv_handles[k]); /* never keep what a client sends */
        r[0] = (uint64_t)-CAIRN_EINVAL;
    } else if (badge != 0) {
        i = pci_badge_device(badge);
        if (i < 0)
            r[0] = (uint64_t)-CAIRN_EBADF;
        else
            pci_device_request((uint32_t)i, w, r, &out);
    } else if (w[0] == PROTO_PCI_LIST) {
        if (w[1] < ndevs) {
            rec = devs[w[1]];
            if (dstate[w[1]].claim >= 0)
                rec.flags |= PROTO_PCI_DEV_CLAIMED;
            len = sizeof(rec);
            r[0] = 1;
            r[1] = w[1] + 1;
        }
    } else if (w[0] == PROTO_PCI_CLAIM) {
        if (ext->recv_nhandles == 1)
            process = ext->recv_handles[0];
        i = pci_do_claim(w, process, &out, r);
        if (i >= 0) {
            rec = devs[i];
            rec.flags |= PROTO_PCI_DEV_CLAIMED;
            len = sizeof(rec);
        }
        r[0] = i < 0 ? (uint64_t)i : 0;
    } else if (w[0] >= PROTO_PCI_CONFIG_READ && w[0] <= PROTO_PCI_RELEASE) {
        r[0] = (uint64_t)-CAIRN_EBADF; /* a device's request on the service handle */
    } else {
        r[0] = (uint64_t)-CAIRN_ENOSYS;
    }
    memset(&rext, 0, sizeof(rext));
    rext.send_buf = (uint64_t)(uintptr_t)&rec;
    rext.send_len = len;
    if (out >= 0) {
        rext.send_nhandles = 1;
        rext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)out, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    memcpy(msg->w, r, sizeof(r));
    msg->ext = &rext;
    if (cairn_ipc_reply(msg) < 0 && out >= 0)
        cairn_handle_close(out); /* a caller gone: the handle may still be ours */
}

/* --- start ------------------------------------------------------------------------------ */

/* Collects the start handles of a kind (up to PCI_GRANTS_MAX). */
static uint32_t
pci_start_handles(int kind, long *out)
{
    uint32_t n = 0;

    for (uint32_t i = 0; n < PCI_GRANTS_MAX; i++) {
        long h = cairn_start_handle(kind, i);

        if (h < 0)
            break;
        out[n++] = h;
    }
    return n;
}

/* With `grant = ecam`: maps the ECAM the boot information describes and
 * uses it from now on. 1 if it does, 0 if there is none to use. */
static int
pci_ecam_start(void)
{
    long ecam = cairn_start_handle(PROTO_HANDLE_ECAM, 0);
    long info = cairn_start_handle(PROTO_HANDLE_BOOTINFO, 0), at, base;
    const struct cairn_bootinfo *bi;
    uint64_t first, last, size;

    if (ecam < 0 || info < 0)
        return 0;
    at = cairn_vm_map(info, 0, PAGE, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        fail("mapping the boot information", at);
        return 0;
    }
    bi = (const struct cairn_bootinfo *)at;
    first = bi->acpi.ecam_bus_first;
    last = bi->acpi.ecam_bus_last;
    size = bi->acpi.ecam_size;
    if (bi->magic != CAIRN_BOOTINFO_MAGIC || bi->version < 2 || bi->acpi.ecam_phys == 0 ||
        last < first || size != (last - first + 1) << 20) {
        printf("pci: the boot information describes no usable ECAM: using the ports\n");
        cairn_vm_unmap((uint64_t)at, PAGE);
        return 0;
    }
    ecam_phys = bi->acpi.ecam_phys;
    cairn_vm_unmap((uint64_t)at, PAGE);
    base = cairn_vm_map(ecam, 0, size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (base < 0) {
        fail("mapping the ECAM, using the ports", base);
        return 0;
    }
    pci_cfg_use_ecam((volatile uint8_t *)base, (uint32_t)first, (uint32_t)last);
    ecam_bytes = size;
    return 1;
}

/* Is a configuration mechanism there? Where the ports have none, the data
 * port reads all ones, as an absent function does; every PCI machine has
 * a host bridge at 00:00.0. */
static int
pci_mechanism_present(void)
{
    uint32_t id = pci_cfg_read(0, PCI_CFG_VENDOR, 4);

    return (id & 0xffffu) != 0xffffu && (id & 0xffffu) != 0;
}

int
main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "pci";
    struct pci_enum_stats st = {0, 0, 0, 0};
    long client, err;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return fail("usage: pci [NAME]", -CAIRN_EINVAL);
    nioports = pci_start_handles(PROTO_HANDLE_IOPORT, ioports);
    nirqs = pci_start_handles(PROTO_HANDLE_IRQ, irqs);
    nmems = pci_start_handles(PROTO_HANDLE_MEMORY, mems);
    if (nioports == 0)
        return fail("no I/O port range among the start handles (0xcf8-0xcff first)", -CAIRN_ENOENT);
    if ((err = cairn_ioport_enable(ioports[0], -1, 1)) < 0)
        return fail("ioport_enable of the configuration ports", err);
    for (uint32_t k = 0; k < PROTO_PCI_CLAIMS_MAX; k++)
        claims[k] = (struct pci_claim){-1, -1};
    for (uint32_t i = 0; i < PCI_DEVICES_MAX; i++)
        dstate[i] = (struct pci_dev_state){-1, 0};
    (void)pci_ecam_start();
    if (pci_mechanism_present())
        ndevs = pci_enum(&pci_config_access, devs, PCI_DEVICES_MAX, &st);
    else
        printf("pci: no host bridge answers at 00:00.0: an empty bus\n");

    notif = cairn_notify_create();
    if (notif < 0)
        return fail("notify_create", notif);
    if ((err = cairn_notify_bind(notif)) < 0)
        return fail("notify_bind", err);
    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    client = cairn_handle_dup(ep, PCI_CLIENT_RIGHTS);
    if (client < 0)
        return fail("handle_dup", client);
    err = cairn_registry_register(name, client);
    cairn_handle_close(client);
    if (err < 0)
        return fail("registering", err);
    printf("pci: %s: %u functions on %u buses, configuration space %s", name, ndevs, st.buses,
           pci_cfg_size() == PCI_CONFIG_SIZE_ECAM ? "by ECAM" : "by ports 0xcf8-0xcff");
    if (st.dropped)
        printf(", %u more not recorded", st.dropped);
    if (st.bad_bridges)
        printf(", %u bridges not followed", st.bad_bridges);
    printf("\n");

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)in_buf;
        ext.recv_cap = sizeof(in_buf);
        err = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err == CAIRN_IPC_NOTIFIED) {
            pci_claimants_ended(badge);
        } else if (err == CAIRN_IPC_CLOSED) {
            long i = pci_badge_device(badge); /* the last copy of a device handle went */

            if (i >= 0)
                pci_release((uint32_t)i);
        } else if (err == 0 || err == CAIRN_MSG_TRUNCATED) {
            pci_dispatch(err, badge, &msg, &ext);
        } else {
            return fail("ipc_recv", err);
        }
    }
}
