/* SPDX-License-Identifier: MIT */
/*
 * The table of mount points served by other servers (docs/vfs.md,
 * "Mounts"): a normal path of the namespace and the registry name of the
 * server that answers for everything at and below it. Pure C, no system
 * call: built into the vfs server, the host test and the path fuzzer.
 * What the server keeps about reaching each one (its endpoint, whether
 * the last call worked) is remote.c's, in a table of the same indices.
 *
 * Invariants:
 *   - every path is normal (lib/path), never `/`, and no mount is at or
 *     below another one (a mount inside another server's tree could not
 *     have its directory made, and would hide that server's names);
 *   - every name is a registry name (include/proto/registry.h);
 *   - a slot is free when its pathlen is 0; n is one past the last slot
 *     in use, and mount_add fills the first free slot. An index names one
 *     mount until mount_remove, which the server calls only when no
 *     request of that mount is queued or running (remote.c's jobs hold
 *     indices).
 */
#ifndef CAIRN_SERVERS_VFS_MOUNT_H
#define CAIRN_SERVERS_VFS_MOUNT_H

#include <stddef.h>

#include <proto/io.h>
#include <proto/registry.h>

#define MOUNT_MAX 16

struct mount {
    char path[PROTO_PATH_MAX + 1];
    size_t pathlen; /* 0: a free slot */
    char name[PROTO_REG_NAME_MAX + 1];
};

struct mount_table {
    struct mount m[MOUNT_MAX];
    unsigned n; /* slots at and past n are free */
};

/* Is name (len bytes) a registry name: a lower-case letter, then
 * lower-case letters, digits, `-` and `_`, at most PROTO_REG_NAME_MAX? */
int mount_name_ok(const char *name, size_t len);

/*
 * The text of `--mount=PATH:NAME` (spec, NUL-terminated; the name is
 * after the last `:`) into a normal path (path, cap bytes) and a name
 * (name, PROTO_REG_NAME_MAX + 1 bytes). 0, -CAIRN_EINVAL (no `:`, a bad
 * name, a path that is not absolute, or `/`), -CAIRN_ENAMETOOLONG.
 */
int mount_parse(const char *spec, char *path, size_t cap, char *name);

/*
 * The next entry of an fstab (the initfs's etc/fstab, docs/vfs.md): lines
 * of `SOURCE MOUNTPOINT TYPE [OPTIONS]` separated by spaces or tabs, where
 * SOURCE is the registry name of the server to mount, MOUNTPOINT an
 * absolute path (not `/`), TYPE a word saying what it serves (`fat`) and
 * OPTIONS a word (`rw`, `defaults`), both for the reader and checked only
 * for their shape; `#` starts a comment line, blank lines are skipped.
 * *pos walks the text up to end; *line counts its lines. Returns 1 with
 * path (cap bytes, normal) and name filled, 0 at the end, or
 * -CAIRN_EINVAL / -CAIRN_ENAMETOOLONG for a malformed line (with *line
 * its number; *pos is past it, so the caller may go on with the next).
 */
int mount_fstab_next(const char **pos, const char *end, unsigned *line, char *path, size_t cap,
                     char *name);

/*
 * Adds a mount of name at the normal path: its index, or -CAIRN_EINVAL
 * (`/`, a bad name), -CAIRN_EBUSY (at, above or below a mount already),
 * -CAIRN_ENOSPC (the table is full).
 */
int mount_add(struct mount_table *t, const char *path, const char *name);

/* Frees the slot of mount i (which is in use). */
void mount_remove(struct mount_table *t, int i);

/*
 * The mount that a normal path is at or below: its index, with *rest the
 * part of path after the mount point ("" for the mount point itself, else
 * starting with `/`); -1 when the path is under no mount.
 */
int mount_find(const struct mount_table *t, const char *path, const char **rest);

/*
 * The path the mounted server is sent for rest (from mount_find): `/` for
 * the mount point itself, else rest. Into out (cap bytes, NUL-terminated);
 * returns its length (never more than the path's).
 */
size_t mount_relative(const char *rest, char *out, size_t cap);

#endif
