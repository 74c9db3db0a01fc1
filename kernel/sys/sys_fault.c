// SPDX-License-Identifier: MIT
/*
 * The system calls of faults to a supervisor: setting the exception
 * endpoint of a process or a thread (obj/fault.h, docs/ipc.md "Faults").
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "obj/endpoint.h"
#include "obj/fault.h"
#include "obj/process.h"
#include "sys/syscall.h"

/*
 * fault_set_handler(target, endpoint): target a process or thread handle
 * with MANAGE (whoever may end or change it may watch its faults);
 * endpoint a handle with SIGNAL (a fault is a call on it, and its badge
 * is the messages'), or CAIRN_HANDLE_INVALID to remove the handler. Both
 * handles are checked before anything changes.
 */
int64_t
sys_fault_set_handler(cairn_handle_t target_handle, cairn_handle_t endpoint)
{
    struct handle_table *table = &process_current()->handles;
    struct endpoint *ep = NULL;
    struct object *target, *o;
    uint64_t badge = 0;
    uint32_t type;
    int err;

    err = handle_get(table, target_handle, CAIRN_OBJ_NONE, 0, &target, NULL);
    if (err)
        return err;
    type = target->type;
    object_unref(target);
    if (type != CAIRN_OBJ_PROCESS && type != CAIRN_OBJ_THREAD)
        return -CAIRN_EWRONGTYPE;
    err = handle_get(table, target_handle, type, CAIRN_RIGHT_MANAGE, &target, NULL);
    if (err)
        return err;
    if (endpoint != CAIRN_HANDLE_INVALID) {
        err = handle_get_badged(table, endpoint, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &o, NULL,
                                &badge);
        if (err) {
            object_unref(target);
            return err;
        }
        ep = endpoint_from(o);
    }
    if (type == CAIRN_OBJ_PROCESS)
        fault_handler_set(&process_from(target)->fault, ep, badge);
    else
        fault_handler_set(&thread_from(target)->fault, ep, badge);
    object_unref(target);
    return 0;
}
