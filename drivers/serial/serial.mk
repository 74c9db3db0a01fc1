# The 16550 serial driver (docs/console.md): boot module and initfs member `serial`.
PROGRAMS += serial
serial_SRCS := $(sort $(wildcard drivers/serial/*.c))
