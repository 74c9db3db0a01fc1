// SPDX-License-Identifier: MIT
/*
 * The kernel's notifications and clock behind the ring library's seam
 * (struct ring_notify_ops in <cairn/ring.h>). Kept apart from ring.c, so
 * that the ring logic builds on the host with a fake in their place.
 */
#include <cairn/ring.h>
#include <cairn/sys.h>

const struct ring_notify_ops ring_notify_sys = {
    .signal = cairn_notify_signal,
    .wait = cairn_notify_wait,
    .clock = cairn_clock_get,
};
