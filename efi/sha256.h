/*
 * sha256.h - SHA-256 (FIPS 180-4) for the loader's Secure Boot digest check.
 *
 * Pure C with no firmware or libc dependency, so the host tests compile the same file.
 * Usage: sha256_init, any number of sha256_update calls, sha256_final (which writes the
 * 32-byte digest and leaves the context unusable until the next sha256_init).
 */
#ifndef SPINDLE_EFI_SHA256_H
#define SPINDLE_EFI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32u
#define SHA256_BLOCK_SIZE  64u

typedef struct {
    uint32_t state[8];
    uint64_t total;                  /* bytes hashed so far */
    uint8_t block[SHA256_BLOCK_SIZE]; /* partial input block */
    size_t fill;                     /* bytes in block, always < SHA256_BLOCK_SIZE */
} sha256_ctx_t;

void sha256_init(sha256_ctx_t *ctx);
void sha256_update(sha256_ctx_t *ctx, const void *data, size_t len);
void sha256_final(sha256_ctx_t *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
/* One call for a whole buffer. */
void sha256_digest(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
