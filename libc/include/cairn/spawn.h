/* SPDX-License-Identifier: MIT */
/*
 * Starting programs from user space, and finding them: the ELF loader of
 * libc (libc/spawn.c) and the boot information (libc/bootinfo.c).
 *
 * The boot information and the boot modules are found through the handle
 * layout that init starts with (include/cairn/init.h), which
 * cairn_spawn reproduces for children given the same handles: so these
 * work in init and in programs that init starts that way.
 */
#ifndef CAIRN_LIBC_SPAWN_H
#define CAIRN_LIBC_SPAWN_H

#include <stdint.h>

#include <cairn/bootinfo.h>

/* The boot information, mapped read-only on first use from handle
 * CAIRN_INIT_HANDLE_BOOTINFO; NULL if that is not a valid one. */
const struct cairn_bootinfo *cairn_bootinfo(void);

/* Whether the kernel command line has word among its space-separated
 * words (0 without boot information). */
int cairn_cmdline_has(const char *word);

/* The handle of the boot module called name, and its size in bytes (when
 * size is not NULL); -CAIRN_ENOENT when there is none. */
long cairn_boot_module(const char *name, uint64_t *size);

/*
 * How cairn_spawn starts a program; all zero (or a NULL attr) starts it
 * with argc 0, no environment, no handles beyond its own process and
 * thread, at CAIRN_PRIORITY_DEFAULT, with start word 0.
 */
struct cairn_spawn_attr {
    /* argv[0], ..., then NULL: the child's main gets them as its argv
     * (argc counts them). NULL: argc 0. */
    const char *const *argv;
    /* "NAME=value" strings, then NULL: the child's environ and getenv's.
     * NULL: an empty environment. */
    const char *const *envp;
    /* Installed in the child's handle table in order, from 2 on, with
     * the rights they have here (stdin, stdout, the registry, ... as the
     * two agree; init's programs get init's own layout). */
    const long *handles;
    uint32_t nhandles;
    /* 0: the main thread at CAIRN_PRIORITY_DEFAULT, and the child's
     * highest priority the caller's (as for every new process). Else the
     * main thread's priority, which is also made the child's highest
     * (process_max_prio): none of its threads can rise above it. */
    uint32_t priority;
    /* The start word: rdi at entry and CAIRN_AT_START_ARG, what the
     * child's cairn_start_arg() returns (<cairn/start.h>). */
    uint64_t start_arg;
    /* NULL, or nhandles kinds (enum proto_handle_kind, include/proto/
     * handles.h), one per handle: each handle with a kind other than 0
     * gets its (CAIRN_AT_HANDLE, kind << 32 | value) entry in the child's
     * auxiliary vector, so the child finds it with cairn_start_handle. */
    const uint32_t *handle_kinds;
    /* 0, or a quota (MANAGE) the child is charged to from its creation
     * on (process_set_quota); the memory objects of its segments and stack
     * are made, and charged, here in the caller. */
    long quota;
    /* naux (type, value) pairs, 2 * naux words, added to the child's
     * auxiliary vector after the start word and the handles' kinds
     * (types from 512 on are user space's: include/proto/handles.h); at
     * most CAIRN_SPAWN_AUX_MAX. A pair of type CAIRN_AT_NULL is written
     * as CAIRN_AT_IGNORE, so it cannot end the vector early. */
    const uint64_t *aux;
    uint32_t naux;
    /* 0, or an endpoint (SIGNAL) made the child process's exception
     * endpoint (fault_set_handler, <cairn/fault.h>) before its thread
     * starts, so its faults reach the handler from its first instruction
     * on (proc's crash reports, docs/proc.md). */
    long fault_handler;
};

#define CAIRN_SPAWN_AUX_MAX 16

/*
 * Start the static ELF64 executable in the size bytes from offset of the
 * memory object memobj (READ and MAP needed), such as a member of a tar
 * archive (lib/tar), as a new process: an empty process, its PT_LOAD
 * segments, a CAIRN_USER_STACK_SIZE stack below CAIRN_USER_STACK_TOP with
 * the start block for attr at its top, and one thread at the entry point:
 * the entry state of include/cairn/init.h. Its handle table is laid out
 * as init's: 0 its own process, 1 its thread (both with all the rights of
 * the creator's handles), then attr's handles from 2 on. The thread has
 * been started when this returns.
 *
 * A segment that is not writable, needs no zeroing (memsz == filesz), lies
 * in pages wholly inside the image and whose offset in the object is
 * congruent to its address modulo 4096 is mapped from memobj itself with
 * the segment's permissions when memobj's rights allow them (EXEC for
 * code), so no copy is made; whoever can write memobj can then change
 * what the child runs. Every other segment is copied into a fresh memory
 * object. The start block is written into the stack's object through a
 * mapping of the caller's own, before the process exists.
 *
 * Returns the process handle (READ, WAIT, MANAGE, DUPLICATE, TRANSFER) and,
 * when thread is not NULL, the thread's handle in *thread; or a negative
 * CAIRN_E* code with nothing left behind (no process, handle or memory):
 *   -CAIRN_EINVAL  an image that is not such an executable, or does not
 *                  fit in size; size 0; an offset and size that wrap around
 *   -CAIRN_ERANGE  a range past the object's end
 *   -CAIRN_EBADH, -CAIRN_EWRONGTYPE  memobj
 *   -CAIRN_E2BIG   argv and envp with their strings and the auxiliary
 *                  vector take more than CAIRN_USER_START_MAX bytes
 *   -CAIRN_EFAULT  an unreadable argv or envp array, string, or handles
 *   -CAIRN_EPERM   a priority above the caller's own highest (or, with
 *                  priority 0, a caller whose highest is below the default)
 * or what a system call on the way returned (-CAIRN_ENOMEM, a bad handle
 * among handles). Tests: tests/os/spawn.c.
 */
long cairn_spawn(long memobj, uint64_t offset, uint64_t size, const struct cairn_spawn_attr *attr,
                 long *thread);

#endif
