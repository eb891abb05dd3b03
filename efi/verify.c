/*
 * verify.c - with Secure Boot on, the kernel and the root archive must match the SHA-256
 * digests embedded in this (signed) loader; see verify.h and docs/security.md.
 *
 * Invariants: the decision "Secure Boot on" is made once, from the firmware's SecureBoot and
 * SetupMode global variables, before any file is read; a variable that cannot be read never
 * turns enforcement off once SecureBoot itself said 1. Digests are compared in full, with
 * no early exit, and nothing loaded is used before verify_file() has passed it.
 */
#include "efi/verify.h"

typedef enum { SB_UNKNOWN, SB_OFF, SB_ON } sb_state_t;
static sb_state_t verify_sb_state = SB_UNKNOWN;

/* One-byte global variable; false when absent, unreadable or of another size. */
static bool var_read_u8(CHAR16 *name, uint8_t *value)
{
    EFI_GUID global = EFI_GLOBAL_VARIABLE;
    UINT32 attrs = 0;
    UINTN size = 1;
    uint8_t buf = 0;
    EFI_RUNTIME_SERVICES *rt = loader_st->RuntimeServices;
    if (!rt)
        return false;
    EFI_STATUS st = uefi_call_wrapper(rt->GetVariable, 5, name, &global, &attrs, &size, &buf);
    if (EFI_ERROR(st) || size != 1)
        return false;
    *value = buf;
    return true;
}

bool verify_secure_boot_on(void)
{
    if (verify_sb_state != SB_UNKNOWN)
        return verify_sb_state == SB_ON;
    uint8_t secure_boot = 0, setup_mode = 0;
    bool have_sb = var_read_u8(L"SecureBoot", &secure_boot);
    bool have_setup = var_read_u8(L"SetupMode", &setup_mode);
    /* SetupMode unreadable while SecureBoot says 1: enforce (the safe reading) */
    verify_sb_state = have_sb && secure_boot == 1 && !(have_setup && setup_mode == 1) ? SB_ON
                                                                                       : SB_OFF;
    if (verify_sb_state == SB_ON)
        con_puts("spindle-loader: Secure Boot is on: kernel and root archive must match the "
                 "signed loader's digests\n");
    else
        con_puts("spindle-loader: Secure Boot is off: kernel and root archive not verified\n");
    return verify_sb_state == SB_ON;
}

static bool digest_equal(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

static void digest_print(const char *label, const uint8_t *d)
{
    static const char hex[] = "0123456789abcdef";
    char text[2 * SHA256_DIGEST_SIZE + 1];
    for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++) {
        text[2 * i] = hex[d[i] >> 4];
        text[2 * i + 1] = hex[d[i] & 15];
    }
    text[2 * SHA256_DIGEST_SIZE] = 0;
    con_printf("spindle-loader:   %s sha256 %s\n", label, text);
}

static EFI_STATUS verify_refuse(const char *name, const char *why)
{
    con_printf("spindle-loader: SECURITY: %s %s; refusing to boot (Secure Boot is on)\n", name,
               why);
    return EFI_SECURITY_VIOLATION;
}

EFI_STATUS verify_file(verify_what_t what, const loaded_file_t *file)
{
    if (!verify_secure_boot_on())
        return EFI_SUCCESS;
    const char *name = what == VERIFY_KERNEL ? "kernel.elf" : "root.tar";
    const uint8_t *want = what == VERIFY_KERNEL ? verify_digest_kernel
                                                : verify_digest_root_archive;
    bool expected = what == VERIFY_KERNEL || verify_root_archive_present;
    if (!file || file->size == 0)
        return expected ? verify_refuse(name, "is missing but the signed loader expects it")
                        : EFI_SUCCESS;
    if (!expected)
        return verify_refuse(name, "is present but the signed loader was built without one");
    uint8_t got[SHA256_DIGEST_SIZE];
    sha256_digest((const void *)(uintptr_t)file->phys, (size_t)file->size, got);
    if (!digest_equal(got, want)) {
        EFI_STATUS st = verify_refuse(name, "does not match the digest in the signed loader");
        digest_print("expected", want);
        digest_print("found   ", got);
        return st;
    }
    con_printf("spindle-loader: %s matches the signed digest\n", name);
    return EFI_SUCCESS;
}
