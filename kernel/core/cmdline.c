// SPDX-License-Identifier: MIT
/* Kernel command line parsing; see cmdline.h. */
#include "core/cmdline.h"
#include "common/string.h"

static char kernel_cmdline[256];

bool
cmdline_find(const char *cmdline, const char *key, char *val, size_t val_size)
{
    size_t key_len = strlen(key);
    bool found = false;
    const char *p = cmdline;

    if (key_len == 0)
        return false;
    while (*p) {
        const char *word, *end;

        while (*p == ' ' || *p == '\t')
            p++;
        word = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        end = p;
        if ((size_t)(end - word) < key_len || strncmp(word, key, key_len) != 0)
            continue;
        if (word + key_len != end && word[key_len] != '=')
            continue; /* a longer key that merely starts with ours */
        found = true;
        if (val && val_size) {
            const char *v = word + key_len == end ? end : word + key_len + 1;
            size_t n = (size_t)(end - v);
            if (n >= val_size)
                n = val_size - 1;
            memcpy(val, v, n);
            val[n] = '\0';
        }
    }
    return found;
}

void
cmdline_set(const char *cmdline)
{
    strlcpy(kernel_cmdline, cmdline, sizeof(kernel_cmdline));
}

const char *
cmdline_get(void)
{
    return kernel_cmdline;
}

bool
cmdline_has(const char *key)
{
    return cmdline_find(kernel_cmdline, key, NULL, 0);
}

bool
cmdline_value(const char *key, char *val, size_t val_size)
{
    return cmdline_find(kernel_cmdline, key, val, val_size);
}
