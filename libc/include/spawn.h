/* SPDX-License-Identifier: MIT */
/*
 * POSIX <spawn.h>: starting a program by path through the process server
 * (libc/process.c, include/proto/proc.h). The child gets what the file
 * actions leave at descriptors 0, 1 and 2 (only those three: Cairn passes
 * no other descriptors on), the environment given (with PWD set to this
 * process's working directory when it has none), and its own pid.
 * posix_spawnp looks a name without a '/' up in PATH (default "/bin").
 * Both return 0 or an errno value (they do not set errno).
 */
#ifndef CAIRN_LIBC_SPAWN_H
#define CAIRN_LIBC_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#define POSIX_SPAWN_SETPGROUP 1

#define POSIX_SPAWN_ACTIONS_MAX 16

struct posix_spawn_action {
    int kind; /* 1 open, 2 close, 3 dup2 */
    int fd, from, flags;
    mode_t mode;
    char *path; /* open: a copy, freed by _destroy */
};

typedef struct {
    int count;
    struct posix_spawn_action action[POSIX_SPAWN_ACTIONS_MAX];
} posix_spawn_file_actions_t;

typedef struct {
    short flags;
    pid_t pgroup;
    long ns;              /* cairn_spawnattr_setns's handle + 1, or 0 */
    uint64_t quota_pages; /* cairn_spawnattr_setquota's, or 0 */
} posix_spawnattr_t;

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *actions);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *actions);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *actions, int fd, const char *path,
                                     int flags, mode_t mode);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *actions, int fd);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *actions, int fd, int to);

int posix_spawnattr_init(posix_spawnattr_t *attr);
int posix_spawnattr_destroy(posix_spawnattr_t *attr);
int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);

/*
 * Cairn's own: the child gets ns, a namespace handle of the vfs (a view:
 * include/proto/fs.h, PROTO_FS_VIEW), in place of this process's, and is
 * sandboxed: its children get the same namespace and their images are
 * read through it, and none of them gets a registry handle
 * (include/proto/proc.h, PROTO_SPAWN_NAMESPACE). The program itself is
 * read through this process's namespace. A copy of ns goes to the
 * process server; the handle stays the caller's. 0, or EINVAL for a
 * negative handle.
 */
int cairn_spawnattr_setns(posix_spawnattr_t *attr, long ns);

/*
 * Cairn's own: the child, and every process it starts in turn, is charged
 * to a quota of bytes (rounded up to whole 4 KiB pages) carved from this
 * process's, so what the kernel allocates for that whole tree stays
 * within it (include/proto/proc.h, PROTO_SPAWN_QUOTA); posix_spawn then
 * fails with ENOMEM when this process's quota has not that much left. 0
 * (no quota of its own, as by default), or EINVAL for bytes 0 or above
 * 16 TiB.
 */
int cairn_spawnattr_setquota(posix_spawnattr_t *attr, uint64_t bytes);

#endif
