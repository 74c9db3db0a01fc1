# Cairn's C library against the host's (test_libc.c). The code under test
# is built apart, with Cairn's headers instead of the host's and its names
# prefixed (libc_prefix.h), then linked into the test like a source file.
test_libc_SRCS := build/host/libc_under_test.o

LIBC_UNDER_TEST_SRCS := libc/ctype.c libc/error.c libc/malloc.c libc/qsort.c libc/stdlib.c libc/string.c libc/strtol.c

build/host/libc_under_test.o: tests/host/libc_under_test.c tests/host/libc_prefix.h \
		$(LIBC_UNDER_TEST_SRCS) $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all -ffreestanding -nostdinc \
	    -isystem $(shell $(HOST_CC) -print-file-name=include) -Ilibc/include -Iinclude -I. \
	    -include tests/host/libc_prefix.h -c -o $@ tests/host/libc_under_test.c
