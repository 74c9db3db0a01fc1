/* SPDX-License-Identifier: MIT */
/*
 * assert (C11 7.2): a failed assertion prints the expression, the file,
 * the line and the function, then aborts (status 134). With NDEBUG
 * defined where <assert.h> is included it does nothing, and this header
 * may be included again to change that, as the standard says.
 */
#undef assert

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
_Noreturn void __cairn_assert_fail(const char *expr, const char *file, int line, const char *func);
#define assert(expr) ((expr) ? (void)0 : __cairn_assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif

#ifndef CAIRN_LIBC_ASSERT_H
#define CAIRN_LIBC_ASSERT_H
#define static_assert _Static_assert
#endif
