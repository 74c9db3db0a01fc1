// SPDX-License-Identifier: MIT
/*
 * The kernel's UBSan runtime: the __ubsan_handle_* functions that code built
 * with -fsanitize=undefined (the test kernel, docs/testing.md) calls when a
 * check fails. Every report is fatal: one line naming the check, the source
 * file:line:column and the values involved, then the backtrace from the
 * function that failed the check, and the machine stops like any panic
 * (a test boot leaves QEMU with the failure status).
 *
 *   *** kernel panic on cpu 0: ubsan: kernel/core/crash.c:70:14: signed
 *       integer overflow: 2147483647 + 1 cannot be represented in type 'int'
 *
 * The layouts below are the ones GCC emits (and libsanitizer reads): a
 * source location, then type descriptors for the operands. A value of at
 * most 64 bits travels in the pointer-sized argument itself; a wider one
 * is passed by address.
 *
 * Invariants: this file is built without -fsanitize=undefined (a check in
 * the runtime would call the runtime); a handler never returns, so code
 * built with recovery on still stops at the first report; a report made
 * while one is being printed (a check failing in kprintf) stops at once
 * through panic_begin's "fault while reporting a fault".
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/percpu.h"
#include "console/console.h"
#include "core/backtrace.h"
#include "core/panic.h"

struct ubsan_source {
    const char *file;
    uint32_t line;
    uint32_t column;
};

enum ubsan_type_kind {
    UBSAN_TYPE_INTEGER = 0,
    UBSAN_TYPE_FLOAT = 1,
};

struct ubsan_type {
    uint16_t kind; /* enum ubsan_type_kind, or 0xffff: anything else */
    uint16_t info; /* integer: bit 0 signed, bits 1.. log2 of the width in bits */
    char name[];   /* as GCC spells it, quotes included: "'int'", "'int[4]'" */
};

struct ubsan_type_mismatch_data {
    struct ubsan_source src;
    const struct ubsan_type *type;
    uint8_t log_alignment;
    uint8_t check_kind; /* an index into ubsan_access_kinds */
};

struct ubsan_overflow_data {
    struct ubsan_source src;
    const struct ubsan_type *type;
};

struct ubsan_shift_data {
    struct ubsan_source src;
    const struct ubsan_type *lhs_type;
    const struct ubsan_type *rhs_type;
};

struct ubsan_bounds_data {
    struct ubsan_source src;
    const struct ubsan_type *array_type;
    const struct ubsan_type *index_type;
};

struct ubsan_source_data {
    struct ubsan_source src;
};

struct ubsan_nonnull_arg_data {
    struct ubsan_source src;
    struct ubsan_source attr; /* where the nonnull attribute was declared, if known */
    int arg_index;            /* from 1 */
};

struct ubsan_nonnull_return_data {
    struct ubsan_source attr;
};

struct ubsan_builtin_data {
    struct ubsan_source src;
    uint8_t kind; /* 0: ctz of zero, 1: clz of zero */
};

static const char *const ubsan_access_kinds[] = {
    "load of",
    "store to",
    "reference binding to",
    "member access within",
    "member call on",
    "constructor call on",
    "downcast of",
    "downcast of",
    "upcast of",
    "cast to virtual base of",
    "_Nonnull binding to",
    "dynamic operation on",
};

/* The handlers' prototypes: GCC knows them as built-ins; declared here for
 * -Wmissing-prototypes, with pointer arguments as the ABI passes them. */
void __ubsan_handle_type_mismatch_v1(void *data, void *ptr);
void __ubsan_handle_add_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_negate_overflow(void *data, void *value);
void __ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs);
void __ubsan_handle_out_of_bounds(void *data, void *index);
void __ubsan_handle_load_invalid_value(void *data, void *value);
void __ubsan_handle_builtin_unreachable(void *data);
void __ubsan_handle_nonnull_arg(void *data);
void __ubsan_handle_nonnull_return_v1(void *data, void *source);
void __ubsan_handle_pointer_overflow(void *data, void *base, void *result);
void __ubsan_handle_invalid_builtin(void *data);
void __ubsan_handle_vla_bound_not_positive(void *data, void *bound);

static bool
type_is_int(const struct ubsan_type *t)
{
    return t->kind == UBSAN_TYPE_INTEGER;
}

static bool
type_is_signed(const struct ubsan_type *t)
{
    return type_is_int(t) && (t->info & 1);
}

static unsigned
type_bits(const struct ubsan_type *t)
{
    return 1u << (t->info >> 1);
}

/* An integer value of at most 64 bits, sign-extended if its type is signed. */
static int64_t
value_signed(const struct ubsan_type *t, void *v)
{
    unsigned bits = type_bits(t);
    uint64_t u = (uint64_t)v;

    if (bits < 64)
        return (int64_t)(u << (64 - bits)) >> (64 - bits);
    return (int64_t)u;
}

static bool
value_is_negative(const struct ubsan_type *t, void *v)
{
    return type_is_signed(t) && type_bits(t) <= 64 && value_signed(t, v) < 0;
}

static void
value_print(const struct ubsan_type *t, void *v)
{
    if (!type_is_int(t)) {
        kprintf("<a value of type %s>", t->name);
    } else if (type_bits(t) > 64) {
        const uint64_t *w = v; /* wider than a register: passed by address */
        kprintf("0x%016lx%016lx", w[1], w[0]);
    } else if (type_is_signed(t)) {
        kprintf("%ld", value_signed(t, v));
    } else {
        kprintf("%lu", (uint64_t)v);
    }
}

/* Stop the machine and start the report's line. */
static void
report_begin(const struct ubsan_source *src)
{
    panic_begin();
    kprintf("\n*** kernel panic on cpu %u: ubsan: %s:%u:%u: ", cpu_current_index(),
            src && src->file ? src->file : "<unknown>", src ? src->line : 0, src ? src->column : 0);
}

/* End the line and the report. frame is the handler's own frame, which holds
 * the frame pointer and return address of the function that failed the
 * check, so the backtrace starts there. One byte back from the return
 * address is inside the call: a call to a handler that does not return
 * (unreachable) may be the function's last instruction, and its return
 * address the next function's first. */
static _Noreturn void
report_end(const uint64_t *frame)
{
    kprintf("\n");
    backtrace_print(frame[1] - 1, frame[0]);
    panic_end();
}

/* Every handler ends with this: in the handler itself, so the frame is its own. */
#define REPORT_END() report_end(__builtin_frame_address(0))

void
__ubsan_handle_type_mismatch_v1(void *data, void *ptr)
{
    const struct ubsan_type_mismatch_data *d = data;
    const char *access = d->check_kind < sizeof(ubsan_access_kinds) / sizeof(ubsan_access_kinds[0])
                             ? ubsan_access_kinds[d->check_kind]
                             : "access to";
    uint64_t align = d->log_alignment < 64 ? 1ull << d->log_alignment : 0;

    report_begin(&d->src);
    if (!ptr)
        kprintf("%s null pointer of type %s", access, d->type->name);
    else if (align && ((uint64_t)ptr & (align - 1)))
        kprintf("%s misaligned address %p for type %s, which requires %lu byte alignment", access,
                ptr, d->type->name, align);
    else
        kprintf("%s address %p with insufficient space for an object of type %s", access, ptr,
                d->type->name);
    REPORT_END();
}

static void
report_overflow(const struct ubsan_overflow_data *d, void *lhs, char op, void *rhs)
{
    report_begin(&d->src);
    kprintf("%s integer overflow: ", type_is_signed(d->type) ? "signed" : "unsigned");
    value_print(d->type, lhs);
    kprintf(" %c ", op);
    value_print(d->type, rhs);
    kprintf(" cannot be represented in type %s", d->type->name);
}

void
__ubsan_handle_add_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, '+', rhs);
    REPORT_END();
}

void
__ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, '-', rhs);
    REPORT_END();
}

void
__ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, '*', rhs);
    REPORT_END();
}

void
__ubsan_handle_negate_overflow(void *data, void *value)
{
    const struct ubsan_overflow_data *d = data;

    report_begin(&d->src);
    kprintf("negation of ");
    value_print(d->type, value);
    kprintf(" cannot be represented in type %s", d->type->name);
    REPORT_END();
}

void
__ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs)
{
    const struct ubsan_overflow_data *d = data;

    report_begin(&d->src);
    if (type_is_int(d->type) && type_bits(d->type) <= 64 && value_signed(d->type, rhs) == 0) {
        kprintf("division by zero: ");
        value_print(d->type, lhs);
        kprintf(" / 0 in type %s", d->type->name);
    } else {
        kprintf("division overflow: ");
        value_print(d->type, lhs);
        kprintf(" / ");
        value_print(d->type, rhs);
        kprintf(" cannot be represented in type %s", d->type->name);
    }
    REPORT_END();
}

void
__ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs)
{
    const struct ubsan_shift_data *d = data;

    report_begin(&d->src);
    if (value_is_negative(d->rhs_type, rhs)) {
        kprintf("shift exponent ");
        value_print(d->rhs_type, rhs);
        kprintf(" is negative");
    } else if (type_bits(d->rhs_type) <= 64 &&
               (uint64_t)value_signed(d->rhs_type, rhs) >= type_bits(d->lhs_type)) {
        kprintf("shift exponent ");
        value_print(d->rhs_type, rhs);
        kprintf(" is too large for %u-bit type %s", type_bits(d->lhs_type), d->lhs_type->name);
    } else if (value_is_negative(d->lhs_type, lhs)) {
        kprintf("left shift of negative value ");
        value_print(d->lhs_type, lhs);
    } else {
        kprintf("left shift of ");
        value_print(d->lhs_type, lhs);
        kprintf(" by ");
        value_print(d->rhs_type, rhs);
        kprintf(" places cannot be represented in type %s", d->lhs_type->name);
    }
    REPORT_END();
}

void
__ubsan_handle_out_of_bounds(void *data, void *index)
{
    const struct ubsan_bounds_data *d = data;

    report_begin(&d->src);
    kprintf("index ");
    value_print(d->index_type, index);
    kprintf(" out of bounds for type %s", d->array_type->name);
    REPORT_END();
}

void
__ubsan_handle_load_invalid_value(void *data, void *value)
{
    const struct ubsan_overflow_data *d = data;

    report_begin(&d->src);
    kprintf("load of value ");
    value_print(d->type, value);
    kprintf(", which is not a valid value for type %s", d->type->name);
    REPORT_END();
}

void
__ubsan_handle_builtin_unreachable(void *data)
{
    const struct ubsan_source_data *d = data;

    report_begin(&d->src);
    kprintf("execution reached an unreachable program point");
    REPORT_END();
}

void
__ubsan_handle_nonnull_arg(void *data)
{
    const struct ubsan_nonnull_arg_data *d = data;

    report_begin(&d->src);
    kprintf("null pointer passed as argument %d, which is declared to never be null", d->arg_index);
    REPORT_END();
}

void
__ubsan_handle_nonnull_return_v1(void *data, void *source)
{
    const struct ubsan_nonnull_return_data *d = data;

    report_begin(source);
    kprintf("null pointer returned from a function declared to never return null");
    if (d->attr.file)
        kprintf(" (the attribute: %s:%u:%u)", d->attr.file, d->attr.line, d->attr.column);
    REPORT_END();
}

void
__ubsan_handle_pointer_overflow(void *data, void *base, void *result)
{
    const struct ubsan_source_data *d = data;

    report_begin(&d->src);
    if (!base)
        kprintf("applying non-zero offset %p to null pointer", result);
    else if (!result)
        kprintf("applying non-zero offset to non-null pointer %p produced null pointer", base);
    else
        kprintf("pointer index expression with base %p overflowed to %p", base, result);
    REPORT_END();
}

void
__ubsan_handle_invalid_builtin(void *data)
{
    const struct ubsan_builtin_data *d = data;

    report_begin(&d->src);
    kprintf("passing zero to %s, which is not a valid argument", d->kind == 0 ? "ctz()" : "clz()");
    REPORT_END();
}

void
__ubsan_handle_vla_bound_not_positive(void *data, void *bound)
{
    const struct ubsan_overflow_data *d = data;

    report_begin(&d->src);
    kprintf("variable length array bound evaluates to non-positive value ");
    value_print(d->type, bound);
    REPORT_END();
}
