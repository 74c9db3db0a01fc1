# The entropy server behind /dev/random (docs/drivers.md): initfs member bin/rng.
PROGRAMS += rng
rng_SRCS := $(sort $(wildcard drivers/rng/*.c))
