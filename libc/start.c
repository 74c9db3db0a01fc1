// SPDX-License-Identifier: MIT
/*
 * From crt0 to main (see <cairn/start.h>): the start block the creator
 * wrote at the top of the stack (include/cairn/init.h) is read in place,
 * never copied. argv, the environment and their strings stay where they
 * are for the program's whole life: they are at the top of the main
 * thread's stack, above every frame.
 *
 * The block is trusted as the creator wrote it: a creator that can write a
 * program's stack can make it do anything already.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <unistd.h>

/* The program's, defined in its own sources. */
int main(int argc, char **argv, char **envp);

/* libc/stdio.c's, when the program uses stdio: weak, so that one that does
 * not carries none of it. */

char **environ;

static uint64_t start_arg;
static const uint64_t *start_auxv; /* (type, value) pairs ending with CAIRN_AT_NULL */

uint64_t
cairn_start_arg(void)
{
    return start_arg;
}

long
cairn_start_aux(uint64_t type, uint64_t *value)
{
    for (const uint64_t *a = start_auxv; a && type != CAIRN_AT_NULL && a[0] != CAIRN_AT_NULL;
         a += 2) {
        if (a[0] == type) {
            *value = a[1];
            return 0;
        }
    }
    return -CAIRN_ENOENT;
}

long
cairn_start_handle(uint32_t kind, unsigned n)
{
    for (const uint64_t *a = start_auxv; a && a[0] != CAIRN_AT_NULL; a += 2) {
        if (a[0] == CAIRN_AT_HANDLE && a[1] >> 32 == kind && n-- == 0)
            return (long)(uint32_t)a[1];
    }
    return -CAIRN_ENOENT;
}

_Noreturn void
cairn_start_main(const uint64_t *block, uint64_t arg)
{
    int argc = (int)block[0];
    char **argv = (char **)(uintptr_t)(block + 1);
    char **envp = argv + argc + 1;
    char **end = envp;

    while (*end)
        end++;
    start_auxv = (const uint64_t *)(end + 1);
    start_arg = arg;
    environ = envp;
    exit(main(argc, argv, envp));
}
