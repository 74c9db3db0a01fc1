/* SPDX-License-Identifier: MIT */
/*
 * The answers every character device of include/proto/io.h gives alike:
 * the serial, keyboard, mouse, framebuffer and entropy drivers and the
 * console server. Each keeps its own receive loop and its own requests
 * (a read, a write, its stat's size and permissions, the terminal's
 * requests for the console) and hands the rest here, so a request means
 * the same on every device:
 *
 *   - a request whose bytes or handles did not fit, or that carries
 *     handles, is refused with -CAIRN_EINVAL, its handles closed (no
 *     device takes handles, and none keeps what a client sends);
 *   - PROTO_IO_SEEK is -CAIRN_ESPIPE (a stream has no offset);
 *   - PROTO_IO_DUP and _CLOSE are 0 for a device whose clients all share
 *     its one registered handle, so there is nothing to count (a device
 *     with open files of its own, the entropy server, counts them itself);
 *   - PROTO_IO_TTY_GET, _SET and _SETPGRP are -CAIRN_ENOTTY (the
 *     terminal is the console's; the framebuffer tells its grid with
 *     PROTO_IO_TTY_GET itself);
 *   - anything else is -CAIRN_ENOSYS;
 *   - PROTO_IO_STAT: a character device with one link.
 *
 * Registering the device's endpoint is alike too (chardev_publish).
 *
 * No state, no allocation; each call is safe from any thread.
 */
#ifndef CAIRN_LIB_CHARDEV_H
#define CAIRN_LIB_CHARDEV_H

#include <stdint.h>

#include <cairn/ipc.h>
#include <proto/io.h>

/*
 * msg, err and ext are what cairn_ipc_recv gave for a request. When it
 * must be refused (bytes or handles dropped, or handles carried), closes
 * every handle it carried, replies -CAIRN_EINVAL and returns 1: the
 * request is answered. Otherwise returns 0 and does nothing.
 */
int chardev_refuse_malformed(long err, struct cairn_msg *msg, const struct cairn_msg_ext *ext);

/* Registers a copy of the device's endpoint ep under name (the registry
 * of the start handle PROTO_HANDLE_REGISTRY), with the rights a client
 * needs to call it and to hand it on (SIGNAL, DUPLICATE, TRANSFER); the
 * copy is the registry's alone. 0, or a negative code. */
long chardev_publish(long ep, const char *name);

/* The answer (the reply's w[0]) to op on a device that keeps no state for
 * it: see the top. */
long chardev_default(uint64_t op);

/* *st for PROTO_IO_STAT: PROTO_S_IFCHR | perm, one link, blksize, the
 * rest 0 (the caller sets size, ino or dev where it has them). */
void chardev_stat(struct proto_stat *st, uint32_t perm, uint32_t blksize);

/* Replies to the caller of msg (the message just received, whose words
 * it overwrites) with the words w and the len bytes at data. Returns
 * cairn_ipc_reply's result: 0 when the reply went out, so what it carried
 * may be taken from the device's queue. */
long chardev_reply(struct cairn_msg *msg, const uint64_t w[CAIRN_MSG_WORDS], const void *data,
                   uint32_t len);

#endif
