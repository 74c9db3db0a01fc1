/* SPDX-License-Identifier: MIT */
/*
 * Character classes (C11 7.4) of the "C" locale, the only one: ASCII.
 * Each takes an int holding an unsigned char's value or EOF (-1); any
 * other value gives 0 (or, for tolower and toupper, itself) rather than
 * reading outside a table. Real functions, not macros.
 */
#ifndef CAIRN_LIBC_CTYPE_H
#define CAIRN_LIBC_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int isascii(int c);
int tolower(int c);
int toupper(int c);

#endif
