/* SPDX-License-Identifier: MIT */
/*
 * The input protocol: pointer events for a window server (a later one),
 * from the PS/2 mouse of drivers/ps2kbd, registered as `mouse`. (Message
 * shape: include/proto/io.h.)
 *
 * Events are read with the I/O protocol: PROTO_IO_READ with w[1] at least
 * sizeof(struct proto_mouse_event) gives whole records, as many as fit in
 * w[1] bytes and are waiting (w[0] the bytes, a multiple of the record's
 * size; -CAIRN_EINVAL for a w[1] smaller than one record), oldest first,
 * or waits for the first (a deferred reply) unless PROTO_IO_NONBLOCK
 * (-CAIRN_EAGAIN). Every reader takes from the one queue: an event goes
 * to one reader only. A queue that fills (nobody reads) folds new motion
 * into the newest event while the buttons stay as they were, so motion is
 * never lost, only coarser; a button change that finds it full is dropped
 * and counted. PROTO_IO_STAT: a character device, size the bytes waiting.
 * PROTO_IO_WRITE -CAIRN_EBADF, SEEK -CAIRN_ESPIPE, DUP and CLOSE 0 (the
 * registered handle is shared, nothing is counted).
 */
#ifndef CAIRN_PROTO_INPUT_H
#define CAIRN_PROTO_INPUT_H

#include <stdint.h>

/*
 * PROTO_INPUT_INFO: what the device is. Reply: w[0] 0, w[1] the
 * PROTO_INPUT_* flags, w[2] the device's PS/2 id (0 a plain mouse, 3 an
 * IntelliMouse with a wheel), w[3] samples per second, w[4] counts per
 * millimetre.
 */
#define PROTO_INPUT_INFO 0x801u

#define PROTO_INPUT_PRESENT 1u /* a mouse answered at set-up (else reads wait for good) */
#define PROTO_INPUT_WHEEL   2u /* it reports a wheel */

/* proto_mouse_event.buttons: held down while the bit is set. */
#define PROTO_MOUSE_LEFT   1u
#define PROTO_MOUSE_RIGHT  2u
#define PROTO_MOUSE_MIDDLE 4u

/*
 * One report of the mouse: relative motion in the device's counts, in
 * screen directions (dx right, dy down: the PS/2 y axis, which points up,
 * is turned over), the wheel in notches (positive: rolled away from the
 * user, which scrolls up), the buttons held after it, and when the driver
 * took it (the monotonic clock, nanoseconds since boot).
 */
struct proto_mouse_event {
    int32_t dx;
    int32_t dy;
    int32_t wheel;
    uint32_t buttons; /* PROTO_MOUSE_* */
    uint64_t time_ns;
};
_Static_assert(sizeof(struct proto_mouse_event) == 24, "proto_mouse_event is ABI");

#endif
