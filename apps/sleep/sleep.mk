# sleep: waiting a while (docs/utilities.md).
PROGRAMS += sleep
sleep_SRCS := $(sort $(wildcard apps/sleep/*.c))
