/* SPDX-License-Identifier: MIT */
/*
 * uint64_t usercopy_raw(void *dst, const void *src, uint64_t len,
 *                       struct vspace *vs)
 *
 * The one place the kernel reads or writes user memory (mm/usercopy.c).
 * Copies len bytes and returns how many were not copied: 0, or what was
 * left when a fault at a user address could not be resolved. The caller
 * opens SMAP around it.
 *
 * Every instruction here that touches user memory is listed in
 * usercopy_extable with the address to continue at instead. A kernel
 * page fault at one of them goes to usercopy_fault() (mm/usercopy.c),
 * which first lets vs (kept in r8 for it; NULL: none) enter the page, and
 * restarts the instruction if it could; otherwise it resumes at the fixup,
 * which turns the registers the string instruction left into the count of
 * bytes not copied. A rep-prefixed move that faults has rcx, rsi and rdi
 * pointing at the element it could not move, so a restart continues
 * exactly there.
 */
    .text
    .globl usercopy_raw
usercopy_raw:
    mov %rcx, %r8                       /* vs, for usercopy_fault */
    mov %rdx, %rcx
    shr $3, %rcx                        /* whole quadwords */
    and $7, %edx                        /* then the tail */
1:  rep movsq
    mov %edx, %ecx
2:  rep movsb
    xor %eax, %eax
    ret
3:  lea (%rdx, %rcx, 8), %rax           /* the quadwords left, and the tail */
    ret
4:  mov %rcx, %rax                      /* the tail left */
    ret

/*
 * uint64_t usercopy_put_u64(uint64_t *dst, uint64_t value, struct vspace *vs)
 *
 * The same for one 64-bit store, the commonest copy out (a result word):
 * returns 0, or 8 when the store faulted and could not be resolved. A
 * store that faults writes nothing, even across a page boundary, so a
 * restart or the fixup leaves no part of it behind.
 */
    .globl usercopy_put_u64
usercopy_put_u64:
    mov %rdx, %r8                       /* vs, for usercopy_fault */
5:  mov %rsi, (%rdi)
    xor %eax, %eax
    ret
6:  mov $8, %eax
    ret

    .section .rodata
    .balign 8
    .globl usercopy_extable, usercopy_extable_end
usercopy_extable:                       /* pairs: faulting instruction, fixup */
    .quad 1b, 3b
    .quad 2b, 4b
    .quad 5b, 6b
usercopy_extable_end:
