/*
 * loader.h - internal interfaces of the Spindle UEFI loader (efi/).
 *
 * The loader runs in two phases: while boot services are alive every step may print and
 * allocate; after ExitBootServices only memmap_convert() and handoff_jump() run, and they
 * touch nothing but memory allocated earlier. Protocol calls go through uefi_call_wrapper
 * because gnu-efi's crt0 calls efi_main with the SysV ABI.
 */
#ifndef SPINDLE_EFI_LOADER_H
#define SPINDLE_EFI_LOADER_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/boot.h>
#include "efi/memmap_convert.h"

#define LOADER_PAGE 4096ULL
#define LOADER_PAGES(bytes) (((uint64_t)(bytes) + LOADER_PAGE - 1) / LOADER_PAGE)

/* Largest files the loader accepts (hostile sizes must not exhaust memory or wrap). */
#define LOADER_KERNEL_FILE_MAX  (256ULL << 20)
#define LOADER_KERNEL_SPAN_MAX  (256ULL << 20)
#define LOADER_ARCHIVE_FILE_MAX (1ULL << 30)
#define LOADER_CMDLINE_FILE_MAX (64ULL << 10)
#define LOADER_KERNEL_PHDRS_MAX 64u

/* main.c: firmware tables for the boot-services phase. */
extern EFI_SYSTEM_TABLE *loader_st;
extern EFI_BOOT_SERVICES *loader_bs;

/* util.c: freestanding helpers (the loader is not linked with the kernel's string.c). */
void util_memset(void *dst, int c, size_t n);
void util_memcpy(void *dst, const void *src, size_t n);
uint64_t util_rdtsc(void);

/* console.c: ConOut plus COM1, boot-services phase only. */
void con_init(void);
void con_puts(const char *s);
void con_printf(const char *fmt, ...);
const char *con_status_name(EFI_STATUS st);
void con_shutdown(void); /* after this every output call is a no-op */

/* alloc.c: page allocations, remembered so a failed boot can give them back. */
EFI_STATUS alloc_pages(uint64_t pages, uint64_t *phys);
void alloc_free(uint64_t phys);
void alloc_release_all(void);

/* files.c */
typedef struct {
    uint64_t phys; /* 0 when absent or empty */
    uint64_t size; /* bytes */
} loaded_file_t;
EFI_STATUS files_open_root(EFI_HANDLE device, EFI_FILE_HANDLE *root);
/* EFI_NOT_FOUND when the file does not exist; files above max_size are refused. */
EFI_STATUS files_read(EFI_FILE_HANDLE root, const CHAR16 *path, uint64_t max_size,
                      loaded_file_t *out);

/* kload.c: check and place the kernel ELF; fills the kernel_* fields of bi. */
EFI_STATUS kload_load(const loaded_file_t *file, boot_info_t *bi, uint64_t *entry);

/* bootcmd.c: the kernel command line from LoadOptions or the cmdline file. */
EFI_STATUS bootcmd_build(EFI_LOADED_IMAGE *li, const loaded_file_t *file, uint64_t *phys);

/* sysinfo.c: framebuffer, ACPI RSDP, firmware identity. */
void sysinfo_framebuffer(boot_framebuffer_t *fb);
void sysinfo_rsdp(uint64_t *phys, uint32_t *revision);
void sysinfo_firmware(boot_info_t *bi);

/* memmap.c */
typedef struct {
    uint64_t buf_phys;  /* buffer the firmware fills */
    uint64_t buf_bytes; /* its capacity */
    UINTN map_size;     /* bytes valid after the last GetMemoryMap */
    UINTN map_key;
    UINTN desc_size;
    UINT32 desc_version;
} memmap_t;
EFI_STATUS memmap_probe(UINTN *entries, uint64_t *ram_end);
EFI_STATUS memmap_exit_boot_services(EFI_HANDLE image, memmap_t *map);


/* paging.c */
EFI_STATUS paging_build(const boot_info_t *bi, uint64_t hhdm_size, uint64_t *pml4_phys);

/* handoff.c */
bool handoff_la57_enabled(void);
__attribute__((noreturn)) void handoff_jump(uint64_t pml4_phys, uint64_t stack_top,
                                            uint64_t boot_info_va, uint64_t entry);

#endif
