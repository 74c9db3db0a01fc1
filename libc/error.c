// SPDX-License-Identifier: MIT
/*
 * Messages and names for the CAIRN_E* codes, both generated from
 * CAIRN_ERROR_TABLE so that a new code needs no edit here. The codes are
 * small and dense, so they index the arrays directly.
 */
#include <cairn/sys.h>

#define ERROR_MESSAGE(name, value, message) [value] = message,
#define ERROR_NAME(name, value, message)    [value] = #name,

static const char *const error_messages[] = {CAIRN_ERROR_TABLE(ERROR_MESSAGE)};
static const char *const error_names[] = {CAIRN_ERROR_TABLE(ERROR_NAME)};

/* Codes arrive negated from syscalls and positive from the enum: accept both. */
static const char *
error_lookup(const char *const *table, size_t count, int err)
{
    unsigned code = err < 0 ? -(unsigned)err : (unsigned)err;

    if (code >= count || !table[code])
        return NULL;
    return table[code];
}

const char *
cairn_strerror(int err)
{
    const char *s =
        error_lookup(error_messages, sizeof(error_messages) / sizeof(error_messages[0]), err);

    return s ? s : "unknown error";
}

const char *
cairn_error_name(int err)
{
    const char *s = error_lookup(error_names, sizeof(error_names) / sizeof(error_names[0]), err);

    return s ? s : "?";
}
