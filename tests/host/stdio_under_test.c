// SPDX-License-Identifier: MIT
/*
 * The parts of Cairn's C library that test_stdio.c compares with the
 * host's (the text to number conversions of strtod.c), in one translation
 * unit built against Cairn's own headers with every public name renamed
 * by libc_prefix.h, as libc_under_test.c is for test_libc.c. See
 * test_stdio.mk for how it is compiled.
 */
#include "../../libc/ctype.c"
#include "../../libc/strtod.c"
