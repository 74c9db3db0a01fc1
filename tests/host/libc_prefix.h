/* SPDX-License-Identifier: MIT */
/*
 * Renames the C library's public names to cl_<name> in libc_under_test.c,
 * so that Cairn's libc and the host's can live in one test program and be
 * compared call for call (test_libc.c). Only that file includes this one.
 */
#ifndef CAIRN_TESTS_HOST_LIBC_PREFIX_H
#define CAIRN_TESTS_HOST_LIBC_PREFIX_H

#define isalnum  cl_isalnum
#define isalpha  cl_isalpha
#define isblank  cl_isblank
#define iscntrl  cl_iscntrl
#define isdigit  cl_isdigit
#define isgraph  cl_isgraph
#define islower  cl_islower
#define isprint  cl_isprint
#define ispunct  cl_ispunct
#define isspace  cl_isspace
#define isupper  cl_isupper
#define isxdigit cl_isxdigit
#define isascii  cl_isascii
#define tolower  cl_tolower
#define toupper  cl_toupper

#define strtol   cl_strtol
#define strtoul  cl_strtoul
#define strtoll  cl_strtoll
#define strtoull cl_strtoull
#define atoi     cl_atoi
#define strtod   cl_strtod
#define strtof   cl_strtof
#define strtold  cl_strtold
#define atof     cl_atof
#define atol     cl_atol
#define atoll    cl_atoll
#define qsort    cl_qsort
#define bsearch  cl_bsearch
#define abs      cl_abs
#define labs     cl_labs
#define llabs    cl_llabs
#define div      cl_div
#define ldiv     cl_ldiv
#define lldiv    cl_lldiv

#define memchr      cl_memchr
#define strrchr     cl_strrchr
#define strcpy      cl_strcpy
#define stpcpy      cl_stpcpy
#define strncpy     cl_strncpy
#define strcat      cl_strcat
#define strncat     cl_strncat
#define strspn      cl_strspn
#define strcspn     cl_strcspn
#define strpbrk     cl_strpbrk
#define strstr      cl_strstr
#define strdup      cl_strdup
#define strndup     cl_strndup
#define strtok      cl_strtok
#define strtok_r    cl_strtok_r
#define strcoll     cl_strcoll
#define strerror    cl_strerror
#define strcasecmp  cl_strcasecmp
#define strncasecmp cl_strncasecmp

#define malloc         cl_malloc
#define calloc         cl_calloc
#define realloc        cl_realloc
#define free           cl_free
#define posix_memalign cl_posix_memalign
#define aligned_alloc  cl_aligned_alloc

/* stdio (test_stdio.c) */
#define stdin       cl_stdin
#define stdout      cl_stdout
#define stderr      cl_stderr
#define fopen       cl_fopen
#define fdopen      cl_fdopen
#define freopen     cl_freopen
#define fclose      cl_fclose
#define fflush      cl_fflush
#define setvbuf     cl_setvbuf
#define setbuf      cl_setbuf
#define fread       cl_fread
#define fwrite      cl_fwrite
#define fgetc       cl_fgetc
#define getc        cl_getc
#define getchar     cl_getchar
#define ungetc      cl_ungetc
#define fgets       cl_fgets
#define getdelim    cl_getdelim
#define getline     cl_getline
#define fputc       cl_fputc
#define putc        cl_putc
#define putchar     cl_putchar
#define fputs       cl_fputs
#define puts        cl_puts
#define fseeko      cl_fseeko
#define fseek       cl_fseek
#define ftello      cl_ftello
#define ftell       cl_ftell
#define rewind      cl_rewind
#define fgetpos     cl_fgetpos
#define fsetpos     cl_fsetpos
#define feof        cl_feof
#define ferror      cl_ferror
#define clearerr    cl_clearerr
#define fileno      cl_fileno
#define flockfile   cl_flockfile
#define funlockfile cl_funlockfile
#define perror      cl_perror
#define remove      cl_remove
#define vfprintf    cl_vfprintf
#define fprintf     cl_fprintf
#define vprintf     cl_vprintf
#define printf      cl_printf
#define vdprintf    cl_vdprintf
#define dprintf     cl_dprintf
#define vsprintf    cl_vsprintf
#define sprintf     cl_sprintf
#define vasprintf   cl_vasprintf
#define asprintf    cl_asprintf
#define vsscanf     cl_vsscanf
#define sscanf      cl_sscanf
#define vfscanf     cl_vfscanf
#define fscanf      cl_fscanf
#define vscanf      cl_vscanf
#define scanf       cl_scanf
#define vsnprintf   cl_vsnprintf
#define snprintf    cl_snprintf
#define open        cl_open
#define fcntl       cl_fcntl

/* time (test_time.c): struct tm becomes struct cl_tm, which the test
 * declares with Cairn's layout. */
#define tm          cl_tm
#define gmtime      cl_gmtime
#define gmtime_r    cl_gmtime_r
#define localtime   cl_localtime
#define localtime_r cl_localtime_r
#define timegm      cl_timegm
#define mktime      cl_mktime
#define asctime     cl_asctime
#define asctime_r   cl_asctime_r
#define ctime       cl_ctime
#define ctime_r     cl_ctime_r
#define difftime    cl_difftime
#define strftime    cl_strftime
#define tzset       cl_tzset
#define tzname      cl_tzname
#define timezone    cl_timezone
#define daylight    cl_daylight

/* What the code under test uses from the rest of the C library: the test
 * program provides these. */
#define errno                 cl_errno
#define getenv                cl_getenv
#define pthread_mutex_lock    cl_pthread_mutex_lock
#define pthread_mutex_unlock  cl_pthread_mutex_unlock
#define pthread_mutex_init    cl_pthread_mutex_init
#define pthread_mutex_trylock cl_pthread_mutex_trylock

#endif
