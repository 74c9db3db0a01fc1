// SPDX-License-Identifier: MIT
/*
 * The fat server's disk: one block device of include/proto/block.h, or one
 * partition of it, reached through a channel (a buffer shared with the
 * block driver). lib/fat's read and write functions land here.
 *
 * Which disk: the first of the registry names given (`vblk0,ahci0`) that
 * is registered within the start-up limit. Which part of it: with
 * `auto`, the first partition of its table whose type is a FAT one (MBR
 * 0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e; GPT's basic data type), or the whole
 * disk when it has no table (a volume made straight on it, as mkfs.fat
 * makes one on an image); with a number, that partition; with `whole`,
 * the whole disk, whatever its table says.
 *
 * A driver that ends (a crash, a restart by init) takes the channel with
 * it: the request in flight fails with -CAIRN_EIO, and the next one opens
 * the disk again from the registry and checks that the partition is where
 * it was (else every later request fails: the volume under the server is
 * not the one it mounted). Nothing is retried behind the caller's back,
 * since a write that failed may or may not have reached the disk.
 *
 * One thread calls this at a time (the server's), so the one buffer is
 * never shared between requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/block.h>

#include "fatsrv.h"

#define DISK_BUF_SIZE  PROTO_BLOCK_SHARE_LIMIT_MIN  /* the most a driver must take */
#define DISK_CALL_NS   (30ull * 1000 * 1000 * 1000) /* a request's limit */
#define DISK_LOOKUP_NS (100ull * 1000 * 1000)

/* GPT's basic data partition type, as stored (its first three fields little-endian). */
static const uint8_t disk_gpt_basic_data[16] = {0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44,
                                                0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99, 0xc7};

static struct {
    char names[128]; /* the registry names to try, comma-separated */
    char part[16];   /* "auto", "whole" or an index */
    long device;     /* the device handle, or -1 */
    long part_h;     /* the partition handle, or -1 (the whole disk) */
    long chan;       /* the channel, or -1: open it again before the next request */
    uint8_t *buf;    /* the channel's buffer, mapped here */
    uint32_t max_sectors;
    uint64_t first, sectors; /* the range in the disk's sectors; fixed at the first open */
    int opened_once, lost;   /* lost: reopened onto something else; every request fails */
    int rdonly;              /* the device says so (PROTO_BLOCK_RDONLY) */
} disk = {.device = -1, .part_h = -1, .chan = -1};

char disk_what[96];

/* One request on h with the message's words; w[0] of the reply, or the call's error. */
static long
disk_call(long h, struct cairn_msg *m, struct cairn_msg_ext *ext)
{
    long err = cairn_ipc_call_timed(h, m, DISK_CALL_NS);

    if (err < 0)
        return err;
    for (uint32_t i = 0; i < ext->recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        if (ext->recv_handles[i] >= 0 && (int64_t)m->w[0] < 0)
            cairn_handle_close(ext->recv_handles[i]);
    return (long)(int64_t)m->w[0];
}

static void
disk_close_all(void)
{
    if (disk.chan >= 0)
        cairn_handle_close(disk.chan);
    if (disk.part_h >= 0)
        cairn_handle_close(disk.part_h);
    if (disk.device >= 0)
        cairn_handle_close(disk.device);
    if (disk.buf)
        cairn_vm_unmap((uint64_t)(uintptr_t)disk.buf, DISK_BUF_SIZE);
    disk.buf = NULL;
    disk.chan = disk.part_h = disk.device = -1;
}

static int
disk_is_fat_part(const struct proto_block_part *p)
{
    static const uint8_t mbr_fat[] = {0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e};

    for (size_t i = 0; i < sizeof(mbr_fat); i++)
        if (p->mbr_type == mbr_fat[i])
            return 1;
    return memcmp(p->guid, disk_gpt_basic_data, 16) == 0;
}

/* Picks the partition (disk.part) from the device's table: its index in
 * the listing, -1 for the whole disk, or an error. */
static long
disk_pick_part(struct proto_block_part *out, const char *name)
{
    static uint8_t rbuf[CAIRN_MSG_BUF_MAX];
    long want = -2; /* auto */
    uint64_t cookie = 0, seen = 0;

    if (strcmp(disk.part, "whole") == 0)
        return -1;
    if (strcmp(disk.part, "auto") != 0) {
        char *end;

        want = strtol(disk.part, &end, 10);
        if (*end || want < 1)
            return -CAIRN_EINVAL;
    }
    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg m = {{PROTO_BLOCK_PART_LIST, cookie, 0, 0, 0}, &ext};
        long n;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)rbuf;
        ext.recv_cap = sizeof(rbuf);
        n = disk_call(disk.device, &m, &ext);
        if (n == -CAIRN_EIO && ext.recv_len > 0) {
            rbuf[sizeof(rbuf) - 1] = 0;
            printf("fat: %s: partition table refused: %s\n", name, (char *)rbuf);
            return n;
        }
        if (n < 0)
            return n;
        if (n == 0)
            break;
        if ((uint64_t)n * sizeof(struct proto_block_part) > ext.recv_len)
            return -CAIRN_EIO;
        for (long i = 0; i < n; i++, seen++) {
            struct proto_block_part p;

            memcpy(&p, rbuf + (size_t)i * sizeof(p), sizeof(p));
            if ((want == -2 && disk_is_fat_part(&p)) || (want > 0 && p.index == (uint64_t)want)) {
                *out = p;
                return (long)seen;
            }
        }
        cookie = m.w[1];
    }
    if (want > 0)
        return -CAIRN_ENOENT;
    return seen == 0 ? -1 : -CAIRN_ENOENT; /* auto: a table without a FAT partition */
}

/* Opens the disk: device, partition, channel. 0 or an error (logged the first time). */
static long
disk_open_now(uint64_t wait_ns)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m;
    struct proto_block_part part = {0};
    uint64_t deadline = cairn_clock_get() + wait_ns, first = 0, sectors;
    const char *name = NULL;
    char names[sizeof(disk.names)];
    long err, idx, mo;

    /* Every name is tried in turn until one is there or the time is up. */
    do {
        char *save = NULL;

        memcpy(names, disk.names, sizeof(names));
        for (char *n = strtok_r(names, ",", &save); n && disk.device < 0;
             n = strtok_r(NULL, ",", &save)) {
            long h = cairn_registry_lookup(n, 0);

            if (h >= 0) {
                disk.device = h;
                name = disk.names + (n - names);
            }
        }
        if (disk.device < 0 && cairn_clock_get() < deadline)
            cairn_thread_sleep(DISK_LOOKUP_NS);
    } while (disk.device < 0 && cairn_clock_get() < deadline);
    if (disk.device < 0)
        return -CAIRN_ENOENT;

    memset(&ext, 0, sizeof(ext));
    m = (struct cairn_msg){{PROTO_BLOCK_INFO, 0, 0, 0, 0}, &ext};
    err = disk_call(disk.device, &m, &ext);
    if (err < 0)
        goto fail;
    if (m.w[1] != FAT_DEV_SECTOR) {
        printf("fat: %.*s: sectors of %lu bytes: only 512 are supported\n", (int)strcspn(name, ","),
               name, (unsigned long)m.w[1]);
        err = -CAIRN_EINVAL;
        goto fail;
    }
    sectors = m.w[2];
    disk.rdonly = (m.w[3] & PROTO_BLOCK_RDONLY) != 0;
    disk.max_sectors =
        m.w[4] < DISK_BUF_SIZE / FAT_DEV_SECTOR ? (uint32_t)m.w[4] : DISK_BUF_SIZE / FAT_DEV_SECTOR;
    if (disk.max_sectors == 0) {
        err = -CAIRN_EIO;
        goto fail;
    }

    idx = disk_pick_part(&part, name);
    if (idx < -1) {
        if (!disk.opened_once)
            printf("fat: %.*s: %s\n", (int)strcspn(name, ","), name,
                   idx == -CAIRN_ENOENT ? "no FAT partition in its table"
                                        : cairn_strerror((int)idx));
        err = idx;
        goto fail;
    }
    if (idx >= 0) {
        memset(&ext, 0, sizeof(ext));
        m = (struct cairn_msg){{PROTO_BLOCK_PART_OPEN, part.index, 0, 0, 0}, &ext};
        err = disk_call(disk.device, &m, &ext);
        if (err == 0 && ext.recv_nhandles != 1)
            err = -CAIRN_EIO;
        if (err < 0) {
            printf("fat: %.*s: partition %u cannot be opened: %s\n", (int)strcspn(name, ","),
                   name, part.index, cairn_strerror((int)err));
            err = -CAIRN_EIO;
            goto fail;
        }
        disk.part_h = ext.recv_handles[0];
        first = part.first;
        sectors = part.sectors;
    }
    if (disk.opened_once && (first != disk.first || sectors != disk.sectors)) {
        printf("fat: the disk came back with another volume: refusing every request\n");
        disk.lost = 1;
        err = -CAIRN_EIO;
        goto fail;
    }

    mo = cairn_memobj_create(DISK_BUF_SIZE, 0);
    if (mo < 0) {
        err = mo;
        goto fail;
    }
    {
        long at = cairn_vm_map(mo, 0, DISK_BUF_SIZE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);

        if (at < 0) {
            cairn_handle_close(mo);
            err = at;
            goto fail;
        }
        disk.buf = (uint8_t *)(uintptr_t)at;
    }
    memset(&ext, 0, sizeof(ext));
    ext.send_nhandles = 1;
    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)mo, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    m = (struct cairn_msg){{PROTO_BLOCK_SHARE, DISK_BUF_SIZE, 0, 0, 0}, &ext};
    err = disk_call(disk.part_h >= 0 ? disk.part_h : disk.device, &m, &ext);
    if (err < 0)
        goto fail;
    if (ext.recv_nhandles != 1) {
        err = -CAIRN_EIO;
        goto fail;
    }
    disk.chan = ext.recv_handles[0];
    if (!disk.opened_once && idx >= 0)
        snprintf(disk_what, sizeof(disk_what), "%.*s partition %u", (int)strcspn(name, ","), name,
                 part.index);
    else if (!disk.opened_once)
        snprintf(disk_what, sizeof(disk_what), "%.*s", (int)strcspn(name, ","), name);
    disk.first = first;
    disk.sectors = sectors;
    disk.opened_once = 1;
    return 0;

fail:
    disk_close_all();
    return err;
}

long
disk_open(const char *names, const char *part, uint64_t wait_ns)
{
    if (strlen(names) >= sizeof(disk.names) || strlen(part) >= sizeof(disk.part))
        return -CAIRN_ENAMETOOLONG;
    strcpy(disk.names, names);
    strcpy(disk.part, part);
    return disk_open_now(wait_ns);
}

int
disk_rdonly(void)
{
    return disk.rdonly;
}

uint64_t
disk_sectors(void)
{
    return disk.sectors;
}

/* The channel, opened again after a driver's end; an error if it cannot be. */
static long
disk_ready(void)
{
    if (disk.lost)
        return -CAIRN_EIO;
    if (disk.chan >= 0)
        return 0;
    return disk_open_now(2ull * 1000 * 1000 * 1000) < 0 ? -CAIRN_EIO : 0;
}

/* A read or write of count sectors at sector through the buffer. */
static long
disk_move(uint64_t op, uint64_t sector, uint32_t count)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{op, sector, count, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    err = disk_call(disk.chan, &m, &ext);
    if (err == -CAIRN_ECLOSED || err == -CAIRN_EBADH || err == -CAIRN_ETIMEDOUT) {
        /* The driver is gone (or hung): the next request opens it again. */
        disk_close_all();
        return -CAIRN_EIO;
    }
    return err;
}

int
disk_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    long err = disk_ready();

    (void)ctx;
    while (err == 0 && count > 0) {
        uint32_t n = count < disk.max_sectors ? count : disk.max_sectors;

        err = disk_move(PROTO_BLOCK_READ, sector, n);
        if (err == 0) {
            memcpy(out, disk.buf, (size_t)n * FAT_DEV_SECTOR);
            out += (size_t)n * FAT_DEV_SECTOR;
            sector += n;
            count -= n;
        }
    }
    return (int)err;
}

int
disk_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    const uint8_t *in = buf;
    long err = disk_ready();

    (void)ctx;
    while (err == 0 && count > 0) {
        uint32_t n = count < disk.max_sectors ? count : disk.max_sectors;

        memcpy(disk.buf, in, (size_t)n * FAT_DEV_SECTOR);
        err = disk_move(PROTO_BLOCK_WRITE, sector, n);
        in += (size_t)n * FAT_DEV_SECTOR;
        sector += n;
        count -= n;
    }
    return (int)err;
}

int
disk_flush(void *ctx)
{
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{PROTO_BLOCK_FLUSH, 0, 0, 0, 0}, &ext};
    long err = disk_ready();

    (void)ctx;
    if (err < 0)
        return (int)err;
    memset(&ext, 0, sizeof(ext));
    err = disk_call(disk.chan, &m, &ext);
    if (err == -CAIRN_ECLOSED || err == -CAIRN_EBADH || err == -CAIRN_ETIMEDOUT) {
        disk_close_all();
        return -CAIRN_EIO;
    }
    return (int)err;
}
