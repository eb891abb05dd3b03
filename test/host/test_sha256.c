/*
 * test_sha256.c - efi/sha256.c against published SHA-256 vectors (FIPS 180-4 examples and
 * the NIST CAVS short/long messages), plus split-input checks: feeding the same bytes in
 * any chunking must give the one-shot digest (the padding and block-boundary paths).
 */
#include "host_test.h"

#include <string.h>

#include "efi/sha256.c"

static int hex_matches(const uint8_t d[SHA256_DIGEST_SIZE], const char *hex)
{
    static const char digits[] = "0123456789abcdef";
    if (strlen(hex) != 2 * SHA256_DIGEST_SIZE)
        return 0;
    for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
        if (hex[2 * i] != digits[d[i] >> 4] || hex[2 * i + 1] != digits[d[i] & 15])
            return 0;
    return 1;
}

static int digest_is(const void *msg, size_t len, const char *hex)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(msg, len, d);
    return hex_matches(d, hex);
}

HOST_TEST(empty_message_vector)
{
    CHECK(digest_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

HOST_TEST(abc_vector)
{
    CHECK(digest_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

HOST_TEST(two_block_448_bit_vector)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(digest_is(m, strlen(m),
                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

HOST_TEST(four_block_896_bit_vector)
{
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnop"
                    "qklmnopqrlmnopqrsmnopqrstnopqrstu";
    CHECK(digest_is(m, strlen(m),
                    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));
}

HOST_TEST(one_million_a_vector)
{
    static uint8_t buf[1000000];
    memset(buf, 'a', sizeof buf);
    CHECK(digest_is(buf, sizeof buf,
                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

HOST_TEST(single_byte_cavs_vector)
{
    const uint8_t m[] = { 0xbd };
    CHECK(digest_is(m, 1, "68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b"));
}

HOST_TEST(padding_boundaries_at_55_56_63_64_bytes)
{
    /* 55 bytes is the longest message padded within one block; 56..63 need a second. */
    static const struct { size_t len; const char *hex; } v[] = {
        { 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
        { 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
        { 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
        { 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
    };
    char msg[64];
    memset(msg, 'a', sizeof msg);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        CHECK(digest_is(msg, v[i].len, v[i].hex));
}

HOST_TEST(any_chunking_gives_the_one_shot_digest)
{
    static uint8_t buf[1000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
    sha256_digest(buf, sizeof buf, want);
    for (size_t chunk = 1; chunk <= 130; chunk++) {
        sha256_ctx_t ctx;
        sha256_init(&ctx);
        for (size_t off = 0; off < sizeof buf; off += chunk)
            sha256_update(&ctx, buf + off, off + chunk <= sizeof buf ? chunk : sizeof buf - off);
        sha256_final(&ctx, got);
        CHECK(memcmp(got, want, sizeof want) == 0);
    }
}

HOST_TEST(one_changed_bit_changes_the_digest)
{
    uint8_t buf[300], a[SHA256_DIGEST_SIZE], b[SHA256_DIGEST_SIZE];
    memset(buf, 0x5a, sizeof buf);
    sha256_digest(buf, sizeof buf, a);
    buf[299] ^= 1;
    sha256_digest(buf, sizeof buf, b);
    CHECK(memcmp(a, b, sizeof a) != 0);
}
