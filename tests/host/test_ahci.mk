# The AHCI driver's pure ATA code (drivers/ahci/ata.c): IDENTIFY, the
# command FIS, the PRDT.
test_ahci_SRCS := drivers/ahci/ata.c
test_ahci_CFLAGS := -Idrivers/ahci
