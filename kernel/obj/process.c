// SPDX-License-Identifier: MIT
/*
 * Processes (see process.h): creating one and loading an ELF into a fresh
 * address space. Its life after that, threads starting and ending, is
 * obj/process_life.c; copies across the user/kernel boundary are
 * mm/usercopy.c's.
 *
 * Every piece of a process's memory, the ELF segments and the stack
 * included, is a memory object mapped into its vspace (mm/vspace.c), so
 * one teardown path frees them all. A program the kernel loads starts
 * with the start block of include/cairn/init.h at its stack's top,
 * copied into the stack's memory object when the object is made, before
 * the process has a thread.
 *
 * A program is read from a source (struct spawn_source: kernel memory or
 * a memory object's frames) in two parts: its headers, copied out once
 * and validated from that copy alone, and its segments' file bytes,
 * copied straight into the new process's pages by the validated plan.
 * Nothing else of the file is read, and no header is read twice.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/rights.h>
#include <cairn/vm.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "common/align.h"
#include "common/elf.h"
#include "common/string.h"
#include "console/console.h"
#include "core/panic.h"
#include "lib/log.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "obj/endpoint.h"
#include "obj/ioport.h"
#include "obj/memobj.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "time/clock.h"

static uint32_t next_pid = 1; /* [a] */

static void
process_destroy(struct object *o)
{
    struct process *p = process_from(o);

    /* A process whose threads ran was torn down when the last was reaped
     * (each held a reference); one that never ran goes here. Callers from
     * outside in its address space hold references too, so vs_users is 0. */
    process_leave_creator(p);
    process_teardown(p);
    fault_handler_clear(&p->fault); /* one set after the teardown */
    watch_fire(&p->watches, true);  /* fired when it ended; nothing is left */
    ioport_process_fini(p);
    if (p->quota)
        quota_unref(p->quota);
    kfree(p);
}

/*
 * A process that has never started a thread can only be reached through
 * handles, and handles can form cycles: a loader installs a process's own
 * handle and its thread's before starting it, and two new processes may
 * be given each other. A cycle no one outside can reach would keep its
 * processes, and their quota, forever. Two rules end such processes:
 *
 *  - when the last handle naming it outside its own table goes (the
 *    common case: a loader gives up on a child it was building);
 *  - when the process that created it is torn down (any other cycle: a
 *    process that never ran belongs to its creator's work).
 *
 * Both end it from the reaper (sched_defer): a teardown closes handles
 * and ends children, which may find more such processes, and those must
 * queue, not recurse. The end is decided again under the process's lock
 * (process_end_unstarted), so a process that did start meanwhile goes on.
 * Borrowed handles in its own table are not counted as its own, so such a
 * process waits for its creator (a conservative miss, never a wrong end).
 */
static struct spinlock unstarted_lock = SPINLOCK_INIT; /* the [u] fields of every process */

static void
process_end_queued(struct sched_work *w)
{
    struct process *p = (struct process *)((char *)w - offsetof(struct process, end_work));

    process_end_unstarted(p, CAIRN_STATUS_KILLED);
    process_unref(p); /* taken when queued */
}

/* Queue p's end once; takes a reference unless p's count is already 0
 * (then its destroy is under way and ends it anyway). */
static void
process_queue_end(struct process *p)
{
    uint32_t refs = __atomic_load_n(&p->obj.refs, __ATOMIC_RELAXED);

    do {
        if (refs == 0)
            return;
    } while (!__atomic_compare_exchange_n(&p->obj.refs, &refs, refs + 1, true, __ATOMIC_ACQUIRE,
                                          __ATOMIC_RELAXED));
    if (__atomic_exchange_n(&p->end_queued, true, __ATOMIC_ACQ_REL)) {
        process_unref(p);
        return;
    }
    p->end_work.fn = process_end_queued;
    sched_defer(&p->end_work);
}

void
process_leave_creator(struct process *p)
{
    bool irq;

    if (!__atomic_load_n(&p->creator, __ATOMIC_ACQUIRE))
        return;
    irq = spin_lock_irqsave(&unstarted_lock);
    if (p->creator) {
        list_remove(&p->creator_link);
        p->creator = NULL;
    }
    spin_unlock_irqrestore(&unstarted_lock, irq);
}

void
process_end_unstarted_children(struct process *p)
{
    struct list_node orphans;
    bool irq;

    list_init(&orphans);
    irq = spin_lock_irqsave(&unstarted_lock);
    while (!list_empty(&p->unstarted)) {
        struct list_node *n = list_pop_front(&p->unstarted);

        list_entry(n, struct process, creator_link)->creator = NULL;
        list_push_back(&orphans, n);
    }
    spin_unlock_irqrestore(&unstarted_lock, irq);
    /* Off every list now, so no one else touches their links. */
    while (!list_empty(&orphans))
        process_queue_end(list_entry(list_pop_front(&orphans), struct process, creator_link));
}

static void
process_handle_opened(struct object *o, uint32_t rights)
{
    (void)rights;
    __atomic_add_fetch(&process_from(o)->holders, 1, __ATOMIC_RELAXED);
}

static void
process_handle_closed(struct object *o, uint32_t rights)
{
    struct process *p = process_from(o);
    unsigned left = __atomic_sub_fetch(&p->holders, 1, __ATOMIC_ACQ_REL);
    bool never_ran;
    bool irq;

    (void)rights;
    irq = spin_lock_irqsave(&p->lock);
    never_ran = !p->dying && p->threads_unreaped == 0;
    spin_unlock_irqrestore(&p->lock, irq);
    /* With no holder outside p's table, none can appear: handles are only
     * made from handles, and p runs no thread to make them. With no holder
     * at all, the last reference goes the ordinary way. */
    if (!never_ran || left == 0 || handle_count_naming(&p->handles, o) != left)
        return;
    process_queue_end(p);
}

static const struct object_ops process_ops = {
    .destroy = process_destroy,
    .handle_opened = process_handle_opened,
    .handle_closed = process_handle_closed,
};

void
process_ref(struct process *p)
{
    object_ref(&p->obj);
}

void
process_unref(struct process *p)
{
    object_unref(&p->obj);
}

struct quota *
process_quota_get(struct process *p)
{
    bool irq = spin_lock_irqsave(&p->lock);
    struct quota *q = p->quota;

    if (q)
        quota_ref(q);
    spin_unlock_irqrestore(&p->lock, irq);
    return q;
}

int
process_charge(struct process *p, struct object *o, uint64_t bytes)
{
    struct quota *q = process_quota_get(p);
    int err = object_charge(o, q, bytes);

    if (q)
        quota_unref(q);
    return err;
}

void
process_set_quota(struct process *p, struct quota *q)
{
    bool irq = spin_lock_irqsave(&p->lock);
    struct quota *old = p->quota;

    p->quota = q;
    spin_unlock_irqrestore(&p->lock, irq);
    if (old)
        quota_unref(old);
}

/*
 * Where a program's file bytes are read from: kernel memory (a boot
 * module, a kernel test's buffer, the start block), or the first size
 * bytes of a memory object read through the direct map page by page. An
 * object's other holders may write it while it is read, so the loader
 * copies the headers out once and never reads them from the source again
 * (spawn_parse); segment bytes are only copied, never checked, and what a
 * writer changes there it could as well have put in the image before.
 */
struct spawn_source {
    const uint8_t *bytes; /* the file in kernel memory, or NULL */
    struct memobj *mo;    /* otherwise its frames: MEMOBJ_PAGES or DMA, never device */
    uint64_t size;
};

/* Copies len bytes at offset (inside [0, src->size): the caller checked)
 * to dst. -CAIRN_ENOMEM when a page of the object has no frame and cannot
 * get one (a first touch the object's quota cannot pay). */
static int
spawn_source_read(const struct spawn_source *src, uint64_t offset, void *dst, uint64_t len)
{
    uint8_t *to = dst;

    if (src->bytes) {
        memcpy(dst, src->bytes + offset, len);
        return 0;
    }
    while (len > 0) {
        uint64_t in = offset & (PAGE_SIZE - 1);
        uint64_t chunk = PAGE_SIZE - in < len ? PAGE_SIZE - in : len;
        uint64_t frame = memobj_frame(src->mo, offset / PAGE_SIZE);

        if (!frame)
            return -CAIRN_ENOMEM;
        memcpy(to, (const uint8_t *)phys_to_virt(frame) + in, chunk);
        to += chunk;
        offset += chunk;
        len -= chunk;
    }
    return 0;
}

/* Map a fresh memory object over [start, end) with prot, filling it with
 * len bytes read from src at offset from, placed at start + skip (the rest
 * stays zero). The object is p's, charged in full to p's quota like any
 * memory object p makes. */
static int
process_map_new(struct process *p, uint64_t start, uint64_t end, uint32_t prot,
                const struct spawn_source *src, uint64_t from, uint64_t skip, uint64_t len)
{
    struct memobj *mo;
    uint64_t va = start;
    struct quota *q = process_quota_get(p);
    int err = memobj_create(end - start, q, &mo);

    if (q)
        quota_unref(q);
    if (err)
        return err;
    for (uint64_t done = 0; done < len;) {
        uint64_t at = skip + done;
        uint64_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
        uint64_t frame = memobj_frame(mo, at / PAGE_SIZE);

        if (!frame) {
            object_unref(&mo->obj);
            return -CAIRN_ENOMEM;
        }
        if (chunk > len - done)
            chunk = len - done;
        /* A segment's offset and address agree modulo the page (elf.h), so
         * this chunk is also within one page of an object source. */
        err = spawn_source_read(src, from + done,
                                (uint8_t *)phys_to_virt(frame) + (at & (PAGE_SIZE - 1)), chunk);
        if (err) {
            object_unref(&mo->obj);
            return err;
        }
        done += chunk;
    }
    err = vspace_map(&p->vs, mo, 0, end - start, &va, true, prot, prot);
    object_unref(&mo->obj); /* the mapping holds its own reference */
    return err;
}

static int
process_load_segment(struct process *p, const struct spawn_source *src, const struct elf_segment *s)
{
    uint64_t start = align_down(s->vaddr, PAGE_SIZE);
    uint64_t end = align_up(s->vaddr + s->memsz, PAGE_SIZE);
    uint32_t prot = (s->flags & ELF_SEG_R ? CAIRN_PROT_READ : 0) |
                    (s->flags & ELF_SEG_W ? CAIRN_PROT_WRITE : 0) |
                    (s->flags & ELF_SEG_X ? CAIRN_PROT_EXEC : 0);

    return process_map_new(p, start, end, prot, src, s->offset, s->vaddr - start, s->filesz);
}

int
process_create(const char *name, struct process **out)
{
    struct process *p = kzalloc(sizeof(*p));
    int err;

    if (!p)
        return -CAIRN_ENOMEM;
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    strlcpy(p->name, name, sizeof(p->name));
    /* Its creator's bound (the kernel's processes: the highest for users). */
    p->max_priority = process_current()
                          ? __atomic_load_n(&process_current()->max_priority, __ATOMIC_RELAXED)
                          : CAIRN_PRIORITY_USER_MAX;
    spin_init(&p->lock);
    list_init(&p->threads);
    list_init(&p->unstarted);
    list_init(&p->creator_link);
    list_init(&p->watches.watches);
    waitq_init(&p->exit_wq);
    err = handle_table_init(&p->handles, PROCESS_MAX_HANDLES);
    if (err) {
        kfree(p);
        return err;
    }
    err = vspace_init(&p->vs);
    if (err) {
        handle_table_fini(&p->handles);
        kfree(p);
        return err;
    }
    object_init(&p->obj, CAIRN_OBJ_PROCESS, &process_ops);
    /* A new process shares its creator's quota until given its own; its
     * structure, top page table and first handle array are charged there. */
    if (process_current())
        p->quota = process_quota_get(process_current());
    if (p->quota) {
        err =
            object_charge(&p->obj, p->quota,
                          sizeof(*p) + PAGE_SIZE + HANDLE_TABLE_FIRST * sizeof(struct handle_slot));
        if (err) {
            process_unref(p);
            return err;
        }
        /* The tables below the root and the handle array; each keeps this
         * quota for good (see process_set_quota). */
        vspace_set_quota(&p->vs, p->quota);
        handle_table_set_quota(&p->handles, p->quota);
    }
    if (process_current()) {
        bool irq = spin_lock_irqsave(&unstarted_lock);

        p->creator = process_current();
        list_push_back(&p->creator->unstarted, &p->creator_link);
        spin_unlock_irqrestore(&unstarted_lock, irq);
    }
    *out = p;
    return 0;
}

/*
 * The start block (include/cairn/init.h) of a program the kernel loads
 * itself: argv = { name }, no environment, the start word as
 * CAIRN_AT_START_ARG. It is built in buf as the top *len bytes of the
 * stack: buf[i] lands at CAIRN_USER_STACK_TOP - *len + i in the process.
 * *len is a multiple of 16, so the entry rsp is 16-byte aligned.
 */
#define START_WORDS     8 /* argc, argv[0], NULL, NULL, two auxiliary pairs */
#define START_BLOCK_MAX (START_WORDS * 8 + PROCESS_NAME_MAX + 15)
_Static_assert(START_BLOCK_MAX <= CAIRN_USER_START_MAX, "the kernel's start block fits the bound");

static void
process_start_block(const char *name, uint64_t arg, uint8_t *buf, size_t *len)
{
    /* The same bound as the process's own name, so argv[0] equals it. */
    size_t slen = strnlen(name, PROCESS_NAME_MAX - 1) + 1;
    size_t total = (START_WORDS * 8 + slen + 15) & ~(size_t)15;
    const uint64_t words[START_WORDS] = {
        1, CAIRN_USER_STACK_TOP - slen, 0, 0, CAIRN_AT_START_ARG, arg, CAIRN_AT_NULL, 0,
    };

    memset(buf, 0, total);
    memcpy(buf, words, sizeof(words));
    memcpy(buf + total - slen, name, slen - 1);
    *len = total;
}

/*
 * The load plan of the program in src: its file header and program header
 * table are copied into kernel memory once, then validated by the common
 * validator (common/elf.c) from that copy alone, and *elf holds every
 * value the loading uses, so nothing a holder of the object writes later
 * can slip past a check. The validator bounds the table (ELF_MAX_PHDRS
 * entries, inside the file) before it is copied. The copy is at most a
 * few KiB and lives only during this call, so no quota pays for it.
 */
static int
spawn_parse(const struct spawn_source *src, struct elf_image *elf)
{
    uint8_t ehdr[sizeof(struct elf64_ehdr)];
    size_t ehdr_len = src->size < sizeof(ehdr) ? src->size : sizeof(ehdr);
    uint8_t *phdrs = NULL;
    struct elf_why why;
    uint64_t phoff;
    size_t phlen;
    int err;

    err = spawn_source_read(src, 0, ehdr, ehdr_len);
    if (err)
        return err;
    err = elf_locate_phdrs(ehdr, ehdr_len, src->size, &phoff, &phlen, &why);
    if (err)
        goto out_refused;
    if (phlen > 0) {
        phdrs = kmalloc(phlen);
        if (!phdrs)
            return -CAIRN_ENOMEM;
        err = spawn_source_read(src, phoff, phdrs, phlen);
        if (err)
            goto out_free;
    }
    err = elf_parse_headers(ehdr, ehdr_len, phdrs, phlen, src->size, CAIRN_USER_BASE,
                            CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - PAGE_SIZE, elf, &why);
out_free:
    kfree(phdrs);
out_refused:
    if (err == -CAIRN_EINVAL)
        log_warn("elf: %s", why.text);
    return err;
}

/* process_spawn_elf for either source: validated in full before anything is made. */
static int
process_spawn_source(const char *name, const struct spawn_source *src, uint64_t arg,
                     struct process **out)
{
    uint8_t block[START_BLOCK_MAX];
    struct spawn_source stack;
    struct elf_image elf;
    struct process *p;
    struct thread *t;
    size_t block_len;
    int err;

    err = spawn_parse(src, &elf);
    if (err)
        return err;
    err = process_create(name, &p);
    if (err)
        return err;
    for (unsigned i = 0; i < elf.segment_count; i++) {
        err = process_load_segment(p, src, &elf.segments[i]);
        if (err)
            goto err_destroy;
    }
    /* The stack with the start block at its top; the page below it stays
     * unmapped as a guard. */
    process_start_block(name, arg, block, &block_len);
    stack = (struct spawn_source){.bytes = block, .size = block_len};
    err = process_map_new(p, CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP,
                          CAIRN_PROT_READ | CAIRN_PROT_WRITE, &stack, 0,
                          CAIRN_USER_STACK_SIZE - block_len, block_len);
    if (err)
        goto err_destroy;

    t = thread_create_user(name, p, elf.entry, CAIRN_USER_STACK_TOP - block_len, arg,
                           p->max_priority < THREAD_PRIORITY_NORMAL ? p->max_priority
                                                                    : THREAD_PRIORITY_NORMAL);
    if (!t) {
        err = -CAIRN_ENOMEM;
        goto err_destroy;
    }
    process_thread_add(p, t); /* cannot fail: no one else knows p yet */
    /* The creator's reference, until process_start or process_discard: the
     * thread holds p, so p must not keep it beyond that, or each would
     * keep the other alive forever. */
    p->main_thread = t;
    *out = p;
    return 0;

err_destroy:
    process_unref(p);
    return err;
}

int
process_spawn_elf(const char *name, const void *image, size_t size, uint64_t arg,
                  struct process **out)
{
    if (!image)
        return -CAIRN_EINVAL;
    return process_spawn_source(name, &(struct spawn_source){.bytes = image, .size = size}, arg,
                                out);
}

int
process_spawn_memobj(const char *name, struct memobj *mo, uint64_t size, uint64_t arg,
                     struct process **out)
{
    /* Device memory is not in the direct map, and is no program. */
    if (mo->kind == MEMOBJ_DEVICE)
        return -CAIRN_EINVAL;
    if (size == 0 || size > mo->npages * PAGE_SIZE || size > PROCESS_MAX_IMAGE)
        return -CAIRN_EINVAL;
    /* Read in place: only the headers are copied (spawn_parse), and each
     * segment's bytes go straight from the object's frames to the child's.
     * The caller's reference keeps the object, and so its frames, alive. */
    return process_spawn_source(name, &(struct spawn_source){.mo = mo, .size = size}, arg, out);
}

int
process_start(struct process *p)
{
    struct thread *t = p->main_thread;
    int err;

    p->main_thread = NULL;
    err = process_thread_start(t);
    thread_unref(t);
    return err;
}

void
process_discard(struct process *p)
{
    /* Nothing ran, so ending it tears it down at once: its handles (which
     * may name p itself) go now, and the references after them. */
    process_end(p, -CAIRN_EINTR);
    if (p->main_thread) {
        thread_unref(p->main_thread);
        p->main_thread = NULL;
    }
    process_unref(p);
}

unsigned
process_live_count(void)
{
    return object_live_count(CAIRN_OBJ_PROCESS);
}
