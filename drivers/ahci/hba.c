// SPDX-License-Identifier: MIT
/*
 * The AHCI host bus adapter (ahci.h; AHCI 1.3.1): bringing the controller
 * up, starting the ports that hold ATA disks, issuing commands into slots,
 * finding the ones that ended, and recovering a port whose command failed
 * or took too long.
 *
 * What the driver never does: reset the whole HBA (GHC.HR), or write any
 * register of a port that is not an ATA disk's. The controller may carry
 * devices someone else uses (q35's boot CD on port 0): the firmware's
 * set-up of those ports stays as it was. A port's own reset (COMRESET) is
 * used only where the port cannot be brought to a known state otherwise:
 * its command engine will not stop, or the device stays busy.
 *
 * Commands are not queued (no NCQ): up to `depth` slots are issued at
 * once and the HBA hands them to the disk one after the other, so the
 * disk always has its next command waiting. A slot has ended when its
 * PxCI bit is clear. A failure (PxIS.TFES and the fatal interface errors)
 * or a slot past its deadline fails every issued slot of the port with
 * EIO (the HBA does not say reliably which of them it had finished) and
 * restarts the port (AHCI 6.2.2); a port that does not come back is dead
 * and fails what it is given from then on. Nothing waits without a limit.
 *
 * Every function here runs on lib/blkserve's one thread (or before it
 * starts), so no lock guards the ports.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/sys.h>

#include "ahci.h"

#define MS_NS 1000000ull

/* I/Os issued and not ended, in all ports: the time-out ticker runs
 * while it is not 0 (main.c). */
static volatile uint32_t ahci_busy_count;

#ifdef HOST_TEST
/* The host test (tests/host/test_ahci_hba.c) is the HBA: every register
 * access goes to its model, which behaves as the hardware does (bits
 * that follow others, write-one-to-clear, write-one-to-set) and records
 * what was written where. */
uint32_t ahci_fake_rd(volatile uint8_t *base, uint32_t off);
void ahci_fake_wr(volatile uint8_t *base, uint32_t off, uint32_t v);
#define rd ahci_fake_rd
#define wr ahci_fake_wr
#else
static uint32_t
rd(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint32_t *)(base + off);
}

static void
wr(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}
#endif

/* Polls until (reg & mask) == want, for at most timeout_ns; 0 or
 * -CAIRN_ETIMEDOUT. Sleeps a millisecond between looks after the first few:
 * a device's answer is normally there in microseconds. */
static int
hba_wait(volatile uint8_t *base, uint32_t off, uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
    uint64_t end = cairn_clock_get() + timeout_ns;

    for (unsigned n = 0;; n++) {
        if ((rd(base, off) & mask) == want)
            return 0;
        if (cairn_clock_get() > end)
            return (rd(base, off) & mask) == want ? 0 : -CAIRN_ETIMEDOUT;
        if (n >= 100)
            cairn_thread_sleep(MS_NS);
    }
}

volatile uint32_t *
ahci_busy_word(void)
{
    return &ahci_busy_count;
}

static void
busy_add(int n)
{
    uint32_t before = __atomic_fetch_add(&ahci_busy_count, (uint32_t)n, __ATOMIC_SEQ_CST);

    if (before == 0 && n > 0)
        cairn_futex_wake(&ahci_busy_count, 1);
}

/* BIOS/OS handoff (AHCI 10.6.3): ask for the controller with OOS, give the
 * firmware 25 ms to let go, and 2 s more while it says it is busy. The
 * firmware that does not answer loses it all the same. */
static void
hba_handoff(struct ahci_hba *h)
{
    uint32_t bohc = rd(h->abar, AHCI_BOHC);

    if (!(bohc & AHCI_BOHC_BOS))
        return;
    wr(h->abar, AHCI_BOHC, (bohc & ~0x8u) | AHCI_BOHC_OOS); /* bit 3 (OOC) is write-1-to-clear */
    if (hba_wait(h->abar, AHCI_BOHC, AHCI_BOHC_BOS, 0, 25 * MS_NS) == 0)
        return;
    if ((rd(h->abar, AHCI_BOHC) & AHCI_BOHC_BB) &&
        hba_wait(h->abar, AHCI_BOHC, AHCI_BOHC_BOS, 0, 2000 * MS_NS) == 0)
        return;
    printf("ahci: the firmware did not hand the controller over (BOHC %#x); taking it\n",
           rd(h->abar, AHCI_BOHC));
}

int
hba_init(struct ahci_hba *h, volatile uint8_t *abar)
{
    uint32_t ghc;

    h->abar = abar;
    h->cap = rd(abar, AHCI_CAP);
    h->vs = rd(abar, AHCI_VS);
    if (h->cap == 0xffffffffu)
        return -CAIRN_EIO; /* the BAR answers nothing */
    /* AHCI mode before any other register (3.1.2); HR (bit 0) is never
     * written as 1, and IE keeps its value until the ports are ready. */
    ghc = rd(abar, AHCI_GHC);
    if (!(ghc & AHCI_GHC_AE))
        wr(abar, AHCI_GHC, (ghc & ~1u) | AHCI_GHC_AE);
    h->cap2 = h->vs >= 0x00010200u ? rd(abar, AHCI_CAP2) : 0;
    if (h->cap2 & AHCI_CAP2_BOH)
        hba_handoff(h);
    h->pi = rd(abar, AHCI_PI);
    /* A port whose registers lie past the BAR is none (ICH9's ABAR is
     * 2 KiB: six ports). */
    for (unsigned p = 0; p < 32; p++)
        if (AHCI_PORT(p) + 0x80u > h->abar_size)
            h->pi &= ~(1u << p);
    h->slots = AHCI_CAP_NCS(h->cap);
    h->addr32 = !(h->cap & AHCI_CAP_S64A);
    return 0;
}

/* Stops the port's command engine and FIS receive (AHCI 10.1.2): ST off
 * and CR gone, then FRE off and FR gone, each within 500 ms. */
static int
port_stop(volatile uint8_t *r)
{
    uint32_t cmd = rd(r, AHCI_PCMD);

    if (cmd & AHCI_PCMD_ST)
        wr(r, AHCI_PCMD, cmd & ~AHCI_PCMD_ST);
    if (hba_wait(r, AHCI_PCMD, AHCI_PCMD_CR, 0, 500 * MS_NS) < 0)
        return -CAIRN_ETIMEDOUT;
    cmd = rd(r, AHCI_PCMD);
    if (cmd & AHCI_PCMD_FRE)
        wr(r, AHCI_PCMD, cmd & ~AHCI_PCMD_FRE);
    return hba_wait(r, AHCI_PCMD, AHCI_PCMD_FR, 0, 500 * MS_NS);
}

enum ahci_port_kind
hba_port_probe(struct ahci_hba *h, unsigned p, uint64_t scratch_phys)
{
    volatile uint8_t *r = h->abar + AHCI_PORT(p);
    uint32_t sig, clb, clbu, fb, fbu;

    if (!(h->pi & (1u << p)) || AHCI_SSTS_DET(rd(r, AHCI_PSSTS)) != AHCI_SSTS_DET_UP)
        return AHCI_PORT_EMPTY;
    sig = rd(r, AHCI_PSIG);
    if (sig == AHCI_SIG_ATA)
        return AHCI_PORT_ATA;
    if (sig != AHCI_SIG_NONE)
        return AHCI_PORT_OTHER;
    /* A link and no signature: nobody has received the device's first FIS
     * yet. If the port is idle, receive it into the driver's scratch area
     * for a moment, then put the port back as it was; a port whose engines
     * run is someone's and stays as it is. */
    if (rd(r, AHCI_PCMD) & (AHCI_PCMD_ST | AHCI_PCMD_CR | AHCI_PCMD_FRE | AHCI_PCMD_FR))
        return AHCI_PORT_OTHER;
    clb = rd(r, AHCI_PCLB);
    clbu = rd(r, AHCI_PCLBU);
    fb = rd(r, AHCI_PFB);
    fbu = rd(r, AHCI_PFBU);
    wr(r, AHCI_PCLB, (uint32_t)(scratch_phys + AHCI_MEM_CL));
    wr(r, AHCI_PCLBU, (uint32_t)((scratch_phys + AHCI_MEM_CL) >> 32));
    wr(r, AHCI_PFB, (uint32_t)(scratch_phys + AHCI_MEM_FIS));
    wr(r, AHCI_PFBU, (uint32_t)((scratch_phys + AHCI_MEM_FIS) >> 32));
    wr(r, AHCI_PCMD, rd(r, AHCI_PCMD) | AHCI_PCMD_FRE);
    hba_wait(r, AHCI_PSIG, 0xffffffffu, AHCI_SIG_ATA, 500 * MS_NS);
    sig = rd(r, AHCI_PSIG);
    if (sig == AHCI_SIG_ATA)
        return AHCI_PORT_ATA; /* the driver's now: hba_port_start sets it up */
    port_stop(r);
    wr(r, AHCI_PCLB, clb);
    wr(r, AHCI_PCLBU, clbu);
    wr(r, AHCI_PFB, fb);
    wr(r, AHCI_PFBU, fbu);
    return AHCI_PORT_OTHER;
}

/* The port's own reset (AHCI 10.4.2), with the engine stopped: DET = 1 for
 * at least a millisecond, DET = 0, then the link back within a second. */
static int
port_comreset(volatile uint8_t *r)
{
    uint32_t sctl = rd(r, AHCI_PSCTL) & ~0xfu;

    wr(r, AHCI_PSCTL, sctl | 1u);
    cairn_thread_sleep(2 * MS_NS);
    wr(r, AHCI_PSCTL, sctl);
    if (hba_wait(r, AHCI_PSSTS, 0xfu, AHCI_SSTS_DET_UP, 1000 * MS_NS) < 0)
        return -CAIRN_EIO;
    wr(r, AHCI_PSERR, 0xffffffffu);
    return 0;
}

int
hba_port_start(struct ahci_port *port)
{
    volatile uint8_t *r = port->regs;
    uint64_t cl = port->phys + AHCI_MEM_CL, fis = port->phys + AHCI_MEM_FIS;
    int reset = 0;

    if (port_stop(r) < 0) {
        /* The engine will not stop: the port's reset is the way left. */
        reset = 1;
        if (port_comreset(r) < 0 || port_stop(r) < 0)
            return -CAIRN_EIO;
    }
    /* No link (the disk went away, or a reset that did not bring it
     * back): the port's reset once more, else the port is not started. */
    if (AHCI_SSTS_DET(rd(r, AHCI_PSSTS)) != AHCI_SSTS_DET_UP) {
        if (reset || port_comreset(r) < 0)
            return -CAIRN_EIO;
        reset = 1;
    }
    wr(r, AHCI_PIE, 0);
    wr(r, AHCI_PCLB, (uint32_t)cl);
    wr(r, AHCI_PCLBU, (uint32_t)(cl >> 32));
    wr(r, AHCI_PFB, (uint32_t)fis);
    wr(r, AHCI_PFBU, (uint32_t)(fis >> 32));
    wr(r, AHCI_PCMD, rd(r, AHCI_PCMD) | AHCI_PCMD_FRE);
    wr(r, AHCI_PSERR, 0xffffffffu);
    wr(r, AHCI_PIS, 0xffffffffu);
    /* ST may be set only once the device is neither busy nor waiting for
     * data (10.3.1); a device that stays so gets the port's reset, once. */
    if (hba_wait(r, AHCI_PTFD, AHCI_TFD_BSY | AHCI_TFD_DRQ, 0, 1000 * MS_NS) < 0) {
        if (reset || port_comreset(r) < 0 ||
            hba_wait(r, AHCI_PTFD, AHCI_TFD_BSY | AHCI_TFD_DRQ, 0, 5000 * MS_NS) < 0)
            return -CAIRN_EIO;
    }
    wr(r, AHCI_PSERR, 0xffffffffu);
    wr(r, AHCI_PIS, 0xffffffffu);
    wr(port->hba->abar, AHCI_IS, 1u << port->index);
    wr(r, AHCI_PIE, AHCI_PIE_USED);
    wr(r, AHCI_PCMD, rd(r, AHCI_PCMD) | AHCI_PCMD_ST);
    return 0;
}

void
hba_port_give_up(struct ahci_port *port)
{
    wr(port->regs, AHCI_PIE, 0);
    port_stop(port->regs);
}

void
hba_enable_interrupts(struct ahci_hba *h)
{
    wr(h->abar, AHCI_GHC, (rd(h->abar, AHCI_GHC) & ~1u) | AHCI_GHC_IE);
}

/* Fills slot s's header and table for a command of the FIS in its table
 * and prds PRDs; write says which way the data goes. */
static void
slot_header(struct ahci_port *port, unsigned s, unsigned prds, int write)
{
    struct ahci_cmd_header *hdr = (struct ahci_cmd_header *)(port->mem + AHCI_MEM_CL) + s;
    uint64_t table = port->phys + AHCI_MEM_TABLES + (uint64_t)s * AHCI_TABLE_SIZE;

    hdr->dw0 = (ATA_FIS_H2D_LEN / 4) | (write ? AHCI_HDR_WRITE : 0) | (uint32_t)prds << 16;
    hdr->prdbc = 0;
    hdr->ctba = (uint32_t)table;
    hdr->ctbau = (uint32_t)(table >> 32);
    memset(hdr->reserved, 0, sizeof(hdr->reserved));
}

static uint8_t *
slot_table(struct ahci_port *port, unsigned s)
{
    return port->mem + AHCI_MEM_TABLES + s * AHCI_TABLE_SIZE;
}

int
hba_port_identify(struct ahci_port *port, char *why, size_t why_len)
{
    volatile uint8_t *r = port->regs;
    uint8_t *table = slot_table(port, 0);
    int prds, err;

    memset(table, 0, AHCI_TABLE_SIZE);
    memset(port->mem + AHCI_MEM_IDENTIFY, 0, ATA_IDENTIFY_BYTES);
    ata_fis_h2d(table, ATA_CMD_IDENTIFY, 0, 0);
    table[7] = 0; /* IDENTIFY takes no LBA bit */
    prds = ata_prdt_fill((struct ata_prd *)(table + AHCI_TABLE_PRDT), AHCI_TABLE_PRDS,
                         port->phys + AHCI_MEM_IDENTIFY, ATA_IDENTIFY_BYTES, port->hba->addr32);
    if (prds < 0) {
        snprintf(why, why_len, "no PRD for IDENTIFY");
        return prds;
    }
    slot_header(port, 0, (unsigned)prds, 0);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    wr(r, AHCI_PCI, 1u);
    /* Polled: the slot's bit clears or the port reports an error. */
    err = -CAIRN_ETIMEDOUT;
    for (uint64_t end = cairn_clock_get() + 5000 * MS_NS; cairn_clock_get() < end;) {
        if (rd(r, AHCI_PIS) & AHCI_PIS_FATAL) {
            err = -CAIRN_EIO;
            break;
        }
        if (!(rd(r, AHCI_PCI) & 1u)) {
            err = 0;
            break;
        }
        cairn_thread_sleep(MS_NS);
    }
    if (err == 0 && (rd(r, AHCI_PTFD) & AHCI_TFD_ERR))
        err = -CAIRN_EIO;
    if (err < 0) {
        snprintf(why, why_len, "IDENTIFY %s (TFD %#x, IS %#x)",
                 err == -CAIRN_ETIMEDOUT ? "took more than 5 s" : "failed", rd(r, AHCI_PTFD),
                 rd(r, AHCI_PIS));
        return -CAIRN_EIO;
    }
    wr(r, AHCI_PIS, 0xffffffffu);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return ata_identify_parse(port->mem + AHCI_MEM_IDENTIFY, ATA_IDENTIFY_BYTES, &port->id, why,
                              why_len);
}

/* Takes every issued slot back: their I/Os in ios (at most depth), the
 * count returned; issued is 0 afterwards. */
static unsigned
port_take_all(struct ahci_port *port, struct blkserve_io **ios)
{
    unsigned n = 0;

    for (unsigned s = 0; s < port->depth; s++) {
        if (port->issued & (1u << s)) {
            ios[n++] = port->slot[s].io;
            port->slot[s].io = NULL;
        }
    }
    port->issued = 0;
    busy_add(-(int)n);
    return n;
}

/* A command failed or hung: fail everything issued with EIO, stop the
 * engine, clear the errors and start the port again (AHCI 6.2.2.1). A
 * command that never ended (hung) also gets the port's reset as soon as
 * the engine stops: the disk is in a state nothing else clears, and the
 * reset aborts the command in the disk before the engine runs again (an
 * emulated AHCI that finishes an aborted command after its engine was
 * restarted can fall over). A disk that stays busy gets the reset too. */
static void
port_recover(struct ahci_port *port, const char *what, int hung)
{
    struct blkserve_io *ios[AHCI_DEPTH_MAX];
    volatile uint8_t *r = port->regs;
    unsigned n = port_take_all(port, ios);

    printf("ahci: port %u: %s (IS %#x TFD %#x SERR %#x); %u request%s failed, restarting the "
           "port\n",
           port->index, what, rd(r, AHCI_PIS), rd(r, AHCI_PTFD), rd(r, AHCI_PSERR), n,
           n == 1 ? "" : "s");
    port->recoveries++;
    if (hung) {
        wr(r, AHCI_PCMD, rd(r, AHCI_PCMD) & ~AHCI_PCMD_ST);
        hba_wait(r, AHCI_PCMD, AHCI_PCMD_CR, 0, 500 * MS_NS);
        port_comreset(r);
    }
    if (hba_port_start(port) < 0) {
        port->dead = 1;
        wr(r, AHCI_PIE, 0);
        printf("ahci: port %u does not come back; its disk fails every request\n", port->index);
    }
    for (unsigned i = 0; i < n; i++)
        blkserve_complete(ios[i], -CAIRN_EIO);
}

/*
 * Acknowledges the interrupt once this port's causes are cleared. A
 * level-triggered line stays asserted while any port has one pending, and
 * the ports not the driver's are never touched: while one of them holds
 * the line it stays masked (no storm), and the ticker's service every
 * AHCI_TICK_NS finds the driver's completions until the line is free.
 */
static void
hba_irq_ack(struct ahci_hba *h)
{
    if (h->irq < 0)
        return;
    if (h->irq_level && (rd(h->abar, AHCI_IS) & ~h->owned)) {
        if (!h->foreign_warned)
            printf("ahci: a port not the driver's holds the interrupt line (IS %#x); "
                   "completions are polled while it does\n",
                   rd(h->abar, AHCI_IS));
        h->foreign_warned = 1;
        return;
    }
    cairn_irq_ack(h->irq);
}

int
ahci_submit(void *hw, struct blkserve_io *io)
{
    struct ahci_port *port = hw;
    uint8_t cmd;
    uint8_t *table;
    unsigned s;
    int prds = 0, err;
    uint64_t timeout = AHCI_TIMEOUT_RW_NS;

    if (port->dead)
        return -CAIRN_EIO;
    for (s = 0; s < port->depth && (port->issued & (1u << s)); s++)
        ;
    if (s == port->depth)
        return -CAIRN_EIO; /* blkserve never sends more than depth: nothing to do but refuse */
    switch (io->op) {
    case BLKSERVE_OP_READ:
        cmd = ATA_CMD_READ_DMA_EXT;
        break;
    case BLKSERVE_OP_WRITE:
        cmd = ATA_CMD_WRITE_DMA_EXT;
        break;
    case BLKSERVE_OP_FLUSH:
        if (port->id.flush == ATA_FLUSH_NONE) {
            blkserve_complete(io, 0); /* no write cache: every write is on the media */
            return 0;
        }
        cmd = port->id.flush == ATA_FLUSH_EXT ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE;
        timeout = AHCI_TIMEOUT_FLUSH_NS;
        break;
    default:
        return -CAIRN_EINVAL;
    }
    table = slot_table(port, s);
    memset(table, 0, AHCI_TABLE_PRDT);
    if (io->op == BLKSERVE_OP_FLUSH) {
        err = ata_fis_h2d(table, cmd, 0, 0);
    } else {
        err = ata_fis_h2d(table, cmd, io->lba, io->count);
        if (err == 0)
            prds = ata_prdt_fill((struct ata_prd *)(table + AHCI_TABLE_PRDT), AHCI_TABLE_PRDS,
                                 io->phys, (uint64_t)io->count * port->id.sector_size,
                                 port->hba->addr32);
        if (prds < 0)
            err = prds;
    }
    if (err < 0)
        return -CAIRN_EIO; /* blkserve checked the range: the HBA cannot take this one */
    slot_header(port, s, (unsigned)prds, io->op == BLKSERVE_OP_WRITE);
    port->slot[s].io = io;
    port->slot[s].deadline = cairn_clock_get() + timeout;
    port->issued |= 1u << s;
    io->hw_tag = s;
    busy_add(1);
    /* The header and table are in write-back memory the HBA snoops; the
     * fence keeps the compiler from moving their stores past the doorbell. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    wr(port->regs, AHCI_PCI, 1u << s);
    return 0;
}

void
ahci_service(void *hw, uint64_t bits)
{
    struct ahci_port *port = hw;
    volatile uint8_t *r = port->regs;
    uint32_t is, ci, done;
    uint64_t now;

    (void)bits;
    if (port->dead)
        goto ack;
    /* PxIS before IS (10.7.2.1): the port's causes, then its summary bit. */
    is = rd(r, AHCI_PIS);
    if (is)
        wr(r, AHCI_PIS, is);
    wr(port->hba->abar, AHCI_IS, 1u << port->index);
    if (is & (AHCI_PIS_INFS | AHCI_PIS_FATAL))
        wr(r, AHCI_PSERR, rd(r, AHCI_PSERR));
    if (is & AHCI_PIS_FATAL) {
        if (port->issued)
            port_recover(port,
                         is & AHCI_PIS_TFES ? "the disk failed a command"
                                            : "an interface or host bus error",
                         0);
        else
            port_recover(port, "an error with nothing issued", 0);
        goto ack;
    }
    ci = rd(r, AHCI_PCI);
    done = port->issued & ~ci;
    for (unsigned s = 0; done; s++) {
        if (done & (1u << s)) {
            struct blkserve_io *io = port->slot[s].io;

            done &= ~(1u << s);
            port->issued &= ~(1u << s);
            port->slot[s].io = NULL;
            busy_add(-1);
            blkserve_complete(io, 0);
        }
    }
    now = cairn_clock_get();
    for (unsigned s = 0; s < port->depth; s++) {
        if ((port->issued & (1u << s)) && now > port->slot[s].deadline) {
            port_recover(port, "a command timed out", 1);
            break;
        }
    }
ack:
    hba_irq_ack(port->hba);
}
