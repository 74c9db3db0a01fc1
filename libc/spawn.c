// SPDX-License-Identifier: MIT
/*
 * cairn_spawn_elf: the ELF loader in user space (see <cairn/spawn.h>),
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
 * initfs archive, cairn_spawn_elf_at). A segment that is not writable and
 * whose pages line up with the object's (its offset in the object and its
 * address congruent modulo 4096) is mapped from the object itself, so the
 * processes running one program share its code and read-only data; every
 * other segment is copied into a fresh memory object of its own.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <common/elf.h>

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

/* Map the child's stack, create its thread, install its handles, start it. */
static long
spawn_finish(long child, uint64_t entry, uint64_t arg, const long *handles, unsigned nhandles,
             long *thread_out, uint32_t priority)
{
    long stack, thread, err;

    stack = cairn_memobj_create(CAIRN_USER_STACK_SIZE, 0);
    if (stack < 0)
        return stack;
    err = cairn_vm_map_into(
        child, stack, 0, CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE,
        CAIRN_VM_PROT_FLAGS(CAIRN_PROT_READ | CAIRN_PROT_WRITE, CAIRN_MAP_FIXED));
    cairn_handle_close(stack);
    if (err < 0)
        return err;
    thread = cairn_thread_create(child, entry, CAIRN_USER_STACK_TOP, arg, priority);
    if (thread < 0)
        return thread;
    /* Into an empty table in this order, the values are 0, 1, 2, ... */
    err = cairn_handle_install(child, child, CAIRN_RIGHTS_SAME);
    if (err >= 0)
        err = cairn_handle_install(child, thread, CAIRN_RIGHTS_SAME);
    for (unsigned i = 0; err >= 0 && i < nhandles; i++)
        err = cairn_handle_install(child, handles[i], CAIRN_RIGHTS_SAME);
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
spawn_elf(long memobj, uint64_t offset, uint64_t size, uint64_t arg, const long *handles,
          unsigned nhandles, long *thread, uint32_t priority, int bound)
{
    uint64_t map_off = offset & ~PAGE_MASK, map_len, from;
    struct cairn_handle_info info;
    struct elf_image plan;
    const uint8_t *img;
    long base, child, err;

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

    child = cairn_process_create();
    if (child < 0) {
        err = child;
        goto out_unmap;
    }
    if (bound)
        err = cairn_process_max_prio(child, priority);
    for (unsigned i = 0; err == 0 && i < plan.segment_count; i++) {
        const struct elf_segment *ph = &plan.segments[i];

        if (spawn_can_share(ph, offset, size, info.rights, &from))
            err = spawn_share_segment(child, memobj, from, ph);
        else
            err = spawn_load_segment(child, img, ph);
    }
    if (err == 0)
        err = spawn_finish(child, plan.entry, arg, handles, nhandles, thread, priority);
    if (err) {
        cairn_process_kill(child); /* nothing started: it is torn down at once */
        cairn_handle_close(child);
    } else {
        err = child;
    }
out_unmap:
    cairn_vm_unmap((uint64_t)base, map_len);
    return err;
}

long
cairn_spawn_elf_at(long memobj, uint64_t offset, uint64_t size, uint64_t arg, const long *handles,
                   unsigned nhandles, long *thread)
{
    return spawn_elf(memobj, offset, size, arg, handles, nhandles, thread, CAIRN_PRIORITY_DEFAULT,
                     0);
}

long
cairn_spawn_elf(long image, uint64_t size, uint64_t arg, const long *handles, unsigned nhandles,
                long *thread)
{
    return spawn_elf(image, 0, size, arg, handles, nhandles, thread, CAIRN_PRIORITY_DEFAULT, 0);
}

long
cairn_spawn_elf_prio(long image, uint64_t size, uint64_t arg, const long *handles,
                     unsigned nhandles, long *thread, uint32_t priority)
{
    return spawn_elf(image, 0, size, arg, handles, nhandles, thread, priority, 1);
}

long
cairn_spawn_elf_at_prio(long memobj, uint64_t offset, uint64_t size, uint64_t arg,
                        const long *handles, unsigned nhandles, long *thread, uint32_t priority)
{
    return spawn_elf(memobj, offset, size, arg, handles, nhandles, thread, priority, 1);
}
