// SPDX-License-Identifier: MIT
/*
 * session: drive a Cairn boot from the host the way a person at the serial
 * console would, for the session tests (docs/testing.md).
 *
 *     session [--monitor PATH] SCRIPT LOG -- COMMAND ARGS...
 *
 * runs COMMAND (tools/qemu.sh session ..., whose serial port is its
 * standard input and output, and whose QEMU monitor is the unix socket
 * PATH with its --monitor PATH), logs everything the machine writes to
 * LOG, and follows SCRIPT, one step a line:
 *
 *     expect TEXT     wait until TEXT appears in the output after the
 *                     point the last expect matched
 *     send TEXT       type TEXT and a carriage return, as the Enter key does
 *     sendraw TEXT    type TEXT with C-style escapes (\n \r \t \\ \xNN)
 *     timeout SECONDS the limit of each later expect (default 120)
 *     sleep SECONDS   let the machine run (its output is still read)
 *     monitor COMMAND send COMMAND to the QEMU monitor (--monitor) and
 *                     wait for its prompt: `monitor sendkey shift-a`
 *                     types on the machine's keyboard
 *     screendump FILE write the screen to FILE (a PPM) through the
 *                     monitor; fails unless it is a P6 PPM
 *     screendiffer A B fail unless the screens of two dumps differ
 *     screenlit FILE Y H fail unless pixel lines Y..Y+H-1 of the dump
 *                     FILE hold a pixel that is not black
 *     until TEXT      repeat the step before, once a second, until TEXT
 *                     appears after the last match (within the timeout)
 *     ends STATUS     wait (within the timeout) for COMMAND to end by
 *                     itself, and fail unless its exit status is STATUS:
 *                     `ends 0` after `send poweroff` (QEMU ends with 0
 *                     on an ACPI power-off)
 *     args WORDS      words added to COMMAND's arguments, blank-separated
 *                     (`args --machine pc`); only at the script's top,
 *                     before any other step, since COMMAND starts first
 *     # ...           a comment; blank lines are skipped
 *
 * Exit status: 0 when the script ran to its end (COMMAND is then ended),
 * 1 when an expect timed out or COMMAND ended first, or ended with
 * another status than `ends` wants, or not in time (the step and the
 * output's tail are printed), 2 for a bad script or arguments. Pure POSIX,
 * built for the host by the Makefile (build/tools/session).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (4 << 20) /* the output kept for matching */

static char output[OUTPUT_MAX];
static size_t output_len, matched; /* matching starts at matched */
static FILE *log_file;
static pid_t child;
static int to_child, from_child;
static const char *monitor_path;
static int monitor_fd = -1;

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

/* How COMMAND ended, once its output closed, for the message: the emulator
 * dying of a signal is not the guest powering off. Waits up to 2 s. */
static const char *
how_child_ended(void)
{
    static char how[64];
    int status;

    for (int i = 0; i < 40 && child > 0; i++) {
        if (waitpid(child, &status, WNOHANG) == child) {
            child = 0;
            if (WIFSIGNALED(status))
                snprintf(how, sizeof(how), " (it was killed by signal %d)", WTERMSIG(status));
            else
                snprintf(how, sizeof(how), " (it exited with status %d)", WEXITSTATUS(status));
            return how;
        }
        usleep(50000);
    }
    return "";
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
            fprintf(stderr, "session: line %u: the machine ended before \"%s\"%s\n", line, text,
                    how_child_ended());
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

/* Reads the monitor's answer up to its prompt "(qemu) " within limit
 * seconds (the machine's output is read meanwhile); 0 or -1. */
static int
monitor_prompt(double limit)
{
    char answer[8192];
    size_t len = 0;
    double end = now() + limit;

    while (now() < end) {
        struct pollfd p = {monitor_fd, POLLIN, 0};
        ssize_t n;

        pump(0);
        if (poll(&p, 1, 50) <= 0)
            continue;
        n = read(monitor_fd, answer + len, sizeof(answer) - 1 - len);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        answer[len] = '\0';
        if (strstr(answer, "(qemu) "))
            return 0;
        if (len > sizeof(answer) / 2) { /* keep the tail, where the prompt comes */
            memmove(answer, answer + len - 16, 16);
            len = 16;
        }
    }
    return -1;
}

/* Sends one command line to the monitor (connecting on first use: QEMU
 * makes the socket as it starts) and waits for its prompt. */
static int
monitor_send(const char *command, unsigned line)
{
    size_t len = strlen(command);

    if (!monitor_path) {
        fprintf(stderr, "session: line %u: a monitor step without --monitor\n", line);
        return -1;
    }
    if (monitor_fd < 0) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        double end = now() + 30;

        if (strlen(monitor_path) >= sizeof(addr.sun_path))
            return -1;
        strcpy(addr.sun_path, monitor_path);
        for (;;) {
            monitor_fd = socket(AF_UNIX, SOCK_STREAM, 0);
            if (monitor_fd >= 0 && connect(monitor_fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
                break;
            if (monitor_fd >= 0)
                close(monitor_fd);
            monitor_fd = -1;
            if (now() >= end) {
                fprintf(stderr, "session: line %u: no monitor at %s\n", line, monitor_path);
                return -1;
            }
            pump(0.1);
        }
        if (monitor_prompt(30) < 0) {
            fprintf(stderr, "session: line %u: the monitor did not greet\n", line);
            return -1;
        }
    }
    if (write(monitor_fd, command, len) != (ssize_t)len || write(monitor_fd, "\n", 1) != 1 ||
        monitor_prompt(30) < 0) {
        fprintf(stderr, "session: line %u: the monitor did not take \"%s\"\n", line, command);
        return -1;
    }
    return 0;
}

/* A PPM dump (P6, maxval 255): its size and pixels. */
struct ppm {
    unsigned width, height;
    unsigned char *rgb; /* width * height * 3 bytes */
};

static int
ppm_read(const char *path, struct ppm *p)
{
    FILE *f = fopen(path, "rb");
    unsigned maxval;
    size_t n;
    int ok;

    p->rgb = NULL;
    if (!f)
        return -1;
    ok = fscanf(f, "P6 %u %u %u", &p->width, &p->height, &maxval) == 3 && maxval == 255 &&
         fgetc(f) != EOF && p->width && p->height && p->width <= 16384 && p->height <= 16384;
    if (ok) {
        n = (size_t)p->width * p->height * 3;
        p->rgb = malloc(n);
        ok = p->rgb && fread(p->rgb, 1, n, f) == n;
    }
    fclose(f);
    if (!ok) {
        free(p->rgb);
        p->rgb = NULL;
        return -1;
    }
    return 0;
}

/* The screen steps: screendump, screendiffer, screenlit. 0, 1 (failed) or 2 (bad step). */
static int
screen_step(const char *step, const char *arg, unsigned line)
{
    char a[1024], b[1024], command[1100];
    struct ppm x, y;
    unsigned top, height;
    int ret = 1;

    if (strcmp(step, "screendump") == 0) {
        unlink(arg);
        snprintf(command, sizeof(command), "screendump %s", arg);
        if (monitor_send(command, line) < 0)
            return 1;
        if (ppm_read(arg, &x) < 0) {
            fprintf(stderr, "session: line %u: %s is no PPM screen dump\n", line, arg);
            return 1;
        }
        free(x.rgb);
        return 0;
    }
    if (strcmp(step, "screendiffer") == 0) {
        if (sscanf(arg, "%1023s %1023s", a, b) != 2)
            return 2;
        if (ppm_read(a, &x) < 0 || ppm_read(b, &y) < 0) {
            fprintf(stderr, "session: line %u: cannot read %s and %s\n", line, a, b);
            return 1;
        }
        if (x.width != y.width || x.height != y.height ||
            memcmp(x.rgb, y.rgb, (size_t)x.width * x.height * 3) != 0)
            ret = 0;
        else
            fprintf(stderr, "session: line %u: the screens of %s and %s are the same\n", line, a,
                    b);
        free(x.rgb);
        free(y.rgb);
        return ret;
    }
    /* screenlit FILE Y H */
    if (sscanf(arg, "%1023s %u %u", a, &top, &height) != 3 || height == 0)
        return 2;
    if (ppm_read(a, &x) < 0) {
        fprintf(stderr, "session: line %u: cannot read %s\n", line, a);
        return 1;
    }
    for (size_t i = (size_t)top * x.width * 3;
         i < (size_t)(top + height) * x.width * 3 && i < (size_t)x.width * x.height * 3; i++) {
        if (x.rgb[i]) {
            ret = 0;
            break;
        }
    }
    if (ret)
        fprintf(stderr, "session: line %u: lines %u..%u of %s are all black\n", line, top,
                top + height - 1, a);
    free(x.rgb);
    return ret;
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

/* `ends STATUS`: COMMAND's end within limit seconds, with that status. */
static int
expect_end(const char *arg, double limit, unsigned number)
{
    double end = now() + limit;
    char *rest;
    long want = strtol(arg, &rest, 10);
    int status;

    if (rest == arg || *rest != '\0') {
        fprintf(stderr, "session: line %u: a bad ends step\n", number);
        return 2;
    }
    while (pump(0.2) == 0) {
        if (now() >= end)
            goto late;
    }
    /* The output closed; the process ends just after. */
    for (;;) {
        pid_t r = waitpid(child, &status, WNOHANG);

        if (r == child)
            break;
        if (r < 0 || now() >= end)
            goto late;
        usleep(50000);
    }
    child = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
        fprintf(stderr, "session: line %u: the machine ended with %s %d, not status %ld\n", number,
                WIFEXITED(status) ? "status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), want);
        show_tail();
        return 1;
    }
    return 0;
late:
    fprintf(stderr, "session: line %u: the machine did not end within %.0f s\n", number, limit);
    show_tail();
    return 1;
}

/* One step (not `until`): 0, 1 (it failed) or 2 (a bad step). line is
 * changed in place. */
static int
run_step(char *line, unsigned number, double *limit)
{
    static char raw[4096];
    char *arg = strchr(line, ' ');

    arg = arg ? arg + 1 : line + strlen(line);
    if (strncmp(line, "expect ", 7) == 0) {
        if (expect(arg, *limit, number) < 0)
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
    } else if (strncmp(line, "monitor ", 8) == 0) {
        if (monitor_send(arg, number) < 0)
            return 1;
    } else if (strncmp(line, "screendump ", 11) == 0 || strncmp(line, "screendiffer ", 13) == 0 ||
               strncmp(line, "screenlit ", 10) == 0) {
        int r;

        arg[-1] = '\0';
        r = screen_step(line, arg, number);
        if (r == 2)
            fprintf(stderr, "session: line %u: a bad %s step\n", number, line);
        return r;
    } else if (strncmp(line, "ends ", 5) == 0) {
        return expect_end(arg, *limit, number);
    } else if (strncmp(line, "args ", 5) == 0) {
        fprintf(stderr, "session: line %u: args after another step\n", number);
        return 2;
    } else if (strncmp(line, "timeout ", 8) == 0) {
        *limit = atof(arg);
        if (*limit <= 0) {
            fprintf(stderr, "session: line %u: a bad timeout\n", number);
            return 2;
        }
    } else {
        fprintf(stderr, "session: line %u: unknown step \"%s\"\n", number, line);
        return 2;
    }
    return 0;
}

/* `until TEXT`: the step before it again, once a second, until TEXT comes
 * (for a device that is ready only some time after the boot: the keyboard
 * drops keys until its driver has set it up). */
static int
run_until(const char *text, const char *step, unsigned number, double limit)
{
    double end = now() + limit;
    char copy[4096];

    if (!step[0]) {
        fprintf(stderr, "session: line %u: until with no step before it\n", number);
        return 2;
    }
    for (;;) {
        double again = now() + 1;

        while (now() < again) {
            const char *at = find(text);

            if (at) {
                matched = (size_t)(at - output) + strlen(text);
                return 0;
            }
            if (pump(0.1) < 0) {
                fprintf(stderr, "session: line %u: the machine ended before \"%s\"\n", number,
                        text);
                show_tail();
                return 1;
            }
        }
        if (now() >= end) {
            fprintf(stderr, "session: line %u: \"%s\" did not come within %.0f s\n", number, text,
                    limit);
            show_tail();
            return 1;
        }
        snprintf(copy, sizeof(copy), "%s", step);
        if (run_step(copy, number, &limit) != 0)
            return 1;
    }
}

static int
run_script(FILE *script)
{
    char line[4096], prev[4096] = "";
    double limit = 120;
    unsigned number = 0;
    int top = 1; /* no step yet: `args` lines are allowed (taken by main) */

    while (fgets(line, sizeof(line), script)) {
        size_t len = strlen(line);
        int r;

        number++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (top && strncmp(line, "args ", 5) == 0)
            continue;
        top = 0;
        if (strncmp(line, "until ", 6) == 0) {
            r = run_until(line + 6, prev, number, limit);
        } else {
            snprintf(prev, sizeof(prev), "%s", line);
            r = run_step(line, number, &limit);
        }
        if (r)
            return r;
    }
    return 0;
}

/* COMMAND and the words of the script's leading `args` lines, in a new
 * argument vector; NULL if there are too many. */
static char **
command_with_args(FILE *script, char **command)
{
    static char *argv[256];
    static char words[8192];
    char line[4096];
    size_t n = 0, used = 0;

    for (; command[n] && n < 128; n++)
        argv[n] = command[n];
    while (fgets(line, sizeof(line), script)) {
        char *w, *save;

        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (strncmp(line, "args ", 5) != 0)
            break;
        for (w = strtok_r(line + 5, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
            size_t len = strlen(w) + 1;

            if (n + 1 >= sizeof(argv) / sizeof(argv[0]) || used + len > sizeof(words))
                return NULL;
            argv[n++] = memcpy(words + used, w, len);
            used += len;
        }
    }
    argv[n] = NULL;
    rewind(script);
    return argv;
}

int
main(int argc, char **argv)
{
    int in[2], out[2], ret;
    FILE *script;
    char **command;

    if (argc > 2 && strcmp(argv[1], "--monitor") == 0) {
        monitor_path = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: session [--monitor PATH] SCRIPT LOG -- COMMAND ARGS...\n");
        return 2;
    }
    script = fopen(argv[1], "r");
    log_file = fopen(argv[2], "w");
    if (!script || !log_file || pipe(in) < 0 || pipe(out) < 0) {
        fprintf(stderr, "session: %s\n", strerror(errno));
        return 2;
    }
    command = command_with_args(script, argv + 4);
    if (!command) {
        fprintf(stderr, "session: too many args words\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    child = fork();
    if (child == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp(command[0], command);
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
