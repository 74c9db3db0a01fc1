# The power management part of ACPI of lib/acpi (init and the power server).
test_acpi_tables_SRCS := lib/acpi/acpi_tables.c
test_acpi_tables_CFLAGS := -Ilib
