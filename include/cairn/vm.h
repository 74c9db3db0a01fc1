/* SPDX-License-Identifier: MIT */
/*
 * Mapping memory objects: protection bits and flags for vm_map and
 * vm_protect. A mapping is never writable and executable at once (W^X).
 */
#ifndef CAIRN_VM_H
#define CAIRN_VM_H

#define CAIRN_PROT_READ  1u
#define CAIRN_PROT_WRITE 2u
#define CAIRN_PROT_EXEC  4u

/* memobj_create flags */
#define CAIRN_MEMOBJ_ON_TOUCH 1u /* charge each page to the quota when first touched */

/* vm_map flags */
#define CAIRN_MAP_FIXED 1u /* map exactly at the address given, or fail */

/* vm_map_into takes the protection (bits 0-7) and the flags (bits 8-15)
 * in one argument; every other bit must be 0. */
#define CAIRN_VM_PROT_FLAGS(prot, flags) ((prot) | (flags) << 8)

/* Where vm_map places mappings when no fixed address is asked for. */
#define CAIRN_VM_PICK_BASE 0x0000100000000000ull

#endif
