/*
 * tar.h - a strict reader for USTAR archives held in memory (the root archive the loader
 * brought). Portable and allocation-free so host tests can feed it hostile archives.
 *
 * Every header is checked before it is believed: checksum, octal fields (digits only, no
 * overflow, no base-256), magic, and data that must lie inside the archive. A header that
 * fails its checksum or fields is skipped (one block) and counted; an entry whose data runs
 * past the end ends the walk. The reader prints nothing (it sits below the consoles): the
 * iterator keeps the last problem for its caller to report. Names are built from prefix +
 * name without ever reading past either field (USTAR allows a 100-byte name without NUL).
 */
#ifndef KERNEL_LIB_TAR_H
#define KERNEL_LIB_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK     512
#define TAR_PATH_MAX  256   /* prefix (155) + '/' + name (100) */

#define TAR_TYPE_FILE '0'
#define TAR_TYPE_DIR  '5'

typedef struct {
    char path[TAR_PATH_MAX + 1]; /* as stored, NUL-terminated */
    char type;                   /* '0' (or '\0' in old archives, reported as '0'), '5', ... */
    const uint8_t *data;
    uint64_t size;
} tar_entry_t;

typedef struct {
    const uint8_t *base;
    size_t size;
    size_t pos;          /* offset of the next header */
    unsigned corrupt;    /* headers skipped because they failed a check */
    const char *problem; /* what the last of them failed (NULL: none) */
    size_t problem_at;   /* and its offset */
    bool done;
} tar_iter_t;

void tar_iter_init(tar_iter_t *it, const void *archive, size_t size);
/* Next valid entry; false at the end of the archive (or when the rest is unusable). */
bool tar_iter_next(tar_iter_t *it, tar_entry_t *out);

/* Regular file whose path equals `path` after dropping leading "/" and "./" on both sides. */
bool tar_find(const void *archive, size_t size, const char *path, const uint8_t **data,
              uint64_t *file_size);

#endif
