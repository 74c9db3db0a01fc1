// SPDX-License-Identifier: MIT
/*
 * Thread-local storage (see <cairn/tls.h>). The template and its layout
 * come from symbols of the linker script (libc/arch/x86_64/user.ld):
 * [__tls_start, __tdata_end) is .tdata, [__tdata_end, __tls_end) .tbss,
 * __tls_align their alignment (PT_TLS p_align), __tls_main_area room for
 * the main thread's block.
 *
 * The layout is the one the linker assumes when it resolves a variable to
 * %fs:-offset: the block is round_up(memsz, align) bytes that end at the
 * thread pointer, which is aligned to align.
 */
#include <string.h>

#include <cairn/sys.h>
#include <cairn/tls.h>

extern char __tls_start[], __tdata_end[], __tls_end[], __tls_align[], __tls_main_area[];

/* Every thread's errno (<errno.h>). */
__thread int errno;

static uintptr_t
tls_align(void)
{
    uintptr_t a = (uintptr_t)__tls_align;

    return a ? a : 1;
}

/* The block's size: what the linker subtracts from the thread pointer. */
static uintptr_t
tls_block_size(void)
{
    uintptr_t a = tls_align(), memsz = (uintptr_t)(__tls_end - __tls_start);

    return (memsz + a - 1) & ~(a - 1);
}

size_t
cairn_tls_size(void)
{
    return tls_block_size() + tls_align() + CAIRN_TLS_TCB_SIZE;
}

/* Fill the block that ends at tp and the control block at tp. */
static uintptr_t
tls_fill(uintptr_t tp)
{
    uintptr_t filesz = (uintptr_t)(__tdata_end - __tls_start);
    uint8_t *block = (uint8_t *)(tp - tls_block_size());
    struct cairn_tcb *tcb = (struct cairn_tcb *)tp;

    memcpy(block, __tls_start, filesz);
    memset(block + filesz, 0, tls_block_size() - filesz);
    memset(tcb, 0, sizeof(*tcb));
    tcb->self = tcb;
    return tp;
}

uintptr_t
cairn_tls_build(uintptr_t top)
{
    uintptr_t a = tls_align() > 16 ? tls_align() : 16;

    return tls_fill((top - CAIRN_TLS_TCB_SIZE) & ~(a - 1));
}

void
cairn_tls_init_main(void)
{
    uintptr_t a = tls_align();
    uintptr_t block = ((uintptr_t)__tls_main_area + a - 1) & ~(a - 1);
    uintptr_t tp = tls_fill(block + tls_block_size());

    if (cairn_thread_set_tls(tp) != 0)
        __builtin_trap();
}
