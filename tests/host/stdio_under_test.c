// SPDX-License-Identifier: MIT
/*
 * The parts of Cairn's C library that test_stdio.c compares with the
 * host's: strtod's family, FILE streams, the printf family onto them and
 * scanf's, in one translation unit built against Cairn's own headers with
 * every public name renamed by libc_prefix.h, as libc_under_test.c is for
 * test_libc.c. The descriptors under the streams are the host's (read,
 * write, lseek, close, isatty); open and fcntl are the test's, which
 * translate Cairn's flags. See test_stdio.mk for how it is compiled.
 */
#include "../../common/printf.c"
#include "../../common/printf_float.c"
#include "../../libc/ctype.c"
#include "../../libc/error.c"
#include "../../libc/scanf.c"
#include "../../libc/stdio.c"
#include "../../libc/stdio_printf.c"
#include "../../libc/string.c"
#include "../../libc/strtod.c"
#include "../../libc/strtol.c"
