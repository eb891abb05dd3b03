/*
 * initrd.c - the root archive (USTAR) as a read-only file lookup. The archive stays where
 * the loader put it (BOOT_MEM_LOADER memory, never handed to the page allocator) and is
 * reached through the direct map.
 */
#include "kernel/initrd.h"
#include "kernel/kprintf.h"
#include "kernel/lib/tar.h"
#include "mm/hhdm.h"

static const uint8_t *initrd_base;
static uint64_t initrd_size;

void initrd_init(const boot_info_t *bi)
{
    if (!bi->root_archive_phys || !bi->root_archive_size) {
        kprintf("initrd: no root archive\n");
        return;
    }
    initrd_base = phys_to_virt(bi->root_archive_phys);
    initrd_size = bi->root_archive_size;
    tar_iter_t it;
    tar_entry_t e;
    unsigned files = 0;
    tar_iter_init(&it, initrd_base, initrd_size);
    while (tar_iter_next(&it, &e))
        files += e.type == TAR_TYPE_FILE;
    kprintf("initrd: root archive %lu KiB, %u files, %u corrupt headers\n",
            (unsigned long)(initrd_size / 1024), files, it.corrupt);
}

bool initrd_find(const char *path, const uint8_t **data, uint64_t *size)
{
    if (!initrd_base || path[0] != '/')
        return false;
    return tar_find(initrd_base, initrd_size, path, data, size);
}
