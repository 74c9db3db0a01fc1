# sysbench: the whole system's figures, run from the shell by make bench
# (docs/benchmarks.md).
PROGRAMS += sysbench
sysbench_SRCS := $(sort $(wildcard apps/sysbench/*.c))
