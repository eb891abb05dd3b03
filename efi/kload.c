/*
 * kload.c - validates the kernel ELF with elf_check and copies it into one physically
 * contiguous block covering [lowest PT_LOAD page, highest PT_LOAD end page-up).
 *
 * Nothing from the file is used before elf_check accepted it; afterwards segment values
 * are trusted only within the guarantees elf_check documents (inside the file, inside the
 * span). The block is zeroed first, so .bss and the gaps between segments are zero.
 */
#include "efi/loader.h"
#include "kernel/lib/elf_check.h"

static const elf_check_params_t kload_params = {
    .addr_min = BOOT_KERNEL_BASE,
    .addr_last = UINT64_MAX,
    .max_span = LOADER_KERNEL_SPAN_MAX,
    .load_bias = 0,
    .allowed_types = ELF_ALLOW_EXEC,
    .max_phdrs = LOADER_KERNEL_PHDRS_MAX,
};

EFI_STATUS kload_load(const loaded_file_t *file, boot_info_t *bi, uint64_t *entry)
{
    const uint8_t *src = (const uint8_t *)(uintptr_t)file->phys;
    elf_image_t img;
    elf_status_t est = elf_check(src, (size_t)file->size, &kload_params, &img);
    if (est != ELF_OK) {
        con_printf("spindle-loader: ERROR: kernel.elf rejected: %s\n", elf_status_name(est));
        return EFI_LOAD_ERROR;
    }

    uint64_t span = img.span_end - img.span_start;
    uint64_t phys = 0;
    EFI_STATUS st = alloc_pages(span / LOADER_PAGE, &phys);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: no memory for the kernel image (%lu bytes): %r\n",
                   span, st);
        return st;
    }
    uint8_t *dst = (uint8_t *)(uintptr_t)phys;
    util_memset(dst, 0, span);
    for (unsigned i = 0; i < img.load_count; i++) {
        elf_segment_t seg;
        if (!elf_segment_at(src, &img, i, &seg))
            return EFI_LOAD_ERROR; /* cannot happen after elf_check; never copy blindly */
        util_memcpy(dst + (seg.vaddr - img.span_start), src + seg.offset, seg.filesz);
    }

    bi->kernel_phys_base = phys;
    bi->kernel_virt_base = img.span_start;
    bi->kernel_size = span;
    *entry = img.entry;
    con_printf("spindle-loader: kernel %lu bytes ok, %u segments, %lu KiB at phys 0x%lx, "
               "entry 0x%lx\n", file->size, (unsigned)img.load_count, span / 1024, phys,
               img.entry);
    return EFI_SUCCESS;
}
