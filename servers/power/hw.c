// SPDX-License-Identifier: MIT
/*
 * The hardware side of the power server (power.h): the granted port
 * ranges, the PM1 control writes of ACPI soft-off (ACPI 6.5, 7.4.2 and
 * 16.1.7: SLP_TYP and SLP_EN in PM1a_CNT and PM1b_CNT), the reset register
 * (4.8.3.6), and the i8042's reset pulse asked of the keyboard driver.
 *
 * After a write that should stop the machine, the server waits
 * PROTO_POWER_SETTLE_NS and reports failure: a machine that ignores the
 * write leaves its caller with an answer, never a hang.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <portio/portio.h>
#include <proto/handles.h>
#include <proto/power.h>

#include "power.h"

/* How long to wait for the keyboard driver to be registered. */
#define POWER_KBD_WAIT_NS 1000000000ull

int
power_ports_enable(void)
{
    for (uint32_t i = 0;; i++) {
        long ports = cairn_start_handle(PROTO_HANDLE_IOPORT, i);
        long err;

        if (ports < 0)
            return 0;
        if ((err = cairn_ioport_enable(ports, -1, 1)) < 0)
            return (int)err;
    }
}

/* A sub-range can be carved from a range only inside it, so carving one
 * (and dropping it) asks the kernel whether the range covers the ports. */
bool
power_port_held(uint32_t port, uint32_t n)
{
    for (uint32_t i = 0;; i++) {
        long ports = cairn_start_handle(PROTO_HANDLE_IOPORT, i), sub;

        if (ports < 0)
            return false;
        sub = cairn_resource_create(ports, port, n);
        if (sub >= 0) {
            cairn_handle_close(sub);
            return true;
        }
    }
}

static void
power_settle(void)
{
    struct timespec ts = {(time_t)(PROTO_POWER_SETTLE_NS / 1000000000ull),
                          (long)(PROTO_POWER_SETTLE_NS % 1000000000ull)};

    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* What must happen before the power goes: nothing yet. When file systems
 * that keep data in memory for a disk come (issue 12), they are told to
 * write it out here, and power-off waits for their answers. */
static void
power_before_off(void)
{
}

static void
pm1_write_slp(uint16_t port, uint8_t slp_typ, bool enable)
{
    uint16_t v = port_in16(port);

    v = (uint16_t)(v & ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN));
    v = (uint16_t)(v | (uint16_t)slp_typ << ACPI_PM1_SLP_TYP_SHIFT);
    if (enable)
        v |= ACPI_PM1_SLP_EN;
    port_out16(port, v);
}

long
power_off(void)
{
    uint16_t a = (uint16_t)power.fadt.pm1a_cnt.address, b = (uint16_t)power.fadt.pm1b_cnt.address;

    if (!power.have_fadt || !power.have_s5) {
        printf("power: cannot power off: %s\n", power.off_why);
        power.why = power.off_why;
        return -CAIRN_ENOSYS;
    }
    power_before_off();
    printf("power: powering off\n");
    /* The sleep types first, then SLP_EN: both blocks take the state
     * together (ACPI 6.5, 16.1.7). */
    pm1_write_slp(a, power.s5.slp_typa, false);
    if (b)
        pm1_write_slp(b, power.s5.slp_typb, false);
    pm1_write_slp(a, power.s5.slp_typa, true);
    if (b)
        pm1_write_slp(b, power.s5.slp_typb, true);
    power_settle();
    power.why = "still on after the S5 write";
    printf("power: %s\n", power.why);
    return -CAIRN_EIO;
}

/* Asks the keyboard driver to pulse the reset line (PROTO_POWER_RESET_8042). */
static long
power_reset_8042(void)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_POWER_RESET_8042, 0, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    if (power.kbd < 0)
        power.kbd = cairn_registry_lookup("kbd", POWER_KBD_WAIT_NS);
    if (power.kbd < 0) {
        printf("power: no keyboard driver to reset through: %s\n", cairn_strerror((int)power.kbd));
        power.why = power.reset_port ? "still running after the reset register write"
                                     : "no reset register and no keyboard controller";
        return power.reset_port ? -CAIRN_EIO : -CAIRN_ENOSYS;
    }
    err = cairn_ipc_call_timed(power.kbd, &msg, 2 * PROTO_POWER_SETTLE_NS);
    power.why = "still running after the keyboard controller's reset pulse";
    if (err == 0 && (long)msg.w[0] == -CAIRN_ENOENT)
        power.why = "no reset register and no keyboard controller";
    if (err < 0) {
        power.why = "the keyboard driver did not answer";
        /* A driver that restarted has a new endpoint: look it up again next time. */
        cairn_handle_close(power.kbd);
        power.kbd = -1;
        return err == -CAIRN_ECLOSED ? -CAIRN_EIO : err;
    }
    return (long)msg.w[0] < 0 ? (long)msg.w[0] : -CAIRN_EIO;
}

long
power_reboot(void)
{
    power_before_off();
    if (power.reset_port) {
        printf("power: resetting through port %#llx\n",
               (unsigned long long)power.fadt.reset.address);
        port_out8((uint16_t)power.fadt.reset.address, power.fadt.reset_value);
        power_settle();
        printf("power: still running after the reset register write\n");
    }
    printf("power: resetting through the keyboard controller\n");
    return power_reset_8042();
}
