/*
 * test_cmdline.c - the kernel command-line parser: flags, init argv split like a shell, and
 * hostile input (overlong, too many words, open quotes). The cmdline_t is heap-allocated so
 * AddressSanitizer catches any write past its buffer.
 */
#include "host_test.h"

#include <string.h>

#include "kernel/lib/cmdline.c"

cmdline_t kernel_cmdline; /* declared by cmdline.h; defined by main.c in the kernel */

static cmdline_t *parse(const char *src, cmdline_status_t *st)
{
    cmdline_t *c = malloc(sizeof *c);
    memset(c, 0xa5, sizeof *c); /* garbage in: parse must leave it usable anyway */
    *st = cmdline_parse(src, c);
    return c;
}

/* Checks that argv matches the NULL-terminated list want. */
static int argv_is(const cmdline_t *c, const char *const *want)
{
    size_t n = 0;
    for (; want[n]; n++) {
        if (n >= c->init_argc || strcmp(c->init_argv[n], want[n]) != 0) {
            printf("  argv[%zu]: got \"%s\", want \"%s\"\n", n,
                   n < c->init_argc ? c->init_argv[n] : "(missing)", want[n]);
            return 0;
        }
    }
    return n == c->init_argc && c->init_argv[n] == NULL;
}

HOST_TEST(flags_then_shell_like_init_argv)
{
    cmdline_status_t st;
    cmdline_t *c = parse("qemu_exit -- /bin/sh -c \"echo hi | wc -c\"\n", &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK_EQ(c->flag_count, 1);
    CHECK(strcmp(c->flags[0].key, "qemu_exit") == 0);
    CHECK(strcmp(c->flags[0].value, "") == 0);
    CHECK(argv_is(c, (const char *[]){ "/bin/sh", "-c", "echo hi | wc -c", NULL }));
    free(c);
}

HOST_TEST(key_value_flags_with_quoted_values)
{
    cmdline_status_t st;
    cmdline_t *c = parse("  ktest\tloglevel=3 init=\"/bin/my init\" x=a=b empty= \r\n", &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK_EQ(c->flag_count, 5);
    CHECK(cmdline_has(c, "ktest"));
    CHECK(strcmp(cmdline_get(c, "ktest"), "") == 0);
    CHECK(strcmp(cmdline_get(c, "loglevel"), "3") == 0);
    CHECK(strcmp(cmdline_get(c, "init"), "/bin/my init") == 0);
    CHECK(strcmp(cmdline_get(c, "x"), "a=b") == 0);
    CHECK(strcmp(cmdline_get(c, "empty"), "") == 0);
    CHECK(!cmdline_has(c, "missing"));
    CHECK(cmdline_get(c, "missing") == NULL);
    CHECK(!cmdline_has(c, "ktes")); /* whole-key match only */
    CHECK_EQ(c->init_argc, 0);
    CHECK(c->init_argv[0] == NULL);
    free(c);
}

HOST_TEST(last_duplicate_flag_wins)
{
    cmdline_status_t st;
    cmdline_t *c = parse("smp=1 smp=4", &st);
    CHECK(strcmp(cmdline_get(c, "smp"), "4") == 0);
    free(c);
}

HOST_TEST(quotes_mid_word_and_backslash_escapes)
{
    cmdline_status_t st;
    cmdline_t *c = parse("-- a\"b c\"d e\\ f \"q\\\"uote\" \\\\ 'single \"x\" \\n' \"\" end", &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK(argv_is(c, (const char *[]){ "ab cd", "e f", "q\"uote", "\\", "single \"x\" \\n", "",
                                       "end", NULL }));
    free(c);
}

HOST_TEST(only_a_plain_double_dash_separates)
{
    cmdline_status_t st;
    cmdline_t *c = parse("\"--\" a -- b -- c", &st);
    CHECK(cmdline_has(c, "--")); /* quoted: it is a flag */
    CHECK(cmdline_has(c, "a"));
    CHECK(argv_is(c, (const char *[]){ "b", "--", "c", NULL }));
    free(c);
}

HOST_TEST(empty_and_null_input)
{
    cmdline_status_t st;
    cmdline_t *c = parse("", &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK_EQ(c->flag_count, 0);
    CHECK_EQ(c->init_argc, 0);
    CHECK(c->init_argv[0] == NULL);
    free(c);
    c = parse(NULL, &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK(c->init_argv[0] == NULL);
    free(c);
    c = parse(" \n -- \t", &st);
    CHECK_EQ(st, CMDLINE_OK);
    CHECK_EQ(c->flag_count + c->init_argc, 0);
    free(c);
}

HOST_TEST(unterminated_quote_takes_the_rest_as_one_word)
{
    cmdline_status_t st;
    cmdline_t *c = parse("-- echo \"open quote  here", &st);
    CHECK_EQ(st, CMDLINE_UNTERMINATED);
    CHECK(argv_is(c, (const char *[]){ "echo", "open quote  here", NULL }));
    free(c);
    c = parse("a='b c", &st);
    CHECK_EQ(st, CMDLINE_UNTERMINATED);
    CHECK(strcmp(cmdline_get(c, "a"), "b c") == 0);
    free(c);
    c = parse("-- trailing\\", &st); /* a lone final backslash stays literal */
    CHECK_EQ(st, CMDLINE_OK);
    CHECK(argv_is(c, (const char *[]){ "trailing\\", NULL }));
    free(c);
}

HOST_TEST(too_many_flags_and_args_are_reported_and_dropped)
{
    char src[2048] = "";
    for (int i = 0; i < CMDLINE_MAX_FLAGS + 5; i++)
        snprintf(src + strlen(src), sizeof src - strlen(src), "f%d ", i);
    strcat(src, "-- ");
    for (int i = 0; i < CMDLINE_MAX_ARGS + 5; i++)
        snprintf(src + strlen(src), sizeof src - strlen(src), "a%d ", i);
    cmdline_status_t st;
    cmdline_t *c = parse(src, &st);
    CHECK_EQ(st, CMDLINE_TOO_MANY);
    CHECK_EQ(c->flag_count, CMDLINE_MAX_FLAGS);
    CHECK(cmdline_has(c, "f31"));
    CHECK(!cmdline_has(c, "f32"));
    CHECK_EQ(c->init_argc, CMDLINE_MAX_ARGS);
    CHECK(strcmp(c->init_argv[CMDLINE_MAX_ARGS - 1], "a31") == 0);
    CHECK(c->init_argv[CMDLINE_MAX_ARGS] == NULL);
    free(c);
}

HOST_TEST(overlong_input_is_cut_without_overflow)
{
    /* Exactly CMDLINE_BUF_SIZE bytes with no NUL inside: the parser may read only those. */
    char *src = malloc(CMDLINE_BUF_SIZE);
    memset(src, 'x', CMDLINE_BUF_SIZE);
    memcpy(src, "k=", 2);
    cmdline_status_t st;
    cmdline_t *c = parse(src, &st);
    CHECK_EQ(st, CMDLINE_TOO_LONG);
    CHECK_EQ(c->flag_count, 1);
    CHECK_EQ(strlen(cmdline_get(c, "k")), CMDLINE_BUF_SIZE - 3); /* one byte kept for the NUL */
    free(c);
    free(src);
}

HOST_TEST(many_tiny_words_fill_the_buffer_safely)
{
    /* Every separator byte becomes a NUL: the longest legal input (4095 bytes) must fit. */
    char *src = malloc(CMDLINE_BUF_SIZE);
    strcpy(src, "-- ");
    size_t n = strlen(src);
    while (n < CMDLINE_BUF_SIZE - 2) {
        src[n++] = 'w';
        src[n++] = ' ';
    }
    src[CMDLINE_BUF_SIZE - 1] = 0;
    cmdline_status_t st;
    cmdline_t *c = parse(src, &st);
    CHECK_EQ(st, CMDLINE_TOO_MANY);
    CHECK_EQ(c->init_argc, CMDLINE_MAX_ARGS);
    free(c);
    free(src);
}

HOST_TEST(all_byte_values_never_overflow)
{
    /* Pseudo-random bytes including quotes and backslashes: status is whatever, memory is safe. */
    unsigned seed = 12345;
    char *src = malloc(CMDLINE_BUF_SIZE + 1);
    for (int round = 0; round < 300; round++) {
        size_t len = (size_t)(round * 37) % (CMDLINE_BUF_SIZE + 1);
        static const char alphabet[] = "ab=\"'\\ \t-\n";
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            src[i] = round % 2 ? alphabet[(seed >> 16) % (sizeof alphabet - 1)]
                               : (char)((seed >> 16) % 255 + 1);
        }
        src[len < CMDLINE_BUF_SIZE ? len : CMDLINE_BUF_SIZE] = 0;
        cmdline_status_t st;
        cmdline_t *c = parse(src, &st);
        CHECK(c->init_argv[c->init_argc] == NULL);
        CHECK(c->flag_count <= CMDLINE_MAX_FLAGS);
        for (size_t i = 0; i < c->init_argc; i++)
            CHECK(c->init_argv[i] >= c->buf && c->init_argv[i] < c->buf + CMDLINE_BUF_SIZE);
        free(c);
    }
    free(src);
}
