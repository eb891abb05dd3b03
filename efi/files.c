/*
 * files.c - reads whole files from the volume the loader was started from.
 *
 * File sizes come from the (untrusted) file system: they are capped by the caller's limit
 * before anything is allocated, and a read that returns fewer bytes than promised fails
 * the load instead of leaving stale memory behind.
 */
#include "efi/loader.h"

#define FILES_READ_CHUNK (4ULL << 20) /* some firmware mishandles very large single reads */

EFI_STATUS files_open_root(EFI_HANDLE device, EFI_FILE_HANDLE *root)
{
    EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
    EFI_FILE_IO_INTERFACE *fs = NULL;
    EFI_STATUS st = uefi_call_wrapper(loader_bs->HandleProtocol, 3, device, &fs_guid,
                                      (void **)&fs);
    if (EFI_ERROR(st))
        return st;
    if (!fs)
        return EFI_UNSUPPORTED;
    return uefi_call_wrapper(fs->OpenVolume, 2, fs, root);
}

static EFI_STATUS file_size_get(EFI_FILE_HANDLE f, uint64_t *size)
{
    EFI_GUID info_guid = EFI_FILE_INFO_ID;
    UINTN len = 0;
    EFI_FILE_INFO *info = NULL;
    EFI_STATUS st = uefi_call_wrapper(f->GetInfo, 4, f, &info_guid, &len, NULL);
    if (st != EFI_BUFFER_TOO_SMALL)
        return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
    if (len < SIZE_OF_EFI_FILE_INFO || len > 4096)
        return EFI_DEVICE_ERROR;
    st = uefi_call_wrapper(loader_bs->AllocatePool, 3, EfiLoaderData, len, (void **)&info);
    if (EFI_ERROR(st))
        return st;
    st = uefi_call_wrapper(f->GetInfo, 4, f, &info_guid, &len, info);
    if (!EFI_ERROR(st)) {
        if (info->Attribute & EFI_FILE_DIRECTORY)
            st = EFI_NOT_FOUND;
        *size = info->FileSize;
    }
    uefi_call_wrapper(loader_bs->FreePool, 1, info);
    return st;
}

static EFI_STATUS file_read_all(EFI_FILE_HANDLE f, uint8_t *dst, uint64_t size)
{
    uint64_t done = 0;
    while (done < size) {
        uint64_t want = size - done < FILES_READ_CHUNK ? size - done : FILES_READ_CHUNK;
        UINTN got = (UINTN)want;
        EFI_STATUS st = uefi_call_wrapper(f->Read, 3, f, &got, dst + done);
        if (EFI_ERROR(st))
            return st;
        if (got == 0 || got > want)
            return EFI_END_OF_FILE; /* shorter than GetInfo promised */
        done += got;
    }
    return EFI_SUCCESS;
}

EFI_STATUS files_read(EFI_FILE_HANDLE root, const CHAR16 *path, uint64_t max_size,
                      loaded_file_t *out)
{
    EFI_FILE_HANDLE f = NULL;
    uint64_t size = 0, phys = 0;
    *out = (loaded_file_t){ 0, 0 };

    EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &f, (CHAR16 *)path,
                                      EFI_FILE_MODE_READ, 0ULL);
    if (EFI_ERROR(st))
        return st;
    st = file_size_get(f, &size);
    if (EFI_ERROR(st))
        goto out_close;
    if (size > max_size) {
        st = EFI_BAD_BUFFER_SIZE;
        goto out_close;
    }
    if (size == 0)
        goto out_close;
    st = alloc_pages(LOADER_PAGES(size), &phys);
    if (EFI_ERROR(st))
        goto out_close;
    st = file_read_all(f, (uint8_t *)(uintptr_t)phys, size);
    if (EFI_ERROR(st)) {
        alloc_free(phys);
        goto out_close;
    }
    /* the tail of the last page is zeroed so nothing stale follows the file */
    util_memset((uint8_t *)(uintptr_t)phys + size, 0, LOADER_PAGES(size) * LOADER_PAGE - size);
    *out = (loaded_file_t){ phys, size };
out_close:
    uefi_call_wrapper(f->Close, 1, f);
    return st;
}
