/*
 * acpi.c - finds the firmware's ACPI tables (RSDP -> XSDT or RSDT -> MADT, HPET, MCFG, FADT -> DSDT)
 * and fills acpi_info from them.
 *
 * Invariant: no byte of a table is read before the whole of [phys, phys + length) was found
 * to lie below the direct-map limit (acpi_hhdm_limit), length >= the header and the checksum
 * is 0. A table that fails is logged and ignored; the kernel runs on without it.
 * The tables are read once here; nothing keeps pointers into them afterwards (their memory
 * may be reclaimed).
 */
#include "kernel/acpi/acpi.h"
#include "kernel/acpi/tables.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "mm/hhdm.h"

#define ACPI_DEFAULT_LIMIT    (4ULL << 30)
#define ACPI_MAX_TABLE_LEN    (16u << 20) /* far above any real DSDT; bounds a lying length */
#define ACPI_MAX_ROOT_ENTRIES 256         /* bounds the root table walk */
#define ACPI_RSDP_MAX_LEN     4096

acpi_info_t acpi_info;
uint64_t acpi_hhdm_limit;

#ifdef SPINDLE_HOST_TEST
/* Host tests point this at a buffer that stands for physical memory [0, acpi_hhdm_limit). */
const uint8_t *acpi_host_phys_base;
#define ACPI_PHYS_PTR(p) (acpi_host_phys_base + (p))
#else
#define ACPI_PHYS_PTR(p) ((const uint8_t *)phys_to_virt(p))
#endif

typedef struct {
    uint64_t phys;
    const uint8_t *data;
    uint32_t len;
    char sig[5];
} acpi_table_t;

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

static uint64_t acpi_limit(void)
{
    return acpi_hhdm_limit ? acpi_hhdm_limit : ACPI_DEFAULT_LIMIT;
}

/* Pointer to [phys, phys + len) through the direct map, or NULL if any of it lies outside. */
static const uint8_t *acpi_map(uint64_t phys, uint64_t len)
{
    uint64_t limit = acpi_limit();
    if (phys == 0 || len > limit || phys > limit - len)
        return NULL;
    return ACPI_PHYS_PTR(phys);
}

/* Copies n bytes of firmware text, replacing what is not printable ASCII. */
static void acpi_copy_name(char *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
    dst[n] = '\0';
}

/* Validates the table at phys: in the direct map, sane length, checksum. */
static bool acpi_table_get(uint64_t phys, acpi_table_t *out)
{
    const uint8_t *hdr = acpi_map(phys, SDT_HDR_LEN);
    if (!hdr) {
        kprintf("acpi: table at 0x%llx is outside the direct map, ignored\n",
                (unsigned long long)phys);
        return false;
    }
    out->phys = phys;
    acpi_copy_name(out->sig, hdr, 4);
    out->len = acpi_rd32(hdr + SDT_OFF_LENGTH);
    if (out->len < SDT_HDR_LEN || out->len > ACPI_MAX_TABLE_LEN) {
        kprintf("acpi: %s at 0x%llx has bad length %u, ignored\n", out->sig,
                (unsigned long long)phys, out->len);
        return false;
    }
    out->data = acpi_map(phys, out->len);
    if (!out->data) {
        kprintf("acpi: %s at 0x%llx (%u bytes) runs past the direct map, ignored\n", out->sig,
                (unsigned long long)phys, out->len);
        return false;
    }
    if (!acpi_checksum_ok(out->data, out->len)) {
        kprintf("acpi: %s at 0x%llx has a bad checksum, ignored\n", out->sig,
                (unsigned long long)phys);
        return false;
    }
    kprintf("acpi: %s at 0x%llx, %u bytes, rev %u\n", out->sig, (unsigned long long)phys,
            out->len, out->data[SDT_OFF_REVISION]);
    return true;
}

/* Checks the RSDP; returns the root table's address and whether it is an XSDT. */
static bool acpi_rsdp_read(uint64_t rsdp_phys, uint64_t *xsdt, uint64_t *rsdt)
{
    const uint8_t *r = acpi_map(rsdp_phys, RSDP_V1_LEN);
    if (!r || memcmp(r, "RSD PTR ", 8) != 0) {
        kprintf("acpi: no RSDP signature at 0x%llx\n", (unsigned long long)rsdp_phys);
        return false;
    }
    if (!acpi_checksum_ok(r, RSDP_V1_LEN)) {
        kprintf("acpi: RSDP checksum bad\n");
        return false;
    }
    acpi_copy_name(acpi_info.oem_id, r + RSDP_OFF_OEM, 6);
    for (int i = 5; i >= 0 && acpi_info.oem_id[i] == ' '; i--)
        acpi_info.oem_id[i] = '\0'; /* the field is space-padded */
    *rsdt = acpi_rd32(r + RSDP_OFF_RSDT);
    *xsdt = 0;
    if (r[RSDP_OFF_REVISION] < 2)
        return true;
    const uint8_t *r2 = acpi_map(rsdp_phys, RSDP_V2_LEN);
    uint32_t len = r2 ? acpi_rd32(r2 + RSDP_OFF_LENGTH) : 0;
    if (len < RSDP_V2_LEN || len > ACPI_RSDP_MAX_LEN || !acpi_map(rsdp_phys, len) ||
        !acpi_checksum_ok(r2, len)) {
        kprintf("acpi: RSDP rev %u: bad length or extended checksum, using the RSDT\n",
                r[RSDP_OFF_REVISION]);
        return true;
    }
    *xsdt = acpi_rd64(r2 + RSDP_OFF_XSDT);
    return true;
}

static void acpi_dsdt_read(uint64_t dsdt_phys)
{
    acpi_table_t dsdt;
    if (dsdt_phys == 0) {
        kprintf("acpi: FADT names no DSDT: no \\_S5\n");
        return;
    }
    if (!acpi_table_get(dsdt_phys, &dsdt))
        return;
    if (memcmp(dsdt.sig, "DSDT", 4) != 0) {
        kprintf("acpi: FADT's DSDT pointer leads to \"%s\", ignored\n", dsdt.sig);
        return;
    }
    acpi_info.s5_valid = acpi_s5_parse(dsdt.data + SDT_HDR_LEN, dsdt.len - SDT_HDR_LEN,
                                       &acpi_info.slp_typa, &acpi_info.slp_typb);
    if (!acpi_info.s5_valid)
        kprintf("acpi: no usable \\_S5 package in the DSDT: no power-off\n");
}

/* Hands a validated table to its parser. The first table of each kind wins. */
static void acpi_table_use(const acpi_table_t *t, uint32_t *seen)
{
    static const char *const sigs[] = { "APIC", "HPET", "MCFG", "FACP" };
    uint64_t dsdt_phys = 0;
    unsigned i = 0;

    while (i < sizeof(sigs) / sizeof(sigs[0]) && memcmp(t->sig, sigs[i], 4) != 0)
        i++;
    if (i == sizeof(sigs) / sizeof(sigs[0]))
        return;
    if (*seen & (1u << i)) {
        kprintf("acpi: second %s ignored\n", t->sig);
        return;
    }
    *seen |= 1u << i;
    switch (i) {
    case 0:
        acpi_madt_parse(t->data, t->len, &acpi_info);
        break;
    case 1:
        acpi_hpet_parse(t->data, t->len, &acpi_info);
        break;
    case 2:
        acpi_mcfg_parse(t->data, t->len, &acpi_info);
        break;
    default:
        acpi_fadt_parse(t->data, t->len, &acpi_info, &dsdt_phys);
        acpi_dsdt_read(dsdt_phys);
        break;
    }
}

/* Walks the root table: 4-byte entries (RSDT) or 8-byte entries (XSDT). */
static void acpi_root_walk(const acpi_table_t *root, unsigned entry_size)
{
    uint32_t count = (root->len - SDT_HDR_LEN) / entry_size;
    uint32_t seen = 0;
    if (count > ACPI_MAX_ROOT_ENTRIES)
        count = ACPI_MAX_ROOT_ENTRIES;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = root->data + SDT_HDR_LEN + i * entry_size;
        uint64_t phys = entry_size == 8 ? acpi_rd64(e) : acpi_rd32(e);
        acpi_table_t t;
        if (phys != 0 && acpi_table_get(phys, &t)) /* some firmware leaves empty slots */
            acpi_table_use(&t, &seen);
    }
}

/* Opens the XSDT (preferred) or the RSDT. */
static bool acpi_root_open(uint64_t xsdt, uint64_t rsdt, acpi_table_t *root, unsigned *esize)
{
    if (xsdt && acpi_table_get(xsdt, root) && memcmp(root->sig, "XSDT", 4) == 0) {
        *esize = 8;
        return true;
    }
    if (xsdt)
        kprintf("acpi: XSDT unusable, trying the RSDT\n");
    if (rsdt && acpi_table_get(rsdt, root) && memcmp(root->sig, "RSDT", 4) == 0) {
        *esize = 4;
        return true;
    }
    kprintf("acpi: no usable XSDT or RSDT\n");
    return false;
}

static void acpi_log_summary(void)
{
    const acpi_info_t *a = &acpi_info;
    kprintf("acpi: OEM \"%s\", %zu CPU%s, %zu IOAPIC%s, ", a->oem_id, a->cpu_count,
            a->cpu_count == 1 ? "" : "s", a->ioapic_count, a->ioapic_count == 1 ? "" : "s");
    if (a->hpet_phys)
        kprintf("HPET at 0x%llx, ", (unsigned long long)a->hpet_phys);
    else
        kprintf("no HPET, ");
    if (a->pm_timer_port)
        kprintf("PM timer at 0x%x", a->pm_timer_port);
    else
        kprintf("no PM timer");
    if (a->s5_valid)
        kprintf(", S5 type %u/%u\n", a->slp_typa, a->slp_typb);
    else
        kprintf("\n");
    if (a->cpus_dropped)
        kprintf("acpi: %zu more CPUs than the %d supported, ignored\n", a->cpus_dropped,
                ACPI_MAX_CPUS);
}

void acpi_init(uint64_t rsdp_phys, uint32_t revision)
{
    uint64_t xsdt = 0, rsdt = 0;
    acpi_table_t root;
    unsigned esize = 0;

    memset(&acpi_info, 0, sizeof(acpi_info));
    if (rsdp_phys == 0) {
        kprintf("acpi: the loader found no RSDP; running without ACPI\n");
        return;
    }
    if (!acpi_rsdp_read(rsdp_phys, &xsdt, &rsdt))
        return;
    if (revision >= 2 && xsdt == 0)
        kprintf("acpi: loader said ACPI 2.0+, but the RSDP has no XSDT\n");
    if (!acpi_root_open(xsdt, rsdt, &root, &esize))
        return;
    acpi_info.present = true;
    acpi_root_walk(&root, esize);
    acpi_log_summary();
}
