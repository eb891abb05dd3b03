/*
 * initrd.h - programs and files from the root archive the loader brought, until a VFS
 * exists (that issue replaces this lookup). Paths are absolute ("/bin/hello").
 */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include <stdbool.h>
#include <stdint.h>
#include <spindle/boot.h>

void initrd_init(const boot_info_t *bi);
/* The bytes of the regular file at path (read-only, in the archive itself). */
bool initrd_find(const char *path, const uint8_t **data, uint64_t *size);

#endif
