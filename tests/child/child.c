// SPDX-License-Identifier: MIT
/*
 * The test child (child.h): does one thing a test needs to watch a
 * process do, chosen by its start argument, and ends.
 */
#include <cairn/start.h>
#include <cairn/sys.h>

#include "child.h"

int
main(void)
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
    }
    return CHILD_STATUS_NO_ROLE;
}
