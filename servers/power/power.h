/* SPDX-License-Identifier: MIT */
/*
 * The power server (docs/power.md): turns the machine off (ACPI S5) and
 * resets it, for PROTO_POWER_OFF and PROTO_POWER_REBOOT
 * (include/proto/power.h).
 *
 * Layers: main.c (start-up, the receive loop and its one dispatch table),
 * tables.c (what the copy of the ACPI tables init granted says: the FADT's
 * ports and reset register, the DSDT's \_S5_, read with lib/acpi), hw.c
 * (the port writes and the waits after them).
 *
 * Invariant: a port is written only when power_port_held says one of the
 * I/O port ranges init granted covers it, so a FADT that names a port
 * init did not grant costs a refusal, never a fault.
 */
#ifndef CAIRN_SERVERS_POWER_H
#define CAIRN_SERVERS_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include <acpi/acpi_tables.h>

struct power {
    bool have_fadt; /* fadt is a FADT that lib/acpi accepted */
    struct acpi_fadt fadt;
    bool have_s5; /* s5 is the DSDT's \_S5_ */
    struct acpi_s5 s5;
    const char *off_why; /* why power-off cannot work, when it cannot */
    bool reset_port;     /* the FADT's reset register is a port we hold */
    long kbd;            /* the keyboard driver's endpoint, once looked up; else -1 */
    const char *why;     /* why the last request failed, for its reply */
};

extern struct power power;

/* tables.c: reads the start handle PROTO_HANDLE_ACPI into power; logs
 * what it found or why not. */
void power_tables_read(void);

/* hw.c: enables every granted port range; 0 or a negative code. */
int power_ports_enable(void);
/* Whether the granted ranges cover ports [port, port + n). */
bool power_port_held(uint32_t port, uint32_t n);
/* Each returns only if the machine is still running afterwards: the
 * negative code to answer (proto/power.h). */
long power_off(void);
long power_reboot(void);

#endif
