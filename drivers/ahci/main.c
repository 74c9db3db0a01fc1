// SPDX-License-Identifier: MIT
/*
 * The AHCI driver's start-up (docs/storage.md, "AHCI"): claim the first
 * AHCI controller from the PCI bus server, map its registers (BAR 5,
 * ABAR), take its interrupt (MSI, else the INTx line, else polling), bring
 * the HBA up without resetting it (hba.c), and hand every SATA disk to
 * lib/blkserve as ahci0, ahci1, ... in port order. Then the library's
 * loop serves include/proto/block.h; ahci_submit and ahci_service are the
 * disk's operations.
 *
 * Start handles: the registry (libc's), a physical range
 * (PROTO_HANDLE_MEMORY) from which DMA memory is made. With no controller
 * or no SATA disk the driver says so once and ends with status 0, its
 * ports as it found them (the end of the claim turns bus mastering off).
 *
 * A small ticker thread signals one bit of the library's notification
 * every AHCI_TICK_NS while commands are outstanding, so a command the
 * disk never ends (or an interrupt that never comes) is found at its
 * deadline; it sleeps on a futex while nothing is outstanding.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/pci.h>

#include "ahci.h"

#define MS_NS      1000000ull
#define AHCI_DISKS 4u        /* the names the manifest lets it register: ahci0..ahci3 */
#define AHCI_CLASS 0x010601u /* mass storage, SATA, AHCI 1.0 */
#define AHCI_ABAR  5u

static struct ahci_hba hba;
static struct ahci_port ports[AHCI_DISKS];
static uint64_t tick_bit;

static void
fail(const char *what, long err)
{
    printf("ahci: %s: %s\n", what, cairn_strerror((int)err));
}

/* One call to the PCI bus server: words in w, the reply's words back in w,
 * a handle from the reply in *got (if any; else closed). */
static long
pci_call(long h, uint64_t *w, long send, long *got)
{
    struct proto_pci_device dev;
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{w[0], w[1], w[2], w[3], w[4]}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)&dev;
    ext.recv_cap = sizeof(dev);
    if (send >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)send, CAIRN_RIGHT_WAIT, CAIRN_MSG_HANDLE_COPY, 0};
    }
    *got = -1;
    err = cairn_ipc_call(h, &msg);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++) {
        if (i == 0)
            *got = ext.recv_handles[0];
        else
            cairn_handle_close(ext.recv_handles[i]);
    }
    memcpy(w, msg.w, sizeof(msg.w));
    return (long)msg.w[0];
}

/* Claims the controller; its device handle, or a negative code. */
static long
claim_controller(void)
{
    long pci = cairn_registry_lookup("pci", 30000 * MS_NS), dev = -1, err;
    uint64_t w[5] = {PROTO_PCI_CLAIM, PROTO_PCI_BY_CLASS, AHCI_CLASS, 0, 0xffffffu};

    if (pci < 0) {
        fail("looking up pci", pci);
        return pci;
    }
    /* The claim ends with this process, whoever holds copies of it. */
    err = pci_call(pci, w, CAIRN_INIT_HANDLE_PROCESS, &dev);
    cairn_handle_close(pci);
    if (err < 0) {
        if (dev >= 0)
            cairn_handle_close(dev);
        return err;
    }
    return dev;
}

/* Maps ABAR; its address, or NULL. */
static volatile uint8_t *
map_abar(long dev)
{
    uint64_t w[5] = {PROTO_PCI_BAR, AHCI_ABAR, CAIRN_CACHE_UC, 0, 0};
    long mem, err, at;
    uint64_t base, size, offset;

    err = pci_call(dev, w, -1, &mem);
    if (err < 0 || mem < 0) {
        fail("BAR 5", err < 0 ? err : -CAIRN_EIO);
        return NULL;
    }
    base = w[1];
    size = w[2];
    offset = base % 4096;
    if (size < AHCI_PORT(1) || (w[3] & PROTO_PCI_BAR_IO)) {
        printf("ahci: BAR 5 is no ABAR (%#lx bytes, flags %#lx)\n", (unsigned long)size,
               (unsigned long)w[3]);
        cairn_handle_close(mem);
        return NULL;
    }
    at = cairn_vm_map(mem, 0, (offset + size + 4095) & ~4095ull, 0,
                      CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    cairn_handle_close(mem);
    if (at < 0) {
        fail("mapping ABAR", at);
        return NULL;
    }
    hba.abar_size = size;
    return (volatile uint8_t *)(uintptr_t)at + offset;
}

/* The interrupt: MSI, else the INTx line; bound to bit of the library's
 * notification. -1 when neither works (the disks are then polled). */
static long
take_irq(long dev, uint64_t bit)
{
    static const uint64_t kinds[] = {PROTO_PCI_IRQ_MSI, PROTO_PCI_IRQ_LEGACY};

    for (unsigned i = 0; i < 2; i++) {
        uint64_t w[5] = {PROTO_PCI_IRQ, kinds[i], 0, 0, 0};
        long irq, err = pci_call(dev, w, -1, &irq);

        if (err < 0 || irq < 0)
            continue;
        err = cairn_irq_bind(irq, blkserve_notification(), bit);
        if (err == 0) {
            hba.irq_level = kinds[i] == PROTO_PCI_IRQ_LEGACY;
            return irq;
        }
        cairn_handle_close(irq);
    }
    printf("ahci: no interrupt (MSI or INTx): polling\n");
    return -1;
}

/* The ticker (see the top): sleeps while nothing is outstanding. */
static void *
ticker(void *arg)
{
    long note = (long)(intptr_t)arg;
    volatile uint32_t *busy = ahci_busy_word();

    for (;;) {
        if (__atomic_load_n(busy, __ATOMIC_SEQ_CST) == 0) {
            cairn_futex_wait(busy, 0, CAIRN_WAIT_FOREVER);
            continue;
        }
        cairn_thread_sleep(AHCI_TICK_NS);
        cairn_notify_signal(note, tick_bit);
    }
    return NULL;
}

static const struct blkserve_ops ahci_ops = {
    .submit = ahci_submit,
    .service = ahci_service,
};

/* Probes every implemented port and starts the ATA disks; the number of
 * disks started. */
static unsigned
start_ports(void)
{
    unsigned n = 0;
    void *mem = NULL;
    uint64_t phys = 0;
    char why[96];

    for (unsigned p = 0; p < 32; p++) {
        struct ahci_port *port;
        enum ahci_port_kind kind;
        int err;

        if (!(hba.pi & (1u << p)))
            continue;
        if (!mem) {
            err = blkserve_dma_alloc(AHCI_MEM_SIZE, hba.addr32, &mem, &phys);
            if (err < 0) {
                fail("DMA memory for a port", err);
                break;
            }
        }
        kind = hba_port_probe(&hba, p, phys);
        if (kind != AHCI_PORT_ATA)
            continue;
        if (n == AHCI_DISKS) {
            printf("ahci: port %u: a disk past ahci%u, left alone\n", p, AHCI_DISKS - 1);
            continue;
        }
        port = &ports[n];
        memset(port, 0, sizeof(*port));
        port->hba = &hba;
        port->index = p;
        port->regs = hba.abar + AHCI_PORT(p);
        port->mem = mem;
        port->phys = phys;
        port->depth = hba.slots < AHCI_DEPTH_MAX ? hba.slots : AHCI_DEPTH_MAX;
        err = hba_port_start(port);
        if (err == 0)
            err = hba_port_identify(port, why, sizeof(why));
        else
            snprintf(why, sizeof(why), "the port does not start");
        if (err == 0 && !port->id.lba48) {
            snprintf(why, sizeof(why), "no 48-bit addressing");
            err = -CAIRN_EIO;
        }
        if (err < 0) {
            /* Stopped, but its last FIS may still land: the block is not
             * reused for the next port. */
            printf("ahci: port %u: %s; the disk is not served\n", p, why);
            hba_port_give_up(port);
            mem = NULL;
            continue;
        }
        hba.owned |= 1u << p;
        mem = NULL;
        n++;
    }
    return n;
}

int
main(void)
{
    long dma = cairn_start_handle(PROTO_HANDLE_MEMORY, 0), dev, note;
    uint64_t irq_bit;
    unsigned disks;
    int err;
    pthread_t tick;

    if (dma < 0) {
        printf("ahci: no physical range for DMA memory (manifest's memory)\n");
        return 1;
    }
    err = blkserve_init(dma);
    if (err < 0) {
        fail("blkserve_init", err);
        return 1;
    }
    dev = claim_controller();
    if (dev == -CAIRN_ENOENT) {
        printf("ahci: no AHCI controller\n");
        return 0;
    }
    if (dev < 0) {
        fail("claiming the controller", dev);
        return 1;
    }
    {
        uint64_t w[5] = {PROTO_PCI_ENABLE, PROTO_PCI_ENABLE_MEMORY | PROTO_PCI_ENABLE_MASTER, 0, 0,
                         0};
        long none;

        err = (int)pci_call(dev, w, -1, &none);
        if (err < 0) {
            fail("enabling memory decode and bus mastering", err);
            return 1;
        }
    }
    hba.abar = map_abar(dev);
    if (!hba.abar || hba_init(&hba, hba.abar) < 0) {
        printf("ahci: the controller does not answer\n");
        return 1;
    }
    disks = start_ports();
    if (disks == 0) {
        printf("ahci: no SATA disk (ports implemented %#x)\n", hba.pi);
        return 0;
    }
    irq_bit = blkserve_bits(1);
    tick_bit = blkserve_bits(1);
    note = blkserve_notification();
    hba.irq = irq_bit ? take_irq(dev, irq_bit) : -1;
    for (unsigned i = 0; i < disks; i++) {
        struct ahci_port *port = &ports[i];
        char name[8];
        struct blkserve_disk d = {
            .name = name,
            .sector_size = port->id.sector_size,
            .sectors = port->id.sectors,
            .depth = port->depth,
            .max_sectors = ATA_LBA48_COUNT_MAX,
            .irq_bits = (hba.irq >= 0 ? irq_bit : 0) | tick_bit,
            .poll = hba.irq < 0,
            .ops = &ahci_ops,
            .hw = port,
        };

        snprintf(name, sizeof(name), "ahci%u", i);
        snprintf(d.model, sizeof(d.model), "%s", port->id.model);
        printf("ahci: %s: port %u, \"%s\", %lu sectors of %u bytes%s, %u slots, %s\n", name,
               port->index, port->id.model, (unsigned long)port->id.sectors, port->id.sector_size,
               port->id.write_cache ? " (write cache)" : "", port->depth,
               hba.irq < 0     ? "polled"
               : hba.irq_level ? "INTx"
                               : "MSI");
        err = blkserve_add_disk(&d);
        if (err < 0)
            fail(name, err);
    }
    hba_enable_interrupts(&hba);
    if (tick_bit && pthread_create(&tick, NULL, ticker, (void *)(intptr_t)note) != 0)
        printf("ahci: no ticker thread: a hung command is found only by the next request\n");
    err = blkserve_run();
    fail("blkserve_run", err);
    return 1;
}
