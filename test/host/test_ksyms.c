/*
 * test_ksyms.c - host tests for the backtrace symbol table: the binary search in
 * kernel/ksyms.c on hand-made tables, and tools/gen-ksyms.sh end to end (nm text in, assembly
 * out, parsed back here and also fed to the real assembler).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "host_test.h"
#include "kernel/ksyms.c"

#define MAX_SYMS 64

static const uint64_t t_addrs[] = { 0xffffffff80000000ULL, 0xffffffff80000040ULL,
                                    0xffffffff80000100ULL };
static const uint32_t t_offs[] = { 0, 6, 10 };
static const char t_names[] = "entry\0foo\0bar";
static const ksyms_table_t t_table = { 3, 0xffffffff80000180ULL, t_addrs, t_offs, t_names };

HOST_TEST(lookup_finds_containing_symbol_and_offset)
{
    uint64_t off = 0;
    CHECK(strcmp(ksyms_table_lookup(&t_table, 0xffffffff80000000ULL, &off), "entry") == 0);
    CHECK_EQ(off, 0);
    CHECK(strcmp(ksyms_table_lookup(&t_table, 0xffffffff8000003fULL, &off), "entry") == 0);
    CHECK_EQ(off, 0x3f);
    CHECK(strcmp(ksyms_table_lookup(&t_table, 0xffffffff80000040ULL, &off), "foo") == 0);
    CHECK_EQ(off, 0);
    CHECK(strcmp(ksyms_table_lookup(&t_table, 0xffffffff8000017fULL, &off), "bar") == 0);
    CHECK_EQ(off, 0x7f);
}

HOST_TEST(lookup_rejects_outside_text)
{
    uint64_t off = 0;
    CHECK(ksyms_table_lookup(&t_table, 0xffffffff7fffffffULL, &off) == NULL);
    CHECK(ksyms_table_lookup(&t_table, 0xffffffff80000180ULL, &off) == NULL);
    CHECK(ksyms_table_lookup(&t_table, 0, &off) == NULL);
    ksyms_table_t empty = { 0, 0, NULL, NULL, "" };
    CHECK(ksyms_table_lookup(&empty, 0xffffffff80000000ULL, &off) == NULL);
}

HOST_TEST(lookup_agrees_with_linear_scan_on_every_address)
{
    static uint64_t addrs[40];
    static uint32_t offs[40];
    static char names[40 * 4];
    for (int i = 0; i < 40; i++) {
        addrs[i] = 0xffffffff80000000ULL + (uint64_t)i * i * 3 + (uint64_t)i;
        offs[i] = (uint32_t)(i * 4);
        names[i * 4] = 's';
        names[i * 4 + 1] = (char)('0' + i / 10);
        names[i * 4 + 2] = (char)('0' + i % 10);
        names[i * 4 + 3] = 0;
    }
    ksyms_table_t t = { 40, addrs[39] + 16, addrs, offs, names };
    for (uint64_t a = addrs[0]; a < addrs[39] + 16; a++) {
        int want = 0;
        for (int i = 0; i < 40; i++)
            if (addrs[i] <= a)
                want = i;
        uint64_t off;
        const char *got = ksyms_table_lookup(&t, a, &off);
        CHECK(got == names + want * 4);
        CHECK_EQ(off, a - addrs[want]);
    }
}

/* ---------------------------------------------------------------- the generator */

typedef struct {
    uint64_t count, text_end;
    uint64_t addrs[MAX_SYMS];
    uint32_t offs[MAX_SYMS];
    char names[MAX_SYMS * 64];
    size_t names_len;
    int n_addrs, n_offs, n_names;
} gen_out_t;

static int gen_run(const char *nm_text, char *asm_path, size_t asm_path_size)
{
    char in_path[] = "/tmp/ksyms-in-XXXXXX";
    int fd = mkstemp(in_path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    fputs(nm_text, f);
    fclose(f);
    snprintf(asm_path, asm_path_size, "%s.S", in_path);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sh tools/gen-ksyms.sh < %s > %s", in_path, asm_path);
    int status = system(cmd);
    unlink(in_path);
    return status;
}

/* Reads back the subset of assembler the generator writes. */
static int gen_parse(const char *asm_path, gen_out_t *out)
{
    FILE *f = fopen(asm_path, "r");
    if (!f)
        return -1;
    memset(out, 0, sizeof(*out));
    char line[256], label[64] = "";
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v;
        char name[64], tok[64];
        if (sscanf(line, "%63[a-z_]:", label) == 1 && strchr(line, ':'))
            continue;
        if (sscanf(line, " .quad %63s", tok) == 1) {
            v = strtoull(tok, NULL, 0);
            if (strcmp(label, "ksyms_count") == 0)
                out->count = v;
            else if (strcmp(label, "ksyms_text_end") == 0)
                out->text_end = v;
            else if (strcmp(label, "ksyms_addrs") == 0 && out->n_addrs < MAX_SYMS)
                out->addrs[out->n_addrs++] = v;
        } else if (sscanf(line, " .long %llu", &v) == 1 && out->n_offs < MAX_SYMS) {
            out->offs[out->n_offs++] = (uint32_t)v;
        } else if (sscanf(line, " .asciz \"%63[^\"]\"", name) == 1) {
            size_t len = strlen(name) + 1;
            memcpy(out->names + out->names_len, name, len);
            out->names_len += len;
            out->n_names++;
        }
    }
    fclose(f);
    return 0;
}

static int gen_assembles(const char *asm_path)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "gcc -c -x assembler-with-cpp %s -o /dev/null", asm_path);
    return system(cmd) == 0;
}

static const char gen_sample[] =
    "ffffffff80000000 T __kernel_start\n"
    "ffffffff80000000 T __text_start\n"
    "ffffffff80000000 T kernel_entry\n"
    "ffffffff80000011 t a_local_sorts_first\n"
    "ffffffff80000011 T global_wins\n"
    "ffffffff8000000f t odd_low_bits\n"      /* out of order, and 1 apart: tests exact 64-bit */
    "ffffffff80000020 W weak_fn\n"
    "ffffffff80000030 w weak_local.cold\n"
    "ffffffff80000040 R some_rodata\n"
    "ffffffff80000048 D some_data\n"
    "ffffffff80000050 B some_bss\n"
    "                 U undefined_sym\n"
    "ffffffff80000060 T __text_end\n"
    "ffffffff80000070 t after_text\n";

HOST_TEST(generator_keeps_text_symbols_sorted_one_per_address)
{
    char path[64];
    gen_out_t g;
    CHECK_EQ(gen_run(gen_sample, path, sizeof(path)), 0);
    CHECK_EQ(gen_parse(path, &g), 0);
    CHECK(gen_assembles(path));
    unlink(path);

    static const char *const want_names[] = { "kernel_entry", "odd_low_bits", "global_wins",
                                              "weak_fn", "weak_local.cold", "after_text" };
    static const uint64_t want_addrs[] = { 0xffffffff80000000ULL, 0xffffffff8000000fULL,
                                           0xffffffff80000011ULL, 0xffffffff80000020ULL,
                                           0xffffffff80000030ULL, 0xffffffff80000070ULL };
    CHECK_EQ(g.count, 6);
    CHECK_EQ(g.n_addrs, 6);
    CHECK_EQ(g.n_offs, 6);
    CHECK_EQ(g.n_names, 6);
    CHECK(g.text_end == 0xffffffff80000060ULL);
    for (int i = 0; i < 6; i++) {
        CHECK(g.addrs[i] == want_addrs[i]);
        CHECK(strcmp(g.names + g.offs[i], want_names[i]) == 0);
    }
}

HOST_TEST(generator_output_drives_lookup)
{
    char path[64];
    gen_out_t g;
    CHECK_EQ(gen_run(gen_sample, path, sizeof(path)), 0);
    CHECK_EQ(gen_parse(path, &g), 0);
    unlink(path);
    ksyms_table_t t = { g.count, g.text_end, g.addrs, g.offs, g.names };
    uint64_t off;
    CHECK(strcmp(ksyms_table_lookup(&t, 0xffffffff80000010ULL, &off), "odd_low_bits") == 0);
    CHECK_EQ(off, 1);
    CHECK(strcmp(ksyms_table_lookup(&t, 0xffffffff8000001aULL, &off), "global_wins") == 0);
    CHECK_EQ(off, 9);
    CHECK(ksyms_table_lookup(&t, 0xffffffff80000060ULL, &off) == NULL); /* past __text_end */
}

HOST_TEST(generator_empty_input_gives_empty_table_with_all_labels)
{
    char path[64];
    CHECK_EQ(gen_run("", path, sizeof(path)), 0);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    char text[4096];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = 0;
    fclose(f);
    gen_out_t g;
    CHECK_EQ(gen_parse(path, &g), 0);
    CHECK(gen_assembles(path));
    unlink(path);
    CHECK_EQ(g.count, 0);
    CHECK_EQ(g.n_addrs + g.n_offs + g.n_names, 0);
    static const char *const labels[] = { "ksyms_count:", "ksyms_text_end:", "ksyms_addrs:",
                                          "ksyms_name_offs:", "ksyms_names:", ".ksyms" };
    for (int i = 0; i < 6; i++)
        CHECK(strstr(text, labels[i]) != NULL);
}
