# The AHCI driver's controller side (drivers/ahci/hba.c) against a model of
# the HBA's registers; libc's <cairn/sys.h> for the calls it makes, which
# the test provides (searched after the host's headers, as for test_ring).
test_ahci_hba_SRCS := drivers/ahci/hba.c drivers/ahci/ata.c
test_ahci_hba_CFLAGS := -Idrivers/ahci -Ilib -idirafter libc/include
