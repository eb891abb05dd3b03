/*
 * t_malloc - the allocator under stress: thousands of random-size blocks (small classes and
 * large mappings) filled with a pattern derived from their address and size, freed and
 * reallocated in random order, every byte checked before it is freed; calloc zeroes,
 * realloc keeps contents, large blocks go back to the kernel, and a bad free aborts.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "t_check.h"

#define P "t_malloc"
#define SLOTS 512
#define ROUNDS 20000

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct {
    unsigned char *p;
    size_t size;
    uint8_t seed;
} slot_t;

static slot_t slots[SLOTS];

static size_t random_size(void)
{
    uint64_t r = rng() % 100;
    if (r < 70)
        return 1 + rng() % 256;
    if (r < 95)
        return 1 + rng() % 4096;
    return 4097 + rng() % (256 * 1024);
}

static void fill(slot_t *s)
{
    for (size_t i = 0; i < s->size; i++)
        s->p[i] = (uint8_t)(s->seed + i * 31);
}

static int intact(const slot_t *s)
{
    for (size_t i = 0; i < s->size; i++)
        if (s->p[i] != (uint8_t)(s->seed + i * 31))
            return 0;
    return 1;
}

static void stress(void)
{
    int ok = 1, aligned = 1, got_all = 1;
    for (int round = 0; round < ROUNDS && ok; round++) {
        slot_t *s = &slots[rng() % SLOTS];
        if (s->p) {
            ok &= intact(s);
            if (rng() % 4 == 0) { /* grow or shrink in place of free */
                size_t n = random_size();
                unsigned char *q = realloc(s->p, n);
                if (!q) {
                    got_all = 0;
                    continue;
                }
                size_t keep = n < s->size ? n : s->size;
                s->p = q;
                s->size = keep;
                ok &= intact(s); /* the common prefix survived the move */
                s->size = n;
                fill(s);
                continue;
            }
            free(s->p);
            s->p = NULL;
        } else {
            s->size = random_size();
            s->seed = (uint8_t)rng();
            s->p = malloc(s->size);
            if (!s->p) {
                got_all = 0;
                continue;
            }
            aligned &= ((uintptr_t)s->p % 16) == 0;
            fill(s);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            ok &= intact(&slots[i]);
            free(slots[i].p);
            slots[i].p = NULL;
        }
    }
    T_CHECK(P, "random-blocks-keep-their-contents", ok);
    T_CHECK(P, "blocks-16-byte-aligned", aligned);
    T_CHECK(P, "no-allocation-failed", got_all);
}

static void basics(void)
{
    unsigned char *z = calloc(1000, 7);
    int zero = z != NULL;
    for (int i = 0; z && i < 7000; i++)
        zero &= z[i] == 0;
    T_CHECK(P, "calloc-zeroes", zero);
    free(z);
    /* a recycled block is zeroed by calloc too */
    unsigned char *d = malloc(100);
    if (d)
        memset(d, 0xff, 100);
    free(d);
    unsigned char *c = calloc(1, 100);
    T_CHECK(P, "calloc-zeroes-recycled-block", c && c[0] == 0 && c[99] == 0);
    free(c);
    T_CHECK(P, "calloc-overflow-null", calloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
    T_CHECK(P, "huge-malloc-null", malloc((size_t)1 << 46) == NULL);
    T_CHECK(P, "malloc-zero-unique", malloc(0) != NULL);
    free(NULL);

    char *s = malloc(10);
    if (s)
        memcpy(s, "spindle!!", 10);
    s = realloc(s, 100000);
    T_CHECK(P, "realloc-small-to-large-keeps-data", s && !memcmp(s, "spindle!!", 10));
    s = realloc(s, 5);
    T_CHECK(P, "realloc-large-to-small-keeps-data", s && !memcmp(s, "spind", 5));
    free(s);

    meminfo_t before, during, after;
    sys_meminfo(&before);
    void *big = malloc(8u << 20);
    if (big)
        memset(big, 1, 8u << 20);
    sys_meminfo(&during);
    free(big);
    sys_meminfo(&after);
    T_CHECK(P, "large-block-uses-pages", during.proc_pages >= before.proc_pages + 2048);
    T_CHECK(P, "large-block-unmapped-on-free", after.proc_pages == before.proc_pages);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "double-free")) {
        void *p = malloc(32);
        free(p);
        free(p);
        return 0;
    }
    basics();
    stress();
    T_CHECK(P, "double-free-aborts", t_run1("/bin/t_malloc", "double-free") == 134);
    return t_failures ? 1 : 0;
}
