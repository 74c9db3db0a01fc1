// SPDX-License-Identifier: MIT
/*
 * init: the first user process, the one program the kernel loads itself
 * (include/cairn/init.h describes how it starts). In a normal boot it is
 * the supervisor and service registry (services.c): it starts the services
 * of the manifest etc/services in the initfs and serves them for as long
 * as the system runs. Booted with `test` or `bench`, it runs the user-mode
 * test programs or the benchmarks instead (programs.c); `test services`
 * also runs the test manifest's services (below).
 *
 * Exit status: in a normal boot, only if there is nothing to supervise (0,
 * or 1 for a manifest it refused); in a test boot, the number of failed
 * tests, so the kernel can report the run's outcome without parsing output.
 */
#include <stdio.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "programs.h"
#include "services.h"

/*
 * A test boot with `services` on the command line runs, after the test
 * programs, the test manifest's services:
 * its service `check` (tests/services) exercises the registry and the
 * supervisor from the outside and ends with its number of failures.
 * Returns the failures.
 */
static int
init_run_services(void)
{
    int64_t status = -1;
    int err;

    if (services_start_background("etc/services-test") != 0) {
        printf("FAIL init/services: the test manifest's services did not start\n");
        return 1;
    }
    err = services_wait_ended("check", 300 * 1000000000ull, &status);
    if (err != 0 || status != 0) {
        printf("FAIL init/services: check ended with %lld (%s)\n", (long long)status,
               err ? cairn_strerror(err) : "its failures");
        return 1;
    }
    printf("ok init/services\n");
    return 0;
}

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
    if (flags & CAIRN_INIT_TEST) {
        int failed = init_run_tests(argc, argv);

        if (cairn_cmdline_has("services"))
            failed += init_run_services();
        return failed;
    }
    if (flags & CAIRN_INIT_BENCH)
        return init_run_bench();
    return services_run("etc/services");
}
