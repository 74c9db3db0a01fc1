// SPDX-License-Identifier: MIT
/* <unistd.h>'s sleeping, process id and _exit over system calls. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>

#define NS_PER_US 1000ull
#define NS_PER_S  1000000000ull

unsigned
sleep(unsigned seconds)
{
    cairn_thread_sleep(seconds * NS_PER_S);
    return 0;
}

int
usleep(useconds_t usec)
{
    if (usec < 0) {
        errno = EINVAL;
        return -1;
    }
    cairn_thread_sleep((uint64_t)usec * NS_PER_US);
    return 0;
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
