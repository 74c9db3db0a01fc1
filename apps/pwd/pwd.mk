# pwd: the working directory (docs/utilities.md).
PROGRAMS += pwd
pwd_SRCS := $(sort $(wildcard apps/pwd/*.c))
