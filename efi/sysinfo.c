/*
 * sysinfo.c - facts the kernel needs from the firmware: the current GOP framebuffer (the
 * mode is never changed), the ACPI RSDP, and the firmware vendor/revision.
 *
 * Firmware data is checked before it is passed on: a framebuffer whose size cannot hold
 * its own geometry, or an RSDP whose signature or checksum is wrong, is reported as absent
 * rather than handed to the kernel.
 */
#include "efi/loader.h"

static bool fb_masks_usable(const EFI_PIXEL_BITMASK *m)
{
    uint32_t r = m->RedMask, g = m->GreenMask, b = m->BlueMask, x = m->ReservedMask;
    if (!r || !g || !b || (r & g) || (r & b) || (g & b) || ((r | g | b) & x))
        return false;
    return ((r | g | b | x) >> 24) != 0; /* highest bit in the top byte: 32 bpp */
}

static void fb_from_gop(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, boot_framebuffer_t *fb)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode = gop->Mode;
    if (!mode || !mode->Info || mode->SizeOfInfo < sizeof(*mode->Info))
        return;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = mode->Info;
    uint64_t w = info->HorizontalResolution, h = info->VerticalResolution;
    uint64_t pitch = info->PixelsPerScanLine;
    if (!mode->FrameBufferBase || !w || !h || pitch < w || w > 65536 || h > 65536 ||
        pitch > 65536 || mode->FrameBufferSize < pitch * h * 4)
        return;
    switch (info->PixelFormat) {
    case PixelRedGreenBlueReserved8BitPerColor:
        fb->format = BOOT_FB_RGBX;
        break;
    case PixelBlueGreenRedReserved8BitPerColor:
        fb->format = BOOT_FB_BGRX;
        break;
    case PixelBitMask:
        if (!fb_masks_usable(&info->PixelInformation))
            return;
        fb->format = BOOT_FB_BITMASK;
        fb->red_mask = info->PixelInformation.RedMask;
        fb->green_mask = info->PixelInformation.GreenMask;
        fb->blue_mask = info->PixelInformation.BlueMask;
        fb->reserved_mask = info->PixelInformation.ReservedMask;
        break;
    default: /* PixelBltOnly: no linear framebuffer */
        return;
    }
    fb->phys_base = mode->FrameBufferBase;
    fb->size = mode->FrameBufferSize;
    fb->width = (uint32_t)w;
    fb->height = (uint32_t)h;
    fb->pitch = (uint32_t)pitch;
}

void sysinfo_framebuffer(boot_framebuffer_t *fb)
{
    EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
    util_memset(fb, 0, sizeof(*fb));
    fb->format = BOOT_FB_NONE;
    /* the GOP behind the console first: that is the screen the user looks at */
    EFI_STATUS st = uefi_call_wrapper(loader_bs->HandleProtocol, 3, loader_st->ConsoleOutHandle,
                                      &gop_guid, (void **)&gop);
    if (EFI_ERROR(st) || !gop)
        st = uefi_call_wrapper(loader_bs->LocateProtocol, 3, &gop_guid, NULL, (void **)&gop);
    if (!EFI_ERROR(st) && gop)
        fb_from_gop(gop, fb);
    if (fb->format == BOOT_FB_NONE) {
        util_memset(fb, 0, sizeof(*fb));
        con_puts("spindle-loader: no usable GOP framebuffer, serial only\n");
        return;
    }
    con_printf("spindle-loader: framebuffer %ux%u pitch %u format %u at 0x%lx\n", fb->width,
               fb->height, fb->pitch, fb->format, fb->phys_base);
}

static bool bytes_sum_zero(const uint8_t *p, uint32_t n)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

/* Signature and checksums per ACPI: 20 bytes for 1.0; Length bytes for revision >= 2. */
static bool rsdp_valid(const uint8_t *p)
{
    static const char sig[8] = "RSD PTR ";
    for (int i = 0; i < 8; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    if (!bytes_sum_zero(p, 20))
        return false;
    if (p[15] >= 2) {
        uint32_t len = (uint32_t)p[20] | ((uint32_t)p[21] << 8) | ((uint32_t)p[22] << 16) |
                       ((uint32_t)p[23] << 24);
        if (len < 36 || len > 4096 || !bytes_sum_zero(p, len))
            return false;
    }
    return true;
}

static bool guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (size_t i = 0; i < sizeof(EFI_GUID); i++)
        if (x[i] != y[i])
            return false;
    return true;
}

void sysinfo_rsdp(uint64_t *phys, uint32_t *revision)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
    EFI_GUID *wanted[2] = { &acpi20, &acpi10 };
    *phys = 0;
    *revision = 0;
    for (int w = 0; w < 2 && !*phys; w++) {
        for (UINTN i = 0; i < loader_st->NumberOfTableEntries; i++) {
            EFI_CONFIGURATION_TABLE *t = &loader_st->ConfigurationTable[i];
            const uint8_t *p = t->VendorTable;
            if (!guid_equal(&t->VendorGuid, wanted[w]) || !p)
                continue;
            if (!rsdp_valid(p))
                continue;
            *phys = (uint64_t)(uintptr_t)p;
            *revision = p[15];
            break;
        }
    }
    if (*phys)
        con_printf("spindle-loader: ACPI RSDP revision %u at 0x%lx\n", *revision, *phys);
    else
        con_puts("spindle-loader: no valid ACPI RSDP found\n");
}

void sysinfo_firmware(boot_info_t *bi)
{
    const CHAR16 *v = loader_st->FirmwareVendor;
    size_t n = 0;
    for (; v && v[n] && n < sizeof(bi->firmware_vendor) - 1; n++)
        bi->firmware_vendor[n] = v[n] >= 0x20 && v[n] < 0x7F ? (char)v[n] : '?';
    bi->firmware_vendor[n] = 0;
    bi->firmware_revision = loader_st->FirmwareRevision;
}
