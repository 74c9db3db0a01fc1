// SPDX-License-Identifier: MIT
/*
 * The allocator's page source on Cairn (malloc_impl.h): each request is a
 * memory object of its own, charged in full when it is made (so that a
 * malloc that returns memory never fails later, at first touch) and mapped
 * read-write; its handle is closed at once, so unmapping the range frees
 * the object and gives its pages and their charge back.
 */
#include <stdint.h>
#include <stdio.h>

#include <cairn/sys.h>
#include <cairn/vm.h>

#include "malloc_impl.h"

void *
malloc_pages_get(size_t bytes)
{
    long mo = cairn_memobj_create(bytes, 0), va;

    if (mo < 0)
        return NULL;
    va = cairn_vm_map(mo, 0, bytes, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    cairn_handle_close(mo); /* the mapping holds it now */
    return va < 0 ? NULL : (void *)(uintptr_t)va;
}

void
malloc_pages_put(void *p, size_t bytes)
{
    cairn_vm_unmap((uint64_t)(uintptr_t)p, bytes);
}

_Noreturn void
malloc_die(const char *why, const void *p)
{
    /* Not through stdout: its buffer may not exist yet, and malloc's lock
     * is held. */
    dprintf(2, "malloc: %s: %p\n", why, p);
    /* 128 + SIGABRT, the status a shell shows for abort(). */
    cairn_process_exit(128 + 6);
}
