/* SPDX-License-Identifier: MIT */
/*
 * Names of PCI device classes, as lspci prints them: the class and
 * subclass bytes of a function's class code to a short English name.
 * Pure code (a table), also built into the host test.
 */
#ifndef CAIRN_APPS_LSPCI_PCICLASS_H
#define CAIRN_APPS_LSPCI_PCICLASS_H

#include <stddef.h>
#include <stdint.h>

#include <proto/pci.h>

/* The name of class/subclass: the subclass's when the table knows it,
 * else the class's, else "Unclassified device"; never NULL. */
const char *pciclass_name(uint8_t class_code, uint8_t subclass);

/* lspci's line for a device, `BB:DD.F NAME [CCSS]: VVVV:DDDD (rev RR)`,
 * into out (size bytes, truncated, always terminated). */
void pciclass_line(const struct proto_pci_device *d, char *out, size_t size);

/* A size as lspci writes it: "16M", "4K", "32" (bytes or ports). */
void pciclass_size(uint64_t size, char *out, size_t len);

#endif
