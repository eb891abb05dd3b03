/*
 * host_test.h - a minimal unit-test harness for the portable kernel pieces, built for the
 * host with AddressSanitizer and UBSan. Include it once per test program; it provides main().
 *
 *   HOST_TEST(name) { CHECK(cond); CHECK_EQ(a, b); }
 *
 * Each test prints "ok host.SUITE.name" or "FAIL host.SUITE.name: file:line: what"; the
 * suite name is HOST_SUITE (defined by host.mk from the file name).
 */
#ifndef HOST_TEST_H
#define HOST_TEST_H

#include <stdio.h>
#include <stdlib.h>

#ifndef HOST_SUITE
#define HOST_SUITE "unnamed"
#endif

typedef struct {
    const char *name;
    void (*fn)(void);
} host_test_t;

static const char *host_current_name;
static host_test_t host_tests[512];
static int host_test_count;
static int host_test_failed_now;

static inline void host_test_register(const char *name, void (*fn)(void))
{
    if (host_test_count < 512)
        host_tests[host_test_count++] = (host_test_t){ name, fn };
}

#define HOST_TEST(tname) \
    static void tname(void); \
    __attribute__((constructor)) static void host_test_reg_##tname(void) \
    { host_test_register(#tname, tname); } \
    static void tname(void)

#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            printf("FAIL host.%s.%s: %s:%d: %s\n", HOST_SUITE, host_current_name, __FILE__, \
                   __LINE__, #cond); \
            host_test_failed_now = 1; \
            return; \
        } \
    } while (0)

#define CHECK_EQ(a, b) \
    do { \
        long long host_a_ = (long long)(a), host_b_ = (long long)(b); \
        if (host_a_ != host_b_) { \
            printf("FAIL host.%s.%s: %s:%d: %s == %s (%lld != %lld)\n", HOST_SUITE, \
                   host_current_name, __FILE__, __LINE__, #a, #b, host_a_, host_b_); \
            host_test_failed_now = 1; \
            return; \
        } \
    } while (0)

int main(void)
{
    int failed = 0;
    for (int i = 0; i < host_test_count; i++) {
        host_current_name = host_tests[i].name;
        host_test_failed_now = 0;
        host_tests[i].fn();
        if (host_test_failed_now)
            failed++;
        else
            printf("ok host.%s.%s\n", HOST_SUITE, host_tests[i].name);
        fflush(stdout);
    }
    return failed ? 1 : 0;
}

#endif
