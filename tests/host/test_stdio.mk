# Cairn's strtod family against the host's (test_stdio.c), built apart
# with Cairn's headers and prefixed names like test_libc's code under test.
test_stdio_SRCS := build/host/stdio_under_test.o
test_stdio_CFLAGS := -lm

STDIO_UNDER_TEST_SRCS := libc/ctype.c libc/error.c libc/strtod.c libc/stdio.c libc/stdio_printf.c \
	libc/scanf.c libc/string.c libc/strtol.c common/printf.c common/printf_float.c

build/host/stdio_under_test.o: tests/host/stdio_under_test.c tests/host/libc_prefix.h \
		$(STDIO_UNDER_TEST_SRCS) $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all -ffreestanding -nostdinc \
	    -isystem $(shell $(HOST_CC) -print-file-name=include) -Ilibc/include -Iinclude -I. \
	    -include tests/host/libc_prefix.h -c -o $@ tests/host/stdio_under_test.c
