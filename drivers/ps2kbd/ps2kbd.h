/* SPDX-License-Identifier: MIT */
/*
 * The PS/2 keyboard and mouse driver (docs/console.md, docs/drivers.md):
 * one user process holding the i8042 controller's ports (0x60 data, 0x64
 * status and command), ISA irq 1 and, when granted, ISA irq 12, serving
 * include/proto/io.h reads of what is typed, as the bytes a terminal
 * sends, on an endpoint it registers as `kbd`, and the mouse's events
 * (include/proto/input.h) on the same endpoint under another badge,
 * registered as `mouse`.
 *
 * Layers: i8042.c is the controller, the keyboard and the mouse (set-up,
 * commands with their acknowledgements, draining the output buffer to
 * the keymap or the mouse's decoder); keymap.c the pure scancode
 * translation; mouse.c the pure packet decoder and the event queue;
 * main.c the keyboard's protocol and the receive loop; mouseio.c the
 * mouse's protocol.
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
#include "mouse.h"

#define KBD_RING_SIZE   4096u /* a power of two */
#define KBD_MAX_READERS 16u

struct kbd {
    struct keymap map;
    uint8_t ring[KBD_RING_SIZE];
    uint32_t head, tail;
    unsigned dropped; /* bytes lost to a full ring, not yet logged */
    int present;      /* a keyboard answered at set-up */
};

#define MOUSE_MAX_READERS 16u

struct ps2mouse {
    struct mouse dec;
    struct mouse_queue queue;
    uint64_t last_byte_ns; /* when the last byte came, to resynchronise */
    int present;           /* a mouse answered at set-up */
    int id;                /* its PS/2 id: 0, or 3 with a wheel */
    unsigned rate, resolution;
};

/* i8042.c: 0, or a negative code with the reason logged. *set is the
 * KEYMAP_SET* the controller will deliver. ms: NULL, or the mouse to set
 * up (ms->present says whether it answered; a mouse that does not is no
 * error of the keyboard's). */
int i8042_init(int *set, struct ps2mouse *ms);
/* Pulses the CPU's reset line (for PROTO_POWER_RESET_8042); returns only
 * if the machine is still running: -CAIRN_EIO, or a time-out. */
int i8042_reset_cpu(void);
/* Moves every byte the controller holds through the keymap into the ring,
 * and the mouse port's (ms not NULL and present) through its decoder. */
void i8042_drain(struct kbd *k, struct ps2mouse *ms);

/* mouseio.c: a request on the mouse's badge, answered or saved (a read
 * with no event waiting); and the saved readers answered while events
 * wait. */
struct cairn_msg;
struct cairn_msg_ext;
void mouse_dispatch(struct ps2mouse *ms, long err, struct cairn_msg *msg,
                    struct cairn_msg_ext *ext);
void mouse_serve_readers(struct ps2mouse *ms);
int mouse_has_readers(void);

#endif
