/* SPDX-License-Identifier: MIT */
/*
 * init's service registry as a table (include/proto/registry.h says what
 * clients see; docs/init.md how init serves it). Pure code, no system
 * calls: handles are opaque numbers the caller owns and closes, time is
 * what the caller says it is. So the same file runs in init and in a host
 * test, and every rule is tested without a machine.
 *
 * Who may do what is the manifest's (struct manifest_service's register
 * and lookup lists): a client is the index of its service in the
 * manifest, which init knows from the badge of the handle it called
 * through, or MANIFEST_CLIENT_PROGRAMS for every program started by a
 * service granted `programs` (the manifest's [programs] section).
 *
 * Invariants: a name appears in at most one entry; an entry's owner is
 * the service that registered it, alive (registry_withdraw removes every
 * entry of a service that ended); a waiter waits for a name that has no
 * entry, and is answered exactly once (by registry_register, by
 * registry_expire at its deadline, or by registry_withdraw_waiter when
 * its client ended).
 */
#ifndef CAIRN_SERVERS_INIT_REGISTRY_H
#define CAIRN_SERVERS_INIT_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <proto/registry.h>

#include "manifest.h"

/* Names at once: every service may register its MANIFEST_NAMES_MAX. */
#define REGISTRY_ENTRIES_MAX      (MANIFEST_SERVICES_MAX * MANIFEST_NAMES_MAX)
/* Lookups waiting at once: four per service is far more than any needs. */
#define REGISTRY_WAITERS_MAX      (MANIFEST_SERVICES_MAX * 4)
/* The programs' share of them (client MANIFEST_CLIENT_PROGRAMS, all the
 * programs together), and the longest a program's lookup waits (init
 * shortens longer waits): a program cannot hold the table. */
#define REGISTRY_PROGRAM_WAITERS  16
#define REGISTRY_PROGRAM_WAIT_MAX (10ull * 1000 * 1000 * 1000)

struct registry_entry {
    char name[PROTO_REG_NAME_MAX + 1]; /* "" for a free entry */
    long endpoint;                     /* the caller's handle, handed out as copies */
    uint32_t owner;                    /* the service's index */
};

struct registry_waiter {
    char name[PROTO_REG_NAME_MAX + 1]; /* "" for a free slot */
    long reply;                        /* the caller's saved reply */
    uint64_t deadline;                 /* in the caller's clock */
    uint32_t client;
};

struct registry {
    const struct manifest *manifest;
    struct registry_entry entry[REGISTRY_ENTRIES_MAX];
    struct registry_waiter waiter[REGISTRY_WAITERS_MAX];
};

/* What the caller must do after a change: answer these waiters with this
 * endpoint (a copy each), close this endpoint. */
struct registry_effects {
    long answer[REGISTRY_WAITERS_MAX]; /* reply handles to answer with endpoint */
    uint32_t nanswer;
    long endpoint; /* what to answer them with */
    long close;    /* a handle no longer held, or -1 */
};

void registry_init(struct registry *r, const struct manifest *m);

/*
 * The client's request to register name (len bytes, not NUL-terminated)
 * as endpoint. 0, and *fx says whom to answer and what to close (the
 * endpoint replaced, when the service registers the name again); or
 * -CAIRN_EINVAL (a bad name), -CAIRN_EPERM (not in the client's register
 * list), -CAIRN_ENOSPC (no entry free). On an error the registry keeps
 * nothing of the request: the caller closes endpoint.
 */
long registry_register(struct registry *r, uint32_t client, const char *name, size_t len,
                       long endpoint, struct registry_effects *fx);

/*
 * The client's lookup of name. Returns 1 with the endpoint in *endpoint
 * (the registry's; the caller sends a copy), 0 when the caller must wait
 * (it then calls registry_wait with the saved reply), or -CAIRN_EINVAL,
 * -CAIRN_EPERM (not in the client's lookup list, whether the name exists
 * or not), -CAIRN_ENOENT (not there and no wait asked for: wait is 0).
 */
long registry_lookup(const struct registry *r, uint32_t client, const char *name, size_t len,
                     uint64_t wait, long *endpoint);

/* Keeps reply waiting for name until deadline. 0, or -CAIRN_ENOSPC when
 * every slot is taken, or the programs' share when the client is
 * MANIFEST_CLIENT_PROGRAMS (the caller answers the lookup with that code).
 * name has passed registry_lookup. */
long registry_wait(struct registry *r, uint32_t client, const char *name, size_t len, long reply,
                   uint64_t deadline);

/* Takes the waiters whose deadline is at or before now into out (up to
 * max); returns how many. The caller answers them -CAIRN_ETIMEDOUT. */
uint32_t registry_expire(struct registry *r, uint64_t now, long *out, uint32_t max);

/* The earliest deadline of a waiter, or UINT64_MAX. */
uint64_t registry_next_deadline(const struct registry *r);

/*
 * The client ended: its entries go (their endpoints into close[], up to
 * MANIFEST_NAMES_MAX, for the caller to close), and its waiters (their
 * replies into replies[], up to REGISTRY_WAITERS_MAX, for the caller to
 * close). Returns the number of endpoints; *nreplies the replies.
 */
uint32_t registry_withdraw(struct registry *r, uint32_t client, long *close, long *replies,
                           uint32_t *nreplies);

#endif
