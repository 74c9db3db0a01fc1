/* SPDX-License-Identifier: MIT */
/*
 * reboot: asks the power server (include/proto/power.h, docs/power.md) to
 * reboot the machine. The request returns only when it failed, with the
 * server's reason, so this program either never returns or says why and
 * exits 1; a time limit on the lookup and on the call keeps a missing or
 * stuck server from making it hang.
 */
#include <stdint.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/power.h>

#include <util/util.h>

static const char reboot_usage[] = "Usage: reboot\n"
                                   "Reset the machine through the power server: the ACPI reset "
                                   "register,\nelse the keyboard controller's reset line.\n";

/* How long the power server may take to be registered. */
#define LOOKUP_NS 2000000000ull

int
main(int argc, char **argv)
{
    struct util_opts opts;
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct cairn_msg_ext ext = {0};
    struct cairn_msg msg = {{PROTO_POWER_REBOOT, 0, 0, 0, 0}, &ext};
    long power, err;

    util_init("reboot", reboot_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index != argc)
        util_usage_error(1, "extra operand '%s'", argv[opts.index]);
    power = cairn_registry_lookup("power", LOOKUP_NS);
    if (power < 0)
        util_exit(util_fail("no power service: %s", cairn_strerror((int)power)));
    ext.recv_buf = (uint64_t)(uintptr_t)why;
    ext.recv_cap = PROTO_POWER_WHY_MAX;
    err = cairn_ipc_call_timed(power, &msg, PROTO_POWER_ANSWER_NS + LOOKUP_NS);
    if (err < 0)
        util_exit(util_fail("the power server did not answer: %s", cairn_strerror((int)err)));
    why[ext.recv_len <= PROTO_POWER_WHY_MAX ? ext.recv_len : 0] = '\0';
    util_exit(util_fail("cannot reboot: %s (%s)", why[0] ? why : "no reason given",
                        cairn_strerror((int)msg.w[0])));
}
