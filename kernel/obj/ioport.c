// SPDX-License-Identifier: MIT
/*
 * Per-process I/O spaces and the per-CPU bitmap copies (see ioport.h).
 *
 * The protocol between a change to a space and the CPUs that may hold a
 * copy of it, in the manner of TLB shootdown:
 *
 *     changer                              a CPU switching to the space
 *     -------                              ----------------------------
 *     change bits, version = new (sc)      io_active = space id (sc)
 *     read every io_active (sc)            read version (sc), copy if newer
 *
 * With sequentially consistent accesses on both sides, either the CPU
 * reads the new version and copies the new bits, or the changer sees it
 * active and sends it VEC_IOPORT, whose handler reloads. The changer then
 * waits until no CPU is active on the space with a copy older than its
 * version. Versions come from one global counter, so an id and a version
 * never name anything twice and a stale copy is never mistaken for a
 * fresh one, whatever was freed and reused meanwhile.
 */
#include <cairn/device.h>
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "common/string.h"
#include "core/panic.h"
#include "lib/log.h"
#include "mm/kmalloc.h"
#include "obj/ioport.h"
#include "obj/process.h"
#include "time/clock.h"

#define IOPORT_SPACE_CHARGE  (sizeof(struct ioport_space) + TSS_IOMAP_BYTES)
#define IOPORT_WAIT_LIMIT_NS 1000000000ull /* a CPU that never reloads is logged after 1 s */
#define TSS_IOMAP_OFFSET     ((uint16_t)sizeof(struct tss))

static uint64_t ioport_counter = 1; /* [a] source of space ids and versions */

static uint64_t
ioport_next_stamp(void)
{
    return __atomic_add_fetch(&ioport_counter, 1, __ATOMIC_RELAXED);
}

/* Load space (or none) into this CPU's TSS. Interrupts off. */
static void
ioport_load(struct cpu *c, struct ioport_space *s)
{
    uint64_t version;
    uint32_t len;

    if (!s) {
        c->tss.iomap_base = TSS_IOMAP_NONE;
        __atomic_store_n(&c->io_active, 0, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_store_n(&c->io_active, s->id, __ATOMIC_SEQ_CST);
    version = __atomic_load_n(&s->version, __ATOMIC_SEQ_CST);
    if (c->io_loaded != s->id || __atomic_load_n(&c->io_version, __ATOMIC_RELAXED) != version) {
        len = __atomic_load_n(&s->len, __ATOMIC_ACQUIRE);
        memcpy(c->io_bitmap, s->bits, len);
        if (c->io_len > len)
            memset(c->io_bitmap + len, 0xff, c->io_len - len);
        c->io_len = len;
        c->io_loaded = s->id;
        __atomic_store_n(&c->io_version, version, __ATOMIC_RELEASE);
    }
    c->tss.iomap_base = TSS_IOMAP_OFFSET;
}

static struct ioport_space *
ioport_space_of(struct process *p)
{
    return p ? __atomic_load_n(&p->io, __ATOMIC_ACQUIRE) : NULL;
}

void
ioport_switch(struct process *next)
{
    ioport_load(this_cpu(), ioport_space_of(next));
}

static void
ioport_ipi(struct trap_frame *tf, void *arg)
{
    (void)tf;
    (void)arg;
    ioport_load(this_cpu(), ioport_space_of(process_current()));
}

void
ioport_init(void)
{
    if (trap_set_handler(VEC_IOPORT, ioport_ipi, NULL) < 0)
        panic("ioport: vector %#x is taken", VEC_IOPORT);
}

static bool
cpu_holds_stale(const struct cpu *c, uint64_t id, uint64_t version)
{
    return __atomic_load_n(&c->io_active, __ATOMIC_SEQ_CST) == id &&
           __atomic_load_n(&c->io_version, __ATOMIC_ACQUIRE) < version;
}

/* Make every CPU that runs s use version or newer; see the top. Called with
 * interrupts on and no lock held, after s's change is published. */
static void
ioport_publish(struct process *p, struct ioport_space *s, uint64_t version)
{
    struct cpu *self;
    uint64_t start;
    bool irq = irq_save();

    self = this_cpu();
    if (process_current() == p)
        ioport_load(self, s);
    for (unsigned i = 0; i < cpu_count; i++) {
        if (&cpus[i] != self && cpu_holds_stale(&cpus[i], s->id, version))
            lapic_send_ipi(cpus[i].apic_id, VEC_IOPORT);
    }
    irq_restore(irq);

    start = clock_monotonic_ns();
    for (unsigned i = 0; i < cpu_count; i++) {
        while (&cpus[i] != this_cpu() && cpu_holds_stale(&cpus[i], s->id, version)) {
            if (clock_monotonic_ns() - start > IOPORT_WAIT_LIMIT_NS) {
                log_error("ioport: cpu %u never reloaded its I/O bitmap", i);
                break;
            }
            cpu_relax();
        }
    }
}

static struct ioport_space *
ioport_space_get(struct process *p)
{
    struct ioport_space *s = ioport_space_of(p), *none = NULL;
    struct quota *q;

    if (s)
        return s;
    /* Charged first, so a refused charge costs the kernel nothing; the
     * space keeps the quota (and this reference) for good. */
    q = process_quota_get(p);
    if (quota_charge(q, IOPORT_SPACE_CHARGE) < 0)
        goto err_unref;
    s = kzalloc(sizeof(*s));
    if (!s)
        goto err_uncharge;
    s->bits = kmalloc(TSS_IOMAP_BYTES);
    if (!s->bits)
        goto err_free;
    memset(s->bits, 0xff, TSS_IOMAP_BYTES);
    spin_init(&s->lock);
    s->id = ioport_next_stamp();
    s->version = ioport_next_stamp();
    s->quota = q;
    if (__atomic_compare_exchange_n(&p->io, &none, s, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return s;
    /* Another thread made one first: use that. */
    kfree(s->bits);
    kfree(s);
    quota_uncharge(q, IOPORT_SPACE_CHARGE);
    if (q)
        quota_unref(q);
    return none;

err_free:
    kfree(s);
err_uncharge:
    quota_uncharge(q, IOPORT_SPACE_CHARGE);
err_unref:
    if (q)
        quota_unref(q);
    return NULL;
}

static void
bits_clear_range(uint8_t *bits, uint32_t base, uint32_t count)
{
    for (uint32_t port = base; port < base + count; port++)
        bits[port / 8] &= (uint8_t) ~(1u << (port % 8));
}

/* Rebuild the bitmap from the grants (after a withdrawal). */
static void
ioport_rebuild_locked(struct ioport_space *s)
{
    spin_assert_held(&s->lock);
    memset(s->bits, 0xff, s->len);
    for (unsigned i = 0; i < s->ngrants; i++)
        bits_clear_range(s->bits, s->grants[i].base, s->grants[i].count);
}

static int
ioport_find_locked(struct ioport_space *s, uint64_t koid)
{
    spin_assert_held(&s->lock);
    for (unsigned i = 0; i < s->ngrants; i++) {
        if (s->grants[i].koid == koid)
            return (int)i;
    }
    return -1;
}

int
ioport_grant(struct process *p, const struct resource *io)
{
    struct ioport_space *s = ioport_space_get(p);
    uint32_t base = (uint32_t)io->base, count = (uint32_t)io->size;
    uint64_t version;
    bool irq;

    if (!s)
        return -CAIRN_ENOMEM;
    irq = spin_lock_irqsave(&s->lock);
    if (ioport_find_locked(s, io->obj.koid) >= 0) {
        spin_unlock_irqrestore(&s->lock, irq);
        return 0;
    }
    if (s->ngrants == IOPORT_MAX_GRANTS) {
        spin_unlock_irqrestore(&s->lock, irq);
        return -CAIRN_ENOMEM;
    }
    s->grants[s->ngrants++] = (struct ioport_grant){io->obj.koid, base, count};
    bits_clear_range(s->bits, base, count);
    if ((base + count + 7) / 8 > s->len)
        __atomic_store_n(&s->len, (base + count + 7) / 8, __ATOMIC_RELEASE);
    version = ioport_next_stamp();
    __atomic_store_n(&s->version, version, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&s->lock, irq);
    ioport_publish(p, s, version);
    return 0;
}

int
ioport_withdraw(struct process *p, const struct resource *io)
{
    struct ioport_space *s = ioport_space_of(p);
    uint64_t version;
    bool irq;
    int i;

    if (!s)
        return -CAIRN_ENOENT;
    irq = spin_lock_irqsave(&s->lock);
    i = ioport_find_locked(s, io->obj.koid);
    if (i < 0) {
        spin_unlock_irqrestore(&s->lock, irq);
        return -CAIRN_ENOENT;
    }
    s->grants[i] = s->grants[--s->ngrants];
    ioport_rebuild_locked(s);
    version = ioport_next_stamp();
    __atomic_store_n(&s->version, version, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&s->lock, irq);
    ioport_publish(p, s, version);
    return 0;
}

bool
ioport_allowed(struct process *p, uint32_t port)
{
    struct ioport_space *s = ioport_space_of(p);
    bool allowed, irq;

    if (!s || port >= CAIRN_IOPORT_COUNT)
        return false;
    irq = spin_lock_irqsave(&s->lock);
    allowed = !(s->bits[port / 8] & (1u << (port % 8)));
    spin_unlock_irqrestore(&s->lock, irq);
    return allowed;
}

void
ioport_process_fini(struct process *p)
{
    struct ioport_space *s = ioport_space_of(p);

    if (!s)
        return;
    p->io = NULL;
    if (s->quota) {
        quota_uncharge(s->quota, IOPORT_SPACE_CHARGE);
        quota_unref(s->quota);
    }
    kfree(s->bits);
    kfree(s);
}
