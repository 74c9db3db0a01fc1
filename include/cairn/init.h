/* SPDX-License-Identifier: MIT */
/*
 * How the kernel starts init, and the user address-space layout that the
 * kernel's loader and user space agree on.
 *
 * init is the one program the kernel loads itself: the Multiboot2 boot
 * module whose command line is "init", a static non-PIE ELF64 executable
 * (ET_EXEC) linked at CAIRN_USER_BASE by libc/arch/x86_64/user.ld. Its entry
 * state:
 *   - every PT_LOAD segment mapped at p_vaddr with exactly its own
 *     permissions (R, RX or RW; never writable and executable), the bytes
 *     past p_filesz up to p_memsz zero-filled (that is .bss: crt0 does not
 *     clear it); no two segments share a page;
 *   - a stack of CAIRN_USER_STACK_SIZE bytes just below
 *     CAIRN_USER_STACK_TOP, zero-filled but for the start block at its top
 *     (below), nothing mapped in the page below it (a guard)
 *     nor anywhere in [CAIRN_USER_STACK_TOP, CAIRN_USER_TOP);
 *   - rip = e_entry, in ring 3 with interrupts enabled;
 *   - rsp = the start block's address, 16-byte aligned with no return
 *     address pushed, as the x86_64 psABI wants at process entry. The
 *     start block is the System V one, at the top of the stack, every
 *     word 8 bytes:
 *
 *         rsp -> argc
 *                argv[0], ..., argv[argc - 1]   0-terminated strings
 *                NULL
 *                envp[0], ..., envp[n - 1]      "NAME=value" strings
 *                NULL
 *                (type, value), ...             the auxiliary vector
 *                (CAIRN_AT_NULL, 0)             its end
 *                padding
 *                the strings, packed            up to CAIRN_USER_STACK_TOP
 *
 *     The whole block, strings included, takes at most
 *     CAIRN_USER_START_MAX bytes, so a program keeps at least
 *     CAIRN_USER_STACK_SIZE - CAIRN_USER_START_MAX bytes of stack. The
 *     kernel gives init argv = { "init" } (argc 1), no environment, and
 *     one auxiliary entry, CAIRN_AT_START_ARG; so does every process it
 *     loads itself (process_spawn: argv = { "child" }). libc's spawn
 *     writes the same block with the caller's argv and envp
 *     (<cairn/spawn.h>), and crt0 hands it to main(argc, argv, envp);
 *   - rdi = the start word: the boot flags (CAIRN_INIT_*) for init, the
 *     creator's argument for other programs; also CAIRN_AT_START_ARG.
 *     Every other general register 0;
 *   - its handle table (values below; rights in include/cairn/rights.h):
 *       CAIRN_INIT_HANDLE_PROCESS   its own process: READ, WAIT, MANAGE,
 *                                   DUPLICATE, TRANSFER
 *       CAIRN_INIT_HANDLE_THREAD    its own (main) thread: the same rights
 *       CAIRN_INIT_HANDLE_BOOTINFO  the boot information, a memory object
 *                                   holding a struct cairn_bootinfo
 *                                   (include/cairn/bootinfo.h): READ, MAP,
 *                                   DUPLICATE, TRANSFER
 *       CAIRN_INIT_HANDLE_QUOTA     the root memory quota (include/cairn/
 *                                   quota.h) that init is charged to: READ,
 *                                   MANAGE, DUPLICATE, TRANSFER
 *       CAIRN_INIT_HANDLE_IRQ_ROOT, _IOPORT_ROOT, _PHYS_ROOT
 *                                   the device-access roots (include/cairn/
 *                                   device.h), each with MANAGE, DUPLICATE
 *                                   and TRANSFER: a CAIRN_OBJ_IRQ_RANGE over
 *                                   every GSI number and the MSI slots
 *                                   (include/cairn/device.h), a
 *                                   CAIRN_OBJ_IOPORT over all 65536 ports
 *                                   (also READ and WRITE), a
 *                                   CAIRN_OBJ_PHYS_RANGE over every physical
 *                                   address the CPU can reach. No other
 *                                   process gets them except from init;
 *       CAIRN_INIT_HANDLE_CONSOLE   the kernel console (include/cairn/
 *                                   console.h): READ (the kernel log),
 *                                   MANAGE (claim a device), DUPLICATE,
 *                                   TRANSFER;
 *       CAIRN_INIT_HANDLE_MODULES + i   boot module i, in the loader's order
 *                                   (init itself included), as a memory
 *                                   object with READ, MAP, EXEC, DUPLICATE
 *                                   and TRANSFER (never WRITE); the boot
 *                                   information counts and names them;
 *       then, only for the devices that exist, device memory objects
 *                                   with READ, WRITE, MAP, DUPLICATE and
 *                                   TRANSFER: the framebuffer, then the
 *                                   PCIe ECAM; the boot information gives
 *                                   their handles (fb.handle,
 *                                   acpi.ecam_handle) and handle_count,
 *                                   one past the last;
 *     and nothing else;
 *   - rflags: IF set, DF clear; the x87/SSE state as after FNINIT, with
 *     MXCSR = 0x1f80 (all exceptions masked, round to nearest);
 *   - FS base 0 (libc's crt0 sets up thread-local storage);
 *   - its thread at CAIRN_PRIORITY_USER_MAX, which is also its process's
 *     highest priority (include/cairn/process.h).
 *
 * Plain integer constants only: the kernel, libc and the user linker script
 * (through cpp) include this header. CAIRN_USER_BASE carries no suffix so
 * that the linker can read it.
 */
#ifndef CAIRN_INIT_H
#define CAIRN_INIT_H

/* Boot flags, passed to init in rdi. init passes the same value to the
 * programs it runs for the boot (test programs, the fuzzer, the benchmarks). */
#define CAIRN_INIT_TEST  1u /* the kernel was booted with `test`: run the user-mode tests */
#define CAIRN_INIT_BENCH 2u /* the kernel was booted with `bench`: run the benchmarks */

/* init's handle table at entry (see above). */
#define CAIRN_INIT_HANDLE_PROCESS     0
#define CAIRN_INIT_HANDLE_THREAD      1
#define CAIRN_INIT_HANDLE_BOOTINFO    2
#define CAIRN_INIT_HANDLE_QUOTA       3
#define CAIRN_INIT_HANDLE_IRQ_ROOT    4
#define CAIRN_INIT_HANDLE_IOPORT_ROOT 5
#define CAIRN_INIT_HANDLE_PHYS_ROOT   6
#define CAIRN_INIT_HANDLE_CONSOLE     7
#define CAIRN_INIT_HANDLE_MODULES     8

/* Types of the start block's auxiliary vector (see above). Cairn's own
 * types start at 256, clear of System V's and Linux's AT_* numbers; those
 * from 512 on are written by user space alone (CAIRN_AT_HANDLE,
 * include/proto/handles.h). */
#define CAIRN_AT_NULL      0   /* ends the vector; its value is 0 */
#define CAIRN_AT_IGNORE    1   /* no meaning: skip it (System V's AT_IGNORE) */
#define CAIRN_AT_START_ARG 256 /* the start word, as in rdi */

/* The largest start block: a quarter of the stack, the share Linux lets
 * arguments and environment take of a stack's limit; the program keeps
 * the other three quarters. */
#define CAIRN_USER_START_MAX 0x4000

/* The lowest address a program is linked at; everything below stays unmapped. */
#define CAIRN_USER_BASE 0x400000

/* init's stack: [CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE, CAIRN_USER_STACK_TOP). */
#define CAIRN_USER_STACK_TOP  0x00007ffffff00000ull
#define CAIRN_USER_STACK_SIZE 0x10000

/* The end of user space. The last page below the first non-canonical
 * address (0x0000800000000000) is never mapped: a `syscall` in it would
 * return to a non-canonical rip, and returning there faults in ring 0. */
#define CAIRN_USER_TOP 0x00007ffffffff000ull

#endif
