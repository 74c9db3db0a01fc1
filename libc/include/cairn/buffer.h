/* SPDX-License-Identifier: MIT */
/*
 * A client's buffer mapped into a server (libc/buffer.c): what the bulk
 * channels of the vfs, the fat server and the block drivers share
 * (PROTO_IO_BULK_OPEN in include/proto/io.h, PROTO_BLOCK_SHARE in
 * include/proto/block.h).
 */
#ifndef CAIRN_LIBC_CAIRN_BUFFER_H
#define CAIRN_LIBC_CAIRN_BUFFER_H

#include <stdint.h>

/*
 * Maps the first size bytes (whole pages) of the client's memory object mo
 * for reading and writing and enters every page now, so that nothing the
 * client does later (unmapping, closing its handle, a quota it cannot pay
 * when a page is first touched) can make the server fault in the middle of
 * a copy: the mapping keeps the object. Returns the address, or
 * -CAIRN_EINVAL (not a memory object with READ, WRITE and MAP, smaller than
 * size, size 0 or not whole pages, a page that cannot be had),
 * -CAIRN_ENOMEM (no room in this address space). mo stays the caller's to
 * close.
 */
long cairn_buffer_map(long mo, uint64_t size);

#endif
