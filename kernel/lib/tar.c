/*
 * tar.c - strict USTAR reader (see tar.h). Nothing from the archive is trusted until it has
 * been checked; offsets are compared against the remaining size before any addition so
 * that no arithmetic can wrap.
 */
#include "kernel/lib/tar.h"

/* Field offsets in a header block (POSIX ustar). */
#define TAR_OFF_NAME     0
#define TAR_LEN_NAME     100
#define TAR_OFF_SIZE     124
#define TAR_LEN_SIZE     12
#define TAR_OFF_CHKSUM   148
#define TAR_LEN_CHKSUM   8
#define TAR_OFF_TYPE     156
#define TAR_OFF_MAGIC    257
#define TAR_OFF_PREFIX   345
#define TAR_LEN_PREFIX   155

/* Parses an octal field: optional leading spaces, at least one digit, then NUL/space/end. */
static bool tar_parse_octal(const uint8_t *f, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && f[i] == ' ')
        i++;
    size_t first_digit = i;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v > (UINT64_MAX >> 3))
            return false;
        v = (v << 3) | (uint64_t)(f[i] - '0');
    }
    if (i == first_digit)
        return false;
    for (; i < len; i++)
        if (f[i] != '\0' && f[i] != ' ')
            return false;
    *out = v;
    return true;
}

static bool tar_block_is_zero(const uint8_t *b)
{
    for (size_t i = 0; i < TAR_BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

/* The checksum is the sum of the header bytes with the checksum field read as spaces;
 * old writers summed signed chars, so either sum is accepted. */
static bool tar_checksum_ok(const uint8_t *h)
{
    uint64_t stored;
    if (!tar_parse_octal(h + TAR_OFF_CHKSUM, TAR_LEN_CHKSUM, &stored))
        return false;
    uint64_t usum = 0;
    int64_t ssum = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        bool in_field = i >= TAR_OFF_CHKSUM && i < TAR_OFF_CHKSUM + TAR_LEN_CHKSUM;
        uint8_t c = in_field ? ' ' : h[i];
        usum += c;
        ssum += (int8_t)c;
    }
    return stored == usum || (int64_t)stored == ssum;
}

static bool tar_magic_ok(const uint8_t *h)
{
    static const char posix[8] = { 'u', 's', 't', 'a', 'r', '\0', '0', '0' };
    static const char gnu[8] = { 'u', 's', 't', 'a', 'r', ' ', ' ', '\0' };
    bool p = true, g = true;
    for (size_t i = 0; i < 8; i++) {
        p = p && h[TAR_OFF_MAGIC + i] == (uint8_t)posix[i];
        g = g && h[TAR_OFF_MAGIC + i] == (uint8_t)gnu[i];
    }
    return p || g;
}

static size_t tar_field_len(const uint8_t *f, size_t max)
{
    size_t n = 0;
    while (n < max && f[n])
        n++;
    return n;
}

/* prefix "/" name, each bounded by its field; false for an empty name. */
static bool tar_build_path(const uint8_t *h, char *out)
{
    size_t plen = tar_field_len(h + TAR_OFF_PREFIX, TAR_LEN_PREFIX);
    size_t nlen = tar_field_len(h + TAR_OFF_NAME, TAR_LEN_NAME);
    if (nlen == 0)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < plen; i++)
        out[o++] = (char)h[TAR_OFF_PREFIX + i];
    if (plen)
        out[o++] = '/';
    for (size_t i = 0; i < nlen; i++)
        out[o++] = (char)h[TAR_OFF_NAME + i];
    out[o] = '\0';
    return true;
}

void tar_iter_init(tar_iter_t *it, const void *archive, size_t size)
{
    it->base = archive;
    it->size = archive ? size : 0;
    it->pos = 0;
    it->corrupt = 0;
    it->problem = NULL;
    it->problem_at = 0;
    it->done = false;
}

static void tar_note_corrupt(tar_iter_t *it, const char *why)
{
    it->corrupt++;
    it->problem = why;
    it->problem_at = it->pos;
}

static void tar_skip_corrupt(tar_iter_t *it, const char *why)
{
    tar_note_corrupt(it, why);
    it->pos += TAR_BLOCK;
}

bool tar_iter_next(tar_iter_t *it, tar_entry_t *out)
{
    while (!it->done && it->size - it->pos >= TAR_BLOCK) {
        const uint8_t *h = it->base + it->pos;
        if (tar_block_is_zero(h)) {
            it->done = true; /* end-of-archive marker */
            break;
        }
        uint64_t size;
        if (!tar_checksum_ok(h)) {
            tar_skip_corrupt(it, "checksum");
            continue;
        }
        if (!tar_magic_ok(h)) {
            tar_skip_corrupt(it, "magic");
            continue;
        }
        if (!tar_parse_octal(h + TAR_OFF_SIZE, TAR_LEN_SIZE, &size)) {
            tar_skip_corrupt(it, "size field");
            continue;
        }
        if (!tar_build_path(h, out->path)) {
            tar_skip_corrupt(it, "empty name");
            continue;
        }
        size_t data_off = it->pos + TAR_BLOCK;
        size_t room = it->size - data_off;
        uint64_t padded = size + (TAR_BLOCK - 1);
        if (size > room || padded < size) {
            tar_note_corrupt(it, "data runs past the end of the archive");
            it->done = true;
            break;
        }
        padded &= ~(uint64_t)(TAR_BLOCK - 1);
        char type = (char)h[TAR_OFF_TYPE];
        out->type = type == '\0' ? TAR_TYPE_FILE : type;
        out->data = it->base + data_off;
        out->size = size;
        /* A final entry may end without its padding; the walk then simply stops. */
        it->pos = padded > room ? it->size : data_off + (size_t)padded;
        return true;
    }
    it->done = true;
    return false;
}

static const char *tar_strip_root(const char *p)
{
    for (;;) {
        if (p[0] == '/')
            p++;
        else if (p[0] == '.' && p[1] == '/')
            p += 2;
        else
            return p;
    }
}

static bool tar_str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

bool tar_find(const void *archive, size_t size, const char *path, const uint8_t **data,
              uint64_t *file_size)
{
    tar_entry_t e;
    tar_iter_t it;
    const char *want = tar_strip_root(path);
    if (*want == '\0')
        return false;
    tar_iter_init(&it, archive, size);
    while (tar_iter_next(&it, &e)) {
        if (e.type != TAR_TYPE_FILE || !tar_str_eq(tar_strip_root(e.path), want))
            continue;
        *data = e.data;
        *file_size = e.size;
        return true;
    }
    return false;
}
