/* SPDX-License-Identifier: MIT */
/*
 * svc: the services init runs from its manifest (the drivers and servers
 * ps does not show), and ending one, which init then restarts as its
 * manifest entry says: what a person does to see that killing a driver
 * leaves a usable system. It speaks include/proto/service.h to init,
 * found under the registry name `services`.
 *
 *   svc            one line per service: name, state, pid, ends, last status
 *   svc kill NAME  ends service NAME
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/service.h>

#include <util/util.h>

#define SVC_LOOKUP_WAIT (2000ull * 1000 * 1000) /* ns */

static const char svc_usage[] = "Usage: svc\n"
                                "       svc kill NAME\n"
                                "List the services init runs, or end one (init restarts it as "
                                "its manifest says).\n";

static long
svc_call(long h, uint64_t op, uint64_t arg, const char *name, void *buf, size_t cap, uint32_t *got)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, arg, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    if (name) {
        ext.send_buf = (uint64_t)(uintptr_t)name;
        ext.send_len = (uint32_t)strlen(name);
    }
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = (uint32_t)cap;
    err = cairn_ipc_call(h, &msg);
    if (got)
        *got = ext.recv_len;
    return err < 0 ? err : (long)msg.w[0];
}

static const char *
svc_state(const struct proto_svc_info *s)
{
    switch (s->state) {
    case PROTO_SVC_RUNNING:
        return "running";
    case PROTO_SVC_STARTING:
        return "restarting";
    default:
        return "stopped";
    }
}

static int
svc_list(long h)
{
    util_printf("%-12s %-10s %5s %5s %s\n", "NAME", "STATE", "PID", "ENDS", "LAST STATUS");
    for (uint64_t i = 0;; i++) {
        struct proto_svc_info s;
        uint32_t got = 0;
        long n = svc_call(h, PROTO_SVC_LIST, i, NULL, &s, sizeof(s), &got);
        char pid[16] = "-", last[24] = "-";

        if (n < 0)
            return util_error("the service list", (int)-n);
        if (n == 0)
            return 0;
        if (got < sizeof(s))
            return util_fail("a short answer from init");
        s.name[sizeof(s.name) - 1] = '\0';
        if (s.state == PROTO_SVC_RUNNING)
            snprintf(pid, sizeof(pid), "%u", s.pid);
        if (s.ends > 0)
            snprintf(last, sizeof(last), "%lld", (long long)s.last_status);
        util_printf("%-12s %-10s %5s %5u %s\n", s.name, svc_state(&s), pid, s.ends, last);
    }
}

int
main(int argc, char **argv)
{
    long h, err;

    util_init("svc", svc_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        util_outs(svc_usage);
        util_exit(0);
    }
    if (argc != 1 && !(argc == 3 && strcmp(argv[1], "kill") == 0))
        util_usage_error(1,
                         argc >= 2 && strcmp(argv[1], "kill") != 0 ? "unknown command '%s'"
                                                                   : "kill needs one service name",
                         argv[1]);
    h = cairn_registry_lookup(PROTO_SVC_NAME, SVC_LOOKUP_WAIT);
    if (h < 0)
        util_exit(util_error("init's service list", (int)-h));
    if (argc == 1)
        util_exit(svc_list(h));
    err = svc_call(h, PROTO_SVC_KILL, 0, argv[2], NULL, 0, NULL);
    if (err < 0)
        util_exit(util_error(argv[2], (int)-err));
    util_exit(0);
}
