// SPDX-License-Identifier: MIT
/*
 * The test child (child.h): does one thing a test needs to watch a
 * process do, chosen by its start argument, and ends.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>

#include "child.h"

/* CHILD_CHECK_START: the start block the kernel writes (child.h). */
static int
child_check_start(int argc, char **argv, char **envp)
{
    uintptr_t block = (uintptr_t)(argv - 1), top = CAIRN_USER_STACK_TOP;
    uint64_t aux = 0;

    if (argc != 1)
        return CHILD_START_ARGC;
    if (strcmp(argv[0], "child") != 0 || argv[1] != NULL)
        return CHILD_START_ARGV;
    if (envp != argv + 2 || envp[0] != NULL || environ != envp)
        return CHILD_START_ENV;
    if (cairn_start_aux(CAIRN_AT_START_ARG, &aux) != 0 || aux != cairn_start_arg())
        return CHILD_START_AUX;
    if (block % 16 != 0 || block < top - CAIRN_USER_START_MAX || block >= top ||
        (uintptr_t)argv[0] <= block || (uintptr_t)argv[0] + 6 > top)
        return CHILD_START_BLOCK;
    return 0;
}

/* CHILD_FDS: the start handles by kind, and descriptor 1 on the first. */
static int
child_fds(void)
{
    static const char line[] = "child fd 1";

    if (cairn_start_handle(PROTO_HANDLE_STDOUT, 0) != 2 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 0) != 4 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 1) != 5 ||
        cairn_start_handle(PROTO_HANDLE_IRQ, 2) != -CAIRN_ENOENT ||
        cairn_start_handle(PROTO_HANDLE_STDIN, 0) != -CAIRN_ENOENT)
        return CHILD_FDS_HANDLES;
    if (write(1, line, sizeof(line) - 1) != (ssize_t)sizeof(line) - 1)
        return CHILD_FDS_WRITE;
    return 0;
}

int
main(int argc, char **argv, char **envp)
{
    unsigned long arg = cairn_start_arg();

    switch (arg & 0xffff) {
    case CHILD_EXIT:
        return 0;
    case CHILD_FAULT:
        /* Text is mapped read+execute: this write must kill us. */
        *(volatile unsigned char *)(unsigned long)main = 0;
        return 1;
    case CHILD_SLEEP:
        cairn_thread_sleep(100000000);
        return 7;
    case CHILD_EXEC_DATA: {
        /* A `ret` in writable data: W^X makes the jump fault, not return. */
        static unsigned char ret_insn[16] = {0xc3};
        ((void (*)(void))(unsigned long)ret_insn)();
        return 1;
    }
    case CHILD_PORT_IN: {
        /* Granted meanwhile, or not: a port outside the grant is a #GP. */
        unsigned short port = (unsigned short)(arg >> 16);
        unsigned char v;

        cairn_thread_sleep(200000000);
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        (void)v;
        return 0;
    }
    case CHILD_CHECK_START:
        return child_check_start(argc, argv, envp);
    case CHILD_FDS:
        return child_fds();
    }
    return CHILD_STATUS_NO_ROLE;
}
