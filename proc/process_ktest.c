/*
 * process_ktest.c - process lifetime: spawn + exit + wait gives back every page and every
 * heap byte; wait without children is ECHILD; a missing program is ENOENT.
 */
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "proc/process.h"

static uint64_t t_spawn_wait(const char *path, uint64_t *status, int *err)
{
    const char *argv[] = { path, NULL };
    /* no descriptors (fdt NULL): the child writes nowhere */
    spawn_request_t req = { .path = path, .argv = argv, .argc = 1 };
    uint64_t pid = process_spawn(process_kernel(), &req, err);
    if (!pid)
        return 0;
    return process_wait(process_kernel(), pid, false, status, err) == pid ? pid : 0;
}

KTEST(process_spawn_exit_wait_frees_every_page)
{
    uint64_t status = 1;
    int err = 0;
    /* The first cycle may grow heap slabs and kernel-stack page tables for good. */
    KTEST_EXPECT(t_spawn_wait("/bin/hello", &status, &err));
    heap_trim(); /* the heap may keep one empty slab per class: compare without them */
    size_t pages = pmm_free_pages(), heap = heap_bytes_in_use();
    for (int i = 0; i < 3; i++)
        KTEST_EXPECT(t_spawn_wait("/bin/hello", &status, &err));
    heap_trim();
    KTEST_EXPECT(pmm_free_pages() == pages);
    KTEST_EXPECT(heap_bytes_in_use() == heap);
    KTEST_EXPECT(process_count() == 0);
}

KTEST(process_wait_without_children_is_echild)
{
    uint64_t status;
    int err = 0;
    KTEST_EXPECT(process_wait(process_kernel(), WAIT_ANY, false, &status, &err) == ERR);
    KTEST_EXPECT(err == ECHILD);
    KTEST_EXPECT(process_wait(process_kernel(), 12345, true, &status, &err) == ERR);
}

KTEST(process_spawn_of_missing_program_is_enoent)
{
    heap_trim();
    size_t pages = pmm_free_pages();
    uint64_t status;
    int err = 0;
    KTEST_EXPECT(!t_spawn_wait("/bin/no-such-program", &status, &err));
    KTEST_EXPECT(err == ENOENT);
    KTEST_EXPECT(!t_spawn_wait("/etc/motd", &status, &err));  /* not an ELF */
    KTEST_EXPECT(err == ENOEXEC);
    heap_trim();
    KTEST_EXPECT(pmm_free_pages() == pages);
}
