/* SPDX-License-Identifier: MIT */
/*
 * POSIX <termios.h>, as far as Cairn has it: the window size
 * (tcgetwinsize, POSIX 2024; libc/fd.c). A terminal's line modes are the
 * console's own requests (PROTO_IO_TTY_SET, include/proto/io.h).
 */
#ifndef CAIRN_LIBC_TERMIOS_H
#define CAIRN_LIBC_TERMIOS_H

struct winsize {
    unsigned short ws_row;    /* rows of characters */
    unsigned short ws_col;    /* columns */
    unsigned short ws_xpixel; /* 0: not told */
    unsigned short ws_ypixel;
};

/*
 * The size of the terminal open on fd: the console's window, which is
 * the framebuffer's grid when it draws on one and 24 x 80 on a serial
 * line alone (a serial line has no size). The kernel console (a program
 * without a standard output) says 24 x 80 too. 0, or -1 with errno:
 * EBADF (fd not open), ENOTTY (not a terminal), EFAULT (ws NULL), EIO
 * (the terminal's server gave a size that does not fit or is gone).
 */
int tcgetwinsize(int fd, struct winsize *ws);

#endif
