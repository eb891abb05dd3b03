/*
 * s5.c - finds the \_S5 sleep types in DSDT AML without an interpreter: a byte scan for
 * NameOp [\] "_S5_" PackageOp PkgLength NumElements <int> <int>.
 *
 * Invariant: every byte read is at an index < len, and the package is read only within the
 * length its own PkgLength claims (a PkgLength that runs past the AML rejects the match).
 * A _S5 that is a Method, or whose values are not integer constants, is not understood:
 * the scan then reports nothing and power-off is simply unavailable.
 */
#include "kernel/acpi/tables.h"
#include "kernel/lib/string.h"

#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0A
#define AML_WORD_PFX   0x0B
#define AML_DWORD_PFX  0x0C
#define AML_QWORD_PFX  0x0E
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR  0x5C
#define AML_ONES_OP    0xFF
#define SLP_TYP_MAX    7 /* a 3-bit field of PM1x_CNT */

/* Reads a PkgLength at p[*off]; on success *off is past it and *pkglen is the value. */
static bool s5_pkglen(const uint8_t *p, size_t len, size_t *off, size_t *pkglen)
{
    if (*off >= len)
        return false;
    uint8_t lead = p[*off];
    size_t extra = lead >> 6;
    if (extra > len - *off - 1)
        return false;
    if (extra == 0) {
        *pkglen = lead & 0x3F;
    } else {
        *pkglen = lead & 0x0F;
        for (size_t k = 1; k <= extra; k++)
            *pkglen |= (size_t)p[*off + k] << (4 + 8 * (k - 1));
    }
    *off += 1 + extra;
    return true;
}

/* Reads one integer constant at p[*off], before end. */
static bool s5_integer(const uint8_t *p, size_t end, size_t *off, uint64_t *v)
{
    static const struct { uint8_t op, bytes; } prefixes[] = {
        { AML_BYTE_PFX, 1 }, { AML_WORD_PFX, 2 }, { AML_DWORD_PFX, 4 }, { AML_QWORD_PFX, 8 },
    };
    if (*off >= end)
        return false;
    uint8_t op = p[(*off)++];
    if (op == AML_ZERO_OP || op == AML_ONE_OP || op == AML_ONES_OP) {
        *v = op == AML_ZERO_OP ? 0 : op == AML_ONE_OP ? 1 : ~0ULL;
        return true;
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (prefixes[i].op != op)
            continue;
        if (prefixes[i].bytes > end - *off)
            return false;
        *v = 0;
        for (unsigned b = 0; b < prefixes[i].bytes; b++)
            *v |= (uint64_t)p[*off + b] << (8 * b);
        *off += prefixes[i].bytes;
        return true;
    }
    return false;
}

/* p points just after "_S5_". */
static bool s5_package(const uint8_t *p, size_t len, uint16_t *a, uint16_t *b)
{
    size_t off = 1, pkglen, end;
    uint64_t va, vb = 0;
    if (len < 1 || p[0] != AML_PACKAGE_OP)
        return false;
    /* PkgLength counts itself: the package ends pkglen bytes after the PkgLength's start. */
    if (!s5_pkglen(p, len, &off, &pkglen) || pkglen > len - 1)
        return false;
    end = 1 + pkglen;
    if (off >= end)
        return false;
    uint8_t elements = p[off++];
    if (elements < 1 || !s5_integer(p, end, &off, &va))
        return false;
    if (elements >= 2 && !s5_integer(p, end, &off, &vb))
        return false;
    if (va > SLP_TYP_MAX || vb > SLP_TYP_MAX)
        return false;
    *a = (uint16_t)va;
    *b = (uint16_t)vb;
    return true;
}

bool acpi_s5_parse(const uint8_t *aml, size_t len, uint16_t *slp_typa, uint16_t *slp_typb)
{
    for (size_t i = 1; i + 4 <= len; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        size_t name = i;
        if (aml[name - 1] == AML_ROOT_CHAR)
            name--;
        if (name < 1 || aml[name - 1] != AML_NAME_OP)
            continue;
        if (s5_package(aml + i + 4, len - i - 4, slp_typa, slp_typb))
            return true;
    }
    return false;
}
