// SPDX-License-Identifier: MIT
/* <unistd.h>'s sleeping, process id and _exit over system calls. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>

unsigned
sleep(unsigned seconds)
{
    struct timespec req = {(time_t)seconds, 0}, rem = {0, 0};

    /* Cut short by a handler: the seconds left, rounded up as glibc's. */
    if (nanosleep(&req, &rem) == 0)
        return 0;
    return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

int
usleep(useconds_t usec)
{
    struct timespec req;

    if (usec < 0) {
        errno = EINVAL;
        return -1;
    }
    req.tv_sec = (time_t)(usec / 1000000);
    req.tv_nsec = (long)(usec % 1000000) * 1000;
    return nanosleep(&req, NULL);
}

int
pause(void)
{
    struct timespec forever = {(time_t)INT64_MAX, 0};

    /* Returns only when a handler ran: then -1 with EINTR. */
    for (;;)
        if (nanosleep(&forever, NULL) < 0)
            return -1;
}

pid_t
getpid(void)
{
    struct cairn_process_info info;
    uint64_t pid;

    if (cairn_start_aux(CAIRN_AT_PID, &pid) == 0)
        return (pid_t)pid;
    if (cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info) < 0)
        return -1;
    return (pid_t)info.pid;
}

_Noreturn void
_exit(int status)
{
    _Exit(status);
}
