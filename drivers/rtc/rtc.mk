# The CMOS real-time clock's driver (docs/rtc.md): initfs member bin/rtc.
PROGRAMS += rtc
rtc_SRCS := $(sort $(wildcard drivers/rtc/*.c))
