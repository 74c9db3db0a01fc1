/* SPDX-License-Identifier: MIT */
/*
 * umount DIR...: takes each mounted server's mount point away
 * (PROTO_FS_UMOUNT, include/proto/fs.h) through the vfs's `vfs-mount`
 * handle, which only a program whose manifest lets it look that name up
 * gets. The server's open files stay open: they are its own. Cairn-only:
 * it asks the registry (start handle PROTO_HANDLE_REGISTRY).
 */
#include <string.h>

#include <cairn/fd.h>
#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/fs.h>
#include <util/util.h>

#define UMOUNT_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)

static const char umount_usage[] =
    "Usage: umount DIR...\nTake the mounted server at each DIR out of the namespace.\n";

int
main(int argc, char **argv)
{
    static char path[PROTO_PATH_MAX + 1];
    struct util_opts opts;
    int status = 0;
    long h;

    util_init("umount", umount_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        util_usage_error(1, "no DIR");
    h = cairn_registry_lookup("vfs-mount", UMOUNT_TIMEOUT_NS);
    if (h < 0)
        util_exit(util_fail("cannot unmount (vfs-mount: %s)", strerror((int)-h)));
    for (int i = opts.index; i < argc; i++) {
        long len = cairn_path_absolute(argv[i], path), r;
        struct cairn_msg_ext ext = {.send_buf = (uint64_t)path};
        struct cairn_msg m = {.w = {PROTO_FS_UMOUNT}, .ext = &ext};

        if (len < 0) {
            status = util_fail("%s: %s", argv[i], strerror((int)-len));
            continue;
        }
        ext.send_len = (uint32_t)len;
        r = cairn_ipc_call_timed(h, &m, UMOUNT_TIMEOUT_NS);
        if (r >= 0)
            r = (long)m.w[0];
        if (r < 0)
            status = util_fail("%s: %s", argv[i], strerror((int)-r));
    }
    cairn_handle_close(h);
    util_exit(status);
}
