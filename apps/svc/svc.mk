# svc: the services init runs, listed and ended from the shell
# (docs/utilities.md).
PROGRAMS += svc
svc_SRCS := $(sort $(wildcard apps/svc/*.c))
