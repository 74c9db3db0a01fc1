/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated words, each `key` or
 * `key=value`, e.g. "log=debug test". The first word GRUB passes may be
 * the kernel's path; it is just a key nobody asks for.
 */
#ifndef CAIRN_CORE_CMDLINE_H
#define CAIRN_CORE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Pure lookup in a given string: true if key is present. If val is not
 * NULL it receives the value (empty for a bare key), truncated to fit
 * val_size and always NUL-terminated. The last occurrence wins. */
bool cmdline_find(const char *cmdline, const char *key, char *val, size_t val_size);

/* The kernel's own command line, kept by cmdline_set() at boot. */
void cmdline_set(const char *cmdline);
const char *cmdline_get(void);
bool cmdline_has(const char *key);
bool cmdline_value(const char *key, char *val, size_t val_size);

#endif
