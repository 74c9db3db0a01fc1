# sha256sum: SHA-256 digests of files (docs/utilities.md).
PROGRAMS += sha256sum
sha256sum_SRCS := $(sort $(wildcard apps/sha256sum/*.c))
