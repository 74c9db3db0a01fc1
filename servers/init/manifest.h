/* SPDX-License-Identifier: MIT */
/*
 * init's service manifest: the plain-text file in the initfs that names
 * every server and driver init starts and every capability each one gets
 * (docs/init.md has the format; servers/init/services.example shows every
 * key). This is the parser alone, pure code over the caller's bytes: no
 * system calls, no allocation, no global state. The same file is built
 * into init and, with sanitizers, into the host test and the host fuzzer.
 *
 * The bytes are untrusted (anyone who builds an initfs writes them). The
 * parser reads each byte at most a bounded number of times and never past
 * len, bounds every table by the constants below, and checks the whole
 * manifest before it reports success: every line, then the references
 * between services (unknown or cyclic `after`, a registry name two
 * services register, a port, irq or physical range two services claim).
 * On any error it returns -CAIRN_EINVAL with the line and the reason in
 * the caller's struct manifest_error and leaves the struct manifest empty
 * (count 0), so a caller cannot start half of a bad manifest: init refuses
 * it whole.
 *
 * What success promises about the struct manifest:
 *   - count <= MANIFEST_SERVICES_MAX; service names are distinct;
 *   - every string is NUL-terminated inside its array and made of the
 *     characters its key allows; args holds argc words back to back;
 *   - every range has size >= 1 and lies inside its space: irq lines below
 *     MANIFEST_IRQ_LIMIT (GSIs, then the MSI slots; ISA lines below 16), ports below CAIRN_IOPORT_COUNT,
 *     physical memory page-aligned and below MANIFEST_PHYS_LIMIT; no two
 *     ranges of one kind overlap, within a service or across services;
 *   - no two services register the same name, nor share a device's grant
 *     (serial-console, framebuffer-console, framebuffer);
 *   - after[] holds indices of other services; order[] is a permutation
 *     of 0 .. count - 1 in which each service comes after every service
 *     its `after` names, otherwise in file order;
 *   - 1 <= quota <= MANIFEST_QUOTA_MAX, a multiple of 4 KiB, and
 *     quota_total is the exact sum (no overflow: count * MAX fits);
 *   - priority <= MANIFEST_PRIORITY_MAX;
 *   - programs holds at most a lookup list (name "programs", line of its
 *     header or 0), and a service is granted `programs` only when the
 *     manifest has a [programs] section.
 */
#ifndef CAIRN_SERVERS_INIT_MANIFEST_H
#define CAIRN_SERVERS_INIT_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/device.h>
#include <cairn/process.h>

#define MANIFEST_SERVICES_MAX 32  /* services in one manifest */
#define MANIFEST_NAME_MAX     31  /* bytes of a service or registry name */
#define MANIFEST_PATH_MAX     127 /* bytes of a program's initfs path */
#define MANIFEST_ARGS_MAX     16  /* words of args */
#define MANIFEST_ARGS_BYTES   256 /* args' words, each with its NUL */
#define MANIFEST_RANGES_MAX   8   /* entries of irq, ioport, memory each */
#define MANIFEST_NAMES_MAX    16  /* names of register, lookup, after each */
#define MANIFEST_LINE_MAX     512 /* bytes of a line, without its newline */
#define MANIFEST_MESSAGE_MAX  120 /* bytes of an error message, with its NUL */

/* The largest quota one service may ask for (1 TiB): far above any machine
 * Cairn runs on, low enough that the sum over every service cannot wrap. */
#define MANIFEST_QUOTA_MAX        (1ull << 40)
/* Physical addresses end below 2^52, the architectural limit of x86_64. */
#define MANIFEST_PHYS_LIMIT       (1ull << 52)
/* A service runs below init (CAIRN_PRIORITY_USER_MAX), so a service that
 * spins can never keep its supervisor from restarting it. */
#define MANIFEST_PRIORITY_MAX     (CAIRN_PRIORITY_USER_MAX - 1)
#define MANIFEST_PRIORITY_DEFAULT CAIRN_PRIORITY_DEFAULT
#define MANIFEST_ISA_IRQS         16
/* irq numbers: the GSIs, then the MSI slots (include/cairn/device.h), so
 * that a bus driver can be granted `irq = 192-207` to make MSIs from. */
#define MANIFEST_IRQ_LIMIT        (CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT)
/* The registry client number of the [programs] section: past every service. */
#define MANIFEST_CLIENT_PROGRAMS  MANIFEST_SERVICES_MAX

enum manifest_restart {
    MANIFEST_RESTART_ON_FAILURE = 0, /* the default: after a crash or a non-zero exit */
    MANIFEST_RESTART_ALWAYS,         /* after any end, a clean exit too */
    MANIFEST_RESTART_NEVER,
};

/* struct manifest_service.grants: what `grant` hands over besides the
 * ranges (docs/init.md). */
#define MANIFEST_GRANT_INITFS              1u   /* the initfs module, read-only */
#define MANIFEST_GRANT_LOG                 2u   /* the kernel log (the console, READ only) */
#define MANIFEST_GRANT_SERIAL_CONSOLE      4u   /* COM1 claimed from the kernel's console */
#define MANIFEST_GRANT_FRAMEBUFFER_CONSOLE 8u   /* the framebuffer claimed likewise */
#define MANIFEST_GRANT_FRAMEBUFFER         16u  /* the framebuffer's memory and geometry */
#define MANIFEST_GRANT_PROGRAMS            32u  /* a registry handle for the programs it starts */
#define MANIFEST_GRANT_BOOTINFO            64u  /* the boot information, read-only */
#define MANIFEST_GRANT_ACPI_POWER          128u /* the FADT's PM1 and reset ports, a copy */
                                                /* of the FADT and DSDT (proto/power.h) */
#define MANIFEST_GRANT_ECAM                256u /* PCIe configuration space and the boot information */
#define MANIFEST_GRANT_QUOTA               512u /* its own quota, to carve its programs' from */

/* An irq entry is a range of GSIs, or one ISA line whose GSI the MADT picks. */
#define MANIFEST_IRQ_GSI 0u
#define MANIFEST_IRQ_ISA 1u

/* [base, base + size) in its space; kind is MANIFEST_IRQ_* for irq entries, else 0. */
struct manifest_range {
    uint64_t base;
    uint64_t size;
    uint32_t kind;
};

struct manifest_service {
    char name[MANIFEST_NAME_MAX + 1];
    char program[MANIFEST_PATH_MAX + 1]; /* the initfs member, e.g. "serial" or "bin/serial" */
    char args[MANIFEST_ARGS_BYTES];      /* argc words, each NUL-terminated, back to back */
    uint32_t argc;
    uint32_t line; /* of the [service NAME] header, for init's log lines */

    struct manifest_range irq[MANIFEST_RANGES_MAX];
    struct manifest_range ioport[MANIFEST_RANGES_MAX];
    struct manifest_range memory[MANIFEST_RANGES_MAX];
    uint32_t irq_count, ioport_count, memory_count;

    char register_names[MANIFEST_NAMES_MAX][MANIFEST_NAME_MAX + 1];
    char lookup_names[MANIFEST_NAMES_MAX][MANIFEST_NAME_MAX + 1];
    char after_names[MANIFEST_NAMES_MAX][MANIFEST_NAME_MAX + 1];
    uint32_t register_count, lookup_count, after_count;
    uint8_t after[MANIFEST_NAMES_MAX]; /* after_names resolved: indices into service[] */

    uint64_t quota; /* bytes */
    uint32_t priority;
    enum manifest_restart restart;
    uint32_t grants; /* MANIFEST_GRANT_* */
};

struct manifest {
    struct manifest_service service[MANIFEST_SERVICES_MAX];
    uint32_t count;
    /* The [programs] section: what every program a service granted
     * `programs` starts may look up (only its lookup list is set; line 0
     * and no names when the manifest has none). Its registry client number
     * is MANIFEST_CLIENT_PROGRAMS. */
    struct manifest_service programs;
    uint8_t order[MANIFEST_SERVICES_MAX]; /* the start order: indices into service[] */
    uint64_t quota_total;                 /* the sum of every service's quota */
};

struct manifest_error {
    uint32_t line; /* 1-based; 0 when the error belongs to no line */
    char message[MANIFEST_MESSAGE_MAX];
};

/*
 * Parse the len bytes at text into *m. Returns 0, or -CAIRN_EINVAL with
 * *err set and *m emptied (count 0). text need not be NUL-terminated; a NUL
 * byte inside it is an error. Neither m nor err may be NULL.
 */
int manifest_parse(const char *text, size_t len, struct manifest *m, struct manifest_error *err);

/* The i-th word of s's args (i < s->argc), or NULL. */
const char *manifest_arg(const struct manifest_service *s, uint32_t i);

/* The restart policy's name as the manifest spells it ("on-failure" ...). */
const char *manifest_restart_name(enum manifest_restart r);

#endif
