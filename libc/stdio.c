// SPDX-License-Identifier: MIT
/*
 * printf, vprintf and puts on top of the formatter that libc shares with
 * the kernel (vsnprintf, common/printf.c, which also gives libc snprintf)
 * and the debug_write system call. See <stdio.h> for the contract; the
 * only state is the caller's stack.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/sys.h>

/*
 * Writes all of [s, s + len), in pieces debug_write accepts. Returns len or
 * the first error.
 */
static int
stdio_write(const char *s, size_t len)
{
    size_t done = 0;

    while (done < len) {
        size_t n = len - done;
        long ret;

        if (n > CAIRN_DEBUG_WRITE_MAX)
            n = CAIRN_DEBUG_WRITE_MAX;
        ret = cairn_debug_write(s + done, n);
        if (ret < 0)
            return (int)ret;
        done += (size_t)ret;
    }
    return (int)len;
}

int
vprintf(const char *fmt, va_list ap)
{
    char buf[STDIO_PRINTF_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n < 0)
        return n;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    return stdio_write(buf, (size_t)n);
}

int
printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* One write when the line fits the buffer, so that it arrives whole. */
int
puts(const char *s)
{
    char buf[STDIO_PRINTF_MAX];
    size_t len = strlen(s);
    int ret;

    if (len < sizeof(buf)) {
        memcpy(buf, s, len);
        buf[len] = '\n';
        return stdio_write(buf, len + 1);
    }
    ret = stdio_write(s, len);
    if (ret < 0)
        return ret;
    ret = stdio_write("\n", 1);
    return ret < 0 ? ret : (int)len + 1;
}
