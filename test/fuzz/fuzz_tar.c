/*
 * fuzz_tar.c - libFuzzer target for the USTAR reader (kernel/lib/tar.c) that fills the root
 * file system from the archive the loader brought. Beyond "no crash" (ASan/UBSan) it checks
 * that every entry returned lies inside the archive, has a NUL-terminated path, and that the
 * iteration ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/lib/tar.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    tar_iter_t it;
    tar_entry_t e;
    size_t entries = 0;
    tar_iter_init(&it, copy, size);
    while (tar_iter_next(&it, &e)) {
        if (memchr(e.path, 0, sizeof e.path) == NULL)
            abort();
        if (e.size && (e.data < copy || e.size > (uint64_t)(copy + size - e.data)))
            abort();
        if (++entries > size / TAR_BLOCK + 1)
            abort(); /* each entry costs at least one header block: no endless loop */
    }
    const uint8_t *found;
    uint64_t found_size;
    if (tar_find(copy, size, "/bin/init", &found, &found_size) &&
        (found < copy || found_size > (uint64_t)(copy + size - found)))
        abort();
    free(copy);
    return 0;
}
