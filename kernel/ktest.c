/*
 * ktest.c - runs the KTEST cases collected in the .ktests section, one line per case in the
 * format the test runner counts ("ok NAME" / "FAIL NAME: reason").
 */
#include "kernel/ktest.h"
#include "kernel/kprintf.h"

extern const ktest_t __ktests_start[], __ktests_end[];

int ktest_run_all(void)
{
    int passed = 0, failed = 0;
    for (const ktest_t *t = __ktests_start; t < __ktests_end; t++) {
        ktest_result_t r = { 0 };
        t->run(&r);
        if (r.failure) {
            kprintf("FAIL ktest.%s: %s:%d: %s\n", t->name, r.file, r.line, r.failure);
            failed++;
        } else {
            kprintf("ok ktest.%s\n", t->name);
            passed++;
        }
    }
    kprintf("ktest: %d passed, %d failed\n", passed, failed);
    return failed;
}
