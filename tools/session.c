// SPDX-License-Identifier: MIT
/*
 * session: drive a Cairn boot from the host the way a person at the serial
 * console would, for the session tests (docs/testing.md).
 *
 *     session SCRIPT LOG -- COMMAND ARGS...
 *
 * runs COMMAND (tools/qemu.sh session ..., whose serial port is its
 * standard input and output), logs everything the machine writes to LOG,
 * and follows SCRIPT, one step a line:
 *
 *     expect TEXT     wait until TEXT appears in the output after the
 *                     point the last expect matched
 *     send TEXT       type TEXT and a carriage return, as the Enter key does
 *     sendraw TEXT    type TEXT with C-style escapes (\n \r \t \\ \xNN)
 *     timeout SECONDS the limit of each later expect (default 120)
 *     sleep SECONDS   let the machine run (its output is still read)
 *     # ...           a comment; blank lines are skipped
 *
 * Exit status: 0 when the script ran to its end (COMMAND is then ended),
 * 1 when an expect timed out or COMMAND ended first (the step and the
 * output's tail are printed), 2 for a bad script or arguments. Pure POSIX,
 * built for the host by the Makefile (build/tools/session).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (4 << 20) /* the output kept for matching */

static char output[OUTPUT_MAX];
static size_t output_len, matched; /* matching starts at matched */
static FILE *log_file;
static pid_t child;
static int to_child, from_child;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads what the machine wrote within wait seconds; 0, or -1 at its end. */
static int
pump(double wait)
{
    struct pollfd p = {from_child, POLLIN, 0};
    char buf[4096];
    ssize_t n;
    int r = poll(&p, 1, (int)(wait * 1000));

    if (r <= 0)
        return 0;
    n = read(from_child, buf, sizeof(buf));
    if (n <= 0)
        return -1;
    fwrite(buf, 1, (size_t)n, log_file);
    fflush(log_file);
    if (output_len + (size_t)n > OUTPUT_MAX) {
        /* Keep the last half: a match never spans more than that. */
        size_t keep = OUTPUT_MAX / 2, drop = output_len - keep;

        memmove(output, output + drop, keep);
        output_len = keep;
        matched = matched > drop ? matched - drop : 0;
    }
    memcpy(output + output_len, buf, (size_t)n);
    output_len += (size_t)n;
    return 0;
}

static const char *
find(const char *text)
{
    size_t len = strlen(text);

    for (size_t i = matched; i + len <= output_len; i++) {
        if (memcmp(output + i, text, len) == 0)
            return output + i;
    }
    return NULL;
}

static void
show_tail(void)
{
    size_t from = output_len > 1500 ? output_len - 1500 : 0;

    fprintf(stderr, "--- the last output ---\n%.*s\n---\n", (int)(output_len - from),
            output + from);
}

static int
expect(const char *text, double limit, unsigned line)
{
    double end = now() + limit;

    for (;;) {
        const char *at = find(text);

        if (at) {
            matched = (size_t)(at - output) + strlen(text);
            return 0;
        }
        if (now() >= end) {
            fprintf(stderr, "session: line %u: \"%s\" did not come within %.0f s\n", line, text,
                    limit);
            show_tail();
            return -1;
        }
        if (pump(0.2) < 0) {
            fprintf(stderr, "session: line %u: the machine ended before \"%s\"\n", line, text);
            show_tail();
            return -1;
        }
    }
}

/* Writes the n bytes to the machine, a byte at a time with a short pause,
 * as a person types: a UART takes one byte per character time. */
static int
type(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (write(to_child, s + i, 1) != 1)
            return -1;
        pump(0.01);
    }
    return 0;
}

/* C-style escapes of s into out (at most as long); the length. */
static size_t
unescape(const char *s, char *out)
{
    size_t n = 0;

    while (*s) {
        if (*s != '\\' || !s[1]) {
            out[n++] = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            out[n++] = '\n';
            s++;
            break;
        case 'r':
            out[n++] = '\r';
            s++;
            break;
        case 't':
            out[n++] = '\t';
            s++;
            break;
        case 'x': {
            unsigned v = 0;
            int k = 0;

            s++;
            for (; k < 2 && ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')); k++, s++)
                v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
            out[n++] = (char)v;
            break;
        }
        default:
            out[n++] = *s++;
        }
    }
    return n;
}

static void
stop_child(void)
{
    int status;

    if (child <= 0)
        return;
    kill(child, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(child, &status, WNOHANG) == child)
            return;
        usleep(100000);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
}

static int
run_script(FILE *script)
{
    char line[4096], raw[4096];
    double limit = 120;
    unsigned number = 0;

    while (fgets(line, sizeof(line), script)) {
        size_t len = strlen(line);
        char *arg;

        number++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        arg = strchr(line, ' ');
        arg = arg ? arg + 1 : line + len;
        if (strncmp(line, "expect ", 7) == 0) {
            if (expect(arg, limit, number) < 0)
                return 1;
        } else if (strncmp(line, "send ", 5) == 0 || strcmp(line, "send") == 0) {
            if (type(arg, strlen(arg)) < 0 || type("\r", 1) < 0)
                return 1;
        } else if (strncmp(line, "sendraw ", 8) == 0) {
            if (type(raw, unescape(arg, raw)) < 0)
                return 1;
        } else if (strncmp(line, "sleep ", 6) == 0) {
            double end = now() + atof(arg);

            while (now() < end)
                if (pump(end - now()) < 0)
                    break;
        } else if (strncmp(line, "timeout ", 8) == 0) {
            limit = atof(arg);
            if (limit <= 0) {
                fprintf(stderr, "session: line %u: a bad timeout\n", number);
                return 2;
            }
        } else {
            fprintf(stderr, "session: line %u: unknown step \"%s\"\n", number, line);
            return 2;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    int in[2], out[2], ret;
    FILE *script;

    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: session SCRIPT LOG -- COMMAND ARGS...\n");
        return 2;
    }
    script = fopen(argv[1], "r");
    log_file = fopen(argv[2], "w");
    if (!script || !log_file || pipe(in) < 0 || pipe(out) < 0) {
        fprintf(stderr, "session: %s\n", strerror(errno));
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    child = fork();
    if (child == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_child = in[1];
    from_child = out[0];
    ret = run_script(script);
    stop_child();
    return ret;
}
