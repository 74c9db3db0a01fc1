/* SPDX-License-Identifier: MIT */
/*
 * poweroff: asks the power server (include/proto/power.h, docs/power.md) to
 * power off the machine. It either never returns or says why and exits 1
 * (lib/util/power.h).
 */
#include <proto/power.h>

#include <util/power.h>
#include <util/util.h>

static const char poweroff_usage[] =
    "Usage: poweroff\n"
    "Turn the machine off (ACPI soft-off, S5) through the power server.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;

    util_init("poweroff", poweroff_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index != argc)
        util_usage_error(1, "extra operand '%s'", argv[opts.index]);
    util_power_request(PROTO_POWER_OFF, "power off");
}
