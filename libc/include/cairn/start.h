/* SPDX-License-Identifier: MIT */
/*
 * What a program was started with, beyond main's arguments: the start
 * word and the auxiliary vector of its start block (include/cairn/init.h).
 * crt0 hands argc, argv and the environment to
 * `int main(int argc, char **argv, char **envp)` and keeps the rest here;
 * the environment is also `environ` (<unistd.h>) and getenv's
 * (<stdlib.h>).
 *
 * The start word is init's boot flags (CAIRN_INIT_*) in init, and
 * whatever the creator passed (struct cairn_spawn_attr's start_arg,
 * process_spawn's arg) in other programs; tests use it to choose a
 * child's role.
 */
#ifndef CAIRN_LIBC_START_H
#define CAIRN_LIBC_START_H

#include <stdint.h>

/* The start word: rdi at entry. */
uint64_t cairn_start_arg(void);

/* The value of the first auxiliary entry of type (CAIRN_AT_*) in *value:
 * 0, or -CAIRN_ENOENT when the vector has none (or type is CAIRN_AT_NULL). */
long cairn_start_aux(uint64_t type, uint64_t *value);

/* The n-th (from 0) start handle of kind (enum proto_handle_kind,
 * include/proto/handles.h), as the starter named it in the auxiliary
 * vector; -CAIRN_ENOENT when there is none. */
long cairn_start_handle(uint32_t kind, unsigned n);

/* crt0's: keeps what the start block and rdi hold, calls main and ends
 * the process with its value. block is the entry rsp. */
_Noreturn void cairn_start_main(const uint64_t *block, uint64_t start_arg);

#endif
