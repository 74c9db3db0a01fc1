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
#include <cairn/sys.h>

#include "programs.h"

/* Called by crt0 with the boot flags; declared here for -Wmissing-prototypes. */
int main(unsigned long flags);

int
main(unsigned long flags)
{
    printf("init: started (flags %#lx)\n", flags);
    if (flags & CAIRN_INIT_TEST)
        return init_run_tests();
    if (flags & CAIRN_INIT_BENCH)
        return init_run_bench();
    return 0;
}
