/*
 * bootcmd.c - builds the kernel command line (one page, NUL-terminated ASCII).
 *
 * Sources, first usable wins: the image's LoadOptions (UCS-2, e.g. typed in the UEFI shell
 * or set in a Boot#### entry), then \spindle\cmdline.txt. LoadOptions are ignored when they
 * look binary (some firmware puts GUIDs or other blobs there) and their first word is
 * dropped when it names this program (the shell passes the command itself). Control
 * characters become spaces or '?', non-ASCII becomes '?', trailing whitespace is trimmed
 * and the result is capped at BOOT_CMDLINE_MAX - 1 characters.
 */
#include "efi/loader.h"

#define OWN_NAME_MAX 64

typedef struct {
    char *buf;
    size_t len;
} cmd_out_t;

static void cmd_put(cmd_out_t *o, char c)
{
    if (o->len < BOOT_CMDLINE_MAX - 1)
        o->buf[o->len++] = c;
}

static bool ch_space(uint32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static uint32_t ch_lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* UCS-2 unit i of an unaligned little-endian buffer. */
static uint16_t u16_at(const uint8_t *p, size_t i) { return (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8)); }

/* Last path component of the image's own file path, lower-cased, ".efi" stripped. */
static size_t own_name_get(EFI_LOADED_IMAGE *li, char *name)
{
    const uint8_t *node = (const uint8_t *)li->FilePath;
    size_t len = 0;
    for (int guard = 0; node && guard < 64; guard++) {
        uint8_t type = node[0], sub = node[1];
        uint16_t nlen = (uint16_t)(node[2] | (node[3] << 8));
        if (type == END_DEVICE_PATH_TYPE || nlen < 4)
            break;
        if (type == MEDIA_DEVICE_PATH && sub == MEDIA_FILEPATH_DP) {
            len = 0;
            for (size_t i = 0; i < (size_t)(nlen - 4) / 2; i++) {
                uint16_t c = u16_at(node + 4, i);
                if (c == 0)
                    break;
                if (c == '\\' || c == '/')
                    len = 0;
                else if (len < OWN_NAME_MAX)
                    name[len++] = (char)(c < 0x80 ? ch_lower(c) : '?');
            }
        }
        node += nlen;
    }
    if (len >= 4 && name[len - 4] == '.' && name[len - 3] == 'e' && name[len - 2] == 'f' &&
        name[len - 1] == 'i')
        len -= 4;
    return len;
}

/* Does UCS-2 word [p+a, p+b) name this program ("x.efi", "fs0:\EFI\BOOT\BOOTX64", ...)? */
static bool word_is_own_name(const uint8_t *p, size_t a, size_t b, const char *own, size_t own_len)
{
    size_t base = a;
    for (size_t i = a; i < b; i++) {
        uint16_t c = u16_at(p, i);
        if (c == '\\' || c == '/' || c == ':')
            base = i + 1;
    }
    size_t n = b - base;
    bool has_ext = n >= 4 && u16_at(p, b - 4) == '.' && ch_lower(u16_at(p, b - 3)) == 'e' &&
                   ch_lower(u16_at(p, b - 2)) == 'f' && ch_lower(u16_at(p, b - 1)) == 'i';
    if (has_ext)
        return true;
    if (n != own_len || own_len == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ch_lower(u16_at(p, base + i)) != (uint32_t)(unsigned char)own[i])
            return false;
    return true;
}

/* Returns false when LoadOptions are absent, binary, or hold only our own name. */
static bool cmd_from_options(EFI_LOADED_IMAGE *li, cmd_out_t *o)
{
    if (!li || !li->LoadOptions || li->LoadOptionsSize < 2)
        return false;
    const uint8_t *p = li->LoadOptions;
    size_t units = li->LoadOptionsSize / 2, n = 0;
    while (n < units && u16_at(p, n) != 0)
        n++;
    for (size_t i = 0; i < n; i++) {
        uint16_t c = u16_at(p, i);
        if ((c < 0x20 && !ch_space(c)) || c == 0x7F || (c >= 0xD800 && c <= 0xDFFF) ||
            c == 0xFFFE || c == 0xFFFF)
            return false; /* not text */
    }
    size_t i = 0;
    while (i < n && ch_space(u16_at(p, i)))
        i++;
    size_t w = i;
    while (w < n && !ch_space(u16_at(p, w)))
        w++;
    char own[OWN_NAME_MAX];
    size_t own_len = own_name_get(li, own);
    if (w > i && word_is_own_name(p, i, w, own, own_len))
        i = w;
    while (i < n && ch_space(u16_at(p, i)))
        i++;
    if (i == n)
        return false;
    for (; i < n; i++) {
        uint16_t c = u16_at(p, i);
        cmd_put(o, ch_space(c) ? ' ' : c < 0x80 ? (char)c : '?');
    }
    return true;
}

static void cmd_from_file(const loaded_file_t *file, cmd_out_t *o)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)file->phys;
    for (uint64_t i = 0; p && i < file->size; i++) {
        uint8_t c = p[i];
        if (c == 0)
            break;
        if (c >= 0x80 && c < 0xC0)
            continue; /* UTF-8 continuation: one '?' per code point is enough */
        if (ch_space(c))
            cmd_put(o, ' ');
        else if (c < 0x20 || c >= 0x7F)
            cmd_put(o, '?');
        else
            cmd_put(o, (char)c);
    }
}

EFI_STATUS bootcmd_build(EFI_LOADED_IMAGE *li, const loaded_file_t *file, uint64_t *phys)
{
    EFI_STATUS st = alloc_pages(LOADER_PAGES(BOOT_CMDLINE_MAX), phys);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: no memory for the command line: %r\n", st);
        return st;
    }
    cmd_out_t o = { (char *)(uintptr_t)*phys, 0 };
    util_memset(o.buf, 0, BOOT_CMDLINE_MAX);
    const char *source = "LoadOptions";
    if (!cmd_from_options(li, &o)) {
        o.len = 0;
        source = file->size ? "cmdline.txt" : "none";
        cmd_from_file(file, &o);
    }
    while (o.len > 0 && o.buf[o.len - 1] == ' ')
        o.len--;
    o.buf[o.len] = 0;
    con_printf("spindle-loader: command line (%s): \"%s\"\n", source, o.buf);
    return EFI_SUCCESS;
}
