// SPDX-License-Identifier: MIT
/*
 * init as supervisor and registry (services.h, docs/init.md).
 *
 * One thread does all of it, in one loop around one receive: requests on
 * the registry's endpoint, and the ends of services, which reach that
 * receive through a notification bound to the thread (each service's
 * process watched on the bit of its index: MANIFEST_SERVICES_MAX is 32,
 * so every service has a bit of its own). The receive's time limit is the
 * earliest of a waiting lookup's deadline and a restart's due time. So
 * init needs no thread per service and no polling, and nothing a service
 * does can block it: every answer is a reply, never a call into a
 * service.
 *
 * What a service gets is made once, when init reads the manifest, and
 * kept by init for the service's restarts: the irq, port and physical
 * ranges carved from init's roots, its quota carved from init's, its
 * badged handle to the registry. Only a console claim is made afresh for
 * each start and then held by the service alone, so that the kernel gets
 * the device back the moment the service dies.
 *
 * Invariants: services[i].process >= 0 exactly while service i runs (its
 * end not yet taken with process_wait); a service that is not running
 * has restart_at != 0 if and only if it is due to start again; the
 * registry holds no entry or waiter of a service that is not running.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/console.h>
#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/registry.h>
#include <proto/service.h>

#include <tar/tar.h>

#include "acpipower.h"
#include "registry.h"
#include "services.h"

#define MS_NS                 1000000ull
#define SERVICE_BACKOFF_MIN   (100 * MS_NS)
#define SERVICE_BACKOFF_MAX   (10000 * MS_NS)
/* A service that ran this long before it ended was not crashing in a
 * loop: its back-off starts over. */
#define SERVICE_STABLE        (30000 * MS_NS)
#define SERVICE_GRANTS_MAX    (3 * MANIFEST_RANGES_MAX + 10 + ACPI_POWER_PORTS_MAX)
/* The rights a client's copy of a registered endpoint has: to call it and
 * to pass it on, never to receive from it. */
#define SERVICE_CLIENT_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

struct service {
    const struct manifest_service *m;
    long process;  /* while running, else -1 */
    long registry; /* its badged handle to the registry (badge index + 1) */
    long quota;
    long grant[SERVICE_GRANTS_MAX];
    uint32_t kind[SERVICE_GRANTS_MAX]; /* enum proto_handle_kind */
    uint32_t ngrants;
    uint32_t failures;       /* ends in a row that came before SERVICE_STABLE */
    uint64_t started;        /* when it last started */
    uint64_t restart_at;     /* when to start it again; 0: not due */
    volatile uint32_t ends;  /* how many times it has ended, for a test boot */
    volatile int64_t status; /* its last end's status */
};

static struct manifest services_manifest;
static struct service services[MANIFEST_SERVICES_MAX];
static struct registry services_registry;
static long services_ep = -1, services_exits = -1;
/* What a lookup of `services` hands out: init's endpoint with a badge of
 * its own (proto/service.h), past every client's. */
#define SERVICES_CONTROL_BADGE ((uint64_t)MANIFEST_CLIENT_PROGRAMS + 2)
static long services_control = -1;
static const uint8_t *services_initfs;
static uint64_t services_initfs_size;
static long services_initfs_handle = -1;

/* --- the initfs ------------------------------------------------------------------------- */

/* The member called name: 1 with its offset and size, else 0. */
static int
services_find_member(const char *name, uint64_t *offset, uint64_t *size)
{
    struct tar_member m;
    struct tar_iter it;

    tar_iter_init(&it, services_initfs, services_initfs_size);
    while (tar_iter_next(&it, &m) == 1) {
        if (m.type == '0' && strcmp(m.name, name) == 0) {
            *offset = m.offset;
            *size = m.size;
            return 1;
        }
    }
    return 0;
}

/* The program of a manifest entry: the member it names, or bin/ and it. */
static int
services_find_program(const char *program, uint64_t *offset, uint64_t *size)
{
    char path[MANIFEST_PATH_MAX + 5];

    if (services_find_member(program, offset, size))
        return 1;
    snprintf(path, sizeof(path), "bin/%s", program);
    return services_find_member(path, offset, size);
}

/* Maps the initfs module read-only. 0, or a negative code. */
static long
services_map_initfs(void)
{
    uint64_t size = 0;
    long h = cairn_boot_module("initfs", &size), at;

    if (h < 0)
        return h;
    at = cairn_vm_map(h, 0, (size + 4095) & ~4095ull, 0, CAIRN_PROT_READ, 0);
    if (at < 0)
        return at;
    services_initfs = (const uint8_t *)at;
    services_initfs_size = size;
    services_initfs_handle = h;
    return 0;
}

/* --- what a service gets ---------------------------------------------------------------- */

static void
services_add_grant(struct service *s, long h, uint32_t kind, const char *what)
{
    if (h < 0) {
        printf("init: %s: cannot grant %s: %s\n", s->m->name, what, cairn_strerror((int)h));
        return;
    }
    s->grant[s->ngrants] = h;
    s->kind[s->ngrants++] = kind;
}

/* `grant = framebuffer`: the framebuffer's memory object the kernel gave
 * init, and the boot information read-only, which tells its geometry
 * (include/cairn/bootinfo.h); nothing when the machine has none. */
static void
services_grant_framebuffer(struct service *s)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    if (!bi || bi->fb.handle < 0) {
        printf("init: %s: no framebuffer to grant\n", s->m->name);
        return;
    }
    services_add_grant(s,
                       cairn_handle_dup(bi->fb.handle, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE |
                                                           CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                                           CAIRN_RIGHT_TRANSFER),
                       PROTO_HANDLE_FRAMEBUFFER, "the framebuffer");
    services_add_grant(s,
                       cairn_handle_dup(CAIRN_INIT_HANDLE_BOOTINFO,
                                        CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE |
                                            CAIRN_RIGHT_TRANSFER),
                       PROTO_HANDLE_BOOTINFO, "the boot information");
}

/* `grant = acpi-power`: a copy of the FADT and DSDT and the FADT's ports
 * (acpipower.c); on a machine without ACPI, nothing but a log line. */
static void
services_grant_acpi_power(struct service *s, uint32_t i)
{
    struct acpi_power_grant g;

    acpi_power_prepare(&services_manifest, i, &g);
    if (g.copy >= 0)
        services_add_grant(s, g.copy, PROTO_HANDLE_ACPI, "the ACPI tables");
    for (uint32_t p = 0; p < g.nports; p++)
        services_add_grant(s, g.ports[p], PROTO_HANDLE_IOPORT, "the ACPI ports");
}

/* `grant = ecam`: PCIe configuration space, the memory object the kernel
 * made over segment 0's ECAM from ACPI's MCFG, and the boot information
 * read-only, which tells the buses it decodes; nothing when the machine
 * has none (the PCI bus server then uses the legacy ports alone). */
static void
services_grant_ecam(struct service *s)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    if (!bi || bi->acpi.ecam_handle < 0) {
        printf("init: %s: no ECAM to grant\n", s->m->name);
        return;
    }
    services_add_grant(s,
                       cairn_handle_dup(bi->acpi.ecam_handle,
                                        CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP |
                                            CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
                       PROTO_HANDLE_ECAM, "the ECAM");
    if (!(s->m->grants & (MANIFEST_GRANT_FRAMEBUFFER | MANIFEST_GRANT_BOOTINFO)))
        /* those give it already */
        services_add_grant(s,
                           cairn_handle_dup(CAIRN_INIT_HANDLE_BOOTINFO,
                                            CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP |
                                                CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
                           PROTO_HANDLE_BOOTINFO, "the boot information");
}

/* Carves everything service i is granted, once. */
static void
services_prepare(uint32_t i)
{
    struct service *s = &services[i];
    const struct manifest_service *m = &services_manifest.service[i];

    memset(s, 0, sizeof(*s));
    s->m = m;
    s->process = -1;
    s->registry = cairn_handle_mint(services_ep, SERVICE_CLIENT_RIGHTS, (uint64_t)i + 1);
    s->quota = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, m->quota);
    if (s->quota < 0)
        printf("init: %s: no quota of %llu bytes: %s\n", m->name, (unsigned long long)m->quota,
               cairn_strerror((int)s->quota));
    for (uint32_t r = 0; r < m->irq_count; r++) {
        const struct manifest_range *q = &m->irq[r];
        long h = q->kind == MANIFEST_IRQ_ISA
                     ? cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, q->base, CAIRN_IRQ_ISA)
                     : cairn_resource_create(CAIRN_INIT_HANDLE_IRQ_ROOT, q->base, q->size);

        services_add_grant(s, h, PROTO_HANDLE_IRQ, "an irq line");
    }
    for (uint32_t r = 0; r < m->ioport_count; r++)
        services_add_grant(s,
                           cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, m->ioport[r].base,
                                                 m->ioport[r].size),
                           PROTO_HANDLE_IOPORT, "ports");
    for (uint32_t r = 0; r < m->memory_count; r++)
        services_add_grant(s,
                           cairn_resource_create(CAIRN_INIT_HANDLE_PHYS_ROOT, m->memory[r].base,
                                                 m->memory[r].size),
                           PROTO_HANDLE_MEMORY, "memory");
    if (m->grants & MANIFEST_GRANT_INITFS)
        services_add_grant(s,
                           cairn_handle_dup(services_initfs_handle,
                                            CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP |
                                                CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
                           PROTO_HANDLE_INITFS, "the initfs");
    if (m->grants & MANIFEST_GRANT_LOG)
        services_add_grant(s,
                           cairn_handle_dup(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_RIGHT_READ |
                                                                           CAIRN_RIGHT_DUPLICATE |
                                                                           CAIRN_RIGHT_TRANSFER),
                           PROTO_HANDLE_LOG, "the kernel log");
    if (m->grants & MANIFEST_GRANT_FRAMEBUFFER)
        services_grant_framebuffer(s);
    if (m->grants & MANIFEST_GRANT_BOOTINFO)
        services_add_grant(s,
                           cairn_handle_dup(CAIRN_INIT_HANDLE_BOOTINFO,
                                            CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP |
                                                CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
                           PROTO_HANDLE_BOOTINFO, "the boot information");
    if (m->grants & MANIFEST_GRANT_ECAM)
        services_grant_ecam(s);
    if (m->grants & MANIFEST_GRANT_PROGRAMS)
        services_add_grant(s,
                           cairn_handle_mint(services_ep, SERVICE_CLIENT_RIGHTS,
                                             (uint64_t)MANIFEST_CLIENT_PROGRAMS + 1),
                           PROTO_HANDLE_PROGRAMS, "the programs' registry");
    if (m->grants & MANIFEST_GRANT_ACPI_POWER)
        services_grant_acpi_power(s, i);
    if ((m->grants & MANIFEST_GRANT_QUOTA) && s->quota >= 0)
        services_add_grant(s,
                           cairn_handle_dup(s->quota, CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE |
                                                          CAIRN_RIGHT_DUPLICATE |
                                                          CAIRN_RIGHT_TRANSFER),
                           PROTO_HANDLE_QUOTA, "its quota");
}

/* --- starting and ending ---------------------------------------------------------------- */

/* Starts service i now. On failure it is due again after its back-off,
 * as if it had crashed at once. */
static void services_ended(uint32_t i, int64_t status, uint64_t now);

static void
services_start(uint32_t i)
{
    static const char *const envp[] = {"PWD=/", NULL};
    struct service *s = &services[i];
    const struct manifest_service *m = s->m;
    const char *argv[MANIFEST_ARGS_MAX + 2];
    long handles[SERVICE_GRANTS_MAX + 2], claim = -1, process;
    uint32_t kinds[SERVICE_GRANTS_MAX + 2], n = 0;
    uint64_t offset, size, device = 0;
    struct cairn_spawn_attr attr;
    long thread = -1;

    s->restart_at = 0;
    s->started = cairn_clock_get();
    if (!services_find_program(m->program, &offset, &size)) {
        printf("init: %s: no program %s in the initfs\n", m->name, m->program);
        services_ended(i, -CAIRN_ENOENT, s->started);
        return;
    }
    argv[0] = m->name;
    for (uint32_t a = 0; a < m->argc; a++)
        argv[a + 1] = manifest_arg(m, a);
    argv[m->argc + 1] = NULL;
    handles[n] = s->registry;
    kinds[n++] = PROTO_HANDLE_REGISTRY;
    for (uint32_t g = 0; g < s->ngrants; g++) {
        handles[n] = s->grant[g];
        kinds[n++] = s->kind[g];
    }
    if (m->grants & MANIFEST_GRANT_SERIAL_CONSOLE)
        device = CAIRN_CONSOLE_SERIAL;
    else if (m->grants & MANIFEST_GRANT_FRAMEBUFFER_CONSOLE)
        device = CAIRN_CONSOLE_FRAMEBUFFER;
    if (device) {
        claim = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, device);
        if (claim >= 0) {
            handles[n] = claim;
            kinds[n++] = PROTO_HANDLE_CLAIM;
        } else {
            printf("init: %s: cannot claim the console: %s\n", m->name, cairn_strerror((int)claim));
        }
    }
    memset(&attr, 0, sizeof(attr));
    attr.argv = argv;
    attr.envp = envp;
    attr.handles = handles;
    attr.handle_kinds = kinds;
    attr.nhandles = n;
    attr.priority = m->priority ? m->priority : 1;
    attr.quota = s->quota > 0 ? s->quota : 0;
    process = cairn_spawn(services_initfs_handle, offset, size, &attr, &thread);
    /* The claim is the service's alone: the kernel gets the device back
     * when the service ends. */
    if (claim >= 0)
        cairn_handle_close(claim);
    if (process < 0) {
        printf("init: %s: cannot start %s: %s\n", m->name, m->program,
               cairn_strerror((int)process));
        services_ended(i, process, s->started);
        return;
    }
    if (m->priority == 0)
        cairn_thread_set_prio(thread, 0);
    cairn_handle_close(thread);
    cairn_process_set_name(process, m->name, strlen(m->name));
    cairn_process_watch(process, services_exits, 1ull << i);
    s->process = process;
    printf("cairn: init: %s started\n", m->name);
}

/* Service i is not running any more (it ended with status, or could not
 * start): its names go, and it is due again if its policy says so. */
static void
services_ended(uint32_t i, int64_t status, uint64_t now)
{
    struct service *s = &services[i];
    long close[MANIFEST_NAMES_MAX], replies[REGISTRY_WAITERS_MAX];
    uint32_t nreplies, n;
    int again;
    uint64_t delay;

    s->status = status;
    s->ends++;
    n = registry_withdraw(&services_registry, i, close, replies, &nreplies);
    for (uint32_t k = 0; k < n; k++)
        cairn_handle_close(close[k]);
    for (uint32_t k = 0; k < nreplies; k++)
        cairn_handle_close(replies[k]);
    if (s->process >= 0) {
        cairn_handle_close(s->process);
        s->process = -1;
    }
    again = s->m->restart == MANIFEST_RESTART_ALWAYS ||
            (s->m->restart == MANIFEST_RESTART_ON_FAILURE && status != 0);
    if (!again) {
        printf("init: %s ended with status %lld\n", s->m->name, (long long)status);
        return;
    }
    if (now - s->started >= SERVICE_STABLE)
        s->failures = 0;
    delay = s->failures >= 7 ? SERVICE_BACKOFF_MAX : SERVICE_BACKOFF_MIN << s->failures;
    if (delay > SERVICE_BACKOFF_MAX)
        delay = SERVICE_BACKOFF_MAX;
    s->failures++;
    s->restart_at = now + delay;
    printf("init: %s ended with status %lld; restarting in %llu ms\n", s->m->name,
           (long long)status, (unsigned long long)(delay / MS_NS));
}

/* The bits of an exit notice: take the end of each service on them. */
static void
services_reap(uint64_t bits)
{
    uint64_t now = cairn_clock_get();

    for (uint32_t i = 0; i < services_manifest.count; i++) {
        int64_t status = 0;

        if (!(bits & (1ull << i)) || services[i].process < 0)
            continue;
        if (cairn_process_wait(services[i].process, 0, &status) == 0)
            services_ended(i, status, now);
    }
}

/* --- the registry's requests ------------------------------------------------------------ */

/* Answers a saved reply (a waiting lookup): with a copy of endpoint, or
 * with err when endpoint < 0. The reply object is used up either way. */
static void
services_answer(long reply, long endpoint, long err)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{(uint64_t)err, 0, 0, 0, 0}, NULL};

    if (endpoint >= 0) {
        memset(&ext, 0, sizeof(ext));
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)endpoint, SERVICE_CLIENT_RIGHTS,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
        msg.ext = &ext;
        msg.w[0] = 0;
    }
    if (cairn_ipc_reply_to(reply, &msg) < 0)
        cairn_handle_close(reply);
}

/* The reply to the request in hand: err, or 0 with a copy of endpoint. */
static void
services_reply(long endpoint, long err)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{(uint64_t)err, 0, 0, 0, 0}, NULL};

    if (endpoint >= 0 && err == 0) {
        memset(&ext, 0, sizeof(ext));
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)endpoint, SERVICE_CLIENT_RIGHTS,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
        msg.ext = &ext;
    }
    cairn_ipc_reply(&msg);
}

/* Is h an endpoint a client may be handed copies of? */
static int
services_endpoint_ok(long h)
{
    struct cairn_handle_info info;

    return cairn_handle_info(h, &info) == 0 && info.type == CAIRN_OBJ_ENDPOINT &&
           (info.rights & SERVICE_CLIENT_RIGHTS) == SERVICE_CLIENT_RIGHTS;
}

static void
services_register(uint32_t client, const char *name, size_t len, long h)
{
    struct registry_effects fx;
    long err;

    if (h < 0 || !services_endpoint_ok(h)) {
        if (h >= 0)
            cairn_handle_close(h);
        services_reply(-1, -CAIRN_EINVAL);
        return;
    }
    err = registry_register(&services_registry, client, name, len, h, &fx);
    if (err < 0) {
        cairn_handle_close(h);
        services_reply(-1, err);
        return;
    }
    services_reply(-1, 0);
    for (uint32_t k = 0; k < fx.nanswer; k++)
        services_answer(fx.answer[k], fx.endpoint, 0);
    if (fx.close >= 0)
        cairn_handle_close(fx.close);
}

static void
services_lookup(uint32_t client, const char *name, size_t len, uint64_t wait)
{
    long endpoint = -1, err, reply;
    uint64_t now, deadline;

    if (len == sizeof(PROTO_SVC_NAME) - 1 && memcmp(name, PROTO_SVC_NAME, len) == 0) {
        /* init's own name: nobody registers it, so the table says only
         * whether the client may look it up (-EPERM) or not (-ENOENT). */
        err = registry_lookup(&services_registry, client, name, len, 0, &endpoint);
        services_reply(err == -CAIRN_EPERM ? -1 : services_control, err == -CAIRN_EPERM ? err
                                                                    : services_control < 0
                                                                        ? services_control
                                                                        : 0);
        return;
    }
    if (client == MANIFEST_CLIENT_PROGRAMS && wait > REGISTRY_PROGRAM_WAIT_MAX)
        wait = REGISTRY_PROGRAM_WAIT_MAX;
    err = registry_lookup(&services_registry, client, name, len, wait, &endpoint);
    if (err != 0) {
        services_reply(endpoint, err < 0 ? err : 0);
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0)
        return; /* the caller is gone */
    now = cairn_clock_get();
    deadline = wait > UINT64_MAX - now ? UINT64_MAX : now + wait;
    err = registry_wait(&services_registry, client, name, len, reply, deadline);
    if (err < 0)
        services_answer(reply, -1, err);
}

/* --- the services, seen from outside (proto/service.h) ------------------------------------ */

static void
services_reply_buf(long value, const void *buf, size_t len)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{(uint64_t)value, 0, 0, 0, 0}, &ext};

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)buf;
    ext.send_len = (uint32_t)len;
    cairn_ipc_reply(&msg);
}

static void
services_control_request(const struct cairn_msg *msg, const char *name, size_t len)
{
    if (msg->w[0] == PROTO_SVC_LIST) {
        struct proto_svc_info info;
        uint64_t index = msg->w[1], now = cairn_clock_get();
        const struct service *s;

        if (index >= services_manifest.count) {
            services_reply_buf(0, NULL, 0);
            return;
        }
        s = &services[index];
        memset(&info, 0, sizeof(info));
        memcpy(info.name, s->m->name, strlen(s->m->name));
        info.state = s->process >= 0 ? PROTO_SVC_RUNNING
                     : s->restart_at ? PROTO_SVC_STARTING
                                     : PROTO_SVC_STOPPED;
        info.ends = s->ends;
        info.last_status = s->status;
        info.started_ns = s->started;
        info.restart_in_ns = s->restart_at > now ? s->restart_at - now : 0;
        if (s->process >= 0) {
            struct cairn_process_info pi;

            if (cairn_process_info(s->process, &pi) == 0)
                info.pid = pi.pid;
        }
        services_reply_buf(1, &info, sizeof(info));
    } else if (msg->w[0] == PROTO_SVC_KILL) {
        uint32_t i;

        for (i = 0; i < services_manifest.count; i++) {
            const char *n = services[i].m->name;

            if (strlen(n) == len && memcmp(n, name, len) == 0)
                break;
        }
        if (i == services_manifest.count)
            services_reply(-1, -CAIRN_ENOENT);
        else if (services[i].process < 0)
            services_reply(-1, -CAIRN_ESRCH);
        else
            services_reply(-1, cairn_process_kill(services[i].process));
    } else {
        services_reply(-1, -CAIRN_ENOSYS);
    }
}

/* One request from the service with badge (its index + 1), or from a
 * program (MANIFEST_CLIENT_PROGRAMS + 1). */
static void
services_request(uint64_t badge, struct cairn_msg *msg, struct cairn_msg_ext *ext, const char *name,
                 long received)
{
    uint32_t client = (uint32_t)(badge - 1);
    size_t len = ext->recv_len;

    if (badge == SERVICES_CONTROL_BADGE) {
        for (uint32_t k = 0; k < ext->recv_nhandles && k < CAIRN_MSG_HANDLES; k++)
            cairn_handle_close(ext->recv_handles[k]);
        if (received == CAIRN_MSG_TRUNCATED)
            services_reply(-1, -CAIRN_EINVAL);
        else
            services_control_request(msg, name, len);
        return;
    }
    if (badge == 0 ||
        (badge > services_manifest.count && badge != (uint64_t)MANIFEST_CLIENT_PROGRAMS + 1)) {
        if (ext->recv_nhandles)
            cairn_handle_close(ext->recv_handles[0]);
        services_reply(-1, -CAIRN_EPERM);
        return;
    }
    if (received == CAIRN_MSG_TRUNCATED) {
        for (uint32_t k = 0; k < ext->recv_nhandles && k < CAIRN_MSG_HANDLES; k++)
            cairn_handle_close(ext->recv_handles[k]);
        services_reply(-1, -CAIRN_EINVAL);
        return;
    }
    if (msg->w[0] == PROTO_REG_REGISTER) {
        services_register(client, name, len, ext->recv_nhandles ? ext->recv_handles[0] : -1);
        for (uint32_t k = 1; k < ext->recv_nhandles && k < CAIRN_MSG_HANDLES; k++)
            cairn_handle_close(ext->recv_handles[k]);
        return;
    }
    for (uint32_t k = 0; k < ext->recv_nhandles && k < CAIRN_MSG_HANDLES; k++)
        cairn_handle_close(ext->recv_handles[k]);
    if (msg->w[0] == PROTO_REG_LOOKUP)
        services_lookup(client, name, len, msg->w[1]);
    else
        services_reply(-1, -CAIRN_ENOSYS);
}

/* --- the loop --------------------------------------------------------------------------- */

/* Answers the lookups whose time is up and starts the services that are due. */
static uint64_t
services_due(void)
{
    uint64_t now = cairn_clock_get(), next;
    long expired[REGISTRY_WAITERS_MAX];
    uint32_t n = registry_expire(&services_registry, now, expired, REGISTRY_WAITERS_MAX);

    for (uint32_t k = 0; k < n; k++)
        services_answer(expired[k], -1, -CAIRN_ETIMEDOUT);
    for (uint32_t i = 0; i < services_manifest.count; i++) {
        if (services[i].restart_at && services[i].restart_at <= now)
            services_start(i);
    }
    next = registry_next_deadline(&services_registry);
    for (uint32_t i = 0; i < services_manifest.count; i++) {
        if (services[i].restart_at && services[i].restart_at < next)
            next = services[i].restart_at;
    }
    return next;
}

static _Noreturn void
services_serve(void)
{
    static char name[PROTO_REG_NAME_MAX + 1];

    for (;;) {
        uint64_t next = services_due(), now = cairn_clock_get(), badge = 0;
        uint64_t timeout = next == UINT64_MAX ? CAIRN_WAIT_FOREVER : next > now ? next - now : 0;
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};
        long got;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)name;
        ext.recv_cap = PROTO_REG_NAME_MAX;
        got = cairn_ipc_recv(services_ep, &msg, timeout, &badge);
        if (got == -CAIRN_ETIMEDOUT)
            continue;
        if (got == CAIRN_IPC_NOTIFIED) {
            services_reap(badge);
            continue;
        }
        if (got < 0) {
            printf("init: the registry's receive failed: %s\n", cairn_strerror((int)got));
            continue;
        }
        services_request(badge, &msg, &ext, name, got);
    }
}

/* Reads and checks the manifest, makes the registry and every service's
 * grants, and starts the services in order. 0, or services_run's value. */
static int
services_setup(const char *path)
{
    static struct manifest_error err;
    uint64_t offset, size;
    long bound;

    if (services_map_initfs() < 0) {
        printf("init: no initfs: no services\n");
        return 0;
    }
    if (!services_find_member(path, &offset, &size)) {
        printf("init: no %s in the initfs: no services\n", path);
        return 0;
    }
    if (manifest_parse((const char *)services_initfs + offset, size, &services_manifest, &err) <
        0) {
        printf("init: %s line %u: %s; no services started\n", path, err.line, err.message);
        return 1;
    }
    if (services_manifest.count == 0)
        return 0;
    services_ep = cairn_endpoint_create();
    services_exits = cairn_notify_create();
    bound = services_exits < 0 ? services_exits : cairn_notify_bind(services_exits);
    if (services_ep < 0 || bound < 0) {
        printf("init: cannot make the registry: %s\n",
               cairn_strerror((int)(services_ep < 0 ? services_ep : bound)));
        return 1;
    }
    registry_init(&services_registry, &services_manifest);
    services_control =
        cairn_handle_mint(services_ep, SERVICE_CLIENT_RIGHTS, SERVICES_CONTROL_BADGE);
    for (uint32_t i = 0; i < services_manifest.count; i++)
        services_prepare(i);
    for (uint32_t k = 0; k < services_manifest.count; k++)
        services_start(services_manifest.order[k]);
    return -1;
}

/* services_start_background's thread: the binding is the receiving
 * thread's, so it sets everything up itself, tells the starter how that
 * went, and serves. */
static volatile int services_setup_result;

static const char *services_background_path;

static long
services_thread(void *arg)
{
    long ready = *(long *)arg;
    int ret = services_setup(services_background_path);

    services_setup_result = ret;
    cairn_notify_signal(ready, 1);
    if (ret >= 0)
        return ret;
    services_serve();
}

int
services_start_background(const char *path)
{
    enum {
        STACK = 64 * 1024
    };
    static long ready;
    uint64_t bits = 0;
    long stack, thread;

    services_background_path = path;
    ready = cairn_notify_create();
    stack = cairn_memobj_create(STACK, 0);
    stack =
        stack < 0 ? stack : cairn_vm_map(stack, 0, STACK, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (ready < 0 || stack < 0)
        return 1;
    thread = cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, services_thread, &ready,
                                    (void *)(stack + STACK), CAIRN_PRIORITY_USER_MAX);
    if (thread < 0 || cairn_thread_start(thread) < 0)
        return 1;
    cairn_notify_wait(ready, CAIRN_WAIT_FOREVER, &bits);
    return services_setup_result < 0 ? 0 : services_setup_result;
}

int
services_run(const char *path)
{
    int ret = services_setup(path);

    if (ret >= 0)
        return ret;
    services_serve();
}

int
services_wait_ended(const char *name, uint64_t timeout_ns, int64_t *status)
{
    uint64_t start = cairn_clock_get();

    for (uint32_t i = 0; i < services_manifest.count; i++) {
        if (strcmp(services_manifest.service[i].name, name) != 0)
            continue;
        /* A state to reach, looked at every 10 ms: the supervisor's thread
         * takes the end, this one only reads what it wrote. */
        while (services[i].ends == 0) {
            if (cairn_clock_get() - start >= timeout_ns)
                return -CAIRN_ETIMEDOUT;
            cairn_thread_sleep(10 * MS_NS);
        }
        *status = services[i].status;
        return 0;
    }
    return -CAIRN_ENOENT;
}
