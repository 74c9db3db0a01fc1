/* SPDX-License-Identifier: MIT */
/*
 * init as the system's supervisor and service registry (docs/init.md):
 * it starts every service of the manifest with exactly the capabilities
 * its entry names, serves the registry (include/proto/registry.h) from the
 * table of registry.c, and restarts a service that ends, with back-off.
 */
#ifndef CAIRN_SERVERS_INIT_SERVICES_H
#define CAIRN_SERVERS_INIT_SERVICES_H

#include <stdint.h>

#include "manifest.h"

/*
 * Reads the manifest at path in the initfs (the boot module `initfs`),
 * starts its services in their order and serves them: the registry's
 * requests and their ends, forever. Returns only when there is nothing
 * to supervise: no initfs, no manifest, a manifest refused (the reason
 * logged with its line), or no service in it; the value is then 0 for a
 * missing or empty manifest and 1 for a refused one.
 */
int services_run(const char *path);

/*
 * The same in a thread of its own, for a test boot (with the test
 * manifest, etc/services-test): returns 0 once each service has been
 * started (or its start failed), the supervisor going on in the
 * background; or what services_run would have returned.
 */
int services_start_background(const char *path);

/* Waits up to timeout_ns for the service called name to end for the first
 * time: 0 with its status, -CAIRN_ETIMEDOUT, or -CAIRN_ENOENT when the
 * manifest has no such service. */
int services_wait_ended(const char *name, uint64_t timeout_ns, int64_t *status);

#endif
