// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the console hand-off (console/console.c): while a
 * device is claimed, ordinary output stays off it but still goes into the
 * log ring; a fault report (LOG_FAULT) reaches serial all the same; a
 * claim is exclusive and given back on release. The user-mode side is
 * tests/os/bootinfo.c.
 */
#include <cairn/console.h>
#include <cairn/errors.h>

#include "common/string.h"
#include "console/console.h"
#include "core/ktest.h"
#include "lib/log.h"

/* The newest record whose text starts with prefix, copied into rec; false
 * if there is none among the last few. */
static bool
console_find_record(const char *prefix, uint8_t *rec)
{
    uint64_t next = console_log_next_seq();
    size_t plen = strlen(prefix);

    for (uint64_t back = 1; back <= 16 && back <= next; back++) {
        const struct cairn_klog_record *r = (const void *)rec;
        const char *text = (const char *)(r + 1);

        if (console_log_copy(next - back, rec) == 0)
            return false;
        /* klog() puts a time stamp and a level word first. */
        for (size_t i = 0; i + plen <= r->len; i++) {
            if (memcmp(text + i, prefix, plen) == 0)
                return true;
        }
    }
    return false;
}

KTEST(console_claim_keeps_output_off_serial_but_fault_reports_get_through)
{
    static uint8_t rec[CAIRN_KLOG_READ_MIN] __attribute__((aligned(8)));
    const struct cairn_klog_record *r = (const void *)rec;

    KTEST_ASSERT(console_claim(CAIRN_CONSOLE_SERIAL) == 0, "serial already claimed");
    KTEST_EXPECT(console_claim(CAIRN_CONSOLE_SERIAL) == -CAIRN_EBUSY, "claimed twice");
    log_info("ktest-console: ordinary line under a claim");
    log_fault("ktest-console: fault report under a claim (expected in this log)");
    console_release(CAIRN_CONSOLE_SERIAL);
    log_info("ktest-console: ordinary line after the release");

    KTEST_EXPECT(console_find_record("ktest-console: ordinary line under", rec) &&
                     !(r->shown & CAIRN_CONSOLE_SERIAL) && !(r->source & CAIRN_KLOG_FORCED),
                 "the ordinary line reached serial under a claim");
    KTEST_EXPECT(console_find_record("ktest-console: fault report", rec) &&
                     (r->shown & CAIRN_CONSOLE_SERIAL) && (r->source & CAIRN_KLOG_FORCED),
                 "the fault report did not reach serial under a claim");
    KTEST_EXPECT(console_find_record("ktest-console: ordinary line after", rec) &&
                     (r->shown & CAIRN_CONSOLE_SERIAL),
                 "output did not come back to serial after the release");
    KTEST_EXPECT(console_claim(CAIRN_CONSOLE_SERIAL) == 0, "no claim after the release");
    console_release(CAIRN_CONSOLE_SERIAL);
}
