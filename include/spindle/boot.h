/*
 * boot.h - the hand-off contract between the UEFI loader (efi/) and the kernel.
 *
 * The loader fills one boot_info_t, exits boot services and jumps to the kernel's
 * ELF entry point with:
 *   RDI = virtual address (in the direct map) of the boot_info_t
 *   RSP = top of a 64 KiB boot stack, also a direct-map address, 16-byte aligned
 *   interrupts disabled, CR3 = loader-built tables (see below), UEFI's GDT still loaded.
 *
 * Invariants the kernel may rely on:
 *   - every physical address below max(4 GiB, end of the highest RAM region, end of the
 *     framebuffer) is mapped RW at BOOT_HHDM_BASE + phys with 2 MiB pages, and identity-mapped
 *     at phys too (the kernel drops the identity map when it loads its own tables);
 *   - the kernel image is mapped RWX at kernel_virt_base, backed by kernel_size bytes of
 *     physically contiguous memory at kernel_phys_base; .bss is zeroed;
 *   - all "phys" fields below are physical addresses: reach them through the direct map;
 *   - memory the loader allocated (kernel, stack, this struct, the region array, the root
 *     archive, the command line, its page tables) is marked BOOT_MEM_LOADER, never FREE.
 * Bump BOOT_INFO_VERSION whenever the layout changes.
 */
#ifndef SPINDLE_BOOT_H
#define SPINDLE_BOOT_H

#include <stdint.h>

#define BOOT_INFO_MAGIC   0x424c444e49505300ULL /* "\0SPINDLB" little-endian */
#define BOOT_INFO_VERSION 1

#define BOOT_HHDM_BASE    0xFFFF800000000000ULL /* direct map of physical memory */
#define BOOT_KERNEL_BASE  0xFFFFFFFF80000000ULL /* kernel image lives in the top 2 GiB */
#define BOOT_STACK_SIZE   (64 * 1024)
#define BOOT_CMDLINE_MAX  4096

/* Files the loader reads from the volume it was started from. */
#define BOOT_PATH_KERNEL  L"\\spindle\\kernel.elf"
#define BOOT_PATH_ROOT    L"\\spindle\\root.tar"
#define BOOT_PATH_CMDLINE L"\\spindle\\cmdline.txt"

typedef enum {
    BOOT_MEM_FREE = 1,          /* usable RAM (EfiConventionalMemory) */
    BOOT_MEM_BOOT_SERVICES = 2, /* firmware boot-services code/data: free once the kernel took over */
    BOOT_MEM_LOADER = 3,        /* what the loader allocated (kernel, boot data): keep */
    BOOT_MEM_ACPI_RECLAIM = 4,  /* ACPI tables: free after they were parsed */
    BOOT_MEM_ACPI_NVS = 5,
    BOOT_MEM_RESERVED = 6,      /* everything else, including runtime services and MMIO */
} boot_mem_type_t;

typedef struct {
    uint64_t phys_start; /* 4 KiB aligned */
    uint64_t pages;      /* count of 4 KiB pages */
    uint32_t type;       /* boot_mem_type_t */
    uint32_t reserved;
} boot_mem_region_t;

typedef enum {
    BOOT_FB_NONE = 0,   /* no GOP found: the kernel runs serial-only */
    BOOT_FB_RGBX = 1,   /* byte 0 red, 1 green, 2 blue, 3 reserved */
    BOOT_FB_BGRX = 2,   /* byte 0 blue, 1 green, 2 red, 3 reserved */
    BOOT_FB_BITMASK = 3 /* 32 bpp, channel positions given by the masks */
} boot_fb_format_t;

typedef struct {
    uint64_t phys_base;
    uint64_t size;      /* bytes */
    uint32_t width;     /* visible pixels */
    uint32_t height;
    uint32_t pitch;     /* pixels per scan line (>= width) */
    uint32_t format;    /* boot_fb_format_t */
    uint32_t red_mask, green_mask, blue_mask, reserved_mask; /* BOOT_FB_BITMASK only */
} boot_framebuffer_t;

typedef struct {
    uint64_t magic;            /* BOOT_INFO_MAGIC */
    uint32_t version;          /* BOOT_INFO_VERSION */
    uint32_t size;             /* sizeof(boot_info_t) as the loader saw it */

    uint64_t hhdm_base;        /* BOOT_HHDM_BASE */
    uint64_t hhdm_size;        /* bytes of physical memory mapped there */
    uint64_t kernel_phys_base;
    uint64_t kernel_virt_base; /* lowest virtual address of the image (page aligned) */
    uint64_t kernel_size;      /* bytes, page aligned */
    uint64_t stack_phys;       /* the boot stack, BOOT_STACK_SIZE bytes */
    uint64_t loader_pml4_phys; /* tables in CR3 at entry */

    uint64_t mem_regions_phys; /* array of boot_mem_region_t, sorted by phys_start */
    uint32_t mem_region_count;
    uint32_t reserved0;

    boot_framebuffer_t fb;

    uint64_t rsdp_phys;        /* 0 when none was found */
    uint32_t rsdp_revision;    /* 0 for ACPI 1.0 (RSDT), >= 2 for XSDT */
    uint32_t reserved1;

    uint64_t root_archive_phys; /* USTAR archive, 0 / size 0 when absent */
    uint64_t root_archive_size;

    uint64_t cmdline_phys;     /* NUL-terminated ASCII, at most BOOT_CMDLINE_MAX bytes with NUL */

    uint64_t loader_tsc;       /* rdtsc when the loader started: lets the kernel log boot time */
    uint32_t firmware_revision;
    char firmware_vendor[64];  /* ASCII, NUL-terminated, '?' for non-ASCII code points */
} boot_info_t;

#endif
