// SPDX-License-Identifier: MIT
/*
 * The registry's table (registry.h): a name lookup is a scan of at most
 * REGISTRY_ENTRIES_MAX short strings, done a few times per service start,
 * so a plain array beats anything cleverer in size and in obviousness.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>

#include "registry.h"

void
registry_init(struct registry *r, const struct manifest *m)
{
    memset(r, 0, sizeof(*r));
    r->manifest = m;
}

/* A name as the manifest allows it: a lower-case letter, then lower-case
 * letters, digits, '-' and '_', at most PROTO_REG_NAME_MAX bytes. */
static int
registry_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > PROTO_REG_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    for (size_t i = 1; i < len; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int
registry_is(const char *stored, const char *name, size_t len)
{
    return strlen(stored) == len && memcmp(stored, name, len) == 0;
}

/* Is name among the n names of list? */
static int
registry_listed(const char (*list)[MANIFEST_NAME_MAX + 1], uint32_t n, const char *name, size_t len)
{
    for (uint32_t i = 0; i < n; i++) {
        if (registry_is(list[i], name, len))
            return 1;
    }
    return 0;
}

static const struct manifest_service *
registry_service(const struct registry *r, uint32_t client)
{
    if (r->manifest && client == MANIFEST_CLIENT_PROGRAMS && r->manifest->programs.line != 0)
        return &r->manifest->programs;
    return r->manifest && client < r->manifest->count ? &r->manifest->service[client] : NULL;
}

static struct registry_entry *
registry_find(struct registry *r, const char *name, size_t len)
{
    for (uint32_t i = 0; i < REGISTRY_ENTRIES_MAX; i++) {
        if (r->entry[i].name[0] && registry_is(r->entry[i].name, name, len))
            return &r->entry[i];
    }
    return NULL;
}

long
registry_register(struct registry *r, uint32_t client, const char *name, size_t len, long endpoint,
                  struct registry_effects *fx)
{
    const struct manifest_service *s = registry_service(r, client);
    struct registry_entry *e;

    fx->nanswer = 0;
    fx->endpoint = endpoint;
    fx->close = -1;
    if (!registry_name_ok(name, len))
        return -CAIRN_EINVAL;
    if (!s || !registry_listed(s->register_names, s->register_count, name, len))
        return -CAIRN_EPERM;
    /* The manifest gives each name to one service (manifest.h), so an
     * entry of this name is this service's own: a re-registration. */
    e = registry_find(r, name, len);
    if (e) {
        fx->close = e->endpoint;
        e->endpoint = endpoint;
        return 0;
    }
    for (uint32_t i = 0; i < REGISTRY_ENTRIES_MAX && !e; i++) {
        if (!r->entry[i].name[0])
            e = &r->entry[i];
    }
    if (!e)
        return -CAIRN_ENOSPC;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->endpoint = endpoint;
    e->owner = client;
    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++) {
        struct registry_waiter *w = &r->waiter[i];

        if (w->name[0] && registry_is(w->name, name, len)) {
            fx->answer[fx->nanswer++] = w->reply;
            w->name[0] = '\0';
        }
    }
    return 0;
}

long
registry_lookup(const struct registry *r, uint32_t client, const char *name, size_t len,
                uint64_t wait, long *endpoint)
{
    const struct manifest_service *s = registry_service(r, client);
    const struct registry_entry *e;

    if (!registry_name_ok(name, len))
        return -CAIRN_EINVAL;
    if (!s || !registry_listed(s->lookup_names, s->lookup_count, name, len))
        return -CAIRN_EPERM;
    e = registry_find((struct registry *)r, name, len);
    if (e) {
        *endpoint = e->endpoint;
        return 1;
    }
    return wait ? 0 : -CAIRN_ENOENT;
}

long
registry_wait(struct registry *r, uint32_t client, const char *name, size_t len, long reply,
              uint64_t deadline)
{
    /* Programs share one client number and never end as a client, so
     * theirs is a small share of the table with a bounded wait: whatever
     * they do, the services' lookups find a slot (init also cuts their
     * waits to REGISTRY_PROGRAM_WAIT_MAX). */
    if (client == MANIFEST_CLIENT_PROGRAMS) {
        uint32_t have = 0;

        for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++)
            have += r->waiter[i].name[0] && r->waiter[i].client == client;
        if (have >= REGISTRY_PROGRAM_WAITERS)
            return -CAIRN_ENOSPC;
    }
    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++) {
        struct registry_waiter *w = &r->waiter[i];

        if (!w->name[0]) {
            memcpy(w->name, name, len);
            w->name[len] = '\0';
            w->reply = reply;
            w->deadline = deadline;
            w->client = client;
            return 0;
        }
    }
    return -CAIRN_ENOSPC;
}

uint32_t
registry_expire(struct registry *r, uint64_t now, long *out, uint32_t max)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX && n < max; i++) {
        struct registry_waiter *w = &r->waiter[i];

        if (w->name[0] && w->deadline <= now) {
            out[n++] = w->reply;
            w->name[0] = '\0';
        }
    }
    return n;
}

uint64_t
registry_next_deadline(const struct registry *r)
{
    uint64_t next = UINT64_MAX;

    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++) {
        if (r->waiter[i].name[0] && r->waiter[i].deadline < next)
            next = r->waiter[i].deadline;
    }
    return next;
}

uint32_t
registry_withdraw(struct registry *r, uint32_t client, long *close, long *replies,
                  uint32_t *nreplies)
{
    uint32_t n = 0;

    *nreplies = 0;
    for (uint32_t i = 0; i < REGISTRY_ENTRIES_MAX; i++) {
        struct registry_entry *e = &r->entry[i];

        if (e->name[0] && e->owner == client && n < MANIFEST_NAMES_MAX) {
            close[n++] = e->endpoint;
            e->name[0] = '\0';
        }
    }
    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++) {
        struct registry_waiter *w = &r->waiter[i];

        if (w->name[0] && w->client == client) {
            replies[(*nreplies)++] = w->reply;
            w->name[0] = '\0';
        }
    }
    return n;
}
