// SPDX-License-Identifier: MIT
/*
 * The endpoint call: a new endpoint, with every right its creator needs
 * to receive on it and hand it out. Messages are sys_ipc.c.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "obj/endpoint.h"
#include "obj/process.h"
#include "sys/syscall.h"

#define ENDPOINT_CREATOR_RIGHTS \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

int64_t
sys_endpoint_create(void)
{
    struct endpoint *ep = endpoint_create();

    if (!ep)
        return -CAIRN_ENOMEM;
    return syscall_give_handle(&ep->obj, sizeof(*ep), ENDPOINT_CREATOR_RIGHTS);
}
