/* SPDX-License-Identifier: MIT */
/*
 * POSIX <unistd.h>: the environment, sleeping, the process id and _exit
 * (libc/unistd.c); file descriptors (libc/fd.c) and paths (libc/path.c).
 *
 * A file descriptor is a handle to an open file of some server, spoken to
 * with the I/O protocol (include/proto/io.h). Descriptors 0, 1 and 2 are
 * the start handles PROTO_HANDLE_STDIN, _STDOUT and _STDERR when the
 * program got them (include/proto/handles.h); a program started without a
 * standard output or error (by init in a test boot, or before the console
 * runs) writes those to the kernel console (debug_write) instead. Every
 * call here returns -1 and sets errno on failure, as POSIX has it.
 */
#ifndef CAIRN_LIBC_UNISTD_H
#define CAIRN_LIBC_UNISTD_H

/* The environment: "NAME=value" strings ending with a NULL, the one the
 * program was started with (libc/start.c). */
extern char **environ;

#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* The most descriptors a process has open at once. */
#define OPEN_MAX 64

ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
off_t lseek(int fd, off_t offset, int whence);
int close(int fd);
int dup(int fd);
int dup2(int fd, int to);
int pipe(int fds[2]);
int isatty(int fd);
int ftruncate(int fd, off_t length);
int fsync(int fd);
int fdatasync(int fd);
void sync(void);

/* The working directory: kept by libc as an absolute path, taken from
 * PWD in the environment at start ("/" without one). */
char *getcwd(char *buf, size_t size);
int chdir(const char *path);
int unlink(const char *path);
int rmdir(const char *path);
int truncate(const char *path, off_t length);

/* Sleep on the monotonic clock. A signal whose handler runs meanwhile
 * (from another process, or a kill of this one) cuts the sleep short:
 * sleep returns the seconds left (rounded up), usleep -1 with EINTR;
 * otherwise 0 (usleep: -1 and EINVAL for a negative time). */
unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
/* Waits until a signal's handler has run; then -1 with EINTR. */
int pause(void);
/* This process's pid: the process server's number for it when proc
 * started it (CAIRN_AT_PID, include/proto/handles.h), else the kernel's
 * id (process_info). */
pid_t getpid(void);
/* Process groups, through the process server (libc/process.c). */
int setpgid(pid_t pid, pid_t pgid);

/* Fills buf with len (at most 256) bytes from the system's entropy
 * server, `rng` in the registry (drivers/rng, libc/random.c): 0, or -1
 * with EINVAL (len over 256), EPERM (this program may not look up `rng`),
 * ENOENT (it has no registry), or the server's error. POSIX 2024. */
int getentropy(void *buf, size_t len);

/* End the process at once, without the atexit functions. */
_Noreturn void _exit(int status);

#endif
