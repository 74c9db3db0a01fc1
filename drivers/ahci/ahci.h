/* SPDX-License-Identifier: MIT */
/*
 * The AHCI (SATA) block driver (docs/storage.md, "AHCI"): the HBA's
 * registers (AHCI 1.3.1, section 3), the memory it reads commands from,
 * and the driver's state of the controller and of each SATA disk.
 *
 * One process drives one controller: hba.c brings it up without resetting
 * it (GHC.HR is never written: the controller also carries ports the
 * driver does not own, q35's boot CD on port 0) and starts only the ports
 * that hold an ATA disk; ATAPI, port-multiplier and empty ports are read,
 * never written. main.c hands each disk to lib/blkserve, whose one thread
 * calls ahci_submit and ahci_service; nothing here takes a lock.
 *
 * Per port, one DMA block laid out as AHCI_MEM_*: the command list (32
 * headers, 1 KiB aligned), the received-FIS area (256 B aligned), a buffer
 * for IDENTIFY and one command table per slot (128 B aligned).
 *
 * Invariants of struct ahci_port: `issued` has bit s set exactly while
 * slot[s].io is an I/O handed to the HBA and not yet given back with
 * blkserve_complete; bits of `issued` are below `depth`; a port that
 * could not be recovered is `dead` with nothing issued.
 */
#ifndef CAIRN_DRIVERS_AHCI_AHCI_H
#define CAIRN_DRIVERS_AHCI_AHCI_H

#include <stdint.h>

#include <blkserve/blkserve.h>

#include "ata.h"

/* Generic host control (AHCI 3.1). */
#define AHCI_CAP  0x00u
#define AHCI_GHC  0x04u
#define AHCI_IS   0x08u
#define AHCI_PI   0x0cu
#define AHCI_VS   0x10u
#define AHCI_CAP2 0x24u
#define AHCI_BOHC 0x28u

#define AHCI_CAP_S64A   (1u << 31)                 /* 64-bit addressing */
#define AHCI_CAP_SNCQ   (1u << 30)                 /* native command queuing */
#define AHCI_CAP_SSS    (1u << 27)                 /* staggered spin-up */
#define AHCI_CAP_NCS(c) ((((c) >> 8) & 0x1fu) + 1) /* command slots per port */
#define AHCI_GHC_IE     (1u << 1)
#define AHCI_GHC_AE     (1u << 31)
#define AHCI_CAP2_BOH   (1u << 0) /* BIOS/OS handoff */
#define AHCI_BOHC_BOS   (1u << 0) /* BIOS owned semaphore */
#define AHCI_BOHC_OOS   (1u << 1) /* OS owned semaphore */
#define AHCI_BOHC_BB    (1u << 4) /* BIOS busy */

/* Port registers (AHCI 3.3): port p at 0x100 + 0x80 p. */
#define AHCI_PORT(p) (0x100u + 0x80u * (p))
#define AHCI_PCLB    0x00u
#define AHCI_PCLBU   0x04u
#define AHCI_PFB     0x08u
#define AHCI_PFBU    0x0cu
#define AHCI_PIS     0x10u
#define AHCI_PIE     0x14u
#define AHCI_PCMD    0x18u
#define AHCI_PTFD    0x20u
#define AHCI_PSIG    0x24u
#define AHCI_PSSTS   0x28u
#define AHCI_PSCTL   0x2cu
#define AHCI_PSERR   0x30u
#define AHCI_PSACT   0x34u
#define AHCI_PCI     0x38u

#define AHCI_PCMD_ST  (1u << 0)
#define AHCI_PCMD_SUD (1u << 1)
#define AHCI_PCMD_FRE (1u << 4)
#define AHCI_PCMD_FR  (1u << 14)
#define AHCI_PCMD_CR  (1u << 15)

/* PxIS / PxIE bits. */
#define AHCI_PIS_DHRS  (1u << 0)  /* a D2H register FIS: a non-queued command ended */
#define AHCI_PIS_PSS   (1u << 1)  /* a PIO setup FIS (IDENTIFY) */
#define AHCI_PIS_DSS   (1u << 2)  /* a DMA setup FIS */
#define AHCI_PIS_SDBS  (1u << 3)  /* a set device bits FIS */
#define AHCI_PIS_UFS   (1u << 4)  /* an unknown FIS */
#define AHCI_PIS_DPS   (1u << 5)  /* a PRD with the I bit done */
#define AHCI_PIS_OFS   (1u << 24) /* overflow */
#define AHCI_PIS_INFS  (1u << 26) /* interface non-fatal error */
#define AHCI_PIS_IFS   (1u << 27) /* interface fatal error */
#define AHCI_PIS_HBDS  (1u << 28) /* host bus data error */
#define AHCI_PIS_HBFS  (1u << 29) /* host bus fatal error */
#define AHCI_PIS_TFES  (1u << 30) /* task file error: the device failed a command */
/* What stops the port's command processing: the port must be recovered. */
#define AHCI_PIS_FATAL (AHCI_PIS_TFES | AHCI_PIS_HBFS | AHCI_PIS_HBDS | AHCI_PIS_IFS | AHCI_PIS_OFS)
#define AHCI_PIE_USED                                                                            \
    (AHCI_PIS_DHRS | AHCI_PIS_PSS | AHCI_PIS_DSS | AHCI_PIS_SDBS | AHCI_PIS_UFS | AHCI_PIS_DPS | \
     AHCI_PIS_INFS | AHCI_PIS_FATAL)

#define AHCI_TFD_ERR     (1u << 0)
#define AHCI_TFD_DRQ     (1u << 3)
#define AHCI_TFD_BSY     (1u << 7)
#define AHCI_SSTS_DET(s) ((s)&0xfu) /* 3: a device and the link up */
#define AHCI_SSTS_DET_UP 3u

/* PxSIG: what the device's first D2H FIS said it is. */
#define AHCI_SIG_ATA   0x00000101u
#define AHCI_SIG_ATAPI 0xeb140101u
#define AHCI_SIG_NONE  0xffffffffu /* no FIS received yet */

/* A command header (AHCI 4.2.2): 32 bytes. */
struct ahci_cmd_header {
    uint32_t dw0;   /* CFL 4:0 (FIS dwords), A 5, W 6 (write), PRDTL 31:16 */
    uint32_t prdbc; /* bytes moved, written by the HBA */
    uint32_t ctba;  /* the command table, 128-byte aligned */
    uint32_t ctbau;
    uint32_t reserved[4];
};
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "the command header is the HBA's layout");

#define AHCI_HDR_WRITE (1u << 6)

/* The layout of a port's DMA block. */
#define AHCI_MEM_CL       0x0000u /* command list: 32 headers */
#define AHCI_MEM_FIS      0x0400u /* received FISes */
#define AHCI_MEM_IDENTIFY 0x0600u /* IDENTIFY's 512 bytes */
#define AHCI_MEM_TABLES   0x0800u /* command tables, AHCI_TABLE_SIZE each */
#define AHCI_TABLE_PRDT   0x80u   /* the PRDT's offset in a table */
#define AHCI_TABLE_PRDS   8u      /* PRDs per table */
#define AHCI_TABLE_SIZE   (AHCI_TABLE_PRDT + AHCI_TABLE_PRDS * 16u)
#define AHCI_DEPTH_MAX    16u /* slots the driver uses per port (BLKSERVE_DEPTH_MAX) */
#define AHCI_MEM_SIZE     0x2000u
_Static_assert(AHCI_MEM_TABLES + AHCI_DEPTH_MAX * AHCI_TABLE_SIZE <= AHCI_MEM_SIZE,
               "the tables fit the port's block");
_Static_assert(AHCI_DEPTH_MAX <= BLKSERVE_DEPTH_MAX, "blkserve takes that many");

/* How long a command may take before the port is recovered. */
#define AHCI_TIMEOUT_RW_NS    (10ull * 1000000000ull)
#define AHCI_TIMEOUT_FLUSH_NS (30ull * 1000000000ull)
/* How often the ticker (main.c) has the ports looked at while commands
 * are outstanding: deadlines, and completions whose interrupt is lost. */
#define AHCI_TICK_NS          (100ull * 1000000ull)

/* The controller. */
struct ahci_hba {
    volatile uint8_t *abar; /* the registers (BAR 5), mapped uncached */
    uint64_t abar_size;     /* the BAR's bytes: ports past it are not there */
    uint32_t cap, cap2, pi, vs;
    uint32_t slots;     /* CAP.NCS */
    int addr32;         /* no CAP.S64A: every DMA address below 4 GiB */
    long irq;           /* the irq object, or -1: polled */
    int irq_level;      /* a level-triggered line, acknowledged after service */
    uint32_t owned;     /* the ports the driver started, a bit each */
    int foreign_warned; /* a port not the driver's held the line: said once */
};

struct ahci_slot {
    struct blkserve_io *io; /* the I/O in this slot, or NULL */
    uint64_t deadline;      /* monotonic ns past which it has failed */
};

/* A port with an ATA disk behind it. */
struct ahci_port {
    struct ahci_hba *hba;
    unsigned index;         /* the HBA's port number */
    volatile uint8_t *regs; /* its registers */
    uint8_t *mem;           /* its DMA block (AHCI_MEM_*), write-back */
    uint64_t phys;          /* the block's physical address */
    uint32_t depth;         /* slots used: min(CAP.NCS, AHCI_DEPTH_MAX) */
    uint32_t issued;        /* slots handed to the HBA (see the top) */
    struct ahci_slot slot[AHCI_DEPTH_MAX];
    struct ata_identity id;
    int dead;            /* recovery failed: every I/O gets -CAIRN_EIO */
    unsigned recoveries; /* how often the port was recovered */
};

/* What a port holds, as far as the driver may tell without touching it. */
enum ahci_port_kind {
    AHCI_PORT_EMPTY = 0, /* no device, or no link */
    AHCI_PORT_ATA,       /* a SATA disk: the driver's */
    AHCI_PORT_OTHER,     /* ATAPI, a port multiplier, an enclosure: left alone */
};

/* hba.c */
int hba_init(struct ahci_hba *h, volatile uint8_t *abar);
enum ahci_port_kind hba_port_probe(struct ahci_hba *h, unsigned p, uint64_t scratch_phys);
int hba_port_start(struct ahci_port *port);
int hba_port_identify(struct ahci_port *port, char *why, size_t why_len);
/* A port the driver will not serve: interrupts off, engines stopped. */
void hba_port_give_up(struct ahci_port *port);
void hba_enable_interrupts(struct ahci_hba *h);
int ahci_submit(void *hw, struct blkserve_io *io);
void ahci_service(void *hw, uint64_t bits);
/* I/Os issued and not ended, in all ports: the ticker's futex word. */
volatile uint32_t *ahci_busy_word(void);

#endif
