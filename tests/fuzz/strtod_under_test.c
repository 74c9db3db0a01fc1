// SPDX-License-Identifier: MIT
/*
 * libc's strtod family for fuzz_strtod.c, built against Cairn's headers
 * with its public names renamed to cl_* (tests/host/libc_prefix.h), as the
 * host test's stdio_under_test.c is.
 */
#include "../../libc/ctype.c"
#include "../../libc/strtod.c"
