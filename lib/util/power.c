// SPDX-License-Identifier: MIT
/* The power server's one request for poweroff and reboot (power.h). */
#include <stdint.h>
#include <unistd.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/power.h>

#include "power.h"
#include "util.h"

/* How long the power server may take to be registered. */
#define LOOKUP_NS 2000000000ull

_Noreturn void
util_power_request(uint64_t op, const char *doing)
{
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct cairn_msg_ext ext = {0};
    struct cairn_msg msg = {{op, 0, 0, 0, 0}, &ext};
    long power, err;

    /* The disks first: every mounted file system writes its cache back and
     * marks its volume clean, so the power going loses nothing. */
    sync();
    power = cairn_registry_lookup("power", LOOKUP_NS);
    if (power < 0)
        util_exit(util_fail("no power service: %s", cairn_strerror((int)power)));
    ext.recv_buf = (uint64_t)(uintptr_t)why;
    ext.recv_cap = PROTO_POWER_WHY_MAX;
    err = cairn_ipc_call_timed(power, &msg, PROTO_POWER_ANSWER_NS + LOOKUP_NS);
    if (err < 0)
        util_exit(util_fail("the power server did not answer: %s", cairn_strerror((int)err)));
    why[ext.recv_len <= PROTO_POWER_WHY_MAX ? ext.recv_len : 0] = '\0';
    util_exit(util_fail("cannot %s: %s (%s)", doing, why[0] ? why : "no reason given",
                        cairn_strerror((int)msg.w[0])));
}
