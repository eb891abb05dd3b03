/*
 * console.c - loader output: the screen via SimpleTextOut, plus COM1 written directly.
 *
 * Only the plainest protocol call is used (gnu-efi's Print resets U-Boot's UEFI). COM1 gets
 * every line because the serial log is how tests see loader errors. Firmware such as OVMF
 * also mirrors ConOut to the serial port (with escape sequences and its own wrapping), so
 * when per-device text outputs exist we write to the non-serial ones only and COM1 gets
 * each line exactly once; otherwise ConOut is used and a line may appear twice on serial.
 * Text is collected per line so the two outputs never interleave mid-line. Each UART byte
 * waits a bounded time and a missing UART (line status 0xFF) is skipped, so output never
 * hangs. After con_shutdown() (just before ExitBootServices) every call is a no-op.
 */
#include <stdarg.h>
#include "efi/loader.h"
#include "kernel/console/uart.h"

#define COM1_SPIN_LIMIT  100000
#define CON_LINE         160
#define CON_TARGETS_MAX  4

static bool con_live;
static bool con_com1;
static SIMPLE_TEXT_OUTPUT_INTERFACE *con_targets[CON_TARGETS_MAX];
static unsigned con_target_count;
static char con_line[CON_LINE];
static size_t con_line_len;

static inline uint8_t port_in8(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void port_out8(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void com1_putc(char c)
{
    for (int i = 0; i < COM1_SPIN_LIMIT && !(port_in8(COM1_PORT + UART_LSR) & LSR_THR_EMPTY); i++)
        ;
    port_out8(COM1_PORT, (uint8_t)c);
}

/* Does the device path contain a UART node (a serial terminal)? Bounded walk. */
static bool path_has_uart(const uint8_t *node)
{
    for (int guard = 0; node && guard < 32; guard++) {
        uint16_t len = (uint16_t)(node[2] | (node[3] << 8));
        if (node[0] == END_DEVICE_PATH_TYPE || len < 4)
            return false;
        if (node[0] == MESSAGING_DEVICE_PATH && node[1] == MSG_UART_DP)
            return true;
        node += len;
    }
    return false;
}

/* Text outputs with a device path that is not a serial terminal (screens). */
static void con_find_screens(void)
{
    EFI_GUID out_guid = SIMPLE_TEXT_OUTPUT_PROTOCOL, dp_guid = DEVICE_PATH_PROTOCOL;
    EFI_HANDLE *handles = NULL;
    UINTN count = 0;
    EFI_STATUS st = uefi_call_wrapper(loader_bs->LocateHandleBuffer, 5, ByProtocol, &out_guid,
                                      NULL, &count, &handles);
    if (EFI_ERROR(st) || !handles)
        return;
    for (UINTN i = 0; i < count && con_target_count < CON_TARGETS_MAX; i++) {
        void *dp = NULL, *out = NULL;
        if (EFI_ERROR(uefi_call_wrapper(loader_bs->HandleProtocol, 3, handles[i], &dp_guid, &dp)) ||
            !dp || path_has_uart(dp))
            continue;
        if (!EFI_ERROR(uefi_call_wrapper(loader_bs->HandleProtocol, 3, handles[i], &out_guid,
                                         &out)) && out)
            con_targets[con_target_count++] = out;
    }
    uefi_call_wrapper(loader_bs->FreePool, 1, handles);
}

void con_init(void)
{
    con_com1 = port_in8(COM1_PORT + UART_LSR) != 0xFF;
    con_target_count = 0;
    if (con_com1)
        con_find_screens();
    if (con_target_count == 0 && loader_st->ConOut)
        con_targets[con_target_count++] = loader_st->ConOut;
    con_line_len = 0;
    con_live = true;
}

void con_shutdown(void)
{
    con_live = false;
}

static void con_flush(void)
{
    CHAR16 wide[CON_LINE + 2];
    size_t n = 0;
    for (size_t i = 0; i < con_line_len; i++) {
        char c = con_line[i];
        if (con_com1) {
            if (c == '\n')
                com1_putc('\r');
            com1_putc(c);
        }
        if (c == '\n')
            wide[n++] = L'\r';
        wide[n++] = (CHAR16)c;
    }
    wide[n] = 0;
    for (unsigned t = 0; t < con_target_count && n > 0; t++)
        uefi_call_wrapper(con_targets[t]->OutputString, 2, con_targets[t], wide);
    con_line_len = 0;
}

/* Buffers until end of line; non-ASCII becomes '?'. */
static void con_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((unsigned char)c >= 0x80)
            c = '?';
        con_line[con_line_len++] = c;
        if (c == '\n' || con_line_len >= CON_LINE - 1)
            con_flush();
    }
}

void con_puts(const char *s)
{
    if (!con_live || !s)
        return;
    size_t n = 0;
    while (s[n])
        n++;
    con_write(s, n);
}

static size_t fmt_u64(char *buf, uint64_t v, unsigned base)
{
    char tmp[24];
    size_t n = 0, len = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (n)
        buf[len++] = tmp[--n];
    return len;
}

/*
 * Tiny printf: %s %c %d %u %x, with 'l'/'ll' for 64-bit, and %r for an EFI_STATUS.
 * Enough for progress and error lines; no width or padding.
 */
void con_printf(const char *fmt, ...)
{
    if (!con_live)
        return;
    va_list ap;
    va_start(ap, fmt);
    char num[24];
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *q = p;
            while (*q && *q != '%')
                q++;
            con_write(p, (size_t)(q - p));
            p = q - 1;
            continue;
        }
        p++;
        bool wide = false;
        while (*p == 'l') {
            wide = true;
            p++;
        }
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t n = 0;
            while (s[n])
                n++;
            con_write(s, n);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            con_write(&c, 1);
            break;
        }
        case 'd': {
            int64_t v = wide ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            if (v < 0)
                con_write("-", 1);
            con_write(num, fmt_u64(num, mag, 10));
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = wide ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            con_write(num, fmt_u64(num, v, *p == 'x' ? 16 : 10));
            break;
        }
        case 'r': {
            const char *name = con_status_name(va_arg(ap, EFI_STATUS));
            size_t n = 0;
            while (name[n])
                n++;
            con_write(name, n);
            break;
        }
        case '%':
            con_write("%", 1);
            break;
        default:
            if (!*p)
                p--;
            break;
        }
    }
    va_end(ap);
}

const char *con_status_name(EFI_STATUS st)
{
    switch (st) {
    case EFI_SUCCESS: return "success";
    case EFI_LOAD_ERROR: return "load error";
    case EFI_INVALID_PARAMETER: return "invalid parameter";
    case EFI_UNSUPPORTED: return "unsupported";
    case EFI_BAD_BUFFER_SIZE: return "bad buffer size";
    case EFI_BUFFER_TOO_SMALL: return "buffer too small";
    case EFI_NOT_READY: return "not ready";
    case EFI_DEVICE_ERROR: return "device error";
    case EFI_WRITE_PROTECTED: return "write protected";
    case EFI_OUT_OF_RESOURCES: return "out of resources";
    case EFI_VOLUME_CORRUPTED: return "volume corrupted";
    case EFI_NO_MEDIA: return "no media";
    case EFI_NOT_FOUND: return "not found";
    case EFI_ACCESS_DENIED: return "access denied";
    case EFI_END_OF_FILE: return "end of file";
    case EFI_SECURITY_VIOLATION: return "security violation";
    case EFI_ABORTED: return "aborted";
    default: return "EFI error";
    }
}
