# libc's environment (libc/env.c) under other names, so that it neither
# replaces the host's getenv, which the sanitizers' runtime calls, nor reads
# the host's environment; libc's headers come after the host's, whose
# getenv is declared nonnull (libc's checks for NULL all the same) and
# whose <unistd.h> declares environ only for _GNU_SOURCE.
test_env_SRCS := libc/env.c
test_env_CFLAGS := -idirafter libc/include -D_GNU_SOURCE -Dgetenv=libc_getenv -Denviron=libc_environ \
                   -Dsetenv=libc_setenv -Dunsetenv=libc_unsetenv -Wno-nonnull-compare
