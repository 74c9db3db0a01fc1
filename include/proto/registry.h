/* SPDX-License-Identifier: MIT */
/*
 * The service registry: init's endpoint where servers publish an endpoint
 * under a name and clients find it (docs/init.md). Every process init
 * starts from its manifest gets its own SIGNAL handle to it, badged with
 * which service it is, and init checks each request against that
 * service's entry: `register` names what it may publish, `lookup` what it
 * may find. Everything else gets -CAIRN_EPERM, so a handle to a server is
 * only ever in the hands its manifest names. (Message shape:
 * include/proto/io.h.)
 *
 * Names are those of the manifest: a lower-case letter, then lower-case
 * letters, digits, `-` and `_`, at most PROTO_REG_NAME_MAX bytes, in the
 * request's buffer (no 0 needed).
 *
 * When a service ends, its names are withdrawn; the endpoints it handed
 * out close with it, so its clients' calls fail with -CAIRN_ECLOSED. They
 * look the name up again (with a time limit) and reach the restarted
 * service once it has registered anew.
 */
#ifndef CAIRN_PROTO_REGISTRY_H
#define CAIRN_PROTO_REGISTRY_H

#define PROTO_REG_NAME_MAX 31

/*
 * PROTO_REG_REGISTER: the name in the buffer, handles[0] the endpoint to
 * hand out (SIGNAL, DUPLICATE and TRANSFER; the registry gives each
 * client a copy with SIGNAL, DUPLICATE and TRANSFER). Reply: 0;
 * -CAIRN_EPERM (not this service's to register), -CAIRN_EINVAL (a bad
 * name, no handle, or not an endpoint with those rights), -CAIRN_EEXIST
 * (registered by another living service). Registering a name again
 * replaces the endpoint.
 */
#define PROTO_REG_REGISTER 0x301u
/*
 * PROTO_REG_LOOKUP: the name in the buffer, w[1] how long to wait for it
 * to be registered, in nanoseconds (0: not at all; CAIRN_WAIT_FOREVER).
 * Reply: w[0] 0 and handles[0] the endpoint; -CAIRN_EPERM (not this
 * service's to look up: refused at once, whether the name exists or not),
 * -CAIRN_ENOENT (not registered, no wait asked), -CAIRN_ETIMEDOUT.
 */
#define PROTO_REG_LOOKUP   0x302u

#endif
