// SPDX-License-Identifier: MIT
/*
 * The in-kernel test runner. Tests run one after another on the bootstrap
 * CPU with interrupts on, after the core is up.
 */
#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "console/console.h"
#include "core/cmdline.h"
#include "core/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool test_failed;
static char test_failure[160];

void
ktest_fail(const char *fmt, ...)
{
    va_list ap;

    if (test_failed)
        return;
    test_failed = true;
    va_start(ap, fmt);
    kvsnprintf(test_failure, sizeof(test_failure), fmt, ap);
    va_end(ap);
}

bool
ktest_enabled(void)
{
    return cmdline_has("test");
}

_Noreturn void
qemu_exit(unsigned value)
{
    outb(0xf4, (uint8_t)value);
    /* Not under QEMU (or no isa-debug-exit device): just stop. */
    cpu_halt_forever();
}

_Noreturn void
ktest_run_all(const char *filter)
{
    unsigned passed = 0, failed = 0;
    size_t filter_len = filter ? strlen(filter) : 0;

    for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
        if (filter_len && strncmp(t->name, filter, filter_len) != 0)
            continue;
        test_failed = false;
        t->fn();
        if (test_failed) {
            kprintf("FAIL %s: %s\n", t->name, test_failure);
            failed++;
        } else {
            kprintf("ok %s\n", t->name);
            passed++;
        }
    }
    kprintf("ktest: %u passed, %u failed\n", passed, failed);
    qemu_exit(failed || passed == 0 ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
