# Host unit tests: the pure code of common/, the kernel and user space built
# for the host with sanitizers.
#
# Each tests/host/test_<name>.c is one program. Its companion
# tests/host/test_<name>.mk names the sources it exercises:
#     test_<name>_SRCS := kernel/mm/buddy.c
# and, if it needs them, extra compiler flags in test_<name>_CFLAGS.
# Every program also links log_stub.c (a recording klog()).

HOST_CC      ?= cc
HOST_CFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -Ikernel -Iinclude -I. -Itests/host -DHOST_TEST -DCAIRN_LOCK_DEBUG

# Any header change rebuilds every host test: coarse, but never stale.
HOST_HEADERS    := $(shell find kernel common include libc/include lib tests/host -name '*.h')
HOST_TEST_MKS   := $(wildcard tests/host/test_*.mk)
include $(HOST_TEST_MKS)
HOST_TEST_NAMES := $(patsubst tests/host/%.mk,%,$(HOST_TEST_MKS))
HOST_TEST_BINS  := $(addprefix build/host/,$(HOST_TEST_NAMES))

define host_test_rule
build/host/$(1): tests/host/$(1).c $$($(1)_SRCS) tests/host/log_stub.c $$(HOST_HEADERS) | $(BUILD)/.deps-ok
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(HOST_CC) $$(HOST_CFLAGS) $$($(1)_CFLAGS) -o $$@ tests/host/$(1).c $$($(1)_SRCS) tests/host/log_stub.c
endef
$(foreach t,$(HOST_TEST_NAMES),$(eval $(call host_test_rule,$(t))))


.PHONY: host-tests
host-tests: $(HOST_TEST_BINS)
