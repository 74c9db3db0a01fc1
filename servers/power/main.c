// SPDX-License-Identifier: MIT
/*
 * The power server: start-up and the receive loop (power.h has the layers,
 * docs/power.md the story).
 *
 *     power
 *
 * Start handles (include/proto/handles.h): PROTO_HANDLE_ACPI, the copy of
 * the FADT and DSDT init made; PROTO_HANDLE_IOPORT, the FADT's PM1
 * control blocks and reset register as init carved them (`grant =
 * acpi-power`, docs/init.md); PROTO_HANDLE_REGISTRY, where it registers
 * as `power` and looks up `kbd`.
 *
 * A machine whose tables do not say how to turn it off still gets the
 * server registered: its answer, -CAIRN_ENOSYS, is what a person at
 * `poweroff` should see, rather than a lookup that times out.
 *
 * Requests (include/proto/power.h): PROTO_POWER_OFF and PROTO_POWER_REBOOT,
 * answered only when they fail; anything else -CAIRN_ENOSYS; a request
 * carrying handles -CAIRN_EINVAL (the handles closed). One thread: a
 * second request waits while the first one's write settles, which is
 * what two people asking at once should get.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/power.h>

#include "power.h"

struct power power = {.kbd = -1, .off_why = "no ACPI tables"};

static int
fail(const char *what, long err)
{
    printf("power: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

static void
power_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    static struct cairn_msg_ext out;
    long r;

    power.why = "a bad request";
    if (err == CAIRN_MSG_TRUNCATED || ext->recv_nhandles) {
        for (uint32_t i = 0; i < ext->recv_nhandles; i++)
            cairn_handle_close(ext->recv_handles[i]); /* never keep what a client sends */
        r = -CAIRN_EINVAL;
    } else {
        switch (msg->w[0]) {
        case PROTO_POWER_OFF:
            r = power_off();
            break;
        case PROTO_POWER_REBOOT:
            r = power_reboot();
            break;
        default:
            power.why = "not a power request";
            r = -CAIRN_ENOSYS;
        }
    }
    memset(msg->w, 0, sizeof(msg->w));
    msg->w[0] = (uint64_t)r;
    memset(&out, 0, sizeof(out));
    out.send_buf = (uint64_t)(uintptr_t)power.why;
    out.send_len = (uint32_t)strnlen(power.why, PROTO_POWER_WHY_MAX);
    msg->ext = &out;
    (void)cairn_ipc_reply(msg);
}

int
main(int argc, char **argv)
{
    long ep, client, err;

    (void)argv;
    if (argc > 1)
        return fail("usage: power", -CAIRN_EINVAL);
    if ((err = power_ports_enable()) < 0)
        return fail("ioport_enable", err);
    power_tables_read();

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    client =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (client < 0)
        return fail("handle_dup", client);
    err = cairn_registry_register("power", client);
    cairn_handle_close(client);
    if (err < 0)
        return fail("registering", err);

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        err = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err == 0 || err == CAIRN_MSG_TRUNCATED)
            power_dispatch(err, &msg, &ext);
        else if (err < 0)
            return fail("ipc_recv", err);
    }
}
