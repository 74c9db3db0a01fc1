// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the 16550 serial driver (drivers/serial), on the
 * test boot's second UART (COM2: ports 0x2f8-0x2ff, ISA IRQ 3;
 * tools/qemu.sh adds it), never COM1, which carries the test log.
 *
 * The test plays init: it starts the driver from its member of the
 * initfs with the ports, an irq range of the one GSI that ISA IRQ 3
 * arrives on, and a registry handle, named by kind in the auxiliary
 * vector, and `--loopback` so the chip sends what it is given back to
 * itself (MCR bit 4). It serves that fake registry: the driver's
 * PROTO_REG_REGISTER hands it the driver's endpoint. Then it talks
 * include/proto/io.h to the driver: written bytes are read back, reads
 * wait until data comes, many bytes both ways arrive whole and in order
 * with several clients at once, bad requests get errors, and once the
 * driver is killed nothing it made is left (irq object, port grant,
 * saved replies).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND   (1000 * MS_NS)
#define COM2     0x2f8
#define COM2_IRQ 3
#define NAME     "serial-test"

static struct {
    long process, registry, registry_client, ports, irqs, driver;
    struct cairn_debug_stats before;
} drv = {-1, -1, -1, -1, -1, -1, {0}};

/* One request to the driver: words op, w1, w2, the bytes of send; the
 * reply's bytes into recv. Returns the reply's w[0] or the call's error. */
static long
io_call(uint64_t op, uint64_t w1, uint64_t w2, const void *send, uint32_t send_len, void *recv,
        uint32_t recv_cap, uint32_t *recv_len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = send_len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = recv_cap;
    err = cairn_ipc_call_timed(drv.driver, &msg, 20 * SECOND);
    if (err < 0)
        return err;
    if (recv_len)
        *recv_len = ext.recv_len;
    return (long)msg.w[0];
}

static long
io_write(const void *buf, uint32_t len)
{
    return io_call(PROTO_IO_WRITE, 0, 0, buf, len, NULL, 0, NULL);
}

static long
io_read(void *buf, uint32_t want, uint64_t flags)
{
    uint32_t got = 0;
    long n = io_call(PROTO_IO_READ, want, flags, NULL, 0, buf, want, &got);

    if (n > 0 && (uint32_t)n != got) {
        test_fail("read said %ld bytes but carried %u", n, got);
        return -CAIRN_EINVAL;
    }
    return n;
}

/* Reads exactly len bytes (in as many reads as it takes); 0 or an error. */
static long
io_read_all(uint8_t *buf, uint32_t len)
{
    for (uint32_t done = 0; done < len;) {
        uint32_t want = len - done < CAIRN_MSG_BUF_MAX ? len - done : CAIRN_MSG_BUF_MAX;
        long n = io_read(buf + done, want, 0);

        if (n <= 0) {
            test_fail("read after %u of %u bytes: %ld", done, len, n);
            return n < 0 ? n : -CAIRN_EIO;
        }
        done += (uint32_t)n;
    }
    return 0;
}

/* The GSI that ISA IRQ 3 arrives on: the one-line range from which an
 * ISA irq object for IRQ 3 can be made (the kernel applies the MADT's
 * overrides). */
static long
com2_gsi(void)
{
    for (uint64_t g = 0; g < 24; g++) {
        long r = cairn_resource_create(CAIRN_INIT_HANDLE_IRQ_ROOT, g, 1), irq;

        if (r < 0)
            continue;
        irq = cairn_irq_create(r, COM2_IRQ, CAIRN_IRQ_ISA);
        cairn_handle_close(r);
        if (irq >= 0) {
            cairn_handle_close(irq);
            return (long)g;
        }
    }
    return -CAIRN_ENOENT;
}

#define BULK 24576u

static uint8_t bulk_out[BULK], bulk_in[BULK], big_buf[CAIRN_MSG_BUF_MAX];

/* --- the tests ------------------------------------------------------------------------------ */

static void
driver_starts_and_registers_its_endpoint(void)
{
    static const char *const argv[] = {"serial", "--loopback", NAME, NULL};
    static const uint32_t kinds[] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_IRQ, PROTO_HANDLE_REGISTRY};
    uint64_t offset, size, badge;
    long image = test_program_image("serial", &offset, &size), gsi = com2_gsi(), err;
    char name[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    /* The bulk test's buffers are zero pages until first written: get
     * their frames now, so they are not counted as the driver's leak. */
    memset(bulk_out, 1, sizeof(bulk_out));
    memset(bulk_in, 1, sizeof(bulk_in));
    memset(big_buf, 1, sizeof(big_buf));
    drv.before = stats_settled();
    if (image < 0 || gsi < 0) {
        test_fail("no serial program in the initfs (%ld) or no GSI for IRQ 3 (%ld)", image, gsi);
        return;
    }
    drv.ports = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, COM2, 8);
    drv.irqs = cairn_resource_create(CAIRN_INIT_HANDLE_IRQ_ROOT, (uint64_t)gsi, 1);
    drv.registry = cairn_endpoint_create();
    drv.registry_client = cairn_handle_dup(
        drv.registry, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (drv.ports < 0 || drv.irqs < 0 || drv.registry < 0 || drv.registry_client < 0) {
        test_fail("resources for the driver: %ld %ld %ld %ld", drv.ports, drv.irqs, drv.registry,
                  drv.registry_client);
        return;
    }
    long handles[] = {drv.ports, drv.irqs, drv.registry_client};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 3, .handle_kinds = kinds};
    drv.process = cairn_spawn(image, offset, size, &attr, NULL);
    if (drv.process < 0) {
        test_fail("spawning the driver: %ld", drv.process);
        return;
    }

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)name;
    ext.recv_cap = sizeof(name) - 1;
    err = cairn_ipc_recv(drv.registry, &msg, 10 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration from the driver: %ld", err);
        return;
    }
    name[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(name, NAME) != 0 || ext.recv_nhandles != 1)
        test_fail("the driver sent op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0],
                  name, ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        drv.driver = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
}

static void
written_bytes_come_back_through_the_loopback(void)
{
    static const char hello[] = "hello, serial line";
    uint8_t buf[64];

    if (drv.driver < 0) {
        test_fail("no driver");

        return;
    }
    expect_ret("write", io_write(hello, sizeof(hello) - 1), sizeof(hello) - 1);
    if (io_read_all(buf, sizeof(hello) - 1) == 0 && memcmp(buf, hello, sizeof(hello) - 1) != 0)
        test_fail("read back \"%.*s\"", (int)sizeof(hello) - 1, buf);
    expect_ret("a read with nothing there, without waiting", io_read(buf, 8, PROTO_IO_NONBLOCK),
               -CAIRN_EAGAIN);
}

static long
reader_thread(void *arg)
{
    uint8_t *buf = arg;

    return io_read(buf, 16, 0);
}

static void
a_read_waits_until_data_comes(void)
{
    struct test_thread t;
    uint8_t buf[16] = {0};
    int64_t status = -1;

    if (drv.driver < 0) {
        test_fail("no driver");

        return;
    }
    if (test_thread_start(&t, reader_thread, buf) < 0)
        return;
    /* nothing was written: the reader must still be waiting */
    expect_ret("the reader before any write", cairn_thread_wait(t.handle, 200 * MS_NS, &status),
               -CAIRN_ETIMEDOUT);
    expect_ret("write", io_write("z", 1), 1);
    expect_ret("the reader after the write", test_thread_join(&t, 10 * SECOND, &status), 0);
    if (status != 1 || buf[0] != 'z')
        test_fail("the waiting read returned %ld with '%c'", (long)status, buf[0]);
    test_thread_free(&t);
}

/* Writes BULK bytes in pieces of every size from 1 to 4096 bytes. */
static long
bulk_writer(void *arg)
{
    uint32_t piece = 1;

    (void)arg;
    for (uint32_t done = 0; done < BULK;) {
        uint32_t n = BULK - done < piece ? BULK - done : piece;
        long r = io_write(bulk_out + done, n);

        if (r != (long)n)
            return r < 0 ? r : -CAIRN_EIO;
        done += n;
        piece = piece * 3 % CAIRN_MSG_BUF_MAX + 1;
    }
    return 0;
}

static void
many_bytes_both_ways_arrive_whole_and_in_order(void)
{
    struct test_thread t;
    int64_t status = -1;

    if (drv.driver < 0) {
        test_fail("no driver");

        return;
    }
    for (uint32_t i = 0; i < BULK; i++)
        bulk_out[i] = (uint8_t)(i * 7 + i / 251);
    memset(bulk_in, 0, sizeof(bulk_in));
    if (test_thread_start(&t, bulk_writer, NULL) < 0)
        return;
    (void)io_read_all(bulk_in, BULK);
    expect_ret("the writer", test_thread_join(&t, 60 * SECOND, &status), 0);
    expect_ret("the writer's result", (long)status, 0);
    test_thread_free(&t);
    for (uint32_t i = 0; i < BULK; i++) {
        if (bulk_in[i] != bulk_out[i]) {
            test_fail("byte %u read back as %#x, written as %#x", i, bulk_in[i], bulk_out[i]);
            break;
        }
    }
    expect_ret("nothing more to read", io_read(bulk_in, 8, PROTO_IO_NONBLOCK), -CAIRN_EAGAIN);
}

static long
one_byte_reader(void *arg)
{
    return io_read(arg, 1, 0);
}

static void
several_waiting_readers_are_each_served(void)
{
    struct test_thread t[4];
    uint8_t got[4] = {0};
    int64_t status;
    unsigned seen = 0;

    if (drv.driver < 0) {
        test_fail("no driver");

        return;
    }
    for (int i = 0; i < 4; i++) {
        if (test_thread_start(&t[i], one_byte_reader, &got[i]) < 0)
            return;
    }
    cairn_thread_sleep(100 * MS_NS);
    expect_ret("write", io_write("ABCD", 4), 4);
    for (int i = 0; i < 4; i++) {
        status = -1;
        expect_ret("a reader", test_thread_join(&t[i], 10 * SECOND, &status), 0);
        if (status != 1 || got[i] < 'A' || got[i] > 'D')
            test_fail("reader %d: %ld, '%c'", i, (long)status, got[i]);
        else
            seen |= 1u << (got[i] - 'A');
        test_thread_free(&t[i]);
    }
    if (seen != 0xf)
        test_fail("the readers got bytes %#x of ABCD, not each one once", seen);
}

static void
bad_requests_get_errors(void)
{
    uint8_t *buf = big_buf;
    struct proto_stat st;
    uint32_t len = 0;

    if (drv.driver < 0) {
        test_fail("no driver");

        return;
    }
    expect_ret("read of 0 bytes", io_read(buf, 0, 0), -CAIRN_EINVAL);
    expect_ret("read of 4097 bytes", io_call(PROTO_IO_READ, 4097, 0, NULL, 0, buf, 64, NULL),
               -CAIRN_EINVAL);
    expect_ret("read with unknown flags", io_read(buf, 4, 0x80), -CAIRN_EINVAL);
    expect_ret("write of nothing", io_write(buf, 0), -CAIRN_EINVAL);
    expect_ret("write with unknown flags", io_call(PROTO_IO_WRITE, 0, 6, "a", 1, NULL, 0, NULL),
               -CAIRN_EINVAL);
    expect_ret("seek", io_call(PROTO_IO_SEEK, 0, PROTO_SEEK_SET, NULL, 0, NULL, 0, NULL),
               -CAIRN_ESPIPE);
    expect_ret("tty_get", io_call(PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_ENOTTY);
    expect_ret("an unknown request", io_call(0x999, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_ENOSYS);
    expect_ret("a file-system request", io_call(0x201, 0, 0, "/x", 2, NULL, 0, NULL),
               -CAIRN_ENOSYS);
    expect_ret("dup", io_call(PROTO_IO_DUP, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("close", io_call(PROTO_IO_CLOSE, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("stat", io_call(PROTO_IO_STAT, 0, 0, NULL, 0, &st, sizeof(st), &len), 0);
    if (len != sizeof(st) || (st.mode & PROTO_S_IFMT) != PROTO_S_IFCHR)
        test_fail("stat: %u bytes, mode %#o", len, st.mode);

    /* A request carrying a handle is refused, and the driver keeps no copy
     * (the leak check at the driver's end counts the notification). */
    long n = cairn_notify_create();
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_IO_WRITE, 0, 0, 0, 0}, &ext};
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t) "h";
    ext.send_len = 1;
    ext.send_nhandles = 1;
    ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)n, CAIRN_RIGHTS_SAME, 0, 0};
    expect_ret("a write with a handle", cairn_ipc_call_timed(drv.driver, &msg, 10 * SECOND), 0);
    expect_ret("its reply", (long)msg.w[0], -CAIRN_EINVAL);
    /* and the driver still works */
    expect_ret("write", io_write("ok", 2), 2);
    if (io_read_all(buf, 2) == 0 && memcmp(buf, "ok", 2) != 0)
        test_fail("after the bad requests, read back %.2s", buf);
}

/* Starts another driver with the given ports (or none) and the COM2 irq
 * range; it must end with status 1 and register nothing. */
static void
expect_refusal(const char *why, long ports, const char *arg, const char *arg2)
{
    const char *const argv[] = {"serial", arg, arg2, NULL};
    static const uint32_t kinds[] = {PROTO_HANDLE_IRQ, PROTO_HANDLE_REGISTRY, PROTO_HANDLE_IOPORT};
    long handles[] = {drv.irqs, drv.registry_client, ports};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = ports >= 0 ? 3 : 2, .handle_kinds = kinds};
    uint64_t offset, size, badge;
    long image = test_program_image("serial", &offset, &size), p;
    int64_t status = -1;
    struct cairn_msg msg = {{0}, NULL};

    p = cairn_spawn(image, offset, size, &attr, NULL);
    if (p < 0) {
        test_fail("%s: spawn: %ld", why, p);
        return;
    }
    expect_ret(why, cairn_process_wait(p, 10 * SECOND, &status), 0);
    if (status != 1)
        test_fail("%s: the driver ended with %ld, not 1", why, (long)status);
    expect_ret("a registration from it", cairn_ipc_recv(drv.registry, &msg, 0, &badge),
               -CAIRN_ETIMEDOUT);
    cairn_handle_close(p);
}

static void
a_driver_refuses_com1_without_a_claim_missing_ports_and_bad_options(void)
{
    long com1 = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x3f8, 8);

    if (drv.irqs < 0 || com1 < 0) {
        test_fail("no irq range (%ld) or COM1 range (%ld)", drv.irqs, com1);
        return;
    }
    expect_refusal("COM1 without a claim", com1, "refused", NULL);
    expect_refusal("no I/O ports", -1, "refused", NULL);
    expect_refusal("an unknown option", drv.ports, "--bogus", NULL);
    expect_refusal("a speed that divides nothing", drv.ports, "--baud", "7");
    cairn_handle_close(com1);
}

static void
a_driver_given_the_irq_object_itself_works_too(void)
{
    static const char *const argv[] = {"serial", "--loopback", "--baud", "38400", NAME, NULL};
    static const uint32_t kinds[] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_IRQ, PROTO_HANDLE_REGISTRY};
    uint64_t offset, size, badge;
    long image = test_program_image("serial", &offset, &size), irq, err;
    int64_t status;
    uint8_t buf[8];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    if (drv.process < 0) {
        test_fail("no driver");
        return;
    }
    /* the first driver goes, its clients' calls fail */
    expect_ret("process_kill", cairn_process_kill(drv.process), 0);
    expect_ret("process_wait", cairn_process_wait(drv.process, 10 * SECOND, &status), 0);
    expect_ret("a request to the dead driver", io_call(PROTO_IO_WRITE, 0, 0, "x", 1, NULL, 0, NULL),
               -CAIRN_ECLOSED);
    cairn_handle_close(drv.process);
    cairn_handle_close(drv.driver);
    drv.process = drv.driver = -1;

    /* what init makes for a manifest's isa:3 */
    irq = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, COM2_IRQ, CAIRN_IRQ_ISA);
    if (irq < 0) {
        test_fail("irq_create(ISA 3): %ld", irq);
        return;
    }
    long handles[] = {drv.ports, irq, drv.registry_client};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 3, .handle_kinds = kinds};
    drv.process = cairn_spawn(image, offset, size, &attr, NULL);
    cairn_handle_close(irq);
    if (drv.process < 0) {
        test_fail("spawning the driver: %ld", drv.process);
        return;
    }
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = sizeof(buf);
    err = cairn_ipc_recv(drv.registry, &msg, 10 * SECOND, &badge);
    if (err < 0 || msg.w[0] != PROTO_REG_REGISTER || ext.recv_nhandles != 1) {
        test_fail("no registration from the second driver: %ld", err);
        return;
    }
    drv.driver = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
    expect_ret("write", io_write("irq obj", 7), 7);
    if (io_read_all(buf, 7) == 0 && memcmp(buf, "irq obj", 7) != 0)
        test_fail("read back \"%.7s\"", buf);
}

static void
the_driver_ends_and_leaves_nothing_behind(void)
{
    int64_t status;

    if (drv.process < 0) {
        test_fail("no driver");

        return;
    }
    expect_ret("process_kill", cairn_process_kill(drv.process), 0);
    expect_ret("process_wait", cairn_process_wait(drv.process, 10 * SECOND, &status), 0);
    /* its endpoint closed with it */
    expect_ret("a request to the dead driver", io_call(PROTO_IO_WRITE, 0, 0, "x", 1, NULL, 0, NULL),
               -CAIRN_ECLOSED);
    cairn_handle_close(drv.process);
    cairn_handle_close(drv.driver);
    cairn_handle_close(drv.registry_client);
    cairn_handle_close(drv.registry);
    cairn_handle_close(drv.irqs);
    cairn_handle_close(drv.ports);
    expect_stats(&drv.before, "after the driver ended");
}

static const struct usertest tests[] = {
    USERTEST(driver_starts_and_registers_its_endpoint),
    USERTEST(written_bytes_come_back_through_the_loopback),
    USERTEST(a_read_waits_until_data_comes),
    USERTEST(many_bytes_both_ways_arrive_whole_and_in_order),
    USERTEST(several_waiting_readers_are_each_served),
    USERTEST(bad_requests_get_errors),
    USERTEST(a_driver_refuses_com1_without_a_claim_missing_ports_and_bad_options),
    USERTEST(a_driver_given_the_irq_object_itself_works_too),
    USERTEST(the_driver_ends_and_leaves_nothing_behind),
};

int
main(void)
{
    return harness_run("serial", tests, sizeof(tests) / sizeof(tests[0]));
}
