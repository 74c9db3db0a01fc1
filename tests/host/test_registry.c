// SPDX-License-Identifier: MIT
/*
 * Tests for init's registry table (servers/init/registry.c): only what a
 * service's manifest entry lists may be registered or looked up; a name
 * belongs to one service; a wait is answered once, by a registration, by
 * its deadline or by its client's end; a service's end withdraws its
 * names; bad names are refused. Handles are plain numbers here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/errors.h>

#include "check.h"
#include "servers/init/registry.h"

static const char manifest_text[] = "[service serial]\n"
                                    "program = serial\n"
                                    "register = serial tty\n"
                                    "quota = 64K\n"
                                    "[service console]\n"
                                    "program = console\n"
                                    "register = console\n"
                                    "lookup = serial\n"
                                    "quota = 64K\n"
                                    "[service shell]\n"
                                    "program = sh\n"
                                    "lookup = console serial\n"
                                    "quota = 64K\n"
                                    "[programs]\n"
                                    "lookup = console\n";

enum {
    SERIAL,
    CONSOLE,
    SHELL
};

static struct manifest m;
static struct registry r;
static struct registry_effects fx;

static void
setup(void)
{
    struct manifest_error err;

    CHECK(manifest_parse(manifest_text, strlen(manifest_text), &m, &err) == 0);
    registry_init(&r, &m);
}

static long
reg(uint32_t client, const char *name, long ep)
{
    return registry_register(&r, client, name, strlen(name), ep, &fx);
}

static long
look(uint32_t client, const char *name, uint64_t wait, long *ep)
{
    return registry_lookup(&r, client, name, strlen(name), wait, ep);
}

/* Every program is one client, MANIFEST_CLIENT_PROGRAMS, with the
 * [programs] section's lookups, no registrations, and at most
 * REGISTRY_PROGRAM_WAITERS waits, so services always find a slot. */
static void
programs_look_up_their_list_and_hold_a_small_share_of_waits(void)
{
    const uint32_t P = MANIFEST_CLIENT_PROGRAMS;
    long ep = -1;

    setup();
    CHECK(reg(CONSOLE, "console", 200) == 0);
    CHECK(look(P, "console", 0, &ep) == 1 && ep == 200);
    CHECK(look(P, "serial", 0, &ep) == -CAIRN_EPERM);
    CHECK(reg(P, "console", 201) == -CAIRN_EPERM);
    CHECK(reg(P, "serial", 202) == -CAIRN_EPERM);
    CHECK(look(P + 1, "console", 0, &ep) == -CAIRN_EPERM);
    for (int i = 0; i < REGISTRY_PROGRAM_WAITERS; i++)
        CHECK(registry_wait(&r, P, "console", 7, 300 + i, 1000) == 0);
    CHECK(registry_wait(&r, P, "console", 7, 400, 1000) == -CAIRN_ENOSPC);
    CHECK(registry_wait(&r, SHELL, "console", 7, 401, 1000) == 0);

    /* A manifest without [programs]: the client number names nothing. */
    {
        static const char none[] = "[service a]\nprogram = a\nlookup = b\nquota = 4K\n";
        struct manifest_error err;

        CHECK(manifest_parse(none, strlen(none), &m, &err) == 0);
        registry_init(&r, &m);
        CHECK(look(P, "b", 0, &ep) == -CAIRN_EPERM);
    }
}

static void
only_listed_names_may_be_registered_and_looked_up(void)
{
    long ep = -1;

    setup();
    CHECK(reg(SERIAL, "serial", 100) == 0);
    CHECK(fx.nanswer == 0 && fx.close == -1);
    CHECK(reg(SERIAL, "console", 101) == -CAIRN_EPERM);
    CHECK(reg(SHELL, "serial", 102) == -CAIRN_EPERM);
    CHECK(reg(99, "serial", 103) == -CAIRN_EPERM);
    CHECK(look(CONSOLE, "serial", 0, &ep) == 1 && ep == 100);
    CHECK(look(SHELL, "serial", 0, &ep) == 1 && ep == 100);
    /* Refused whether or not the name exists: a lookup tells nothing of
     * what a service may not see. */
    CHECK(look(SERIAL, "console", 0, &ep) == -CAIRN_EPERM);
    CHECK(look(CONSOLE, "console", 0, &ep) == -CAIRN_EPERM);
    CHECK(look(SHELL, "console", 0, &ep) == -CAIRN_ENOENT);
    CHECK(look(SHELL, "console", 5, &ep) == 0);
}

static void
bad_names_are_refused(void)
{
    static const char *const bad[] = {
        "", "Serial", "9lives", "a b", "a/b", "tty\n", "abcdefghijabcdefghijabcdefghijab"};
    long ep;

    setup();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(reg(SERIAL, bad[i], 1) == -CAIRN_EINVAL);
        CHECK(look(SHELL, bad[i], 0, &ep) == -CAIRN_EINVAL);
    }
    /* A name with a NUL inside is not the name before it. */
    CHECK(registry_register(&r, SERIAL, "tty\0x", 5, 1, &fx) == -CAIRN_EINVAL);
    CHECK(registry_register(&r, SERIAL, "tty", 3, 1, &fx) == 0);
    /* 31 bytes is the longest name. */
    CHECK(look(SHELL, "abcdefghijabcdefghijabcdefghija", 0, &ep) == -CAIRN_EPERM);
}

static void
registering_again_replaces_and_gives_back_the_old_endpoint(void)
{
    long ep = -1;

    setup();
    CHECK(reg(SERIAL, "serial", 100) == 0);
    CHECK(reg(SERIAL, "serial", 200) == 0);
    CHECK(fx.close == 100);
    CHECK(look(CONSOLE, "serial", 0, &ep) == 1 && ep == 200);
}

static void
waiters_are_answered_by_the_registration_once(void)
{
    long ep = -1;

    setup();
    CHECK(look(CONSOLE, "serial", 1000, &ep) == 0);
    CHECK(registry_wait(&r, CONSOLE, "serial", 6, 501, 1000) == 0);
    CHECK(registry_wait(&r, SHELL, "serial", 6, 502, 2000) == 0);
    CHECK(registry_wait(&r, SHELL, "console", 7, 503, 3000) == 0);
    CHECK(registry_next_deadline(&r) == 1000);
    CHECK(reg(SERIAL, "serial", 100) == 0);
    CHECK(fx.nanswer == 2 && fx.endpoint == 100);
    CHECK((fx.answer[0] == 501 && fx.answer[1] == 502) ||
          (fx.answer[0] == 502 && fx.answer[1] == 501));
    CHECK(registry_next_deadline(&r) == 3000);
    /* Answered: a second registration wakes nobody again. */
    CHECK(reg(SERIAL, "serial", 101) == 0);
    CHECK(fx.nanswer == 0 && fx.close == 100);
}

static void
waiters_expire_at_their_deadline_and_slots_run_out_cleanly(void)
{
    long out[REGISTRY_WAITERS_MAX];
    uint32_t n = 0;

    setup();
    CHECK(registry_wait(&r, SHELL, "console", 7, 1, 100) == 0);
    CHECK(registry_wait(&r, SHELL, "console", 7, 2, 200) == 0);
    CHECK(registry_expire(&r, 99, out, REGISTRY_WAITERS_MAX) == 0);
    CHECK(registry_expire(&r, 150, out, REGISTRY_WAITERS_MAX) == 1 && out[0] == 1);
    CHECK(registry_expire(&r, 150, out, REGISTRY_WAITERS_MAX) == 0);
    CHECK(registry_expire(&r, 200, out, REGISTRY_WAITERS_MAX) == 1 && out[0] == 2);
    CHECK(registry_next_deadline(&r) == UINT64_MAX);
    for (uint32_t i = 0; i < REGISTRY_WAITERS_MAX; i++)
        n += registry_wait(&r, SHELL, "console", 7, (long)i, 10) == 0;
    CHECK(n == REGISTRY_WAITERS_MAX);
    CHECK(registry_wait(&r, SHELL, "console", 7, 9999, 10) == -CAIRN_ENOSPC);
    /* expire takes at most max at a time and leaves the rest for later. */
    CHECK(registry_expire(&r, 10, out, 3) == 3);
    CHECK(registry_expire(&r, 10, out, REGISTRY_WAITERS_MAX) == REGISTRY_WAITERS_MAX - 3);
}

static void
a_services_end_withdraws_its_names_and_its_waits(void)
{
    long close[MANIFEST_NAMES_MAX], replies[REGISTRY_WAITERS_MAX], ep = -1;
    uint32_t nreplies = 99;

    setup();
    CHECK(reg(SERIAL, "serial", 100) == 0);
    CHECK(reg(SERIAL, "tty", 101) == 0);
    CHECK(reg(CONSOLE, "console", 102) == 0);
    CHECK(registry_wait(&r, SERIAL, "x", 1, 700, 50) == 0);
    CHECK(registry_withdraw(&r, SERIAL, close, replies, &nreplies) == 2);
    CHECK((close[0] == 100 && close[1] == 101) || (close[0] == 101 && close[1] == 100));
    CHECK(nreplies == 1 && replies[0] == 700);
    CHECK(look(CONSOLE, "serial", 0, &ep) == -CAIRN_ENOENT);
    CHECK(look(SHELL, "console", 0, &ep) == 1 && ep == 102);
    /* The restarted service registers afresh. */
    CHECK(reg(SERIAL, "serial", 103) == 0 && fx.close == -1);
    CHECK(registry_withdraw(&r, SHELL, close, replies, &nreplies) == 0 && nreplies == 0);
}

int
main(void)
{
    RUN(only_listed_names_may_be_registered_and_looked_up);
    RUN(programs_look_up_their_list_and_hold_a_small_share_of_waits);
    RUN(bad_names_are_refused);
    RUN(registering_again_replaces_and_gives_back_the_old_endpoint);
    RUN(waiters_are_answered_by_the_registration_once);
    RUN(waiters_expire_at_their_deadline_and_slots_run_out_cleanly);
    RUN(a_services_end_withdraws_its_names_and_its_waits);
    return check_exit();
}
