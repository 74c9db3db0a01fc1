# The PCI bus server (docs/pci.md): initfs member bin/pci.
PROGRAMS += pci
pci_SRCS := $(sort $(wildcard drivers/pci/*.c))
