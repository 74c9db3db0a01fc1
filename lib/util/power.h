/* SPDX-License-Identifier: MIT */
/*
 * What poweroff and reboot share: one request to the power server
 * (include/proto/power.h, docs/power.md), which answers only when it
 * failed, with its reason.
 */
#ifndef CAIRN_LIB_UTIL_POWER_H
#define CAIRN_LIB_UTIL_POWER_H

#include <stdint.h>

/*
 * Sends op (PROTO_POWER_OFF or _REBOOT) and, since it came back, says
 * `NAME: cannot <doing>: <reason> (<error>)` and exits 1. Time limits on
 * the lookup and on the call keep a missing or stuck server from making
 * the utility hang.
 */
_Noreturn void util_power_request(uint64_t op, const char *doing);

#endif
