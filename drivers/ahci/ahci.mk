# The AHCI (SATA) block driver on lib/blkserve (docs/storage.md): initfs
# member bin/ahci.
PROGRAMS += ahci
ahci_SRCS := $(sort $(wildcard drivers/ahci/*.c))
