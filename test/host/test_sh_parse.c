/*
 * test_sh_parse.c - the shell's line parser (apps/sh/parse.c): words and quoting, $? and $$,
 * pipelines, redirections, ; & && || connectors, and the errors a user sees for bad syntax
 * and for lines past the fixed limits. The result is heap-allocated so AddressSanitizer
 * catches a write past any of its arrays.
 */
#include "host_test.h"

#include <string.h>

#include "apps/sh/parse.c"

static sh_line_t *line;
static char err[128];

static int parse(const char *src, int status)
{
    static sh_line_t *l;
    free(l);
    l = malloc(sizeof *l);
    memset(l, 0xa5, sizeof *l);
    line = l;
    sh_vars_t vars = { .last_status = status, .pid = 42, .last_bg = status == 99 ? 0 : 77 };
    return sh_parse(src, &vars, l, err, sizeof err);
}

/* Command i's argv equals the NULL-terminated list want. */
static int argv_is(int i, const char *const *want)
{
    const sh_command_t *c = &line->cmds[i];
    int n = 0;
    for (; want[n]; n++) {
        if (n >= c->argc || strcmp(c->argv[n], want[n]) != 0) {
            printf("  cmd %d argv[%d]: got \"%s\", want \"%s\"\n", i, n,
                   n < c->argc ? c->argv[n] : "(missing)", want[n]);
            return 0;
        }
    }
    return n == c->argc && c->argv[n] == NULL;
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

HOST_TEST(plain_words_split_on_blanks)
{
    CHECK_EQ(parse("  ls   -l\t/bin  ", 0), 0);
    CHECK_EQ(line->npipelines, 1);
    CHECK_EQ(line->ncmds, 1);
    CHECK(argv_is(0, ARGV("ls", "-l", "/bin")));
    CHECK_EQ(line->pipelines[0].next, SH_NEXT_END);
}

HOST_TEST(empty_and_comment_lines_have_no_pipelines)
{
    CHECK_EQ(parse("", 0), 0);
    CHECK_EQ(line->npipelines, 0);
    CHECK_EQ(parse("   \t ", 0), 0);
    CHECK_EQ(line->npipelines, 0);
    CHECK_EQ(parse("# just a comment | > ;", 0), 0);
    CHECK_EQ(line->npipelines, 0);
}

HOST_TEST(comment_after_command_is_ignored)
{
    CHECK_EQ(parse("echo a # b | c", 0), 0);
    CHECK_EQ(line->ncmds, 1);
    CHECK(argv_is(0, ARGV("echo", "a")));
}

HOST_TEST(hash_inside_word_is_literal)
{
    CHECK_EQ(parse("echo a#b", 0), 0);
    CHECK(argv_is(0, ARGV("echo", "a#b")));
}

HOST_TEST(single_quotes_are_literal)
{
    CHECK_EQ(parse("echo 'a  b|c;d $? \\n' x", 3), 0);
    CHECK(argv_is(0, ARGV("echo", "a  b|c;d $? \\n", "x")));
}

HOST_TEST(double_quotes_keep_blanks_and_expand_status)
{
    CHECK_EQ(parse("echo \"a  b > c $? \\\" \\\\ \\$?\"", 7), 0);
    CHECK(argv_is(0, ARGV("echo", "a  b > c 7 \" \\ $?")));
}

HOST_TEST(quotes_join_with_neighbouring_text)
{
    CHECK_EQ(parse("echo pre'mid'\"post\"fix", 0), 0);
    CHECK(argv_is(0, ARGV("echo", "premidpostfix")));
}

HOST_TEST(empty_quotes_make_an_empty_word)
{
    CHECK_EQ(parse("echo '' \"\"", 0), 0);
    CHECK(argv_is(0, ARGV("echo", "", "")));
}

HOST_TEST(backslash_escapes_one_character)
{
    CHECK_EQ(parse("echo a\\ b \\| \\$?", 1), 0);
    CHECK(argv_is(0, ARGV("echo", "a b", "|", "$?")));
}

HOST_TEST(status_and_pid_expand_unquoted)
{
    CHECK_EQ(parse("echo $? x$?y $$ $ a$", 127), 0);
    CHECK(argv_is(0, ARGV("echo", "127", "x127y", "42", "$", "a$")));
}

HOST_TEST(last_background_pid_expands)
{
    CHECK_EQ(parse("wait $! \"<$!>\"", 0), 0);
    CHECK(argv_is(0, ARGV("wait", "77", "<77>")));
    CHECK_EQ(parse("wait x$!y", 99), 0); /* no background job yet: nothing */
    CHECK(argv_is(0, ARGV("wait", "xy")));
}

HOST_TEST(pipeline_of_three_commands)
{
    CHECK_EQ(parse("cat f | grep x|wc -l", 0), 0);
    CHECK_EQ(line->npipelines, 1);
    CHECK_EQ(line->pipelines[0].ncmds, 3);
    CHECK_EQ(line->pipelines[0].first, 0);
    CHECK(argv_is(0, ARGV("cat", "f")));
    CHECK(argv_is(1, ARGV("grep", "x")));
    CHECK(argv_is(2, ARGV("wc", "-l")));
}

HOST_TEST(redirections_in_any_position)
{
    CHECK_EQ(parse("<in sort > out 2> err -r", 0), 0);
    const sh_command_t *c = &line->cmds[0];
    CHECK(argv_is(0, ARGV("sort", "-r")));
    CHECK_EQ(c->nredirs, 3);
    CHECK_EQ(c->redirs[0].kind, SH_REDIR_IN);
    CHECK(strcmp(c->redirs[0].path, "in") == 0);
    CHECK_EQ(c->redirs[1].kind, SH_REDIR_OUT);
    CHECK(strcmp(c->redirs[1].path, "out") == 0);
    CHECK_EQ(c->redirs[2].kind, SH_REDIR_ERR);
    CHECK(strcmp(c->redirs[2].path, "err") == 0);
}

HOST_TEST(append_and_stderr_forms)
{
    CHECK_EQ(parse("cmd >>a 2>>b 2>&1 >&2", 0), 0);
    const sh_command_t *c = &line->cmds[0];
    CHECK_EQ(c->nredirs, 4);
    CHECK_EQ(c->redirs[0].kind, SH_REDIR_APPEND);
    CHECK(strcmp(c->redirs[0].path, "a") == 0);
    CHECK_EQ(c->redirs[1].kind, SH_REDIR_ERR_APPEND);
    CHECK(strcmp(c->redirs[1].path, "b") == 0);
    CHECK_EQ(c->redirs[2].kind, SH_REDIR_ERR_TO_OUT);
    CHECK(c->redirs[2].path == NULL);
    CHECK_EQ(c->redirs[3].kind, SH_REDIR_OUT_TO_ERR);
}

HOST_TEST(two_is_a_word_unless_followed_by_redirect)
{
    CHECK_EQ(parse("echo 2 x2>f '2'>g", 0), 0);
    const sh_command_t *c = &line->cmds[0];
    CHECK(argv_is(0, ARGV("echo", "2", "x2", "2")));
    CHECK_EQ(c->nredirs, 2);
    CHECK_EQ(c->redirs[0].kind, SH_REDIR_OUT);
    CHECK_EQ(c->redirs[1].kind, SH_REDIR_OUT);
}

HOST_TEST(quoted_file_name)
{
    CHECK_EQ(parse("echo hi > 'my file'", 0), 0);
    CHECK(strcmp(line->cmds[0].redirs[0].path, "my file") == 0);
}

HOST_TEST(connectors_between_pipelines)
{
    CHECK_EQ(parse("a; b & c && d || e | f", 0), 0);
    CHECK_EQ(line->npipelines, 5);
    CHECK_EQ(line->pipelines[0].next, SH_NEXT_SEQ);
    CHECK_EQ(line->pipelines[1].next, SH_NEXT_BG);
    CHECK_EQ(line->pipelines[2].next, SH_NEXT_AND);
    CHECK_EQ(line->pipelines[3].next, SH_NEXT_OR);
    CHECK_EQ(line->pipelines[4].next, SH_NEXT_END);
    CHECK_EQ(line->pipelines[4].ncmds, 2);
    CHECK_EQ(line->pipelines[4].first, 4);
}

HOST_TEST(trailing_separator_is_allowed)
{
    CHECK_EQ(parse("sleep 1 &", 0), 0);
    CHECK_EQ(line->npipelines, 1);
    CHECK_EQ(line->pipelines[0].next, SH_NEXT_BG);
    CHECK_EQ(parse("true;", 0), 0);
    CHECK_EQ(line->pipelines[0].next, SH_NEXT_SEQ);
}

HOST_TEST(operators_need_no_blanks)
{
    CHECK_EQ(parse("a&&b||c;d&e|f>g<h", 0), 0);
    CHECK_EQ(line->npipelines, 5);
    CHECK_EQ(line->ncmds, 6);
    CHECK(argv_is(5, ARGV("f")));
    CHECK_EQ(line->cmds[5].nredirs, 2);
}

HOST_TEST(pipeline_source_span_for_background_groups)
{
    const char *src = "a && b | c & d";
    CHECK_EQ(parse(src, 0), 0);
    CHECK_EQ(sh_group_last(line, 0), 1);
    CHECK_EQ(line->pipelines[0].src_start, 0);
    CHECK_EQ(line->pipelines[1].src_end, 10);
    CHECK_EQ(line->pipelines[1].next, SH_NEXT_BG);
    CHECK_EQ(sh_group_last(line, 2), 2);
}

static int fails_with(const char *src, const char *msg)
{
    if (parse(src, 0) != -1) {
        printf("  \"%s\" parsed\n", src);
        return 0;
    }
    if (strcmp(err, msg) != 0) {
        printf("  \"%s\": got \"%s\", want \"%s\"\n", src, err, msg);
        return 0;
    }
    return line->npipelines == 0 && line->ncmds == 0;
}

HOST_TEST(syntax_errors_name_the_token)
{
    CHECK(fails_with("| ls", "syntax error near `|'"));
    CHECK(fails_with("ls | | wc", "syntax error near `|'"));
    CHECK(fails_with("ls ;; ls", "syntax error near `;'"));
    CHECK(fails_with("&& ls", "syntax error near `&&'"));
    CHECK(fails_with("ls && || x", "syntax error near `||'"));
    CHECK(fails_with("ls &&", "syntax error: unexpected end of line"));
    CHECK(fails_with("ls |", "syntax error: unexpected end of line"));
    CHECK(fails_with("ls & &", "syntax error near `&'"));
}

HOST_TEST(redirect_without_file_is_an_error)
{
    CHECK(fails_with("echo >", "missing file name after `>'"));
    CHECK(fails_with("echo > | wc", "missing file name after `>'"));
    CHECK(fails_with("cat <", "missing file name after `<'"));
    CHECK(fails_with("x 2>> ;", "missing file name after `2>>'"));
}

HOST_TEST(redirect_without_command_is_an_error)
{
    CHECK(parse("> f", 0) == -1);
    CHECK(err[0] != '\0');
}

HOST_TEST(unterminated_quotes)
{
    CHECK(fails_with("echo 'abc", "unterminated single quote"));
    CHECK(fails_with("echo \"abc", "unterminated double quote"));
    CHECK(fails_with("echo \"a\\\"", "unterminated double quote"));
}

HOST_TEST(too_many_arguments)
{
    static char src[SH_MAX_ARGS * 2 + 16];
    size_t n = 0;
    for (int i = 0; i < SH_MAX_ARGS + 1; i++) {
        src[n++] = 'a';
        src[n++] = ' ';
    }
    src[n] = '\0';
    CHECK(fails_with(src, "too many arguments in one command"));
    src[2 * SH_MAX_ARGS] = '\0'; /* exactly the limit */
    CHECK_EQ(parse(src, 0), 0);
    CHECK_EQ(line->cmds[0].argc, SH_MAX_ARGS);
}

HOST_TEST(too_many_commands)
{
    static char src[SH_MAX_CMDS * 4 + 16];
    size_t n = 0;
    for (int i = 0; i < SH_MAX_CMDS + 1; i++) {
        memcpy(src + n, "a | ", 4);
        n += 4;
    }
    src[n - 3] = '\0';
    CHECK(fails_with(src, "too many commands in one line"));
}

HOST_TEST(too_many_redirections)
{
    CHECK(fails_with("a >1 >2 >3 >4 >5 >6 >7 >8 >9", "too many redirections in one command"));
}

HOST_TEST(overlong_text_is_refused_not_truncated)
{
    static char src[SH_TEXT_MAX + 64];
    memset(src, 'x', SH_TEXT_MAX + 10);
    src[SH_TEXT_MAX + 10] = '\0';
    CHECK(fails_with(src, "line too long"));
    memset(src, 'x', SH_TEXT_MAX - 1); /* with its NUL: exactly fits */
    src[SH_TEXT_MAX - 1] = '\0';
    CHECK_EQ(parse(src, 0), 0);
    CHECK_EQ(strlen(line->cmds[0].argv[0]), SH_TEXT_MAX - 1);
}

HOST_TEST(trailing_backslash_is_dropped)
{
    CHECK_EQ(parse("echo a\\", 0), 0);
    CHECK(argv_is(0, ARGV("echo", "a")));
}

/* ---------------------------------------------------------------- apps/sh/path.c */
#include "apps/sh/path.c"

static int resolves(const char *cwd, const char *path, const char *want)
{
    char out[64];
    if (sh_path_resolve(cwd, path, out, sizeof out) != 0) {
        printf("  %s + %s: failed\n", cwd, path);
        return 0;
    }
    if (strcmp(out, want) != 0) {
        printf("  %s + %s: got %s, want %s\n", cwd, path, out, want);
        return 0;
    }
    return 1;
}

HOST_TEST(path_resolve_joins_and_normalises)
{
    CHECK(resolves("/", "bin/ls", "/bin/ls"));
    CHECK(resolves("/usr", "bin", "/usr/bin"));
    CHECK(resolves("/usr", "/etc//motd/", "/etc/motd"));
    CHECK(resolves("/a/b", "../c/./d/..", "/a/c"));
    CHECK(resolves("/a/b", "../../../..", "/"));
    CHECK(resolves("/", ".", "/"));
    CHECK(resolves("/", "", "/"));
    CHECK(resolves("/x", "..foo/.bar", "/x/..foo/.bar"));
}

HOST_TEST(path_resolve_refuses_what_does_not_fit)
{
    char out[8];
    CHECK_EQ(sh_path_resolve("/", "abcdef", out, sizeof out), 0);
    CHECK(strcmp(out, "/abcdef") == 0);
    CHECK_EQ(sh_path_resolve("/", "abcdefg", out, sizeof out), -1);
    CHECK_EQ(sh_path_resolve("/abc", "defg", out, sizeof out), -1);
    CHECK_EQ(sh_path_resolve("/abcdef", "..", out, sizeof out), 0);
    CHECK(strcmp(out, "/") == 0);
}
