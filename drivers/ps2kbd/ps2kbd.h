/* SPDX-License-Identifier: MIT */
/*
 * The PS/2 keyboard driver (docs/console.md): one user process holding
 * the i8042 controller's ports (0x60 data, 0x64 status and command) and
 * ISA irq 1, serving include/proto/io.h reads of what is typed, as the
 * bytes a terminal sends, on an endpoint it registers as `kbd`.
 *
 * Layers: i8042.c is the controller and the keyboard (set-up, commands
 * with their acknowledgements, draining the output buffer); keymap.c the
 * pure scancode translation; main.c the protocol and the receive loop.
 *
 * Invariants: the ring holds head - tail bytes, never more than its size
 * (a key that finds it full is dropped and counted, since a keyboard
 * cannot be told to wait); a reader waits (a saved reply) only while the
 * ring is empty, readers are served in arrival order, and bytes leave the
 * ring only once the reply that carries them went out. One thread: no
 * locks.
 */
#ifndef CAIRN_DRIVERS_PS2KBD_H
#define CAIRN_DRIVERS_PS2KBD_H

#include <stdint.h>

#include "keymap.h"

#define KBD_RING_SIZE   4096u /* a power of two */
#define KBD_MAX_READERS 16u

struct kbd {
    struct keymap map;
    uint8_t ring[KBD_RING_SIZE];
    uint32_t head, tail;
    unsigned dropped; /* bytes lost to a full ring, not yet logged */
    int present;      /* a keyboard answered at set-up */
};

/* i8042.c: 0, or a negative code with the reason logged. *set is the
 * KEYMAP_SET* the controller will deliver. */
int i8042_init(int *set);
/* Pulses the CPU's reset line (for PROTO_POWER_RESET_8042); returns only
 * if the machine is still running: -CAIRN_EIO, or a time-out. */
int i8042_reset_cpu(void);
/* Moves every byte the controller holds through the keymap into the ring. */
void i8042_drain(struct kbd *k);

#endif
