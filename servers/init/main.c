// SPDX-License-Identifier: MIT
/*
 * init: the first user process, the one program the kernel loads itself
 * (include/cairn/init.h describes how it starts). It will become the root
 * task and service registry; today it announces itself and, when the kernel
 * was booted with `test` or `bench`, runs the user-mode test programs or
 * the benchmarks (programs.c).
 *
 * Exit status: 0 in a normal boot; in a test boot, the number of failed
 * tests, so the kernel can report the run's outcome without parsing output.
 */
#include <stdio.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "programs.h"

int
main(int argc, char **argv)
{
    unsigned long flags = cairn_start_arg();

    printf("init: started (flags %#lx)\n", flags);
    /* The kernel starts init at the highest user priority; the programs of
     * a test or bench boot measure threads of the default one against each
     * other, so init runs there too. */
    if (flags & (CAIRN_INIT_BENCH | CAIRN_INIT_TEST))
        cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, CAIRN_PRIORITY_DEFAULT);
    if (flags & CAIRN_INIT_TEST)
        return init_run_tests(argc, argv);
    if (flags & CAIRN_INIT_BENCH)
        return init_run_bench();
    return 0;
}
