/* SPDX-License-Identifier: MIT */
#ifndef CAIRN_TESTS_HOST_LOG_STUB_H
#define CAIRN_TESTS_HOST_LOG_STUB_H

#include "lib/log.h"

/* Messages logged per level since the last reset; index with enum log_level. */
extern unsigned log_stub_count[4];
/* kbug reports since the last reset (the kernel would have panicked). */
extern unsigned log_stub_bugs;
void log_stub_reset(void);

#endif
