/* SPDX-License-Identifier: MIT */
/*
 * reboot: asks the power server (include/proto/power.h, docs/power.md) to
 * reset the machine. It either never returns or says why and exits 1
 * (lib/util/power.h).
 */
#include <proto/power.h>

#include <util/power.h>
#include <util/util.h>

static const char reboot_usage[] =
    "Usage: reboot\n"
    "Reset the machine through the power server: the ACPI reset register,\n"
    "else the keyboard controller's reset line.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;

    util_init("reboot", reboot_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index != argc)
        util_usage_error(1, "extra operand '%s'", argv[opts.index]);
    util_power_request(PROTO_POWER_REBOOT, "reboot");
}
