/* SPDX-License-Identifier: MIT */
/*
 * The service registry's client side (include/proto/registry.h): publish
 * an endpoint under a name, find one by name. Both go to the registry
 * handle the program was started with (start handle
 * PROTO_HANDLE_REGISTRY), which init gives each service of its manifest.
 * libc/registry.c.
 */
#ifndef CAIRN_LIBC_REGISTRY_H
#define CAIRN_LIBC_REGISTRY_H

#include <stdint.h>

/* Registers endpoint under name; the registry gets a copy (the handle
 * needs SIGNAL, DUPLICATE and TRANSFER). 0 or a negative CAIRN_E* code:
 * the registry's (-CAIRN_EPERM, -CAIRN_EEXIST, ...), -CAIRN_ENOENT with
 * no registry handle, -CAIRN_ENAMETOOLONG. */
long cairn_registry_register(const char *name, long endpoint);

/* The endpoint registered under name, waiting up to timeout_ns for it
 * (0: only if it is there; CAIRN_WAIT_FOREVER). A new handle, or a
 * negative code: -CAIRN_EPERM, -CAIRN_ENOENT, -CAIRN_ETIMEDOUT. */
long cairn_registry_lookup(const char *name, uint64_t timeout_ns);

/* The handle to a system server the program was started with, by its
 * start handle's kind (PROTO_HANDLE_VFS, PROTO_HANDLE_PROC), or the one
 * found since it was restarted; a negative code without one. libc/service.c. */
long cairn_service_handle(uint32_t kind);
/* A call through dead (what cairn_service_handle gave) failed with
 * -CAIRN_ECLOSED: the server ended. Looks name up again, waiting up to 5 s
 * for the restarted server to register, and returns the new handle (which
 * cairn_service_handle gives from then on), or a negative code. */
long cairn_service_reconnect(uint32_t kind, const char *name, long dead);

#endif
