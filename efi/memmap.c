/*
 * memmap.c - reading the UEFI memory map and leaving boot services.
 *
 * Descriptors are counted as MapSize / DescriptorSize (firmware descriptors may be larger
 * than the spec struct). The map buffer gets slack for 8 more descriptors because
 * allocating it changes the map. ExitBootServices fails with EFI_INVALID_PARAMETER when the
 * map changed since GetMemoryMap (timers, drivers); then the map is read again into the same
 * buffer (no allocation is allowed any more) and the exit retried a few times.
 */
#include "efi/loader.h"

#define MEMMAP_SLACK_DESCS  8
#define MEMMAP_EXIT_TRIES   5

static EFI_STATUS map_get(memmap_t *m)
{
    m->map_size = (UINTN)m->buf_bytes;
    return uefi_call_wrapper(loader_bs->GetMemoryMap, 5, &m->map_size,
                             (EFI_MEMORY_DESCRIPTOR *)(uintptr_t)m->buf_phys, &m->map_key,
                             &m->desc_size, &m->desc_version);
}

/* (Re)allocates the buffer for `need` bytes plus slack. */
static EFI_STATUS map_buffer_grow(memmap_t *m, UINTN need)
{
    if (m->buf_phys)
        alloc_free(m->buf_phys);
    m->buf_phys = 0;
    UINTN desc = m->desc_size >= MEMMAP_DESC_MIN ? m->desc_size : 64;
    m->buf_bytes = LOADER_PAGES(need + MEMMAP_SLACK_DESCS * desc) * LOADER_PAGE;
    return alloc_pages(m->buf_bytes / LOADER_PAGE, &m->buf_phys);
}

/* Reads the current map into m, growing the buffer as needed. */
static EFI_STATUS map_read(memmap_t *m)
{
    for (int tries = 0; tries < 4; tries++) {
        EFI_STATUS st = m->buf_phys ? map_get(m) : EFI_BUFFER_TOO_SMALL;
        if (st == EFI_BUFFER_TOO_SMALL) {
            if (!m->buf_phys) {
                m->map_size = 0;
                st = map_get(m); /* size query with an empty buffer */
                if (st != EFI_BUFFER_TOO_SMALL)
                    return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
            }
            st = map_buffer_grow(m, m->map_size);
            if (EFI_ERROR(st))
                return st;
            continue;
        }
        if (EFI_ERROR(st))
            return st;
        if (m->desc_size < MEMMAP_DESC_MIN || m->map_size > m->buf_bytes)
            return EFI_DEVICE_ERROR;
        return EFI_SUCCESS;
    }
    return EFI_BUFFER_TOO_SMALL;
}

EFI_STATUS memmap_probe(UINTN *entries, uint64_t *ram_end)
{
    memmap_t m = { 0 };
    EFI_STATUS st = map_read(&m);
    if (EFI_ERROR(st))
        goto out;
    const uint8_t *p = (const uint8_t *)(uintptr_t)m.buf_phys;
    *entries = m.map_size / m.desc_size;
    *ram_end = 0;
    for (UINTN i = 0; i < *entries; i++) {
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)(p + i * m.desc_size);
        if (!memmap_type_is_ram(d->Type) || d->NumberOfPages > (1ULL << 40))
            continue;
        uint64_t end = d->PhysicalStart + d->NumberOfPages * LOADER_PAGE;
        if (end > d->PhysicalStart && end > *ram_end)
            *ram_end = end;
    }
out:
    if (m.buf_phys)
        alloc_free(m.buf_phys);
    return st;
}

EFI_STATUS memmap_exit_boot_services(EFI_HANDLE image, memmap_t *m)
{
    EFI_STATUS st = map_read(m);
    if (EFI_ERROR(st))
        return st;
    for (int tries = 0; tries < MEMMAP_EXIT_TRIES; tries++) {
        st = uefi_call_wrapper(loader_bs->ExitBootServices, 2, image, m->map_key);
        if (st != EFI_INVALID_PARAMETER)
            return st;
        /* the map changed under us: only GetMemoryMap is allowed now, into the same buffer */
        st = map_get(m);
        if (EFI_ERROR(st))
            return st;
        if (m->desc_size < MEMMAP_DESC_MIN || m->map_size > m->buf_bytes)
            return EFI_DEVICE_ERROR;
    }
    return EFI_INVALID_PARAMETER;
}
