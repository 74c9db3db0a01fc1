// SPDX-License-Identifier: MIT
/* The registry's client side: one call per request (<cairn/registry.h>). */
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/registry.h>

/* One request with the name in its buffer and, when handle >= 0, that
 * handle copied along; the reply's handle, if any, in *got. */
static long
registry_call(uint64_t op, const char *name, uint64_t arg, long handle, long *got)
{
    long registry = cairn_start_handle(PROTO_HANDLE_REGISTRY, 0);
    size_t len = strlen(name);
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, arg, 0, 0, 0}, &ext};
    long err;

    if (registry < 0)
        return registry;
    if (len > PROTO_REG_NAME_MAX)
        return -CAIRN_ENAMETOOLONG;
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)name;
    ext.send_len = (uint32_t)len;
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call(registry, &msg);
    if (err < 0)
        return err;
    if ((int64_t)msg.w[0] < 0) {
        for (uint32_t i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        return (long)msg.w[0];
    }
    if (got) {
        if (ext.recv_nhandles < 1)
            return -CAIRN_EINVAL;
        *got = ext.recv_handles[0];
    }
    for (uint32_t i = got ? 1 : 0; i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]);
    return 0;
}

long
cairn_registry_register(const char *name, long endpoint)
{
    if (endpoint < 0)
        return -CAIRN_EBADH;
    return registry_call(PROTO_REG_REGISTER, name, 0, endpoint, NULL);
}

long
cairn_registry_lookup(const char *name, uint64_t timeout_ns)
{
    long got = -1;
    long err = registry_call(PROTO_REG_LOOKUP, name, timeout_ns, -1, &got);

    return err < 0 ? err : got;
}
