# The user-mode benchmarks (make bench, docs/benchmarks.md): boot module `bench`.
PROGRAMS += bench
bench_SRCS := $(sort $(wildcard apps/bench/*.c))
