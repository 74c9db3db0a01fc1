// SPDX-License-Identifier: MIT
/*
 * The class-name table (pciclass.h). Subclass 0xff in the table stands
 * for the class as a whole, the name used when the subclass is not
 * listed. The names are those of the PCI Code and ID Assignment
 * Specification, shortened as lspci on other systems shortens them.
 */
#include <stddef.h>
#include <stdio.h>

#include "pciclass.h"

#define ANY 0xffu

static const struct {
    uint8_t class_code, subclass;
    const char *name;
} pciclass_table[] = {
    {0x00, ANY, "Unclassified device"},
    {0x00, 0x01, "VGA compatible unclassified device"},
    {0x01, ANY, "Mass storage controller"},
    {0x01, 0x00, "SCSI storage controller"},
    {0x01, 0x01, "IDE interface"},
    {0x01, 0x02, "Floppy disk controller"},
    {0x01, 0x04, "RAID bus controller"},
    {0x01, 0x05, "ATA controller"},
    {0x01, 0x06, "SATA controller"},
    {0x01, 0x07, "Serial Attached SCSI controller"},
    {0x01, 0x08, "Non-Volatile memory controller"},
    {0x02, ANY, "Network controller"},
    {0x02, 0x00, "Ethernet controller"},
    {0x03, ANY, "Display controller"},
    {0x03, 0x00, "VGA compatible controller"},
    {0x03, 0x01, "XGA compatible controller"},
    {0x03, 0x02, "3D controller"},
    {0x04, ANY, "Multimedia controller"},
    {0x04, 0x00, "Multimedia video controller"},
    {0x04, 0x01, "Multimedia audio controller"},
    {0x04, 0x03, "Audio device"},
    {0x05, ANY, "Memory controller"},
    {0x05, 0x00, "RAM memory"},
    {0x06, ANY, "Bridge"},
    {0x06, 0x00, "Host bridge"},
    {0x06, 0x01, "ISA bridge"},
    {0x06, 0x02, "EISA bridge"},
    {0x06, 0x04, "PCI bridge"},
    {0x06, 0x07, "CardBus bridge"},
    {0x06, 0x80, "Bridge"},
    {0x07, ANY, "Communication controller"},
    {0x07, 0x00, "Serial controller"},
    {0x07, 0x01, "Parallel controller"},
    {0x08, ANY, "Generic system peripheral"},
    {0x08, 0x00, "PIC"},
    {0x08, 0x01, "DMA controller"},
    {0x08, 0x02, "Timer"},
    {0x08, 0x03, "RTC"},
    {0x08, 0x80, "System peripheral"},
    {0x09, ANY, "Input device controller"},
    {0x09, 0x00, "Keyboard controller"},
    {0x09, 0x02, "Mouse controller"},
    {0x0a, ANY, "Docking station"},
    {0x0b, ANY, "Processor"},
    {0x0c, ANY, "Serial bus controller"},
    {0x0c, 0x03, "USB controller"},
    {0x0c, 0x05, "SMBus"},
    {0x0d, ANY, "Wireless controller"},
    {0x0e, ANY, "Intelligent controller"},
    {0x0f, ANY, "Satellite communications controller"},
    {0x10, ANY, "Encryption controller"},
    {0x11, ANY, "Signal processing controller"},
    {0x12, ANY, "Processing accelerators"},
    {0x13, ANY, "Non-Essential Instrumentation"},
    {0xff, ANY, "Unassigned class"},
};

const char *
pciclass_name(uint8_t class_code, uint8_t subclass)
{
    const char *name = "Unclassified device";

    for (size_t i = 0; i < sizeof(pciclass_table) / sizeof(pciclass_table[0]); i++) {
        if (pciclass_table[i].class_code != class_code)
            continue;
        if (pciclass_table[i].subclass == subclass && subclass != ANY)
            return pciclass_table[i].name;
        if (pciclass_table[i].subclass == ANY)
            name = pciclass_table[i].name;
    }
    return name;
}

void
pciclass_line(const struct proto_pci_device *d, char *out, size_t size)
{
    snprintf(out, size, "%02x:%02x.%x %s [%02x%02x]: %04x:%04x (rev %02x)", d->bus, d->dev & 31u,
             d->fn & 7u, pciclass_name(d->class_code, d->subclass), d->class_code, d->subclass,
             d->vendor, d->device, d->revision);
}

void
pciclass_size(uint64_t size, char *out, size_t len)
{
    static const char units[] = "KMGT";
    unsigned u = 0;

    while (u < 4 && size >= 1024 && size % 1024 == 0) {
        size /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, len, "%llu", (unsigned long long)size);
    else
        snprintf(out, len, "%llu%c", (unsigned long long)size, units[u - 1]);
}
