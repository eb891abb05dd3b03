/*
 * alloc.c - every page allocation of the loader goes through here (EfiLoaderData, so the
 * kernel sees it as BOOT_MEM_LOADER), and is recorded so that a boot that fails before
 * ExitBootServices can hand all of it back before returning to the firmware.
 */
#include "efi/loader.h"

#define ALLOC_SLOTS 32

typedef struct {
    uint64_t phys;
    uint64_t pages;
} alloc_slot_t;

static alloc_slot_t alloc_slots[ALLOC_SLOTS];

EFI_STATUS alloc_pages(uint64_t pages, uint64_t *phys)
{
    alloc_slot_t *slot = NULL;
    for (int i = 0; i < ALLOC_SLOTS && !slot; i++)
        if (alloc_slots[i].pages == 0)
            slot = &alloc_slots[i];
    if (!slot || pages == 0)
        return EFI_OUT_OF_RESOURCES;
    EFI_PHYSICAL_ADDRESS addr = 0;
    EFI_STATUS st = uefi_call_wrapper(loader_bs->AllocatePages, 4, AllocateAnyPages,
                                      EfiLoaderData, (UINTN)pages, &addr);
    if (!EFI_ERROR(st) && addr == 0) {
        /* phys 0 means "absent" in boot_info: keep page 0 allocated (it stays LOADER
         * memory, a harmless loss) and ask again for a block elsewhere */
        st = uefi_call_wrapper(loader_bs->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
                               (UINTN)pages, &addr);
    }
    if (EFI_ERROR(st))
        return st;
    if (addr == 0 || (addr & (LOADER_PAGE - 1)))
        return EFI_OUT_OF_RESOURCES; /* firmware bug; the block is left allocated */
    *slot = (alloc_slot_t){ addr, pages };
    *phys = addr;
    return EFI_SUCCESS;
}

void alloc_free(uint64_t phys)
{
    for (int i = 0; i < ALLOC_SLOTS; i++) {
        if (alloc_slots[i].pages && alloc_slots[i].phys == phys) {
            uefi_call_wrapper(loader_bs->FreePages, 2, phys, (UINTN)alloc_slots[i].pages);
            alloc_slots[i] = (alloc_slot_t){ 0, 0 };
            return;
        }
    }
}

void alloc_release_all(void)
{
    for (int i = 0; i < ALLOC_SLOTS; i++)
        if (alloc_slots[i].pages)
            alloc_free(alloc_slots[i].phys);
}
