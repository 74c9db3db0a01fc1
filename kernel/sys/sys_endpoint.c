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
    int h;

    if (!ep)
        return -CAIRN_ENOMEM;
    if (process_charge(process_current(), &ep->obj, sizeof(*ep)) < 0) {
        object_unref(&ep->obj);
        return -CAIRN_ENOMEM;
    }
    h = handle_insert(&process_current()->handles, &ep->obj, ENDPOINT_CREATOR_RIGHTS);
    object_unref(&ep->obj);
    return h;
}
