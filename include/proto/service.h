/* SPDX-License-Identifier: MIT */
/*
 * The services init runs, seen from outside (servers/init, docs/init.md):
 * which there are, whether each runs, how often it ended; and ending one,
 * which init then restarts as its manifest entry says. init answers this
 * itself: looking up the registry name `services` gives a handle to it,
 * so only whoever the manifest lets look `services` up may use it (the
 * [programs] section, for a person at the shell: the `svc` utility).
 * (Message shape: include/proto/io.h.)
 */
#ifndef CAIRN_PROTO_SERVICE_H
#define CAIRN_PROTO_SERVICE_H

#include <stdint.h>

/* The registry name init answers for itself; no service may register it. */
#define PROTO_SVC_NAME "services"

/*
 * PROTO_SVC_LIST: w[1] an index, 0 for the first service. Reply: w[0] 1
 * and a struct proto_svc_info in the buffer, or w[0] 0 past the last.
 */
#define PROTO_SVC_LIST 0xa01u
/*
 * PROTO_SVC_KILL: the service's name in the buffer. Its process is ended
 * (as process_kill ends it); init takes the end as any other and restarts
 * the service if its restart policy says so. Reply: 0; -CAIRN_ENOENT (no
 * service of that name), -CAIRN_ESRCH (it is not running).
 */
#define PROTO_SVC_KILL 0xa02u

#define PROTO_SVC_STOPPED  0 /* ended, and not to be started again */
#define PROTO_SVC_RUNNING  1
#define PROTO_SVC_STARTING 2 /* ended, and due to start again (restart_in_ns) */

struct proto_svc_info {
    char name[32];          /* 0-terminated */
    uint32_t state;         /* PROTO_SVC_* */
    uint32_t ends;          /* how often it has ended since boot */
    int64_t last_status;    /* its last end's status (valid once ends > 0) */
    uint64_t started_ns;    /* the monotonic clock when it last started */
    uint64_t restart_in_ns; /* STARTING: how long until it starts again */
    uint32_t pid;           /* RUNNING: the kernel's id of its process */
    uint32_t reserved;      /* 0 */
};
_Static_assert(sizeof(struct proto_svc_info) == 72, "proto_svc_info is ABI");

#endif
