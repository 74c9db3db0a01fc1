// SPDX-License-Identifier: MIT
/*
 * Tests for init's service manifest parser (servers/init/manifest.c). Each
 * manifest is handed over in a heap block of exactly its length with no
 * NUL after it, so a read past the end is an ASan report. A good manifest
 * must give every field its line says; every kind of bad line must be
 * refused with the right line number and a message naming the problem,
 * and leave the manifest empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "check.h"
#include "servers/init/manifest.h"

static struct manifest m;
static struct manifest_error err;

/* Parses text (without its NUL) from an exactly-sized heap copy. */
static int
parse(const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    int r;

    memcpy(copy, text, n);
    r = manifest_parse(copy, n, &m, &err);
    free(copy);
    return r;
}

/* text is refused on line with a message containing what, and m is empty. */
static int
refused(const char *text, uint32_t line, const char *what)
{
    int r = parse(text);
    int ok = r == -CAIRN_EINVAL && err.line == line && strstr(err.message, what) != NULL &&
             m.count == 0 && m.quota_total == 0;

    if (!ok)
        printf("  refused? r=%d line %u (want %u): %s\n", r, err.line, line, err.message);
    return ok;
}

/* Long manifests would not fit check.h's message when stringified by CHECK. */
#define REFUSED(text, line, what)                   \
    do {                                            \
        int refused_ok = refused(text, line, what); \
        CHECK(refused_ok);                          \
    } while (0)
#define PARSES(text)                                          \
    do {                                                      \
        int parse_ok = parse(text) == 0;                      \
        if (!parse_ok)                                        \
            printf("  line %u: %s\n", err.line, err.message); \
        CHECK(parse_ok);                                      \
    } while (0)

static const char serial_and_console[] = "# the two first services\n"
                                         "\n"
                                         "[service serial]\n"
                                         "program  = serial        # the 16550 driver\n"
                                         "args     = --baud 115200 -v\n"
                                         "irq      = isa:4\n"
                                         "ioport   = 0x3f8-0x3ff 0x2f8-0x2ff\n"
                                         "register = serial\n"
                                         "quota    = 256K\n"
                                         "priority = 24\n"
                                         "restart  = always\n"
                                         "grant    = serial-console log\n"
                                         "\n"
                                         "[service console]\n"
                                         "\tprogram = bin/console\n"
                                         "memory = 0xfd000000+4M 0x1000+0x1000\n"
                                         "irq = 16-19 9\n"
                                         "lookup = serial log\n"
                                         "register = console\n"
                                         "after = serial\n"
                                         "quota = 0x100000\n"
                                         "restart = never";

TEST(parses_every_key_of_a_good_manifest)
{
    const struct manifest_service *s = &m.service[0], *c = &m.service[1];

    PARSES(serial_and_console);
    CHECK(err.line == 0 && err.message[0] == '\0');
    CHECK(m.count == 2);
    CHECK(strcmp(s->name, "serial") == 0 && s->line == 3);
    CHECK(strcmp(s->program, "serial") == 0);
    CHECK(s->argc == 3 && strcmp(manifest_arg(s, 0), "--baud") == 0 &&
          strcmp(manifest_arg(s, 1), "115200") == 0 && strcmp(manifest_arg(s, 2), "-v") == 0 &&
          manifest_arg(s, 3) == NULL);
    CHECK(s->irq_count == 1 && s->irq[0].kind == MANIFEST_IRQ_ISA && s->irq[0].base == 4 &&
          s->irq[0].size == 1);
    CHECK(s->ioport_count == 2 && s->ioport[0].base == 0x3f8 && s->ioport[0].size == 8 &&
          s->ioport[1].base == 0x2f8 && s->ioport[1].size == 8);
    CHECK(s->memory_count == 0 && s->lookup_count == 0 && s->after_count == 0);
    CHECK(s->register_count == 1 && strcmp(s->register_names[0], "serial") == 0);
    CHECK(s->quota == 256 * 1024 && s->priority == 24 && s->restart == MANIFEST_RESTART_ALWAYS);
    CHECK(s->grants == (MANIFEST_GRANT_SERIAL_CONSOLE | MANIFEST_GRANT_LOG));
    CHECK(m.service[1].grants == 0);
    PARSES("[service fb]\nprogram = fb\nquota = 1M\ngrant = framebuffer framebuffer-console\n");
    CHECK(m.service[0].grants == (MANIFEST_GRANT_FRAMEBUFFER | MANIFEST_GRANT_FRAMEBUFFER_CONSOLE));
    /* The boot information is no device: any number of services may have it. */
    PARSES("[service rtc]\nprogram = rtc\nquota = 1M\ngrant = bootinfo\n"
           "[service b]\nprogram = b\nquota = 1M\ngrant = bootinfo log\n");
    CHECK(m.service[0].grants == MANIFEST_GRANT_BOOTINFO &&
          m.service[1].grants == (MANIFEST_GRANT_BOOTINFO | MANIFEST_GRANT_LOG));
    PARSES("[service power]\nprogram = power\nquota = 1M\ngrant = acpi-power\n");
    CHECK(m.service[0].grants == MANIFEST_GRANT_ACPI_POWER);
    PARSES("[service pci]\nprogram = pci\nquota = 1M\ngrant = ecam\n");
    CHECK(m.service[0].grants == MANIFEST_GRANT_ECAM);
    /* A service's own quota is no device either. */
    PARSES("[service proc]\nprogram = proc\nquota = 1M\ngrant = log quota\n"
           "[service b]\nprogram = b\nquota = 1M\ngrant = quota\n");
    CHECK(m.service[0].grants == (MANIFEST_GRANT_LOG | MANIFEST_GRANT_QUOTA) &&
          m.service[1].grants == MANIFEST_GRANT_QUOTA);
    PARSES(serial_and_console);

    CHECK(strcmp(c->name, "console") == 0 && c->line == 14);
    CHECK(strcmp(c->program, "bin/console") == 0 && c->argc == 0);
    CHECK(c->memory_count == 2 && c->memory[0].base == 0xfd000000 &&
          c->memory[0].size == 4u << 20 && c->memory[1].base == 0x1000 &&
          c->memory[1].size == 0x1000);
    CHECK(c->irq_count == 2 && c->irq[0].kind == MANIFEST_IRQ_GSI && c->irq[0].base == 16 &&
          c->irq[0].size == 4 && c->irq[1].base == 9 && c->irq[1].size == 1);
    CHECK(c->lookup_count == 2 && strcmp(c->lookup_names[1], "log") == 0);
    CHECK(c->after_count == 1 && c->after[0] == 0 && strcmp(c->after_names[0], "serial") == 0);
    CHECK(c->quota == 0x100000 && c->priority == MANIFEST_PRIORITY_DEFAULT);
    CHECK(c->restart == MANIFEST_RESTART_NEVER);
    CHECK(m.order[0] == 0 && m.order[1] == 1);
    CHECK(m.quota_total == 256 * 1024 + 0x100000);
}

TEST(defaults_are_on_failure_and_the_default_priority)
{
    PARSES("[service a]\nprogram = a\nquota = 4K\n");
    CHECK(m.count == 1 && m.service[0].restart == MANIFEST_RESTART_ON_FAILURE);
    CHECK(m.service[0].priority == MANIFEST_PRIORITY_DEFAULT);
    CHECK(strcmp(manifest_restart_name(m.service[0].restart), "on-failure") == 0);
}

TEST(the_programs_section_takes_a_lookup_list_alone)
{
    PARSES("[service proc]\nprogram = proc\nquota = 4K\ngrant = programs\n"
           "[programs]\nlookup = vfs rtc\n[service b]\nprogram = b\nquota = 4K\n");
    CHECK(m.count == 2 && m.service[0].grants == MANIFEST_GRANT_PROGRAMS);
    CHECK(m.programs.line == 5 && strcmp(m.programs.name, "programs") == 0);
    CHECK(m.programs.lookup_count == 2 && strcmp(m.programs.lookup_names[1], "rtc") == 0);
    CHECK(m.quota_total == 8192);
    PARSES("[programs]\n");
    CHECK(m.count == 0 && m.programs.line == 1 && m.programs.lookup_count == 0);
    PARSES("[service a]\nprogram = a\nquota = 4K\n");
    CHECK(m.programs.line == 0);
    REFUSED("[programs]\nprogram = a\n", 2, "program in [programs] (it takes lookup alone)");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nregister = x services\n", 4,
            "register services: the name is init's own");
    REFUSED("[programs]\nquota = 4K\n", 2, "in [programs]");
    REFUSED("[programs]\nlookup = a\nlookup = b\n", 3, "already set on line 2");
    REFUSED("[programs]\n[programs]\n", 2, "[programs] is already defined on line 1");
    REFUSED("[programs x]\n", 1, "[service NAME]");
    REFUSED("[programs]\nlookup = Bad\n", 2, "is not a name");
    REFUSED("[service a]\nprogram = a\nquota = 4K\ngrant = programs\n", 4,
            "grant programs, but there is no [programs] section");
}

TEST(empty_and_comment_only_manifests_start_nothing)
{
    CHECK(parse("") == 0 && m.count == 0);
    CHECK(parse("# nothing\n\n   \t\n# at all") == 0 && m.count == 0);
}

TEST(start_order_follows_after_then_file_order)
{
    PARSES("[service vfs]\nprogram = vfs\nquota = 4K\nafter = ramfs console\n"
           "[service console]\nprogram = console\nquota = 4K\nafter = serial\n"
           "[service ramfs]\nprogram = ramfs\nquota = 4K\n"
           "[service serial]\nprogram = serial\nquota = 4K\n");
    /* ramfs (2) and serial (3) wait on nothing; console (1) on serial; vfs (0) on both. */
    CHECK(m.count == 4);
    CHECK(m.order[0] == 2 && m.order[1] == 3 && m.order[2] == 1 && m.order[3] == 0);
}

TEST(refuses_bad_lines_with_their_line_number)
{
    REFUSED("[service a]\nprogram = a\nquota = 4K\ncolour = red\n", 4, "unknown key 'colour'");
    REFUSED("program = a\n", 1, "outside a [service NAME] section");
    REFUSED("[service a]\ngrant = initfs disk\n", 2, "grant 'disk' is not initfs");
    REFUSED("[service a]\ngrant = log initfs log\n", 2, "grant 'log' is listed twice");
    REFUSED("[service a]\ngrant = framebuffer framebuffer\n", 2,
            "grant 'framebuffer' is listed twice");
    REFUSED("[service a]\njust words\n", 2, "expected KEY = VALUE");
    REFUSED("[service a]\nprogram =\n", 2, "program has no value");
    REFUSED("[service a]\nprogram = a\nprogram = b\n", 3, "already set on line 2");
    REFUSED("[server a]\n", 1, "[service NAME]");
    REFUSED("[service a b]\n", 1, "[service NAME]");
    REFUSED("[service a\n", 1, "[service NAME]");
    REFUSED("[service Serial]\n", 1, "is not a name");
    REFUSED("[service abcdefghijabcdefghijabcdefghijab]\n", 1, "longer than 31");
    REFUSED("[service a]\nprogram = a\nquota = 4K\n[service a]\n", 4, "already defined on line 1");
    REFUSED("[service a]\nprogram = a\n\n[service b]\n", 1, "service a has no quota");
    REFUSED("[service a]\nquota = 4K\n", 1, "service a has no program");
    REFUSED("[service a]\nprogram = a\r\n", 2, "carriage return");
    REFUSED("[service a]\nprogram = \x01\n", 2, "control character 0x1");
    REFUSED("[service a]\nprogram = caf\xc3\xa9\n", 2, "byte 0xc3");
    {
        static const char nul[] = "[service a]\nprogram = a\0b\n";
        char *copy = malloc(sizeof(nul) - 1);

        memcpy(copy, nul, sizeof(nul) - 1);
        CHECK(manifest_parse(copy, sizeof(nul) - 1, &m, &err) == -CAIRN_EINVAL && err.line == 2 &&
              strstr(err.message, "NUL") != NULL && m.count == 0);
        free(copy);
    }
}

TEST(refuses_lines_longer_than_the_limit)
{
    char text[MANIFEST_LINE_MAX + 64];

    snprintf(text, sizeof(text), "[service a]\n#");
    memset(text + strlen(text), 'x', MANIFEST_LINE_MAX - 1);
    text[12 + MANIFEST_LINE_MAX] = '\0';
    CHECK(parse(text) == -CAIRN_EINVAL && m.count == 0); /* no program */
    CHECK(err.line == 1);
    strcat(text, "y");
    REFUSED(text, 2, "longer than 512");
}

TEST(refuses_bad_numbers)
{
    REFUSED("[service a]\npriority = twelve\n", 2, "'twelve' is not a number");
    REFUSED("[service a]\npriority = 012\n", 2, "leading 0");
    REFUSED("[service a]\npriority = 0x\n", 2, "not a number");
    REFUSED("[service a]\npriority = -1\n", 2, "not a number");
    REFUSED("[service a]\npriority = 30\n", 2, "above 29");
    REFUSED("[service a]\npriority = 1 2\n", 2, "not a number");
    REFUSED("[service a]\npriority = 18446744073709551616\n", 2, "too large");
    REFUSED("[service a]\nquota = 0x10000000000000000\n", 2, "too large");
    REFUSED("[service a]\nquota = 17179869184G\n", 2, "too large");
    REFUSED("[service a]\nquota = 1025G\n", 2, "larger than 1 TiB");
    REFUSED("[service a]\nquota = 1000\n", 2, "whole number of 4 KiB pages");
    REFUSED("[service a]\nquota = 0\n", 2, "at least one");
    REFUSED("[service a]\nquota = 4T\n", 2, "not a number");
    REFUSED("[service a]\nquota = K\n", 2, "not a number");
    PARSES("[service a]\nprogram = a\nquota = 1024G\npriority = 0\n");
    CHECK(m.service[0].quota == MANIFEST_QUOTA_MAX && m.service[0].priority == 0);
}

TEST(refuses_ranges_that_wrap_or_leave_their_space)
{
    REFUSED("[service a]\nioport = 0x3ff-0x3f8\n", 2, "ends before it starts");
    REFUSED("[service a]\nioport = 0xffff-0x10000\n", 2, "past the last, 0xffff");
    REFUSED("[service a]\nioport = 0x3f8-\n", 2, "not a number");
    REFUSED("[service a]\nirq = 208\n", 2, "past the last, 207");
    REFUSED("[service a]\nirq = isa:16\n", 2, "past the last, 15");
    REFUSED("[service a]\nirq = isa:3-4\n", 2, "names one line");
    REFUSED("[service a]\nmemory = 0xfd000000\n", 2, "is not BASE+SIZE");
    REFUSED("[service a]\nmemory = 0xfd000001+4K\n", 2, "not whole pages");
    REFUSED("[service a]\nmemory = 0xfd000000+100\n", 2, "not whole pages");
    REFUSED("[service a]\nmemory = 0xfd000000+0\n", 2, "not whole pages");
    REFUSED("[service a]\nmemory = 0xfffffffffffff000+0x2000\n", 2, "2^52");
    REFUSED("[service a]\nmemory = 0xffffffffff000+0x2000\n", 2, "2^52");
    REFUSED("[service a]\nmemory = 0x10000000000000+4K\n", 2, "2^52");
    PARSES("[service a]\nprogram = a\nquota = 4K\nioport = 0-0xffff\nirq = 0-207 isa:0 "
           "isa:15\nmemory = 0xffffffffff000+4K\n");
    CHECK(m.service[0].ioport[0].size == 0x10000 && m.service[0].irq[0].size == 208);
}

TEST(refuses_too_many_entries)
{
    char text[4096];
    int n;

    REFUSED("[service a]\nioport = 1 2 3 4 5 6 7 8 9\n", 2, "more than 8 entries");
    REFUSED("[service a]\nlookup = a b c d e f g h i j k l m n o p q\n", 2, "more than 16 names");
    REFUSED("[service a]\nargs = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 2,
            "more than 16 words");
    n = snprintf(text, sizeof(text), "[service a]\nargs =");
    for (int i = 0; i < 9; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " %s", "abcdefghijklmnopqrstuvwxyz0123");
    REFUSED(text, 2, "longer than 256 bytes");
    n = 0;
    for (int i = 0; i <= MANIFEST_SERVICES_MAX; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n,
                      "[service s%d]\nprogram = p\nquota = 4K\n", i);
    REFUSED(text, 3 * MANIFEST_SERVICES_MAX + 1, "more than 32 services");
}

TEST(refuses_bad_names_and_paths)
{
    REFUSED("[service a]\nregister = Vfs\n", 2, "register 'Vfs' is not a name");
    REFUSED("[service a]\nlookup = 9p\n", 2, "is not a name");
    REFUSED("[service a]\nlookup = log log\n", 2, "lookup 'log' is named twice");
    REFUSED("[service a]\nafter = a\n", 2, "cannot start after itself");
    REFUSED("[service a]\nprogram = /bin/a\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = bin/../a\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = ./a\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = bin//a\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = bin/\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = a$\n", 2, "not an initfs path");
    REFUSED("[service a]\nprogram = a b\n", 2, "one path");
    REFUSED("[service a]\nrestart = sometimes\n", 2, "'sometimes' is not always");
    PARSES("[service a]\nprogram = bin/a.b-c_D..x\nquota = 4K\n");
}

TEST(refuses_unknown_after_targets_and_cycles)
{
    REFUSED("[service a]\nprogram = a\nquota = 4K\nafter = b\n", 4,
            "after names b, which is no service");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nafter = b\n"
            "[service b]\nprogram = b\nquota = 4K\nafter = c\n"
            "[service c]\nprogram = c\nquota = 4K\nafter = a\n",
            4, "after makes a cycle: a after b after c after a");
    /* A cycle behind a service that waits on it: the message names the cycle alone. */
    REFUSED("[service x]\nprogram = x\nquota = 4K\nafter = b\n"
            "[service b]\nprogram = b\nquota = 4K\nafter = c\n"
            "[service c]\nprogram = c\nquota = 4K\nafter = b\n",
            8, "cycle: b after c after b");
}

TEST(refuses_what_two_services_would_share)
{
    REFUSED("[service a]\nprogram = a\nquota = 4K\nregister = log\n"
            "[service b]\nprogram = b\nquota = 4K\nregister = con log\n",
            8, "register log: service a registers it too");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nioport = 0x60 0x64\n"
            "[service b]\nprogram = b\nquota = 4K\n\nioport = 0x3f8-0x3ff 0x64-0x70\n",
            9, "ioport at 0x64 overlaps service a");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nioport = 0x60-0x64 0x64\n", 4,
            "overlaps another entry of this service");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nmemory = 0x1000+8K\n"
            "[service b]\nprogram = b\nquota = 4K\nmemory = 0x2000+4K\n",
            8, "memory at 0x2000 overlaps service a");
    REFUSED("[service a]\nprogram = a\nquota = 4K\nirq = 1-4\n"
            "[service b]\nprogram = b\nquota = 4K\nirq = 4\n",
            8, "irq at 4 overlaps service a");
    REFUSED("[service a]\nprogram = a\nquota = 4K\ngrant = framebuffer log\n"
            "[service b]\nprogram = b\nquota = 4K\ngrant = log framebuffer\n",
            8, "grant framebuffer: service a has it too");
    REFUSED("[service a]\nprogram = a\nquota = 4K\ngrant = ecam\n"
            "[service b]\nprogram = b\nquota = 4K\ngrant = ecam log\n",
            8, "grant ecam: service a has it too");
    REFUSED("[service a]\nprogram = a\nquota = 4K\ngrant = serial-console\n"
            "[service b]\nprogram = b\nquota = 4K\ngrant = serial-console\n",
            8, "grant serial-console: service a has it too");
    REFUSED("[service a]\nprogram = a\nquota = 4K\ngrant = acpi-power\n"
            "[service b]\nprogram = b\nquota = 4K\ngrant = acpi-power\n",
            8, "grant acpi-power: service a has it too");
    PARSES("[service a]\nprogram = a\nquota = 4K\ngrant = initfs log framebuffer\n"
           "[service b]\nprogram = b\nquota = 4K\ngrant = initfs log framebuffer-console\n");
    /* An ISA line and a GSI of the same number are different lines until the MADT says. */
    PARSES("[service a]\nprogram = a\nquota = 4K\nirq = isa:4\n"
           "[service b]\nprogram = b\nquota = 4K\nirq = 4\n");
    PARSES("[service a]\nprogram = a\nquota = 4K\nioport = 0x60\n"
           "[service b]\nprogram = b\nquota = 4K\nioport = 0x61-0x64\n");
}

/* The manifest file at path parses, with at least min services. */
static void
file_parses(const char *path, uint32_t min)
{
    FILE *f = fopen(path, "rb");
    static char text[1 << 16];
    size_t n;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    n = fread(text, 1, sizeof(text), f);
    fclose(f);
    CHECK(n > 0 && n < sizeof(text));
    CHECK(manifest_parse(text, n, &m, &err) == 0);
    if (err.line)
        printf("  %s:%u: %s\n", path, err.line, err.message);
    CHECK(m.count >= min);
}

/* The example manifest shipped beside the parser is itself valid. */
TEST(the_example_manifest_parses)
{
    file_parses("servers/init/services.example", 3);
}

/* So are the manifests the initfs carries: a mistake there would leave a
 * boot with nothing started. */
TEST(the_system_and_test_manifests_parse)
{
    file_parses("servers/init/services", 6);
    file_parses("tests/services/services-test", 2);
}

/* Every prefix of a good manifest is parsed or refused, never read past. */
TEST(every_truncation_is_parsed_or_refused_cleanly)
{
    size_t n = strlen(serial_and_console);

    for (size_t i = 0; i <= n; i++) {
        char *copy = malloc(i ? i : 1);
        int r;

        memcpy(copy, serial_and_console, i);
        r = manifest_parse(copy, i, &m, &err);
        CHECK(r == 0 ||
              (r == -CAIRN_EINVAL && m.count == 0 && err.line >= 1 && err.message[0] != '\0'));
        free(copy);
    }
}

int
main(void)
{
    RUN(parses_every_key_of_a_good_manifest);
    RUN(defaults_are_on_failure_and_the_default_priority);
    RUN(the_programs_section_takes_a_lookup_list_alone);
    RUN(empty_and_comment_only_manifests_start_nothing);
    RUN(start_order_follows_after_then_file_order);
    RUN(refuses_bad_lines_with_their_line_number);
    RUN(refuses_lines_longer_than_the_limit);
    RUN(refuses_bad_numbers);
    RUN(refuses_ranges_that_wrap_or_leave_their_space);
    RUN(refuses_too_many_entries);
    RUN(refuses_bad_names_and_paths);
    RUN(refuses_unknown_after_targets_and_cycles);
    RUN(refuses_what_two_services_would_share);
    RUN(the_example_manifest_parses);
    RUN(the_system_and_test_manifests_parse);
    RUN(every_truncation_is_parsed_or_refused_cleanly);
    return check_exit();
}
