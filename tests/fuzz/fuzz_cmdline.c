// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the kernel command line (kernel/core/cmdline.c).
 *
 * The command line comes from the boot loader (the Multiboot2 tag), so it is
 * any string of up to 255 bytes. The input is: one byte for the size of the
 * value buffer, one for the key's length (mod 16), the key, then the command
 * line. Strings and the value buffer are exactly-sized heap blocks, so a
 * read past a string's NUL or a write past val_size is an ASan report.
 *
 * cmdline_find() is checked against a plain reference of what cmdline.h
 * says: words are split at spaces and tabs; a word matches the key when it
 * is the key or the key followed by '='; the last match wins; its value is
 * what follows the '=' (empty for a bare key), truncated to val_size - 1
 * bytes and NUL-terminated; an empty key matches nothing. The kernel's own
 * copy (cmdline_set, cmdline_has, cmdline_value) must agree with the same
 * reference over the first 255 bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "fuzz.h"

#define KERNEL_CMDLINE_MAX 255 /* cmdline_set keeps this many bytes */

/* The reference: true if key is present, with the last match's value in [*v, *v + *vlen). */
static bool
ref_find(const char *cmd, const char *key, const char **v, size_t *vlen)
{
    size_t klen = strlen(key), i = 0;
    bool found = false;

    if (klen == 0)
        return false;
    while (cmd[i] != '\0') {
        size_t start, len;

        if (cmd[i] == ' ' || cmd[i] == '\t') {
            i++;
            continue;
        }
        start = i;
        while (cmd[i] != '\0' && cmd[i] != ' ' && cmd[i] != '\t')
            i++;
        len = i - start;
        if (len < klen || memcmp(cmd + start, key, klen) != 0)
            continue;
        if (len == klen) {
            found = true;
            *v = cmd + i;
            *vlen = 0;
        } else if (cmd[start + klen] == '=') {
            found = true;
            *v = cmd + start + klen + 1;
            *vlen = len - klen - 1;
        }
    }
    return found;
}

/* Runs find (cmdline_find on cmd, or the kernel copy's cmdline_value) and checks it. */
static void
check_find(const char *cmd, const char *key, size_t val_size, bool kernel_copy)
{
    const char *v = NULL;
    size_t vlen = 0;
    bool want = ref_find(cmd, key, &v, &vlen);
    char *val = val_size ? malloc(val_size) : NULL;
    bool got;

    if (val != NULL)
        memset(val, 'x', val_size);
    got = kernel_copy ? cmdline_value(key, val, val_size) : cmdline_find(cmd, key, val, val_size);
    FUZZ_CHECK(got == want);
    if (got && val != NULL) {
        size_t n = vlen < val_size - 1 ? vlen : val_size - 1;

        FUZZ_CHECK(memcmp(val, v, n) == 0);
        FUZZ_CHECK(val[n] == '\0');
    }
    free(val);
    FUZZ_CHECK((kernel_copy ? cmdline_has(key) : cmdline_find(cmd, key, NULL, 0)) == want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t val_size, klen, clen;
    char *key, *cmd;

    if (size < 2)
        return 0;
    val_size = data[0];
    klen = data[1] % 16u;
    if (klen > size - 2)
        klen = size - 2;
    clen = size - 2 - klen;
    key = malloc(klen + 1);
    cmd = malloc(clen + 1);
    FUZZ_CHECK(key != NULL && cmd != NULL);
    memcpy(key, data + 2, klen);
    key[klen] = '\0';
    memcpy(cmd, data + 2 + klen, clen);
    cmd[clen] = '\0';

    check_find(cmd, key, val_size, false);

    cmdline_set(cmd);
    FUZZ_CHECK(strlen(cmdline_get()) ==
               (strlen(cmd) < KERNEL_CMDLINE_MAX ? strlen(cmd) : KERNEL_CMDLINE_MAX));
    FUZZ_CHECK(strncmp(cmdline_get(), cmd, KERNEL_CMDLINE_MAX) == 0);
    if (strlen(cmd) > KERNEL_CMDLINE_MAX)
        cmd[KERNEL_CMDLINE_MAX] = '\0';
    check_find(cmd, key, val_size, true);

    free(key);
    free(cmd);
    return 0;
}
