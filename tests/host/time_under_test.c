// SPDX-License-Identifier: MIT
/*
 * The calendar, time zones and strftime of Cairn's C library that test_time.c
 * compares with the host's, in one translation unit built against Cairn's
 * headers with every public name renamed by libc_prefix.h (test_time.mk).
 */
#include "../../libc/calendar.c"
#include "../../libc/strftime.c"
#include "../../libc/timezone.c"
