/*
 * test_tar.c - host tests for the USTAR reader: valid archives from tar(1)'s layout,
 * and hostile ones (bad checksums, overflowing or oversized sizes, names without NUL,
 * truncated data).
 */
#include <string.h>
#include "host_test.h"
#include "kernel/lib/tar.c"

static uint8_t arch[16 * TAR_BLOCK];

static void put_octal(uint8_t *f, size_t len, uint64_t v)
{
    memset(f, '0', len - 1);
    f[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0 && v; v >>= 3)
        f[i] = (uint8_t)('0' + (v & 7));
}

static void fix_checksum(uint8_t *h)
{
    memset(h + TAR_OFF_CHKSUM, ' ', TAR_LEN_CHKSUM);
    unsigned sum = 0;
    for (int i = 0; i < TAR_BLOCK; i++)
        sum += h[i];
    put_octal(h + TAR_OFF_CHKSUM, 7, sum);
}

/* Writes one header (and data) at block index blk; returns the next free block. */
static size_t add_entry(size_t blk, const char *name, char type, const char *data, size_t len)
{
    uint8_t *h = arch + blk * TAR_BLOCK;
    memset(h, 0, TAR_BLOCK);
    memcpy(h + TAR_OFF_NAME, name, strnlen(name, TAR_LEN_NAME));
    put_octal(h + 100, 8, 0644);
    put_octal(h + TAR_OFF_SIZE, TAR_LEN_SIZE, len);
    h[TAR_OFF_TYPE] = (uint8_t)type;
    memcpy(h + TAR_OFF_MAGIC, "ustar\0" "00", 8);
    fix_checksum(h);
    memcpy(h + TAR_BLOCK, data, len);
    return blk + 1 + (len + TAR_BLOCK - 1) / TAR_BLOCK;
}

static size_t build_basic(void)
{
    memset(arch, 0, sizeof arch);
    size_t b = add_entry(0, "./", TAR_TYPE_DIR, "", 0);
    b = add_entry(b, "./bin/", TAR_TYPE_DIR, "", 0);
    b = add_entry(b, "./bin/hello", TAR_TYPE_FILE, "HELLO", 5);
    b = add_entry(b, "./etc/motd", TAR_TYPE_FILE, "welcome\n", 8);
    return (b + 2) * TAR_BLOCK;
}

HOST_TEST(finds_files_by_absolute_and_relative_path)
{
    size_t size = build_basic();
    const uint8_t *d;
    uint64_t n;
    CHECK(tar_find(arch, size, "/bin/hello", &d, &n));
    CHECK_EQ(n, 5);
    CHECK(memcmp(d, "HELLO", 5) == 0);
    CHECK(tar_find(arch, size, "etc/motd", &d, &n));
    CHECK_EQ(n, 8);
    CHECK(!tar_find(arch, size, "/bin", &d, &n));      /* a directory is not a file */
    CHECK(!tar_find(arch, size, "/bin/hell", &d, &n));
    CHECK(!tar_find(arch, size, "/", &d, &n));
}

HOST_TEST(walk_reports_every_entry_in_order)
{
    size_t size = build_basic();
    tar_iter_t it;
    tar_entry_t e;
    int count = 0;
    tar_iter_init(&it, arch, size);
    while (tar_iter_next(&it, &e))
        count++;
    CHECK_EQ(count, 4);
    CHECK_EQ(it.corrupt, 0);
    CHECK(it.problem == NULL);
}

HOST_TEST(bad_checksum_header_is_skipped_and_reported)
{
    size_t size = build_basic();
    arch[2 * TAR_BLOCK + 5] ^= 1; /* "./bin/hello" header: name byte changed, checksum not */
    const uint8_t *d;
    uint64_t n;
    CHECK(!tar_find(arch, size, "/bin/hello", &d, &n));
    CHECK(tar_find(arch, size, "/etc/motd", &d, &n)); /* resynchronises on the next header */
    tar_iter_t it;
    tar_entry_t e;
    tar_iter_init(&it, arch, size);
    while (tar_iter_next(&it, &e))
        ;
    CHECK(it.corrupt >= 1);
    CHECK(it.problem && strcmp(it.problem, "checksum") == 0);
    CHECK(it.problem_at >= 2 * TAR_BLOCK); /* the header, or a data block read after it */
}

HOST_TEST(size_running_past_the_end_is_rejected)
{
    memset(arch, 0, sizeof arch);
    add_entry(0, "big", TAR_TYPE_FILE, "x", 1);
    put_octal(arch + TAR_OFF_SIZE, TAR_LEN_SIZE, 100000);
    fix_checksum(arch);
    const uint8_t *d;
    uint64_t n;
    CHECK(!tar_find(arch, 4 * TAR_BLOCK, "big", &d, &n));
}

HOST_TEST(overflowing_size_field_is_rejected)
{
    memset(arch, 0, sizeof arch);
    add_entry(0, "huge", TAR_TYPE_FILE, "x", 1);
    memcpy(arch + TAR_OFF_SIZE, "77777777777", 11);    /* 8 GiB - 1: past the end */
    fix_checksum(arch);
    const uint8_t *d;
    uint64_t n;
    CHECK(!tar_find(arch, 4 * TAR_BLOCK, "huge", &d, &n));
    uint64_t v;
    CHECK(!tar_parse_octal((const uint8_t *)"7777777777777777777777", 22, &v)); /* > 64 bits */
    arch[TAR_OFF_SIZE] = 0x80;                          /* base-256 encoding: refused */
    fix_checksum(arch);
    CHECK(!tar_find(arch, 4 * TAR_BLOCK, "huge", &d, &n));
    memcpy(arch + TAR_OFF_SIZE, "0000000009\0", 12);    /* non-octal digit */
    fix_checksum(arch);
    CHECK(!tar_find(arch, 4 * TAR_BLOCK, "huge", &d, &n));
}

HOST_TEST(name_without_nul_is_bounded_by_its_field)
{
    memset(arch, 0, sizeof arch);
    char name[TAR_LEN_NAME];
    memset(name, 'a', sizeof name);
    add_entry(0, "", TAR_TYPE_FILE, "z", 1);
    memcpy(arch + TAR_OFF_NAME, name, sizeof name);     /* 100 bytes, no NUL */
    arch[TAR_OFF_NAME + TAR_LEN_NAME] = 'Q';            /* mode field right after it */
    fix_checksum(arch);
    tar_iter_t it;
    tar_entry_t e;
    tar_iter_init(&it, arch, 4 * TAR_BLOCK);
    CHECK(tar_iter_next(&it, &e));
    CHECK_EQ(strlen(e.path), TAR_LEN_NAME);
    CHECK(strchr(e.path, 'Q') == NULL);
}

HOST_TEST(prefix_and_name_are_joined)
{
    memset(arch, 0, sizeof arch);
    add_entry(0, "tool", TAR_TYPE_FILE, "t", 1);
    memcpy(arch + TAR_OFF_PREFIX, "usr/bin", 7);
    fix_checksum(arch);
    const uint8_t *d;
    uint64_t n;
    CHECK(tar_find(arch, 4 * TAR_BLOCK, "/usr/bin/tool", &d, &n));
    CHECK_EQ(n, 1);
}

HOST_TEST(truncated_and_empty_archives_are_harmless)
{
    size_t size = build_basic();
    const uint8_t *d;
    uint64_t n;
    for (size_t cut = 0; cut < size; cut += 100)
        (void)tar_find(arch, cut, "/etc/motd", &d, &n);
    CHECK(!tar_find(NULL, 0, "/etc/motd", &d, &n));
    CHECK(!tar_find(arch, 3 * TAR_BLOCK + 2, "/bin/hello", &d, &n)); /* data cut short */
}

HOST_TEST(bad_magic_is_skipped)
{
    size_t size = build_basic();
    memcpy(arch + 4 * TAR_BLOCK + TAR_OFF_MAGIC, "nope\0\0\0\0", 8);
    fix_checksum(arch + 4 * TAR_BLOCK);
    const uint8_t *d;
    uint64_t n;
    CHECK(!tar_find(arch, size, "/etc/motd", &d, &n));
    CHECK(tar_find(arch, size, "/bin/hello", &d, &n));
}
