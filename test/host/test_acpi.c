/*
 * test_acpi.c - host tests of the ACPI table parsers against hand-built tables in a buffer
 * that stands for physical memory: checksums, truncated and lying lengths, tables past the
 * direct map, MADT entries that run past the end or have zero length, FADT field choice,
 * and the \_S5 byte scan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "host_test.h"

#include "kernel/acpi/acpi.c"
#include "kernel/acpi/fadt.c"
#include "kernel/acpi/madt.c"
#include "kernel/acpi/s5.c"

/* ---------------------------------------------------------------- kprintf into a buffer */
static char log_buf[16384];
static size_t log_len;

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (log_len < sizeof(log_buf)) {
        int n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
        if (n > 0)
            log_len += (size_t)n;
        if (log_len >= sizeof(log_buf))
            log_len = sizeof(log_buf) - 1;
    }
    va_end(ap);
}

static bool log_has(const char *s)
{
    return strstr(log_buf, s) != NULL;
}

/* ---------------------------------------------------------------- fake physical memory */
#define MEM_SIZE   (1u << 20)
#define RSDP_AT    0x1000u
#define RSDT_AT    0x2000u
#define XSDT_AT    0x3000u
#define MADT_AT    0x4000u
#define HPET_AT    0x5000u
#define FADT_AT    0x6000u
#define DSDT_AT    0x7000u
#define MADT2_AT   0x9000u

static uint8_t *mem;

static void mem_reset(void)
{
    free(mem);
    mem = calloc(1, MEM_SIZE);
    acpi_host_phys_base = mem;
    acpi_hhdm_limit = MEM_SIZE;
    log_len = 0;
    log_buf[0] = '\0';
}

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }

static void checksum_fix(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)(0x100 - sum);
}

/* Writes the SDT header for a table of len bytes at phys and fixes its checksum. */
static void sdt_seal(uint32_t phys, const char *sig, uint32_t len)
{
    uint8_t *t = mem + phys;
    memcpy(t, sig, 4);
    wr32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "TESTOE", 6);
    checksum_fix(t, len, 9);
}

static void rsdp_build(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t *r = mem + RSDP_AT;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BOCHS ", 6);
    r[15] = rev;
    wr32(r + 16, rsdt);
    checksum_fix(r, 20, 8);
    if (rev >= 2) {
        wr32(r + 20, 36);
        wr64(r + 24, xsdt);
        checksum_fix(r, 36, 32);
    }
}

static void rsdt_build(const uint32_t *tables, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        wr32(mem + RSDT_AT + 36 + 4 * i, tables[i]);
    sdt_seal(RSDT_AT, "RSDT", 36 + 4 * n);
}

static void xsdt_build(const uint64_t *tables, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        wr64(mem + XSDT_AT + 36 + 8 * i, tables[i]);
    sdt_seal(XSDT_AT, "XSDT", 36 + 8 * n);
}

/* MADT under construction: entries appended at madt_len. */
static uint32_t madt_len;

static void madt_begin(void)
{
    wr32(mem + MADT_AT + 36, 0xFEE00000u);
    wr32(mem + MADT_AT + 40, 1);
    madt_len = 44;
}

static void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 0; e[1] = 8; e[2] = uid; e[3] = id; wr32(e + 4, flags);
    madt_len += 8;
}

static void madt_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 9; e[1] = 16; wr32(e + 4, id); wr32(e + 8, flags); wr32(e + 12, uid);
    madt_len += 16;
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi)
{
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 1; e[1] = 12; e[2] = id; wr32(e + 4, addr); wr32(e + 8, gsi);
    madt_len += 12;
}

static void madt_iso(uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 2; e[1] = 10; e[2] = 0; e[3] = irq; wr32(e + 4, gsi); wr16(e + 8, flags);
    madt_len += 10;
}

static void madt_raw(uint8_t type, uint8_t len)
{
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = type; e[1] = len;
    madt_len += 2;
}

static void madt_end(void)
{
    sdt_seal(MADT_AT, "APIC", madt_len);
}

static void hpet_build(uint8_t space, uint64_t base)
{
    uint8_t *t = mem + HPET_AT;
    t[40] = space;
    wr64(t + 44, base);
    sdt_seal(HPET_AT, "HPET", 56);
}

/* A q35-like FADT: legacy and X_ blocks both filled unless told otherwise. */
static void fadt_build(uint32_t len, uint32_t flags)
{
    uint8_t *t = mem + FADT_AT;
    wr32(t + 40, DSDT_AT);
    wr32(t + 48, 0xB2); t[52] = 0xF1;
    wr32(t + 64, 0x604);
    wr32(t + 76, 0x608); t[91] = 4;
    t[108] = 0x32;
    wr32(t + 112, flags);
    if (len >= 220) {
        wr64(t + 140, DSDT_AT);
        t[172] = 1; wr64(t + 176, 0x604);
        t[208] = 1; t[209] = 32; wr64(t + 212, 0x608);
    }
    sdt_seal(FADT_AT, "FACP", len);
}

static const uint8_t s5_q35[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
                                  0x00, 0x00, 0x00, 0x00 };

static void dsdt_build(const uint8_t *aml, size_t n)
{
    memcpy(mem + DSDT_AT + 36, aml, n);
    sdt_seal(DSDT_AT, "DSDT", (uint32_t)(36 + n));
}

/* The whole QEMU-like set: RSDP rev 2 -> XSDT -> MADT (2 CPUs), HPET, FADT -> DSDT. */
static void firmware_build(void)
{
    mem_reset();
    madt_begin();
    madt_lapic(0, 0, 1);
    madt_lapic(1, 1, 1);
    madt_ioapic(0, 0xFEC00000u, 0);
    madt_iso(0, 2, 0);
    madt_iso(9, 9, 0xD);
    madt_end();
    hpet_build(0, 0xFED00000u);
    fadt_build(244, 1u << 8);
    dsdt_build(s5_q35, sizeof(s5_q35));
    uint64_t x[] = { FADT_AT, MADT_AT, HPET_AT };
    uint32_t r[] = { FADT_AT, MADT_AT, HPET_AT };
    xsdt_build(x, 3);
    rsdt_build(r, 3);
    rsdp_build(2, RSDT_AT, XSDT_AT);
}

/* ---------------------------------------------------------------- checksums and RSDP */
HOST_TEST(checksum_accepts_zero_sum_and_rejects_one_flipped_bit)
{
    uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 0 };
    checksum_fix(b, sizeof(b), 7);
    CHECK(acpi_checksum_ok(b, sizeof(b)));
    b[3] ^= 0x10;
    CHECK(!acpi_checksum_ok(b, sizeof(b)));
}

HOST_TEST(full_firmware_set_is_parsed_and_summarised)
{
    firmware_build();
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK_EQ(acpi_info.ioapic_count, 1);
    CHECK_EQ(acpi_info.ioapics[0].phys, 0xFEC00000u);
    CHECK_EQ(acpi_info.override_count, 2);
    CHECK_EQ(acpi_info.overrides[0].gsi, 2);
    CHECK_EQ(acpi_info.overrides[1].flags, 0xD);
    CHECK_EQ(acpi_info.lapic_phys, 0xFEE00000u);
    CHECK_EQ(acpi_info.hpet_phys, 0xFED00000u);
    CHECK_EQ(acpi_info.pm_timer_port, 0x608);
    CHECK(acpi_info.pm_timer_32bit);
    CHECK_EQ(acpi_info.pm1a_cnt_port, 0x604);
    CHECK_EQ(acpi_info.pm1b_cnt_port, 0);
    CHECK(acpi_info.s5_valid);
    CHECK_EQ(acpi_info.slp_typa, 0);
    CHECK_EQ(acpi_info.rtc_century_reg, 0x32);
    CHECK(strcmp(acpi_info.oem_id, "BOCHS") == 0);
    CHECK(log_has("acpi: OEM \"BOCHS\", 2 CPUs, 1 IOAPIC, HPET at 0xfed00000, PM timer at 0x608"));
}

HOST_TEST(no_rsdp_means_no_acpi)
{
    firmware_build();
    acpi_init(0, 0);
    CHECK(!acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 0);
}

HOST_TEST(rsdp_with_wrong_signature_is_refused)
{
    firmware_build();
    mem[RSDP_AT] = 'X';
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.present);
}

HOST_TEST(rsdp_with_bad_checksum_is_refused)
{
    firmware_build();
    mem[RSDP_AT + 16] ^= 1; /* RSDT address byte, covered by the v1 checksum */
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.present);
}

HOST_TEST(rsdp_bad_extended_checksum_falls_back_to_rsdt)
{
    firmware_build();
    mem[RSDP_AT + 24] ^= 0x40; /* XSDT address now points elsewhere, ext checksum broken */
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK(log_has("extended checksum"));
}

HOST_TEST(rsdp_lying_length_falls_back_to_rsdt)
{
    static const uint32_t lies[] = { 0, 20, 35, 0xFFFFFFFFu, MEM_SIZE };
    for (unsigned i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        firmware_build();
        wr32(mem + RSDP_AT + 20, lies[i]);
        checksum_fix(mem + RSDP_AT, 36, 32);
        acpi_init(RSDP_AT, 2);
        CHECK(acpi_info.present);
        CHECK(log_has("extended checksum, using the RSDT"));
    }
}

HOST_TEST(rsdp_v1_uses_rsdt)
{
    firmware_build();
    /* The XSDT lists nothing; only the RSDT leads to the MADT. */
    xsdt_build(NULL, 0);
    rsdp_build(0, RSDT_AT, 0);
    acpi_init(RSDP_AT, 0);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 2);
}

HOST_TEST(xsdt_preferred_over_rsdt)
{
    firmware_build();
    uint32_t r[] = { HPET_AT };
    rsdt_build(r, 1);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 2); /* only the XSDT lists the MADT */
}

HOST_TEST(broken_xsdt_falls_back_to_rsdt)
{
    firmware_build();
    mem[XSDT_AT + 40] ^= 1;
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK(log_has("XSDT unusable"));
}

HOST_TEST(rsdp_at_end_of_direct_map_is_refused)
{
    firmware_build();
    acpi_init(MEM_SIZE - 10, 2);
    CHECK(!acpi_info.present);
    acpi_init(UINT64_MAX - 5, 2); /* address + length would wrap */
    CHECK(!acpi_info.present);
}

/* ---------------------------------------------------------------- table validation */
HOST_TEST(table_with_bad_checksum_is_ignored)
{
    firmware_build();
    mem[MADT_AT + 50] ^= 0xFF;
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 0);
    CHECK_EQ(acpi_info.hpet_phys, 0xFED00000u);
    CHECK(log_has("APIC at 0x4000 has a bad checksum"));
}

HOST_TEST(table_length_below_header_is_ignored)
{
    firmware_build();
    wr32(mem + HPET_AT + 4, 20);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.hpet_phys, 0);
    CHECK_EQ(acpi_info.cpu_count, 2);
}

HOST_TEST(table_length_running_past_direct_map_is_ignored)
{
    firmware_build();
    wr32(mem + MADT_AT + 4, MEM_SIZE); /* claims to run beyond the mapped memory */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 0);
    CHECK(log_has("runs past the direct map"));
    wr32(mem + MADT_AT + 4, 0xFFFFFFFFu);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 0);
}

HOST_TEST(table_address_beyond_direct_map_is_ignored)
{
    firmware_build();
    uint64_t x[] = { FADT_AT, (uint64_t)MEM_SIZE + 0x1000, MEM_SIZE - 8, HPET_AT };
    xsdt_build(x, 4);
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.present);
    CHECK_EQ(acpi_info.cpu_count, 0);
    CHECK_EQ(acpi_info.hpet_phys, 0xFED00000u);
}

HOST_TEST(lower_hhdm_limit_hides_tables_above_it)
{
    firmware_build();
    acpi_hhdm_limit = HPET_AT + 40; /* HPET table straddles the limit */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK_EQ(acpi_info.hpet_phys, 0);
}

HOST_TEST(root_table_with_partial_entry_reads_whole_entries_only)
{
    firmware_build();
    /* 3 entries + 4 stray bytes: the stray half-entry must not be read as a table. */
    wr32(mem + XSDT_AT + 36 + 24, 0x1234);
    sdt_seal(XSDT_AT, "XSDT", 36 + 24 + 4);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK(!log_has("0x1234"));
}

HOST_TEST(second_madt_is_ignored)
{
    firmware_build();
    memcpy(mem + MADT2_AT, mem + MADT_AT, 0x100);
    mem[MADT2_AT + 44 + 3] = 7; /* different APIC id in the copy */
    sdt_seal(MADT2_AT, "APIC", acpi_rd32(mem + MADT_AT + 4));
    uint64_t x[] = { FADT_AT, MADT_AT, MADT2_AT };
    xsdt_build(x, 3);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.cpu_count, 2);
    CHECK_EQ(acpi_info.cpus[0].apic_id, 0);
}

/* ---------------------------------------------------------------- MADT */
static acpi_info_t madt_info;

static void madt_parse_built(void)
{
    memset(&madt_info, 0, sizeof(madt_info));
    acpi_madt_parse(mem + MADT_AT, madt_len, &madt_info);
}

HOST_TEST(madt_reads_cpus_flags_ioapics_and_overrides)
{
    mem_reset();
    madt_begin();
    madt_lapic(0, 0, 1);
    madt_lapic(1, 2, 0);          /* neither enabled nor online-capable: skipped */
    madt_lapic(2, 3, 2);          /* online-capable, not enabled */
    madt_lapic(3, 0xFF, 1);       /* broadcast id: skipped */
    madt_x2apic(300, 1, 9);
    madt_x2apic(0, 1, 0);         /* duplicate of xAPIC id 0 */
    madt_ioapic(4, 0xFEC00000u, 0);
    madt_ioapic(5, 0xFEC01000u, 24);
    madt_iso(0, 2, 0);
    madt_iso(0, 5, 0);            /* duplicate override for IRQ 0: first wins */
    madt_raw(4, 6); madt_len += 4; /* LAPIC NMI: ignored */
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, 3);
    CHECK_EQ(madt_info.cpus[0].apic_id, 0);
    CHECK(madt_info.cpus[0].enabled);
    CHECK_EQ(madt_info.cpus[1].apic_id, 3);
    CHECK(!madt_info.cpus[1].enabled);
    CHECK_EQ(madt_info.cpus[2].apic_id, 300);
    CHECK_EQ(madt_info.cpus[2].acpi_uid, 9);
    CHECK_EQ(madt_info.ioapic_count, 2);
    CHECK_EQ(madt_info.ioapics[1].gsi_base, 24);
    CHECK_EQ(madt_info.ioapics[1].id, 5);
    CHECK_EQ(madt_info.override_count, 1);
    CHECK_EQ(madt_info.overrides[0].gsi, 2);
}

HOST_TEST(madt_entries_longer_than_known_are_read_and_skipped)
{
    mem_reset();
    madt_begin();
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 0; e[1] = 12; e[2] = 0; e[3] = 4; wr32(e + 4, 1); /* a future, longer xAPIC entry */
    madt_len += 12;
    madt_lapic(1, 5, 1);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, 2);
    CHECK_EQ(madt_info.cpus[0].apic_id, 4);
    CHECK_EQ(madt_info.cpus[1].apic_id, 5);
}

HOST_TEST(madt_lapic_address_override_wins)
{
    mem_reset();
    madt_begin();
    uint8_t *e = mem + MADT_AT + madt_len;
    e[0] = 5; e[1] = 12; wr64(e + 4, 0x1234567000ULL);
    madt_len += 12;
    madt_lapic(0, 0, 1);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.lapic_phys, 0x1234567000ULL);
    CHECK_EQ(madt_info.cpu_count, 1);
}

HOST_TEST(madt_zero_length_entry_stops_the_walk)
{
    mem_reset();
    madt_begin();
    madt_lapic(0, 0, 1);
    madt_raw(0, 0);
    madt_lapic(1, 1, 1);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, 1);
    CHECK(log_has("bad length 0"));
}

HOST_TEST(madt_length_one_entry_stops_the_walk)
{
    mem_reset();
    madt_begin();
    madt_raw(1, 1);
    madt_lapic(1, 1, 1);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, 0);
}

HOST_TEST(madt_entry_running_past_the_end_is_not_read)
{
    mem_reset();
    madt_begin();
    madt_lapic(0, 0, 1);
    madt_ioapic(1, 0xFEC00000u, 0);
    madt_end();
    /* Parse with the table cut in the middle of the IOAPIC entry: only the CPU is seen. */
    memset(&madt_info, 0, sizeof(madt_info));
    uint32_t cut = madt_len - 4;
    uint8_t *copy = malloc(cut); /* ASan catches any read beyond cut */
    memcpy(copy, mem + MADT_AT, cut);
    acpi_madt_parse(copy, cut, &madt_info);
    free(copy);
    CHECK_EQ(madt_info.cpu_count, 1);
    CHECK_EQ(madt_info.ioapic_count, 0);
}

HOST_TEST(madt_entry_too_short_for_its_type_stops_the_walk)
{
    mem_reset();
    madt_begin();
    madt_raw(9, 8); madt_len += 6; /* x2APIC entry needs 16 bytes */
    madt_lapic(1, 1, 1);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, 0);
}

HOST_TEST(madt_single_trailing_byte_is_ignored)
{
    mem_reset();
    madt_begin();
    madt_lapic(0, 0, 1);
    mem[MADT_AT + madt_len] = 0;
    madt_len += 1;
    madt_end();
    uint8_t *copy = malloc(madt_len);
    memcpy(copy, mem + MADT_AT, madt_len);
    memset(&madt_info, 0, sizeof(madt_info));
    acpi_madt_parse(copy, madt_len, &madt_info);
    free(copy);
    CHECK_EQ(madt_info.cpu_count, 1);
}

HOST_TEST(madt_too_short_for_its_header)
{
    mem_reset();
    uint8_t *copy = malloc(40);
    memset(copy, 0, 40);
    memset(&madt_info, 0, sizeof(madt_info));
    acpi_madt_parse(copy, 40, &madt_info);
    free(copy);
    CHECK_EQ(madt_info.lapic_phys, 0);
    CHECK_EQ(madt_info.cpu_count, 0);
}

HOST_TEST(madt_more_cpus_than_supported_are_counted_as_dropped)
{
    mem_reset();
    madt_begin();
    for (unsigned i = 0; i < ACPI_MAX_CPUS + 5; i++)
        madt_x2apic(i, 1, i);
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.cpu_count, ACPI_MAX_CPUS);
    CHECK_EQ(madt_info.cpus_dropped, 5);
}

HOST_TEST(madt_more_ioapics_than_supported_are_ignored)
{
    mem_reset();
    madt_begin();
    for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
        madt_ioapic((uint8_t)i, 0xFEC00000u + i * 0x1000, i * 24);
    madt_ioapic(99, 0, 0); /* address 0: ignored */
    madt_end();
    madt_parse_built();
    CHECK_EQ(madt_info.ioapic_count, ACPI_MAX_IOAPICS);
}

/* ---------------------------------------------------------------- HPET and FADT */
HOST_TEST(hpet_in_io_space_is_refused)
{
    firmware_build();
    hpet_build(1, 0xFED00000u);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.hpet_phys, 0);
    CHECK(log_has("no HPET"));
}

HOST_TEST(hpet_table_shorter_than_its_fields_is_refused)
{
    acpi_info_t info = { 0 };
    uint8_t t[50] = { 0 };
    acpi_hpet_parse(t, sizeof(t), &info);
    CHECK_EQ(info.hpet_phys, 0);
}

HOST_TEST(fadt_prefers_x_pm_timer_when_it_is_io)
{
    firmware_build();
    wr64(mem + FADT_AT + 212, 0x708);
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.pm_timer_port, 0x708);
}

HOST_TEST(fadt_x_pm_timer_in_memory_space_falls_back_to_legacy)
{
    firmware_build();
    mem[FADT_AT + 208] = 0;
    wr64(mem + FADT_AT + 212, 0xFED00000ULL);
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.pm_timer_port, 0x608);
}

HOST_TEST(fadt_legacy_pm_timer_needs_length_4)
{
    firmware_build();
    fadt_build(116, 0);
    mem[FADT_AT + 91] = 0;
    sdt_seal(FADT_AT, "FACP", 116);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.pm_timer_port, 0);
    CHECK(log_has("no PM timer"));
}

HOST_TEST(fadt_revision_1_length_is_enough)
{
    firmware_build();
    fadt_build(116, 0);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.pm_timer_port, 0x608);
    CHECK(!acpi_info.pm_timer_32bit);
    CHECK_EQ(acpi_info.pm1a_cnt_port, 0x604);
    CHECK(acpi_info.s5_valid);
}

HOST_TEST(fadt_truncated_before_pm_fields_gives_nothing)
{
    acpi_info_t info = { 0 };
    uint64_t dsdt = 99;
    uint8_t *t = malloc(44);
    memset(t, 0xAB, 44);
    acpi_fadt_parse(t, 44, &info, &dsdt);
    free(t);
    CHECK_EQ(info.pm_timer_port, 0);
    CHECK_EQ(info.pm1a_cnt_port, 0);
    CHECK_EQ(dsdt, 0xABABABABu);
}

HOST_TEST(fadt_x_dsdt_preferred)
{
    firmware_build();
    wr32(mem + FADT_AT + 40, 0x8000); /* 32-bit pointer to garbage */
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.s5_valid);
}

HOST_TEST(fadt_dsdt_pointing_at_wrong_table_is_refused)
{
    firmware_build();
    wr64(mem + FADT_AT + 140, HPET_AT);
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.s5_valid);
}

HOST_TEST(fadt_hardware_reduced_has_no_pm_blocks)
{
    firmware_build();
    fadt_build(244, 1u << 20);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.pm_timer_port, 0);
    CHECK_EQ(acpi_info.pm1a_cnt_port, 0);
}

/* ---------------------------------------------------------------- \_S5 */
static bool s5_try(const uint8_t *aml, size_t n, uint16_t *a, uint16_t *b)
{
    uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan catches reads past the end */
    memcpy(copy, aml, n);
    bool ok = acpi_s5_parse(copy, n, a, b);
    free(copy);
    return ok;
}

HOST_TEST(s5_zero_ops_as_qemu_writes_them)
{
    uint16_t a = 9, b = 9;
    CHECK(s5_try(s5_q35, sizeof(s5_q35), &a, &b));
    CHECK_EQ(a, 0);
    CHECK_EQ(b, 0);
}

HOST_TEST(s5_byte_prefix_values_and_root_prefix)
{
    static const uint8_t aml[] = { 0x10, 0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                   0x0A, 0x07, 0x0A, 0x05, 0x00, 0x00 };
    uint16_t a = 0, b = 0;
    CHECK(s5_try(aml, sizeof(aml), &a, &b));
    CHECK_EQ(a, 7);
    CHECK_EQ(b, 5);
}

HOST_TEST(s5_two_byte_pkglength)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x46, 0x00, 0x02, 0x01,
                                   0x0A, 0x03 };
    /* PkgLength 0x46 0x00: two bytes, value 6 (low nibble | next byte << 4) */
    uint16_t a = 0, b = 0;
    CHECK(s5_try(aml, sizeof(aml), &a, &b));
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 3);
}

HOST_TEST(s5_package_length_past_the_end_is_refused)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x04, 0x00, 0x00 };
    uint16_t a, b;
    CHECK(!s5_try(aml, sizeof(aml), &a, &b));
}

HOST_TEST(s5_truncated_at_every_length_never_reads_past_the_end)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0A, 0x04,
                                   0x0C, 0x01, 0x00, 0x00, 0x00, 0x0B, 0x02, 0x00 };
    uint16_t a, b;
    for (size_t n = 0; n < sizeof(aml); n++)
        CHECK(!s5_try(aml, n, &a, &b));
    CHECK(s5_try(aml, sizeof(aml), &a, &b));
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 2);
}

HOST_TEST(s5_as_method_or_plain_text_is_not_matched)
{
    /* MethodOp 0x14 _S5_ ...; and the name inside a string */
    static const uint8_t aml[] = { 0x14, 0x08, '_', 'S', '5', '_', 0x00, 0x0D, '_', 'S', '5',
                                   '_', 0x12, 0x04, 0x02, 0x00, 0x00 };
    uint16_t a, b;
    CHECK(!s5_try(aml, sizeof(aml), &a, &b));
}

HOST_TEST(s5_sleep_type_out_of_range_is_refused)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x08,
                                   0x00 };
    uint16_t a, b;
    CHECK(!s5_try(aml, sizeof(aml), &a, &b));
}

HOST_TEST(s5_later_valid_match_after_a_bad_one)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x71,
                                   0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A, 0x05,
                                   0x01 };
    uint16_t a, b;
    CHECK(s5_try(aml, sizeof(aml), &a, &b));
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 1);
}

/* ---------------------------------------------------------------- power button, MCFG (issue 20) */
#define MCFG_AT 0xA000u

/* q35's PM1 event block (0x600, 4 bytes), GPE0 (0x620, 16 bytes), SCI on IRQ 9. */
static void fadt_events_fill(uint8_t *t)
{
    wr16(t + 46, 9);
    wr32(t + 56, 0x600);
    wr32(t + 80, 0x620);
    t[88] = 4;
    t[92] = 16;
}

HOST_TEST(fadt_power_button_fixed_event_and_sci)
{
    firmware_build();
    fadt_events_fill(mem + FADT_AT);
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(acpi_info.power_button_fixed);
    CHECK_EQ(acpi_info.pm1a_evt_port, 0x600);
    CHECK_EQ(acpi_info.pm1_evt_len, 4);
    CHECK_EQ(acpi_info.gpe0_port, 0x620);
    CHECK_EQ(acpi_info.gpe0_len, 16);
    CHECK_EQ(acpi_info.sci_irq, 9);
}

HOST_TEST(fadt_power_button_junk_is_refused)
{
    firmware_build();
    fadt_events_fill(mem + FADT_AT);
    wr32(mem + FADT_AT + 112, (1u << 8) | (1u << 4)); /* PWR_BUTTON: control method */
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.power_button_fixed);

    firmware_build();
    fadt_events_fill(mem + FADT_AT);
    mem[FADT_AT + 88] = 3;                              /* odd PM1_EVT_LEN */
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.power_button_fixed);
    CHECK_EQ(acpi_info.pm1a_evt_port, 0);

    firmware_build();
    fadt_events_fill(mem + FADT_AT);
    wr32(mem + FADT_AT + 56, 0xFFFE);                   /* block runs past the port space */
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.power_button_fixed);

    firmware_build();
    fadt_events_fill(mem + FADT_AT);
    mem[FADT_AT + 92] = 5;                              /* odd GPE0 length: no GPE block */
    sdt_seal(FADT_AT, "FACP", 244);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.gpe0_len, 0);
    CHECK(acpi_info.power_button_fixed);

    firmware_build();
    fadt_build(88, 0);                                  /* too short for the event fields */
    acpi_init(RSDP_AT, 2);
    CHECK(!acpi_info.power_button_fixed);
}

static void mcfg_build(uint32_t entries_len, uint64_t base, uint16_t seg, uint8_t b0, uint8_t b1)
{
    uint8_t *t = mem + MCFG_AT;
    wr64(t + 44, base);
    wr16(t + 52, seg);
    t[54] = b0;
    t[55] = b1;
    sdt_seal(MCFG_AT, "MCFG", 44 + entries_len);
    uint64_t x[] = { FADT_AT, MADT_AT, HPET_AT, MCFG_AT };
    xsdt_build(x, 4);
}

HOST_TEST(mcfg_window_read_and_junk_refused)
{
    firmware_build();
    mcfg_build(16, 0xB0000000ull, 0, 0, 255);
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.mcfg_phys, 0xB0000000ull);
    CHECK_EQ(acpi_info.mcfg_bus_end, 255);

    firmware_build();
    mcfg_build(16, 0xB0000000ull, 1, 0, 255);          /* another segment */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.mcfg_phys, 0);

    firmware_build();
    mcfg_build(16, 0xB0001000ull, 0, 0, 255);          /* not 1 MiB aligned */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.mcfg_phys, 0);

    firmware_build();
    mcfg_build(16, 0xB0000000ull, 0, 9, 3);            /* end bus before start */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.mcfg_phys, 0);

    firmware_build();
    mcfg_build(15, 0xB0000000ull, 0, 0, 255);          /* entry cut short */
    acpi_init(RSDP_AT, 2);
    CHECK_EQ(acpi_info.mcfg_phys, 0);
}
