# The shell (apps/sh) built for the host against its C library, with
# tests/host/sh_sys_host.c in place of the Cairn-only apps/sh/sys.c, and
# driven by test_sh.c, which runs it on commands and scripts in a
# temporary directory. The binary sits next to the test as build/host/sh.
SH_HOST_SRCS := $(filter-out apps/sh/sys.c,$(sort $(wildcard apps/sh/*.c))) \
                lib/shparse/shparse.c tests/host/sh_sys_host.c
test_sh_SRCS :=

build/host/sh: $(SH_HOST_SRCS) $(wildcard apps/sh/*.h) lib/shparse/shparse.h tests/host/test_sh.mk
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all -Ilib -Iapps/sh \
	    -o $@ $(SH_HOST_SRCS)

build/host/test_sh: build/host/sh
