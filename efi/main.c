/*
 * main.c - efi_main: the loader's boot flow.
 *
 *   1. read \spindle\kernel.elf, check it (elf_check) and copy it into place
 *   2. read the optional root archive and command line
 *   3. allocate boot_info, stack, region array; collect GOP, RSDP, firmware identity
 *   4. build page tables sized from the memory map
 *   5. ExitBootServices (retrying on a stale map key); from here on no output, no firmware
 *   6. convert the memory map into boot_info, switch CR3/RSP and jump to the ELF entry
 *
 * Any failure before step 5 prints a clear reason on screen and COM1, then waits for a key
 * and returns to the firmware with everything freed; the kernel is never entered.
 */
#include "efi/loader.h"
#include "efi/verify.h"

EFI_SYSTEM_TABLE *loader_st;
EFI_BOOT_SERVICES *loader_bs;

#define HHDM_MIN   (4ULL << 30)
#define HHDM_ALIGN (1ULL << 30)
#define REGION_SLACK 16u
/* region-array entries for allocations made after the map was probed (each may split one) */
#define REGION_OWN_ALLOCS 8u

typedef struct {
    EFI_HANDLE image;
    EFI_LOADED_IMAGE *li;
    EFI_FILE_HANDLE root;
    boot_info_t *bi;
    uint64_t entry;
    uint32_t region_cap;
    memmap_t map;
} loader_plan_t;

static inline uint64_t direct_va(uint64_t phys) { return BOOT_HHDM_BASE + phys; }

static EFI_STATUS load_kernel(loader_plan_t *plan)
{
    loaded_file_t file;
    EFI_STATUS st = files_read(plan->root, BOOT_PATH_KERNEL, LOADER_KERNEL_FILE_MAX, &file);
    if (st == EFI_NOT_FOUND) {
        con_puts("spindle-loader: ERROR: \\spindle\\kernel.elf not found on the boot volume\n");
        return st;
    }
    if (st == EFI_BAD_BUFFER_SIZE) {
        con_printf("spindle-loader: ERROR: kernel.elf larger than %lu MiB\n",
                   LOADER_KERNEL_FILE_MAX >> 20);
        return EFI_LOAD_ERROR;
    }
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: reading kernel.elf failed: %r\n", st);
        return st;
    }
    if (file.size == 0) {
        con_puts("spindle-loader: ERROR: kernel.elf rejected: empty file\n");
        return EFI_LOAD_ERROR;
    }
    st = verify_file(VERIFY_KERNEL, &file); /* (bootmedia) Secure Boot digest check */
    if (!EFI_ERROR(st))
        st = kload_load(&file, plan->bi, &plan->entry);
    alloc_free(file.phys); /* the file copy was scratch; the image block is what stays */
    return st;
}

static EFI_STATUS load_archive(loader_plan_t *plan)
{
    loaded_file_t file;
    EFI_STATUS st = files_read(plan->root, BOOT_PATH_ROOT, LOADER_ARCHIVE_FILE_MAX, &file);
    if (st == EFI_NOT_FOUND) {
        con_puts("spindle-loader: no root archive\n");
        return verify_file(VERIFY_ROOT_ARCHIVE, NULL);
    }
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: reading root.tar failed: %r\n", st);
        return st;
    }
    st = verify_file(VERIFY_ROOT_ARCHIVE, &file); /* (bootmedia) Secure Boot digest check */
    if (EFI_ERROR(st)) {
        alloc_free(file.phys);
        return st;
    }
    plan->bi->root_archive_phys = file.phys;
    plan->bi->root_archive_size = file.size;
    con_printf("spindle-loader: root archive %lu bytes\n", file.size);
    return EFI_SUCCESS;
}

static EFI_STATUS load_cmdline(loader_plan_t *plan)
{
    loaded_file_t file;
    EFI_STATUS st = files_read(plan->root, BOOT_PATH_CMDLINE, LOADER_CMDLINE_FILE_MAX, &file);
    if (EFI_ERROR(st) && st != EFI_NOT_FOUND)
        con_printf("spindle-loader: warning: cmdline.txt unreadable (%r), ignored\n", st);
    if (EFI_ERROR(st))
        file = (loaded_file_t){ 0, 0 };
    st = bootcmd_build(plan->li, &file, &plan->bi->cmdline_phys);
    if (file.phys)
        alloc_free(file.phys);
    return st;
}

static EFI_STATUS open_boot_volume(loader_plan_t *plan)
{
    EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
    EFI_STATUS st = uefi_call_wrapper(loader_bs->HandleProtocol, 3, plan->image, &li_guid,
                                      (void **)&plan->li);
    if (EFI_ERROR(st) || !plan->li) {
        con_printf("spindle-loader: ERROR: no LoadedImage protocol: %r\n", st);
        return EFI_ERROR(st) ? st : EFI_UNSUPPORTED;
    }
    st = files_open_root(plan->li->DeviceHandle, &plan->root);
    if (EFI_ERROR(st))
        con_printf("spindle-loader: ERROR: cannot open the boot volume: %r\n", st);
    return st;
}

static EFI_STATUS alloc_boot_info(loader_plan_t *plan, uint64_t tsc)
{
    uint64_t phys = 0, stack = 0;
    EFI_STATUS st = alloc_pages(LOADER_PAGES(sizeof(boot_info_t)), &phys);
    if (!EFI_ERROR(st))
        st = alloc_pages(LOADER_PAGES(BOOT_STACK_SIZE), &stack);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: out of memory for boot data: %r\n", st);
        return st;
    }
    boot_info_t *bi = (boot_info_t *)(uintptr_t)phys;
    util_memset(bi, 0, LOADER_PAGES(sizeof(boot_info_t)) * LOADER_PAGE);
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof(boot_info_t);
    bi->hhdm_base = BOOT_HHDM_BASE;
    bi->stack_phys = stack;
    bi->loader_tsc = tsc;
    plan->bi = bi;
    return EFI_SUCCESS;
}

/* Direct-map size, region array and page tables: everything sized from the memory map. */
static EFI_STATUS plan_memory(loader_plan_t *plan)
{
    boot_info_t *bi = plan->bi;
    UINTN entries = 0;
    uint64_t ram_end = 0;
    EFI_STATUS st = memmap_probe(&entries, &ram_end);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: GetMemoryMap failed: %r\n", st);
        return st;
    }
    uint64_t top = ram_end > HHDM_MIN ? ram_end : HHDM_MIN;
    uint64_t fb_end = bi->fb.phys_base + bi->fb.size;
    if (bi->fb.format != BOOT_FB_NONE && fb_end > top)
        top = fb_end;
    bi->hhdm_size = (top + HHDM_ALIGN - 1) & ~(HHDM_ALIGN - 1);

    if (entries > 65536) {
        con_printf("spindle-loader: ERROR: implausible memory map (%lu entries)\n", entries);
        return EFI_DEVICE_ERROR;
    }
    plan->region_cap = (uint32_t)entries + REGION_SLACK + REGION_OWN_ALLOCS;
    st = alloc_pages(LOADER_PAGES(plan->region_cap * sizeof(boot_mem_region_t)),
                     &bi->mem_regions_phys);
    if (EFI_ERROR(st)) {
        con_printf("spindle-loader: ERROR: out of memory for the region array: %r\n", st);
        return st;
    }
    con_printf("spindle-loader: memory map %lu entries, RAM ends at 0x%lx\n", entries, ram_end);
    return paging_build(bi, bi->hhdm_size, &bi->loader_pml4_phys);
}

static EFI_STATUS loader_prepare(loader_plan_t *plan, uint64_t tsc)
{
    if (handoff_la57_enabled()) {
        con_puts("spindle-loader: ERROR: firmware runs with 5-level paging; not supported\n");
        return EFI_UNSUPPORTED;
    }
    EFI_STATUS st = open_boot_volume(plan);
    if (!EFI_ERROR(st))
        st = alloc_boot_info(plan, tsc);
    if (!EFI_ERROR(st))
        st = load_kernel(plan);
    if (!EFI_ERROR(st))
        st = load_archive(plan);
    if (!EFI_ERROR(st))
        st = load_cmdline(plan);
    if (plan->root)
        uefi_call_wrapper(plan->root->Close, 1, plan->root);
    plan->root = NULL;
    if (EFI_ERROR(st))
        return st;
    sysinfo_framebuffer(&plan->bi->fb);
    sysinfo_rsdp(&plan->bi->rsdp_phys, &plan->bi->rsdp_revision);
    sysinfo_firmware(plan->bi);
    return plan_memory(plan);
}

/* Boot stopped: say so, wait for a key (so the message can be read), give memory back. */
static EFI_STATUS loader_fail(EFI_STATUS st)
{
    con_printf("spindle-loader: FATAL: boot stopped (%r). The kernel was not started.\n", st);
    con_puts("spindle-loader: press a key to return to the firmware\n");
    SIMPLE_INPUT_INTERFACE *in = loader_st->ConIn;
    UINTN index = 0;
    EFI_STATUS wst = EFI_UNSUPPORTED;
    if (in)
        wst = uefi_call_wrapper(loader_bs->WaitForEvent, 3, 1, &in->WaitForKey, &index);
    if (EFI_ERROR(wst)) {
        for (;;)
            uefi_call_wrapper(loader_bs->Stall, 1, 1000000);
    }
    EFI_INPUT_KEY key;
    uefi_call_wrapper(in->ReadKeyStroke, 2, in, &key);
    alloc_release_all();
    return st;
}

/* After ExitBootServices: no firmware, no output. Fill the last fields and jump. */
static __attribute__((noreturn)) void loader_enter_kernel(loader_plan_t *plan)
{
    __asm__ volatile("cli");
    boot_info_t *bi = plan->bi;
    bi->mem_region_count = memmap_convert((const void *)(uintptr_t)plan->map.buf_phys,
                                          plan->map.map_size, plan->map.desc_size,
                                          (boot_mem_region_t *)(uintptr_t)bi->mem_regions_phys,
                                          plan->region_cap);
    uint64_t stack_top = direct_va(bi->stack_phys + BOOT_STACK_SIZE) & ~15ULL;
    handoff_jump(bi->loader_pml4_phys, stack_top, direct_va((uint64_t)(uintptr_t)bi),
                 plan->entry);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    uint64_t tsc = util_rdtsc();
    if (!st || !st->BootServices)
        return EFI_INVALID_PARAMETER;
    loader_st = st;
    loader_bs = st->BootServices;
    con_init();
    con_puts("spindle-loader: starting\n");
    /* the boot manager's 5-minute watchdog would reset a machine waiting on an error */
    uefi_call_wrapper(loader_bs->SetWatchdogTimer, 4, 0, 0, 0, NULL);

    loader_plan_t plan = { .image = image };
    EFI_STATUS s = loader_prepare(&plan, tsc);
    if (EFI_ERROR(s))
        return loader_fail(s);
    con_printf("spindle-loader: exiting boot services, entering kernel at 0x%lx\n", plan.entry);
    s = memmap_exit_boot_services(image, &plan.map);
    if (EFI_ERROR(s)) {
        /* boot services may be half torn down: try to report, then stop for good */
        con_printf("spindle-loader: FATAL: ExitBootServices failed: %r\n", s);
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    con_shutdown();
    loader_enter_kernel(&plan);
}
