# The PCI bus server's walk, BAR sizing and reserved registers
# (drivers/pci/pcienum.c) and lspci's class names (apps/lspci/pciclass.c).
test_pci_SRCS := drivers/pci/pcienum.c apps/lspci/pciclass.c
