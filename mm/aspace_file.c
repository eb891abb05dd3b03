/*
 * aspace_file.c - the file operations mm/ uses for file-backed regions, as a table the file
 * side registers (kernel_main registers syscall/sys_mem_fd.c's), so mm/ calls upward without
 * including a file-system header.
 *
 * Invariants: registered once on the boot CPU before any process exists, every member set;
 * read-only afterwards (no lock). A file region can only be made through the registered
 * table, so a call here without one is a wiring bug and ASSERTs.
 */
#include <stddef.h>
#include "kernel/panic.h"
#include "mm/aspace.h"

static const aspace_file_ops_t *file_ops;

void aspace_file_ops_register(const aspace_file_ops_t *ops)
{
    ASSERT(file_ops == NULL);
    ASSERT(ops && ops->get && ops->put && ops->read_page);
    file_ops = ops;
}

static const aspace_file_ops_t *aspace_file_ops(void)
{
    ASSERT(file_ops != NULL);
    return file_ops;
}

void aspace_file_get(void *file)
{
    aspace_file_ops()->get(file);
}

void aspace_file_put(void *file)
{
    aspace_file_ops()->put(file);
}

int aspace_file_read_page(void *file, uint64_t pgoff, void *dst)
{
    return aspace_file_ops()->read_page(file, pgoff, dst);
}
