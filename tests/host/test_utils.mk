# The utilities of apps/ (docs/utilities.md), each built for the host
# against its C library as build/host/utils/NAME, which test_utils runs in
# a temporary directory; and lib/util's SHA-256 against the FIPS 180-4
# vectors and its number parsers, linked into the test itself.
UTILS_PORTABLE := echo cat ls cp mv rm mkdir rmdir touch pwd wc head tail grep hexdump \
                  sha256sum sleep kill true false date
UTILS_HOST_BINS := $(addprefix build/host/utils/,$(UTILS_PORTABLE))
UTILS_HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
                     -fsanitize=address,undefined -fno-sanitize-recover=all -Ilib

define utils_host_rule
build/host/utils/$(1): $$(wildcard apps/$(1)/*.c) lib/util/util.c lib/util/sha256.c \
                       lib/util/util.h lib/util/sha256.h
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(HOST_CC) $$(UTILS_HOST_CFLAGS) -o $$@ $$(wildcard apps/$(1)/*.c) lib/util/util.c \
	    lib/util/sha256.c
endef
$(foreach u,$(UTILS_PORTABLE),$(eval $(call utils_host_rule,$(u))))

test_utils_SRCS := lib/util/sha256.c lib/util/util.c
test_utils_CFLAGS := -Ilib
build/host/test_utils: $(UTILS_HOST_BINS)
