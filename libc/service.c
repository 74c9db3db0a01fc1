// SPDX-License-Identifier: MIT
/*
 * The handles to the system's servers a program was started with (the vfs
 * and proc start handles), found again when the server behind one was
 * restarted (<cairn/registry.h>). A restarted server registers a new
 * endpoint; calls through the old handle fail with -CAIRN_ECLOSED, and the
 * caller asks cairn_service_reconnect for the new one, once per failure.
 */
#include <pthread.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#define SERVICE_KINDS   16
#define SERVICE_WAIT_NS (5000ull * 1000 * 1000) /* for the restarted server to register */

static pthread_mutex_t service_lock = PTHREAD_MUTEX_INITIALIZER;
static long service_cached[SERVICE_KINDS]; /* 0: not yet looked at; else handle + 1 */

long
cairn_service_handle(uint32_t kind)
{
    long h;

    if (kind >= SERVICE_KINDS)
        return -CAIRN_EINVAL;
    pthread_mutex_lock(&service_lock);
    if (service_cached[kind] == 0) {
        h = cairn_start_handle(kind, 0);
        service_cached[kind] = h < 0 ? h : h + 1;
    }
    h = service_cached[kind] > 0 ? service_cached[kind] - 1 : service_cached[kind];
    pthread_mutex_unlock(&service_lock);
    return h;
}

long
cairn_service_reconnect(uint32_t kind, const char *name, long dead)
{
    long h, old;

    if (kind >= SERVICE_KINDS)
        return -CAIRN_EINVAL;
    pthread_mutex_lock(&service_lock);
    old = service_cached[kind] > 0 ? service_cached[kind] - 1 : -1;
    if (old != dead && old >= 0) {
        /* Another thread found the new one already. */
        pthread_mutex_unlock(&service_lock);
        return old;
    }
    h = cairn_registry_lookup(name, SERVICE_WAIT_NS);
    if (h >= 0) {
        if (old >= 0)
            cairn_handle_close(old);
        service_cached[kind] = h + 1;
    }
    pthread_mutex_unlock(&service_lock);
    return h;
}
