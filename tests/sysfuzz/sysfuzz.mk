# The system call fuzzer (docs/testing.md, "Fuzzing"): boot module `fuzz`.
PROGRAMS += fuzz
fuzz_SRCS := $(sort $(wildcard tests/sysfuzz/*.c))
