# ACPI tables for power management (acpi_tables.h): build/user/lib/libacpi.a.
USER_LIB_NAMES += acpi
lib_acpi_SRCS := lib/acpi/acpi_tables.c
