/* SPDX-License-Identifier: MIT */
/*
 * The block protocol: what every block driver (virtio-blk, AHCI, ...)
 * serves and every file system server uses. A block device is an array of
 * sectors of one size; a client reads, writes and flushes ranges of them.
 * docs/block.md describes the model; the message shape is docs/protocols.md's
 * (w[0] the operation or the result, a negative CAIRN_E* code on error; an
 * operation the server does not know gets -CAIRN_ENOSYS).
 *
 * Three kinds of handle, told apart by the badge the driver mints:
 *   - a **device** handle: the whole disk, as the driver registers it;
 *   - a **partition** handle (PROTO_BLOCK_PART_OPEN): the same protocol
 *     limited to one partition's range, sector 0 being the partition's
 *     first; a file system server is given one and never sees the rest
 *     of the disk;
 *   - a **channel** (PROTO_BLOCK_SHARE): a device's or a partition's
 *     second handle that also names a buffer shared with the driver. Data
 *     moves only through channels, never in the message's 4096 bytes.
 *
 * Sector numbers and counts are in the device's own sectors (INFO's w[1]),
 * relative to the handle's range. Requests on one channel may be in flight
 * at once (several threads calling it, each with its own part of the
 * buffer); the driver answers each when its I/O is done (deferred replies,
 * docs/ipc.md), in any order. Two requests in flight over the same sectors,
 * or the same bytes of the buffer, are the client's business: the result is
 * one or the other, never the driver's harm.
 *
 * A reply to PROTO_BLOCK_WRITE says the device took the data, which may sit
 * in its volatile cache; only a PROTO_BLOCK_FLUSH that replied 0 makes the
 * writes that replied before it was sent durable. A file system orders its
 * writes (data, FAT, directory) with flushes between them.
 *
 * A driver that ends (a crash, a restart by init) takes every handle with
 * it: calls in flight and later ones fail with the kernel's error for a
 * dead endpoint (-CAIRN_ECLOSED), and a client opens the device again
 * from the registry.
 * The bytes of a write in flight then are undefined; nothing else is.
 *
 * Errors common to every request: -CAIRN_EIO the device failed the
 * operation (a media error, a timeout, the device gone or reset: the
 * request may have been done in part, nothing else was touched),
 * -CAIRN_ERANGE a sector range that is not wholly inside the handle's range,
 * -CAIRN_EROFS a write to a read-only device, -CAIRN_EINVAL malformed
 * arguments (a count of 0 or above the most per request, a buffer range
 * outside the channel's buffer or not sector-aligned).
 */
#ifndef CAIRN_PROTO_BLOCK_H
#define CAIRN_PROTO_BLOCK_H

#include <stdint.h>

/*
 * PROTO_BLOCK_INFO (any handle). Reply: w[0] 0; w[1] the sector size in
 * bytes (512 or 4096, a power of two); w[2] the handle's sectors (the
 * disk's, or the partition's); w[3] flags (PROTO_BLOCK_RDONLY); w[4] the
 * most sectors one READ or WRITE may move (at least 1, whatever the device's
 * DMA limits are). The reply's buffer: the device's name and model as UTF-8
 * with a 0 after it, at most PROTO_BLOCK_MODEL_MAX bytes with the 0
 * ("virtio-blk", "QEMU HARDDISK", a partition's adding " part N").
 */
#define PROTO_BLOCK_INFO      0xb01u
#define PROTO_BLOCK_RDONLY    1u
#define PROTO_BLOCK_MODEL_MAX 128

/*
 * PROTO_BLOCK_SHARE (on a device or partition handle): share a buffer with
 * the driver, as the vfs's bulk channels do (include/proto/io.h,
 * PROTO_IO_BULK_OPEN). w[1] the buffer's size in bytes: a whole number of
 * pages, at least one sector, at most the driver's limit. One handle in the
 * message: a memory object of at least that size with READ, WRITE and MAP
 * (the client keeps its own mapping). The driver maps the first w[1] bytes
 * and makes sure every page of them is there now (a page a quota cannot pay
 * for refuses the buffer), so nothing the client does later (unmapping,
 * closing its handle to the object) reaches the driver's mapping, which
 * stays until the channel closes. Reply: w[0] 0 and the channel's handle
 * (SIGNAL and TRANSFER); w[1] the driver's largest buffer, also with
 * -CAIRN_EINVAL.
 *
 * The channel is the client's alone, never handed on. It holds a reference
 * to its device or partition until it is closed, by PROTO_BLOCK_CLOSE on it
 * or by the last copy of its handle going (the driver mints it with
 * handle_mint_notify); the driver then waits for the channel's requests in
 * flight to end and unmaps the buffer. A device's DMA goes to the driver's
 * own DMA memory or, where it can, straight to the shared pages: which one
 * is the driver's choice and invisible to the client.
 *
 * Errors: -CAIRN_EINVAL (no memory object, a size that is 0, not whole pages
 * or past the limit, an object too small or without the rights, pages that
 * cannot be had), -CAIRN_EMFILE (the driver's channels are all taken: a
 * bound per handle and one in all, the driver's to state), -CAIRN_EPERM
 * (asked on a channel).
 */
#define PROTO_BLOCK_SHARE           0xb02u
/* Every driver's limit is at least this: a client that shares no more
 * than it needs no retry. */
#define PROTO_BLOCK_SHARE_LIMIT_MIN (1u << 20)

/*
 * PROTO_BLOCK_READ (on a channel): w[1] the first sector, w[2] the sectors
 * (1..INFO's w[4]), w[3] the byte offset in the buffer where they go (a
 * multiple of the sector size; offset + sectors * sector size at most the
 * buffer's size). Reply: w[0] 0 once every byte is in the buffer; on an
 * error the buffer's range holds nothing to rely on. Never a short read.
 */
#define PROTO_BLOCK_READ  0xb03u
/*
 * PROTO_BLOCK_WRITE (on a channel): as PROTO_BLOCK_READ, from the buffer to
 * the sectors. Reply: w[0] 0 once the device took every sector (see FLUSH
 * above), -CAIRN_EROFS on a read-only device. The driver reads the buffer
 * while it writes: bytes the client changes meanwhile are its own business.
 * READ and WRITE on a handle that is not a channel get -CAIRN_EBADF.
 */
#define PROTO_BLOCK_WRITE 0xb04u
/*
 * PROTO_BLOCK_FLUSH (any handle): every write that replied before this was
 * sent is on stable storage when it replies 0 (the whole device's cache is
 * flushed, whatever the handle's range). -CAIRN_EIO if the device failed.
 */
#define PROTO_BLOCK_FLUSH 0xb05u

/*
 * PROTO_BLOCK_PART_LIST (on a device handle): the partition table, read
 * from the disk afresh when w[1] is 0 (lib/part: MBR with its logical
 * partitions, GPT with its backup; docs/block.md says what it refuses).
 * w[1] a cookie: 0 for the first entry. Reply: w[0] the entries in the
 * reply's buffer (0: no more), each a struct proto_block_part; w[1] the
 * cookie that goes on after them; w[2] the entries in all; w[3] the scheme
 * (PROTO_BLOCK_SCHEME_*). A disk with no table gives 0 entries and
 * PROTO_BLOCK_SCHEME_NONE. A table that is found but refused (a bad CRC
 * in both GPT headers, entries past the end or overlapping, an EBR chain
 * that loops) gives -CAIRN_EIO with the reason, UTF-8 with a 0 after it, in
 * the reply's buffer. -CAIRN_EPERM on a partition or a channel (partitions
 * do not nest).
 */
#define PROTO_BLOCK_PART_LIST 0xb06u
/*
 * PROTO_BLOCK_PART_OPEN (on a device handle): w[1] a partition's index as
 * PART_LIST gives it (struct proto_block_part's `index`: MBR 1..4 and 5..,
 * GPT entry + 1; not its place in the list). Reply: w[0] 0 and a partition handle (SIGNAL and
 * TRANSFER) with the range of the table PART_LIST last read (listing anew
 * changes no open partition). It holds a reference to the device until
 * PROTO_BLOCK_CLOSE or the last copy of it goes (handle_mint_notify). A
 * partition may be opened more than once: the driver does not arbitrate
 * between file systems, init does. Errors: -CAIRN_ENOENT (no such index),
 * -CAIRN_EMFILE (the driver's bound on open partitions), -CAIRN_EPERM (on
 * a partition or a channel).
 */
#define PROTO_BLOCK_PART_OPEN 0xb07u
/*
 * PROTO_BLOCK_CLOSE (on a channel or a partition handle): let it go now, as
 * the last copy of the handle going would. A partition's channels stay
 * usable until they are closed themselves. Reply 0; -CAIRN_EPERM on a
 * device handle (the driver's registration owns it).
 */
#define PROTO_BLOCK_CLOSE     0xb08u

#define PROTO_BLOCK_SCHEME_NONE 0
#define PROTO_BLOCK_SCHEME_MBR  1
#define PROTO_BLOCK_SCHEME_GPT  2

/* proto_block_part.name: a GPT name (36 UTF-16 units) as UTF-8, with its 0. */
#define PROTO_BLOCK_PART_NAME_MAX 112

/* One partition of PROTO_BLOCK_PART_LIST. */
struct proto_block_part {
    uint64_t first;     /* its first sector on the disk */
    uint64_t sectors;   /* its length in sectors (at least 1) */
    uint8_t guid[16];   /* GPT: the type GUID as stored on disk; MBR: zeros */
    uint8_t unique[16]; /* GPT: the partition's own GUID (for mounting by it); MBR: zeros */
    uint32_t index;     /* MBR: 1..4 primary, 5.. logical; GPT: entry + 1 */
    uint8_t mbr_type;   /* MBR: the type byte (0x0c FAT32 LBA ...); GPT: 0 */
    uint8_t reserved0;  /* 0 */
    uint16_t reserved1;
    uint64_t attrs;                       /* GPT: the entry's attribute bits; MBR: 0x80 if active */
    char name[PROTO_BLOCK_PART_NAME_MAX]; /* GPT: the name, 0-terminated; MBR: "" */
};
_Static_assert(sizeof(struct proto_block_part) == 176, "proto_block_part is ABI");

#endif
