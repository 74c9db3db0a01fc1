// SPDX-License-Identifier: MIT
/*
 * The parts of Cairn's C library that test_libc.c compares with the
 * host's, in one translation unit built against Cairn's own headers
 * (libc/include, not the host's) with every public name renamed by
 * libc_prefix.h. See test_libc.mk for how it is compiled.
 */
#include "../../libc/ctype.c"
#include "../../libc/error.c"
#include "../../libc/malloc.c"
#include "../../libc/qsort.c"
#include "../../libc/stdlib.c"
#include "../../libc/string.c"
#include "../../libc/strtol.c"
