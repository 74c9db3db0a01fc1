// SPDX-License-Identifier: MIT
/*
 * svctest: the services of the test manifest (tests/services/services-
 * test), started by init as a supervisor would start any service, so the
 * registry and the restarts are tested from the outside, through nothing
 * but the start handles a service gets.
 *
 *   svctest alpha   registers `alpha` and answers: SVCTEST_ADD_ONE with
 *                   w[1] + 1; SVCTEST_CRASH by dying of a page fault.
 *   svctest check   the checks below; prints an ok or FAIL line for each
 *                   and exits with the number that failed. Its entry
 *                   grants it the programs' registry handle too, which it
 *                   uses as a program started by proc would.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/registry.h>

#define MS_NS           1000000ull
#define SVCTEST_ADD_ONE 1u
#define SVCTEST_CRASH   2u

static int failures;

static void
check(int ok, const char *name, const char *fmt, long value)
{
    if (ok) {
        printf("ok services/%s\n", name);
    } else {
        printf("FAIL services/%s: ", name);
        printf(fmt, value);
        printf("\n");
        failures++;
    }
}

static int
alpha(void)
{
    long ep = cairn_endpoint_create(), err;
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};
    uint64_t badge;

    err = ep < 0 ? ep : cairn_registry_register("alpha", ep);
    if (err < 0) {
        printf("svctest alpha: cannot register: %s\n", cairn_strerror((int)err));
        return 1;
    }
    err = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
    for (;;) {
        if (err < 0)
            return 1;
        if (msg.w[0] == SVCTEST_CRASH) {
            volatile uintptr_t nowhere = 16;

            *(volatile int *)nowhere = 0; /* a page fault ends the process */
        }
        msg.w[1] = msg.w[0] == SVCTEST_ADD_ONE ? msg.w[1] + 1 : 0;
        msg.w[0] = 0;
        err = cairn_ipc_reply_recv(ep, &msg, &badge);
    }
}

/* One call of op to h; the result (the call's error, or w[1]). */
static long
call(long h, uint64_t op, uint64_t arg)
{
    struct cairn_msg msg = {{op, arg, 0, 0, 0}, NULL};
    long err = cairn_ipc_call(h, &msg);

    return err < 0 ? err : (long)msg.w[1];
}

/* One registry request of op for name through handle h, as libc makes
 * it but through a handle of the caller's choice; the reply's word 0, and
 * its handle (closed) when there is one. */
static long
registry_via(long h, uint64_t op, const char *name, long send)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, 0, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)name;
    ext.send_len = (uint32_t)strlen(name);
    if (send >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)send, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call(h, &msg);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]);
    return err < 0 ? err : (long)msg.w[0];
}

/* The [programs] section's handle looks up its own list, not the
 * service's that holds it, and registers nothing. */
static void
programs_checks(long own)
{
    long h = cairn_start_handle(PROTO_HANDLE_PROGRAMS, 0), got;

    check(h >= 0, "grant_programs_gives_a_registry_handle", "start handle %ld", h);
    if (h < 0)
        return;
    got = registry_via(h, PROTO_REG_LOOKUP, "alpha", -1);
    check(got == 0, "a_program_finds_what_programs_lists", "lookup gave %ld", got);
    got = registry_via(h, PROTO_REG_LOOKUP, "delta", -1);
    check(got == -CAIRN_EPERM, "a_program_is_refused_what_programs_does_not_list",
          "lookup gave %ld", got);
    got = registry_via(h, PROTO_REG_REGISTER, "delta", own);
    check(got == -CAIRN_EPERM, "a_program_registers_nothing", "register gave %ld", got);
}

static int
checks(void)
{
    struct cairn_handle_info info;
    long alpha_ep, own = cairn_endpoint_create(), ntfn = cairn_notify_create(), got, err;
    uint64_t t0;
    int restarted = 0;

    alpha_ep = cairn_registry_lookup("alpha", 10000 * MS_NS);
    check(alpha_ep >= 0, "a_listed_name_is_found_once_registered", "lookup gave %ld", alpha_ep);
    got = call(alpha_ep, SVCTEST_ADD_ONE, 41);
    check(got == 42, "the_endpoint_found_reaches_its_service", "the call gave %ld", got);
    check(cairn_handle_info(alpha_ep, &info) == 0 &&
              info.rights == (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
          "a_client_can_call_but_never_receive", "rights %#lx", (long)info.rights);
    got = cairn_registry_lookup("beta", 0);
    check(got == -CAIRN_EPERM, "a_name_not_in_the_lookup_list_is_refused", "lookup gave %ld", got);
    got = cairn_registry_lookup("gamma", 0);
    check(got == -CAIRN_ENOENT, "a_listed_name_nobody_registered_is_not_found", "lookup gave %ld",
          got);
    t0 = cairn_clock_get();
    got = cairn_registry_lookup("gamma", 50 * MS_NS);
    check(got == -CAIRN_ETIMEDOUT && cairn_clock_get() - t0 >= 50 * MS_NS,
          "a_wait_for_a_name_ends_at_its_time_limit", "lookup gave %ld", got);
    err = cairn_registry_register("alpha", own);
    check(err == -CAIRN_EPERM, "another_services_name_cannot_be_taken", "register gave %ld", err);
    err = cairn_registry_register("Delta", own);
    check(err == -CAIRN_EINVAL, "a_bad_name_is_refused", "register gave %ld", err);
    err = cairn_registry_register("delta", ntfn);
    check(err == -CAIRN_EINVAL, "only_an_endpoint_can_be_registered", "register gave %ld", err);
    err = cairn_registry_register("delta", own);
    check(err == 0, "a_listed_name_is_registered", "register gave %ld", err);
    got = cairn_registry_lookup("delta", 0);
    check(got >= 0 && cairn_handle_info(got, &info) == 0 && !(info.rights & CAIRN_RIGHT_WAIT),
          "its_own_name_is_found_without_the_right_to_receive", "lookup gave %ld", got);
    cairn_handle_close(got);
    programs_checks(own);

    /* alpha dies in the middle of a call: the caller hears of it, and
     * init starts alpha again, which registers anew. */
    err = call(alpha_ep, SVCTEST_CRASH, 0);
    check(err == -CAIRN_ECLOSED, "a_service_that_dies_mid_call_fails_the_call", "the call gave %ld",
          err);
    cairn_handle_close(alpha_ep);
    t0 = cairn_clock_get();
    while (!restarted && cairn_clock_get() - t0 < 30000 * MS_NS) {
        long again = cairn_registry_lookup("alpha", 10000 * MS_NS);

        /* Until init has taken alpha's end, the old endpoint may still be
         * handed out; it is closed, so the call fails and we ask again. */
        restarted = again >= 0 && call(again, SVCTEST_ADD_ONE, 1) == 2;
        if (again >= 0)
            cairn_handle_close(again);
        if (!restarted)
            cairn_thread_sleep(10 * MS_NS);
    }
    check(restarted, "a_crashed_service_is_restarted_and_found_again", "not within %ld s", 30);
    return failures;
}

int
main(int argc, char **argv)
{
    if (cairn_start_handle(PROTO_HANDLE_REGISTRY, 0) < 0) {
        printf("svctest: no registry handle: init starts this from its test manifest\n");
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "alpha") == 0)
        return alpha();
    if (argc == 2 && strcmp(argv[1], "check") == 0)
        return checks();
    printf("svctest: usage: svctest alpha|check\n");
    return 1;
}
