# lspci: the devices the PCI bus server found (docs/utilities.md, docs/pci.md).
PROGRAMS += lspci
lspci_SRCS := $(sort $(wildcard apps/lspci/*.c))
