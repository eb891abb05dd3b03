/*
 * ktest.h - in-kernel self-tests, run when `ktest` is on the command line.
 *
 * KTEST(name) { ... } defines a test placed in the .ktests section. A test calls
 * KTEST_EXPECT(cond) for each check; the first failing check ends the test with
 * "FAIL name: file:line: cond". The runner prints "ok name" / "FAIL name: why" per test and
 * a final "ktest: N passed, N failed".
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>

typedef struct {
    const char *failure; /* NULL while the test passes */
    int line;
    const char *file;
} ktest_result_t;

typedef struct {
    const char *name;
    void (*run)(ktest_result_t *r);
} ktest_t;

#define KTEST(tname) \
    static void ktest_fn_##tname(ktest_result_t *ktest_r); \
    static const ktest_t ktest_desc_##tname __attribute__((used, section(".ktests"), aligned(8))) = { \
        .name = #tname, .run = ktest_fn_##tname }; \
    static void ktest_fn_##tname(ktest_result_t *ktest_r)

#define KTEST_EXPECT(cond) \
    do { \
        if (!(cond)) { \
            ktest_r->failure = #cond; ktest_r->file = __FILE__; ktest_r->line = __LINE__; \
            return; \
        } \
    } while (0)

/* Runs every test; returns the number that failed. */
int ktest_run_all(void);

#endif
