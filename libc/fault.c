// SPDX-License-Identifier: MIT
/*
 * The wrapper of fault_set_handler (<cairn/sys.h>; the model in
 * docs/ipc.md, "Faults", the message in <cairn/fault.h>).
 */
#include <cairn/sys.h>
#include <cairn/syscall.h>

long
cairn_fault_set_handler(long target, long endpoint)
{
    return cairn_syscall2(CAIRN_SYS_fault_set_handler, target, endpoint);
}
