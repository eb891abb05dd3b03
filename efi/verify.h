/*
 * verify.h - the loader's own check of what it loads when Secure Boot is on.
 *
 * The firmware verifies only BOOTX64.EFI's signature; the kernel and the root archive are
 * plain files on the ESP. Their SHA-256 digests are compiled into the loader at build time
 * ($(BUILD)/gen/loader_digests.c, made by tools/gen-digests.sh), so signing the loader
 * signs them too. With Secure Boot on, a file whose digest differs stops the boot.
 */
#ifndef SPINDLE_EFI_VERIFY_H
#define SPINDLE_EFI_VERIFY_H

#include "efi/loader.h"
#include "efi/sha256.h"

typedef enum {
    VERIFY_KERNEL,
    VERIFY_ROOT_ARCHIVE,
} verify_what_t;

/* Generated at build time; see tools/gen-digests.sh. */
extern const uint8_t verify_digest_kernel[SHA256_DIGEST_SIZE];
extern const uint8_t verify_digest_root_archive[SHA256_DIGEST_SIZE];
extern const uint8_t verify_root_archive_present; /* 0: the build had no root archive */

/* True when the firmware enforces Secure Boot (SecureBoot == 1, SetupMode != 1). Reads the
 * variables once and says on the console what it found. */
bool verify_secure_boot_on(void);

/* EFI_SUCCESS when Secure Boot is off or file matches the built-in digest; otherwise prints
 * why and returns EFI_SECURITY_VIOLATION. An absent file (size 0) is checked too: with
 * Secure Boot on, a missing root archive that the build had is refused. */
EFI_STATUS verify_file(verify_what_t what, const loaded_file_t *file);

#endif
