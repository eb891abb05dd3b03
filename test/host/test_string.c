/*
 * test_string.c - kernel/lib/string.c, built under SPINDLE_HOST_TEST as kstring_NAME (libc owns
 * the plain names in a host program), checked against libc and against hand-written results.
 */
#include "host_test.h"

#include <string.h>

#include "kernel/lib/string.c"

static void fill_pattern(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + 1);
}

HOST_TEST(memcpy_copies_every_length_and_alignment)
{
    unsigned char src[80], dst[80], want[80];
    fill_pattern(src, sizeof src);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off + 8 <= sizeof dst; n++) {
            memset(dst, 0xee, sizeof dst);
            memset(want, 0xee, sizeof want);
            memcpy(want + off, src + 3, n);
            CHECK(kstring_memcpy(dst + off, src + 3, n) == dst + off);
            CHECK(memcmp(dst, want, sizeof dst) == 0);
        }
}

HOST_TEST(memmove_handles_overlap_in_both_directions)
{
    unsigned char buf[100], want[100];
    for (size_t n = 0; n <= 60; n++)
        for (size_t src = 0; src <= 30; src += 3)
            for (size_t dst = 0; dst <= 30; dst++) {
                fill_pattern(buf, sizeof buf);
                fill_pattern(want, sizeof want);
                memmove(want + dst, want + src, n);
                CHECK(kstring_memmove(buf + dst, buf + src, n) == buf + dst);
                CHECK(memcmp(buf, want, sizeof buf) == 0);
            }
}

HOST_TEST(memset_and_memcmp)
{
    unsigned char buf[40];
    fill_pattern(buf, sizeof buf);
    CHECK(kstring_memset(buf + 5, 0x1ab, 20) == buf + 5); /* only the low byte counts */
    for (size_t i = 0; i < sizeof buf; i++)
        CHECK_EQ(buf[i], (i >= 5 && i < 25) ? 0xab : (unsigned char)(i * 7 + 1));
    CHECK_EQ(kstring_memcmp("abc", "abd", 3), -1);
    CHECK_EQ(kstring_memcmp("abd", "abc", 3), 1);
    CHECK_EQ(kstring_memcmp("abc", "abd", 2), 0);
    CHECK_EQ(kstring_memcmp("\x80", "\x01", 1), 1); /* bytes compare as unsigned */
    CHECK_EQ(kstring_memcmp(NULL, NULL, 0), 0);
}

HOST_TEST(strlen_strnlen)
{
    CHECK_EQ(kstring_strlen(""), 0);
    CHECK_EQ(kstring_strlen("spindle"), 7);
    CHECK_EQ(kstring_strnlen("spindle", 3), 3);
    CHECK_EQ(kstring_strnlen("spindle", 100), 7);
    char raw[4] = { 'a', 'b', 'c', 'd' }; /* no NUL: ASan fails the test on an overread */
    CHECK_EQ(kstring_strnlen(raw, sizeof raw), 4);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

HOST_TEST(strcmp_strncmp_agree_with_libc_in_sign)
{
    static const char *const words[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "A" };
    size_t n = sizeof words / sizeof *words;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            CHECK_EQ(sign(kstring_strcmp(words[i], words[j])), sign(strcmp(words[i], words[j])));
            for (size_t k = 0; k < 5; k++)
                CHECK_EQ(sign(kstring_strncmp(words[i], words[j], k)),
                         sign(strncmp(words[i], words[j], k)));
        }
}

HOST_TEST(strchr_finds_first_match_and_terminator)
{
    const char *s = "key=value=x";
    CHECK(kstring_strchr(s, '=') == s + 3);
    CHECK(kstring_strchr(s, 'k') == s);
    CHECK(kstring_strchr(s, 'z') == NULL);
    CHECK(kstring_strchr(s, 0) == s + strlen(s));
}

HOST_TEST(strlcpy_truncates_and_terminates)
{
    char buf[8];
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(kstring_strlcpy(buf, "spindle-os", sizeof buf), 10);
    CHECK(strcmp(buf, "spindle") == 0);
    CHECK_EQ(kstring_strlcpy(buf, "ab", sizeof buf), 2);
    CHECK(strcmp(buf, "ab") == 0);
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(kstring_strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'X'); /* size 0 writes nothing */
    CHECK_EQ(kstring_strlcpy(buf, "abc", 1), 3);
    CHECK_EQ(buf[0], 0);
}
