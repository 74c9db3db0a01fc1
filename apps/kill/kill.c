/* SPDX-License-Identifier: MIT */
/*
 * kill: sends a signal (SIGTERM unless one is named) to each pid, or to a
 * process group for a negative pid (after `--`). The signal is named by
 * number or by name, with or without SIG, in any case: -SIGNAL, -N or
 * -s SIGNAL; -l lists the names. A pid that cannot be signalled is
 * reported and the rest still are; the status is then 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <util/util.h>

static const char kill_usage[] = "Usage: kill [-s SIGNAL | -SIGNAL | -N] PID...\n"
                                 "       kill -l\n"
                                 "Send a signal (TERM by default) to processes; a negative PID, "
                                 "after --,\nnames a process group.\n"
                                 "  -s SIGNAL  the signal, by name or number\n"
                                 "  -l         list the signal names\n";

static const struct {
    const char *name;
    int number;
} kill_signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
};
#define KILL_NSIGNALS (sizeof(kill_signals) / sizeof(kill_signals[0]))

/* The signal named by s (a number 0..64 or a name), or -1. */
static int
kill_signal(const char *s)
{
    uint64_t n;

    if (util_parse_u64(s, &n))
        return n <= 64 ? (int)n : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < KILL_NSIGNALS; i++) {
        if (strcasecmp(s, kill_signals[i].name) == 0)
            return kill_signals[i].number;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    int sig = SIGTERM, status = 0, i = 1;

    util_init("kill", kill_usage);
    if (i < argc && strcmp(argv[i], "--help") == 0) {
        util_outs(kill_usage);
        util_exit(0);
    }
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        for (size_t k = 0; k < KILL_NSIGNALS; k++)
            util_printf("%2d %s\n", kill_signals[k].number, kill_signals[k].name);
        util_exit(0);
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc)
            util_usage_error(1, "option '-s' needs an argument");
        sig = kill_signal(argv[i + 1]);
        if (sig < 0)
            util_usage_error(1, "unknown signal '%s'", argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
        sig = kill_signal(argv[i] + 1);
        if (sig < 0)
            util_usage_error(1, "unknown signal '%s'", argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc)
        util_usage_error(1, "no process given");
    for (; i < argc; i++) {
        const char *s = argv[i];
        int negative = s[0] == '-';
        uint64_t pid;

        if (!util_parse_u64(s + negative, &pid) || pid > INT32_MAX) {
            status |= util_fail("invalid process id '%s'", s);
            continue;
        }
        if (kill(negative ? -(pid_t)pid : (pid_t)pid, sig) < 0)
            status |= util_error(s, errno);
    }
    util_exit(status);
}
