/* SPDX-License-Identifier: MIT */
/*
 * The console server's own requests (servers/console, docs/console.md),
 * beside the I/O protocol (include/proto/io.h) its clients speak on it.
 * They come through the handle the registry hands out under `console`
 * (badge 0); a handle of one of its sources or outputs is refused.
 */
#ifndef CAIRN_PROTO_CONSOLE_H
#define CAIRN_PROTO_CONSOLE_H

/*
 * PROTO_CONSOLE_LOG: no arguments. Reply: w[0] 0 and handles[0] the
 * kernel log, a console handle with READ alone (include/cairn/console.h:
 * the caller reads it with klog_read and can do nothing else with it).
 * -CAIRN_ENOSYS when the console was granted no log.
 */
#define PROTO_CONSOLE_LOG 0x901u

#endif
