# libc's getenv (libc/getenv.c) under other names, so that it neither
# replaces the host's getenv, which the sanitizers' runtime calls, nor reads
# the host's environment; libc's headers come after the host's, whose
# getenv is declared nonnull (libc's checks for NULL all the same) and
# whose <unistd.h> declares environ only for _GNU_SOURCE.
test_getenv_SRCS := libc/getenv.c
test_getenv_CFLAGS := -idirafter libc/include -D_GNU_SOURCE -Dgetenv=libc_getenv -Denviron=libc_environ \
                      -Wno-nonnull-compare
