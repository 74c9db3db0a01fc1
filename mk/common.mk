# The code shared by the kernel, libc and the host tests (common/, included from
# the top Makefile): each common/*.c is compiled three times, by the kernel's
# rules (both kernels, with the kernel's flags and -DCAIRN_KERNEL), into libc.a
# (mk/user.mk, user flags) and into the host tests and fuzzers that name it
# (tests/host/*.mk, tests/fuzz/fuzz.mk, host flags and -DHOST_TEST).
#
# Everything includes these headers as "common/NAME.h" (<common/NAME.h> in
# user space) with -I of the project root: the prefix says where a header
# lives, and common/string.h can never be taken for the C library's
# <string.h>, nor the other way round.
COMMON_SRCS := $(sort $(wildcard common/*.c))
