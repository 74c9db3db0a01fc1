/* SPDX-License-Identifier: MIT */
/*
 * The link names of common/'s C library functions (memcpy, vsnprintf, ...).
 *
 * In the kernel and in libc they are the standard names: gcc emits calls to
 * memcpy and memset on its own, and user programs call them by those names.
 * In a host test the host's C library already owns those names, and the
 * sanitizers know its functions, so there common/'s definitions are built
 * under a common_ prefix (common_memcpy, common_vsnprintf): the test calls
 * them by that name and compares them with the host's, and other pure code
 * built for the host keeps calling the host's.
 */
#ifndef CAIRN_COMMON_NAMES_H
#define CAIRN_COMMON_NAMES_H

#ifdef HOST_TEST
#define COMMON_NAME(name) common_##name
#else
#define COMMON_NAME(name) name
#endif

#endif
