// SPDX-License-Identifier: MIT
/*
 * cairn_spawn: the ELF loader in user space (see <cairn/spawn.h>),
 * built only from the process system calls: process_create, memory objects
 * filled through a mapping of the caller's own, vm_map_into,
 * handle_install, thread_create and thread_start.
 *
 * The image is mapped read-only and validated by the kernel's own validator
 * (common/elf.c: the same checks, W^X and user addresses included), so a
 * malformed image gives -CAIRN_EINVAL and never a fault. The segments are
 * then loaded from the validated plan it returns, never from the headers
 * again: whoever else holds the object may change its bytes meanwhile, and
 * a value checked in place could change after its check.
 *
 * The image may start at any offset of its memory object (a member of the
 * initfs archive). A segment that is not writable and
 * whose pages line up with the object's (its offset in the object and its
 * address congruent modulo 4096) is mapped from the object itself, so the
 * processes running one program share its code and read-only data; every
 * other segment is copied into a fresh memory object of its own.
 *
 * The stack comes first, before the process: a fresh object whose top
 * holds the start block (argc, argv, envp, the auxiliary vector and the
 * strings: include/cairn/init.h), written through a mapping of the
 * caller's own. The caller's argv and envp are read only where the kernel
 * said they are readable, so bad pointers and a block over
 * CAIRN_USER_START_MAX are errors found before anything else is made.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <common/elf.h>
#include <proto/handles.h>

#define PAGE      4096ull
#define PAGE_MASK (PAGE - 1)

/* Segments must stay clear of the stack and its guard page. */
#define SEGMENT_LIMIT (CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - PAGE)

/* Copy one PT_LOAD segment into a fresh memory object and map it into the
 * child at its address with its permissions. */
static long
spawn_load_segment(long child, const uint8_t *image, const struct elf_segment *ph)
{
    uint64_t start = ph->vaddr & ~PAGE_MASK;
    uint64_t len = ((ph->vaddr + ph->memsz + PAGE_MASK) & ~PAGE_MASK) - start;
    uint32_t prot = (ph->flags & ELF_SEG_R ? CAIRN_PROT_READ : 0) |
                    (ph->flags & ELF_SEG_W ? CAIRN_PROT_WRITE : 0) |
                    (ph->flags & ELF_SEG_X ? CAIRN_PROT_EXEC : 0);
    long mo, here, err;

    if (len == 0)
        return 0;
    mo = cairn_memobj_create(len, 0);
    if (mo < 0)
        return mo;
    if (ph->filesz) {
        here = cairn_vm_map(mo, 0, len, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
        if (here < 0) {
            cairn_handle_close(mo);
            return here;
        }
        memcpy((uint8_t *)here + (ph->vaddr - start), image + ph->offset, ph->filesz);
        cairn_vm_unmap((uint64_t)here, len);
    }
    err = cairn_vm_map_into(child, mo, 0, len, start, CAIRN_VM_PROT_FLAGS(prot, CAIRN_MAP_FIXED));
    cairn_handle_close(mo); /* the mapping holds the object now */
    return err < 0 ? err : 0;
}

/*
 * Readability of the caller's memory, asked of the kernel, so that a bad
 * pointer in argv or envp is -CAIRN_EFAULT and not a fault of the caller:
 * futex_wait given no time only compares the word (docs/syscalls.md), and
 * fails with EFAULT where nothing readable is mapped. One page at a time,
 * remembering the last page found readable, so a string costs a system
 * call per page it touches, not per byte.
 */
struct spawn_probe {
    uintptr_t page; /* the last page found readable, or 1 (no page) */
};

static int
spawn_readable(struct spawn_probe *pr, const void *p, size_t len)
{
    uintptr_t first = (uintptr_t)p & ~(uintptr_t)PAGE_MASK;
    uintptr_t last = ((uintptr_t)p + len - 1) & ~(uintptr_t)PAGE_MASK;

    if ((uintptr_t)p + len - 1 < (uintptr_t)p)
        return 0;
    for (uintptr_t page = first;; page += PAGE) {
        if (page != pr->page) {
            if (cairn_futex_wait((const volatile uint32_t *)page, 0, 0) == -CAIRN_EFAULT)
                return 0;
            pr->page = page;
        }
        if (page == last)
            return 1;
    }
}

/*
 * The start block (include/cairn/init.h) is written in two passes over
 * the caller's argv and envp, both through the probe. The first counts
 * the strings and their bytes, so a block over CAIRN_USER_START_MAX or a
 * bad pointer is found before anything is made. The second writes the
 * block straight into its place at the top of the child's stack object,
 * through a window onto that object mapped in the caller: the vector
 * (argc, the pointers, the auxiliary vector) from the block's start, the
 * strings packed below CAIRN_USER_STACK_TOP. The second pass never writes
 * more than the first measured: should another thread of the caller
 * change the lists in between, a list that grew is cut at the length
 * measured, and a string that grew takes what the strings after it leave
 * unused, which are cut as they need (each keeps at least its 0); so the
 * block stays within its bound and well formed.
 */
_Static_assert(CAIRN_USER_START_MAX < CAIRN_USER_STACK_SIZE && CAIRN_USER_START_MAX % PAGE == 0,
               "the window is whole pages of the stack, and leaves the program a stack");

struct spawn_lists {
    uint64_t argc, envc;
    size_t strings; /* bytes of all the strings, each with its 0 */
    uint64_t kinds; /* handles with a kind: a CAIRN_AT_HANDLE pair each */
    uint64_t aux;   /* the caller's own pairs (attr->aux) */
};

/* The block's vector words: argc, the two lists with their NULLs, and the
 * auxiliary vector (CAIRN_AT_START_ARG, a CAIRN_AT_HANDLE pair per handle
 * with a kind, and the CAIRN_AT_NULL pair). */
static size_t
spawn_block_words(const struct spawn_lists *l)
{
    return 1 + (l->argc + 1) + (l->envc + 1) + 2 * (l->kinds + l->aux) + 4;
}

/* Pass one over list (up to its NULL; NULL: no entries): adds its entries
 * to *count and their bytes to l->strings. */
static long
spawn_list_measure(struct spawn_probe *pr, const char *const *list, uint64_t *count,
                   struct spawn_lists *l)
{
    for (size_t i = 0; list; i++) {
        const char *s;
        size_t len = 0;

        if (!spawn_readable(pr, &list[i], sizeof(list[i])))
            return -CAIRN_EFAULT;
        s = list[i];
        if (!s)
            return 0;
        do {
            /* Every entry costs a word and at least a byte: stop early. */
            if ((*count + 1) * 8 + l->strings + len + 1 > CAIRN_USER_START_MAX)
                return -CAIRN_E2BIG;
            if (!spawn_readable(pr, s + len, 1))
                return -CAIRN_EFAULT;
        } while (s[len++] != '\0');
        l->strings += len;
        (*count)++;
    }
    return 0;
}

/* Where pass two writes: the vector's next word, the strings' next byte,
 * their end, and how many strings are still to come. */
struct spawn_cursor {
    uint64_t *vec;
    char *str, *end;
    uint64_t left;
    uint64_t base; /* the child's address of the window's first byte */
    const char *window;
};

/* Pass two over count entries of list: their strings and pointers, then
 * the NULL. A string takes at most what leaves a byte for each one after
 * it; an entry that became NULL meanwhile is an empty string. */
static long
spawn_list_write(struct spawn_probe *pr, const char *const *list, uint64_t count,
                 struct spawn_cursor *c)
{
    for (uint64_t i = 0; i < count; i++) {
        size_t room = (size_t)(c->end - c->str) - (c->left - 1), len = 0;
        const char *s;

        if (!spawn_readable(pr, &list[i], sizeof(list[i])))
            return -CAIRN_EFAULT;
        s = list[i] ? list[i] : "";
        for (; len + 1 < room; len++) {
            if (!spawn_readable(pr, s + len, 1))
                return -CAIRN_EFAULT;
            if (s[len] == '\0')
                break;
            c->str[len] = s[len];
        }
        c->str[len] = '\0';
        *c->vec++ = c->base + (uint64_t)(c->str - c->window);
        c->str += len + 1;
        c->left--;
    }
    *c->vec++ = 0;
    return 0;
}

/*
 * Build the child's stack before the child exists: a fresh object of
 * CAIRN_USER_STACK_SIZE whose top holds the start block for attr. Returns
 * 0 with the object in *stack and the entry rsp in *rsp, or a negative
 * code with nothing left behind: -CAIRN_E2BIG for a block over
 * CAIRN_USER_START_MAX, -CAIRN_EFAULT for an unreadable argv, envp,
 * string or handle list.
 */
static long
spawn_stack_build(const struct cairn_spawn_attr *attr, long *stack, uint64_t *rsp)
{
    const uint64_t base = CAIRN_USER_STACK_TOP - CAIRN_USER_START_MAX;
    struct spawn_probe pr = {1};
    struct spawn_lists l = {0, 0, 0, 0, 0};
    struct spawn_cursor c;
    size_t size, start;
    long mo, win, err;

    if (attr->nhandles &&
        !spawn_readable(&pr, attr->handles, (size_t)attr->nhandles * sizeof(*attr->handles)))
        return -CAIRN_EFAULT;
    if (attr->nhandles && attr->handle_kinds) {
        if (!spawn_readable(&pr, attr->handle_kinds,
                            (size_t)attr->nhandles * sizeof(*attr->handle_kinds)))
            return -CAIRN_EFAULT;
        for (uint32_t i = 0; i < attr->nhandles; i++)
            l.kinds += attr->handle_kinds[i] != 0;
    }
    if (attr->naux) {
        if (attr->naux > CAIRN_SPAWN_AUX_MAX)
            return -CAIRN_E2BIG;
        if (!spawn_readable(&pr, attr->aux, (size_t)attr->naux * 2 * sizeof(*attr->aux)))
            return -CAIRN_EFAULT;
        l.aux = attr->naux;
    }
    err = spawn_list_measure(&pr, attr->argv, &l.argc, &l);
    if (err == 0)
        err = spawn_list_measure(&pr, attr->envp, &l.envc, &l);
    if (err)
        return err;
    /* Rounding up to 16 needs no room of its own: the bound is a multiple
     * of 16, so a block within it stays within it when rounded. */
    size = spawn_block_words(&l) * 8 + l.strings;
    if (size > CAIRN_USER_START_MAX)
        return -CAIRN_E2BIG;
    start = (CAIRN_USER_START_MAX - size) & ~(size_t)15; /* the psABI's entry alignment */

    mo = cairn_memobj_create(CAIRN_USER_STACK_SIZE, 0);
    if (mo < 0)
        return mo;
    win = cairn_vm_map(mo, CAIRN_USER_STACK_SIZE - CAIRN_USER_START_MAX, CAIRN_USER_START_MAX, 0,
                       CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (win < 0) {
        cairn_handle_close(mo);
        return win;
    }
    c = (struct spawn_cursor){(uint64_t *)(win + start),
                              (char *)win + CAIRN_USER_START_MAX - l.strings,
                              (char *)win + CAIRN_USER_START_MAX,
                              l.argc + l.envc,
                              base,
                              (const char *)win};
    *c.vec++ = l.argc;
    err = spawn_list_write(&pr, attr->argv, l.argc, &c);
    if (err == 0)
        err = spawn_list_write(&pr, attr->envp, l.envc, &c);
    if (err == 0) {
        *c.vec++ = CAIRN_AT_START_ARG;
        *c.vec++ = attr->start_arg;
        /* At most l.kinds pairs, however the kinds changed meanwhile: the
         * handles are installed from 2 on, in order (spawn_finish). */
        for (uint32_t i = 0, k = 0; attr->handle_kinds && i < attr->nhandles && k < l.kinds; i++) {
            uint32_t kind = attr->handle_kinds[i];

            if (kind == 0)
                continue;
            *c.vec++ = CAIRN_AT_HANDLE;
            *c.vec++ = (uint64_t)kind << 32 | (2 + i);
            k++;
        }
        /* The caller's pairs; a type of 0 would end the vector early. */
        for (uint32_t i = 0; i < l.aux; i++) {
            uint64_t type = attr->aux[2 * i];

            *c.vec++ = type == CAIRN_AT_NULL ? CAIRN_AT_IGNORE : type;
            *c.vec++ = attr->aux[2 * i + 1];
        }
        *c.vec++ = CAIRN_AT_NULL;
        *c.vec++ = 0;
        *rsp = base + start;
    }
    cairn_vm_unmap((uint64_t)win, CAIRN_USER_START_MAX);
    if (err) {
        cairn_handle_close(mo);
        return err;
    }
    *stack = mo;
    return 0;
}

/* Map the child's stack, create its thread, install its handles, start it. */
static long
spawn_finish(long child, uint64_t entry, long stack, uint64_t rsp,
             const struct cairn_spawn_attr *attr, long *thread_out)
{
    uint32_t priority = attr->priority ? attr->priority : CAIRN_PRIORITY_DEFAULT;
    long thread, err;

    err = cairn_vm_map_into(
        child, stack, 0, CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE,
        CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ | CAIRN_PROT_WRITE, CAIRN_MAP_FIXED));
    if (err < 0)
        return err;
    thread = cairn_thread_create(child, entry, rsp, attr->start_arg, priority);
    if (thread < 0)
        return thread;
    /* Into an empty table in this order, the values are 0, 1, 2, ... */
    err = cairn_handle_install(child, child, CAIRN_RIGHTS_SAME);
    if (err >= 0)
        err = cairn_handle_install(child, thread, CAIRN_RIGHTS_SAME);
    for (unsigned i = 0; err >= 0 && i < attr->nhandles; i++)
        err = cairn_handle_install(child, attr->handles[i], CAIRN_RIGHTS_SAME);
    if (err >= 0)
        err = cairn_thread_start(thread);
    if (err >= 0 && thread_out)
        *thread_out = thread;
    else
        cairn_handle_close(thread);
    return err < 0 ? err : 0;
}

/*
 * Whether the segment ph of the image at [offset, offset + size) of an
 * object held with rights can be mapped from the object itself, and from
 * where (*from): not writable (copy-on-write does not exist), no bytes to
 * zero past filesz, the rights its protection needs, its file offset in
 * the object congruent to its address modulo the page, and every page of
 * it inside the image (so no byte of what lies around the image shows).
 */
static int
spawn_can_share(const struct elf_segment *ph, uint64_t offset, uint64_t size, uint32_t rights,
                uint64_t *from)
{
    uint64_t start = ph->vaddr & ~PAGE_MASK;
    uint64_t len = ((ph->vaddr + ph->memsz + PAGE_MASK) & ~PAGE_MASK) - start;
    uint64_t lead = ph->vaddr - start, file = offset + ph->offset;

    if ((ph->flags & ELF_SEG_W) || ph->memsz != ph->filesz || len == 0 ||
        !(rights & CAIRN_RIGHT_MAP) || ((ph->flags & ELF_SEG_R) && !(rights & CAIRN_RIGHT_READ)) ||
        ((ph->flags & ELF_SEG_X) && !(rights & CAIRN_RIGHT_EXEC)))
        return 0;
    if ((file & PAGE_MASK) != lead || file - lead < offset || len > offset + size - (file - lead))
        return 0;
    *from = file - lead;
    return 1;
}

/* Map one PT_LOAD segment into the child from the object itself. */
static long
spawn_share_segment(long child, long memobj, uint64_t from, const struct elf_segment *ph)
{
    uint64_t start = ph->vaddr & ~PAGE_MASK;
    uint64_t len = ((ph->vaddr + ph->memsz + PAGE_MASK) & ~PAGE_MASK) - start;
    uint32_t prot = (ph->flags & ELF_SEG_R ? CAIRN_PROT_READ : 0) |
                    (ph->flags & ELF_SEG_X ? CAIRN_PROT_EXEC : 0);
    long err = cairn_vm_map_into(child, memobj, from, len, start,
                                 CAIRN_VM_PROT_FLAGS(prot, CAIRN_MAP_FIXED));

    return err < 0 ? err : 0;
}

/*
 * The image is validated once, into a load plan (struct elf_image) that
 * holds every value the loading uses; the headers are not read again.
 */
static long
spawn_elf(long memobj, uint64_t offset, uint64_t size, const struct cairn_spawn_attr *attr,
          long *thread)
{
    uint64_t map_off = offset & ~PAGE_MASK, map_len, from, rsp = 0;
    struct cairn_handle_info info;
    struct elf_image plan;
    const uint8_t *img;
    long base, child, stack = -1, err;

    if (size == 0 || offset > UINT64_MAX - size || offset + size > UINT64_MAX - PAGE_MASK)
        return -CAIRN_EINVAL;
    map_len = ((offset + size + PAGE_MASK) & ~PAGE_MASK) - map_off;
    err = cairn_handle_info(memobj, &info);
    if (err < 0)
        return err;
    base = cairn_vm_map(memobj, map_off, map_len, 0, CAIRN_PROT_READ, 0);
    if (base < 0)
        return base;
    img = (const uint8_t *)base + (offset - map_off);
    err = elf_parse(img, size, CAIRN_USER_BASE, SEGMENT_LIMIT, &plan, NULL);
    if (err)
        goto out_unmap;

    /* The stack and its start block before the process: bad arguments
     * are found before anything is made. */
    err = spawn_stack_build(attr, &stack, &rsp);
    if (err)
        goto out_unmap;
    child = cairn_process_create();
    if (child < 0) {
        err = child;
        goto out_stack;
    }
    if (attr->priority)
        err = cairn_process_max_prio(child, attr->priority);
    /* Before anything of the child's own is made: its page tables, table
     * and threads are then charged to its quota from the start. */
    if (err == 0 && attr->quota > 0)
        err = cairn_process_set_quota(child, attr->quota);
    if (err == 0 && attr->fault_handler > 0)
        err = cairn_fault_set_handler(child, attr->fault_handler);
    for (unsigned i = 0; err == 0 && i < plan.segment_count; i++) {
        const struct elf_segment *ph = &plan.segments[i];

        if (spawn_can_share(ph, offset, size, info.rights, &from))
            err = spawn_share_segment(child, memobj, from, ph);
        else
            err = spawn_load_segment(child, img, ph);
    }
    if (err == 0)
        err = spawn_finish(child, plan.entry, stack, rsp, attr, thread);
    if (err) {
        cairn_process_kill(child); /* nothing started: it is torn down at once */
        cairn_handle_close(child);
    } else {
        err = child;
    }
out_stack:
    cairn_handle_close(stack); /* the child's mapping holds it, if it got that far */
out_unmap:
    cairn_vm_unmap((uint64_t)base, map_len);
    return err;
}

long
cairn_spawn(long memobj, uint64_t offset, uint64_t size, const struct cairn_spawn_attr *attr,
            long *thread)
{
    static const struct cairn_spawn_attr none;

    return spawn_elf(memobj, offset, size, attr ? attr : &none, thread);
}
