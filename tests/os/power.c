// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the power server (servers/power, docs/power.md) on
 * tables made here, so that nothing turns the test boot off.
 *
 * The test plays init, as tests/os/kbdfb.c does: it starts bin/power from
 * the initfs with a copy of "ACPI tables" it wrote itself (the layout of
 * include/proto/power.h: a FADT whose PM1a control block is port 0x3e8,
 * COM3's address, which nothing in a test boot decodes, and a DSDT with
 * or without \_S5_), the port range it chooses, and a registry endpoint
 * it serves; it takes the server's endpoint from its registration and
 * then closes the registry, so the server's later lookup of `kbd` fails
 * at once. Checked: every failure is answered, with its code and reason
 * (no \_S5_, a malformed copy, a port not granted, a write the machine
 * ignored, no way to reset), bad requests are refused and the server goes
 * on, and nothing is left after the servers are killed. The real
 * power-off and resets are the session tests' (tests/session/poweroff,
 * reboot, reboot-pc).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <common/bytes.h>
#include <proto/handles.h>
#include <proto/power.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND    (1000 * MS_NS)
#define PAGE      4096u
#define FAKE_PM1A 0x3e8u /* COM3: no device answers it in a test boot */

static struct cairn_debug_stats before;

static void
seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = (uint8_t)(0x100 - bytes_sum8(t, len));
}

static uint32_t
table(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memset(t, 0, len);
    memcpy(t, sig, 4);
    bytes_wr32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "CAIRN ", 6);
    return len;
}

/* A copy as init makes it: the FADT (PM1a_CNT at FAKE_PM1A, no reset
 * register), then a DSDT whose AML has `Name (_S5_, Package () {5, 5})`
 * when s5, else only another name. magic 0 spoils the header. A memory
 * object with READ and MAP, or a negative code. */
static long
copy_make(int s5, uint64_t magic)
{
    static const uint8_t aml_s5[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x06,
                                     0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
    static const uint8_t aml_other[] = {0x08, '_', 'S', '3', '_', 0x12, 0x04, 0x02, 0x01, 0x01};
    long obj = cairn_memobj_create(PAGE, 0), ro, at;
    uint8_t *p, *f, *d;
    uint32_t flen, dlen, off;
    struct proto_acpi_copy head;

    if (obj < 0)
        return obj;
    at = cairn_vm_map(obj, 0, PAGE, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0)
        return at;
    p = (uint8_t *)(uintptr_t)at;
    f = p + sizeof(head);
    flen = table(f, "FACP", 244, 3);
    bytes_wr32(f + 64, FAKE_PM1A);
    f[89] = 2;
    seal(f, flen);
    off = (sizeof(head) + flen + 7) & ~7u;
    d = p + off;
    if (s5) {
        dlen = table(d, "DSDT", 36 + sizeof(aml_s5), 2);
        memcpy(d + 36, aml_s5, sizeof(aml_s5));
    } else {
        dlen = table(d, "DSDT", 36 + sizeof(aml_other), 2);
        memcpy(d + 36, aml_other, sizeof(aml_other));
    }
    seal(d, dlen);
    head = (struct proto_acpi_copy){magic, off + dlen, 2};
    memcpy(p, &head, sizeof(head));
    cairn_vm_unmap((uint64_t)at, PAGE);
    ro = cairn_handle_dup(obj, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                   CAIRN_RIGHT_TRANSFER);
    cairn_handle_close(obj);
    return ro;
}

struct server {
    long process, endpoint;
};

/* Starts bin/power with the copy and (when ports) the port range of
 * FAKE_PM1A, takes its registration and closes the registry. */
static struct server
server_start(long copy, int ports)
{
    const char *argv[] = {"power", NULL};
    struct server s = {-1, -1};
    uint64_t offset, size, badge;
    long image = test_program_image("power", &offset, &size), err;
    long registry = cairn_endpoint_create(), client, handles[3];
    uint32_t kinds[3], n = 0;
    char got[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    client = cairn_handle_dup(registry,
                              CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (image < 0 || registry < 0 || client < 0 || copy < 0) {
        test_fail("no power in the initfs (%ld), registry (%ld, %ld) or copy (%ld)", image,
                  registry, client, copy);
        return s;
    }
    handles[n] = copy;
    kinds[n++] = PROTO_HANDLE_ACPI;
    if (ports) {
        handles[n] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, FAKE_PM1A, 2);
        kinds[n++] = PROTO_HANDLE_IOPORT;
    }
    handles[n] = client;
    kinds[n++] = PROTO_HANDLE_REGISTRY;
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .handle_kinds = kinds};
    s.process = cairn_spawn(image, offset, size, &attr, NULL);
    for (uint32_t i = 0; i < n; i++)
        cairn_handle_close(handles[i]);
    if (s.process < 0) {
        test_fail("spawning power: %ld", s.process);
        cairn_handle_close(registry);
        return s;
    }
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    err = cairn_ipc_recv(registry, &msg, 10 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration from power: %ld", err);
    } else {
        got[ext.recv_len] = '\0';
        if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, "power") != 0 || ext.recv_nhandles != 1)
            test_fail("power sent op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0],
                      got, ext.recv_nhandles);
        if (ext.recv_nhandles >= 1)
            s.endpoint = ext.recv_handles[0];
        msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
        expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
    }
    cairn_handle_close(registry); /* its lookups now fail at once */
    return s;
}

static void
server_stop(struct server *s)
{
    if (s->endpoint >= 0)
        cairn_handle_close(s->endpoint);
    if (s->process >= 0) {
        expect_ret("process_kill", cairn_process_kill(s->process), 0);
        cairn_handle_close(s->process);
    }
}

/* One request; the reply's w[0] or the call's error, and its reason. */
static long
power_call(long ep, uint64_t op, long handle, char *why, uint64_t timeout)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, 0, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)why;
    ext.recv_cap = PROTO_POWER_WHY_MAX;
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call_timed(ep, &msg, timeout);
    why[err == 0 && ext.recv_len <= PROTO_POWER_WHY_MAX ? ext.recv_len : 0] = '\0';
    return err < 0 ? err : (long)msg.w[0];
}

static void
expect_why(const char *what, const char *why, const char *want)
{
    if (!test_has_failed() && strcmp(why, want) != 0)
        test_fail("%s: the reason is \"%s\", not \"%s\"", what, why, want);
}

static void
power_off_without_s5_is_refused_with_its_reason(void)
{
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct server s;
    long own = cairn_notify_create();

    s = server_start(copy_make(0, PROTO_ACPI_COPY_MAGIC), 1);
    if (s.endpoint < 0)
        return;
    expect_ret("off", power_call(s.endpoint, PROTO_POWER_OFF, -1, why, 10 * SECOND), -CAIRN_ENOSYS);
    expect_why("off", why, "the DSDT has no \\_S5_ (soft off)");
    expect_ret("an unknown request", power_call(s.endpoint, 0x799, -1, why, 10 * SECOND),
               -CAIRN_ENOSYS);
    expect_ret("a request carrying a handle",
               power_call(s.endpoint, PROTO_POWER_OFF, own, why, 10 * SECOND), -CAIRN_EINVAL);
    /* still serving */
    expect_ret("off again", power_call(s.endpoint, PROTO_POWER_OFF, -1, why, 10 * SECOND),
               -CAIRN_ENOSYS);
    cairn_handle_close(own);
    server_stop(&s);
}

static void
power_off_the_machine_ignores_is_answered_after_settling(void)
{
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct server s;
    uint64_t start;

    /* The baseline once a first server has come and gone: this process
     * has mapped a copy and the initfs by now (their page tables stay),
     * so what is counted at the end is only what the servers held. */
    before = stats_settled();
    s = server_start(copy_make(1, PROTO_ACPI_COPY_MAGIC), 1);
    if (s.endpoint < 0)
        return;
    start = cairn_clock_get();
    expect_ret("off", power_call(s.endpoint, PROTO_POWER_OFF, -1, why, 30 * SECOND), -CAIRN_EIO);
    expect_why("off", why, "still on after the S5 write");
    if (!test_has_failed() && cairn_clock_get() - start < PROTO_POWER_SETTLE_NS)
        test_fail("answered before the settle time");
    /* No reset register, and the keyboard driver cannot be looked up. */
    expect_ret("reboot", power_call(s.endpoint, PROTO_POWER_REBOOT, -1, why, 30 * SECOND),
               -CAIRN_ENOSYS);
    expect_why("reboot", why, "no reset register and no keyboard controller");
    server_stop(&s);
}

static void
power_off_with_a_port_not_granted_is_refused_not_a_fault(void)
{
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct server s = server_start(copy_make(1, PROTO_ACPI_COPY_MAGIC), 0);

    if (s.endpoint < 0)
        return;
    expect_ret("off", power_call(s.endpoint, PROTO_POWER_OFF, -1, why, 10 * SECOND), -CAIRN_ENOSYS);
    expect_why("off", why, "init granted no PM1a_CNT port");
    server_stop(&s);
}

static void
a_malformed_copy_is_refused(void)
{
    static char why[PROTO_POWER_WHY_MAX + 1];
    struct server s = server_start(copy_make(1, 0x1234), 1);

    if (s.endpoint < 0)
        return;
    expect_ret("off", power_call(s.endpoint, PROTO_POWER_OFF, -1, why, 10 * SECOND), -CAIRN_ENOSYS);
    expect_why("off", why, "the copy of the ACPI tables is malformed");
    server_stop(&s);
}

static void
nothing_is_left_after_the_servers_ended(void)
{
    expect_stats(&before, "after the power servers ended");
}

static const struct usertest tests[] = {
    USERTEST(power_off_without_s5_is_refused_with_its_reason),
    USERTEST(power_off_the_machine_ignores_is_answered_after_settling),
    USERTEST(power_off_with_a_port_not_granted_is_refused_not_a_fault),
    USERTEST(a_malformed_copy_is_refused),
    USERTEST(nothing_is_left_after_the_servers_ended),
};

int
main(void)
{
    return harness_run("power", tests, sizeof(tests) / sizeof(tests[0]));
}
