// SPDX-License-Identifier: MIT
/*
 * Host tests of the AHCI driver's controller side (drivers/ahci/hba.c)
 * against a model of the HBA's registers: ST and FRE followed by CR and
 * FR (or a CR that will not clear), PxCI write-one-to-set and cleared
 * with ST, IS, PxIS and PxSERR write-one-to-clear, a COMRESET through
 * PxSCTL.DET that takes the link down and brings it back (or not), a
 * signature that arrives when FIS receive is turned on. The model counts
 * every write per port, so "left alone" is checked as no write at all.
 * The clock is the test's: a sleep moves it, so every wait of the driver
 * ends however long its limit.
 *
 * What is checked: GHC.AE set and GHC.HR never written; ATAPI, empty and
 * running foreign ports never written; a port with no signature yet put
 * back as it was when what signs is not a disk; a running engine stopped
 * without a reset, a stuck one reset; slots issued with their headers,
 * FISes and PRDs, and completed as their PxCI bits clear; a task file
 * error and a time-out failing every issued slot with EIO and restarting
 * the port (the time-out with the port's reset, the error without); a port
 * that does not come back dead and failing what it is given; a flush with
 * no write cache answered at once.
 */
#include <string.h>

#include <cairn/errors.h>
#include <cairn/sys.h>

#include "ahci.h"
#include "check.h"

/* ---- The model of the HBA ---- */

#define FAKE_SIZE 0x1100u
#define FAKE_PHYS 0x12340000ull /* where the port's DMA block "is" */

static uint32_t reg[FAKE_SIZE / 4];
static uint8_t abar[FAKE_SIZE]; /* only its address is used: the registers are reg[] */
static unsigned port_writes[32], port_resets[32];
static int stuck_cr[32], link_dead[32], hr_written;
static uint32_t sig_on_fre[32];
static uint64_t now_ns = 1000;

static uint32_t *
preg(unsigned p, uint32_t r)
{
    return &reg[(AHCI_PORT(p) + r) / 4];
}

uint32_t ahci_fake_rd(volatile uint8_t *base, uint32_t off);
void ahci_fake_wr(volatile uint8_t *base, uint32_t off, uint32_t v);

uint32_t
ahci_fake_rd(volatile uint8_t *base, uint32_t off)
{
    uint32_t at = (uint32_t)(base - abar) + off;

    CHECK(at + 4 <= FAKE_SIZE && at % 4 == 0);
    return at + 4 <= FAKE_SIZE ? reg[at / 4] : 0xffffffffu;
}

static void
fake_port_wr(unsigned p, uint32_t r, uint32_t v)
{
    uint32_t *x = preg(p, r), cmd;

    port_writes[p]++;
    switch (r) {
    case AHCI_PIS:
    case AHCI_PSERR:
        *x &= ~v;
        break;
    case AHCI_PCI:
        if (*preg(p, AHCI_PCMD) & AHCI_PCMD_ST)
            *x |= v;
        break;
    case AHCI_PCMD:
        cmd = (v & ~(AHCI_PCMD_CR | AHCI_PCMD_FR)) | (*x & (AHCI_PCMD_CR | AHCI_PCMD_FR));
        if (v & AHCI_PCMD_ST) {
            cmd |= AHCI_PCMD_CR;
        } else {
            *preg(p, AHCI_PCI) = 0;
            if (!stuck_cr[p])
                cmd &= ~AHCI_PCMD_CR;
        }
        if (v & AHCI_PCMD_FRE) {
            cmd |= AHCI_PCMD_FR;
            if (*preg(p, AHCI_PSIG) == AHCI_SIG_NONE && sig_on_fre[p])
                *preg(p, AHCI_PSIG) = sig_on_fre[p];
        } else {
            cmd &= ~AHCI_PCMD_FR;
        }
        *x = cmd;
        break;
    case AHCI_PSCTL:
        if ((v & 0xfu) == 1) {
            port_resets[p]++;
            *preg(p, AHCI_PSSTS) = 0;
            stuck_cr[p] = 0; /* the reset ends whatever the engine was stuck in */
            if (!(*preg(p, AHCI_PCMD) & AHCI_PCMD_ST))
                *preg(p, AHCI_PCMD) &= ~AHCI_PCMD_CR;
        } else if ((*x & 0xfu) == 1 && !link_dead[p]) {
            *preg(p, AHCI_PSSTS) = 0x113;
            *preg(p, AHCI_PTFD) = 0x50;
        }
        *x = v;
        break;
    default:
        *x = v;
    }
}

void
ahci_fake_wr(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    uint32_t at = (uint32_t)(base - abar) + off;

    CHECK(at + 4 <= FAKE_SIZE && at % 4 == 0);
    if (at + 4 > FAKE_SIZE)
        return;
    if (at >= AHCI_PORT(0)) {
        fake_port_wr((at - AHCI_PORT(0)) / 0x80, (at - AHCI_PORT(0)) % 0x80, v);
        return;
    }
    if (at == AHCI_GHC && (v & 1))
        hr_written++;
    if (at == AHCI_IS)
        reg[at / 4] &= ~v;
    else
        reg[at / 4] = v & (at == AHCI_GHC ? ~1u : ~0u);
}

/* ---- What the driver calls besides the registers ---- */

uint64_t
cairn_clock_get(void)
{
    return now_ns;
}

long
cairn_thread_sleep(uint64_t ns)
{
    now_ns += ns;
    return 0;
}

long
cairn_futex_wake(const volatile uint32_t *addr, uint32_t count)
{
    (void)addr;
    (void)count;
    return 0;
}

static unsigned acks;

long
cairn_irq_ack(cairn_handle_t irq)
{
    (void)irq;
    acks++;
    return 0;
}

static unsigned completions;

void
blkserve_complete(struct blkserve_io *io, int result)
{
    CHECK(io->busy == 1 && io->result == 1); /* once per I/O */
    io->result = result;
    io->busy = 0;
    completions++;
}

/* ---- Set-up ---- */

static struct ahci_hba hba;
static struct ahci_port port;
static uint8_t mem[AHCI_MEM_SIZE] __attribute__((aligned(4096)));

/* A q35-like controller: six ports, 32 slots, 64-bit; port 0 an ATAPI CD
 * whose engine the firmware runs, port 1 an idle ATA disk, the rest empty. */
static void
fake_reset(void)
{
    memset(reg, 0, sizeof(reg));
    memset(port_writes, 0, sizeof(port_writes));
    memset(port_resets, 0, sizeof(port_resets));
    memset(stuck_cr, 0, sizeof(stuck_cr));
    memset(link_dead, 0, sizeof(link_dead));
    memset(sig_on_fre, 0, sizeof(sig_on_fre));
    hr_written = 0;
    completions = 0;
    acks = 0;
    reg[AHCI_CAP / 4] = AHCI_CAP_S64A | AHCI_CAP_SNCQ | 31u << 8 | 5u;
    reg[AHCI_PI / 4] = 0x3f;
    reg[AHCI_VS / 4] = 0x00010000;
    *preg(0, AHCI_PSSTS) = 0x113;
    *preg(0, AHCI_PSIG) = AHCI_SIG_ATAPI;
    *preg(0, AHCI_PCMD) = AHCI_PCMD_ST | AHCI_PCMD_CR | AHCI_PCMD_FRE | AHCI_PCMD_FR;
    *preg(0, AHCI_PIE) = 0x7f;
    *preg(1, AHCI_PSSTS) = 0x113;
    *preg(1, AHCI_PSIG) = AHCI_SIG_ATA;
    *preg(1, AHCI_PTFD) = 0x50;
    for (unsigned p = 2; p < 6; p++)
        *preg(p, AHCI_PSIG) = AHCI_SIG_NONE;
}

/* The controller brought up and port 1 started as the driver's. */
static int
start_disk(void)
{
    memset(&hba, 0, sizeof(hba));
    hba.abar_size = 0x1000;
    hba.irq = 7;
    if (hba_init(&hba, abar) != 0)
        return -1;
    memset(&port, 0, sizeof(port));
    memset(mem, 0, sizeof(mem));
    port.hba = &hba;
    port.index = 1;
    port.regs = abar + AHCI_PORT(1);
    port.mem = mem;
    port.phys = FAKE_PHYS;
    port.depth = AHCI_DEPTH_MAX;
    port.id.sector_size = 512;
    port.id.sectors = 131072;
    port.id.lba48 = 1;
    port.id.flush = ATA_FLUSH_EXT;
    return hba_port_start(&port);
}

static void
io_init(struct blkserve_io *io, enum blkserve_op op, uint64_t lba, uint32_t count)
{
    memset(io, 0, sizeof(*io));
    io->op = op;
    io->lba = lba;
    io->count = count;
    io->phys = 0x200000;
    io->busy = 1;
    io->result = 1;
}

/* The HBA ends the slots in mask: their PxCI bits clear, a D2H FIS. */
static void
fake_complete(uint32_t mask, uint32_t pis)
{
    *preg(1, AHCI_PCI) &= ~mask;
    *preg(1, AHCI_PIS) |= pis;
    reg[AHCI_IS / 4] |= 1u << 1;
}

/* ---- The tests ---- */

TEST(init_sets_ahci_mode_and_never_resets_the_hba)
{
    fake_reset();
    CHECK(start_disk() == 0);
    CHECK(reg[AHCI_GHC / 4] & AHCI_GHC_AE);
    CHECK(hr_written == 0);
    CHECK(hba.slots == 32 && hba.addr32 == 0);
    CHECK(hba.pi == 0x3f);
    hba_enable_interrupts(&hba);
    CHECK((reg[AHCI_GHC / 4] & (AHCI_GHC_AE | AHCI_GHC_IE)) == (AHCI_GHC_AE | AHCI_GHC_IE));
    CHECK(hr_written == 0);
}

TEST(ports_past_a_small_bar_are_none)
{
    fake_reset();
    reg[AHCI_PI / 4] = 0xffffffffu;
    memset(&hba, 0, sizeof(hba));
    hba.abar_size = 0x800; /* ICH9's 2 KiB: ports 0-29 would need more */
    CHECK(hba_init(&hba, abar) == 0);
    CHECK(hba.pi == 0x3fffu); /* 0x100 + 0x80 * 14 = 0x800 */
}

TEST(atapi_empty_and_foreign_ports_are_never_written)
{
    fake_reset();
    *preg(2, AHCI_PSSTS) = 0; /* nothing there */
    *preg(3, AHCI_PSSTS) = 0x113;
    *preg(3, AHCI_PSIG) = 0x96690101u; /* a port multiplier */
    *preg(4, AHCI_PSSTS) = 0x113;      /* no signature, but its engine runs */
    *preg(4, AHCI_PCMD) = AHCI_PCMD_FRE | AHCI_PCMD_FR;
    memset(&hba, 0, sizeof(hba));
    hba.abar_size = 0x1000;
    CHECK(hba_init(&hba, abar) == 0);
    CHECK(hba_port_probe(&hba, 0, FAKE_PHYS) == AHCI_PORT_OTHER);
    CHECK(hba_port_probe(&hba, 1, FAKE_PHYS) == AHCI_PORT_ATA);
    CHECK(hba_port_probe(&hba, 2, FAKE_PHYS) == AHCI_PORT_EMPTY);
    CHECK(hba_port_probe(&hba, 3, FAKE_PHYS) == AHCI_PORT_OTHER);
    CHECK(hba_port_probe(&hba, 4, FAKE_PHYS) == AHCI_PORT_OTHER);
    CHECK(hba_port_probe(&hba, 9, FAKE_PHYS) ==
          AHCI_PORT_EMPTY); /* a port the HBA lacks (PI bit clear) */
    for (unsigned p = 0; p < 6; p++)
        CHECK(port_writes[p] == 0);
    /* Starting port 1 and running commands leaves port 0 alone too. */
    CHECK(start_disk() == 0);
    CHECK(port_writes[0] == 0 && *preg(0, AHCI_PIE) == 0x7f);
    CHECK(*preg(0, AHCI_PCMD) & AHCI_PCMD_ST);
}

TEST(a_port_without_signature_is_asked_and_put_back_if_not_a_disk)
{
    fake_reset();
    *preg(5, AHCI_PSSTS) = 0x113;
    *preg(5, AHCI_PCLB) = 0xaaaa0000u;
    *preg(5, AHCI_PFB) = 0xbbbb0000u;
    sig_on_fre[5] = AHCI_SIG_ATAPI;
    *preg(2, AHCI_PSSTS) = 0x113;
    sig_on_fre[2] = AHCI_SIG_ATA;
    memset(&hba, 0, sizeof(hba));
    hba.abar_size = 0x1000;
    CHECK(hba_init(&hba, abar) == 0);
    CHECK(hba_port_probe(&hba, 5, FAKE_PHYS) == AHCI_PORT_OTHER);
    CHECK(*preg(5, AHCI_PCLB) == 0xaaaa0000u && *preg(5, AHCI_PFB) == 0xbbbb0000u);
    CHECK((*preg(5, AHCI_PCMD) & (AHCI_PCMD_FRE | AHCI_PCMD_FR | AHCI_PCMD_ST)) == 0);
    CHECK(port_resets[5] == 0);
    CHECK(hba_port_probe(&hba, 2, FAKE_PHYS) == AHCI_PORT_ATA);
    CHECK(*preg(2, AHCI_PFB) == (uint32_t)(FAKE_PHYS + AHCI_MEM_FIS));
}

TEST(a_running_engine_is_stopped_without_a_reset)
{
    fake_reset();
    *preg(1, AHCI_PCMD) = AHCI_PCMD_ST | AHCI_PCMD_CR | AHCI_PCMD_FRE | AHCI_PCMD_FR;
    *preg(1, AHCI_PCLB) = 0x7000;
    CHECK(start_disk() == 0);
    CHECK(port_resets[1] == 0);
    CHECK(*preg(1, AHCI_PCLB) == (uint32_t)(FAKE_PHYS + AHCI_MEM_CL));
    CHECK(*preg(1, AHCI_PCLBU) == 0);
    CHECK(*preg(1, AHCI_PFB) == (uint32_t)(FAKE_PHYS + AHCI_MEM_FIS));
    CHECK((*preg(1, AHCI_PCMD) & (AHCI_PCMD_ST | AHCI_PCMD_FRE)) == (AHCI_PCMD_ST | AHCI_PCMD_FRE));
    CHECK(*preg(1, AHCI_PIE) == AHCI_PIE_USED);
}

TEST(an_engine_that_will_not_stop_gets_the_port_reset)
{
    uint64_t before;

    fake_reset();
    *preg(1, AHCI_PCMD) = AHCI_PCMD_ST | AHCI_PCMD_CR;
    stuck_cr[1] = 1;
    before = now_ns;
    CHECK(start_disk() == 0);
    CHECK(port_resets[1] == 1);
    CHECK(now_ns - before >= 500 * 1000000ull); /* it waited its 500 ms first */
    CHECK(*preg(1, AHCI_PCMD) & AHCI_PCMD_ST);
    /* Stuck for good (the reset does not help either): refused, in bounded time. */
    fake_reset();
    *preg(1, AHCI_PCMD) = AHCI_PCMD_ST | AHCI_PCMD_CR;
    stuck_cr[1] = 1;
    link_dead[1] = 1;
    before = now_ns;
    CHECK(start_disk() == -CAIRN_EIO);
    CHECK(now_ns - before < 10ull * 1000000000ull);
}

TEST(a_busy_device_gets_the_port_reset_before_st)
{
    fake_reset();
    *preg(1, AHCI_PTFD) = 0x80; /* BSY; the reset clears it */
    CHECK(start_disk() == 0);
    CHECK(port_resets[1] == 1);
    CHECK(*preg(1, AHCI_PCMD) & AHCI_PCMD_ST);
}

TEST(slots_are_issued_with_their_commands_and_complete_as_ci_clears)
{
    struct blkserve_io io[3];
    struct ahci_cmd_header *cl = (struct ahci_cmd_header *)(mem + AHCI_MEM_CL);
    uint8_t *t1;
    struct ata_prd *prd;

    fake_reset();
    CHECK(start_disk() == 0);
    io_init(&io[0], BLKSERVE_OP_READ, 100, 8);
    io_init(&io[1], BLKSERVE_OP_WRITE, 0x123456789ull, 128);
    io_init(&io[2], BLKSERVE_OP_FLUSH, 0, 0);
    for (int i = 0; i < 3; i++)
        CHECK(ahci_submit(&port, &io[i]) == 0);
    CHECK(*preg(1, AHCI_PCI) == 0x7);
    CHECK(port.issued == 0x7);
    CHECK(io[1].hw_tag == 1);
    CHECK(cl[0].dw0 == (5u | 1u << 16));
    CHECK(cl[1].dw0 == (5u | AHCI_HDR_WRITE | 1u << 16));
    CHECK(cl[2].dw0 == 5u); /* a flush moves no data */
    CHECK(cl[1].ctba == (uint32_t)(FAKE_PHYS + AHCI_MEM_TABLES + AHCI_TABLE_SIZE));
    CHECK(cl[1].ctba % 128 == 0);
    t1 = mem + AHCI_MEM_TABLES + AHCI_TABLE_SIZE;
    CHECK(t1[0] == ATA_FIS_H2D_TYPE && t1[2] == ATA_CMD_WRITE_DMA_EXT && t1[4] == 0x89 &&
          t1[8] == 0x23 && t1[12] == 128);
    prd = (struct ata_prd *)(t1 + AHCI_TABLE_PRDT);
    CHECK(prd->dba == 0x200000 && prd->dbc == 128u * 512 - 1);
    CHECK((mem + AHCI_MEM_TABLES + 2 * AHCI_TABLE_SIZE)[2] == ATA_CMD_FLUSH_CACHE_EXT);
    /* Slots 0 and 2 end; 1 goes on. */
    fake_complete(0x5, AHCI_PIS_DHRS);
    ahci_service(&port, 1);
    CHECK(io[0].result == 0 && io[2].result == 0 && io[1].result == 1);
    CHECK(port.issued == 0x2);
    CHECK(*preg(1, AHCI_PIS) == 0 && (reg[AHCI_IS / 4] & 2) == 0);
    CHECK(acks == 1);
    /* A free slot is reused: the lowest. */
    io_init(&io[0], BLKSERVE_OP_READ, 7, 1);
    CHECK(ahci_submit(&port, &io[0]) == 0 && io[0].hw_tag == 0);
    fake_complete(0x3, AHCI_PIS_DHRS);
    ahci_service(&port, 1);
    CHECK(io[0].result == 0 && io[1].result == 0 && port.issued == 0);
    CHECK(*ahci_busy_word() == 0);
}

TEST(a_task_file_error_fails_every_issued_slot_and_restarts_without_reset)
{
    struct blkserve_io io[4];

    fake_reset();
    CHECK(start_disk() == 0);
    for (int i = 0; i < 4; i++) {
        io_init(&io[i], BLKSERVE_OP_READ, (uint64_t)i * 8, 8);
        CHECK(ahci_submit(&port, &io[i]) == 0);
    }
    fake_complete(0x1, AHCI_PIS_DHRS | AHCI_PIS_TFES);
    *preg(1, AHCI_PTFD) = 0x0451;
    ahci_service(&port, 1);
    for (int i = 0; i < 4; i++)
        CHECK(io[i].result == -CAIRN_EIO);
    CHECK(port.issued == 0 && port.recoveries == 1 && !port.dead);
    CHECK(port_resets[1] == 0);
    CHECK(*preg(1, AHCI_PCMD) & AHCI_PCMD_ST);
    CHECK(*ahci_busy_word() == 0);
    /* The port serves again. */
    *preg(1, AHCI_PTFD) = 0x50;
    io_init(&io[0], BLKSERVE_OP_WRITE, 1, 1);
    CHECK(ahci_submit(&port, &io[0]) == 0);
    fake_complete(0x1, AHCI_PIS_DHRS);
    ahci_service(&port, 1);
    CHECK(io[0].result == 0);
}

TEST(a_command_past_its_deadline_fails_and_the_port_is_reset)
{
    struct blkserve_io io[2];

    fake_reset();
    CHECK(start_disk() == 0);
    io_init(&io[0], BLKSERVE_OP_READ, 0, 8);
    io_init(&io[1], BLKSERVE_OP_READ, 8, 8);
    CHECK(ahci_submit(&port, &io[0]) == 0);
    CHECK(ahci_submit(&port, &io[1]) == 0);
    now_ns += AHCI_TIMEOUT_RW_NS - 1000;
    ahci_service(&port, 2); /* a tick before the deadline: nothing */
    CHECK(io[0].result == 1 && port.recoveries == 0);
    now_ns += 2000;
    ahci_service(&port, 2);
    CHECK(io[0].result == -CAIRN_EIO && io[1].result == -CAIRN_EIO);
    CHECK(port_resets[1] == 1 && port.recoveries == 1 && !port.dead);
    CHECK(*preg(1, AHCI_PCMD) & AHCI_PCMD_ST);
    CHECK(*ahci_busy_word() == 0);
}

TEST(a_port_that_does_not_come_back_is_dead_and_fails_at_once)
{
    struct blkserve_io io;
    uint64_t before;

    fake_reset();
    CHECK(start_disk() == 0);
    io_init(&io, BLKSERVE_OP_FLUSH, 0, 0);
    CHECK(ahci_submit(&port, &io) == 0);
    link_dead[1] = 1;
    before = now_ns;
    now_ns += AHCI_TIMEOUT_FLUSH_NS + 1;
    ahci_service(&port, 2);
    CHECK(io.result == -CAIRN_EIO);
    CHECK(port.dead == 1);
    CHECK(now_ns - before < AHCI_TIMEOUT_FLUSH_NS + 10ull * 1000000000ull);
    io_init(&io, BLKSERVE_OP_READ, 0, 1);
    CHECK(ahci_submit(&port, &io) == -CAIRN_EIO);
    ahci_service(&port, 1); /* harmless */
    CHECK(*ahci_busy_word() == 0);
}

TEST(a_flush_without_write_cache_is_answered_at_once)
{
    struct blkserve_io io;

    fake_reset();
    CHECK(start_disk() == 0);
    port.id.flush = ATA_FLUSH_NONE;
    io_init(&io, BLKSERVE_OP_FLUSH, 0, 0);
    CHECK(ahci_submit(&port, &io) == 0);
    CHECK(io.result == 0 && port.issued == 0 && *preg(1, AHCI_PCI) == 0);
}

TEST(a_level_line_held_by_a_foreign_port_stays_masked)
{
    struct blkserve_io io;

    fake_reset();
    CHECK(start_disk() == 0);
    hba.irq_level = 1;
    hba.owned = 1u << 1;
    reg[AHCI_IS / 4] |= 1u; /* the CD's port wants attention */
    io_init(&io, BLKSERVE_OP_READ, 0, 1);
    CHECK(ahci_submit(&port, &io) == 0);
    fake_complete(0x1, AHCI_PIS_DHRS);
    acks = 0;
    ahci_service(&port, 1);
    CHECK(io.result == 0); /* served all the same */
    CHECK(acks == 0);      /* but the line is not unmasked into a storm */
    CHECK(port_writes[0] == 0);
    reg[AHCI_IS / 4] &= ~1u;
    ahci_service(&port, 2);
    CHECK(acks == 1);
}

int
main(void)
{
    RUN(init_sets_ahci_mode_and_never_resets_the_hba);
    RUN(ports_past_a_small_bar_are_none);
    RUN(atapi_empty_and_foreign_ports_are_never_written);
    RUN(a_port_without_signature_is_asked_and_put_back_if_not_a_disk);
    RUN(a_running_engine_is_stopped_without_a_reset);
    RUN(an_engine_that_will_not_stop_gets_the_port_reset);
    RUN(a_busy_device_gets_the_port_reset_before_st);
    RUN(slots_are_issued_with_their_commands_and_complete_as_ci_clears);
    RUN(a_task_file_error_fails_every_issued_slot_and_restarts_without_reset);
    RUN(a_command_past_its_deadline_fails_and_the_port_is_reset);
    RUN(a_port_that_does_not_come_back_is_dead_and_fails_at_once);
    RUN(a_flush_without_write_cache_is_answered_at_once);
    RUN(a_level_line_held_by_a_foreign_port_stays_masked);
    return check_exit();
}
