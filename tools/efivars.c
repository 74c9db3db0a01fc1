// SPDX-License-Identifier: MIT
/*
 * efivars: enroll a certificate as Secure Boot's PK, KEK and db in a copy
 * of OVMF's variable store, so that QEMU boots with Secure Boot enforced
 * and trusting that certificate alone (docs/boot.md, "Secure Boot").
 *
 *     efivars enroll TEMPLATE.fd CERT.der OUT.fd
 *     efivars list STORE.fd
 *
 * TEMPLATE is a variable store whose firmware enforces Secure Boot once a
 * platform key is there (Debian's OVMF_VARS_4M.snakeoil.fd, which holds a
 * published test key and the switch that turns enforcement on). `enroll`
 * marks its PK, KEK and db deleted, as the firmware itself does when it
 * replaces a variable, and appends the new ones after the store's last
 * variable, each one EFI_SIGNATURE_LIST of one X.509 certificate. The
 * firmware checks the signatures of writes made through SetVariable at
 * run time; what it finds in its store at power-on it takes as written.
 * `list` prints every variable of a store (state, attributes, size, name).
 *
 * The layout read and written here (the UEFI Platform Initialization
 * specification for the firmware volume, EDK II's variable store format):
 *
 *   firmware volume header: "_FVH" at byte 40, u16 header length at 48;
 *   variable store header, at the header length: the GUID of authenticated
 *     variable stores, u32 size (header included), u8 format 0x5a, u8
 *     state 0xfe, 6 reserved bytes (28 in all);
 *   variables from there on, each starting on 4 bytes: u16 start 0x55aa,
 *     u8 state, u8 reserved, u32 attributes, u64 monotonic count, the
 *     16-byte EFI_TIME, u32 public key index, u32 name size, u32 data
 *     size, the vendor GUID (60 bytes in all); the UTF-16 name with its
 *     terminating 0; the data right after it (x86's alignment is 1: only
 *     headers are aligned);
 *   the store ends at the first header without 0x55aa (erased flash).
 *
 * Every length read from the file is checked against the store before it
 * is used: a damaged store is refused with a message, never overrun.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FV_SIGNATURE_AT     40
#define FV_HEADER_LENGTH_AT 48
#define STORE_HEADER_SIZE   28
#define STORE_FORMATTED     0x5a
#define STORE_HEALTHY       0xfe
#define VAR_START_ID        0x55aa
#define VAR_HEADER_SIZE     60
#define VAR_ADDED           0x3f
#define VAR_DELETED_MASK    0xfd /* state &= this marks a variable deleted */
#define VAR_ADDED_IN_DELETE 0x3e /* added, its replacement under way */

/* Non-volatile, boot and run time, time-based authenticated writes. */
#define SECURE_VAR_ATTRIBUTES 0x27u

struct guid {
    uint8_t b[16];
};

/* GUIDs in their byte order in memory: the first three fields little endian. */
static const struct guid authenticated_store_guid = {{0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a,
                                                      0x43, 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3,
                                                      0x77, 0x92}};
static const struct guid global_variable_guid = {{0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                                  0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}};
static const struct guid image_security_database_guid = {{0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96,
                                                          0x45, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67,
                                                          0x65, 0x6f}};
static const struct guid cert_x509_guid = {{0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a, 0x87,
                                            0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72}};
/* The owner recorded with each signature: Cairn's own. */
static const struct guid cairn_owner_guid = {{0x1c, 0x6e, 0x2a, 0x5b, 0x3f, 0x8d, 0x4e, 0x47, 0x9a,
                                              0x61, 0xc4, 0x0d, 0x2b, 0x7e, 0x93, 0x58}};

struct secure_var {
    const char *name;
    const struct guid *vendor;
};

static const struct secure_var secure_vars[] = {
    {"PK", &global_variable_guid},
    {"KEK", &global_variable_guid},
    {"db", &image_security_database_guid},
};

/* A variable store inside a firmware volume image held in memory. */
struct store {
    uint8_t *image;
    size_t image_size;
    size_t start; /* the first variable */
    size_t end;   /* the store's end: no variable reaches past it */
};

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t
align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static int
fail(const char *what)
{
    fprintf(stderr, "efivars: %s\n", what);
    return -1;
}

/* Finds the variable store of a firmware volume image. 0 or -1. */
static int
store_open(struct store *s, uint8_t *image, size_t size)
{
    size_t header, store_size;
    const uint8_t *h;

    s->image = image;
    s->image_size = size;
    if (size < FV_HEADER_LENGTH_AT + 2 || memcmp(image + FV_SIGNATURE_AT, "_FVH", 4) != 0)
        return fail("not a firmware volume (no _FVH signature)");
    header = get16(image + FV_HEADER_LENGTH_AT);
    if (header < FV_HEADER_LENGTH_AT + 2 || header > size - STORE_HEADER_SIZE)
        return fail("the firmware volume's header length is out of range");
    h = image + header;
    if (memcmp(h, &authenticated_store_guid, sizeof(struct guid)) != 0)
        return fail("the volume holds no authenticated variable store");
    if (h[20] != STORE_FORMATTED || h[21] != STORE_HEALTHY)
        return fail("the variable store is not formatted and healthy");
    store_size = get32(h + 16);
    if (store_size < STORE_HEADER_SIZE || store_size > size - header)
        return fail("the variable store's size is out of range");
    s->start = header + align4(STORE_HEADER_SIZE);
    s->end = header + store_size;
    return 0;
}

struct var {
    size_t at, next;
    uint8_t state;
    uint32_t attributes, name_size, data_size;
    const uint8_t *vendor, *name, *data;
};

/*
 * Reads the variable at `at`: 1 when there is one, 0 at the store's end,
 * -1 when its header or sizes run past the store.
 */
static int
var_read(const struct store *s, size_t at, struct var *v)
{
    const uint8_t *p;
    size_t name_end;

    if (at > s->end || s->end - at < VAR_HEADER_SIZE)
        return 0;
    p = s->image + at;
    if (get16(p) != VAR_START_ID)
        return 0;
    v->at = at;
    v->state = p[2];
    v->attributes = get32(p + 4);
    v->name_size = get32(p + 36);
    v->data_size = get32(p + 40);
    v->vendor = p + 44;
    if (v->name_size > s->end - at - VAR_HEADER_SIZE)
        return fail("a variable's name runs past the store");
    name_end = at + VAR_HEADER_SIZE + v->name_size;
    if (name_end > s->end || v->data_size > s->end - name_end)
        return fail("a variable's data runs past the store");
    v->name = p + VAR_HEADER_SIZE;
    v->data = s->image + name_end;
    v->next = align4(name_end + v->data_size);
    return 1;
}

static int
var_live(const struct var *v)
{
    return v->state == VAR_ADDED || v->state == VAR_ADDED_IN_DELETE;
}

/* Whether v's UTF-16 name is the ASCII `name`. */
static int
var_named(const struct var *v, const char *name)
{
    size_t n = strlen(name);

    if (v->name_size != 2 * (n + 1))
        return 0;
    for (size_t i = 0; i <= n; i++)
        if (get16(v->name + 2 * i) != (uint16_t)(unsigned char)name[i])
            return 0;
    return 1;
}

/* The end of the last variable: where the next one goes. -1 on damage. */
static long
store_free_at(const struct store *s)
{
    struct var v;
    size_t at = s->start;
    int r;

    while ((r = var_read(s, at, &v)) > 0)
        at = v.next;
    return r < 0 ? -1 : (long)at;
}

/* Appends one live variable; returns the next free offset, or -1. */
static long
store_append(struct store *s, size_t at, const struct secure_var *sv, const uint8_t *data,
             uint32_t data_size)
{
    size_t name_size = 2 * (strlen(sv->name) + 1);
    size_t need = VAR_HEADER_SIZE + name_size + data_size;
    uint8_t *p;

    if (at > s->end || need > s->end - at)
        return fail("the variable store has no room for the keys");
    p = s->image + at;
    for (size_t i = 0; i < need; i++)
        if (p[i] != 0xff)
            return fail("the store's free space is not erased");
    memset(p, 0, VAR_HEADER_SIZE + name_size);
    put16(p, VAR_START_ID);
    p[2] = VAR_ADDED;
    put32(p + 4, SECURE_VAR_ATTRIBUTES);
    /* EFI_TIME 2024-01-01 00:00:00: later than nothing an update compares with. */
    put16(p + 16, 2024);
    p[18] = 1;
    p[19] = 1;
    put32(p + 36, (uint32_t)name_size);
    put32(p + 40, data_size);
    memcpy(p + 44, sv->vendor, sizeof(struct guid));
    for (size_t i = 0; sv->name[i]; i++)
        put16(p + VAR_HEADER_SIZE + 2 * i, (uint16_t)(unsigned char)sv->name[i]);
    memcpy(p + VAR_HEADER_SIZE + name_size, data, data_size);
    return (long)align4(at + need);
}

/* One EFI_SIGNATURE_LIST holding one X.509 certificate. Caller frees. */
static uint8_t *
signature_list(const uint8_t *cert, size_t cert_size, uint32_t *size)
{
    size_t sig_size = sizeof(struct guid) + cert_size;
    size_t list_size = sizeof(struct guid) + 12 + sig_size;
    uint8_t *l;

    if (list_size > UINT32_MAX || !(l = malloc(list_size)))
        return NULL;
    memcpy(l, &cert_x509_guid, sizeof(struct guid));
    put32(l + 16, (uint32_t)list_size);
    put32(l + 20, 0); /* no signature header */
    put32(l + 24, (uint32_t)sig_size);
    memcpy(l + 28, &cairn_owner_guid, sizeof(struct guid));
    memcpy(l + 44, cert, cert_size);
    *size = (uint32_t)list_size;
    return l;
}

static uint8_t *
read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f) {
        fprintf(stderr, "efivars: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *size = (size_t)n;
    } else {
        fprintf(stderr, "efivars: %s: cannot read it (or it is empty)\n", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/*
 * A DER certificate starts with a SEQUENCE whose length covers the rest:
 * enough to catch a PEM file or some other file given by mistake.
 */
static int
looks_like_der_cert(const uint8_t *c, size_t n)
{
    size_t len;

    if (n < 4 || c[0] != 0x30 || c[1] != 0x82)
        return 0;
    len = (size_t)c[2] << 8 | c[3];
    return len + 4 == n;
}

static int
enroll(const char *template_path, const char *cert_path, const char *out_path)
{
    size_t image_size, cert_size;
    uint8_t *image = read_file(template_path, &image_size), *cert = NULL, *list = NULL;
    uint32_t list_size;
    struct store s;
    struct var v;
    long at;
    int r, rc = 1;
    FILE *f;

    if (!image || !(cert = read_file(cert_path, &cert_size)))
        goto out;
    if (!looks_like_der_cert(cert, cert_size)) {
        fprintf(stderr, "efivars: %s: not one DER-encoded certificate\n", cert_path);
        goto out;
    }
    if (store_open(&s, image, image_size) < 0 ||
        !(list = signature_list(cert, cert_size, &list_size)))
        goto out;
    /* The old keys go, as a SetVariable that replaces them leaves them. */
    for (size_t at_ = s.start; (r = var_read(&s, at_, &v)) > 0; at_ = v.next)
        for (size_t i = 0; i < sizeof(secure_vars) / sizeof(secure_vars[0]); i++)
            if (var_live(&v) && var_named(&v, secure_vars[i].name) &&
                memcmp(v.vendor, secure_vars[i].vendor, sizeof(struct guid)) == 0)
                image[v.at + 2] &= VAR_DELETED_MASK;
    if (r < 0 || (at = store_free_at(&s)) < 0)
        goto out;
    for (size_t i = 0; i < sizeof(secure_vars) / sizeof(secure_vars[0]); i++)
        if ((at = store_append(&s, (size_t)at, &secure_vars[i], list, list_size)) < 0)
            goto out;
    if (!(f = fopen(out_path, "wb"))) {
        fprintf(stderr, "efivars: %s: %s\n", out_path, strerror(errno));
        goto out;
    }
    if (fwrite(image, 1, image_size, f) != image_size || fclose(f) != 0) {
        fprintf(stderr, "efivars: %s: cannot write it\n", out_path);
        remove(out_path);
        goto out;
    }
    rc = 0;
out:
    free(image);
    free(cert);
    free(list);
    return rc;
}

static int
list_vars(const char *path)
{
    size_t size;
    uint8_t *image = read_file(path, &size);
    struct store s;
    struct var v;
    int r = -1;

    if (image && store_open(&s, image, size) == 0) {
        for (size_t at = s.start; (r = var_read(&s, at, &v)) > 0; at = v.next) {
            printf("%-7s %#06x %6u ", var_live(&v) ? "live" : "deleted", v.attributes, v.data_size);
            for (uint32_t i = 0; i + 1 < v.name_size; i += 2) {
                uint16_t c = get16(v.name + i);
                if (!c)
                    break;
                putchar(c >= 0x20 && c < 0x7f ? c : '?');
            }
            putchar('\n');
        }
    }
    free(image);
    return r < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "enroll") == 0)
        return enroll(argv[2], argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return list_vars(argv[2]);
    fprintf(stderr, "usage: efivars enroll TEMPLATE.fd CERT.der OUT.fd\n"
                    "       efivars list STORE.fd\n");
    return 2;
}
