// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for init's service manifest parser (servers/init/manifest.c).
 *
 * The input is the manifest, parsed from an exactly-sized heap copy.
 * Beyond "no crash, no read outside the input, it returns", every promise
 * of manifest.h is checked:
 *   - the result is 0 or -CAIRN_EINVAL; a refusal leaves the manifest all
 *     zero and names a line of the input (1 .. the number of lines) with a
 *     non-empty NUL-terminated message;
 *   - an accepted manifest has at most MANIFEST_SERVICES_MAX services with
 *     distinct valid names; NUL-terminated strings of allowed characters;
 *     ranges non-empty, inside their space and pairwise disjoint per kind;
 *     registry names owned once; after[] pointing at other services and
 *     order[] a permutation in which each service follows its `after`s;
 *     quotas in range and quota_total their sum;
 *   - writing an accepted manifest back out as text (a plain writer below)
 *     and parsing that gives the same manifest: what the parser accepted
 *     is exactly what it read.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "fuzz.h"
#include "servers/init/manifest.h"

static struct manifest m, again;
static struct manifest_error err;

static int
name_ok(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    if (n == 0 || n > MANIFEST_NAME_MAX || s[0] < 'a' || s[0] > 'z')
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static void
check_ranges(const struct manifest_range *r, uint32_t n, uint64_t limit, int irq)
{
    FUZZ_CHECK(n <= MANIFEST_RANGES_MAX);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t lim = irq && r[i].kind == MANIFEST_IRQ_ISA ? MANIFEST_ISA_IRQS : limit;

        FUZZ_CHECK(r[i].kind == 0 || (irq && r[i].kind == MANIFEST_IRQ_ISA));
        FUZZ_CHECK(r[i].size >= 1 && r[i].base < lim && r[i].size <= lim - r[i].base);
        if (r[i].kind == MANIFEST_IRQ_ISA)
            FUZZ_CHECK(r[i].size == 1);
    }
}

/* No two ranges of one kind overlap, across all services. */
static void
check_disjoint(int which)
{
    for (uint32_t i = 0; i < m.count; i++) {
        const struct manifest_service *s = &m.service[i];
        const struct manifest_range *ra = which == 0 ? s->irq : which == 1 ? s->ioport : s->memory;
        uint32_t na = which == 0 ? s->irq_count : which == 1 ? s->ioport_count : s->memory_count;

        for (uint32_t j = 0; j < m.count; j++) {
            const struct manifest_service *t = &m.service[j];
            const struct manifest_range *rb = which == 0   ? t->irq
                                              : which == 1 ? t->ioport
                                                           : t->memory;
            uint32_t nb = which == 0   ? t->irq_count
                          : which == 1 ? t->ioport_count
                                       : t->memory_count;

            for (uint32_t a = 0; a < na; a++) {
                for (uint32_t b = 0; b < nb; b++) {
                    if (i == j && a == b)
                        continue;
                    FUZZ_CHECK(ra[a].kind != rb[b].kind || ra[a].base + ra[a].size <= rb[b].base ||
                               rb[b].base + rb[b].size <= ra[a].base);
                }
            }
        }
    }
}

static void
check_accepted(void)
{
    uint8_t seen[MANIFEST_SERVICES_MAX] = {0};
    uint32_t pos[MANIFEST_SERVICES_MAX];
    uint64_t total = 0;

    FUZZ_CHECK(m.count <= MANIFEST_SERVICES_MAX);
    for (uint32_t i = 0; i < m.count; i++) {
        FUZZ_CHECK(m.order[i] < m.count && !seen[m.order[i]]);
        seen[m.order[i]] = 1;
        pos[m.order[i]] = i;
    }
    for (uint32_t i = 0; i < m.count; i++) {
        const struct manifest_service *s = &m.service[i];
        size_t plen = strnlen(s->program, sizeof(s->program));
        size_t used = 0;

        FUZZ_CHECK(name_ok(s->name, sizeof(s->name)) && s->line >= 1);
        for (uint32_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(s->name, m.service[j].name) != 0);
        FUZZ_CHECK(plen >= 1 && plen <= MANIFEST_PATH_MAX && s->program[0] != '/');
        FUZZ_CHECK(strstr(s->program, "//") == NULL && s->program[plen - 1] != '/');
        FUZZ_CHECK(s->argc <= MANIFEST_ARGS_MAX);
        for (uint32_t a = 0; a < s->argc; a++) {
            size_t n = strnlen(s->args + used, sizeof(s->args) - used);

            FUZZ_CHECK(n >= 1 && used + n < sizeof(s->args));
            FUZZ_CHECK(manifest_arg(s, a) == s->args + used);
            used += n + 1;
        }
        FUZZ_CHECK(manifest_arg(s, s->argc) == NULL);
        check_ranges(s->irq, s->irq_count, MANIFEST_IRQ_LIMIT, 1);
        check_ranges(s->ioport, s->ioport_count, CAIRN_IOPORT_COUNT, 0);
        check_ranges(s->memory, s->memory_count, MANIFEST_PHYS_LIMIT, 0);
        for (uint32_t r = 0; r < s->memory_count; r++)
            FUZZ_CHECK(s->memory[r].base % 4096 == 0 && s->memory[r].size % 4096 == 0);
        FUZZ_CHECK(s->register_count <= MANIFEST_NAMES_MAX);
        FUZZ_CHECK(s->lookup_count <= MANIFEST_NAMES_MAX);
        FUZZ_CHECK(s->after_count <= MANIFEST_NAMES_MAX);
        for (uint32_t a = 0; a < s->register_count; a++) {
            FUZZ_CHECK(name_ok(s->register_names[a], sizeof(s->register_names[a])));
            for (uint32_t j = 0; j < m.count; j++)
                for (uint32_t b = 0; b < m.service[j].register_count; b++)
                    FUZZ_CHECK((j == i && b == a) ||
                               strcmp(s->register_names[a], m.service[j].register_names[b]));
        }
        for (uint32_t j = 0; j < i; j++) /* a device's grant goes to one service */
            FUZZ_CHECK((s->grants & m.service[j].grants &
                        (MANIFEST_GRANT_SERIAL_CONSOLE | MANIFEST_GRANT_FRAMEBUFFER_CONSOLE |
                         MANIFEST_GRANT_FRAMEBUFFER | MANIFEST_GRANT_ACPI_POWER |
                         MANIFEST_GRANT_ECAM)) == 0);
        for (uint32_t a = 0; a < s->lookup_count; a++)
            FUZZ_CHECK(name_ok(s->lookup_names[a], sizeof(s->lookup_names[a])));
        for (uint32_t a = 0; a < s->after_count; a++) {
            FUZZ_CHECK(s->after[a] < m.count && s->after[a] != i);
            FUZZ_CHECK(strcmp(s->after_names[a], m.service[s->after[a]].name) == 0);
            FUZZ_CHECK(pos[s->after[a]] < pos[i]);
        }
        FUZZ_CHECK(s->quota >= 4096 && s->quota <= MANIFEST_QUOTA_MAX && s->quota % 4096 == 0);
        FUZZ_CHECK(s->priority <= MANIFEST_PRIORITY_MAX);
        FUZZ_CHECK(s->restart <= MANIFEST_RESTART_NEVER);
        total += s->quota;
    }
    FUZZ_CHECK(total == m.quota_total);
    for (int k = 0; k < 3; k++)
        check_disjoint(k);
}

/* --- the writer -------------------------------------------------------------------------- */

static char out[MANIFEST_SERVICES_MAX * 4096];
static size_t out_len;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
put(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
    va_end(ap);
    FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(out) - out_len);
    out_len += (size_t)n;
}

static void
put_names(const char *key, char (*names)[MANIFEST_NAME_MAX + 1], uint32_t n)
{
    if (n == 0)
        return;
    put("%s =", key);
    for (uint32_t i = 0; i < n; i++)
        put(" %s", names[i]);
    put("\n");
}

static void
put_ranges(const char *key, const struct manifest_range *r, uint32_t n, int memory)
{
    if (n == 0)
        return;
    put("%s =", key);
    for (uint32_t i = 0; i < n; i++) {
        if (memory)
            put(" 0x%llx+0x%llx", (unsigned long long)r[i].base, (unsigned long long)r[i].size);
        else if (r[i].kind == MANIFEST_IRQ_ISA)
            put(" isa:%llu", (unsigned long long)r[i].base);
        else
            put(" %llu-0x%llx", (unsigned long long)r[i].base,
                (unsigned long long)(r[i].base + r[i].size - 1));
    }
    put("\n");
}

/* m as text, in a layout of the writer's own (sections in file order). */
static void
write_manifest(void)
{
    out_len = 0;
    for (uint32_t i = 0; i < m.count; i++) {
        struct manifest_service *s = &m.service[i];

        put("# service %u\n[service %s]\nprogram=%s\n", i, s->name, s->program);
        if (s->argc) {
            put("args =");
            for (uint32_t a = 0; a < s->argc; a++)
                put("\t%s", manifest_arg(s, a));
            put("\n");
        }
        put_ranges("irq", s->irq, s->irq_count, 0);
        put_ranges("ioport", s->ioport, s->ioport_count, 0);
        put_ranges("memory", s->memory, s->memory_count, 1);
        put_names("register", s->register_names, s->register_count);
        put_names("lookup", s->lookup_names, s->lookup_count);
        put_names("after", s->after_names, s->after_count);
        put("quota = %llu\npriority = %u\nrestart = %s\n\n", (unsigned long long)s->quota,
            s->priority, manifest_restart_name(s->restart));
    }
}

static int
ranges_equal(const struct manifest_range *a, const struct manifest_range *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].base != b[i].base || a[i].size != b[i].size || a[i].kind != b[i].kind)
            return 0;
    return 1;
}

static void
check_same(void)
{
    FUZZ_CHECK(again.count == m.count && again.quota_total == m.quota_total);
    FUZZ_CHECK(memcmp(again.order, m.order, sizeof(m.order)) == 0);
    for (uint32_t i = 0; i < m.count; i++) {
        const struct manifest_service *a = &m.service[i], *b = &again.service[i];

        FUZZ_CHECK(strcmp(a->name, b->name) == 0 && strcmp(a->program, b->program) == 0);
        FUZZ_CHECK(a->argc == b->argc && memcmp(a->args, b->args, sizeof(a->args)) == 0);
        FUZZ_CHECK(a->irq_count == b->irq_count && ranges_equal(a->irq, b->irq, a->irq_count));
        FUZZ_CHECK(a->ioport_count == b->ioport_count &&
                   ranges_equal(a->ioport, b->ioport, a->ioport_count));
        FUZZ_CHECK(a->memory_count == b->memory_count &&
                   ranges_equal(a->memory, b->memory, a->memory_count));
        FUZZ_CHECK(a->register_count == b->register_count && a->lookup_count == b->lookup_count &&
                   a->after_count == b->after_count);
        FUZZ_CHECK(memcmp(a->register_names, b->register_names, sizeof(a->register_names)) == 0);
        FUZZ_CHECK(memcmp(a->lookup_names, b->lookup_names, sizeof(a->lookup_names)) == 0);
        FUZZ_CHECK(memcmp(a->after_names, b->after_names, sizeof(a->after_names)) == 0);
        FUZZ_CHECK(memcmp(a->after, b->after, sizeof(a->after)) == 0);
        FUZZ_CHECK(a->quota == b->quota && a->priority == b->priority && a->restart == b->restart);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    size_t lines = 0;
    int r;

    memcpy(text, data, size);
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    lines += size > 0 && data[size - 1] != '\n';

    r = manifest_parse(text, size, &m, &err);
    FUZZ_CHECK(r == 0 || r == -CAIRN_EINVAL);
    FUZZ_CHECK(strnlen(err.message, sizeof(err.message)) < sizeof(err.message));
    if (r < 0) {
        static const struct manifest zero;

        FUZZ_CHECK(memcmp(&m, &zero, sizeof(m)) == 0);
        FUZZ_CHECK(err.line >= 1 && err.line <= lines && err.message[0] != '\0');
    } else {
        FUZZ_CHECK(err.line == 0 && err.message[0] == '\0');
        check_accepted();
        write_manifest();
        r = manifest_parse(out, out_len, &again, &err);
        if (r != 0)
            fprintf(stderr, "fuzz: rewritten manifest refused: line %u: %s\n%.*s", err.line,
                    err.message, (int)out_len, out);
        FUZZ_CHECK(r == 0);
        check_same();
    }
    free(text);
    return 0;
}
