# date: the date and time (docs/utilities.md).
PROGRAMS += date
date_SRCS := $(sort $(wildcard apps/date/*.c))
