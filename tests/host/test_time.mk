# Cairn's calendar, time zones and strftime against the host's (test_time.c), built
# apart with Cairn's headers and prefixed names like test_libc's code under
# test; and the CMOS clock's decoder (drivers/rtc/cmos.c) on good and
# garbage register values.
test_time_SRCS := build/host/time_under_test.o drivers/rtc/cmos.c

TIME_UNDER_TEST_SRCS := libc/calendar.c libc/strftime.c libc/timezone.c libc/timezone.h

build/host/time_under_test.o: tests/host/time_under_test.c tests/host/libc_prefix.h \
		$(TIME_UNDER_TEST_SRCS) $(HOST_HEADERS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all -ffreestanding -nostdinc \
	    -isystem $(shell $(HOST_CC) -print-file-name=include) -Ilibc/include -Iinclude -I. \
	    -include tests/host/libc_prefix.h -c -o $@ tests/host/time_under_test.c
