// SPDX-License-Identifier: MIT
/*
 * The answers every character device gives alike (chardev.h).
 */
#include <stdint.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/io.h>

#include "chardev.h"

int
chardev_refuse_malformed(long err, struct cairn_msg *msg, const struct cairn_msg_ext *ext)
{
    static const uint64_t refused[CAIRN_MSG_WORDS] = {(uint64_t)-CAIRN_EINVAL};

    if (err != CAIRN_MSG_TRUNCATED && ext->recv_nhandles == 0)
        return 0;
    for (uint32_t i = 0; i < ext->recv_nhandles; i++)
        cairn_handle_close(ext->recv_handles[i]);
    (void)chardev_reply(msg, refused, NULL, 0); /* a caller gone meanwhile: nothing to undo */
    return 1;
}

long
chardev_publish(long ep, const char *name)
{
    long client =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    long err;

    if (client < 0)
        return client;
    err = cairn_registry_register(name, client);
    cairn_handle_close(client);
    return err;
}

long
chardev_default(uint64_t op)
{
    switch (op) {
    case PROTO_IO_SEEK:
        return -CAIRN_ESPIPE;
    case PROTO_IO_DUP:
    case PROTO_IO_CLOSE:
        return 0;
    case PROTO_IO_TTY_GET:
    case PROTO_IO_TTY_SET:
    case PROTO_IO_TTY_SETPGRP:
        return -CAIRN_ENOTTY;
    default:
        return -CAIRN_ENOSYS;
    }
}

void
chardev_stat(struct proto_stat *st, uint32_t perm, uint32_t blksize)
{
    memset(st, 0, sizeof(*st));
    st->mode = PROTO_S_IFCHR | perm;
    st->nlink = 1;
    st->blksize = blksize;
}

long
chardev_reply(struct cairn_msg *msg, const uint64_t w[CAIRN_MSG_WORDS], const void *data,
              uint32_t len)
{
    struct cairn_msg_ext out;
    long err;

    memset(&out, 0, sizeof(out));
    out.send_buf = (uint64_t)(uintptr_t)data;
    out.send_len = len;
    memmove(msg->w, w, sizeof(msg->w));
    msg->ext = &out;
    err = cairn_ipc_reply(msg);
    msg->ext = NULL; /* out ends here */
    return err;
}
