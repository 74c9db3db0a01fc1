// SPDX-License-Identifier: MIT
/*
 * The virtio block driver: start-up and the PCI side (vblk.h has the
 * layers; docs/storage.md the story).
 *
 *     virtio-blk
 *
 * Start handles: PROTO_HANDLE_REGISTRY (it looks up `pci` and registers
 * `vblk0`, `vblk1`, ...) and PROTO_HANDLE_MEMORY, a physical range whose
 * only use is the right to make DMA memory (memobj_create_dma needs one;
 * docs/init.md). It claims, in the list's order, every virtio block device
 * the PCI bus server lists, modern (1af4:1042) or transitional (1af4:1001, which QEMU's
 * virtio-blk-pci is on q35's root bus, and which carries the modern
 * capabilities too), up to BLKSERVE_DISKS_MAX, and serves them all from
 * one lib/blkserve loop. Interrupts: MSI-X vector 0 for the queue where
 * the device has MSI-X, else the INTx line, else polling.
 *
 * With no device it says so once and ends with status 0, so that init
 * (restart = on-failure) does not start it again; a device that fails to
 * start is released and named in the log, and the others are served.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/pci.h>

#include "vblk.h"

#define SECOND        1000000000ull
#define VIRTIO_VENDOR 0x1af4u
#define MSIX_ENABLE   0x8000u
#define MSIX_MASKALL  0x4000u

static long pci = -1;
static struct vblk disks[BLKSERVE_DISKS_MAX];
static struct proto_pci_device info;

/* One call to the PCI bus server: w[0..4] in, the reply's words in w, a
 * handle received in *got (or closed), the device record in `info`.
 * Returns the reply's w[0] or the call's error. */
static long
pci_call(long ep, uint64_t *w, long *got)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{w[0], w[1], w[2], w[3], w[4]}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)&info;
    ext.recv_cap = sizeof(info);
    if (got)
        *got = -1;
    err = cairn_ipc_call_timed(ep, &msg, 10 * SECOND);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++) {
        if (i == 0 && got)
            *got = ext.recv_handles[0];
        else
            cairn_handle_close(ext.recv_handles[i]);
    }
    memcpy(w, msg.w, sizeof(msg.w));
    return (long)msg.w[0];
}

long
vblk_cfg_read(struct vblk *v, uint32_t off, uint32_t width)
{
    uint64_t w[5] = {PROTO_PCI_CONFIG_READ, off, width, 0, 0};

    return pci_call(v->pci_dev, w, NULL);
}

long
vblk_cfg_write(struct vblk *v, uint32_t off, uint32_t width, uint32_t value)
{
    uint64_t w[5] = {PROTO_PCI_CONFIG_WRITE, off, width, value, 0};

    return pci_call(v->pci_dev, w, NULL);
}

int
vblk_bar(struct vblk *v, uint32_t bar, volatile uint8_t **at, uint64_t *size)
{
    if (bar > 5)
        return -CAIRN_EINVAL;
    if (!v->bar_at[bar]) {
        uint64_t w[5] = {PROTO_PCI_BAR, bar, CAIRN_CACHE_UC, 0, 0};
        long mo, err = pci_call(v->pci_dev, w, &mo), map;

        if (err < 0 || mo < 0)
            return err < 0 ? (int)err : -CAIRN_EIO;
        if (w[3] & PROTO_PCI_BAR_IO) {
            cairn_handle_close(mo);
            return -CAIRN_EINVAL; /* an I/O BAR: virtio 1.x structures are in memory */
        }
        map = cairn_vm_map(mo, 0, (w[1] % 4096 + w[2] + 4095) & ~4095ull, 0,
                           CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
        cairn_handle_close(mo); /* the mapping keeps it */
        if (map < 0)
            return (int)map;
        v->bar_at[bar] = (volatile uint8_t *)map + w[1] % 4096;
        v->bar_size[bar] = w[2];
    }
    *at = v->bar_at[bar];
    *size = v->bar_size[bar];
    return 0;
}

/*
 * MSI-X: an MSI slot from the server, its message in table entry 0
 * (unmasked), MSI-X enabled. 0, or a negative code and nothing enabled.
 */
static int
irq_msix(struct vblk *v, uint32_t cap)
{
    uint64_t w[5] = {PROTO_PCI_IRQ, PROTO_PCI_IRQ_MSI_RAW, 0, 0, 0};
    long ctl = vblk_cfg_read(v, cap + 2, 2), table = vblk_cfg_read(v, cap + 4, 4), irq;
    struct cairn_irq_msi msi;
    volatile uint8_t *bar;
    volatile uint32_t *e;
    uint64_t size;
    int err;

    if (ctl < 0 || table < 0)
        return -CAIRN_EIO;
    err = vblk_bar(v, (uint32_t)table & 7, &bar, &size);
    if (err || (uint64_t)(table & ~7l) + 16 > size)
        return err ? err : -CAIRN_EIO;
    if (pci_call(v->pci_dev, w, &irq) < 0 || irq < 0)
        return -CAIRN_EBUSY;
    v->irq_bits = v->irq_bits ? v->irq_bits : blkserve_bits(1);
    if (cairn_irq_msi(irq, &msi) < 0 ||
        cairn_irq_bind(irq, blkserve_notification(), v->irq_bits) < 0) {
        cairn_handle_close(irq);
        return -CAIRN_EIO;
    }
    e = (volatile uint32_t *)(bar + (table & ~7l));
    e[0] = (uint32_t)msi.address;
    e[1] = (uint32_t)(msi.address >> 32);
    e[2] = msi.data;
    e[3] = 0; /* unmasked */
    if (vblk_cfg_write(v, cap + 2, 2, ((uint32_t)ctl | MSIX_ENABLE) & ~MSIX_MASKALL) < 0) {
        cairn_handle_close(irq);
        return -CAIRN_EIO;
    }
    v->irq = irq;
    v->msix = 1;
    return 0;
}

/* The INTx line, where there is no MSI-X (a guess on q35: docs/pci.md). */
static int
irq_legacy(struct vblk *v)
{
    uint64_t w[5] = {PROTO_PCI_IRQ, PROTO_PCI_IRQ_LEGACY, 0, 0, 0};
    long irq;

    if (pci_call(v->pci_dev, w, &irq) < 0 || irq < 0)
        return -CAIRN_ENOENT;
    v->irq_bits = v->irq_bits ? v->irq_bits : blkserve_bits(1);
    if (cairn_irq_bind(irq, blkserve_notification(), v->irq_bits) < 0) {
        cairn_handle_close(irq);
        return -CAIRN_EIO;
    }
    v->irq = irq;
    return 0;
}

/* Claims the device at addr, starts it and adds it as disk n: 0, or a
 * negative code (the device released, a line in the log). */
static int
probe(uint32_t addr, unsigned n)
{
    uint64_t w[5] = {PROTO_PCI_CLAIM, PROTO_PCI_BY_ADDRESS, addr, 0, 0};
    struct vblk *v = &disks[n];
    struct blkserve_disk d;
    long dev, err = pci_call(pci, w, &dev);
    uint32_t msix_cap;

    if (err < 0 || dev < 0) {
        printf("virtio-blk: claiming %02x:%02x.%u: %s\n", addr >> 8, (addr >> 3) & 31, addr & 7,
               cairn_strerror((int)(err < 0 ? err : -CAIRN_EIO)));
        return err < 0 ? (int)err : -CAIRN_EIO;
    }
    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "vblk%u", n);
    v->pci_dev = dev;
    v->irq = -1;
    msix_cap = (info.flags & PROTO_PCI_DEV_MSIX) ? info.msix_cap : 0;
    {
        uint64_t en[5] = {PROTO_PCI_ENABLE, PROTO_PCI_ENABLE_MEMORY | PROTO_PCI_ENABLE_MASTER, 0, 0,
                          0};

        err = pci_call(dev, en, NULL);
    }
    if (err >= 0 && !(msix_cap && irq_msix(v, msix_cap) == 0) && irq_legacy(v) < 0)
        printf("virtio-blk: %s: no interrupt; polling\n", v->name);
    if (err >= 0)
        err = vblk_start(v);
    if (err < 0) {
        uint64_t rel[5] = {PROTO_PCI_RELEASE, 0, 0, 0, 0};

        pci_call(dev, rel, NULL);
        cairn_handle_close(dev);
        if (v->irq >= 0)
            cairn_handle_close(v->irq);
        return (int)err;
    }
    if (v->irq >= 0 && !v->msix && msix_cap) {
        cairn_handle_close(v->irq); /* the device refused its vector: polled */
        v->irq = -1;
    }
    memset(&d, 0, sizeof(d));
    d.name = v->name;
    snprintf(d.model, sizeof(d.model), "virtio-blk");
    d.sector_size = v->sector_size;
    d.sectors = v->sectors;
    d.flags = (v->features & (1ull << 5)) ? PROTO_BLOCK_RDONLY : 0;
    d.depth = v->nslots < BLKSERVE_DEPTH_MAX ? v->nslots : BLKSERVE_DEPTH_MAX;
    d.max_sectors = BLKSERVE_IO_BYTES / v->sector_size;
    d.irq_bits = v->irq_bits;
    d.poll = v->irq < 0;
    d.ops = &vblk_ops;
    d.hw = v;
    err = blkserve_add_disk(&d);
    if (err < 0) {
        printf("virtio-blk: %s: %s\n", v->name, cairn_strerror((int)err));
        return (int)err;
    }
    printf("virtio-blk: %s: %02x:%02x.%u, %llu sectors of %u bytes (%llu MiB)%s, %s\n", v->name,
           info.bus, info.dev, info.fn, (unsigned long long)v->sectors, v->sector_size,
           (unsigned long long)(v->sectors * v->sector_size >> 20),
           d.flags & PROTO_BLOCK_RDONLY ? ", read-only" : "",
           v->msix       ? "MSI-X"
           : v->irq >= 0 ? "INTx"
                         : "polled");
    return 0;
}

/* Whether a listed function is a virtio block device: modern (1042) or
 * transitional (1001, a block device by its id alone). */
static int
is_virtio_blk(const struct proto_pci_device *p)
{
    return p->vendor == VIRTIO_VENDOR && (p->device == 0x1042u || p->device == 0x1001u);
}

int
main(void)
{
    long dma = cairn_start_handle(PROTO_HANDLE_MEMORY, 0);
    uint64_t cookie = 0;
    unsigned n = 0;
    int err;

    pci = cairn_registry_lookup("pci", 10 * SECOND);
    if (pci < 0 || dma < 0) {
        printf("virtio-blk: no %s: %s\n", pci < 0 ? "pci server" : "memory range for DMA",
               cairn_strerror((int)(pci < 0 ? pci : dma)));
        return 1;
    }
    err = blkserve_init(dma);
    if (err) {
        printf("virtio-blk: %s\n", cairn_strerror(err));
        return 1;
    }
    /* In the list's order (bus, device, function), so vblk0 is the first. */
    for (int k = 0; k < 256 && n < BLKSERVE_DISKS_MAX; k++) {
        uint64_t w[5] = {PROTO_PCI_LIST, cookie, 0, 0, 0};

        if (pci_call(pci, w, NULL) != 1)
            break;
        cookie = w[1];
        if (is_virtio_blk(&info) && probe(PROTO_PCI_ADDRESS(info.bus, info.dev, info.fn), n) == 0)
            n++;
    }
    if (n == 0) {
        printf("virtio-blk: no virtio block device\n");
        return 0;
    }
    err = blkserve_run();
    printf("virtio-blk: %s\n", cairn_strerror(err));
    return 1;
}
