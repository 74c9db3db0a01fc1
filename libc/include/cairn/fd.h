/* SPDX-License-Identifier: MIT */
/*
 * File descriptors beyond POSIX (libc/fd.c): making a descriptor of a
 * handle that speaks the I/O protocol (include/proto/io.h), reaching the
 * handle behind a descriptor, and sending a descriptor's server a request
 * of one's own (the terminal operations, for example).
 */
#ifndef CAIRN_LIBC_FD_H
#define CAIRN_LIBC_FD_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/sys.h>

struct stat;
struct proto_stat;

/* A descriptor for handle, an I/O handle that counts as one reference at
 * its server (as PROTO_FS_OPEN's reply does); flags are open's O_ACCMODE,
 * O_NONBLOCK and O_CLOEXEC. The lowest free descriptor, or -1 and errno
 * (EMFILE: the handle is left to the caller). */
int cairn_fd_adopt(long handle, int flags);

/* The handle behind fd (still the descriptor's), or -CAIRN_EBADF. */
long cairn_fd_handle(int fd);

/* One request on fd's handle: msg's words (its ext is set here), bytes
 * out from send, back into recv (at most recv_cap; *got, when not NULL,
 * says how many came). The server's w[0] or a negative CAIRN_E* code
 * (-CAIRN_EBADF for a descriptor that is not open or has no handle). */
long cairn_fd_request(int fd, struct cairn_msg *msg, const void *send, size_t send_len, void *recv,
                      size_t recv_cap, size_t *got);

/* A new reference to what fd names, for handing on: the server told
 * (PROTO_IO_DUP), then a new handle. -CAIRN_EBADF for a descriptor not
 * open, -CAIRN_ENOENT for one on the kernel console (no handle to give). */
long cairn_fd_copy(int fd);

/* The same for an I/O handle h, and letting one such reference go (the
 * server told with PROTO_IO_CLOSE, then the handle closed). */
long cairn_io_copy(long h);
void cairn_io_release(long h);

/* path made absolute against the working directory and folded (libc/
 * path.c) into out, PROTO_PATH_MAX + 1 bytes: its length, or
 * -CAIRN_ENOENT (empty), -CAIRN_ENAMETOOLONG, -CAIRN_EFAULT (NULL). */
long cairn_path_absolute(const char *path, char *out);

/* Opens path through the vfs server: an I/O handle counted as one
 * reference, or a negative code. */
long cairn_path_open(const char *path, int flags, uint32_t mode);

/* Closes every descriptor, as exit does: the servers are told with a
 * time limit (CAIRN_FD_EXIT_WAIT_NS each), so a stuck server cannot keep
 * the process from ending. */
void cairn_fd_close_all(void);
#define CAIRN_FD_EXIT_WAIT_NS 1000000000ull

/* struct stat from the protocol's struct proto_stat. */
void cairn_stat_from_proto(struct stat *st, const struct proto_stat *ps);

/* The vfs's mounts one at a time (PROTO_FS_MOUNTS): *cookie 0 for the
 * first. 1 with *rec filled (its strings NUL-terminated), 0 after the
 * last, or a negative CAIRN_E* code (libc/sync.c). */
struct proto_mount;
long cairn_mounts_next(uint64_t *cookie, struct proto_mount *rec);

#endif
