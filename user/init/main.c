// SPDX-License-Identifier: MIT
/*
 * init: the first user process, the one program the kernel loads itself
 * (include/cairn/init.h describes how it starts). It will become the root
 * task and service registry; today it announces itself and, when the kernel
 * was booted with `test`, runs the user-mode test programs (tests.c).
 *
 * Exit status: 0 in a normal boot; in a test boot, the number of failed
 * tests, so the kernel can report the run's outcome without parsing output.
 */
#include <stdio.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/sys.h>

#include "bench.h"
#include "tests.h"

/* Called by crt0 with the boot flags; declared here for -Wmissing-prototypes. */
int main(unsigned long flags);

int
main(unsigned long flags)
{
    if (flags & CAIRN_INIT_EXIT)
        return 0;
    if (flags & CAIRN_INIT_EXEC_DATA) {
        /* A `ret` in writable data: W^X makes the jump fault, not return. */
        static unsigned char ret_insn[16] = {0xc3};
        ((void (*)(void))(unsigned long)ret_insn)();
        return 1;
    }
    if (flags & CAIRN_INIT_YIELDER) {
        for (int i = 0; i < 1100; i++)
            cairn_thread_yield();
        return 0;
    }
    if (flags & CAIRN_INIT_BENCH_PEER)
        return bench_peer_main(flags);
    /* The kernel starts init at the highest user priority; its test and
     * benchmark roles measure threads of the default one against each
     * other, so they run there too. */
    if (flags & (CAIRN_INIT_BENCH | CAIRN_INIT_TEST))
        cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, CAIRN_PRIORITY_DEFAULT);
    if (flags & CAIRN_INIT_BENCH)
        return bench_run();
    if (flags & CAIRN_INIT_SLEEP) {
        cairn_thread_sleep(100000000);
        return 7;
    }
    if (flags & CAIRN_INIT_PORT_IN) {
        /* Granted meanwhile, or not: a port outside the grant is a #GP. */
        unsigned short port = (unsigned short)(flags >> 16);
        unsigned char v;

        cairn_thread_sleep(200000000);
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        (void)v;
        return 0;
    }
    if (flags & CAIRN_INIT_FAULT) {
        /* Text is mapped read+execute: this write must kill us. */
        *(volatile unsigned char *)(unsigned long)main = 0;
        return 1;
    }
    printf("init: started (flags %#lx)\n", flags);
    if (flags & CAIRN_INIT_TEST)
        return init_run_tests();
    return 0;
}
